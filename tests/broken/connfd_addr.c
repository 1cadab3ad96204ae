/*
 * connfd_addr.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: a thread per client handed &connfd, the address of main's
 * one variable, instead of a copy of its own (the lecture's race, as in
 * race.c). When clients arrive together, main accepts the next one and
 * overwrites connfd before the thread has read it: two threads serve one
 * client and another client is never answered (or gets someone else's
 * bytes): echocheck's concurrency/hundred-clients. Certain: the thread
 * pauses a millisecond before it reads *vargp, longer than main takes to
 * accept a waiting client.
 * Done right: echoservert.c hands each thread a heap cell of its own.
 * Otherwise correct: detached threads, the suite's echo and accept.
 * Run: tests/bin/broken_connfd_addr PORT
 */
#include "echo.h"
#include "server.h"

#include <time.h>

static void *serve(void *vargp)
{
    struct timespec pause = {0, 1000000}; /* 1 ms: the race, made certain */

    pthread_detach(pthread_self());
    nanosleep(&pause, NULL);
    int connfd = *(int *)vargp; /* main's connfd as it is NOW */
    echo(connfd);
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    int connfd;
    pthread_t tid;

    if (argc != 2)
        usage_exit(argv[0], "<port>");
    int listenfd = start_server(argv[0], argv[1]);
    for (;;) {
        if ((connfd = accept_client(listenfd)) < 0)
            continue;
        /* BUG: every thread gets the same address */
        int rc = pthread_create(&tid, NULL, serve, &connfd);
        if (rc != 0) {
            printf("pthread_create: %s\n", strerror(rc));
            close(connfd);
        }
    }
}
