/*
 * flood.c - WARNING: harmful on purpose, for the class run's tests
 * (tests/test_class.sh): an echo server's start, then, at its first
 * client, its standard output flooded without end. echocheck must stop
 * it and say "floods its output", and the class report with it.
 */
#include "csapp.h"

int main(int argc, char **argv)
{
    static char junk[65536];

    if (argc != 2) {
        fprintf(stderr, "usage: %s <port>\n", argv[0]);
        return 2;
    }
    int listenfd = Open_listenfd(argv[1]);
    int connfd = accept(listenfd, NULL, NULL);
    (void)connfd;
    memset(junk, 'x', sizeof(junk));
    for (;;)
        if (write(1, junk, sizeof(junk)) < 0)
            return 1;
}
