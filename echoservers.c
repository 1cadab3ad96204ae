/*
 * echoservers.c - echo server, many clients in one thread: a select() loop.
 * Model: event-driven (I/O multiplexing). One flow of control keeps a pool
 * of connections; each round it asks select which are ready and gives each
 * ready one a small, bounded step of work. Observe: several echoclients
 * are answered at once; a client that types half a line and stalls, or
 * floods without reading its echo, delays nobody (see the README's
 * slow-client experiment); past FD_SETSIZE descriptors a new connection is
 * closed with a log line and the others go on. One thread: one core.
 * Run: terminal 1: ./echoservers 15213           (Ctrl-C stops it)
 *      terminal 2: ./echoclient localhost 15213  (type lines; Ctrl-D leaves)
 * Book: CS:APP3e Figures 12.8-12.11 (same pool, init_pool, add_client and
 * check_clients; comments starting "Ours:" mark where and why it departs).
 */
#include "echo_step.h"
#include "server.h"
#include "trace.h"

/*
 * Ours: a client is not read while more echo than this waits for it
 * (backpressure). Its bytes then wait in the kernel, its sends stall, and
 * our memory per client stays under PENDING_MAX plus one read.
 */
#define PENDING_MAX ECHO_READ_MAX /* one read's worth */
#define ACCEPT_MAX 64 /* new connections taken per round */

typedef struct {       /* Represents a pool of connected descriptors */
    int maxfd;         /* Largest descriptor in read_set or write_set */
    fd_set read_set;   /* Descriptors we want to read from */
    fd_set write_set;  /* Ours: clients whose echo waits for room */
    fd_set ready_set;  /* Subset of read_set ready for reading */
    fd_set writable_set; /* Ours: subset of write_set ready for writing */
    int nready;        /* Number of ready descriptors from select */
    int maxi;          /* High water index into client array */
    /* Ours: each slot keeps the client's descriptor with its partial line
     * and pending echo (allocated only while they hold bytes). */
    echo_conn_t client[FD_SETSIZE];
    char *scratch;     /* Ours: echo_step's working space, one for all */
} pool_t;

static size_t byte_cnt; /* Counts total bytes received, as in the book */

static void init_pool(int listenfd, pool_t *p);
static void accept_clients(int listenfd, pool_t *p);
static void check_clients(pool_t *p);

int main(int argc, char **argv)
{
    static pool_t pool; /* static: FD_SETSIZE slots, too big for the stack */
    int listenfd;

    check_argc(argc, argv, 1, 1, "<port>");
    /* Ours: stdout fully buffered, flushed once per round (below). */
    listenfd = start_server_batched(argv[0], argv[1]);
    trace_thread("main: select loop");
    init_pool(listenfd, &pool);

    for (;;) {
        /* Wait for listening/connected descriptor(s) to become ready */
        pool.ready_set = pool.read_set;
        pool.writable_set = pool.write_set;
        /* Ours: the round's log leaves in one write, before we wait. */
        fflush(stdout);
        trace_blocked("select");
        pool.nready = Select(pool.maxfd + 1, &pool.ready_set,
                             &pool.writable_set, NULL, NULL);
        trace_unblocked();

        /* If listening descriptor ready, add new clients to pool */
        if (FD_ISSET(listenfd, &pool.ready_set)) {
            pool.nready--;
            accept_clients(listenfd, &pool);
        }
        /* Give each ready connected descriptor one step */
        check_clients(&pool);
    }
}

static void init_pool(int listenfd, pool_t *p)
{
    /* Initially, there are no connected descriptors */
    p->maxi = -1;
    p->scratch = Malloc(ECHO_STEP_SCRATCH);
    for (int i = 0; i < FD_SETSIZE; i++)
        echo_conn_init(&p->client[i], -1);

    /* Ours: the listener never blocks us; see accept_clients. */
    if (set_nonblocking(listenfd) < 0)
        unix_error("fcntl");

    /* Initially, listenfd is only member of select read set */
    p->maxfd = listenfd;
    FD_ZERO(&p->read_set);
    FD_ZERO(&p->write_set);
    FD_SET(listenfd, &p->read_set);
}

/* Ours: closes a connection the pool cannot hold, instead of exiting. */
static void refuse_client(int connfd, const char *why)
{
    printf("echoservers: too many clients: closing fd %d (%s)\n", connfd, why);
    close(connfd);
}

static void add_client(int connfd, pool_t *p)
{
    int i;

    /*
     * Ours: FD_SET on a descriptor >= FD_SETSIZE writes past the end of
     * the fd_set (memory corruption), and the book's app_error would end
     * every client's session. This connection alone is refused.
     */
    if (connfd >= FD_SETSIZE) {
        refuse_client(connfd, "descriptor beyond FD_SETSIZE");
        return;
    }
    /* Ours: a read or write on this socket returns EAGAIN, never waits. */
    if (set_nonblocking(connfd) < 0) {
        printf("echoservers: fd %d: fcntl: %s\n", connfd, strerror(errno));
        close(connfd);
        return;
    }
    for (i = 0; i < FD_SETSIZE; i++) /* Find an available slot */
        if (p->client[i].fd < 0)
            break;
    /* Every descriptor below FD_SETSIZE has a slot, but say so if not. */
    if (i == FD_SETSIZE) {
        refuse_client(connfd, "no free slot");
        return;
    }
    /* Add connected descriptor to the pool and to the read set */
    echo_conn_init(&p->client[i], connfd);
    FD_SET(connfd, &p->read_set);

    /* Update max descriptor and pool high water mark */
    if (connfd > p->maxfd)
        p->maxfd = connfd;
    if (i > p->maxi)
        p->maxi = i;
}

/*
 * Ours: the book accepts one client per round with a blocking Accept. The
 * listener is non-blocking here, so a client that gives up between select
 * and accept cannot block the loop in accept (UNP 16.6), and a burst of
 * connections joins in one round (at most ACCEPT_MAX, so the clients
 * already here still get their turn).
 */
static void accept_clients(int listenfd, pool_t *p)
{
    int connfd;

    for (int n = 0; n < ACCEPT_MAX; n++) {
        if ((connfd = accept_client(listenfd)) < 0)
            return; /* nobody waiting, or one dropped (logged) */
        add_client(connfd, p);
    }
}

/* The per-line hook: counts and logs, as the book's check_clients does. */
static void count_line(int connfd, size_t n)
{
    byte_cnt += n;
    printf("server received %zu (%zu total) bytes on fd %d\n", n, byte_cnt,
           connfd);
}

static void set_member(int fd, fd_set *set, int member)
{
    if (member)
        FD_SET(fd, set);
    else
        FD_CLR(fd, set);
}

/*
 * Ours: which sets a client is in follows from its state. It is read
 * unless it shut down its side or its unread echo reached PENDING_MAX
 * (backpressure); it is watched for writing while echo is pending.
 */
static void watch_client(pool_t *p, const echo_conn_t *c)
{
    size_t pending = echo_pending(c);

    set_member(c->fd, &p->read_set, !c->eof && pending < PENDING_MAX);
    set_member(c->fd, &p->write_set, pending > 0);
}

static void remove_client(pool_t *p, echo_conn_t *c)
{
    FD_CLR(c->fd, &p->read_set);
    FD_CLR(c->fd, &p->write_set);
    trace_connection_closed(c->fd);
    close(c->fd);
    echo_conn_free(c); /* fd -1: the slot is free again */
}

/*
 * Gives each ready client one step: a single read whose finished lines are
 * echoed (the book reads one line), and/or a write of its pending echo.
 * Ours: the step never waits, so a client that stalls mid-line or does
 * not read its echo holds up nobody, and one read is at most a buffer-
 * full, so a fast client cannot starve the others.
 */
static void check_clients(pool_t *p)
{
    for (int i = 0; (i <= p->maxi) && (p->nready > 0); i++) {
        /* Ours: a pointer to the slot. The book copies the rio_t by value
         * (rio = p->clientrio[i]), so lines read ahead into the copy are
         * lost when a client sends two lines at once. */
        echo_conn_t *c = &p->client[i];
        int connfd = c->fd, rc = 0;

        if (connfd < 0)
            continue;
        if (FD_ISSET(connfd, &p->ready_set)) {
            p->nready--;
            rc = echo_step(c, p->scratch, count_line);
        }
        if (rc == 0 && FD_ISSET(connfd, &p->writable_set)) {
            p->nready--;
            rc = echo_flush(c);
        }
        /* -1: the client left and has all its echo, or failed (logged) */
        if (rc < 0)
            remove_client(p, c);
        else
            watch_client(p, c);
    }
}
