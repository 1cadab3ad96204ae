/*
 * eb_report.c - what echobench says: the first verification error (any
 * thread may find one), a few dropped connections, and at the end one
 * human-readable line and one "RESULT key=value ..." line for scripts.
 */
#include <stdarg.h>
#include <stdio.h>

#include "echobench.h"

atomic_int failed;
/* Guards the first-error report and drops_reported: any worker may print. */
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static int drops_reported;

/* Report the first verification error; later ones are noise. */
void fail(const char *fmt, ...)
{
    pthread_mutex_lock(&fail_lock);
    if (!failed) {
        va_list ap;
        va_start(ap, fmt);
        fputs("echobench: ERROR: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        failed = 1;
    }
    pthread_mutex_unlock(&fail_lock);
}

/* A lost connection: the first three are named, the count is in RESULT. */
void report_drop(const client_t *c, const char *why)
{
    pthread_mutex_lock(&fail_lock);
    if (drops_reported++ < 3 && !opt.quiet)
        fprintf(stderr, "echobench: client %u: %s after %llu lines\n", (unsigned)c->id,
                why, (unsigned long long)c->done);
    pthread_mutex_unlock(&fail_lock);
}

static void print_cpu(char *buf, size_t len, double cpu)
{
    if (cpu < 0)
        snprintf(buf, len, "n/a");
    else
        snprintf(buf, len, "%.2f", cpu);
}

void report(const totals_t *t, int connected, double secs, double cpu,
            double self, uint64_t held, uint64_t errors)
{
    const hist_t *h = &t->hist;
    double p50 = hist_pct_us(h, 50), p90 = hist_pct_us(h, 90), p99 = hist_pct_us(h, 99);
    double p999 = hist_pct_us(h, 99.9), mx = h->max / 1000.0;
    double lps = secs > 0 && !opt.idle ? (double)t->lines / secs : 0;
    double mbps = lps * opt.line_bytes / 1e6;
    char cpus[32];
    print_cpu(cpus, sizeof cpus, cpu);
    if (!opt.quiet && opt.idle)
        printf("echobench: %d/%d clients connected, %llu served, %llu held idle %.1f s; "
               "RTT us p50 %.0f p99 %.0f max %.0f; server CPU %s s%s\n",
               connected, opt.clients, (unsigned long long)t->served,
               (unsigned long long)held, secs, p50, p99, mx, cpus,
               errors ? " (FAILED)" : "");
    else if (!opt.quiet)
        printf("echobench: %d/%d clients, %llu lines in %.2f s: %.0f lines/s, %.1f MB/s; "
               "RTT us p50 %.0f p90 %.0f p99 %.0f p99.9 %.0f max %.0f; CPU s server %s, "
               "echobench %.2f; warm-up %.2f s%s\n",
               connected, opt.clients, (unsigned long long)t->lines, secs, lps, mbps,
               p50, p90, p99, p999, mx, cpus, self, t->warmup_s, errors ? " (FAILED)" : "");
    printf("RESULT mode=%s clients=%d connected=%d served=%llu held=%llu dropped=%llu "
           "unanswered=%llu lines=%llu seconds=%.2f lines_per_s=%.0f mb_per_s=%.1f "
           "p50_us=%.0f p90_us=%.0f p99_us=%.0f p999_us=%.0f max_us=%.0f "
           "server_cpu_s=%s bench_cpu_s=%.2f warmup_s=%.2f errors=%llu\n",
           opt.idle ? "idle" : "run", opt.clients, connected,
           (unsigned long long)t->served, (unsigned long long)held,
           (unsigned long long)t->dropped, (unsigned long long)t->unanswered,
           (unsigned long long)t->lines, secs, lps, mbps, p50, p90, p99, p999, mx, cpus,
           self, t->warmup_s, (unsigned long long)errors);
}
