/*
 * memhog.c - WARNING: harmful on purpose, for the class run's tests
 * (tests/test_class.sh): an echo server's start, then, at its first
 * client, memory filled 64 MiB at a time (touched, so it is resident)
 * up to 3 GiB. The class run must stop it at 2 GiB and say "fills
 * memory". Run only under echocheck --class.
 */
#include "fixture.h"

int main(int argc, char **argv)
{
    first_client(argc, argv);
    for (int i = 0; i < 48; i++) {
        char *p = malloc(64 << 20);
        if (p == NULL)
            break;
        memset(p, i + 1, 64 << 20);
    }
    pause();
    return 0;
}
