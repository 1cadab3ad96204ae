/*
 * work.c - ECHO_WORK_US: CPU time spent on each line, computed over its
 * bytes rather than slept, so that it loads a core as a real request
 * would. Calibrated once at start-up, so N microseconds mean the same on
 * a fast and a slow machine. See work.h.
 */
#include "csapp.h"
#include "work.h"

#include <time.h>

/*
 * Iterations of the hash below per line: 0 without work. Written once by
 * work_setup before any thread or fork, only read afterwards, so it
 * needs no lock.
 */
static unsigned long long iters_per_line;
/* Where each result goes, so the compiler cannot drop the computation;
 * one per thread, so threads never write the same memory. */
static _Thread_local volatile unsigned work_sink;

/*
 * iters rounds of FNV-1a over a block of the line's bytes (the line
 * repeated, or cut, to BLOCK bytes): each step needs the last one's
 * result, so the work cannot be skipped or overlapped, and every
 * iteration costs the same whatever the line's length.
 */
enum { BLOCK = 64 };
static unsigned hash_rounds(const unsigned char *p, size_t n,
                            unsigned long long iters)
{
    unsigned char block[BLOCK];
    unsigned h = 2166136261u;

    for (size_t i = 0; i < BLOCK; i++)
        block[i] = p[i % n];
    for (unsigned long long k = 0; k < iters; k++)
        h = (h ^ block[k & (BLOCK - 1)]) * 16777619u;
    return h;
}
/* Calibration and work call the one compiled copy through this pointer:
 * a copy inlined into each caller could run at another speed (it did,
 * by a third, under ThreadSanitizer). */
static unsigned (*volatile hash_fn)(const unsigned char *, size_t,
                                    unsigned long long) = hash_rounds;

void work_line(const char *line, size_t n, int input_ended)
{
    if (iters_per_line == 0 || n == 0)
        return;
    if (line[n - 1] != '\n' && !input_ended)
        return; /* a piece of a longer line: its end pays */
    work_sink = hash_fn((const unsigned char *)line, n, iters_per_line);
}

/* Nanoseconds on clock, or -1 where the system lacks it. */
static long long clock_ns(clockid_t clock)
{
    struct timespec ts;

    if (clock_gettime(clock, &ts) < 0)
        return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* This thread's CPU time where the system keeps it (POSIX makes it
 * optional), else the monotonic clock: right on an idle machine. */
static long long cpu_ns(void)
{
#ifdef CLOCK_THREAD_CPUTIME_ID
    long long t = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    if (t >= 0)
        return t;
#endif
    return clock_ns(CLOCK_MONOTONIC);
}

/*
 * Iterations of hash_rounds per microsecond of this thread's CPU. Runs
 * grow until one lasts a millisecond, then the fastest of three such
 * runs counts (an interrupt only ever makes a run slower). Stops after
 * 15 ms of wall time, however far it got, so start-up stays quick even
 * on a loaded machine.
 */
static unsigned long long calibrate(void)
{
    unsigned char sample[64];
    unsigned long long iters = 1024, best = 0;
    long long wall_end = clock_ns(CLOCK_MONOTONIC) + 15000000LL;
    int timed = 0;

    for (size_t i = 0; i < sizeof(sample); i++)
        sample[i] = (unsigned char)('a' + i % 26);
    while (timed < 3) {
        long long t0 = cpu_ns();
        work_sink = hash_fn(sample, sizeof(sample), iters);
        long long dt = cpu_ns() - t0;
        unsigned long long rate =
            dt > 0 ? iters * 1000 / (unsigned long long)dt : 0;
        if (dt >= 1000000) {
            best = rate > best ? rate : best;
            timed++;
        }
        if (clock_ns(CLOCK_MONOTONIC) > wall_end) {
            best = best > 0 ? best : rate; /* cut short: this run must do */
            break;
        }
        if (dt < 1000000)
            iters *= 2;
    }
    return best > 0 ? best : 1;
}

long work_setup(const char *prog)
{
    const char *value = getenv("ECHO_WORK_US");
    long us;

    if (value == NULL)
        return 0;
    us = Parse_number(prog, "ECHO_WORK_US", value, 0, WORK_US_MAX); /* else exits 2 */
    if (us > 0)
        iters_per_line = calibrate() * (unsigned long long)us;
    return us;
}
