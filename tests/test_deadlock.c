/*
 * test_deadlock.c - deadlock.c's report: the unfixed version deadlocks in
 * every trial and says which thread holds which lock and waits for which,
 * the fixed one never does, every run ends in bounded time and leaves no
 * process behind (Ctrl-C included), bad options get a usage line and
 * status 2. Under ThreadSanitizer the unfixed run must draw TSan's
 * lock-order-inversion report: it goes to TEST_EXPECTED_REPORTS, kept
 * apart from the reports that fail the run, and tests/sanitize.sh
 * requires it there.
 * Run: tests/bin/test_deadlock [test_name...]
 */
#include "testlib.h"

#include <dirent.h>

#define TRIAL_MS 1000 /* the contract: each trial ends within about a second */
#define INVERSION \
    "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock)"

/* Runs ./deadlock with up to three arguments (NULL-terminated), giving
 * it about a second per trial and a little to start. */
static void run_deadlock(run_result_t *r, int trials, char *a1, char *a2, char *a3)
{
    char *argv[] = {"./deadlock", a1, a2, a3, NULL};
    int limit = trials * TRIAL_MS + 2000;

    run_program(argv, NULL, 0, limit, r);
    CHECK(r->status != -1, "deadlock %s %s %s still running after %d ms",
          a1 ? a1 : "", a2 ? a2 : "", a3 ? a3 : "", scaled(limit));
}

/*
 * The unfixed version is a lock-order inversion on purpose, which TSan
 * rightly reports: its reports go to TEST_EXPECTED_REPORTS (make
 * check-tsan sets it), named after prefix and this test's PID.
 */
static void expect_tsan_report(const char *prefix)
{
    const char *dir = getenv("TEST_EXPECTED_REPORTS");
    char opts[4096];

    if (!running_under("thread"))
        return;
    if (dir == NULL)
        skip_test("under TSan, the unfixed deadlock needs TEST_EXPECTED_REPORTS "
                  "(make check-tsan sets it)");
    snprintf(opts, sizeof(opts), "log_path=%s/%s.%d:second_deadlock_stack=1", dir,
             prefix, (int)getpid());
    setenv("TSAN_OPTIONS", opts, 1);
}

static void deadlock_unfixed_deadlocks_in_every_trial_and_names_the_cycle(void)
{
    static const char *lines[] = {
        "at the same time: deadlock, no thread moved for 200 ms\n",
        "\n  thread 1 holds lock A and waits for lock B\n",
        "\n  thread 2 holds lock B and waits for lock A\n",
        "\n  cycle: thread 1 -> lock B -> thread 2 -> lock A -> thread 1\n"};
    run_result_t r;

    expect_tsan_report("unfixed");
    run_deadlock(&r, 3, "-t", "3", NULL);
    CHECK(r.status == 0, "exit status %d, want 0; stderr: %s", r.status, r.err.data);
    CHECK(trials_reported(&r.out, "deadlocks", 3) == 3, "not every trial deadlocked:\n%s",
          r.out.data);
    for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++)
        CHECK(count_of(r.out.data, lines[k]) == 3, "want once per trial (3 "
              "times): \"%s\", got %d in:\n%s", lines[k],
              count_of(r.out.data, lines[k]), r.out.data);
    CHECK(strstr(r.out.data, "trial 3: one after the other: both finished; "),
          "no report of trial 3's first round:\n%s", r.out.data);
    run_result_free(&r);
}

static void deadlock_fixed_never_deadlocks_over_many_trials(void)
{
    int trials = running_under(NULL) ? 20 : 100; /* a checker's fork is slow */
    char count[16];
    run_result_t r;

    snprintf(count, sizeof(count), "%d", trials);
    run_deadlock(&r, trials, "--fixed", "-t", count);
    CHECK(r.status == 0, "exit status %d, want 0; stderr: %s", r.status, r.err.data);
    CHECK(trials_reported(&r.out, "deadlocks", trials) == 0,
          "the fixed version deadlocked:\n%s", r.out.data);
    /* The threads did meet: one waited for lock A while the other held it. */
    CHECK(strstr(r.out.data, "trial 1: one after the other: both finished; at the "
                             "same time: no deadlock, both finished (thread ") &&
              strstr(r.out.data, " waited for lock A while thread "),
          "trial 1 does not show the threads queueing for lock A:\n%s", r.out.data);
    CHECK(count_of(r.out.data, "\n") <= 13, "%d lines for %d trials, want a "
          "bounded report:\n%s", count_of(r.out.data, "\n"), trials, r.out.data);
    run_result_free(&r);
}

/* Starts ./deadlock -t 50 with stdout and stderr on a pipe (*outfd). */
static pid_t start_long_run(int *outfd)
{
    char *argv[] = {"./deadlock", "-t", "50", NULL};
    return start_piped(argv, outfd);
}

static void deadlock_sigint_leaves_no_process_behind(void)
{
    int fd, status = 0, zombies;
    bytes_t out = {0};
    pid_t trial = 0;

    expect_tsan_report("sigint");
    pid_t pid = start_long_run(&fd);
    /* Trial 1's report comes just before trial 2's child is forked; that
     * child deadlocks within a few ms, then is watched for 200 ms. The
     * signal must come in that window: a child still moving would die of
     * SIGPIPE at its next report once the parent is gone, and hide a
     * parent that leaves a deadlocked child behind. */
    if (CHECK(output_shows(fd, "trial 1: ", 5000, &out),
              "no \"trial 1: \" line within 5 s; got \"%s\"",
              out.data ? out.data : "")) {
        sleep_ms(100);
        if (proc_child_pids(pid, &trial, 1, &zombies) < 1)
            trial = 0; /* no /proc, or between two trials */
        kill(pid, SIGINT);
        /* The trial's child holds the pipe too: end of file means it is gone. */
        CHECK(wait_eof(fd, 2000), "output still open 2 s after SIGINT: "
              "deadlock or its trial's child is still running");
    }
    kill(pid, SIGKILL); /* if it is still there: the checks above failed */
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
          "deadlock did not end of SIGINT (status 0x%x)", status);
    CHECK(trial == 0 || !proc_running(trial), "trial child %d still running",
          (int)trial);
    close(fd);
    bytes_free(&out);
}

static void expect_usage_error(char *a1, char *a2, char *a3)
{
    char *argv[] = {"./deadlock", a1, a2, a3, NULL};
    check_usage_error(argv, "usage: deadlock [--fixed] [-t TRIALS]");
}

static void deadlock_rejects_bad_options_with_usage_and_status_2(void)
{
    expect_usage_error("-t", "0", NULL);
    expect_usage_error("-t", "abc", NULL);
    expect_usage_error("-t", "-5", NULL);
    expect_usage_error("-t", "10x", NULL);
    expect_usage_error("-t", "10001", NULL);
    expect_usage_error("-t", NULL, NULL);
    expect_usage_error("--fixed", "-n", "5");
    expect_usage_error("--bogus", NULL, NULL);
    expect_usage_error("-x", NULL, NULL);
    expect_usage_error("extra", NULL, NULL);
    expect_usage_error("-h", "-t", "3"); /* help only as the only argument */
}

static void deadlock_help_prints_usage_on_stdout(void)
{
    check_help("./deadlock");
}

/* Reads every file in dir whose name starts with prefix into out;
 * returns how many there were. */
static int read_reports(const char *dir, const char *prefix, bytes_t *out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096], buf[4096];
    int files = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        int fd = open(path, O_RDONLY);
        ssize_t n;
        while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
            bytes_add(out, buf, (size_t)n);
        if (fd >= 0)
            close(fd);
        files++;
    }
    closedir(d);
    return files;
}

/* The bug is found by the checker too: TSan names the cycle of lock
 * orders, with the lines in deadlock.c that take each lock. */
static void deadlock_tsan_reports_the_lock_order_inversion(void)
{
    char prefix[64];
    bytes_t reports = {0};
    run_result_t r;

    if (!running_under("thread"))
        skip_test("needs a ThreadSanitizer build: make check-tsan runs it");
    expect_tsan_report("inversion");
    run_deadlock(&r, 1, "-t", "1", NULL);
    /* Ended by the cycle, not by a stall: TSan had its report out. */
    CHECK(r.status == 0 && trials_reported(&r.out, "deadlocks", 1) == 1 &&
              strstr(r.out.data, "\n  cycle: thread 1 -> lock B -> thread 2"),
          "status %d, output:\n%s", r.status, r.out.data);
    snprintf(prefix, sizeof(prefix), "inversion.%d.", (int)getpid());
    int files = read_reports(getenv("TEST_EXPECTED_REPORTS"), prefix, &reports);
    CHECK(files == 1, "%d TSan report files from one trial, want 1", files);
    CHECK(reports.data && count_of(reports.data, INVERSION) == 1 &&
              strstr(reports.data, "deadlock.c:") != NULL,
          "want one \"%s\" naming deadlock.c's lines; got:\n%s", INVERSION,
          reports.data ? reports.data : "(nothing)");
    run_result_free(&r);
    bytes_free(&reports);
}

static const test_t tests[] = {
    TEST(deadlock_unfixed_deadlocks_in_every_trial_and_names_the_cycle),
    TEST(deadlock_fixed_never_deadlocks_over_many_trials),
    TEST(deadlock_sigint_leaves_no_process_behind),
    TEST(deadlock_rejects_bad_options_with_usage_and_status_2),
    TEST(deadlock_help_prints_usage_on_stdout),
    TEST(deadlock_tsan_reports_the_lock_order_inversion),
};

int main(int argc, char **argv)
{
    return run_tests("deadlock", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
