/*
 * eb_report.c - what echobench says: the first verification error (any
 * thread may find one), a few dropped connections, and at the end one
 * human-readable line and one "RESULT key=value ..." line for scripts.
 */
#include <stdarg.h>
#include <stdio.h>

#include <stdlib.h>
#include <unistd.h>

#include "benchmath.h"
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

/* A latency for people: "850 us" below a millisecond, "3.1 ms" above. */
static void print_us(char *buf, size_t len, double us)
{
    if (us < 1000)
        snprintf(buf, len, "%.0f us", us);
    else
        snprintf(buf, len, "%.1f ms", us / 1000);
}

/* CPU seconds per 1000 connections, or "n/a". */
static void print_per_kconn(char *buf, size_t len, double cpu, uint64_t conns)
{
    if (cpu < 0 || conns == 0)
        snprintf(buf, len, "n/a");
    else
        snprintf(buf, len, "%.3f", cpu / (double)conns * 1000);
}

void report_churn(const totals_t *t, double secs, double cpu, double self,
                  uint64_t errors)
{
    const hist_t *h = &t->hist;
    double pct[4] = { 50, 90, 99, 99.9 }, us[5];
    char txt[5][32], cpus[32], cpu_k[32], self_k[32];
    for (int i = 0; i < 5; i++) {
        us[i] = i < 4 ? hist_pct_us(h, pct[i]) : h->max / 1000.0;
        print_us(txt[i], sizeof txt[i], us[i]);
    }
    double cps = secs > 0 ? (double)t->lines / secs : 0;
    print_cpu(cpus, sizeof cpus, cpu);
    print_per_kconn(cpu_k, sizeof cpu_k, cpu, t->lines);
    print_per_kconn(self_k, sizeof self_k, self, t->lines);
    if (!opt.quiet)
        printf("echobench: churn, %d clients, %llu connections in %.2f s: %.0f conn/s; "
               "connect-echo-close p50 %s p90 %s p99 %s max %s; %llu failed connects; "
               "CPU s server %s (%s per 1000 conns), echobench %.2f (%s per 1000)%s\n",
               opt.clients, (unsigned long long)t->lines, secs, cps, txt[0], txt[1],
               txt[2], txt[4], (unsigned long long)t->connects_failed, cpus, cpu_k,
               self, self_k, errors ? " (FAILED)" : "");
    printf("RESULT mode=churn clients=%d conns=%llu seconds=%.2f conns_per_s=%.0f "
           "p50_us=%.0f p90_us=%.0f p99_us=%.0f p999_us=%.0f max_us=%.0f "
           "failed_connects=%llu unfinished=%llu server_cpu_s=%s bench_cpu_s=%.2f "
           "server_cpu_s_per_kconn=%s bench_cpu_s_per_kconn=%s errors=%llu\n",
           opt.clients, (unsigned long long)t->lines, secs, cps, us[0], us[1], us[2],
           us[3], us[4], (unsigned long long)t->connects_failed,
           (unsigned long long)t->unanswered, cpus, self, cpu_k, self_k,
           (unsigned long long)errors);
}

/* A figure, or "n/a" where it does not apply (negative). */
static void print_or_na(char *buf, size_t len, const char *fmt, double v)
{
    if (v < 0)
        snprintf(buf, len, "n/a");
    else
        snprintf(buf, len, fmt, v);
}

void report_fair(const client_t *c, int n)
{
    uint64_t *x = calloc((size_t)n, sizeof *x), least, most;
    char jain[32];

    if (x == NULL) {
        fprintf(stderr, "echobench: out of memory for the per-client counts\n");
        return;
    }
    for (int i = 0; i < n; i++)
        x[i] = c[i].counted;
    least_most(x, (size_t)n, &least, &most);
    print_or_na(jain, sizeof jain, "%.3f", jain_index(x, (size_t)n));
    if (!opt.quiet)
        printf("echobench: fairness over %d clients: Jain's index %s, %zu got nothing, "
               "least %llu lines, most %llu\n", n, jain, count_starved(x, (size_t)n),
               (unsigned long long)least, (unsigned long long)most);
    printf("RESULT+ jain=%s starved=%zu least=%llu most=%llu per_client=", jain,
           count_starved(x, (size_t)n), (unsigned long long)least,
           (unsigned long long)most);
    for (int i = 0; i < n; i++)
        printf("%s%llu", i ? "," : "", (unsigned long long)x[i]);
    printf("\n");
    free(x);
}

void report_work(double lines_per_s, double self_cpu_s, double secs)
{
    double cpus = (double)sysconf(_SC_NPROCESSORS_ONLN);
    double bench_cores = secs > 0 ? self_cpu_s / secs : 0;
    char limit[32], share[32];

    print_or_na(limit, sizeof limit, "%.0f",
                work_limit(cpus, bench_cores, opt.work_us));
    print_or_na(share, sizeof share, "%.2f",
                share_of_limit(lines_per_s, cpus, bench_cores, opt.work_us));
    if (!opt.quiet)
        printf("echobench: at %ld us of work per line, %.0f CPUs less echobench's "
               "%.2f cores allow %s lines/s: %s of it reached\n", opt.work_us, cpus,
               bench_cores, limit, share);
    printf("RESULT+ work_us=%ld cpus=%.0f limit_lines_per_s=%s share=%s\n",
           opt.work_us, cpus, limit, share);
}
