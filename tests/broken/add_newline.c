/*
 * add_newline.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: each line is read, its end of line stripped, and written
 * back with a newline of its own, the way println, Perl's chomp and say,
 * or Python's print(line) do. A last line sent without a newline comes
 * back with one: a byte the client never sent. echocheck's
 * echo/no-final-newline names "a newline is added" (newline-added).
 * Certain: no-final-newline's last line has no newline.
 * Done right: echo.c writes back the count rio_readlineb returned, the
 * line's own end included.
 * Otherwise correct (perthread.c): a detached thread per client; every
 * other byte read is written back, with rio_writen.
 * Run: tests/bin/broken_add_newline PORT
 */
#include "perthread.h"

#include <stdint.h>

/* Longer than any line echocheck sends, so that only a last line without
 * a newline shows the defect, as with a language's line reader. */
#define LINE_MAX_BYTES (1 << 20)

static void *serve(void *vargp)
{
    int connfd = (int)(intptr_t)vargp; /* the value itself, not an address */
    char *buf = Malloc(LINE_MAX_BYTES);
    rio_t rio;
    ssize_t n;

    pthread_detach(pthread_self());
    rio_readinitb(&rio, connfd);
    while ((n = rio_readlineb(&rio, buf, LINE_MAX_BYTES - 1)) > 0) {
        if (buf[n - 1] == '\n')
            n--;                 /* the line's end, stripped */
        buf[n++] = '\n';         /* BUG: added back even where none came */
        if (rio_writen(connfd, buf, (size_t)n) < 0)
            break;
    }
    free(buf);
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    perthread_main(argc, argv, serve);
}
