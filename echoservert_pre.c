/*
 * echoservert_pre.c - echo server with a fixed pool of worker threads.
 * Model: prethreaded, producer-consumer. The main thread (the producer)
 * accepts clients and inserts their descriptors into a bounded buffer
 * (sbuf.c); a pool of worker threads created at start-up (the consumers)
 * removes them and serves one client each at a time.
 * Observe: run it with 2 threads and start three echoclients: the third
 * connects, but its lines are echoed only when one of the first two
 * leaves. `ls /proc/PID/task` (Linux) shows threads + 1 entries however
 * many clients come. Each worker logs a byte total that all workers
 * share: what state guarded by a mutex looks like.
 * Run: terminal 1: ./echoservert_pre 15213 2     (Ctrl-C stops it)
 *      terminal 2: ./echoclient localhost 15213  (type lines; Ctrl-D leaves)
 * Book: CS:APP3e Figures 12.27 and 12.28 (echoservert_pre.c, echo_cnt.c).
 */
#include "echo.h"
#include "linelog.h"
#include "sbuf.h"
#include "server.h"
#include "trace.h"

#define DEFAULT_THREADS 4 /* as in the book: few, so that waiting shows */
#define DEFAULT_SLOTS 16  /* clients accepted and waiting for a worker */
#define MAX_THREADS 1024
#define MAX_SLOTS 65536
#define USAGE "<port> [threads [slots]]   (defaults 4 and 16)"

static sbuf_t sbuf; /* shared by every thread: descriptors waiting for a worker */

static void init_cnt(void);
static void count_line(int connfd, size_t n);
static void write_log(int connfd);
static pthread_once_t cnt_once = PTHREAD_ONCE_INIT;

/* A worker (a consumer) serves one client after another, forever. */
static void *worker(void *vargp)
{
    (void)vargp;
    Pthread_detach(pthread_self());
    Pthread_once(&cnt_once, init_cnt);
    trace_numbered("worker");
    for (;;) {
        int connfd = sbuf_remove(&sbuf); /* waits until a client is queued */
        trace_received(connfd); /* the producer's arrow ends here */
        echo_lines(connfd, count_line, write_log);
        close(connfd);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    size_t nthreads = DEFAULT_THREADS, nslots = DEFAULT_SLOTS;
    int listenfd;
    pthread_t tid;

    check_argc(argc, argv, 1, 3, USAGE);
    if (argc > 2)
        nthreads = (size_t)Parse_number(prog_name(argv[0]), "thread count",
                                        argv[2], 1, MAX_THREADS);
    if (argc > 3)
        nslots = (size_t)Parse_number(prog_name(argv[0]), "slot count",
                                      argv[3], 1, MAX_SLOTS);
    listenfd = start_server(argv[0], argv[1]);
    printf("%s: %zu worker threads, %zu slots\n", prog_name(argv[0]),
           nthreads, nslots);

    sbuf_init(&sbuf, nslots);
    for (size_t i = 0; i < nthreads; i++)
        Pthread_create(&tid, NULL, worker, NULL);

    /*
     * The producer. SIGINT and SIGTERM keep their default action, which
     * ends the process at once whatever the workers are doing. A handler
     * that tried to clean up (sbuf_deinit, exit flushing stdio) could wait
     * forever for a lock a worker holds, or pull the buffer from under a
     * waiting worker.
     */
    for (;;) {
        int connfd = accept_client(listenfd);
        trace_handoff(connfd, "sbuf_insert"); /* no arrow for -1 */
        if (connfd >= 0)
            sbuf_insert(&sbuf, connfd); /* waits while every slot is full */
    }
}

/* ---- The shared byte count and its log (the book's echo_cnt.c) ---- */

/*
 * Bytes echoed to all clients so far, shared by every worker and so
 * guarded by cnt_lock. The lock is initialised by whichever worker gets
 * there first, exactly once, through pthread_once (a static
 * PTHREAD_MUTEX_INITIALIZER would do here; pthread_once is the general
 * tool when setting up takes code).
 */
static unsigned long long byte_cnt;
static pthread_mutex_t cnt_lock;

static void init_cnt(void)
{
    Pthread_mutex_init(&cnt_lock);
    byte_cnt = 0;
}

/*
 * echo_lines' line hook: adds one line to the shared total and logs both.
 * Only the addition happens under the lock. The book prints under it,
 * which with a prompt log means a write(2) per line while every other
 * worker queues for the lock; here the line goes to this worker's own
 * log (linelog.c), written once per batch, outside the lock. The price:
 * each worker's totals come out in order, but two workers' lines may come
 * out in the other order.
 */
static void count_line(int connfd, size_t n)
{
    Pthread_mutex_lock(&cnt_lock);
    byte_cnt += n;
    unsigned long long total = byte_cnt;
    Pthread_mutex_unlock(&cnt_lock);
    linelog_add("server received %zu (%llu total) bytes on fd %d\n", n, total,
                connfd);
}

/* echo_lines' sent hook: this worker's log lines go out, whole. */
static void write_log(int connfd)
{
    (void)connfd;
    linelog_flush();
}
