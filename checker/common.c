/*
 * common.c - what every part of echocheck reads: the options (main.c
 * sets them once, before anything runs) and the clock. It sits below
 * everything, so that no part of checker/ depends on main.c.
 */
#include "echocheck.h"

#include <time.h>

options_t opt = { .model = M_MANY, .pool = 0, .scale = 1, .repeat = 1 };

int ms(int base) { return base * opt.scale; }

void nap(int millis)
{
    struct timespec t = { millis / 1000, (long)(millis % 1000) * 1000000L };
    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void step(const char *fmt, ...)
{
    va_list ap;

    if (!opt.verbose)
        return;
    va_start(ap, fmt);
    printf(".. ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}
