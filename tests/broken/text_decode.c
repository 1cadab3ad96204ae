/*
 * text_decode.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: lines handled as ASCII text, not bytes: every byte from
 * 0x80 up is replaced by '?', as a decoder to ASCII does, or as one to
 * UTF-8 does with U+FFFD (Java's readLine with a Reader, Python's
 * decode(errors="replace")). Bytes that are not text change on the way
 * back: echocheck's echo/not-utf8, and echo/random-4mb, whose random
 * bytes are half of them 0x80 or more. Certain: the bytes always change.
 * Done right: echo.c writes back exactly the bytes it read.
 * Otherwise correct (perclient.c): a thread per client, lines read with
 * rio_readlineb and written back whole with rio_writen.
 * Run: tests/bin/broken_text_decode PORT
 */
#include "perclient.h"

static void serve(int connfd)
{
    char line[MAXLINE];
    ssize_t n;
    rio_t *rio = malloc(sizeof(*rio)); /* too big for a thread's stack */

    if (rio == NULL)
        return;
    rio_readinitb(rio, connfd);
    while ((n = rio_readlineb(rio, line, sizeof(line))) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if ((unsigned char)line[i] >= 0x80)
                line[i] = '?'; /* BUG: not ASCII, so not "text" */
        if (rio_writen(connfd, line, (size_t)n) < 0)
            break;
    }
    free(rio);
}

int main(int argc, char **argv)
{
    serve_each_client(argc, argv, serve);
}
