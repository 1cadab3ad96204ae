/*
 * test_trace.c - ECHO_TRACE=FILE (trace.h): each program's trace is read
 * back (tests/json.c, a strict JSON reader) and held to what the test
 * made it do: N clients give N connection lives, every line echoed is
 * there with its bytes, slices nest on every thread and each B has its E
 * (but the calls a killed process was blocked in), every arrow has both
 * ends, every pid and tid is named; processes starting at once share one
 * file; a trace cut by SIGKILL parses once "]" is added; the size cap is
 * said in the trace; bench/bin/tracecost says what tracing costs. The
 * problem programs' traces: test_trace_bugs.c. The general checks are
 * in tests/tracecheck.c.
 * Run: tests/bin/test_trace [test_name...]
 */
#include "testlib.h"
#include "tracecheck.h"

#include <sys/stat.h>

#define CLIENTS 3
#define LINES 4
#define LINE_BYTES 19 /* "line K of client C\n" */
/* ---- Every server ---- */

/* Each client's connection from the server's side: "127.0.0.1:PORT". */
static void local_name(int fd, char *name, size_t size)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof(a);
    char host[46], port[8]; /* INET6_ADDRSTRLEN; a port's digits */

    getsockname(fd, (SA *)&a, &len);
    getnameinfo((SA *)&a, len, host, sizeof(host), port, sizeof(port),
                NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(name, size, "%s:%s", host, port);
}

/* CLIENTS clients send LINES lines each (one at a time for a server that
 * serves one) and leave; names[c] gets each one's connection name. */
static void run_clients(server_t *s, int one_at_a_time, char names[][64])
{
    int fd[CLIENTS];
    char line[64];

    for (int c = 0; c < CLIENTS; c++) {
        if (one_at_a_time && c > 0)
            close(fd[c - 1]);
        if ((fd[c] = tcp_connect("127.0.0.1", s->port)) < 0)
            return;
        local_name(fd[c], names[c], 64);
        if (!one_at_a_time && c < CLIENTS - 1)
            continue;
        for (int from = one_at_a_time ? c : 0; from <= c; from++)
            for (int k = 0; k < LINES; k++) {
                snprintf(line, sizeof(line), "line %d of client %d\n", k, from);
                echoes_line(fd[from], line, scaled(3000));
            }
    }
    for (int c = one_at_a_time ? CLIENTS - 1 : 0; c < CLIENTS; c++)
        close(fd[c]);
}

/* Waits until the trace holds n ends of connection lives. */
static void wait_for_lives(int n)
{
    long long deadline = now_ms() + scaled(3000);
    trace_t t;
    int open, lives = 0;

    while (ms_left(deadline) > 0) {
        FILE *f = fopen(trace_path, "r");
        char buf[4096];
        lives = 0;
        while (f != NULL && fgets(buf, sizeof(buf), f) != NULL)
            lives += strstr(buf, "{\"ph\":\"e\",") != NULL;
        if (f != NULL)
            fclose(f);
        if (lives >= n)
            return;
        sleep_ms(20);
    }
    if (trace_load(trace_path, &t) == 0)
        CHECK(0, "%d connection lives ended within 3 s, want %d",
              trace_lives(&t, &open), n);
    trace_free(&t);
}

/* The calls a server of this kind is seen blocked in. */
static void check_blocked_calls(const trace_t *t, const server_info_t *si)
{
    const char *calls[3] = {"accept", NULL, NULL};

    if (strcmp(si->model, "event") != 0)
        calls[1] = "rio_readlineb";
    else if (strcmp(si->name, "echoservers") == 0)
        calls[1] = "select";
    else
        calls[1] = trace_count(t, 'B', "poll") > 0 ? "poll" : "epoll_wait";
    if (strcmp(si->name, "echoservert_pre") == 0)
        calls[2] = "sbuf_remove: P(&items)";
    for (int k = 0; k < 3 && calls[k] != NULL; k++)
        CHECK(trace_count(t, 'B', calls[k]) > 0,
              "%s: no slice blocked in \"%s\"", si->name, calls[k]);
}

/* The hand-offs a server makes: one arrow per client, or none. */
static int hands_off(const server_info_t *si)
{
    static const char *const with[] = {"echoserverp", "echoservert",
                                       "echoservert_pre", "echoservere"};
    for (size_t k = 0; k < sizeof(with) / sizeof(with[0]); k++)
        if (strcmp(si->name, with[k]) == 0)
            return 1;
    return 0;
}

static void check_server_trace(const server_info_t *si, char names[][64])
{
    const trace_event_t *left[OPEN_MAX];
    size_t nopen;
    trace_t t;
    int lines, still_open;

    if (trace_load_checked(&t, left, &nopen) < 0)
        return;
    CHECK(trace_lives(&t, &still_open) == CLIENTS && still_open == 0,
          "%s: %d connection lives (%d not ended), want %d", si->name,
          trace_lives(&t, &still_open), still_open, CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
        long bytes = trace_line_bytes(&t, names[c], &lines);
        CHECK(lines == LINES && bytes == LINES * LINE_BYTES,
              "%s: client %d (%s): %d lines, %ld bytes traced, want %d, %d",
              si->name, c, names[c], lines, bytes, LINES, LINES * LINE_BYTES);
    }
    int arrows = trace_check_arrows(&t);
    CHECK(arrows == (hands_off(si) ? CLIENTS : 0),
          "%s: %d hand-off arrows, want %d", si->name, arrows,
          hands_off(si) ? CLIENTS : 0);
    for (size_t k = 0; k < nopen && k < OPEN_MAX; k++)
        CHECK(strcmp(left[k]->cat, "blocked") == 0,
              "%s: \"%s\" (pid %ld) never ended, and is no blocked call",
              si->name, left[k]->name, left[k]->pid);
    check_blocked_calls(&t, si);
    if (strcmp(si->model, "process") == 0)
        CHECK(trace_count(&t, 'i', "SIGTERM handled") >= 1,
              "%s: the SIGTERM it handles is not in the trace", si->name);
    trace_free(&t);
}

static void trace_one_server(const server_info_t *si)
{
    char prog[48], args[2][16], names[CLIENTS][64] = {{0}};
    int nargs = server_pool_args(si, CLIENTS, args, 2);
    server_t s;

    snprintf(prog, sizeof(prog), "./%s", si->name);
    setenv("ECHO_TRACE", trace_fresh(), 1);
    int rc = server_start(&s, prog, "0", nargs > 0 ? args[0] : NULL,
                          nargs > 1 ? args[1] : NULL, NULL);
    unsetenv("ECHO_TRACE");
    if (rc < 0)
        return;
    run_clients(&s, strcmp(si->serves, "one") == 0, names);
    wait_for_lives(CLIENTS);
    CHECK(server_signal_wait(&s, SIGTERM, scaled(3000)) == 0,
          "%s did not end on SIGTERM", si->name);
    check_server_trace(si, names);
    unlink(trace_path);
}

static void every_server_traces_lives_lines_blocked_calls_and_handoffs(void)
{
    size_t n;
    const server_info_t *list = server_list(&n);

    for (size_t k = 0; k < n; k++)
        /* TSan holds a handler back while the one thread waits in accept:
         * there, as in the contract tests, the threaded servers only. */
        if (!running_under("thread") || strcmp(list[k].runs, "threads") == 0)
            trace_one_server(&list[k]);
}

/* ---- echoclient ---- */

static void echoclient_is_named_from_echo_trace_name(void)
{
    server_t s;
    run_result_t r;
    char port[16];
    const trace_event_t *left[OPEN_MAX];
    size_t nopen;
    trace_t t;

    if (server_start(&s, "./echoservert", "0", NULL) < 0)
        return;
    snprintf(port, sizeof(port), "%d", s.port);
    char *argv[] = {"./echoclient", "127.0.0.1", port, NULL};
    setenv("ECHO_TRACE", trace_fresh(), 1);
    setenv("ECHO_TRACE_NAME", "A", 1);
    run_program(argv, "a\nbb\n", 5, scaled(5000), &r);
    CHECK(r.status == 0, "echoclient: exit status %d", r.status);
    run_result_free(&r);
    if (trace_load_checked(&t, left, &nopen) < 0)
        return;
    CHECK(trace_tid_named(&t, -1, "client A") >= 0, "no thread named \"client A\"");
    long sent = 0, got = 0;
    for (size_t i = 0; i < t.n; i++) {
        sent += strcmp(t.ev[i].name, "sent") == 0
                    ? (long)trace_arg(&t.ev[i], "value", 0) : 0;
        got += strcmp(t.ev[i].name, "echo received") == 0
                   ? (long)trace_arg(&t.ev[i], "value", 0) : 0;
    }
    CHECK(sent == 5 && got == 5, "traced %ld bytes sent, %ld received; want "
          "5 and 5", sent, got);
    CHECK(nopen == 0, "%zu slices of echoclient never ended", nopen);
    trace_free(&t);
    unlink(trace_path);
}

/* ---- The file ---- */

/* Starts count copies of argv at once, all tracing to trace_path, and
 * waits for them; each must exit 0. */
static void run_at_once(char *const argv[], int count)
{
    pid_t pid[16];
    int status;

    int quiet = open("/dev/null", O_WRONLY);

    setenv("ECHO_TRACE", trace_path, 1);
    for (int k = 0; k < count; k++)
        pid[k] = spawn_program(argv, -1, quiet, quiet);
    unsetenv("ECHO_TRACE");
    close(quiet);
    for (int k = 0; k < count; k++) {
        waitpid(pid[k], &status, 0);
        CHECK(exit_code(status) == 0, "%s: exit status %d", argv[0],
              exit_code(status));
    }
}

static void processes_starting_at_once_share_one_file(void)
{
    char *argv[] = {"./race", "--fixed", "-n", "10", NULL};
    const trace_event_t *left[OPEN_MAX];
    size_t nopen;
    trace_t t;

    for (int round = 0; round < 2; round++) {
        trace_fresh();
        if (round == 1) /* an empty file already there: mktemp's, say */
            close(open(trace_path, O_WRONLY | O_CREAT, 0600));
        run_at_once(argv, 8);
        if (trace_load_checked(&t, left, &nopen) < 0)
            return;
        CHECK(trace_count(&t, 'M', "process_name") == 8 &&
              trace_count(&t, 'i', "read *vargp") == 80,
              "round %d: %d processes named, %d reads traced; want 8 and 80",
              round, trace_count(&t, 'M', "process_name"),
              trace_count(&t, 'i', "read *vargp"));
        CHECK(nopen == 0, "%zu slices never ended", nopen);
        trace_free(&t);
        unlink(trace_path);
    }
}

static void a_trace_cut_by_sigkill_parses(void)
{
    char *argv[] = {"./livelock", "-t", "1000", NULL}; /* writes for seconds */
    static const int after_ms[] = {20, 70, 150};
    int quiet = open("/dev/null", O_WRONLY);
    trace_t t;

    for (size_t k = 0; k < sizeof(after_ms) / sizeof(after_ms[0]); k++) {
        int status;
        setenv("ECHO_TRACE", trace_fresh(), 1);
        pid_t pid = spawn_program(argv, -1, quiet, quiet);
        unsetenv("ECHO_TRACE");
        long long deadline = now_ms() + scaled(3000); /* started tracing */
        while (access(trace_path, F_OK) < 0 && ms_left(deadline) > 0)
            sleep_ms(5);
        sleep_ms(after_ms[k]);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        CHECK(exit_code(status) == 128 + SIGKILL, "livelock ended (status %d) "
              "before the SIGKILL after %d ms", exit_code(status), after_ms[k]);
        if (trace_load(trace_path, &t) == 0)
            CHECK(t.n > 2, "killed after %d ms: only %zu events", after_ms[k],
                  t.n);
        trace_free(&t);
        unlink(trace_path);
        char tmp[96]; /* left if it was killed while making the file */
        snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", trace_path, (long)pid);
        unlink(tmp);
    }
    close(quiet);
}

static void the_size_cap_is_said_in_the_trace(void)
{
    char *argv[] = {"./livelock", NULL};
    struct stat st;
    trace_t t;

    setenv("ECHO_TRACE_MAX", "20000", 1);
    trace_fresh();
    run_at_once(argv, 1);
    unsetenv("ECHO_TRACE_MAX");
    CHECK(stat(trace_path, &st) == 0 && st.st_size < 20000 + 4096,
          "a trace capped at 20000 bytes has %lld", (long long)st.st_size);
    if (trace_load(trace_path, &t) < 0)
        return;
    const trace_event_t *last = &t.ev[t.n - 1];
    CHECK(strstr(last->name, "trace cap reached") != NULL && last->ph == 'i',
          "the last event is \"%s\", not the cap's", last->name);
    trace_free(&t);
    unlink(trace_path);
}

static void a_bad_trace_file_or_cap_is_refused(void)
{
    char *argv[] = {"./echoserveri", "0", NULL};
    run_result_t r;

    setenv("ECHO_TRACE", "/nonexistent-dir/trace.json", 1);
    run_program(argv, NULL, 0, scaled(3000), &r);
    CHECK(r.status == 1 && r.err.data != NULL &&
              strstr(r.err.data, "/nonexistent-dir/trace.json") != NULL,
          "unwritable ECHO_TRACE: status %d, stderr \"%s\"; want 1, naming it",
          r.status, r.err.data);
    run_result_free(&r);
    setenv("ECHO_TRACE", trace_fresh(), 1);
    setenv("ECHO_TRACE_MAX", "12ab", 1);
    run_program(argv, NULL, 0, scaled(3000), &r);
    CHECK(r.status == 2 && r.err.data != NULL &&
              strstr(r.err.data, "'12ab'") != NULL,
          "ECHO_TRACE_MAX=12ab: status %d, stderr \"%s\"; want 2, naming it",
          r.status, r.err.data);
    run_result_free(&r);
    unlink(trace_path);
}

static void tracecost_reports_the_cost_off_and_on(void)
{
    char *argv[] = {"bench/bin/tracecost", "-n", "2000", NULL};
    double off = -1, on = -1, bytes = -1;
    run_result_t r;

    run_program(argv, NULL, 0, scaled(10000), &r);
    const char *out = r.out.data ? r.out.data : "";
    const char *at = strstr(out, "on: ");
    CHECK(r.status == 0 && sscanf(out, "off: %lf ns per line", &off) == 1 &&
              at != NULL &&
              sscanf(at, "on: %lf us of CPU per line, %lf bytes", &on,
                     &bytes) == 2 &&
              off >= 0 && on > 0 && bytes > 100,
          "tracecost: status %d, output \"%s\"", r.status, out);
    run_result_free(&r);
}

int main(int argc, char **argv)
{
    static const test_t tests[] = {
        TEST(every_server_traces_lives_lines_blocked_calls_and_handoffs),
        TEST(echoclient_is_named_from_echo_trace_name),
        TEST(processes_starting_at_once_share_one_file),
        TEST(a_trace_cut_by_sigkill_parses),
        TEST(the_size_cap_is_said_in_the_trace),
        TEST(a_bad_trace_file_or_cap_is_refused),
        TEST(tracecost_reports_the_cost_off_and_on),
    };
    unsetenv("ECHO_TRACE");
    unsetenv("ECHO_TRACE_NAME");
    unsetenv("ECHO_TRACE_MAX");
    return run_tests("trace", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
