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
 * Otherwise correct (perthread.c): a detached thread per client; lines
 * read with rio_readlineb, written back whole with rio_writen.
 * Run: tests/bin/broken_text_decode PORT
 */
#include "perthread.h"

#include <stdint.h>

/* The line as ASCII text: what is not ASCII becomes '?'. */
static char *as_ascii(char *line, ssize_t n)
{
    for (ssize_t i = 0; i < n; i++)
        if ((unsigned char)line[i] >= 0x80)
            line[i] = '?'; /* BUG: not ASCII, so not "text" */
    return line;
}

static void *serve(void *vargp)
{
    int connfd = (int)(intptr_t)vargp; /* the value itself, not an address */
    rio_t rio; /* 8 KB: a thread's stack holds it, under musl too */
    char line[MAXLINE];
    ssize_t n;

    pthread_detach(pthread_self());
    rio_readinitb(&rio, connfd);
    while ((n = rio_readlineb(&rio, line, sizeof(line))) > 0 &&
           rio_writen(connfd, as_ascii(line, n), (size_t)n) == n)
        ;
    close(connfd);
    return NULL;
}

int main(int argc, char **argv)
{
    perthread_main(argc, argv, serve);
}
