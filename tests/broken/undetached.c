/*
 * undetached.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: a thread per client that is never detached nor joined.
 * When such a thread ends, its stack stays mapped until someone joins it:
 * every client gone leaves a stack behind (glibc: `ulimit -s`, often
 * 8 MiB; musl: 128 KiB), so the server's memory maps grow without end:
 * echocheck's resources/maps-not-grown. Certain: nothing ever joins.
 * Done right: echoservert.c's thread detaches itself first thing.
 * Otherwise correct: each thread gets its own descriptor, the suite's
 * echo and accept; a failed pthread_create drops that client only.
 * Run: tests/bin/broken_undetached PORT
 */
#include "echo.h"
#include "server.h"

static void *serve(void *vargp)
{
    int connfd = *(int *)vargp;

    free(vargp); /* BUG: no pthread_detach(pthread_self()) */
    echo(connfd);
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t tid;

    if (argc != 2)
        usage_exit(argv[0], "<port>");
    int listenfd = start_server(argv[0], argv[1]);
    for (;;) {
        int connfd = accept_client(listenfd);
        int *cell = connfd < 0 ? NULL : malloc(sizeof(*cell));
        if (cell == NULL) {
            if (connfd >= 0)
                close(connfd);
            continue;
        }
        *cell = connfd;
        int rc = pthread_create(&tid, NULL, serve, cell);
        if (rc != 0) {
            printf("pthread_create: %s\n", strerror(rc));
            free(cell);
            close(connfd);
        }
    }
}
