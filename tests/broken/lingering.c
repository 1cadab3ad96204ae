/*
 * lingering.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: a thread per client that never ends. After its client
 * leaves, the thread waits for a "done" signal that nothing ever sends
 * (a leftover of a producer-consumer attempt) before it would close
 * connfd and return, so every client gone leaves a thread alive, blocked
 * and using no CPU, with its descriptor and its stack. echocheck names
 * "threads outlive their clients" once (resources/threads-back) with
 * their count and CPU use; the descriptors and stacks they hold are that
 * fault again ("not judged"), never "undetached": they are alive.
 * Certain: nothing posts the semaphore.
 * Done right: echoservert.c's thread closes connfd and returns when its
 * client leaves.
 * Otherwise correct: a detached thread per client, its own descriptor,
 * the suite's echo and accept.
 * Run: tests/bin/broken_lingering PORT
 */
#include "echo.h"
#include "perthread.h"
#include "server.h"

#include <semaphore.h>
#include <stdint.h>

static sem_t done; /* BUG: never posted */

static void *serve(void *vargp)
{
    int connfd = (int)(intptr_t)vargp;

    pthread_detach(pthread_self());
    echo(connfd);
    while (sem_wait(&done) < 0 && errno == EINTR)
        ; /* BUG: waits forever, so never gets to close(connfd) */
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    sem_init(&done, 0, 0);
    int listenfd = start_server(argv[0], argv[1]);
    serve_per_thread(listenfd, serve);
}
