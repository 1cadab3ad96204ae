/*
 * echocheck.h - the parts of echocheck, the checker a student runs on their
 * own echo server and an instructor on every submission:
 *   main.c      options, signals, the exit status
 *   run.c       the groups in order, each on a fresh instance; a server
 *               that dies fails the check it died in
 *   instance.c  one run of the server: its own process group, limits,
 *               its output drained into a ring of last lines, stopping it
 *   procfs.c    what /proc shows (readiness, threads, descriptors, maps,
 *               zombies); a connect that is closed at once elsewhere
 *   client.c    bounded clients: connect, send and receive, compare
 *   crowd.c     many clients at once, each with a line of its own
 *   report.c    PASS/FAIL/SKIP lines, tallies, results.json
 *   junit.c     --junit FILE: the same results as JUnit XML
 *   checklist.c --list: every check, what it checks, its lesson
 *   text.c      a token replaced in a command's argument
 *   machine.c   a class run's checks, one at a time on the machine
 *   class*.c    --class: a folder of submissions (class.h)
 *   g_*.c       the checks, a file per lesson (g_robust.c: also shutdown)
 * Every wait is bounded and scaled by TEST_TIME_SCALE (opt.scale).
 */
#ifndef ECHOCHECK_H
#define ECHOCHECK_H

#include "csapp.h"

#include <stdarg.h>
#include <stdatomic.h>

/* ---- Options (main.c) ---- */
enum { M_ONE = 1, M_POOL = 2, M_MANY = 4, M_ALL = 7 };

typedef struct {
    int model;            /* M_ONE, M_POOL or M_MANY */
    int pool;             /* N of pool=N; 1 for one */
    int port;             /* -p PORT, or 0: a free one per instance */
    const char *group;    /* -g GROUP, or NULL for all */
    const char *json;     /* -j FILE, or NULL */
    int verbose;          /* -v */
    int no_mem_limit;     /* --no-mem-limit */
    int scale;            /* TEST_TIME_SCALE, >= 1 */
    char **cmd;           /* COMMAND [ARG...], NULL-terminated */
    const char *junit;    /* --junit FILE, or NULL */
    const char *model_arg; /* -m's text as given, for a class run's children */
    int repeat;           /* --repeat N (0: not given) */
    /* The class run (class.h): --class DIR and what goes with it. */
    const char *class_dir; /* --class DIR, or NULL: one server */
    const char *build;    /* --build CMD, or NULL: nothing to build */
    const char *out;      /* -o OUT */
    const char *only;     /* --only NAME, or NULL */
    int jobs;             /* -P N */
    int time_limit;       /* --time-limit S */
    const char *argv0;    /* how echocheck was run: a class run's children */
} options_t;

extern options_t opt;

/* Milliseconds scaled by TEST_TIME_SCALE. */
int ms(int base);
/* The longest any one wait for an answer lasts: about 3 s. */
#define WAIT_MS ms(3000)
/* How long "nothing came" is watched for, where nothing is right. */
#define QUIET_MS ms(400)
/* -v: a progress line ".. text" on stdout. */
void step(const char *fmt, ...);
/* Sleeps for the given milliseconds (not scaled). */
void nap(int millis);
/* Milliseconds on a monotonic clock. */
long long now_ms(void);

/* ---- One run of the server (instance.c) ---- */
#define RING_LINES 12
#define RING_WIDTH 160

typedef struct {
    pid_t pid;            /* also its process group's id; 0 when none */
    int port;
    int status;           /* wait status, valid once reaped */
    int reaped;
    int out_fd;           /* read end of its stdout+stderr pipe */
    pthread_t drain;
    atomic_int stop_drain; /* set by the main thread, read by drain */
    pthread_mutex_t lock; /* guards ring, next */
    char ring[RING_LINES][RING_WIDTH];
    int next;             /* lines written into ring so far */
    char why[160];        /* why it never got ready */
    atomic_int flooded;   /* set by drain: it printed more than FLOOD_MIB,
                             so drain killed its group */
} instance_t;

/* A server printing more than this in one run floods its output: it is
 * stopped (the class run names it). Far above a log line per client or
 * per echoed line. */
#define FLOOD_MIB 256

/*
 * Starts the server on a fresh port (opt.port if set) with stdin
 * /dev/null, in its own process group, with the limits (nofile > 0: soft
 * and hard RLIMIT_NOFILE), and waits up to 5 s for it to listen. Returns
 * 0 when ready; -1 with in->why said. Either way inst_stop ends it.
 */
int inst_start(instance_t *in, int nofile);
/* 1 while the server's first process lives (reaps it when it has died). */
int inst_alive(instance_t *in);
/* Stops the server's first process (SIGSTOP) and waits, up to WAIT_MS,
 * until it has stopped: 0, or -1 when it did not (it died: then reaped). */
int inst_pause(instance_t *in);
/* Lets it run again (SIGCONT). */
void inst_resume(instance_t *in);
/* Kills the whole process group, reaps the leader, stops the drain. */
void inst_stop(instance_t *in);
/* "exit status 1", "killed by SIGPIPE (status 141 = 128 + 13)"... */
void status_text(int status, char *buf, size_t size);
/* Which signal killed it (0: it exited). */
int status_signal(int status);
/* Copies its last printed lines, oldest first; returns how many. */
int inst_last_lines(instance_t *in, char lines[][RING_WIDTH], int max);
/* Kills every process group still registered and reaps their leaders,
 * waiting a second at most (signal handlers, exit; async-signal-safe). */
void kill_registered_groups(void);

/* ---- /proc (procfs.c) ---- */
/* 1 where /proc shows processes' descriptors and sockets (Linux). */
int have_procfs(void);
/*
 * 1 when a socket of process group pgid listens on TCP port (Linux:
 * /proc/net/tcp and tcp6 and the group's descriptors), else by a connect
 * to 127.0.0.1 that is closed at once.
 */
int is_listening(pid_t pgid, int port);
/* 1 when anything listens on TCP port (call once the server is gone:
 * then another program took the port we picked). */
int port_taken(int port);
/* Counts of one process: threads, descriptors, lines of its maps; -1 when
 * unreadable. maps_bytes: the total size of its mappings; stacks: the
 * mappings laid out as a thread's stack (a small guard, then the stack). */
int count_threads(pid_t pid);
int count_fds(pid_t pid);
int count_maps(pid_t pid, long long *maps_bytes, int *stacks);
/* Processes of group pgid; which: 0 all, 1 zombies (state Z) only, 2
 * living ones only. -1 when unknown. */
int count_group(pid_t pgid, int which);
/* 1 while any process of group pgid exists. */
int group_exists(pid_t pgid);
/* Threads of every process of this user (for RLIMIT_NPROC). */
int count_user_tasks(void);

/* ---- Results (report.c) ---- */
#define DETAIL_MAX 6000

typedef struct {
    int failed;
    char summary[200];
    char detail[DETAIL_MAX]; /* lines, each starting with 4 spaces */
    size_t len;
    int output_shown;     /* the server's last lines are in detail */
} result_t;

/* The first call sets the one-line summary; every call may add details. */
void fail(result_t *r, const char *fmt, ...);
/* Adds one detail line (indented by report). */
void note(result_t *r, const char *fmt, ...);
void report_check(const char *group, const char *name, result_t *r);
void report_skip(const char *group, const char *name, const char *why);
void report_tally(const char *group);
/* The last line and -j FILE; returns the exit status (0 or 1). */
int report_finish(void);
/* A server that never got ready: its one line, then the end. */
int report_never_ready(instance_t *in);
/* Appends from's detail lines to r's. */
void merge_details(result_t *r, const result_t *from);
/* Fails r with "what: from's summary", and from's details. */
void fail_from(result_t *r, const char *what, const result_t *from);
/* Adds the server's last lines to r. */
void note_last_lines(result_t *r, instance_t *in);

/* ---- JUnit XML (junit.c) ---- */
/* Each check's outcome as report.c prints it: kind 'P', 'F' or 'S';
 * text: a failure's details, or a skip's reason. */
void junit_add(const char *group, const char *name, int kind,
               const char *summary, const char *text);
/* Writes opt.junit; 0, or -1 (said on stderr). */
int junit_write(void);
/* Writes s escaped for XML 1.0 text and attributes (and so for HTML):
 * markup characters as entities, bytes XML cannot hold left out, bytes
 * that are not UTF-8 as U+FFFD. */
void xml_text(FILE *f, const char *s);

/* ---- --list (checklist.c) ---- */
/* Prints every check: id, group, what it checks, the lesson; returns 0. */
int list_checks(void);

/* ---- The machine for one check at a time (machine.c) ---- */
/* The lock a class run names in ECHOCHECK_LOCK, opened once; -1 when
 * none (a single run). */
int machine_lock_fd(void);
/* Takes (take 1, waiting for it) or gives back (0) the lock on fd; does
 * nothing when fd < 0. */
void machine_take(int fd, int take);

/* ---- Text (text.c) ---- */
/* s with every token replaced by with; a new string (Malloc). */
char *replace_all(const char *s, const char *token, const char *with);

/* ---- Clients (client.c) ---- */
/* A non-blocking socket connected to 127.0.0.1:port within WAIT_MS, or
 * -1 with errno set. */
int cl_connect(int port);
/* The same, not waiting for the connect to complete. */
int cl_connect_later(int port);
/* Sends lines without reading until the socket takes nothing for 300 ms
 * (the echo has backed up into the server), at most 64 MB or WAIT_MS.
 * Returns the bytes sent. */
size_t flood(int fd);
/* Closes with a reset (SO_LINGER 0) instead of an orderly end. */
void cl_reset(int fd);

typedef struct {
    const char *out;      /* bytes to send */
    size_t outlen, sent;
    int shut;             /* shutdown(SHUT_WR) once all is sent */
    char *in;             /* where the echo goes */
    size_t inlen, got;    /* want inlen bytes; got so far */
    int want_eof;         /* then wait for end of file */
    int eof, err;         /* seen end of file; errno of a failure */
    long long idle_ms;    /* how long it waited for nothing at the end */
} xfer_t;

/*
 * Sends and receives at once until everything is sent and inlen bytes
 * have come (and end of file, when wanted), or nothing moves for idle
 * milliseconds. Returns 0 when done, 1 on timeout, -1 on an error or an
 * early end of file (x->err, x->eof say which).
 */
int xfer(int fd, xfer_t *x, int idle);
/* 1 when a byte (or end of file) arrives on fd within millis. */
int readable_within(int fd, int millis);
/*
 * One client, start to end: connect, send data, expect it back (then end
 * of file after a shutdown when shut), compare. Returns 0, or with r
 * failed (what was sent, expected and seen) ECHO_CHANGED when bytes came
 * back altered, ECHO_SHORT when some never came, ECHO_NO_EOF when all came
 * but no end of file after them.
 */
enum { ECHO_CHANGED = 1, ECHO_SHORT = 2, ECHO_NO_EOF = 3 };
int echo_once(int port, const char *data, size_t n, int shut, result_t *r);
/* Notes where want and got first differ, each shown escaped. */
void note_difference(result_t *r, const char *want, size_t wantlen,
                     const char *got, size_t gotlen);
/* Up to max bytes of s, shown with \r \n \0 \xNN, into buf. */
const char *shown(const char *s, size_t n, char *buf, size_t size);

/* ---- The run (run.c) ---- */
typedef struct {
    const char *name;
    const struct check *checks;
    const int *count;
} group_t;
/* Every group, in the order they run. */
extern const group_t all_groups[];
extern const int n_groups;
/* Every group asked for, in order; returns the exit status. */
int run_groups(void);
/* "model one", "model pool=4": why a check is skipped. */
const char *model_name(void);
/* What a server's death by this wait status usually means. */
void note_death(result_t *r, int status);

/* ---- Checks (g_*.c) ---- */
typedef struct check_ctx check_ctx_t;
typedef void check_fn(check_ctx_t *c, result_t *r);

typedef struct check {
    const char *name;
    int models;           /* M_ONE|M_POOL|M_MANY it applies to */
    int needs_proc;       /* 1: Linux /proc only */
    check_fn *fn;
} check_t;

struct check_ctx {
    instance_t srv;
    void *state;          /* what a group keeps between its checks */
};

extern const check_t echo_checks[], conc_checks[], robust_checks[],
    res_checks[], shutdown_checks[];
extern const int n_echo_checks, n_conc_checks, n_robust_checks,
    n_res_checks, n_shutdown_checks;

/* A fresh client's line comes back (the server still serves). */
int serves_next(int port, result_t *r);
/*
 * n clients at once, each sending its own line and closing after its
 * echo. Returns how many got their line back; on trouble r fails with
 * what went wrong (cross-talk, unanswered), and *crossed counts the
 * clients that got bytes that were not theirs.
 */
int many_clients(int port, int n, int *crossed, result_t *r);

#endif /* ECHOCHECK_H */
