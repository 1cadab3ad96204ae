/*
 * forkbomb.c - WARNING: harmful on purpose, for the class run's tests
 * (tests/test_class.sh): an echo server's start, then, at its first
 * client, processes forking without end. The class run must stop it
 * (its group killed) and say "forks without end". Run only under
 * echocheck --class, which kills its group within a quarter second.
 */
#include "csapp.h"

#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <port>\n", argv[0]);
        return 2;
    }
    int listenfd = Open_listenfd(argv[1]);
    int connfd = accept(listenfd, NULL, NULL);
    struct timespec pause_ms = { 0, 1000000 };

    (void)connfd;
    for (;;)
        if (fork() < 0)
            nanosleep(&pause_ms, NULL); /* at the process limit: again, later */
}
