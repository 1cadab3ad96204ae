/*
 * text_decode.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: what is read is handled as ASCII text, not bytes: every
 * byte from 0x80 up is replaced by '?', as a decoder to ASCII does, or as
 * one to UTF-8 does with U+FFFD (Java's readLine through a Reader,
 * Python's decode(errors="replace")). Bytes that are not text change on
 * the way back: echocheck's echo/not-utf8, and echo/random-4mb (half of
 * its random bytes are 0x80 or more; not judged again). Certain: those
 * bytes always change.
 * Done right: echo.c writes back exactly the bytes it read.
 * Otherwise correct (perthread.c): a detached thread per client; every
 * byte read is written back, with rio_writen.
 * Run: tests/bin/broken_text_decode PORT
 */
#include "perthread.h"
#include "server.h"

#include <stdint.h>

static void *serve(void *vargp)
{
    int connfd = (int)(intptr_t)vargp; /* the value itself, not an address */
    char buf[MAXLINE];
    ssize_t n;

    pthread_detach(pthread_self());
    while ((n = read(connfd, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if ((unsigned char)buf[i] >= 0x80)
                buf[i] = '?'; /* BUG: not ASCII, so not "text" */
        if (rio_writen(connfd, buf, (size_t)n) < 0)
            break;
    }
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    serve_per_thread(start_server(argv[0], argv[1]), serve);
}
