/*
 * echoserveri.c - echo server, one client at a time.
 * Model: iterative. The server serves a client until it leaves, then
 * accepts the next. Observe: connect two echoclients; the second one's
 * connect succeeds (the kernel queues it in the listen backlog) and its
 * lines are written, but their echo arrives only after the first client
 * leaves. That is the fundamental flaw the concurrent servers fix.
 * Run: terminal 1: ./echoserveri 15213           (Ctrl-C stops it)
 *      terminal 2: ./echoclient localhost 15213  (type lines; Ctrl-D leaves)
 * Book: CS:APP3e Figure 11.21 (same loop; errors cost one connection only).
 */
#include "echo.h"
#include "server.h"

int main(int argc, char **argv)
{
    int listenfd, connfd;

    check_argc(argc, argv, 1, 1, "<port>");
    listenfd = start_server(argv[0], argv[1]);

    for (;;) {
        if ((connfd = accept_client(listenfd)) < 0)
            continue;
        echo(connfd); /* returns when the client leaves */
        close(connfd);
    }
}
