/*
 * flood.c - WARNING: harmful on purpose, for the class run's tests
 * (tests/test_class.sh): an echo server's start, then, at its first
 * client, its standard output flooded without end. echocheck must stop
 * it and say "floods its output", and the class report with it.
 */
#include "fixture.h"

int main(int argc, char **argv)
{
    static char junk[65536];

    first_client(argc, argv);
    memset(junk, 'x', sizeof(junk));
    for (;;)
        if (write(1, junk, sizeof(junk)) < 0)
            return 1;
}
