/*
 * one_client.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: it serves one client and exits. The accept and the echo
 * are written once, not in a loop, so the end of the first client is the
 * end of the server (exit status 0). echocheck charges this to the check
 * whose client was the first, as "it served one client and exited", and
 * every later check, each on a fresh instance that does it again, prints
 * "not judged". Certain: there is no second accept.
 * Done right: echoserveri.c accepts, echoes and closes, forever.
 * Otherwise correct: the suite's start-up and echo.
 * Run: tests/bin/broken_one_client PORT
 */
#include "echo.h"
#include "server.h"

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    int listenfd = start_server(argv[0], argv[1]);
    int connfd;
    while ((connfd = accept_client(listenfd)) < 0)
        ; /* a client that gave up is not the first one served */
    echo(connfd); /* BUG: once, not in a loop */
    close(connfd);
    return 0;
}
