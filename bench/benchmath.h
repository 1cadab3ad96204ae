/*
 * benchmath.h - the arithmetic behind make bench's CPU-bound and fairness
 * figures, apart from the tools so that tests can check it on known
 * inputs (tests/test_benchmath.c). Pure functions: thread-safe.
 */
#ifndef BENCHMATH_H
#define BENCHMATH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Jain's fairness index of x[0..n): (sum x)^2 / (n * sum x^2), from 1/n
 * (one client got everything) to 1 (all got the same). Zeros count: a
 * starved client lowers it. -1 when n is 0 or nobody got anything.
 */
double jain_index(const uint64_t *x, size_t n);

/* How many of x[0..n) are 0: the clients that got nothing. */
size_t count_starved(const uint64_t *x, size_t n);

/* The least and the most of x[0..n) (both 0 when n is 0). */
void least_most(const uint64_t *x, size_t n, uint64_t *least, uint64_t *most);

/*
 * Lines per second this machine could echo at most with work_us
 * microseconds of CPU per line: (cpus - bench_cores) cores, each doing
 * 1,000,000 / work_us lines a second. -1 when work_us is 0 or no core is
 * left over.
 */
double work_limit(double cpus, double bench_cores, long work_us);

/* lines_per_s as a share (0..1, or more) of work_limit; -1 without one. */
double share_of_limit(double lines_per_s, double cpus, double bench_cores,
                      long work_us);

#endif /* BENCHMATH_H */
