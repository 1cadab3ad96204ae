/*
 * runtime_threads.c - NOT broken: a correct server among the broken ones,
 * for echocheck's tests, that does what a language runtime does beside
 * the program: it starts threads of its own under load and keeps them
 * (Java's G1 starts its garbage-collector workers lazily, `GC Thread#1`,
 * and never ends them). Here a helper thread starts at the 5th and at the
 * 20th client and waits for ever. Every client's thread ends. echocheck's
 * resources/threads-back must pass it: two threads more after 50 clients,
 * none more after 50 more, are not a thread per client (lingering.c's
 * are, and fail).
 * Otherwise the suite's own: a detached thread per client (perthread.c)
 * that echoes with echo.c and closes its descriptor.
 * Run: tests/bin/broken_runtime_threads PORT
 */
#include "echo.h"
#include "perthread.h"

#include <stdatomic.h>
#include <stdint.h>

static atomic_int clients; /* served so far, by every client's thread */

/* A runtime's helper: started once, never ends, never busy. */
static void *helper(void *vargp)
{
    (void)vargp;
    for (;;)
        pause();
    return NULL;
}

static void *serve(void *vargp)
{
    int connfd = (int)(intptr_t)vargp;
    int n = atomic_fetch_add(&clients, 1) + 1;
    pthread_t tid;

    pthread_detach(pthread_self());
    if ((n == 5 || n == 20) && pthread_create(&tid, NULL, helper, NULL) == 0)
        pthread_detach(tid);
    echo(connfd);
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    perthread_main(argc, argv, serve);
}
