/*
 * test_livelock.c - livelock.c's report: the unfixed version livelocks in
 * every trial, and per thread shows attempts and CPU climbing while
 * nothing completes; the fixed one never livelocks, and both threads
 * complete; -s SEED repeats a fixed run exactly; every trial ends in
 * bounded time and Ctrl-C leaves nothing behind; bad options get a usage
 * line and status 2, -h and --help the usage on stdout.
 * What a checker can judge here: the programs' own memory and locking.
 * ThreadSanitizer has no report for either version, rightly: there is no
 * data race, and its lock-order check skips pthread_mutex_trylock, which
 * cannot block, so the livelock is invisible to it (tests/sanitize.sh
 * fails on any report). Only the counts below show the livelock.
 * Run: tests/bin/test_livelock [test_name...]
 */
#include "testlib.h"

#define TRIAL_MS 1000 /* the contract: each trial ends within about a second */
#define USAGE "usage: livelock [--fixed] [-s SEED] [-t TRIALS]"

/* Runs ./livelock -t TRIALS, with --fixed if fixed; returns its count. */
static int run_livelock(run_result_t *r, int trials, int fixed)
{
    char count[16];

    snprintf(count, sizeof(count), "%d", trials);
    char *argv[] = {"./livelock", "-t", count, fixed ? "--fixed" : NULL, NULL};
    return run_counted(argv, trials, TRIAL_MS, "livelocks", r);
}

/* A thread's line: "  thread N: A attempts, C completed, X ms CPU: ..."
 * Returns 1 and fills the numbers if line starts with one. */
static int thread_line(const char *line, int *id, int *attempts, int *done,
                       double *cpu, char *verdict, size_t vlen)
{
    int used = 0;

    if (sscanf(line, "  thread %d: %d attempts, %d completed, %lf ms CPU: %n",
               id, attempts, done, cpu, &used) != 4 || used == 0)
        return 0;
    snprintf(verdict, vlen, "%.*s", (int)strcspn(line + used, "\n"),
             line + used);
    return 1;
}

/* Checks each thread line of out: a livelocked trial's threads ran (at
 * least 10 attempts, CPU used) and completed nothing; a fixed trial's
 * threads completed once each. Returns how many thread lines it read. */
static int check_thread_lines(const char *out, int livelocked)
{
    int lines = 0, id, attempts, done;
    double cpu;
    char verdict[64];

    for (const char *p = out; p != NULL; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (!thread_line(p, &id, &attempts, &done, &cpu, verdict, sizeof(verdict)))
            continue;
        lines++;
        if (livelocked)
            CHECK(attempts >= 10 && done == 0 && cpu > 0 &&
                      strcmp(verdict, "ran, no progress") == 0,
                  "thread %d: %d attempts, %d completed, %.1f ms CPU, \"%s\"; "
                  "want >= 10 attempts, 0 completed, CPU > 0, \"ran, no "
                  "progress\"", id, attempts, done, cpu, verdict);
        else
            CHECK(attempts >= 1 && done == 1 && strcmp(verdict, "progressed") == 0,
                  "thread %d: %d attempts, %d completed, \"%s\"; want 1 "
                  "completed, \"progressed\"", id, attempts, done, verdict);
    }
    return lines;
}

static void livelock_unfixed_livelocks_in_every_trial_while_both_threads_run(void)
{
    run_result_t r;

    int livelocks = run_livelock(&r, 3, 0);
    CHECK(livelocks == 3, "not every trial livelocked:\n%s", r.out.data);
    CHECK(count_of(r.out.data, ": livelock: stopped after ") == 3 &&
              count_of(r.out.data, " ms, no thread completed\n") == 3,
          "want 3 trial lines \"livelock: stopped after N ms, no thread "
          "completed\":\n%s", r.out.data);
    CHECK(check_thread_lines(r.out.data, 1) == 6,
          "want 2 thread lines per trial (6):\n%s", r.out.data);
    run_result_free(&r);
}

/* The bound: 1000 attempts or 500 ms, whichever comes first; the
 * contract allows about a second (a loaded machine is slow to wake). */
static void livelock_trials_stop_within_their_bound(void)
{
    run_result_t r;
    long long ms;
    int bad = 0;

    run_livelock(&r, 5, 0);
    for (const char *p = r.out.data; p && (p = strstr(p, "stopped after ")); p++)
        if (sscanf(p, "stopped after %lld ms", &ms) == 1 && ms > scaled(1000))
            bad++;
    CHECK(bad == 0, "%d trials ran past a second:\n%s", bad, r.out.data);
    CHECK(r.elapsed_ms < scaled(5 * TRIAL_MS), "5 trials took %lld ms",
          r.elapsed_ms);
    run_result_free(&r);
}

static void livelock_fixed_never_livelocks_and_both_complete(void)
{
    int trials = running_under(NULL) ? 20 : 200; /* a checker is slow */
    run_result_t r;

    int livelocks = run_livelock(&r, trials, 1);
    CHECK(livelocks == 0, "the fixed version livelocked:\n%s", r.out.data);
    CHECK(count_of(r.out.data, ": no livelock: both completed, by round ") == 10,
          "want 10 trials shown, each \"no livelock: both completed\":\n%s",
          r.out.data);
    CHECK(check_thread_lines(r.out.data, 0) == 20,
          "want 2 thread lines per trial shown (20):\n%s", r.out.data);
    CHECK(count_of(r.out.data, "\n") <= 37, "%d lines for %d trials, want a "
          "bounded report:\n%s", count_of(r.out.data, "\n"), trials, r.out.data);
    run_result_free(&r);
}

/* out with every "N ms" and "N.N ms" as "_ ms": what timing changes. */
static char *without_times(const char *out)
{
    char *s = Malloc(strlen(out) + 1), *d = s;

    for (const char *p = out; *p;) {
        size_t n = strspn(p, "0123456789.");
        if (n > 0 && strncmp(p + n, " ms", 3) == 0) {
            *d++ = '_';
            p += n;
        } else {
            *d++ = *p++;
        }
    }
    *d = '\0';
    return s;
}

static void livelock_seed_repeats_a_fixed_run_exactly(void)
{
    run_result_t a, b, c;

    char *argv[] = {"./livelock", "--fixed", "-s", "12345", "-t", "10", NULL};
    char *argv2[] = {"./livelock", "--fixed", "-s", "54321", "-t", "10", NULL};
    run_trials(argv, 10, TRIAL_MS, &a);
    run_trials(argv, 10, TRIAL_MS, &b);
    run_trials(argv2, 10, TRIAL_MS, &c);
    CHECK(a.out.data && strstr(a.out.data, "  seed 12345 (-s 12345 repeats this run)\n"),
          "the seed is not printed:\n%s", a.out.data);
    char *x = without_times(a.out.data ? a.out.data : "");
    char *y = without_times(b.out.data ? b.out.data : "");
    char *z = without_times(c.out.data ? c.out.data : "");
    CHECK(strcmp(x, y) == 0, "two runs with -s 12345 differ (times aside):\n%s\n"
          "and\n%s", x, y);
    /* The seed is what decides: another gives other pauses. */
    CHECK(strstr(z, "seed 54321") && strcmp(strstr(x, "trial 1"),
                                            strstr(z, "trial 1")) != 0,
          "-s 54321 ran the same trials as -s 12345:\n%s", z);
    free(x);
    free(y);
    free(z);
    run_result_free(&a);
    run_result_free(&b);
    run_result_free(&c);
}

static void livelock_sigint_leaves_nothing_behind(void)
{
    char *argv[] = {"./livelock", "-t", "10000", NULL};
    check_sigint_ends_run(argv);
}

static void expect_usage_error(char *a1, char *a2, char *a3)
{
    char *argv[] = {"./livelock", a1, a2, a3, NULL};
    check_usage_error(argv, USAGE);
}

static void livelock_rejects_bad_options_with_usage_and_status_2(void)
{
    expect_usage_error("-t", "0", NULL);
    expect_usage_error("-t", "abc", NULL);
    expect_usage_error("-t", "10001", NULL);
    expect_usage_error("-t", NULL, NULL);
    expect_usage_error("-s", NULL, NULL);
    expect_usage_error("-s", "-1", NULL);
    expect_usage_error("-s", "2147483648", NULL);
    expect_usage_error("--fixed", "-s", "x");
    expect_usage_error("--pthread", NULL, NULL);
    expect_usage_error("extra", NULL, NULL);
    expect_usage_error("-h", "--fixed", NULL);
}

static void livelock_help_prints_usage_on_stdout(void)
{
    check_help("./livelock");
}

static const test_t tests[] = {
    TEST(livelock_unfixed_livelocks_in_every_trial_while_both_threads_run),
    TEST(livelock_trials_stop_within_their_bound),
    TEST(livelock_fixed_never_livelocks_and_both_complete),
    TEST(livelock_seed_repeats_a_fixed_run_exactly),
    TEST(livelock_sigint_leaves_nothing_behind),
    TEST(livelock_rejects_bad_options_with_usage_and_status_2),
    TEST(livelock_help_prints_usage_on_stdout),
};

int main(int argc, char **argv)
{
    return run_tests("livelock", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
