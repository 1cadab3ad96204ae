/*
 * short_read.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: the echo loop runs while read returns more than 1 byte
 * (`> 1` where `> 0` belongs), as if a read of a single byte were the
 * end of the connection. An empty line, "\n", is a read of 1 byte when it
 * comes alone, and so is a line that arrives one byte per segment: the
 * server closes the connection there, and the echo stops. echocheck's
 * echo/empty-line (and byte-at-a-time, not judged again). Certain for
 * the empty line: echocheck sends it alone, after the line before it
 * came back.
 * Done right: echo.c loops while the count is > 0; only 0 is end of file.
 * Otherwise correct (perthread.c): a detached thread per client; every
 * byte read is written back, with rio_writen.
 * Run: tests/bin/broken_short_read PORT
 */
#include "perthread.h"

#include <stdint.h>

static void *serve(void *vargp)
{
    int connfd = (int)(intptr_t)vargp; /* the value itself, not an address */
    char buf[MAXLINE];
    ssize_t n;

    pthread_detach(pthread_self());
    while ((n = read(connfd, buf, sizeof(buf))) > 1) /* BUG: > 0 */
        if (rio_writen(connfd, buf, (size_t)n) < 0)
            break;
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    perthread_main(argc, argv, serve);
}
