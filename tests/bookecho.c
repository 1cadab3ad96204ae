/*
 * bookecho.c - a baseline for make bench: a thread-per-client echo server
 * that works the way the textbook's does (read a line a byte at a time
 * through the read buffer, write it back, one line at a time), so the
 * suite's servers can be compared with the book's approach on the same
 * machine. Written for this suite; not a teaching program.
 * Run: tests/bin/bookecho <port>   (prints "listening on port N")
 */
#include "csapp.h"


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

static void *serve(void *arg)
{
    int connfd = *(int *)arg;
    char line[MAXLINE];
    bookrio_t rio = {.fd = connfd};
    ssize_t n;

    free(arg);
    while ((n = book_readline(&rio, line, sizeof(line))) > 0)
        if (rio_writen(connfd, line, (size_t)n) < 0)
            break;
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_attr_t detached;
    pthread_t tid;

    if (argc != 2) {
        fprintf(stderr, "usage: bookecho <port>\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int listenfd = Open_listenfd(argv[1]);
    printf("bookecho: listening on port %d\n", socket_port(listenfd));
    fflush(stdout);
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
