/*
 * echoservere.c - echo server: one event loop per core, each a thread.
 * Model: event-driven, as production servers build it (nginx, memcached,
 * libuv): the loop of echoservers.c with both of its limits lifted. Each
 * loop is a thread with a poller of its own (epoll on Linux, poll()
 * elsewhere: poller.h) and serves its connections from accept to close
 * with the same non-blocking step as echoservers (echo_step). Several
 * loops use several cores; neither epoll nor poll stops at FD_SETSIZE.
 * Observe: each "Connected to (HOST, PORT) on loop K" line says which
 * loop took the client; /proc/PID/task lists loops + 1 threads however
 * many clients come; 10,000 clients are held once `ulimit -n` allows
 * them; a client that stalls mid-line or floods without reading delays
 * nobody, as in echoservers.
 * Run: terminal 1: ./echoservere 15213 2         (Ctrl-C stops it)
 *      terminal 2: ./echoclient localhost 15213  (type lines; Ctrl-D leaves)
 *
 * How connections reach the loops, the choice this file teaches: the main
 * thread is an acceptor. It blocks in accept and hands each connection to
 * the next loop in turn (round-robin, as memcached does) by writing the
 * descriptor into that loop's pipe, which the loop watches like a client.
 * Why: it spreads connections evenly on every system and with either
 * poller, and only one thread ever calls accept. It costs one more thread
 * and, per connection (not per line), a pipe write and a wake-up. Like
 * any fixed rotation it ignores load: a loop whose clients keep it busy
 * still gets every Nth newcomer. The other two ways:
 * - One listener in every loop's poller: each connection wakes every
 *   waiting loop and all but one find nothing to accept (the thundering
 *   herd). EPOLLEXCLUSIVE (Linux 4.5) wakes just one, but the one that
 *   began waiting last, so on a quiet server one loop takes nearly every
 *   connection; and poll() has no such flag.
 * - SO_REUSEPORT, a listener per loop on the same port: no acceptor, no
 *   handoff; Linux spreads connections by a hash of their addresses. The
 *   hash knows nothing of load: a stalled loop keeps its share, and its
 *   newcomers wait in its own backlog. macOS and the BSDs accept the
 *   option but do not spread: one listener gets them all (FreeBSD 12
 *   added SO_REUSEPORT_LB for that).
 * Book: CS:APP3e Figure 12.8 is the one-thread loop (echoservers.c).
 */
#include <stdatomic.h>

#include "echo_step.h"
#include "linelog.h"
#include "poller.h"
#include "server.h"
#include "trace.h"

#define MAX_LOOPS 1024
#define USAGE "<port> [loops]   (default: one per CPU; at most 1024)"
/* As in echoservers: a client with this much unread echo is not read. */
#define PENDING_MAX ECHO_READ_MAX
#define EVENTS_MAX 256  /* reports handled per wait */
#define HANDOFF_MAX 64  /* new connections a loop takes per report */

/* A loop's connection: the step's state and what the poller watches. */
typedef struct {
    echo_conn_t c;
    int watching; /* POLLER_IN and/or POLLER_OUT, as last told the poller */
} conn_t;

/* Set up by main before the loop's thread starts; then only the loop
 * touches it, but for handoff[1], which only the acceptor writes to. */
typedef struct {
    size_t id;
    int handoff[2];  /* pipe: the acceptor writes connfds into [1] */
    poller_t *poller;
    char *scratch;   /* echo_step's working space, ECHO_STEP_SCRATCH bytes */
} loop_t;

/*
 * Bytes received from all clients by all loops. An atomic: each addition
 * is one indivisible read-modify-write, so no lock is needed, and each
 * loop logs the total its own addition produced. Totals logged by two
 * loops may come out of order, as in echoservert_pre.
 */
static atomic_ullong byte_cnt;

/*
 * Each loop logs through linelog.c: its lines gather in a buffer of its
 * own and leave in one write of at most PIPE_BUF bytes before it waits,
 * so no other thread's output lands mid-line. The acceptor's lines (and
 * echo_step's error lines) go through stdio, line-buffered: one write per
 * line, whole too.
 */

/* echo_step's line hook: adds to the shared total and logs both. */
static void count_line(int connfd, size_t n)
{
    unsigned long long total =
        atomic_fetch_add_explicit(&byte_cnt, n, memory_order_relaxed) + n;

    linelog_add("server received %zu (%llu total) bytes on fd %d\n", n, total,
                connfd);
}

/* ---- One event loop ---- */

static void remove_client(loop_t *l, conn_t *conn)
{
    poller_delete(l->poller, conn->c.fd); /* before close: the fd is reused */
    trace_connection_closed(conn->c.fd);
    close(conn->c.fd);
    echo_conn_free(&conn->c);
    free(conn);
}

/*
 * What to watch follows from the state, as in echoservers: reading unless
 * the client shut down its side or its unread echo reached PENDING_MAX
 * (backpressure); writability only while echo is pending (left on, it
 * would report a writable socket on every wait: a busy loop). The poller
 * is told only when that changes: most steps change nothing.
 */
static void watch_client(loop_t *l, conn_t *conn)
{
    size_t pending = echo_pending(&conn->c);
    int want = (!conn->c.eof && pending < PENDING_MAX ? POLLER_IN : 0) |
               (pending > 0 ? POLLER_OUT : 0);

    if (want == conn->watching)
        return;
    if (poller_modify(l->poller, conn->c.fd, want, conn) < 0) {
        linelog_add("echoservere: fd %d: %s: closing the connection\n",
                    conn->c.fd, strerror(errno));
        remove_client(l, conn);
        return;
    }
    conn->watching = want;
}

/* One step for a reported client: a read (if it is being read) whose
 * finished lines are echoed, and/or a write of its pending echo. */
static void serve_client(loop_t *l, conn_t *conn, int events)
{
    int rc = 0;

    if ((events & POLLER_IN) && (conn->watching & POLLER_IN))
        rc = echo_step(&conn->c, l->scratch, count_line);
    if (rc == 0 && (events & POLLER_OUT) && echo_pending(&conn->c) > 0)
        rc = echo_flush(&conn->c);
    /* -1: the client left and has all its echo, or failed (logged) */
    if (rc < 0)
        remove_client(l, conn);
    else
        watch_client(l, conn);
}

/* A connection from the acceptor joins this loop; a failure (no memory,
 * say) closes it alone, with a log line. */
static void add_client(loop_t *l, int connfd)
{
    conn_t *conn = malloc(sizeof(*conn));

    if (conn == NULL ||
        set_nonblocking(connfd) < 0 ||
        poller_add(l->poller, connfd, POLLER_IN, conn) < 0) {
        linelog_add("echoservere: loop %zu: fd %d: %s: closing the "
                    "connection\n", l->id, connfd,
                    conn == NULL ? "out of memory" : strerror(errno));
        free(conn);
        close(connfd);
        return;
    }
    echo_conn_init(&conn->c, connfd);
    conn->watching = POLLER_IN;
    trace_received(connfd); /* the acceptor's arrow ends here */
}

/*
 * The pipe is the queue, and needs no lock: a write of at most PIPE_BUF
 * bytes to a pipe is atomic, so each descriptor number, written alone,
 * is never torn, and a read of whole numbers gets whole numbers.
 */
static void take_new_clients(loop_t *l)
{
    int fds[HANDOFF_MAX];
    ssize_t n = read(l->handoff[0], fds, sizeof(fds));

    for (ssize_t i = 0; i < n / (ssize_t)sizeof(int); i++)
        add_client(l, fds[i]);
}

static void *run_loop(void *arg)
{
    loop_t *l = arg;
    poller_event_t ev[EVENTS_MAX];

    trace_thread("loop %zu", l->id);

    for (;;) {
        linelog_flush(); /* the round's log leaves before the loop waits */
        int n = poller_wait(l->poller, ev, EVENTS_MAX, -1);
        if (n < 0 && errno != EINTR)
            unix_error("poller_wait"); /* the loop itself is broken */
        for (int i = 0; i < n; i++) {
            if (ev[i].data == NULL) /* the handoff pipe */
                take_new_clients(l);
            else
                serve_client(l, ev[i].data, ev[i].events);
        }
    }
    return NULL;
}

/* ---- Start-up and the acceptor ---- */

static void start_loop(loop_t *l, size_t id)
{
    pthread_t tid;

    l->id = id;
    if (pipe(l->handoff) < 0)
        unix_error("pipe");
    /* A report is a hint, not a promise: never block on the pipe. */
    if (set_nonblocking(l->handoff[0]) < 0)
        unix_error("fcntl");
    if ((l->poller = poller_create()) == NULL)
        unix_error("poller_create");
    if (poller_add(l->poller, l->handoff[0], POLLER_IN, NULL) < 0)
        unix_error("poller_add");
    l->scratch = Malloc(ECHO_STEP_SCRATCH);
    /* The platform's default stack: a loop keeps little on it. */
    Pthread_create(&tid, NULL, run_loop, l);
    Pthread_detach(tid);
}

/*
 * Blocks in accept and gives each connection to the next loop in turn.
 * The write blocks only if that loop has fallen 16,000 connections behind
 * (a pipe holds 64 KiB); newcomers wait in the listen backlog meanwhile.
 */
static void hand_out_clients(int listenfd, loop_t *loops, size_t nloops)
{
    char note[32];

    for (size_t next = 0;; next = (next + 1) % nloops) {
        int connfd;
        snprintf(note, sizeof(note), " on loop %zu", next);
        /* -1: a client gave up or was dropped (logged): same loop's turn */
        while ((connfd = accept_client_noted(listenfd, note)) < 0)
            ;
        trace_handoff(connfd, "to the loop's pipe");
        if (rio_writen(loops[next].handoff[1], &connfd, sizeof(connfd)) < 0) {
            printf("echoservere: loop %zu: %s: closing fd %d\n", next,
                   strerror(errno), connfd);
            close(connfd);
        }
    }
}

/* The default: one loop per online CPU, where the system says how many. */
static size_t default_loops(void)
{
    long n = 1;
#ifdef _SC_NPROCESSORS_ONLN /* not POSIX, but Linux, macOS, the BSDs */
    n = sysconf(_SC_NPROCESSORS_ONLN);
#endif
    return n < 1 ? 1 : n > MAX_LOOPS ? MAX_LOOPS : (size_t)n;
}

int main(int argc, char **argv)
{
    size_t nloops = default_loops();

    check_argc(argc, argv, 1, 2, USAGE);
    if (argc == 3) /* else exits 2 */
        nloops = (size_t)Parse_number(prog_name(argv[0]), "loop count",
                                      argv[2], 1, MAX_LOOPS);
    int listenfd = start_server(argv[0], argv[1]);
    loop_t *loops = Calloc(nloops, sizeof(*loops));
    for (size_t i = 0; i < nloops; i++)
        start_loop(&loops[i], i);
    /* Once this line is out, every loop's thread exists. */
    printf("%s: %zu event loop%s (%s), clients handed out in turn\n",
           prog_name(argv[0]), nloops, nloops == 1 ? "" : "s", poller_name());
    /* SIGINT and SIGTERM keep their default action: the process ends at
     * once, whatever the loops are doing (no loop holds anything that
     * outlives the process). */
    hand_out_clients(listenfd, loops, nloops);
}
