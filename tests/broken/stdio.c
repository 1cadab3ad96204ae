/*
 * stdio.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: standard I/O on a socket. Each thread wraps its connection
 * in two FILE streams (fdopen) and echoes with getline and fwrite, never
 * flushing: a stream on a socket is fully buffered, so the echo stays in
 * the output buffer until it fills (4 KiB and more) or the stream is
 * closed when the client ends its sending. A client waiting for its line
 * gets nothing: echocheck names "the echo is held back until the client
 * stops sending" once, from the evidence that the echo came when its
 * client shut down its side. Certain: nothing flushes before that.
 * Done right: CS:APP 10.11 says not to use standard I/O on sockets;
 * echo.c uses Rio.
 * Otherwise correct: SIGPIPE ignored (start_server), a detached thread
 * per client with its own descriptor, every byte and its count kept.
 * Run: tests/bin/broken_stdio PORT
 */
#include "perthread.h"
#include "server.h"

#include <stdint.h>

static void *serve(void *vargp)
{
    int connfd = (int)(intptr_t)vargp;
    int outfd = dup(connfd);
    FILE *in = fdopen(connfd, "r");
    FILE *out = outfd < 0 ? NULL : fdopen(outfd, "w");
    char *line = NULL;
    size_t size = 0;
    ssize_t n;

    pthread_detach(pthread_self());
    if (in == NULL || out == NULL) {
        close(connfd);
        if (outfd >= 0)
            close(outfd);
        return NULL;
    }
    while ((n = getline(&line, &size, in)) > 0)
        fwrite(line, 1, (size_t)n, out); /* BUG: no fflush(out) */
    free(line);
    fclose(out);
    fclose(in);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    int listenfd = start_server(argv[0], argv[1]);
    serve_per_thread(listenfd, serve);
}
