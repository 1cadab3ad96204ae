/*
 * sigpipe.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: SIGPIPE left at its default and the echo written with the
 * wrapper that exits (Rio_writen), as the textbook's echo does. A client
 * that leaves while its echo is pending makes the next write fail:
 * SIGPIPE kills the whole server (status 141 is 128 + 13), and where the
 * write fails with ECONNRESET instead, the wrapper exits it (status 1).
 * One client's misbehaviour takes every client's server down:
 * echocheck's robustness group. Certain: a write after the peer's reset
 * always fails.
 * Done right: server.c ignores SIGPIPE at start-up, and echo.c's errors
 * close that one connection with a log line.
 * Otherwise correct: a detached thread per client, its own descriptor.
 * Run: tests/bin/broken_sigpipe PORT
 */
#include "perthread.h"
#include "server.h"

#include <stdint.h>

static void *serve(void *vargp)
{
    int connfd = (int)(intptr_t)vargp; /* the value itself, not an address */
    char line[MAXLINE];
    ssize_t n;

    pthread_detach(pthread_self());
    rio_t *rio = malloc(sizeof(*rio)); /* too big for a thread's stack */
    if (rio != NULL) {
        rio_readinitb(rio, connfd);
        while ((n = rio_readlineb(rio, line, sizeof(line))) > 0)
            Rio_writen(connfd, line, (size_t)n); /* BUG: exits on error */
    }
    free(rio);
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    int listenfd = start_server(argv[0], argv[1]);
    signal(SIGPIPE, SIG_DFL); /* BUG: start_server ignored it; undone */
    serve_per_thread(listenfd, serve);
}
