/*
 * perthread.c - the accept loop of the broken thread-per-client servers
 * (perthread.h).
 */
#include "perthread.h"
#include "server.h"

#include <stdint.h>

void serve_per_thread(int listenfd, void *(*serve)(void *))
{
    pthread_t tid;

    for (;;) {
        int connfd = accept_client(listenfd);
        if (connfd < 0)
            continue;
        int rc = pthread_create(&tid, NULL, serve, (void *)(intptr_t)connfd);
        if (rc != 0) {
            printf("pthread_create: %s\n", strerror(rc));
            close(connfd);
        }
    }
}
