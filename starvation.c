/*
 * starvation.c - WARNING: buggy on purpose (unless run with --fixed).
 * The lecture's starvation ("people always jump in front of you in
 * line"), made to happen and counted, on the book's first readers-writers
 * solution: readers are preferred. Readers share the data, a writer needs
 * it alone; readcnt counts the readers in, and the first reader in takes
 * w for all of them, the last one out gives it back. The bug is the line
 * marked BUG in reader_enter: a reader who arrives while others read
 * walks straight in, writer waiting or not. Readers that overlap keep
 * readcnt above 0 for ever, and the writer waits for ever. The fix
 * (--fixed): writers are preferred, through a turnstile every thread
 * passes on the way in. A waiting writer holds it, so newly arriving
 * readers queue behind the writer; the readers inside finish, the writer
 * writes, and the readers go on. --pthread runs the same readers and
 * writer on the system's pthread_rwlock_t and reports what it saw: glibc
 * prefers readers by default, musl gives a waiting writer no priority
 * either; no verdict is assumed for it.
 * Model: threads sharing data under semaphores (the book's sem_t, csapp.h).
 * Observe: `./starvation` says the writer waited 200 ms and never wrote
 * while 4 readers read hundreds of times, then `starvations: 1 of 1
 * trials`; `./starvation --fixed -t 100` lets the writer in within a few
 * ms in every trial, and every reader reads again after it.
 * Run: ./starvation [--fixed | --pthread] [-t TRIALS]
 * Book: CS:APP3e section 12.5.4 (Figure 12.26, readers-writers).
 *
 * Each read takes about a millisecond, sleeping rather than spinning, so
 * the outcome does not depend on the number of cores. The writer arrives
 * once every reader has read twice, and the trial's window (WINDOW_MS)
 * starts then. The overlap is forced, as deadlock.c forces its timing: a
 * reader leaves only once the next reader (in a ring) is in, so readcnt
 * never falls to 0 (see handed_on). A reader may also leave once the next
 * one is held up behind the writer: with the fix, that is the turnstile
 * doing its job, and without this exception the ring would wait for ever.
 */
#include "csapp.h"
#include "trace.h"
#include "trials.h"

#include <time.h>

#define ARGS "[--fixed | --pthread] [-t TRIALS]"
#define NREADERS 4
#define READ_US 1000     /* how long a reader reads (and the writer writes) */
#define WINDOW_MS 200    /* a writer not in within this long starved ... */
#define MIN_READS 10     /* ... if readers read this often meanwhile */

typedef enum { BOOK, FIXED, PTHREAD } lock_kind_t;

/* Where a reader is: outside, on its way in, held up on its way in by
 * the writer, or in. */
typedef enum { AWAY, AT_DOOR, HELD_UP, INSIDE } place_t;

typedef struct {
    int id;          /* 0..NREADERS-1: its place in the ring */
    place_t place;   /* guarded by state_lock */
    int reads;       /* guarded by state_lock */
    int after_write; /* reads begun after the write; guarded by state_lock */
    int in_after;    /* its current read began after the write; its own */
} reader_t;

static lock_kind_t kind;

/* The book's solution, and the turnstile of the fix. */
static sem_t mutex; /* guards readcnt */
static sem_t w;     /* held by the writer, or by the readers together */
static sem_t door;  /* --fixed: the turnstile */
static int readcnt;
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER; /* --pthread */

/* What the threads tell each other and main, guarded by state_lock;
 * state_changed is broadcast on every change. */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t state_changed = PTHREAD_COND_INITIALIZER;
static reader_t readers[NREADERS];
static int door_closed;        /* --fixed: the writer holds the turnstile */
static int writes;             /* writes done */
static int stopping;           /* the trial is over: readers leave */
static int wrote_in_time;      /* the writer got in before stopping */
static long long arrived_us;   /* when the writer arrived, or 0 */
static long long waited_us;    /* how long it waited, once in */
static int reads_at_arrival, reads_while_waiting;

static void set_place(reader_t *me, place_t place)
{
    Pthread_mutex_lock(&state_lock);
    me->place = place;
    pthread_cond_broadcast(&state_changed);
    Pthread_mutex_unlock(&state_lock);
}

static int total_reads(void) /* called with state_lock held */
{
    int n = 0;
    for (int k = 0; k < NREADERS; k++)
        n += readers[k].reads;
    return n;
}

static void reader_enter(reader_t *me)
{
    set_place(me, AT_DOOR);
    if (kind == PTHREAD) {
        if (pthread_rwlock_tryrdlock(&rwlock) != 0) {
            set_place(me, HELD_UP); /* this library lets the writer first */
            pthread_rwlock_rdlock(&rwlock);
        }
    } else {
        if (kind == FIXED) { /* wait here while a writer waits */
            P(&door);
            V(&door);
        }
        P(&mutex);
        readcnt++;
        if (readcnt == 1) /* BUG: only the first reader waits for w */
            P(&w);
        V(&mutex);
    }
    Pthread_mutex_lock(&state_lock);
    me->place = INSIDE;
    me->in_after = writes > 0;
    pthread_cond_broadcast(&state_changed);
    Pthread_mutex_unlock(&state_lock);
}

/*
 * True once me may leave without emptying the room: the next reader in
 * the ring is in, or is held up behind the writer. Called with
 * state_lock held.
 */
static int handed_on(const reader_t *me)
{
    const reader_t *next = &readers[(me->id + 1) % NREADERS];

    return next->place == INSIDE || next->place == HELD_UP ||
           (next->place == AT_DOOR && door_closed);
}

static void reader_leave(reader_t *me)
{
    Pthread_mutex_lock(&state_lock);
    while (!stopping && !handed_on(me))
        pthread_cond_wait(&state_changed, &state_lock);
    me->place = AWAY;
    pthread_cond_broadcast(&state_changed);
    Pthread_mutex_unlock(&state_lock);
    if (kind == PTHREAD) {
        pthread_rwlock_unlock(&rwlock);
        return;
    }
    P(&mutex);
    readcnt--;
    if (readcnt == 0) /* the last reader out lets a writer in */
        V(&w);
    V(&mutex);
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, us % 1000000 * 1000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void *reader(void *vargp)
{
    reader_t *me = vargp;

    trace_thread("reader %d", me->id + 1);
    for (;;) {
        Pthread_mutex_lock(&state_lock);
        int stop = stopping;
        Pthread_mutex_unlock(&state_lock);
        if (stop)
            return NULL;
        trace_blocked("reader_enter");
        reader_enter(me);
        trace_unblocked();
        trace_begin("read");
        sleep_us(READ_US); /* reading */
        Pthread_mutex_lock(&state_lock);
        me->reads++;
        me->after_write += me->in_after;
        Pthread_mutex_unlock(&state_lock);
        reader_leave(me); /* waits until the next reader is in */
        trace_end();
    }
}

/* The writer, once in: notes the time, writes, and lets go. */
static void write_once(void)
{
    trace_unblocked(); /* the writer's wait is over */
    Pthread_mutex_lock(&state_lock);
    waited_us = now_us() - arrived_us;
    wrote_in_time = !stopping;
    reads_while_waiting = total_reads() - reads_at_arrival;
    Pthread_mutex_unlock(&state_lock);
    trace_begin("write");
    sleep_us(READ_US); /* writing */
    trace_end();
    Pthread_mutex_lock(&state_lock);
    writes++;
    pthread_cond_broadcast(&state_changed);
    Pthread_mutex_unlock(&state_lock);
}

static void *writer(void *vargp)
{
    (void)vargp;
    trace_thread("writer");
    trace_blocked("writer: waits to write"); /* ends in write_once */
    Pthread_mutex_lock(&state_lock);
    arrived_us = now_us();
    reads_at_arrival = total_reads();
    pthread_cond_broadcast(&state_changed);
    Pthread_mutex_unlock(&state_lock);
    if (kind == PTHREAD) {
        pthread_rwlock_wrlock(&rwlock);
        write_once();
        pthread_rwlock_unlock(&rwlock);
        return NULL;
    }
    if (kind == FIXED) { /* close the door behind the readers inside */
        P(&door);
        Pthread_mutex_lock(&state_lock);
        door_closed = 1;
        pthread_cond_broadcast(&state_changed);
        Pthread_mutex_unlock(&state_lock);
    }
    P(&w);
    write_once();
    if (kind == FIXED) {
        Pthread_mutex_lock(&state_lock);
        door_closed = 0;
        Pthread_mutex_unlock(&state_lock);
        V(&door);
    }
    V(&w);
    return NULL;
}

/* True when the trial is over: the writer wrote and every reader read
 * again since, or the window passed. Called with state_lock held. */
static int trial_over(void)
{
    int all_again = writes > 0;

    for (int k = 0; k < NREADERS; k++)
        all_again = all_again && readers[k].after_write > 0;
    return all_again || now_us() - arrived_us >= (long long)WINDOW_MS * 1000;
}

static int reads_after_write(void) /* once the threads are joined */
{
    int n = 0;
    for (int k = 0; k < NREADERS; k++)
        n += readers[k].after_write;
    return n;
}

static int fewest_reads(void) /* called with state_lock held */
{
    int least = readers[0].reads;
    for (int k = 1; k < NREADERS; k++)
        if (readers[k].reads < least)
            least = readers[k].reads;
    return least;
}

/* Main's part of a trial: the writer comes once every reader read twice;
 * then main watches, a millisecond at a time, until the trial is over. */
static void watch_trial(pthread_t *wtid)
{
    Pthread_mutex_lock(&state_lock);
    while (fewest_reads() < 2)
        pthread_cond_wait(&state_changed, &state_lock);
    Pthread_mutex_unlock(&state_lock);
    Pthread_create(wtid, NULL, writer, NULL);
    for (;;) {
        Pthread_mutex_lock(&state_lock);
        int over = arrived_us > 0 && trial_over();
        if (over) {
            if (writes == 0)
                reads_while_waiting = total_reads() - reads_at_arrival;
            stopping = 1;
            pthread_cond_broadcast(&state_changed);
        }
        Pthread_mutex_unlock(&state_lock);
        if (over)
            return;
        sleep_us(1000);
    }
}

/* Runs one trial; returns 1 if the writer starved. */
static int run_trial(void)
{
    pthread_t tid[NREADERS], wtid;

    Sem_init(&mutex, 0, 1);
    Sem_init(&w, 0, 1);
    Sem_init(&door, 0, 1);
    /* No thread runs yet: no lock needed. */
    readcnt = door_closed = writes = stopping = wrote_in_time = 0;
    arrived_us = waited_us = 0;
    reads_at_arrival = reads_while_waiting = 0;
    for (int k = 0; k < NREADERS; k++) /* each reader reads the next one */
        readers[k] = (reader_t){.id = k, .place = AWAY};
    for (int k = 0; k < NREADERS; k++)
        Pthread_create(&tid[k], NULL, reader, &readers[k]);
    watch_trial(&wtid);
    for (int k = 0; k < NREADERS; k++)
        Pthread_join(tid[k], NULL);
    Pthread_join(wtid, NULL);
    Sem_destroy(&mutex);
    Sem_destroy(&w);
    Sem_destroy(&door);
    return !wrote_in_time && reads_while_waiting >= MIN_READS;
}

/* Reports trial number t if it is among the first few. */
static void report_trial(int t, int starved)
{
    if (t > SHOWN_TRIALS)
        return;
    if (starved)
        printf("trial %d: starved: the writer waited %d ms and never wrote\n", t,
               WINDOW_MS);
    else if (wrote_in_time)
        printf("trial %d: no starvation: the writer wrote after waiting %.1f ms\n",
               t, (double)waited_us / 1000);
    else
        printf("trial %d: no starvation, yet the writer never wrote\n", t);
    printf("  readers: %s, %d reads while the writer waited",
           reads_while_waiting > 0 ? "progressed" : "no progress",
           reads_while_waiting);
    if (wrote_in_time)
        printf(", %d after it wrote", reads_after_write());
    printf("\n  writer: %s, %d write%s\n",
           wrote_in_time ? "progressed" : "no progress", wrote_in_time,
           wrote_in_time == 1 ? "" : "s");
    fflush(stdout); /* seen as it happens, Ctrl-C or not */
}

static const char *title(void)
{
    if (kind == PTHREAD)
        return "starvation --pthread: the same readers and writer on "
               "pthread_rwlock_t";
    if (kind == FIXED)
        return "starvation --fixed: the readers-writers solution that "
               "prefers writers";
    return "starvation: the book's first readers-writers solution "
           "(readers first)";
}

int main(int argc, char **argv)
{
    int trials = 1, starvations = 0, pthread_asked = 0;

    help_exit(argc, argv, ARGS);
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--fixed") == 0)
            kind = FIXED;
        else if (strcmp(argv[k], "--pthread") == 0)
            pthread_asked = 1;
        else if (strcmp(argv[k], "-t") == 0)
            trials = parse_trials("starvation", ARGS, argv[++k]);
        else
            usage_error("starvation", ARGS, "unknown argument", argv[k]);
    }
    if (pthread_asked && kind == FIXED)
        usage_error("starvation", ARGS,
                    "--pthread runs the library's own lock, so it cannot take",
                    "--fixed");
    if (pthread_asked)
        kind = PTHREAD;
    trace_setup("starvation", "main"); /* ECHO_TRACE (trace.h) */
    printf("%s\n  %d reader%s reading %d ms at a time, 1 writer; %d trial%s\n",
           title(), NREADERS, NREADERS > 1 ? "s" : "", READ_US / 1000, trials,
           trials > 1 ? "s" : "");
    for (int t = 1; t <= trials; t++) {
        int starved = run_trial();
        starvations += starved;
        report_trial(t, starved);
    }
    report_unshown(trials);
    if (kind == PTHREAD)
        printf("this C library's pthread_rwlock_t starved the writer in %d of "
               "%d trials\n", starvations, trials);
    printf("starvations: %d of %d trials\n", starvations, trials);
    return 0;
}
