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

void perthread_main(int argc, char **argv, void *(*serve)(void *))
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    serve_per_thread(start_server(argv[0], argv[1]), serve);
    exit(1); /* serve_per_thread never returns */
}
