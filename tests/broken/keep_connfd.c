/*
 * keep_connfd.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: a process per client whose parent never closes its copy
 * of connfd after the fork. The child serves the client and exits, but
 * the parent still holds the connection: one descriptor more for every
 * client gone (echocheck's resources/fds-back), until accept fails for
 * want of descriptors and no client is served any more (under a limit of
 * 64: resources/fd-limit-64). Certain: the parent closes nothing.
 * Done right: echoserverp.c's parent closes connfd right after the fork.
 * Otherwise correct: children are reaped as they exit (SIGCHLD, every
 * child a signal), a failed fork drops that client only.
 * Run: tests/bin/broken_keep_connfd PORT
 */
#include "echo.h"
#include "server.h"

/* Reaps every child that has ended: signals of several merge into one. */
static void reap(int sig)
{
    int saved = errno;

    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    int listenfd = start_server(argv[0], argv[1]);
    Signal(SIGCHLD, reap);
    for (;;) {
        int connfd = accept_client(listenfd);
        if (connfd < 0)
            continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(listenfd);
            echo(connfd);
            exit(0);
        }
        if (pid < 0) {
            printf("fork: %s\n", strerror(errno));
            close(connfd);
        }
        /* BUG: no close(connfd) here: the parent keeps the connection */
    }
}
