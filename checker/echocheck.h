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
/* 1 when its first lines hold "usage", in any case. */
int out_usage(output_t *o);
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
    output_t out;
    char why[160];        /* why it never got ready */
    char cmdline[300];    /* the command line started */
    int served_at_start;  /* served_clients when it started */
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

/* ---- Results (report.c) ---- */

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

/* ---- Causes (causes.c) ---- */
/* What a check saw: the observation a likely cause requires. */
enum {
    EV_USAGE = 0,         /* exited at start, printing a usage message */
    EV_START_REPORT,      /* never ready, with an error report printed */
    EV_ONE_CLIENT,        /* ended after serving exactly one client */
    EV_RUNTIME_REPORT,    /* its output holds a runtime's uncaught error */
    EV_WRAPPER_MSG,       /* its output holds a wrapper's "call: reason" */
    EV_DIED_SIGPIPE,      /* killed by SIGPIPE */
    EV_DIED_MEMORY,       /* killed by SIGSEGV, SIGBUS or SIGABRT */
    EV_EXITED,            /* exited by itself */
    EV_KILLED,            /* killed by another signal */
    EV_NEXT_UNSERVED,     /* alive, but a fresh client was not served */
    EV_NO_RESTART,        /* a fresh instance did not get ready */
    EV_NOTHING_BACK,      /* not one byte of the echo came back */
    EV_HELD_TO_EOF,       /* the missing echo came once we shut down */
    EV_DIFF_AT_CR,        /* bytes came back; the first difference at a CR */
    EV_DIFF_AT_NUL,       /* bytes came back; the first difference at a NUL */
    EV_CHANGED,           /* bytes came back altered */
    EV_SOME_BACK,         /* bytes came back right, then no more */
    EV_LAST_PARTIAL_LOST, /* all came back but the last unterminated line */
    EV_NO_EOF,            /* all came back, no end of file after it */
    EV_FIRST_LINE_ONLY,   /* of lines sent together only the first came */
    EV_SECOND_WAITED,     /* a 2nd client unanswered beside a silent 1st */
    EV_POOL_UNSERVED,     /* fewer than the pool's N served at once */
    EV_POOL_EXTRA,        /* the pool's N + 1st answered at once */
    EV_WAITER_UNSERVED,   /* a waiting client unserved after one left */
    EV_SECOND_ANSWERED,   /* model one: a 2nd client answered at once */
    EV_WAITED_HALF_LINE,  /* a bystander unanswered beside a half line */
    EV_WAITED_FLOODER,    /* a bystander unanswered beside a flooder */
    EV_HALF_NOT_WHOLE,    /* a line completed later did not come whole */
    EV_UNANSWERED,        /* clients at once unanswered, no cross-talk */
    EV_CROSSTALK,         /* a client got bytes that were not its own */
    EV_ZOMBIES_ALL,       /* every client's child left a zombie */
    EV_ZOMBIES_SOME,      /* some children, not all, left zombies */
    EV_THREADS_LEFT,      /* more threads than idle after clients left */
    EV_FDS_LEFT,          /* more descriptors than idle after they left */
    EV_STACKS_NO_THREADS, /* stacks left mapped, threads back to idle */
    EV_EMFILE_FATAL,      /* with few descriptors, died or stopped serving */
    EV_SIGTERM_ALIVE,     /* still running after SIGTERM */
    EV_SIGTERM_LEFT,      /* processes of its group left after SIGTERM */
    EV_ENDED_AT_ONE_BYTE, /* the line before came back; the connection
                             ended at an empty line, or after the first
                             byte of a line sent a byte per segment */
    EV_EMPTY_LINE_LOST,   /* the line before came back; an empty line not */
    EV_PIECES_NOT_JOINED, /* a line came back whole; one sent a byte per
                             segment not, the connection open */
    EV_HIGH_BYTE_CHANGED, /* the first difference at a byte of 0x80-0xFF */
    EV_HIGH_LINE_REFUSED, /* an ASCII line came back, the next one of bytes
                             that are not UTF-8 not at all */
    EV_CLOSED_ECHO_DUE,   /* after the client's half-close the server ended
                             the connection before the whole echo */
    EV_GREW_UNREAD,       /* memory grew past its bound while a client sent
                             without reading */
    EV_BUSY_IDLE,         /* threads ran (or were ready to) with no client
                             sending */
    EV_NEWLINE_ADDED,     /* the echo is what was sent and then "\n" or
                             "\r\n", where what was sent ended without */
    EV_NOT_PROVOKED,      /* the check did not meet what it tests */
    EV_FLAKY,             /* the outcome varied between runs (--repeat) */
    EV_CLIENTS_AT_ONCE,   /* the check ran clients at the same time */
    EV_EBADF_AT_ONCE,     /* it died reporting "Bad file descriptor" in a
                             check that ran clients at once */
};

enum {
    CAUSE_NONE = 0,
    CAUSE_USAGE, CAUSE_START_REPORT, CAUSE_ONE_CLIENT, CAUSE_RUNTIME, CAUSE_WRAPPER,
    CAUSE_SIGPIPE, CAUSE_MEMORY, CAUSE_EXITED, CAUSE_KILLED,
    CAUSE_NEXT_UNSERVED, CAUSE_NO_RESTART,
    CAUSE_NO_ECHO, CAUSE_HELD, CAUSE_CRLF, CAUSE_NUL, CAUSE_CHANGED,
    CAUSE_LONG_LINE, CAUSE_SHORT_WRITE, CAUSE_LAST_PARTIAL, CAUSE_EOF,
    CAUSE_ITERATIVE, CAUSE_POOL_SHORT, CAUSE_NOT_POOL, CAUSE_NO_NEXT,
    CAUSE_NOT_ONE, CAUSE_SEGMENT, CAUSE_BLOCK_READ, CAUSE_BLOCK_WRITE,
    CAUSE_PARTIAL_LINE, CAUSE_CROWD, CAUSE_CROSSTALK,
    CAUSE_NEVER_REAPS, CAUSE_REAPS_ONE, CAUSE_THREADS_LEFT, CAUSE_FDS_LEFT,
    CAUSE_UNDETACHED, CAUSE_EMFILE,
    CAUSE_SIGTERM_ALIVE, CAUSE_CHILDREN_LEFT,
    CAUSE_ONE_BYTE_END, CAUSE_EMPTY_LINE, CAUSE_READ_IS_LINE, CAUSE_TEXT,
    CAUSE_TEXT_REFUSED, CAUSE_QUEUE_DROPPED, CAUSE_NO_BACKPRESSURE,
    CAUSE_SPINNING, CAUSE_NEWLINE_ADDED,
    CAUSE_NOT_PROVOKED, CAUSE_FLAKY, CAUSE_SHARED_FD,
};

typedef struct {
    int id;               /* CAUSE_ */
    const char *key;      /* short name: root-cause list, tests */
    int needs;            /* the EV_ observation it requires */
    const char *title;    /* the fault, in a few words */
    const char *text;     /* the likely cause, in any language; NULL: the
                             fault is all that is known, nothing guessed */
    const char *c_advice; /* where C with csapp does it right, or NULL */
} cause_t;

/* The catalogue's row of id (an empty row for an unknown id). */
const cause_t *cause_of(int id);
/* Records observation ev (EV_) in r; 1 when r has seen ev. */
void observe(result_t *r, int ev);
int has_seen(const result_t *r, int ev);
/* Makes id r's cause if r has seen what it needs and r has no cause
 * yet; returns 1 when the evidence was there, 0 when not. */
int blame(result_t *r, int id);
/* The cause of a failed echo (echo_once): the one the evidence shows
 * first of: held until the end, specific (the check's own; 0: none),
 * line endings, a NUL, text decoding, altered bytes, a newline added, a
 * half-close that dropped the echo, no end of file, nothing back. */
void blame_echo(result_t *r, int specific);
/* Notes r's cause: "likely cause: ...", then the C advice when
 * points_to_c (nothing for a cause without text). */
void note_cause(result_t *r);
/* 1 when the evidence points to C: the command runs a compiled C program
 * (ELF, neither an interpreter nor Rust nor Go), or a wrapper's message
 * was seen; a runtime's report of another language says no. */
int points_to_c(void);
/* What the server's output showed: 1 for C (a wrapper's message), 0 for
 * another language (a traceback, an exception, a panic). */
void language_seen(int is_c);
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

/* ---- Clients (client.c) ---- */
/* A non-blocking socket connected to 127.0.0.1:port within WAIT_MS, or
 * -1 with errno set. */
int cl_connect(int port);
/* The same, not waiting for the connect to complete. */
int cl_connect_later(int port);
/* What send_unread sends, and when it stops besides. */
typedef struct {
    const char *data;     /* byte k sent is data[k % len] */
    size_t len;
    size_t max;           /* at most this many bytes */
    int limit_ms;         /* for at most this long */
    int (*tick)(void *arg); /* called about every 100 ms: nonzero stops */
    void *arg;
    int held;             /* out: the socket took nothing at some point */
    int err;              /* out: errno of a failed send, else 0 */
} unread_t;
/* Sends without reading until the socket takes nothing for 300 ms (the
 * echo has backed up into the server), or u's limits. Returns the bytes
 * sent. */
size_t send_unread(int fd, unread_t *u);
/* n bytes (a multiple of 64) of 64-byte lines, each numbered. */
char *numbered_lines(size_t n);
/* send_unread of lines, at most 64 MB or WAIT_MS; returns the bytes sent. */
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
    int eof_early;        /* end of file came before all was sent */
    char extra[2];        /* the first bytes that came past inlen */
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
 * but no end of file after them, ECHO_CLOSED when the server ended the
 * connection (end of file or a reset) before all came, ECHO_TEXT when
 * they first differ where a byte of 0x80-0xFF came back as '?' or U+FFFD
 * (text decoding).
 */
enum { ECHO_CHANGED = 1, ECHO_SHORT = 2, ECHO_NO_EOF = 3, ECHO_CLOSED = 4,
       ECHO_TEXT = 5 };
int echo_once(int port, const char *data, size_t n, int shut, result_t *r);
/*
 * A client that sends lines of data without reading (send_unread, at most
 * max bytes), then shuts down its sending side, and only then reads: it
 * must get every whole line it sent back, then end of file (a last line
 * cut where the sending stalled is echo/no-final-newline's to judge).
 * Returns as echo_once.
 */
int echo_unread(int port, const char *data, size_t max, result_t *r);

/* What came back to one exchange. */
typedef struct {
    char in[1024];        /* the echo, up to its piece's length */
    size_t got;           /* bytes that came, more ones counted only */
    int eof;              /* the server ended the connection */
    int kind;             /* 0, or how it failed (ECHO_) */
} seen_t;
/* Sends piece (at most 1024 bytes) on fd, one byte per segment gap_ms
 * apart when gap_ms > 0, and waits up to WAIT_MS for its echo. Returns as
 * echo_once; seen says what came. When the echo stopped short, it shuts
 * down fd's sending side to see whether the rest was held back. */
int exchange(int fd, const char *piece, size_t n, int gap_ms, seen_t *seen,
             result_t *r);
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
