/*
 * connfd_close.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: the lecture's thread server written the textbook's way,
 * with the exiting wrappers of csapp.h, but each thread handed &connfd,
 * the address of main's one variable, instead of a copy of its own.
 * When clients arrive together, main's next Accept overwrites connfd
 * before the thread reads it: two threads serve one descriptor, the
 * first to finish closes it, and the other's Rio_readlineb, Rio_writen
 * or Close fails with EBADF and its wrapper exits: the server dies in
 * echocheck's concurrency/hundred-clients, "close: Bad file descriptor"
 * (connfd_addr.c is the same race surviving, seen as cross-talk).
 * Certain: the thread pauses a millisecond before it reads *vargp.
 * With "twice": no threads, and each connection closed twice, so that
 * EBADF comes from a server that serves one client at a time: echocheck
 * must not blame a shared descriptor there.
 * Done right: echoservert.c hands each thread a heap cell of its own.
 * Run: tests/bin/broken_connfd_close PORT [twice]
 */
#include "csapp.h"

#include <time.h>

static void echo_lines(int connfd)
{
    rio_t rio;
    char line[MAXLINE];
    ssize_t n;

    Rio_readinitb(&rio, connfd);
    while ((n = Rio_readlineb(&rio, line, MAXLINE)) > 0)
        Rio_writen(connfd, line, (size_t)n);
}

static void *serve(void *vargp)
{
    struct timespec pause = {0, 1000000}; /* 1 ms: the race, made certain */

    Pthread_detach(pthread_self());
    nanosleep(&pause, NULL);
    int connfd = *(int *)vargp; /* main's connfd as it is NOW */
    echo_lines(connfd);
    Close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    int connfd;
    pthread_t tid;

    if (argc != 2 && !(argc == 3 && strcmp(argv[2], "twice") == 0)) {
        fprintf(stderr, "usage: %s <port> [twice]\n", argv[0]);
        exit(2);
    }
    int listenfd = Open_listenfd(argv[1]);
    for (;;) {
        connfd = Accept(listenfd, NULL, NULL);
        if (argc == 3) { /* BUG: closed twice, one client at a time */
            echo_lines(connfd);
            Close(connfd);
            Close(connfd);
            continue;
        }
        /* BUG: every thread gets the same address */
        Pthread_create(&tid, NULL, serve, &connfd);
    }
}
