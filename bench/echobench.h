/*
 * echobench.h - the parts of echobench (bench/echobench.c and its eb_*.c
 * files) and what they share. One file per job:
 *   echobench.c   the modes (load, idle): set up, run, tear down; main
 *   eb_churn.c    the churn mode: connect, one line, close, over and over
 *   eb_options.c  the command line and the descriptor limit
 *   eb_hist.c     the latency histogram
 *   eb_poller.c   waiting for events: epoll on Linux, poll() elsewhere
 *   eb_traffic.c  sending lines, receiving and checking echoes: a worker thread
 *   eb_connect.c  opening every client connection, bounded in time
 *   eb_cpu.c      CPU seconds of the server (from /proc) and of echobench
 *   eb_report.c   errors as they are found, and the result lines at the end
 * and, shared with the tests, benchmath.c: the fairness index, the starved
 * clients and the machine's limit under work per line.
 */
#ifndef ECHOBENCH_H
#define ECHOBENCH_H

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "benchlib.h"

#define HDR_BYTES 22            /* "%08x %012x " : client id, sequence number */
#define MIN_LINE (HDR_BYTES + 2)
#define OUTBUF_MAX (256 * 1024) /* per-client send buffer cap */
#define READBUF (256 * 1024)    /* per-thread receive buffer */
#define CONNECT_TIMEOUT_MS 5000   /* plus 1 ms per client: see wait_ms() */
#define DRAIN_TIMEOUT_MS 3000   /* after SECONDS, wait this long for echoes */
#define IDLE_RTT_TIMEOUT_MS 5000  /* plus 1 ms per client */
#define TICK_MS 100             /* longest single wait for events */
#define MAX_EVENTS 512

/* ---------- options (eb_options.c) ---------- */

typedef struct {
    const char *host, *port;
    int clients, line_bytes, in_flight, seconds, threads;
    pid_t server_pid;
    bool idle, churn, quiet;   /* -m idle (or -i), -m churn; run is neither */
    bool fair;                 /* -m fair: run, and count each client's lines */
    long work_us;              /* -W: the server's work per line (ECHO_WORK_US) */
} opts_t;

extern opts_t opt;              /* set by parse_args before any thread starts */

void parse_args(int argc, char **argv);
void raise_fd_limit(void);
uint64_t wait_ms(uint64_t base);

/* ---------- latency histogram (eb_hist.c) ---------- */

#define SUB 64                  /* sub-buckets per power of two: < 1.6% error */
#define NBUCKETS (SUB * 40)

typedef struct {
    uint64_t count[NBUCKETS];
    uint64_t n, max;
} hist_t;

void hist_add(hist_t *h, uint64_t v);
void hist_merge(hist_t *to, const hist_t *from);
double hist_pct_us(const hist_t *h, double pct);

/* ---------- clients and the threads that drive them ---------- */

typedef struct {
    int fd;                  /* -1 once closed */
    uint32_t id;
    uint64_t sent, done;     /* lines queued / lines echoed and verified */
    uint64_t counted;        /* lines echoed in the measured window */
    uint64_t wbytes, rbytes; /* bytes written / bytes received */
    size_t rpos;             /* offset in the line being received */
    char hdr[HDR_BYTES];     /* expected header of line `done` */
    char *out;               /* pending output: [opos, olen) */
    size_t olen, opos, ocap;
    uint64_t *t_sent;        /* queue time of line seq, at [seq % in_flight] */
    bool want_out;           /* are we waiting for writability? */
    int state;               /* churn mode: where this connection is */
    uint64_t t_start;        /* churn mode: when its connect began */
} client_t;

/* One client thread and the clients it alone touches. */
typedef struct {
    pthread_t tid;
    client_t *c;
    int nc, efd;
    struct pollfd *pfd;      /* poll() fallback: one entry per client */
    uint64_t pending;        /* lines queued but not yet echoed */
    uint64_t lines, dropped; /* lines completed in the measured window */
    uint64_t limit;          /* lines per client, 0 = unlimited */
    uint64_t connects_failed;  /* churn mode */
    int connect_errno;         /* churn mode: why the last one failed */
    hist_t hist;
    char *rbuf;
} worker_t;

/* ---------- waiting for events (eb_poller.c) ---------- */

enum { EV_IN = 1, EV_OUT = 2 };

typedef struct {
    int *idx, *rev;          /* ready client indexes and their EV_ bits */
} ready_t;

void poller_init(worker_t *w);  /* watches every client whose fd >= 0 */
void poller_add(worker_t *w, client_t *c, bool want_out);  /* c has a new fd */
void poller_set(worker_t *w, client_t *c, bool want_out);
int poller_wait(worker_t *w, ready_t *r, int timeout_ms);

/* ---------- sending and checking (eb_traffic.c) ---------- */

/* Shared between the main thread and the workers, hence atomic. */
extern atomic_int served_clients;  /* clients that got their first echo */
extern atomic_int closed_clients;  /* clients whose connection was lost */
extern _Atomic uint64_t measure_from_ns;  /* count lines and RTTs from here... */
extern _Atomic uint64_t stop_at_ns;       /* ...to here, and queue no lines after */
extern _Atomic uint64_t give_up_ns;       /* unanswered lines after here are errors */

void make_filler(void);
void make_header(char *h, uint32_t id, uint64_t seq);
void make_line(char *line, uint32_t id, uint64_t seq);  /* opt.line_bytes */
/* Do n bytes received at offset c->rpos of line c->hdr match? Reports a
 * mismatch through fail() when not. */
bool echo_matches(const client_t *c, const char *p, size_t n);
void *worker_main(void *arg);

/* ---------- connecting (eb_connect.c) ---------- */

int open_clients(client_t *c, int n);

/* ---------- CPU time (eb_cpu.c) ---------- */

double server_cpu(pid_t pid);   /* seconds, children included; -1 unknown */
double self_cpu(void);          /* echobench's own seconds, all threads */

/* ---------- reporting (eb_report.c) ---------- */

extern atomic_int failed;       /* set once a verification error is found */

typedef struct {
    hist_t hist;
    uint64_t lines, dropped, unanswered, served;  /* churn: lines = connections */
    uint64_t connects_failed;
    int connect_errno;
    double warmup_s;         /* until every client had its first echo */
} totals_t;

void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_drop(const client_t *c, const char *why);
void report(const totals_t *t, int connected, double secs, double cpu,
            double self, uint64_t held, uint64_t errors);
void report_churn(const totals_t *t, double secs, double cpu, double self,
                  uint64_t errors);
/* -m fair: each client's lines in the window, their fairness index, the
 * least and most served and how many got none, in a "RESULT+" line. */
void report_fair(const client_t *c, int n);
/* -W US: the machine's limit at that work per line and the share of it
 * reached, in a "RESULT+" line. */
void report_work(double lines_per_s, double self_cpu_s, double secs);

/* ---------- the modes (echobench.c, eb_churn.c) ---------- */

/* Starts nthreads threads running thread_main, each on its share of c. */
worker_t *start_workers(client_t *c, int n, int nthreads, uint64_t limit,
                        void *(*thread_main)(void *));
/* Joins them and adds up their counts in tot; frees w. */
void join_workers(worker_t *w, int nthreads, totals_t *tot);
void sleep_until(uint64_t until);   /* or until a worker has failed */
double cpu_if_asked(void);          /* server_cpu of -p PID, else -1 */
/* The churn mode on n fresh clients; returns the error count. */
uint64_t run_churn(client_t *c, int n, int nthreads, totals_t *tot);

#endif /* ECHOBENCH_H */
