/*
 * class.h - the class run (echocheck --class): a whole folder of
 * submissions, each built and then checked by a child echocheck, one
 * status each, one report. Its parts:
 *   class.c         the driver: the submissions, -P of them at once, the
 *                   time limits, Ctrl-C, the statuses
 *   class_child.c   one child (a build, or a check): its own session, its
 *                   output capped into a file, stopping it and all it began
 *   class_watch.c   what /proc shows of a child's server: forking without
 *                   end, filling memory (Linux; elsewhere nothing)
 *   class_json.c    reading back the results.json a child wrote
 *   class_words.c   echocheck's words in it: a failure's cause, a failed
 *                   start's first words
 *   class_report.c  OUT/class.csv, OUT/class.html, the terminal's summary
 * The driver is one thread: a loop over the children's pipes, so nothing
 * here is shared between threads.
 */
#ifndef CLASS_H
#define CLASS_H

#include "echocheck.h"

#include <stdio.h>

/* ---- One child process (class_child.c) ---- */
typedef struct {
    pid_t pid;            /* also its session's and group's id; 0: none */
    int out;              /* read end of its stdout+stderr; -1 when done */
    FILE *file;           /* where its output goes, capped */
    long long kept, dropped, total; /* bytes written, left out, read */
    long long cap;        /* at most this many bytes are kept */
    int status;           /* wait status, once reaped */
    int reaped;
    long long started, deadline; /* now_ms() values */
    long long term_sent;  /* when SIGTERM was sent; 0: not yet */
} child_t;

/* Starts argv (argv[0] by PATH) in a new session, in dir (NULL: here),
 * stdin /dev/null, its output into file (taken over: closed at the end).
 * Returns 0, or -1 with errno set. */
int child_start(child_t *c, char *const argv[], const char *dir, FILE *file,
                long long cap);
/* Moves what the child printed into its file; returns 1 while its pipe
 * is open. */
int child_pump(child_t *c);
/* Reaps it if it ended; 1 when it has ended and its pipe is drained. */
int child_done(child_t *c);
/* Asks it to end (SIGTERM to its group), then, grace ms later on the next
 * call, kills everything of its session; 1 once it is gone. */
int child_stop(child_t *c, int grace);
/* Closes the file, with a last line saying how much was left out. */
void child_close(child_t *c);

/* ---- Sessions and the server's excesses (class_watch.c) ---- */
/* Kills every process of session sid at once (Linux: by /proc; elsewhere
 * its leader's group). */
void kill_session(pid_t sid);
/* Looks at every process of session sid but its leader's group; kills a
 * group that forks without end or fills memory, and says which into why
 * (left alone when nothing was found). Returns 1 when it killed one. */
int watch_session(pid_t sid, char *why, size_t size);

/* ---- A submission and its results ---- */
enum { V_NONE, V_PASSED, V_FAILED, V_FLAKY, V_SKIPPED };
enum { S_CHECKED, S_BUILD_FAILED, S_NEVER_LISTENED, S_CRASHED, S_TIMED_OUT,
       S_NOT_RUN, N_STATUS };

typedef struct {
    char verdict;         /* V_* */
    char *cause;          /* a failure's cause, or NULL */
} cell_t;

typedef struct {
    char *name;           /* the folder's name */
    int status;           /* S_* */
    char why[300];        /* what the status needs said; "" when nothing */
    char stopped[200];    /* forked without end...; "" when not stopped */
    int passed, failed;
    double score, max_score; /* the rubric's points (--points), summed */
    double seconds;
    cell_t *cells;        /* one per check, in class_check_ids() order */
    char isolation[16];   /* its check's mode: "namespaces", "none", "" */
} sub_t;

/* Every check's id ("group/name") in the order they run; n set. */
const char *const *class_check_ids(int *n);
/* The group of check i (a pointer into a static table). */
const char *class_check_group(int i);
/* The status's words: "checked", "build failed"... */
const char *status_word(int status);

/* ---- results.json read back (class_json.c) ---- */
/* Fills s's cells, counts and, for a run that never started, status and
 * why, from the JSON in path. Returns 0, or -1 when it cannot be read. */
int read_results(const char *path, sub_t *s);

/* ---- echocheck's words read (class_words.c) ---- */
/* What caused a failure, from its output: its likely cause joined, else
 * its first line with long numbers as N. A new string, 160 bytes at most. */
char *failure_cause(const char *output);
/* The server's first words in a failed start's detail lines (a quoted line
 * that says something, else the first note): into out; 0 when none. */
int first_words(const char *detail, char *out, size_t size);

/* ---- The report (class_report.c) ---- */
/* Rewrites OUT/class.csv and OUT/class.html from every submission; 0 or
 * -1 (said on stderr). */
int write_class_report(const char *out, sub_t *subs, int n);
/* The end: count of each status, the five checks failed most, where the
 * report is. */
void print_class_summary(const char *out, sub_t *subs, int n);
/* Saves and loads what results.json does not hold: OUT/NAME/status.txt. */
int save_status(const char *dir, const sub_t *s);
int load_status(const char *dir, sub_t *s);

/* ---- The submissions (class_subs.c) ---- */
/* a/b; path made absolute (from the working directory): new strings. */
char *path_join(const char *a, const char *b);
char *absolute(const char *path);
/* The direct subfolders of DIR, sorted, hidden ones and OUT left out;
 * NULL and *n 0 when none (or DIR cannot be read). */
char **list_submissions(int *n);
/* Each submission's row: --only's others as saved, the rest not run. */
sub_t *make_subs(char **names, int n);
/* Frees names and the rows. */
void free_subs(char **names, sub_t *subs, int n);

/* ---- Isolation of a class run (class_iso.c) ---- */
struct owners;
/* Decides the mode for the whole class (exits 2 if --isolate cannot be
 * had) and says it in one line. */
void class_iso_start(void);
/* A check's options for the mode and -p; port: room for the number. */
void class_iso_args(char **argv, int *k, char *port, size_t size);
/* A build's argv (sh -c cmd, through echocheck when isolated); its
 * length. argv: room for 8. */
int class_iso_build_argv(char **argv, char *cmd);
/* Root and isolated: the folder lent to a fresh uid, its owners kept;
 * else NULL. class_iso_env sets the uid for the next child started;
 * class_iso_give_back restores the owners (and frees o). */
struct owners *class_iso_lend(const char *dir);
void class_iso_env(const struct owners *o);
void class_iso_give_back(const char *dir, struct owners *o);

/* The class run (class.c): the exit status. */
int class_run(void);

#endif /* CLASS_H */
