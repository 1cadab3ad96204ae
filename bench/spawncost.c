/*
 * spawncost.c - the "Threads vs. Processes" slide, measured on this machine.
 * Times creating and reaping a process (fork + _exit + waitpid) and a thread
 * (pthread_create + pthread_join), many times each, and prints the median and
 * mean in nanoseconds and, on x86-64, in TSC cycles, beside the slide's
 * "~20K cycles" and "~10K cycles", plus the process/thread ratio.
 * Observe: a thread is cheaper because it shares the address space; fork must
 * copy the page tables, so a process gets dearer as the parent grows.
 * On a virtual machine the TSC ticks at a fixed nominal rate, so "cycles" are
 * TSC ticks, not necessarily core clock cycles.
 * Run:  bench/bin/spawncost [-n REPETITIONS]   (default 2000 each, well under 3 s)
 */
#include "csapp.h"
#include "benchlib.h"
#if defined(__x86_64__)
#include <x86intrin.h>
#define HAVE_TSC 1
static uint64_t cycles(void) { return __rdtsc(); }
#else
#define HAVE_TSC 0
static uint64_t cycles(void) { return 0; }
#endif

#define WARMUP 20               /* first runs fault in code and stacks: not counted */

typedef struct {
    uint64_t *ns, *cyc;         /* one sample per repetition */
} samples_t;

static void spawn_process(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);               /* _exit: skip atexit handlers and stdio flushing */
    if (pid < 0 || waitpid(pid, NULL, 0) < 0) {
        perror("spawncost: fork/waitpid");
        exit(1);
    }
}

static void *thread_body(void *arg)
{
    return arg;
}

static void spawn_thread(void)
{
    pthread_t tid;
    int rc = pthread_create(&tid, NULL, thread_body, NULL);
    if (rc == 0)
        rc = pthread_join(tid, NULL);
    if (rc != 0) {
        fprintf(stderr, "spawncost: pthread_create/join: %s\n", strerror(rc));
        exit(1);
    }
}

/* Time n calls of spawn() one by one, after a few uncounted warm-up calls. */
static void measure(void (*spawn)(void), int n, samples_t *s)
{
    for (int i = 0; i < WARMUP; i++)
        spawn();
    for (int i = 0; i < n; i++) {
        uint64_t t0 = now_ns(), c0 = cycles();
        spawn();
        uint64_t c1 = cycles(), t1 = now_ns();
        s->ns[i] = t1 - t0;
        s->cyc[i] = c1 - c0;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts v in place; returns the median and stores the mean. */
static double median_mean(uint64_t *v, int n, double *mean)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += (double)v[i];
    *mean = sum / n;
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

typedef struct {
    double ns_med, ns_mean, cyc_med, cyc_mean;
} cost_t;

static cost_t summarize(samples_t *s, int n)
{
    cost_t c;
    c.ns_med = median_mean(s->ns, n, &c.ns_mean);
    c.cyc_med = median_mean(s->cyc, n, &c.cyc_mean);
    return c;
}

static void print_row(const char *what, const cost_t *c, const char *slide)
{
    char cyc[64] = "n/a";
    if (HAVE_TSC)
        snprintf(cyc, sizeof cyc, "%.0f / %.0f", c->cyc_med, c->cyc_mean);
    printf("%-34s %10.0f / %-10.0f %22s   %s\n", what, c->ns_med, c->ns_mean, cyc, slide);
}

static int parse_n(int argc, char **argv)
{
    if (argc == 1)
        return 2000;
    if (argc == 2 && strcmp(argv[1], "-h") == 0) {
        printf("usage: spawncost [-n REPETITIONS]\n");
        exit(0);
    }
    long n;
    if (argc != 3 || strcmp(argv[1], "-n") != 0 ||
        parse_number(argv[2], 1, 10000000, &n) < 0) {
        fprintf(stderr, "usage: spawncost [-n REPETITIONS]   (1..10000000)\n");
        exit(2);
    }
    return (int)n;
}

int main(int argc, char **argv)
{
    int n = parse_n(argc, argv);
    samples_t s = { Malloc(sizeof(uint64_t) * (size_t)n), Malloc(sizeof(uint64_t) * (size_t)n) };
    measure(spawn_process, n, &s);
    cost_t p = summarize(&s, n);
    measure(spawn_thread, n, &s);
    cost_t t = summarize(&s, n);

    printf("spawncost: %d repetitions each, create + reap, median / mean\n", n);
    printf("%-34s %23s %22s   %s\n", "", "nanoseconds", "TSC cycles", "slide");
    print_row("process (fork + _exit + waitpid)", &p, "~20K cycles");
    print_row("thread (pthread_create + join)", &t, "~10K cycles");
    printf("process / thread: %.1fx (median ns)   slide: ~2x\n", p.ns_med / t.ns_med);
    char pc[32] = "n/a", tc[32] = "n/a";
    if (HAVE_TSC) {
        snprintf(pc, sizeof pc, "%.0f", p.cyc_med);
        snprintf(tc, sizeof tc, "%.0f", t.cyc_med);
    }
    printf("RESULT process_ns=%.0f thread_ns=%.0f process_cycles=%s thread_cycles=%s "
           "ratio=%.2f\n", p.ns_med, t.ns_med, pc, tc, p.ns_med / t.ns_med);
    free(s.ns);
    free(s.cyc);
    return 0;
}
