/*
 * checklist.c - the checks by id ("group/name"): --list prints each with
 * what it checks and the lesson behind it, and the class run's matrix has
 * a column for each. The ids come from the groups' own tables (run.c), so
 * a new check is listed at once; its words here are optional (a check
 * without them says so).
 */
#include "class.h"

typedef struct {
    const char *id;
    const char *what;
} about_t;

static const about_t abouts[] = {
    { "echo/short-line", "one short line comes back as sent" },
    { "echo/empty-line", "an empty line (\"\\n\" alone) comes back, alone and "
                         "between two lines" },
    { "echo/byte-at-a-time", "a line sent one byte per segment comes back "
                             "whole" },
    { "echo/crlf", "CR LF line ends come back unchanged" },
    { "echo/nul-bytes", "NUL bytes inside a line come back (no strlen)" },
    { "echo/not-utf8", "bytes that are not UTF-8 come back unchanged (no "
                       "text decoding)" },
    { "echo/long-line", "a line longer than MAXLINE comes back whole" },
    { "echo/random-4mb", "4 MB of arbitrary bytes come back in order" },
    { "echo/no-final-newline", "a last line without a newline comes back" },
    { "echo/half-close", "after shutdown(SHUT_WR) the rest comes back, then "
                         "end of file" },
    { "echo/half-close-unread", "a client that sends, shuts down its side "
                                "and only then reads gets every byte back" },
    { "concurrency/second-client", "a second client is served while the "
                                   "first stays connected" },
    { "concurrency/pool-serves-n", "N clients are served at once" },
    { "concurrency/pool-next-waits", "client N+1 waits until one of N leaves" },
    { "concurrency/one-at-a-time", "a second client waits until the first "
                                   "leaves" },
    { "concurrency/lines-in-one-segment", "several lines in one segment all "
                                          "come back" },
    { "concurrency/half-line-delays-nobody", "a client holding half a line "
                                             "delays no other client" },
    { "concurrency/flooder-delays-nobody", "a client that never reads delays "
                                           "no other client" },
    { "concurrency/hundred-clients", "100 clients at once, each gets its own "
                                     "line back" },
    { "robustness/reset-mid-line", "a client's reset mid-line ends that "
                                   "connection only" },
    { "robustness/close-before-echo", "a client that leaves before its echo "
                                      "harms nobody (SIGPIPE)" },
    { "robustness/vanish-echo-pending", "a client that vanishes with its echo "
                                        "pending harms nobody" },
    { "resources/no-zombies", "children are reaped, even when their "
                              "SIGCHLDs merge" },
    { "resources/threads-back", "threads end after their clients (detached "
                                "or joined)" },
    { "resources/fds-back", "every connected descriptor is closed again" },
    { "resources/maps-not-grown", "memory mappings (thread stacks) do not "
                                  "grow client by client" },
    { "resources/fd-limit-64", "at 64 descriptors it refuses and recovers, "
                               "it does not exit" },
    { "resources/bounded-memory", "a client that never reads does not make "
                                  "the server's memory grow past 64 MiB" },
    { "resources/idle-cpu", "once its clients have left, the server uses "
                            "no CPU (under 5% of a core)" },
    { "shutdown/sigterm", "SIGTERM ends the server and all it started" },
};

/* The lecture's lesson behind each group. */
static const about_t lessons[] = {
    { "echo", "byte streams and robust I/O: a read returns what has come, "
              "not a line (RIO)" },
    { "concurrency", "the models: processes, threads, I/O multiplexing, "
                     "prethreading" },
    { "robustness", "one client's error ends its connection, never the "
                    "server (SIGPIPE, wrappers)" },
    { "resources", "what a server must give back: children, threads, "
                   "descriptors, memory" },
    { "shutdown", "signals: a server ends cleanly, with all it started" },
};

static const char *look_up(const about_t *t, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].id, key) == 0)
            return t[i].what;
    return NULL;
}

/* Built once, by the main thread, before any use. */
static const char **ids, **id_groups;
static int n_ids;

static void collect(void)
{
    if (ids != NULL)
        return;
    for (int g = 0; g < n_groups; g++)
        n_ids += *all_groups[g].count;
    ids = Calloc((size_t)n_ids + 1, sizeof(*ids));
    id_groups = Calloc((size_t)n_ids + 1, sizeof(*id_groups));
    for (int g = 0, k = 0; g < n_groups; g++)
        for (int i = 0; i < *all_groups[g].count; i++, k++) {
            const char *group = all_groups[g].name;
            char *id = Malloc(strlen(group) + strlen(all_groups[g].checks[i].name) + 2);
            sprintf(id, "%s/%s", group, all_groups[g].checks[i].name);
            ids[k] = id;
            id_groups[k] = group;
        }
}

const char *const *class_check_ids(int *n)
{
    collect();
    *n = n_ids;
    return ids;
}

const char *class_check_group(int i)
{
    collect();
    return id_groups[i];
}

/* One line per check, its four fields apart by tabs: easy to read, and
 * to cut (a rubric starts from it). */
int list_checks(void)
{
    collect();
    for (int k = 0; k < n_ids; k++) {
        const char *what = look_up(abouts, sizeof(abouts) / sizeof(abouts[0]),
                                   ids[k]);
        const char *lesson = look_up(lessons, sizeof(lessons) / sizeof(lessons[0]),
                                     id_groups[k]);
        printf("%s\t%s\t%s\t%s\n", ids[k], id_groups[k],
               what ? what : "(not described yet)", lesson ? lesson : "");
    }
    return 0;
}
