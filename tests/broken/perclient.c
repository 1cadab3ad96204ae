/*
 * perclient.c - a detached thread per client for the broken servers:
 * see perclient.h.
 */
#include "perclient.h"
#include "server.h"

#include <stdint.h>

static serve_fn *serve_one; /* set once, before any thread starts */

static void *client_thread(void *vargp)
{
    int connfd = (int)(intptr_t)vargp; /* the value itself, not an address */

    pthread_detach(pthread_self());
    serve_one(connfd);
    close(connfd);
    return NULL;
}

void serve_each_client(int argc, char **argv, serve_fn *serve)
{
    pthread_t tid;

    if (argc != 2)
        usage_exit(argv[0], "<port>");
    serve_one = serve;
    int listenfd = start_server(argv[0], argv[1]);
    for (;;) {
        int connfd = accept_client(listenfd);
        if (connfd < 0)
            continue;
        int rc = pthread_create(&tid, NULL, client_thread,
                                (void *)(intptr_t)connfd);
        if (rc != 0) {
            printf("pthread_create: %s\n", strerror(rc));
            close(connfd);
        }
    }
}
