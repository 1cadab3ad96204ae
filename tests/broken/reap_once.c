/*
 * reap_once.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: a process per client whose SIGCHLD handler reaps one child
 * per signal (waitpid once, no loop). Signals of one kind do not queue:
 * children that end together raise one pending SIGCHLD between them, so
 * all but one or two stay zombies until later signals come:
 * echocheck's resources/no-zombies, where 15 clients leave at once.
 * Certain: echocheck stops the server (SIGSTOP) while they leave, so
 * their 15 SIGCHLDs merge into one and 14 zombies stay.
 * Clients that leave one at a time are reaped as they go, mostly (a
 * loaded machine may merge some of their signals too).
 * Done right: children.c reaps in a loop, waitpid(-1, &status, WNOHANG)
 * until it returns 0 or -1.
 * Otherwise correct: the parent closes connfd, the child the listener;
 * a failed fork or accept drops that client only.
 * Run: tests/bin/broken_reap_once PORT
 */
#include "echo.h"
#include "server.h"

static void on_sigchld(int sig)
{
    int saved = errno;

    (void)sig;
    waitpid(-1, NULL, WNOHANG); /* BUG: one child per signal, no loop */
    errno = saved;
}

/* The child serves its client and exits; the parent drops its copy. */
static void serve_in_child(int listenfd, int connfd)
{
    pid_t pid = fork();

    if (pid == 0) {
        close(listenfd);
        echo(connfd);
        exit(0);
    }
    if (pid < 0)
        printf("fork: %s: dropping the connection\n", strerror(errno));
    close(connfd);
}

int main(int argc, char **argv)
{
    struct sigaction sa = { .sa_handler = on_sigchld, .sa_flags = SA_RESTART };

    if (argc != 2)
        usage_exit(argv[0], "<port>");
    int listenfd = start_server(argv[0], argv[1]);
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    for (;;) {
        int connfd = accept_client(listenfd);
        if (connfd >= 0)
            serve_in_child(listenfd, connfd);
    }
}

