/*
 * eb_hist.c - echobench's latency histogram: 64 sub-buckets per power of
 * two of nanoseconds, so any percentile is within 1.6% of the true value
 * in a fixed 20 KiB per thread, and adding a sample is a few instructions
 * (it runs once per echoed line). Not thread-safe: each worker thread
 * keeps its own and the main thread merges them after joining.
 */
#include "echobench.h"

static int hist_index(uint64_t v)
{
    if (v < SUB)
        return (int)v;
    int msb = 63 - __builtin_clzll(v);   /* v >= 64 so msb >= 6 */
    int shift = msb - 6;
    int idx = SUB * (msb - 5) + (int)((v >> shift) - SUB);
    return idx < NBUCKETS ? idx : NBUCKETS - 1;
}

static uint64_t hist_value(int idx)      /* lower bound of bucket idx */
{
    if (idx < SUB)
        return (uint64_t)idx;
    int msb = idx / SUB + 5;
    return (uint64_t)(idx % SUB + SUB) << (msb - 6);
}

void hist_add(hist_t *h, uint64_t v)
{
    h->count[hist_index(v)]++;
    h->n++;
    if (v > h->max)
        h->max = v;
}

void hist_merge(hist_t *to, const hist_t *from)
{
    for (int i = 0; i < NBUCKETS; i++)
        to->count[i] += from->count[i];
    to->n += from->n;
    if (from->max > to->max)
        to->max = from->max;
}

/* The pct-th percentile in microseconds (0 for an empty histogram). */
double hist_pct_us(const hist_t *h, double pct)
{
    if (h->n == 0)
        return 0;
    uint64_t rank = (uint64_t)(pct / 100.0 * (double)h->n);
    if (rank >= h->n)
        rank = h->n - 1;
    uint64_t seen = 0;
    for (int i = 0; i < NBUCKETS; i++) {
        seen += h->count[i];
        if (seen > rank) {
            uint64_t v = hist_value(i);
            return (v > h->max ? h->max : v) / 1000.0;
        }
    }
    return h->max / 1000.0;
}
