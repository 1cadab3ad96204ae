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

void echo(int connfd);
void *thread(void *vargp);

int main(int argc, char **argv)
{
    int listenfd, *connfdp;
    socklen_t clientlen;
    struct sockaddr_storage clientaddr;
    pthread_t tid;
    struct timespec pause = { 0, 50 * 1000 * 1000 };

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

/* Thread routine */
void *thread(void *vargp)
{
    int connfd = *((int *)vargp);

    Pthread_detach(pthread_self());
    free(vargp);
    echo(connfd);
    Close(connfd);
    return NULL;
}

void echo(int connfd)
{
    ssize_t n;
    char buf[MAXLINE];
    rio_t *rio = Malloc(sizeof(rio_t));

    Rio_readinitb(rio, connfd);
    while ((n = rio_readlineb(rio, buf, MAXLINE)) > 0)
        if (rio_writen(connfd, buf, (size_t)n) < 0)
            break;
    free(rio);
}
