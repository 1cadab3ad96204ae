/*
 * race.c - WARNING: buggy on purpose (unless run with --fixed).
 * The lecture's data race, measured. The bug is the line marked BUG in
 * run_trial: every peer thread is handed &i, the address of main's one
 * loop variable, and reads *vargp whenever it gets to run. If main has
 * already incremented i by then, two threads see the same value and some
 * value is seen by nobody. The fix (--fixed): hand each
 * thread its own heap cell holding its value, which the thread frees.
 * Model: threads share one address space, main's stack included.
 * Observe: `./race` shows a few threads side by side ("thread 0 saw 1,
 * thread 1 saw 1, ...") and lists the values seen twice and never seen, in
 * nearly every trial on a multicore machine; `./race --fixed -t 200`
 * always reports 0 races. On one core (`taskset -c 0 ./race` on Linux)
 * the outcome depends on whether the scheduler runs a new thread at once.
 * Run: ./race [--fixed] [-n THREADS] [-t TRIALS]
 * Book: CS:APP3e Figures 12.43 and 12.44 (race.c, norace.c).
 *
 * Nothing here widens the window artificially: a peer reads *vargp as the
 * first thing it does, and main goes straight on to its next
 * pthread_create. The race shows because a new thread needs some time to
 * be scheduled on another core, and main increments i in the meantime.
 * Each peer returns the value it saw, and main collects them with
 * pthread_join after the whole trial, which changes nothing in the window.
 */
#include "csapp.h"
#include "trace.h"

#include <stdint.h>

#define ARGS "[--fixed] [-n THREADS] [-t TRIALS]"
#define MAX_THREADS 10000
#define MAX_TRIALS 1000000
#define SHOWN_TRIALS 10 /* trials reported in detail; the rest are counted */
#define SHOWN_VALUES 12 /* values listed per line before "and N more" */
#define SHOWN_EXAMPLES 5 /* threads shown side by side in a racing trial */

/* Peer thread, unsafe version: vargp points at main's loop variable. */
static void *peer(void *vargp)
{
    int myid = *(int *)vargp; /* reads i as it is now, not as it was */
    trace_mark("read *vargp", myid); /* after the read: the window is shut */
    return (void *)(intptr_t)myid;
}

/* Peer thread, fixed version: vargp is a cell of its own. */
static void *peer_fixed(void *vargp)
{
    int myid = *(int *)vargp;
    trace_mark("read *vargp", myid);
    free(vargp);
    return (void *)(intptr_t)myid;
}

/*
 * Runs one trial of n peers; seen[k] gets the value peer k saw. Peer k
 * was started when i was k, so it should see k.
 */
static void run_trial(int n, int fixed, pthread_t *tid, int *seen)
{
    int i; /* main's loop variable: every unsafe peer reads this one int */
    void *value;

    for (i = 0; i < n; i++) {
        if (fixed) {
            int *cell = Malloc(sizeof(int)); /* this peer's own copy */
            *cell = i;
            trace_mark("pthread_create, i =", i);
            Pthread_create(&tid[i], NULL, peer_fixed, cell);
        } else {
            trace_mark("pthread_create, i =", i);
            Pthread_create(&tid[i], NULL, peer, &i); /* BUG: shares &i */
        }
    }
    /* Join before returning: unsafe peers may still read i until then. */
    for (int k = 0; k < n; k++) {
        Pthread_join(tid[k], &value);
        seen[k] = (int)(intptr_t)value;
    }
}

/* Prints "  label: v1 v2 ..." for the values v in 0..n whose count
 * satisfies want (at most SHOWN_VALUES of them, then how many more). */
static void list_values(const char *label, const int *count, int n,
                        int (*want)(int count))
{
    int shown = 0, more = 0;

    for (int v = 0; v <= n; v++) {
        if (!want(count[v]))
            continue;
        if (shown == 0)
            printf("  %s:", label);
        if (shown < SHOWN_VALUES) {
            printf(count[v] > 1 ? " %d (x%d)" : " %d", v, count[v]);
            shown++;
        } else {
            more++;
        }
    }
    if (more > 0)
        printf(" and %d more", more);
    if (shown > 0)
        printf("\n");
}

/*
 * Prints what a few threads in a row saw, from the first one that saw
 * another's value: "thread 5 saw 6, thread 6 saw 6, ..." shows how the
 * counts below come about (often each saw the next thread's value).
 */
static void show_examples(int n, const int *seen)
{
    int first = 0;

    while (first < n - 1 && seen[first] == first)
        first++;
    printf("  for example (thread k should see k):");
    for (int k = first; k < n && k < first + SHOWN_EXAMPLES; k++)
        printf("%s thread %d saw %d", k > first ? "," : "", k, seen[k]);
    printf("\n");
}

static int several(int count) { return count > 1; }
static int none(int count) { return count == 0; }

/* Reports trial number t if it is among the first few; returns 1 if it
 * raced, that is, if any peer saw a value other than its own. */
static int report_trial(int t, int n, const int *seen, int *count)
{
    int wrong = 0;

    memset(count, 0, (size_t)(n + 1) * sizeof(int));
    for (int k = 0; k < n; k++) {
        count[seen[k]]++; /* seen[k] is a value i took: 0..n */
        wrong += seen[k] != k;
    }
    if (t > SHOWN_TRIALS)
        return wrong > 0;
    if (wrong == 0) {
        printf("trial %d: no race: each of 0..%d seen by one thread\n", t, n - 1);
        return 0;
    }
    printf("trial %d: %d of %d threads saw a value other than their own\n", t,
           wrong, n);
    show_examples(n, seen);
    list_values("seen by more than one thread", count, n - 1, several);
    list_values("seen by no thread", count, n - 1, none);
    if (count[n] > 0)
        printf("  %d (i after the loop ended): seen by %d thread%s\n", n,
               count[n], count[n] > 1 ? "s" : "");
    return 1;
}

static void usage(const char *complaint, const char *value)
{
    if (complaint != NULL)
        fprintf(stderr, "race: %s '%s'\n", complaint, value);
    usage_exit("race", ARGS);
}

/* Parses the value of option opt (argv[k], may be missing): 1..max. */
static int parse_count(const char *opt, const char *s, long max)
{
    long value;

    if (s == NULL)
        usage("missing a number after", opt);
    if (parse_number(s, 1, max, &value) < 0) {
        fprintf(stderr, "race: bad %s value '%s': want a number from 1 to %ld\n",
                opt, s, max);
        usage(NULL, NULL);
    }
    return (int)value;
}

int main(int argc, char **argv)
{
    int fixed = 0, n = 100, trials = 1, races = 0;

    help_exit(argc, argv, ARGS);
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--fixed") == 0)
            fixed = 1;
        else if (strcmp(argv[k], "-n") == 0)
            n = parse_count("-n", argv[++k], MAX_THREADS);
        else if (strcmp(argv[k], "-t") == 0)
            trials = parse_count("-t", argv[++k], MAX_TRIALS);
        else
            usage("unknown argument", argv[k]);
    }

    trace_setup("race", "main"); /* ECHO_TRACE (trace.h) */
    pthread_t *tid = Calloc((size_t)n, sizeof(pthread_t));
    int *seen = Calloc((size_t)n, sizeof(int));
    int *count = Calloc((size_t)n + 1, sizeof(int));

    printf("%s: %d trial%s of %d threads, each handed %s\n",
           fixed ? "race --fixed" : "race", trials, trials > 1 ? "s" : "", n,
           fixed ? "its own copy of i" : "&i");
    for (int t = 1; t <= trials; t++) {
        run_trial(n, fixed, tid, seen);
        races += report_trial(t, n, seen, count);
    }
    if (trials > SHOWN_TRIALS)
        printf("(trials %d to %d not shown one by one)\n", SHOWN_TRIALS + 1,
               trials);
    printf("races: %d of %d trials\n", races, trials);
    free(tid);
    free(seen);
    free(count);
    return 0;
}
