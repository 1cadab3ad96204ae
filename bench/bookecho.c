/*
 * bookecho.c - baselines for make bench: echo servers that work the way
 * the textbook's do (read a line a byte at a time through the read buffer,
 * write it back, one line at a time), so the suite's servers can be
 * compared with the book's approach on the same machine. Written for this
 * suite; not a teaching program.
 *   bench/bin/bookecho <port>            a thread per client, no log
 *   bench/bin/bookecho <port> THREADS    prethreaded, as the book's
 *       echoservert_pre: THREADS workers take clients from a bounded
 *       buffer (the suite's sbuf, the book's design) and log every line
 *       with printf under one mutex. stdout is line-buffered, as it is in
 *       a terminal: the book's log is prompt only there (redirected to a
 *       file it would sit in stdio's buffer), and the contract wants it
 *       prompt, so this is the book's server as a user at a terminal runs it.
 * Both print "listening on port N".
 */
#include "csapp.h"
#include "sbuf.h"


typedef struct { /* the book's rio_t, with its 8 KiB buffer */
    int fd;
    int cnt;
    char *bufptr;
    char buf[8192];
} bookrio_t;

/* Copies up to n bytes from the buffer, refilling it when empty. */
static ssize_t book_read(bookrio_t *rp, char *usrbuf, size_t n)
{
    while (rp->cnt <= 0) {
        rp->cnt = (int)read(rp->fd, rp->buf, sizeof(rp->buf));
        if (rp->cnt < 0 && errno != EINTR)
            return -1;
        if (rp->cnt == 0)
            return 0;
        rp->bufptr = rp->buf;
    }
    size_t cnt = n < (size_t)rp->cnt ? n : (size_t)rp->cnt;
    memcpy(usrbuf, rp->bufptr, cnt);
    rp->bufptr += cnt;
    rp->cnt -= (int)cnt;
    return (ssize_t)cnt;
}

/* One byte per call, as the book's rio_readlineb does. */
static ssize_t book_readline(bookrio_t *rp, char *usrbuf, size_t maxlen)
{
    size_t n;
    for (n = 1; n < maxlen; n++) {
        char c;
        ssize_t rc = book_read(rp, &c, 1);
        if (rc < 0)
            return -1;
        if (rc == 0)
            break;
        *usrbuf++ = c;
        if (c == '\n') {
            n++;
            break;
        }
    }
    *usrbuf = '\0';
    return (ssize_t)(n - 1);
}

/* The book's echo loop; on_line, when not NULL, logs each line first. */
static void echo_book(int connfd, void (*on_line)(int connfd, size_t n))
{
    char line[MAXLINE];
    bookrio_t rio = {.fd = connfd};
    ssize_t n;

    while ((n = book_readline(&rio, line, sizeof(line))) > 0) {
        if (on_line != NULL)
            on_line(connfd, (size_t)n);
        if (rio_writen(connfd, line, (size_t)n) < 0)
            break;
    }
}

static void *serve(void *arg)
{
    int connfd = *(int *)arg;

    free(arg);
    echo_book(connfd, NULL);
    close(connfd);
    return NULL;
}

static void serve_per_thread(int listenfd)
{
    pthread_attr_t detached;
    pthread_t tid;

    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    for (;;) {
        int connfd = accept(listenfd, NULL, NULL);
        if (connfd < 0)
            continue;
        int *arg = malloc(sizeof(int));
        if (arg == NULL) {
            close(connfd);
            continue;
        }
        *arg = connfd;
        if (pthread_create(&tid, &detached, serve, arg) != 0) {
            free(arg);
            close(connfd);
        }
    }
}

/* ---- Prethreaded, logging every line, as the book's echo_cnt ---- */

static sbuf_t clients;
static unsigned long long byte_cnt; /* guarded by cnt_lock */
static pthread_mutex_t cnt_lock = PTHREAD_MUTEX_INITIALIZER;

/* The book prints under the lock: with line-buffered stdout, that is one
 * write(2) per line, made while every other worker waits for the lock. */
static void count_line(int connfd, size_t n)
{
    pthread_mutex_lock(&cnt_lock);
    byte_cnt += n;
    printf("server received %zu (%llu total) bytes on fd %d\n", n, byte_cnt,
           connfd);
    pthread_mutex_unlock(&cnt_lock);
}

static void *pool_worker(void *arg)
{
    (void)arg;
    for (;;) {
        int connfd = sbuf_remove(&clients);
        echo_book(connfd, count_line);
        close(connfd);
    }
    return NULL;
}

static void serve_prethreaded(int listenfd, long nthreads)
{
    pthread_t tid;

    setvbuf(stdout, NULL, _IOLBF, 0);
    sbuf_init(&clients, (size_t)nthreads);
    for (long i = 0; i < nthreads; i++)
        Pthread_create(&tid, NULL, pool_worker, NULL);
    for (;;) {
        int connfd = accept(listenfd, NULL, NULL);
        if (connfd >= 0)
            sbuf_insert(&clients, connfd);
    }
}

int main(int argc, char **argv)
{
    long nthreads = 0;

    if ((argc != 2 && argc != 3) ||
        (argc == 3 && parse_number(argv[2], 1, 4096, &nthreads) < 0)) {
        fprintf(stderr, "usage: bookecho <port> [threads 1..4096]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int listenfd = Open_listenfd(argv[1]);
    printf("bookecho: listening on port %d\n", socket_port(listenfd));
    fflush(stdout);
    if (nthreads > 0)
        serve_prethreaded(listenfd, nthreads);
    else
        serve_per_thread(listenfd);
}
