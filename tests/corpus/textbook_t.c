/*
 * textbook_t.c - corpus: a thread-per-client echo server written the way
 * the textbook writes one (CS:APP3e's echoservert shape), on this
 * suite's csapp.h: the descriptor handed over in a Malloc'd cell, the
 * peer thread detaching itself, echo over RIO.
 * Kind: correct. Where it leaves the book: SIGPIPE is ignored, the echo
 * writes with the lowercase rio_writen, and a failed accept (a descriptor
 * limit reached) waits a moment and tries again instead of exiting.
 * Run: tests/bin/corpus/textbook_t PORT
 */
#include "csapp.h"

#include <time.h>

/* Echoes until end of file or an error, then closes connfd. The rio_t
 * lives on the heap: this suite's RIO buffer is 256 KB. */
static void echo(int connfd)
{
    rio_t *rio = Malloc(sizeof(rio_t));
    char buf[MAXLINE];

    Rio_readinitb(rio, connfd);
    for (;;) {
        ssize_t n = rio_readlineb(rio, buf, MAXLINE);
        if (n <= 0 || rio_writen(connfd, buf, (size_t)n) < 0)
            break;
    }
    free(rio);
    close(connfd);
}

/* Thread routine: owns its descriptor from here on. */
static void *thread(void *vargp)
{
    int connfd = *((int *)vargp);

    free(vargp);
    Pthread_detach(pthread_self());
    echo(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    struct timespec pause = { 0, 50 * 1000 * 1000 };
    struct sockaddr_storage clientaddr;
    socklen_t clientlen;
    pthread_t tid;
    int listenfd, *connfdp;

    if (argc != 2)
        app_error("usage: textbook_t <port>");
    Signal(SIGPIPE, SIG_IGN); /* a client gone: EPIPE, not death */
    listenfd = Open_listenfd(argv[1]);
    while (1) {
        clientlen = sizeof(struct sockaddr_storage);
        connfdp = Malloc(sizeof(int));
        *connfdp = accept(listenfd, (SA *)&clientaddr, &clientlen);
        if (*connfdp < 0) {
            fprintf(stderr, "accept error: %s\n", strerror(errno));
            free(connfdp);
            nanosleep(&pause, NULL);
            continue;
        }
        Pthread_create(&tid, NULL, thread, connfdp);
    }
}
