/*
 * test_starvation.c - starvation.c's report: the book's readers-first
 * solution starves the writer in every trial while the readers read on;
 * the writers-first fix lets the writer in within milliseconds in every
 * trial and the readers still read; --pthread runs and reports (no
 * verdict is assumed for the system's library); every trial ends in
 * bounded time and Ctrl-C leaves nothing behind; bad options (--fixed
 * with --pthread among them) get a usage line and status 2, -h and
 * --help the usage on stdout.
 * What a checker can judge here: the programs' own memory and locking,
 * in all three modes; tests/sanitize.sh fails on any report. No checker
 * sees starvation itself: it is a matter of who gets a lock when, not a
 * race or a bad order of locks, so only the counts below show it.
 * Run: tests/bin/test_starvation [test_name...]
 */
#include "testlib.h"

#define TRIAL_MS 1000 /* the contract: each trial ends within about a second */
#define USAGE "usage: starvation [--fixed | --pthread] [-t TRIALS]"

/* Runs ./starvation -t TRIALS with option (or none); returns its count. */
static int run_starvation(run_result_t *r, int trials, char *option)
{
    char count[16];

    snprintf(count, sizeof(count), "%d", trials);
    char *argv[] = {"./starvation", "-t", count, option, NULL};
    return run_counted(argv, trials, TRIAL_MS, "starvations", r);
}

/* Sums N over the lines "  readers: progressed, N reads while the writer
 * waited..." of out; *lines gets how many there were. */
static int reads_while_waiting(const char *out, int *lines)
{
    static const char prefix[] = "\n  readers: progressed, ";
    int total = 0, n;

    *lines = 0;
    for (const char *p = out; p && (p = strstr(p, prefix)); p++)
        if (sscanf(p + sizeof(prefix) - 1, "%d reads while the writer waited",
                   &n) == 1) {
            total += n;
            (*lines)++;
        }
    return total;
}

static void starvation_unfixed_starves_the_writer_in_every_trial(void)
{
    run_result_t r;
    int lines;

    int starved = run_starvation(&r, 3, NULL);
    CHECK(starved == 3, "not every trial starved:\n%s", r.out.data);
    CHECK(count_of(r.out.data, ": starved: the writer waited 200 ms and never "
                               "wrote\n") == 3,
          "want 3 trial lines \"starved: the writer waited 200 ms and never "
          "wrote\":\n%s", r.out.data);
    /* Who progressed and who did not: many reads, no write. */
    int reads = reads_while_waiting(r.out.data, &lines);
    CHECK(lines == 3 && reads >= 3 * 10, "want 3 lines \"readers: progressed, "
          "N reads while the writer waited\", N >= 10; got %d lines, %d reads:\n%s",
          lines, reads, r.out.data);
    CHECK(count_of(r.out.data, "\n  writer: no progress, 0 writes\n") == 3,
          "want \"writer: no progress, 0 writes\" per trial:\n%s", r.out.data);
    CHECK(r.elapsed_ms < scaled(3 * TRIAL_MS), "3 trials took %lld ms",
          r.elapsed_ms);
    run_result_free(&r);
}

/* The largest "after waiting X ms" of out's trial lines; -1 if none. */
static double longest_wait(const char *out, int *lines)
{
    static const char needle[] = ": no starvation: the writer wrote after waiting ";
    double most = -1, ms;

    *lines = 0;
    for (const char *p = out; p && (p = strstr(p, needle)); p++)
        if (sscanf(p + sizeof(needle) - 1, "%lf ms\n", &ms) == 1) {
            (*lines)++;
            most = ms > most ? ms : most;
        }
    return most;
}

static void starvation_fixed_lets_the_writer_in_and_the_readers_on(void)
{
    int trials = running_under(NULL) ? 20 : 200, lines; /* a checker is slow */
    run_result_t r;

    int starved = run_starvation(&r, trials, "--fixed");
    CHECK(starved == 0, "the fixed version starved the writer:\n%s", r.out.data);
    /* Within milliseconds (1 or 2 here: the readers inside finish their
     * 1 ms reads), with room for a loaded machine; not the whole window. */
    double most = longest_wait(r.out.data, &lines);
    CHECK(lines == 10 && most >= 0 && most < scaled(100), "want 10 trials "
          "shown, the writer in within 100 ms (the window is 200); %d shown, "
          "longest wait %.1f ms:\n%s", lines, most, r.out.data);
    CHECK(count_of(r.out.data, " after it wrote\n") == 10 &&
              count_of(r.out.data, "\n  writer: progressed, 1 write\n") == 10,
          "want readers reading after the write, and the writer's progress, "
          "in each trial shown:\n%s", r.out.data);
    CHECK(count_of(r.out.data, "\n") <= 2 + 3 * 10 + 2, "%d lines for %d "
          "trials, want a bounded report:\n%s", count_of(r.out.data, "\n"),
          trials, r.out.data);
    run_result_free(&r);
}

/* The system's pthread_rwlock_t: whatever it does, it is reported. */
static void starvation_pthread_reports_what_the_library_did(void)
{
    run_result_t r;
    char want[96];

    int s = run_starvation(&r, 2, "--pthread");
    snprintf(want, sizeof(want), "\nthis C library's pthread_rwlock_t starved "
             "the writer in %d of 2 trials\n", s);
    CHECK(strstr(r.out.data, "starvation --pthread: ") == r.out.data &&
              strstr(r.out.data, want),
          "want the title and \"%s\":\n%s", want + 1, r.out.data);
    run_result_free(&r);
}

static void starvation_sigint_leaves_nothing_behind(void)
{
    char *argv[] = {"./starvation", "-t", "10000", NULL};
    check_sigint_ends_run(argv);
}

static void expect_usage_error(char *a1, char *a2, char *a3)
{
    char *argv[] = {"./starvation", a1, a2, a3, NULL};
    check_usage_error(argv, USAGE);
}

static void starvation_rejects_bad_options_with_usage_and_status_2(void)
{
    expect_usage_error("--fixed", "--pthread", NULL);
    expect_usage_error("--pthread", "--fixed", NULL);
    expect_usage_error("-t", "0", NULL);
    expect_usage_error("-t", "abc", NULL);
    expect_usage_error("-t", "10001", NULL);
    expect_usage_error("-t", NULL, NULL);
    expect_usage_error("-s", "1", NULL);
    expect_usage_error("extra", NULL, NULL);
    expect_usage_error("--help", "-t", "1");
}

static void starvation_help_prints_usage_on_stdout(void)
{
    check_help("./starvation");
}

static const test_t tests[] = {
    TEST(starvation_unfixed_starves_the_writer_in_every_trial),
    TEST(starvation_fixed_lets_the_writer_in_and_the_readers_on),
    TEST(starvation_pthread_reports_what_the_library_did),
    TEST(starvation_sigint_leaves_nothing_behind),
    TEST(starvation_rejects_bad_options_with_usage_and_status_2),
    TEST(starvation_help_prints_usage_on_stdout),
};

int main(int argc, char **argv)
{
    return run_tests("starvation", tests, sizeof(tests) / sizeof(tests[0]),
                     argc, argv);
}
