/*
 * escape.c - the outcome of an escape attempt and the echo served after a
 * success (escape.h). Iterative on purpose: the tests look only at the
 * attempt, so the simplest correct loop will do.
 */
#include "escape.h"
#include "echo.h"
#include "server.h"

const char *escape_args(int argc, char **argv, const char *target)
{
    if (target == NULL) {
        check_argc(argc, argv, 1, 1, "<port>");
        return NULL;
    }
    char args[64];
    snprintf(args, sizeof args, "%s <port>", target);
    check_argc(argc, argv, 2, 2, args);
    return argv[1];
}

void escape_failed(const char *what, int err, const char *note)
{
    fprintf(stderr, "escape: %s: %s%s\n", what, strerror(err), note ? note : "");
    exit(1);
}

void escape_done(const char *what, const char *port_arg)
{
    fprintf(stderr, "escape: %s: done\n", what);
    int listenfd = start_server("escape", port_arg);
    for (;;) {
        int connfd = accept_client(listenfd);
        if (connfd < 0)
            continue;
        echo(connfd);
        close(connfd);
    }
}
