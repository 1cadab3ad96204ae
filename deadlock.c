/*
 * deadlock.c - WARNING: buggy on purpose (unless run with --fixed).
 * The lecture's deadlock ("traffic gridlock"), made to happen and caught.
 * Two threads each need two mutexes, lock A and lock B. The bug is the
 * line marked BUG in main: thread 2 takes them in the opposite order (B,
 * then A) to thread 1 (A, then B). Once each holds its first lock, each
 * waits for the lock the other holds, and neither ever lets go: a cycle of
 * waits. The fix (--fixed): one global order, A before B, for both
 * threads; whichever gets A first then gets B, and the other waits its turn.
 * Model: threads sharing mutexes. A deadlocked mutex cannot be taken back,
 * so each trial runs in a child process that the parent watches and kills.
 * Observe: `./deadlock` prints which thread holds which lock and waits for
 * which, then `deadlocks: 1 of 1 trials`; `./deadlock --fixed -t 1000`
 * never deadlocks. Under ThreadSanitizer the unfixed run gets a
 * "lock-order-inversion (potential deadlock)" report, --fixed none.
 * Run: ./deadlock [--fixed] [-t TRIALS]
 *
 * Each trial has two rounds. One after the other: thread 1 runs to the
 * end, then thread 2. Both finish, as the buggy code nearly always does
 * when nothing forces the bad timing: the window is a few instructions.
 * At the same time: each thread, holding its first lock, waits until the
 * other has settled (see settled), which makes the unlucky interleaving
 * certain instead of rare. The threads tell the parent each step through
 * a pipe; when each waits for a lock the other holds and nothing moves for
 * CONFIRM_MS, the parent prints the cycle and kills the child.
 * ThreadSanitizer learns lock orders from locks actually taken, so it is
 * the first round, which worked, that it reports: that is how such a bug
 * is found before it strikes. The deadlocked round alone tells it nothing.
 */
#include "csapp.h"
#include "trace.h"
#include "trials.h"

#include <poll.h>

#define ARGS "[--fixed] [-t TRIALS]"
#define NTHREADS 2
#define CONFIRM_MS 200      /* a cycle of waits, and nothing moved for this long */
#define STUCK_MS 10000      /* no cycle, yet nothing moved: give up (see below) */
#define CHILD_SECONDS 30    /* the longest an orphaned child lives */

static const char lock_name[2] = {'A', 'B'};

/* A thread's steps, in order; the parent is told of each. */
typedef enum {
    STARTED, WANTS_FIRST, HOLDS_FIRST, WANTS_SECOND, HOLDS_BOTH, DONE
} step_t;

typedef struct {
    int id;            /* 1 or 2 */
    int first, second; /* indexes into locks[], in the order it takes them */
    int together;      /* round 2: meet the other thread before the second lock */
    step_t step;       /* guarded by state_lock */
} worker_t;

/* What a thread sends the parent: one write each, so never torn. */
typedef struct {
    unsigned char together, thread, step;
} record_t;

/* In the child: the two locks the threads fight over, and their states. */
static pthread_mutex_t locks[2] = {PTHREAD_MUTEX_INITIALIZER,
                                   PTHREAD_MUTEX_INITIALIZER};
static worker_t workers[NTHREADS];
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER; /* guards .step */
static pthread_cond_t state_changed = PTHREAD_COND_INITIALIZER;
static int report_fd = -1; /* the child's end of the pipe to the parent */

/* In the parent: a SIGINT or SIGTERM handler writes the signal here, so
 * the wait for the child sees it at once (the self-pipe trick). */
static int stop_pipe[2] = {-1, -1};

/* Records me's new step and tells the other thread and the parent. */
static void announce(worker_t *me, step_t step)
{
    record_t rec = {(unsigned char)me->together, (unsigned char)me->id,
                    (unsigned char)step};

    Pthread_mutex_lock(&state_lock);
    me->step = step;
    if (write(report_fd, &rec, sizeof(rec)) != (ssize_t)sizeof(rec))
        _exit(1); /* the parent is gone: nobody to report to */
    pthread_cond_broadcast(&state_changed);
    Pthread_mutex_unlock(&state_lock);
}

/*
 * True once the other thread cannot overtake me: it holds its own first
 * lock, or it waits for the lock I hold. Unfixed, that means each holds
 * one lock: the deadlock, for certain. Fixed, both want A first, so the
 * other waits behind me. Called with state_lock held.
 */
static int settled(const worker_t *me, const worker_t *other)
{
    return other->step >= HOLDS_FIRST ||
           (other->step == WANTS_FIRST && other->first == me->first);
}

static void meet(worker_t *me)
{
    worker_t *other = &workers[2 - me->id];

    trace_blocked("meet: waits until the other has settled");
    Pthread_mutex_lock(&state_lock);
    while (!settled(me, other))
        pthread_cond_wait(&state_changed, &state_lock);
    Pthread_mutex_unlock(&state_lock);
    trace_unblocked();
}

/* Pthread_mutex_lock(&locks[k]), and in the trace (trace.h) the wait for
 * the lock, then the time it is held, until unlock(k). */
static void lock(int k)
{
    trace_blocked(k == 0 ? "waits for lock A" : "waits for lock B");
    Pthread_mutex_lock(&locks[k]);
    trace_unblocked();
    trace_begin(k == 0 ? "holds lock A" : "holds lock B");
}

static void unlock(int k)
{
    Pthread_mutex_unlock(&locks[k]);
    trace_end();
}

/* A thread: take both locks, in this thread's order, then let go. */
static void *worker(void *vargp)
{
    worker_t *me = vargp;

    trace_thread("thread %d, %s", me->id,
                 me->together ? "at the same time" : "one after the other");
    announce(me, WANTS_FIRST);
    lock(me->first);
    announce(me, HOLDS_FIRST);
    if (me->together)
        meet(me);
    announce(me, WANTS_SECOND);
    lock(me->second); /* unfixed, round 2: never returns */
    announce(me, HOLDS_BOTH);
    unlock(me->second);
    unlock(me->first);
    announce(me, DONE);
    return NULL;
}

/* One trial, in a fresh child process; ends it with status 0. */
static void child_main(int fd)
{
    pthread_t tid[NTHREADS];

    Signal(SIGINT, SIG_DFL); /* the parent's handlers are not for us */
    Signal(SIGTERM, SIG_DFL);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    alarm(CHILD_SECONDS);
    trace_process("trial's child");
    report_fd = fd;
    /* Round 1, one after the other: no overlap, no deadlock. */
    for (int t = 0; t < NTHREADS; t++) {
        Pthread_create(&tid[t], NULL, worker, &workers[t]);
        Pthread_join(tid[t], NULL);
    }
    /* Round 2, at the same time. No thread runs yet: no lock needed. */
    for (int t = 0; t < NTHREADS; t++) {
        workers[t].step = STARTED;
        workers[t].together = 1;
    }
    for (int t = 0; t < NTHREADS; t++)
        Pthread_create(&tid[t], NULL, worker, &workers[t]);
    for (int t = 0; t < NTHREADS; t++)
        Pthread_join(tid[t], NULL);
    _exit(0); /* not exit: the parent's stdio buffers are not ours to flush */
}

/* ---- The parent: watching a trial ---- */

/* What the parent knows of a trial, from the records. */
typedef struct {
    step_t step[NTHREADS]; /* round 2's latest steps */
    int done_apart;        /* threads that finished round 1 */
    int waiter;            /* a thread of round 2 that waited for a lock the
                              other held (index), or -1 */
    int waited_lock;
    int still_ms;          /* how long nothing moved before the kill, or 0 */
} watch_t;

static int waits_for(const watch_t *w, int t)
{
    if (w->step[t] == WANTS_FIRST)
        return workers[t].first;
    return w->step[t] == WANTS_SECOND ? workers[t].second : -1;
}

/* The thread holding lock, or -1. */
static int holder(const watch_t *w, int lock)
{
    for (int t = 0; t < NTHREADS; t++) {
        step_t s = w->step[t];
        if ((s >= HOLDS_FIRST && s < DONE && workers[t].first == lock) ||
            (s == HOLDS_BOTH && workers[t].second == lock))
            return t;
    }
    return -1;
}

/* True when each thread waits for a lock the other holds: the cycle. */
static int in_cycle(const watch_t *w)
{
    for (int t = 0; t < NTHREADS; t++) {
        int lock = waits_for(w, t);
        if (lock < 0 || holder(w, lock) != 1 - t)
            return 0;
    }
    return 1;
}

/* Something went wrong with a trial: no child is left behind. */
static void fail_trial(pid_t pid, const char *why)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fprintf(stderr, "deadlock: %s\n", why);
    exit(1);
}

static void apply(watch_t *w, const record_t *rec, pid_t pid)
{
    int t = rec->thread - 1;

    if (t < 0 || t >= NTHREADS || rec->step > DONE)
        fail_trial(pid, "a garbled report from the child");
    if (!rec->together) {
        w->done_apart += rec->step == DONE;
        return;
    }
    w->step[t] = (step_t)rec->step;
    /* Either thread may be the one now waiting: both may have asked for
     * lock A before one of them got it. */
    for (int u = 0; u < NTHREADS && w->waiter < 0; u++) {
        int lock = waits_for(w, u);
        if (lock >= 0 && holder(w, lock) == 1 - u) {
            w->waiter = u;
            w->waited_lock = lock;
        }
    }
}

/* Kills the child, reaps it, and dies of signo itself. */
static void stop_now(pid_t pid, int signo)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fflush(stdout);
    Signal(signo, SIG_DFL);
    raise(signo);
    exit(128 + signo);
}

/* Waits up to ms for fd to be readable; 0 if it was not in time. */
static int wait_readable(int fd, pid_t pid, int ms)
{
    long long deadline = now_ms() + ms;
    long long left;
    unsigned char signo;

    while ((left = deadline - now_ms()) > 0) {
        struct pollfd fds[2] = {{.fd = fd, .events = POLLIN},
                                {.fd = stop_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, (int)left) < 0 && errno != EINTR)
            fail_trial(pid, "poll failed");
        if (fds[1].revents && read(stop_pipe[0], &signo, 1) == 1)
            stop_now(pid, signo);
        if (fds[0].revents)
            return 1;
    }
    return 0;
}

/*
 * Reads the child's records until it ends (returns 0) or nothing moves
 * for CONFIRM_MS in a cycle of waits, STUCK_MS otherwise (returns 1).
 * A cycle is proof: no thread in it can ever move again, and CONFIRM_MS
 * only shows it. Without one, a pause means something slows the child
 * down, such as ThreadSanitizer symbolizing its report (seconds, on a
 * busy machine): killing the child then would cut the report short.
 */
static int watch(int fd, pid_t pid, watch_t *w)
{
    record_t rec;

    for (;;) {
        int ms = in_cycle(w) ? CONFIRM_MS : STUCK_MS;
        if (!wait_readable(fd, pid, ms)) {
            w->still_ms = ms;
            return 1;
        }
        ssize_t n = rio_readn(fd, &rec, sizeof(rec));
        if (n == 0)
            return 0;
        if (n != (ssize_t)sizeof(rec))
            fail_trial(pid, "a short read from the child's pipe");
        apply(w, &rec, pid);
    }
}

/* ---- The parent: trials and the report ---- */

/* Runs one trial in a child; returns 1 if it deadlocked. */
static int run_trial(watch_t *w)
{
    int fds[2], status;
    pid_t pid;

    memset(w, 0, sizeof(*w));
    w->waiter = -1;
    if (pipe(fds) < 0)
        unix_error("pipe");
    fflush(stdout); /* or the child could print our buffered lines again */
    if ((pid = Fork()) == 0) {
        close(fds[0]);
        child_main(fds[1]);
    }
    close(fds[1]);
    int stuck = watch(fds[0], pid, w);
    if (stuck)
        trace_mark(in_cycle(w) ? "cycle of waits: kills the child"
                               : "nothing moved: kills the child", pid);
    if (stuck)
        kill(pid, SIGKILL); /* a deadlocked mutex cannot be taken back */
    Waitpid(pid, &status, 0);
    close(fds[0]);
    if (!stuck && !(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                    w->done_apart == NTHREADS && w->step[0] == DONE &&
                    w->step[1] == DONE))
        app_error("deadlock: a trial's child process failed");
    return stuck;
}

/* "  thread 1 holds lock A and waits for lock B", from its last record. */
static void print_thread(const watch_t *w, int t)
{
    int held = 0, lock = waits_for(w, t);

    printf("  thread %d", t + 1);
    for (int k = 0; k < 2; k++)
        if (holder(w, k) == t)
            printf(held++ ? " and lock %c" : " holds lock %c", lock_name[k]);
    printf("%s", held ? "" : " holds no lock");
    if (lock >= 0)
        printf(" and waits for lock %c\n", lock_name[lock]);
    else
        printf(" and waits for no lock\n");
}

/* Reports trial number t if it is among the first few. */
static void report_trial(int t, const watch_t *w, int stuck)
{
    if (t > SHOWN_TRIALS)
        return;
    printf("trial %d: one after the other: both finished; at the same time: ", t);
    if (!stuck) {
        printf("no deadlock, both finished");
        if (w->waiter >= 0)
            printf(" (thread %d waited for lock %c while thread %d held it)",
                   w->waiter + 1, lock_name[w->waited_lock], 2 - w->waiter);
        printf("\n");
        return;
    }
    printf("deadlock, no thread moved for %d ms%s\n", w->still_ms,
           in_cycle(w) ? "" : " (yet no cycle of waits)");
    for (int k = 0; k < NTHREADS; k++)
        print_thread(w, k);
    if (in_cycle(w))
        printf("  cycle: thread 1 -> lock %c -> thread 2 -> lock %c -> thread 1\n",
               lock_name[waits_for(w, 0)], lock_name[waits_for(w, 1)]);
}

static void on_stop(int signo)
{
    trace_signal(signo);
    int saved = errno;
    unsigned char byte = (unsigned char)signo;
    ssize_t n = write(stop_pipe[1], &byte, 1); /* full: one is pending anyway */

    (void)n;
    errno = saved;
}

static void set_order(worker_t *w, int id, int first, int second)
{
    w->id = id;
    w->first = first;
    w->second = second;
}

int main(int argc, char **argv)
{
    int fixed = 0, trials = 1, deadlocks = 0;
    watch_t w;

    help_exit(argc, argv, ARGS);
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--fixed") == 0)
            fixed = 1;
        else if (strcmp(argv[k], "-t") == 0)
            trials = parse_trials("deadlock", ARGS, argv[++k]);
        else
            usage_error("deadlock", ARGS, "unknown argument", argv[k]);
    }
    set_order(&workers[0], 1, 0, 1); /* thread 1: A, then B */
    if (fixed)
        set_order(&workers[1], 2, 0, 1); /* the one global order */
    else
        set_order(&workers[1], 2, 1, 0); /* BUG: B, then A */

    trace_setup("deadlock", "main: watches each trial"); /* ECHO_TRACE */
    if (pipe(stop_pipe) < 0)
        unix_error("pipe");
    set_nonblocking(stop_pipe[1]); /* the handler never blocks */
    Signal(SIGINT, on_stop);
    Signal(SIGTERM, on_stop);

    printf("%s: %d trial%s; thread 1 takes lock A then lock B, thread 2 takes "
           "lock %c then lock %c\n", fixed ? "deadlock --fixed" : "deadlock",
           trials, trials > 1 ? "s" : "", lock_name[workers[1].first],
           lock_name[workers[1].second]);
    for (int t = 1; t <= trials; t++) {
        int stuck = run_trial(&w);
        deadlocks += stuck;
        report_trial(t, &w, stuck);
    }
    report_unshown(trials);
    printf("deadlocks: %d of %d trials\n", deadlocks, trials);
    return 0;
}
