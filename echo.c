/*
 * echo.c - the one echo routine the blocking servers share (iterative,
 * process, thread and prethreaded). Book: CS:APP3e Figure 11.22, with
 * per-connection errors logged and survived instead of exiting.
 */
#include "server.h"

void echo_lines(int connfd, line_hook_t *on_line)
{
    char buf[MAXLINE];
    rio_t rio;
    ssize_t n;

    rio_readinitb(&rio, connfd);
    /* A line longer than buf arrives in pieces; each piece is echoed as is. */
    while ((n = rio_readlineb(&rio, buf, sizeof(buf))) > 0) {
        if (rio_writen(connfd, buf, (size_t)n) < 0) {
            printf("echo: fd %d: write: %s\n", connfd, strerror(errno));
            return;
        }
        if (on_line != NULL)
            on_line(connfd, (size_t)n);
    }
    if (n < 0) /* typically "Connection reset by peer" */
        printf("echo: fd %d: read: %s\n", connfd, strerror(errno));
}

void echo(int connfd) { echo_lines(connfd, NULL); }
