/*
 * forkbomb.c - WARNING: harmful on purpose, for the class run's tests
 * (tests/test_class.sh): an echo server's start, then, at its first
 * client, a process forked every millisecond, each waiting forever:
 * a server forking without end, as the class run sees it. The class run
 * must stop it (its group killed past 200 processes) and say "forks
 * without end". Bounded at 1000 all the same: on a machine where the
 * checker runs as root, no process limit would stop a real fork bomb
 * before the whole machine's process table is full.
 */
#include "fixture.h"

#include <time.h>

int main(int argc, char **argv)
{
    struct timespec ms = { 0, 1000000 };

    first_client(argc, argv);
    for (int i = 0; i < 1000; i++) {
        pid_t pid = fork();
        if (pid == 0)
            for (;;)
                pause();
        nanosleep(&ms, NULL);
    }
    for (;;)
        pause();
}
