/*
 * test_trace_bugs.c - the traces of the programs that make a concurrency
 * bug happen (ECHO_TRACE, trace.h), held to what each one printed:
 * deadlock's holds and waits up to the cycle (the two waits never end),
 * livelock's attempts and back-offs, one each per attempt it counted,
 * starvation's reads across the writer's one long wait, race's read of
 * i by each thread. What every trace must keep is checked too
 * (tests/tracecheck.c); the servers' traces are test_trace.c's.
 * Run: tests/bin/test_trace_bugs [test_name...]
 */
#include "testlib.h"
#include "tracecheck.h"

/* The open slices of one thread of the deadlocked child, as "X + Y". */
static void check_stuck(const trace_event_t **left, size_t nopen, int id)
{
    const char *hold = id == 1 ? "holds lock A" : "holds lock B";
    const char *wait = id == 1 ? "waits for lock B" : "waits for lock A";
    int held = 0, waited = 0;

    for (size_t k = 0; k < nopen; k++) {
        held += strcmp(left[k]->name, hold) == 0;
        waited += strcmp(left[k]->name, wait) == 0 &&
                  strcmp(left[k]->cat, "blocked") == 0;
    }
    CHECK(held == 1 && waited == 1, "thread %d: %d open \"%s\" and %d open "
          "\"%s\" at the kill, want one each", id, held, hold, waited, wait);
}

static void deadlock_traces_holds_and_waits_up_to_the_cycle(void)
{
    char *fixed[] = {"./deadlock", "--fixed", NULL};
    char *unfixed[] = {"./deadlock", NULL};
    const trace_event_t *left[OPEN_MAX];
    size_t nopen;
    run_result_t r;
    trace_t t;

    trace_run(fixed, 5000, &r);
    run_result_free(&r);
    if (trace_load_checked(&t, left, &nopen) == 0) {
        CHECK(nopen == 0 && trace_count(&t, 'B', "holds lock A") == 4,
              "--fixed: %zu slices never ended, %d holds of lock A; want 0, 4",
              nopen, trace_count(&t, 'B', "holds lock A"));
        trace_free(&t);
        unlink(trace_path);
    }
    if (running_under("thread")) /* its report is test_deadlock's */
        return;
    trace_run(unfixed, 5000, &r);
    run_result_free(&r);
    if (trace_load_checked(&t, left, &nopen) < 0)
        return;
    CHECK(nopen == 4, "%zu slices open at the kill, want 4 (each thread: a "
          "hold and a wait)", nopen);
    check_stuck(left, nopen < OPEN_MAX ? nopen : OPEN_MAX, 1);
    check_stuck(left, nopen < OPEN_MAX ? nopen : OPEN_MAX, 2);
    CHECK(trace_count(&t, 'i', "cycle of waits: kills the child") == 1,
          "the parent's kill for the cycle is not in the trace");
    trace_free(&t);
    unlink(trace_path);
}

static void livelock_traces_every_attempt_and_back_off(void)
{
    char *argv[] = {"./livelock", NULL};
    const trace_event_t *left[OPEN_MAX];
    size_t nopen;
    run_result_t r;
    trace_t t;

    trace_run(argv, 5000, &r);
    if (trace_load_checked(&t, left, &nopen) < 0) {
        run_result_free(&r);
        return;
    }
    for (int id = 1; id <= 2; id++) {
        char name[24], want[40];
        int attempts = -1;
        snprintf(name, sizeof(name), "thread %d", id);
        snprintf(want, sizeof(want), "thread %d: %%d attempts", id);
        for (const char *p = r.out.data; p && (p = strstr(p, "thread ")); p++)
            if (sscanf(p, want, &attempts) == 1)
                break;
        long tid = trace_tid_named(&t, -1, name);
        int traced = trace_count_on(&t, tid, 'B', "attempt");
        int busy = trace_count_on(&t, tid, 'i', "trylock: busy");
        CHECK(attempts > 0 && traced == attempts && busy == attempts &&
                  trace_count_on(&t, tid, 'B', "back-off: waits for its round") >
                      attempts,
              "%s: %d attempts said, %d traced, %d busy tries; want equal",
              name, attempts, traced, busy);
    }
    CHECK(nopen == 0, "%zu slices never ended", nopen);
    run_result_free(&r);
    trace_free(&t);
    unlink(trace_path);
}

static void starvation_traces_reads_across_the_writers_wait(void)
{
    char *argv[] = {"./starvation", NULL};
    const trace_event_t *left[OPEN_MAX];
    size_t nopen;
    run_result_t r;
    trace_t t;

    trace_run(argv, 5000, &r);
    run_result_free(&r);
    if (trace_load_checked(&t, left, &nopen) < 0)
        return;
    long writer = trace_tid_named(&t, -1, "writer");
    double from = -1, to = -1;
    for (size_t i = 0; i < t.n; i++)
        if (t.ev[i].tid == writer && t.ev[i].ph == 'B' && from < 0)
            from = t.ev[i].ts;
        else if (t.ev[i].tid == writer && t.ev[i].ph == 'E' && to < 0)
            to = t.ev[i].ts;
    int reads = 0;
    for (size_t i = 0; i < t.n; i++)
        reads += t.ev[i].ph == 'B' && strcmp(t.ev[i].name, "read") == 0 &&
                 t.ev[i].ts > from && t.ev[i].ts < to;
    CHECK(from >= 0 && to - from >= 200000 && reads >= 10,
          "the writer waited %.0f us while readers began %d reads; want "
          ">= 200 ms and >= 10", to - from, reads);
    CHECK(nopen == 0, "%zu slices never ended", nopen);
    trace_free(&t);
    unlink(trace_path);
}

static void race_traces_each_threads_read_of_i(void)
{
    /* Under TSan, the unfixed race draws its report, as it should. */
    char *argv[] = {"./race", "-n", "20", "-t", "2", NULL, NULL};
    if (running_under("thread"))
        argv[5] = "--fixed";
    const trace_event_t *left[OPEN_MAX];
    size_t nopen;
    run_result_t r;
    trace_t t;

    trace_run(argv, 5000, &r);
    run_result_free(&r);
    if (trace_load_checked(&t, left, &nopen) < 0)
        return;
    int reads = 0, bad = 0;
    for (size_t i = 0; i < t.n; i++)
        if (strcmp(t.ev[i].name, "read *vargp") == 0) {
            double v = trace_arg(&t.ev[i], "value", -1);
            reads++;
            bad += v < 0 || v > 20;
        }
    CHECK(reads == 40 && bad == 0 &&
              trace_count(&t, 'i', "pthread_create, i =") == 40,
          "%d reads traced (%d out of 0..20), want 40", reads, bad);
    trace_free(&t);
    unlink(trace_path);
}

int main(int argc, char **argv)
{
    static const test_t tests[] = {
        TEST(deadlock_traces_holds_and_waits_up_to_the_cycle),
        TEST(livelock_traces_every_attempt_and_back_off),
        TEST(starvation_traces_reads_across_the_writers_wait),
        TEST(race_traces_each_threads_read_of_i),
    };
    unsetenv("ECHO_TRACE");
    unsetenv("ECHO_TRACE_MAX");
    return run_tests("trace_bugs", tests, sizeof(tests) / sizeof(tests[0]),
                     argc, argv);
}
