/*
 * benchmath.c - the fairness index, the starved clients and the machine's
 * limit under work per line. See benchmath.h.
 */
#include "benchmath.h"

double jain_index(const uint64_t *x, size_t n)
{
    double sum = 0, squares = 0;

    for (size_t i = 0; i < n; i++) {
        sum += (double)x[i];
        squares += (double)x[i] * (double)x[i];
    }
    if (n == 0 || squares == 0)
        return -1;
    return sum * sum / ((double)n * squares);
}

size_t count_starved(const uint64_t *x, size_t n)
{
    size_t zeros = 0;

    for (size_t i = 0; i < n; i++)
        zeros += x[i] == 0;
    return zeros;
}

void least_most(const uint64_t *x, size_t n, uint64_t *least, uint64_t *most)
{
    *least = *most = n > 0 ? x[0] : 0;
    for (size_t i = 1; i < n; i++) {
        *least = x[i] < *least ? x[i] : *least;
        *most = x[i] > *most ? x[i] : *most;
    }
}

double work_limit(double cpus, double bench_cores, long work_us)
{
    double cores = cpus - bench_cores;

    if (work_us <= 0 || cores <= 0)
        return -1;
    return cores * 1e6 / (double)work_us;
}

double share_of_limit(double lines_per_s, double cpus, double bench_cores,
                      long work_us)
{
    double limit = work_limit(cpus, bench_cores, work_us);

    return limit > 0 ? lines_per_s / limit : -1;
}
