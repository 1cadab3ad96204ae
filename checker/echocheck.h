/*
 * echocheck.h - the parts of echocheck, the checker a student runs on their
 * own echo server and an instructor on every submission:
 *   main.c      the command line, signals, the exit status; on top:
 *               nothing depends on it
 *   common.c    the options every part reads, the clock
 *   causes.c    the catalogue of likely causes, each with the
 *               observation it requires; which language the server is
 *   output.c    what the server printed: each stream's first and last
 *               lines, a runtime's error report kept whole
 *   run.c       the groups in order, each on a fresh instance; a check
 *               is judged once a fresh client is served; a server that
 *               dies fails the check it died in, and the next check
 *               gets a fresh instance
 *   instance.c  one run of the server: its own process group, limits,
 *               its output drained (output.c), the process holding the
 *               listening socket watched, stopping it
 *   procfs.c    what /proc shows (readiness, threads, descriptors, maps,
 *               zombies); a connect that is closed at once elsewhere
 *   usage.c     what the server's group costs: CPU time and memory (PSS)
 *   client.c    bounded clients: connect, send and receive, compare
 *   crowd.c     many clients at once, each with a line of its own
 *   provoke.c   whether a check met the condition it tests, as seen
 *               from outside (/proc/net/tcp, a client's socket)
 *   result.c    a check's verdict and detail lines, as it runs
 *   report.c    PASS/FAIL/SKIP lines, "not judged" for a fault shown
 *               before, tallies, the root causes, results.json
 *   points.c    the rubric (--points FILE): what each check is worth
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

/* ---- Options and clock (common.c; main.c sets the options) ---- */
enum { M_ONE = 1, M_POOL = 2, M_MANY = 4, M_ALL = 7 };

typedef struct {
    int model;            /* M_ONE, M_POOL or M_MANY */
    int pool;             /* N of pool=N; 1 for one */
    int port;             /* -p PORT, or 0: a free one per instance */
    const char *group;    /* -g GROUP, or NULL for all */
    const char *json;     /* -j FILE, or NULL */
    const char *check;    /* --check ID (group/name), or NULL */
    int verbose;          /* -v */
    int no_mem_limit;     /* --no-mem-limit */
    int repeat;           /* --repeat N: runs of each check, >= 1 */
    int scale;            /* TEST_TIME_SCALE, >= 1 */
    char **cmd;           /* COMMAND [ARG...], NULL-terminated */
    const char *junit;    /* --junit FILE, or NULL */
    const char *model_arg; /* -m's text as given, for a class run's children */
    const char *points;   /* --points FILE, or NULL: a class run's children */
    /* The class run (class.h): --class DIR and what goes with it. */
    const char *class_dir; /* --class DIR, or NULL: one server */
    const char *build;    /* --build CMD, or NULL: nothing to build */
    const char *out;      /* -o OUT */
    const char *only;     /* --only NAME, or NULL */
    int jobs;             /* -P N */
    int time_limit;       /* --time-limit S */
    const char *argv0;    /* how echocheck was run: a class run's children */
    int isolate;          /* ISO_AUTO, ISO_REQUIRED (--isolate), ISO_OFF */
    int run_build;        /* --run-build: a class run's isolated build */
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

/* ---- A check's result (filled by the checks, printed by report.c) ---- */
#define DETAIL_MAX 6000

typedef struct {
    int failed;
    char summary[200];
    char detail[DETAIL_MAX]; /* lines, each starting with 4 spaces */
    size_t len;
    int output_shown;     /* the server's last lines are in detail */
    unsigned long long seen; /* bit 1 << EV_x: observations (causes.c) */
    int cause;            /* the first cause blamed: CAUSE_ id, or 0 */
    int flaky_runs;       /* --repeat: runs of a flaky check, 0 when not */
    int flaky_failed;     /* and how many of them failed */
} result_t;

/* ---- What the server printed (output.c) ---- */
#define HEAD_LINES 6      /* the first lines of each stream, kept */
#define TAIL_LINES 6      /* and the last */
#define REPORT_LINES 14   /* a runtime's error report, from its start */
#define RING_WIDTH 160

typedef struct {
    char head[HEAD_LINES][RING_WIDTH];
    char tail[TAIL_LINES][RING_WIDTH]; /* a ring */
    int lines;            /* whole lines seen so far */
    char part[RING_WIDTH]; /* the line being read */
    size_t used;
} stream_t;

typedef struct {
    pthread_mutex_t lock; /* guards everything below */
    stream_t s[2];        /* stdout, stderr */
    const char *runtime;  /* whose report: "Python"... or "csapp" */
    int is_c;             /* it is a wrapper's message: the last one */
    int report_stream;
    int report_lines;
    char report[REPORT_LINES][RING_WIDTH];
} output_t;

void out_init(output_t *o);
/* Takes n bytes of stream s (0 stdout, 1 stderr); out_end: its end. */
void out_feed(output_t *o, int s, const char *buf, size_t n);
void out_end(output_t *o, int s);
/* 1 when its first lines hold words, in any case ("usage"). */
int out_head_says(output_t *o, const char *words);
/* Records in r what the output shows: EV_RUNTIME_REPORT, EV_WRAPPER_MSG. */
void observe_output(result_t *r, output_t *o);
/* 1 when the quoted error report holds words, in any case. */
int out_report_says(output_t *o, const char *words);
/* Notes the runtime's report, quoted, when r has observed it (the
 * evidence of a death), then each stream's first and last lines (or that
 * it printed nothing). */
void note_output(result_t *r, output_t *o);

/* ---- One run of the server (instance.c) ---- */
typedef struct {
    pid_t pid;            /* also its process group's id; 0 when none */
    pid_t server;         /* the process holding the listening socket */
    int port;
    int status;           /* wait status, valid once reaped */
    int reaped;
    int out_fd[2];        /* read ends of its stdout and stderr pipes */
    pthread_t drain;
    atomic_int stop_drain; /* set by the main thread, read by drain */
    atomic_int drain_done; /* set by drain as its last act (it is detached:
                              a run ended by a signal leaves no finished
                              thread unjoined, which TSan would report) */
    output_t out;
    char why[160];        /* why it never got ready */
    char cmdline[300];    /* the command line started */
    int served_at_start;  /* served_clients when it started */
    long oom_at_start;    /* cg_oom_kills() when it started */
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
/* Kills every process group still registered and reaps their leaders,
 * waiting a second at most (signal handlers, exit; async-signal-safe). */
void kill_registered_groups(void);

/* ---- /proc (procfs.c) ---- */
/* 1 where /proc shows processes' descriptors and sockets (Linux). */
int have_procfs(void);
/*
 * The process of group pgid whose socket listens on TCP port (Linux:
 * /proc/net/tcp and tcp6 and the group's descriptors), or 0; elsewhere
 * pgid itself when a connect to 127.0.0.1 is closed at once.
 */
pid_t listening_pid(pid_t pgid, int port);
/* 1 while process pid runs (a zombie has ended). */
int process_alive(pid_t pid);
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
/* The living processes of group pgid into pids (at most max); returns
 * how many, or -1 when unknown. */
int group_pids(pid_t pgid, pid_t *pids, int max);
/* Descriptors held by the processes of group pgid together; -1 unknown. */
int count_group_fds(pid_t pgid);
/* 1 while any process of group pgid exists. */
int group_exists(pid_t pgid);
/* Threads of every process of this user (for RLIMIT_NPROC). */
int count_user_tasks(void);

/* ---- Results (result.c: fail, unfail, note; the rest report.c) ---- */

/* The first call sets the one-line summary; every call may add details. */
void fail(result_t *r, const char *fmt, ...);
/* Makes a failed r a passing one whose first detail is "label: its
 * summary", its details after it, and no cause: a greater fault follows. */
void unfail(result_t *r, const char *label);
/* Adds one detail line (indented by report). */
void note(result_t *r, const char *fmt, ...);
/* Lists a check in the results (-j) before it runs: pending, or skipped
 * when skip says why. */
void report_plan(const char *group, const char *name, const char *skip);
/* Writes the results file with every check pending; 0 or -1. */
int report_begin(void);
/* A check's verdict: PASS, FAIL with its details, or, when its cause
 * was shown by an earlier check, "FAIL ...: not judged: <the fault>". */
void report_check(const char *group, const char *name, result_t *r);
void report_skip(const char *group, const char *name, const char *why);
void report_tally(const char *group);
/* --repeat: makes r, the first of failed of runs that failed, a flaky
 * check's result ("failed K of N runs", its cause CAUSE_FLAKY unless
 * echocheck did not provoke), that run's details kept. */
void flaky(result_t *r, int failed, int runs);
/* Records a check's failed runs of runs for the JSON's extra_data. */
void report_runs(const char *group, const char *name, int failed, int runs);
/* 1 when an earlier check of this run showed cause id. */
int cause_shown(int id);
/* The root causes, the last line and -j FILE; returns the exit status
 * (0 or 1). */
int report_finish(void);
/* Ctrl-C's last lines: said so, then the tally so far (csapp's sio_puts
 * and sio_putl: it is called from the signal handler). */
void report_interrupted(void);
/* A server that never got ready: its one line, then the end. */
int report_never_ready(instance_t *in);
/* Appends from's detail lines to r's. */
void merge_details(result_t *r, const result_t *from);
/* Fails r with "what: from's summary", and from's details. */
void fail_from(result_t *r, const char *what, const result_t *from);
/* Adds what the server printed to r (note_output). */
void note_last_lines(result_t *r, instance_t *in);

/* ---- What the server's group costs (usage.c) ---- */
/* 1 where /proc/PID/smaps_rollup shows memory (Linux 4.14 and later). */
int have_pss(void);
/* The PSS of the group's processes, summed, in KiB; -1 when unknown. */
long long group_pss_kib(pid_t pgid);

#define CPU_TASKS 1024
typedef struct {
    pid_t pid, tid;       /* tid 0: the whole process, ended threads too */
    long long ticks;      /* utime + stime, in clock ticks */
    long long ready_ns;   /* threads: time running or waiting to run
                           * (schedstat); -1 when not shown */
    char name[16];
} cpu_task_t;
typedef struct {
    long long at_ms;
    int n;
    cpu_task_t t[CPU_TASKS];
} cpu_sample_t;

/* The CPU time of group pgid's processes and threads now; 0, or -1 when
 * unknown (no /proc, or no process left). */
int cpu_sample(pid_t pgid, cpu_sample_t *s);
/* The group's CPU use between a and b, in percent of one core. */
double cpu_percent(const cpu_sample_t *a, const cpu_sample_t *b);
/* The largest share of the time between a and b that one thread was
 * ready to run (running, or waiting for a core: a spinning thread is, all
 * along, however busy the machine), in percent; -1 when not shown. */
double ready_percent(const cpu_sample_t *a, const cpu_sample_t *b);
/* cpu_sample, millis apart; the percent, or -1 when unknown. */
double cpu_over(pid_t pgid, int millis, cpu_sample_t *a, cpu_sample_t *b);
/* Notes the threads that ran between a and b, the busiest by name with
 * their CPU use (alive: they are in b). */
void note_busy(result_t *r, const cpu_sample_t *a, const cpu_sample_t *b);

#include "causes.h" /* the causes a failure may be given */

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
/* s in single quotes for sh, each ' as '\''; a new string (Malloc). */
char *shell_quoted(const char *s);

/* ---- Provoking what a check tests (provoke.c) ---- */
/* Fails r as "not provoked: what", echocheck's fault, not the server's. */
void not_provoked(result_t *r, const char *fmt, ...);
/* The local port of a connected IPv4 socket, or 0. */
int local_port(int fd);
/* The TCP state (1 established ... 11) of the connection whose local
 * port is lport and remote port rport, as /proc/net/tcp shows it; 0 when
 * there is none (gone), -1 when unknown (no /proc). */
int tcp_state(int lport, int rport);
/* Waits up to millis until that connection is gone: 1 gone, 0 not,
 * -1 unknown. */
int wait_tcp_gone(int lport, int rport, int millis);
/* Bytes that arrived on fd and were not read yet (peeked, up to 64 KB). */
size_t bytes_waiting(int fd);
/* Stops every process of the server's group (SIGSTOP), waiting until the
 * leader has: 0, or -1 (it died); group_continue lets them all run. */
int group_stop(instance_t *in);
void group_continue(instance_t *in);

#include "client.h" /* the clients the checks are made of */

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
/* A dead instance: what it printed, and the cause its death and output
 * show (an error report, SIGPIPE, one client served...). */
void note_death(result_t *r, instance_t *in);
/* Clients served by echo_once since the start (client.c). */
extern int served_clients;

/* ---- The rubric (points.c) ---- */
/* Reads --points FILE; exits 2 naming the line of a malformed line, an
 * unknown check id, or a check listed twice. */
void points_load(const char *path);
/* What check "group/name" is worth: its points in the rubric, else 1.
 * A passed check scores that much, a failed one 0, a skipped one 0 of 0. */
int check_points(const char *id);

/* ---- Checks (g_*.c) ---- */
typedef struct check_ctx check_ctx_t;
typedef void check_fn(check_ctx_t *c, result_t *r);

typedef struct check {
    const char *name;
    int models;           /* M_ONE|M_POOL|M_MANY it applies to */
    int needs_proc;       /* 1: Linux /proc only; 2: and smaps_rollup */
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
/* The check whose id is "group/name", or NULL; *group (when group is
 * not NULL) gets the group's name (run.c). */
const check_t *find_check(const char *id, const char **group);

/* resources/bounded-memory and resources/idle-cpu (g_cost.c). */
check_fn bounded_memory, idle_cpu;
/* Measures the threads of group pgid for 300 ms: when they use 5% of a
 * core or more (or one was ready to run nearly all along) with no client
 * connected, notes the busiest, blames their spinning (CAUSE_SPINNING)
 * and returns 1; else 0, having noted their CPU use only when always. */
int note_spinning(pid_t pgid, int always, result_t *r);

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
