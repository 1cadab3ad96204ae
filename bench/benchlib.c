/*
 * benchlib.c - helpers shared by the measuring tools; see benchlib.h.
 */
#include <time.h>

#include "benchlib.h"

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
