/*
 * livelock.c - WARNING: buggy on purpose (unless run with --fixed).
 * The lecture's livelock ("after you, no, after you"), made to happen and
 * counted. Two threads each need two mutexes: thread 1 holds lock A and
 * tries lock B, thread 2 holds B and tries A, with pthread_mutex_trylock.
 * When the try fails, a thread politely lets go of its own lock and tries
 * again after a pause. The bug is the line marked BUG in pause_rounds:
 * both pause the same, so they try again in step, each holding its own
 * lock while it tries the other's, for ever. Unlike a deadlock, nobody
 * waits: both threads run, their attempts and CPU time climb, and their
 * completions stay at zero. The fix (--fixed): a random back-off, a pause
 * drawn from a window that doubles after each failure (as Ethernet does);
 * soon one thread tries alone and completes, then the other. The seed is
 * printed, and -s SEED repeats the run exactly. One global lock order
 * (both take A first, as in deadlock --fixed) works too, with no pause.
 * The trap next to the fix: a back-off that resets on success lets the
 * winner try again at once while the loser waits out its grown window, so
 * one thread can win every time and starve the other (Ethernet's capture
 * effect).
 * Model: threads sharing mutexes, trying instead of waiting.
 * Observe: `./livelock` prints per thread 1000 attempts, 0 completed and
 * the CPU it burnt, then `livelocks: 1 of 1 trials`; `./livelock --fixed
 * -t 1000` never livelocks.
 * Run: ./livelock [--fixed] [-s SEED] [-t TRIALS]
 *
 * The unlucky timing is forced, as deadlock.c forces its own: a pause is
 * counted in rounds of a shared clock, not in time. The threads whose
 * pauses end in the same round each take their own lock, meet, try the
 * other's, and meet again before either lets go (a single meeting is not
 * enough: one thread could let go before the other tried). A thread
 * alone in its round goes alone, and its try cannot fail. The meetings
 * are a mutex and a condition variable (macOS has no pthread_barrier_t).
 * A trial stops after ATTEMPTS_MAX attempts or TRIAL_MS, whichever comes
 * first; it livelocked if neither thread completed and both tried at
 * least MIN_ATTEMPTS times. Stopping a trial is never a completion.
 */
#include "csapp.h"
#include "trace.h"
#include "trials.h"

#include <stdint.h>
#include <time.h>

#define ARGS "[--fixed] [-s SEED] [-t TRIALS]"
#define ATTEMPTS_MAX 1000 /* a trial stops after this many attempts ... */
#define TRIAL_MS 500      /* ... or this long */
#define MIN_ATTEMPTS 10   /* a livelock: no completion, this many attempts each */
#define FIRST_WINDOW 2    /* --fixed: the first back-off, 1 or 2 rounds */
#define MAX_WINDOW 64     /* --fixed: the window stops doubling here */
#define NTHREADS 2

typedef struct {
    int id;          /* 1 or 2 */
    int own, other;  /* indexes into locks[] */
    uint32_t random; /* --fixed: this thread's generator state; its own */
    int window;      /* --fixed: the back-off window, in rounds; its own */
    long next_round; /* the round of its next attempt; guarded by clock_lock */
    int attempts, completions, finished; /* guarded by clock_lock */
    long done_round; /* the round it completed in; guarded by clock_lock */
    double cpu_ms;   /* written by the thread as it ends, read after join */
} worker_t;

static int fixed;
static pthread_mutex_t locks[2] = {PTHREAD_MUTEX_INITIALIZER,
                                   PTHREAD_MUTEX_INITIALIZER};
static worker_t workers[NTHREADS];

/* The shared clock, guarded by clock_lock; ticked is broadcast whenever
 * any of it changes. */
static pthread_mutex_t clock_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ticked = PTHREAD_COND_INITIALIZER;
static long round_now;     /* the round being played */
static int in_round;       /* threads whose attempt falls in round_now */
static int met[2];         /* how many of them reached meeting 0 and 1 */
static int round_done;     /* how many of them finished their attempt */
static int stopped;        /* the trial is over: no more rounds */
static long long started_ms;

/* xorshift32: a tiny generator that gives the same numbers everywhere,
 * so that -s SEED repeats a run on any C library. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* How many rounds me waits after a failed try. */
static long pause_rounds(worker_t *me)
{
    if (!fixed)
        return 1; /* BUG: both pause the same, so they retry in step */
    long pause = 1 + (long)(next_random(&me->random) % (uint32_t)me->window);
    if (me->window < MAX_WINDOW)
        me->window *= 2;
    return pause;
}

/* Waits, in the round, until every thread in it got here. */
static void meet(int k)
{
    Pthread_mutex_lock(&clock_lock);
    if (++met[k] == in_round)
        pthread_cond_broadcast(&ticked);
    while (met[k] < in_round)
        pthread_cond_wait(&ticked, &clock_lock);
    Pthread_mutex_unlock(&clock_lock);
}

/* One attempt: own lock, try the other's; returns 1 if it completed. */
static int attempt(worker_t *me)
{
    trace_begin("attempt");
    Pthread_mutex_lock(&locks[me->own]);
    meet(0); /* everyone in this round holds its own lock */
    int got = pthread_mutex_trylock(&locks[me->other]) == 0;
    trace_mark(got ? "trylock: got it" : "trylock: busy", me->attempts + 1);
    meet(1); /* everyone has tried before anyone lets go */
    if (got) /* the work that needed both locks would go here */
        Pthread_mutex_unlock(&locks[me->other]);
    Pthread_mutex_unlock(&locks[me->own]); /* "after you" */
    trace_end();
    return got;
}

/* Called with clock_lock held once every thread of the round is done:
 * stops the trial at its bound, or moves the clock to the next round
 * in which some thread tries. */
static void next_round(void)
{
    long next = -1;

    if (workers[0].attempts >= ATTEMPTS_MAX ||
        workers[1].attempts >= ATTEMPTS_MAX ||
        now_ms() - started_ms >= TRIAL_MS)
        stopped = 1;
    for (int t = 0; t < NTHREADS; t++)
        if (!workers[t].finished && (next < 0 || workers[t].next_round < next))
            next = workers[t].next_round;
    round_now = next;
    in_round = met[0] = met[1] = round_done = 0;
    for (int t = 0; t < NTHREADS; t++)
        in_round += !workers[t].finished && workers[t].next_round == next;
    pthread_cond_broadcast(&ticked);
}

/* Waits for me's round; 0 once me has nothing more to do. */
static int wait_turn(worker_t *me)
{
    trace_blocked("back-off: waits for its round");
    Pthread_mutex_lock(&clock_lock);
    while (!stopped && !me->finished && me->next_round != round_now)
        pthread_cond_wait(&ticked, &clock_lock);
    int go = !stopped && !me->finished;
    Pthread_mutex_unlock(&clock_lock);
    trace_unblocked();
    return go;
}

static void end_attempt(worker_t *me, int completed)
{
    long pause = completed ? 0 : pause_rounds(me);

    Pthread_mutex_lock(&clock_lock);
    me->attempts++;
    me->completions += completed;
    me->finished = completed;
    me->done_round = round_now;
    me->next_round = round_now + pause;
    if (++round_done == in_round)
        next_round();
    Pthread_mutex_unlock(&clock_lock);
}

/* The CPU time the calling thread has used, in ms. */
static double thread_cpu_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
        return -1;
    return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

static void *worker(void *vargp)
{
    worker_t *me = vargp;

    trace_thread("thread %d", me->id);
    while (wait_turn(me))
        end_attempt(me, attempt(me));
    me->cpu_ms = thread_cpu_ms();
    return NULL;
}

/* Runs one trial; returns 1 if it livelocked. *ms gets how long it took. */
static int run_trial(unsigned seed, int t, long long *ms)
{
    pthread_t tid[NTHREADS];

    for (int k = 0; k < NTHREADS; k++) {
        worker_t *w = &workers[k];
        w->id = k + 1;
        w->own = k;
        w->other = 1 - k;
        /* Differs per trial and thread; never 0 (xorshift stays there). */
        w->random = (uint32_t)seed * 2654435761u +
                    (uint32_t)(2 * t + k) * 0x9E3779B9u;
        w->random += w->random == 0;
        w->window = FIRST_WINDOW;
        w->next_round = 0;
        w->attempts = w->completions = w->finished = 0;
    }
    /* No thread runs yet: no lock needed. */
    round_now = 0;
    in_round = NTHREADS;
    met[0] = met[1] = round_done = stopped = 0;
    started_ms = now_ms();
    for (int k = 0; k < NTHREADS; k++)
        Pthread_create(&tid[k], NULL, worker, &workers[k]);
    for (int k = 0; k < NTHREADS; k++)
        Pthread_join(tid[k], NULL);
    *ms = now_ms() - started_ms;
    return workers[0].completions == 0 && workers[1].completions == 0 &&
           workers[0].attempts >= MIN_ATTEMPTS &&
           workers[1].attempts >= MIN_ATTEMPTS;
}

/* Reports trial number t if it is among the first few. */
static void report_trial(int t, int livelocked, long long ms)
{
    if (t > SHOWN_TRIALS)
        return;
    if (livelocked)
        printf("trial %d: livelock: stopped after %lld ms, no thread completed\n",
               t, ms);
    else if (workers[0].finished && workers[1].finished)
        printf("trial %d: no livelock: both completed, by round %ld (%lld ms)\n",
               t, workers[0].done_round > workers[1].done_round
                      ? workers[0].done_round : workers[1].done_round, ms);
    else
        printf("trial %d: no livelock, yet not both completed (%lld ms)\n", t, ms);
    for (int k = 0; k < NTHREADS; k++) {
        const worker_t *w = &workers[k];
        printf("  thread %d: %d attempts, %d completed, %.1f ms CPU: %s\n",
               w->id, w->attempts, w->completions, w->cpu_ms,
               w->completions > 0 ? "progressed" : "ran, no progress");
    }
    fflush(stdout); /* seen as it happens, Ctrl-C or not */
}

static unsigned parse_seed(const char *s)
{
    long value;

    if (s == NULL)
        usage_error("livelock", ARGS, "missing a number after", "-s");
    if (parse_number(s, 0, 2147483647, &value) < 0) {
        fprintf(stderr, "livelock: bad -s value '%s': want a number from 0 "
                "to 2147483647\n", s);
        usage_error("livelock", ARGS, NULL, NULL);
    }
    return (unsigned)value;
}

int main(int argc, char **argv)
{
    int trials = 1, livelocks = 0;
    unsigned seed = (unsigned)(now_us() ^ (long long)getpid() << 16) % 2147483647u;
    long long ms;

    help_exit(argc, argv, ARGS);
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--fixed") == 0)
            fixed = 1;
        else if (strcmp(argv[k], "-t") == 0)
            trials = parse_trials("livelock", ARGS, argv[++k]);
        else if (strcmp(argv[k], "-s") == 0)
            seed = parse_seed(argv[++k]);
        else
            usage_error("livelock", ARGS, "unknown argument", argv[k]);
    }
    trace_setup("livelock", "main"); /* ECHO_TRACE (trace.h) */
    printf("livelock%s: %d trial%s\n"
           "  thread 1 holds lock A and tries B, thread 2 holds B and tries A;\n"
           "  on a failed try a thread lets go and pauses %s\n",
           fixed ? " --fixed" : "", trials, trials > 1 ? "s" : "",
           fixed ? "1 to W rounds, W doubling" : "1 round");
    if (fixed)
        printf("  seed %u (-s %u repeats this run)\n", seed, seed);
    for (int t = 1; t <= trials; t++) {
        int livelocked = run_trial(seed, t, &ms);
        livelocks += livelocked;
        report_trial(t, livelocked, ms);
    }
    report_unshown(trials);
    printf("livelocks: %d of %d trials\n", livelocks, trials);
    return 0;
}
