/*
 * echoserver.c - a submission that hangs: it listens, but never accepts a
 * client nor ends by itself (the Gradescope test: the checks must be
 * stopped at the time limit, this server with them, and the grade must
 * say so). The test finds it by its executable in /proc: a process id it
 * wrote itself would be its own PID namespace's under isolation.
 * Run: ./echoserver PORT
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (argc != 2 || fd < 0)
        return 2;
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 128) < 0)
        return 1;
    for (;;)
        pause();
}
