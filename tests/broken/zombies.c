/*
 * zombies.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: a process per client, and the parent never waits for its
 * children. Each child that ends stays a zombie (state Z in ps) until
 * the parent exits: echocheck's resources/no-zombies. Certain: nothing
 * calls wait, and SIGCHLD is left at its default.
 * Done right: echoserverp.c reaps every ended child in its SIGCHLD
 * handler (children.c), in a loop, since signals merge.
 * Also, on purpose, what a stranger's server may be: it prints nothing
 * and listens on 127.0.0.1 only (no IPv6), which echocheck must check in
 * full all the same.
 * Otherwise correct: the parent closes connfd, the child the listener;
 * a failed fork or accept drops that client only.
 * Run: tests/bin/broken_zombies PORT
 */
#include "echo.h"

#include <netinet/in.h>
#include <time.h>

static int listen_on_loopback(const char *port_arg)
{
    long port = Parse_number("broken_zombies", "port", port_arg, 0, 65535);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    int fd = Socket(AF_INET, SOCK_STREAM, 0);

    Setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    Bind(fd, (SA *)&addr, sizeof(addr));
    Listen(fd, LISTENQ);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <port>\n", argv[0]);
        return 2;
    }
    int listenfd = listen_on_loopback(argv[1]);
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        int connfd = accept(listenfd, NULL, NULL);
        if (connfd < 0) {
            struct timespec pause = {0, 10000000};
            nanosleep(&pause, NULL); /* out of descriptors: no spin */
            continue;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(listenfd);
            echo(connfd);
            exit(0);
        }
        close(connfd);
        /* BUG: no waitpid anywhere: every child that ends stays a zombie */
    }
}
