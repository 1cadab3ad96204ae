/*
 * usage.c - what the server's process group costs, from /proc: its CPU
 * time (utime + stime of /proc/PID/stat and of each thread's
 * /proc/PID/task/TID/stat), so that load elsewhere on the machine does
 * not count (and, where schedstat shows it, the time each thread was
 * ready to run: a spinning thread is, all along, however little of a
 * busy machine it gets), and its memory as PSS (/proc/PID/smaps_rollup), so that
 * pages a forked child shares with its parent count once in all.
 * Elsewhere both are unknown and the checks that need them are skipped.
 */
#include "echocheck.h"

#include <dirent.h>

#define GROUP_MAX 512 /* processes of one group we look at */

int have_pss(void)
{
    return have_procfs() && access("/proc/self/smaps_rollup", R_OK) == 0;
}

/* The Pss: line of one process's smaps_rollup, in KiB; -1 unknown. */
static long long pss_kib(pid_t pid)
{
    char path[64], line[256];
    long long kib = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (kib < 0 && fgets(line, sizeof(line), f))
        if (sscanf(line, "Pss: %lld kB", &kib) != 1)
            kib = -1;
    fclose(f);
    return kib;
}

long long group_pss_kib(pid_t pgid)
{
    pid_t pids[GROUP_MAX];
    int n = have_pss() ? group_pids(pgid, pids, GROUP_MAX) : -1;
    long long sum = 0;

    for (int i = 0; i < n; i++) {
        long long one = pss_kib(pids[i]);
        sum += one > 0 ? one : 0; /* one that ended meanwhile holds none */
    }
    return n > 0 ? sum : -1;
}

/* A stat file's name and utime + stime; 0, or -1 when unreadable. */
static int read_ticks(const char *path, char name[16], long long *ticks)
{
    char buf[512];
    FILE *f = fopen(path, "r");

    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *open = strchr(buf, '('), *close = strrchr(buf, ')');
    unsigned long long ut, st;
    if (open == NULL || close == NULL || close < open ||
        sscanf(close + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
               "%llu", &ut, &st) != 2)
        return -1;
    int len = (int)(close - open - 1) < 15 ? (int)(close - open - 1) : 15;
    snprintf(name, 16, "%.*s", len, open + 1);
    *ticks = (long long)(ut + st);
    return 0;
}

/* A thread's time on a core plus waiting for one, in ns; -1 unknown. */
static long long read_ready(pid_t pid, pid_t tid)
{
    char path[96];
    unsigned long long run, wait;
    FILE *f;
    int got;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid,
             (int)tid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    got = fscanf(f, "%llu %llu", &run, &wait);
    fclose(f);
    return got == 2 ? (long long)(run + wait) : -1;
}

/* Adds one entry (tid 0: the whole process) to s. */
static void add_task(cpu_sample_t *s, pid_t pid, pid_t tid, const char *path)
{
    cpu_task_t *t = &s->t[s->n];

    if (s->n < CPU_TASKS && read_ticks(path, t->name, &t->ticks) == 0) {
        t->pid = pid;
        t->tid = tid;
        t->ready_ns = tid != 0 ? read_ready(pid, tid) : -1;
        s->n++;
    }
}

/* The process and each of its threads. */
static void add_process(cpu_sample_t *s, pid_t pid)
{
    char path[96];
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    add_task(s, pid, 0, path);
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if ((d = opendir(path)) == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        int tid = atoi(e->d_name);
        char stat[96];
        snprintf(stat, sizeof(stat), "/proc/%d/task/%d/stat", (int)pid, tid);
        if (tid > 0)
            add_task(s, pid, (pid_t)tid, stat);
    }
    closedir(d);
}

int cpu_sample(pid_t pgid, cpu_sample_t *s)
{
    pid_t pids[GROUP_MAX];
    int n = group_pids(pgid, pids, GROUP_MAX);

    s->n = 0;
    s->at_ms = now_ms();
    for (int i = 0; i < n; i++)
        add_process(s, pids[i]);
    return n > 0 ? 0 : -1;
}

/* a's entry for b's entry i, or NULL when a lacks it. */
static const cpu_task_t *before(const cpu_sample_t *a, const cpu_sample_t *b,
                                int i)
{
    for (int j = 0; j < a->n; j++)
        if (a->t[j].pid == b->t[i].pid && a->t[j].tid == b->t[i].tid)
            return &a->t[j];
    return NULL;
}

/* The ticks of b's entry i since a (all of them when a lacks it). */
static long long ticks_since(const cpu_sample_t *a, const cpu_sample_t *b,
                             int i)
{
    const cpu_task_t *t = before(a, b, i);
    return b->t[i].ticks - (t ? t->ticks : 0);
}

/* The percent of the time between a and b that b's thread i was ready
 * to run; -1 when not shown. */
static double ready_of(const cpu_sample_t *a, const cpu_sample_t *b, int i)
{
    const cpu_task_t *t = before(a, b, i);
    long long took = b->at_ms - a->at_ms;

    if (t == NULL || t->ready_ns < 0 || b->t[i].ready_ns < 0 || took <= 0)
        return -1;
    double pct = (double)(b->t[i].ready_ns - t->ready_ns) / 1e4 / (double)took;
    return pct < 100 ? pct : 100; /* the two reads are not at one instant */
}

double ready_percent(const cpu_sample_t *a, const cpu_sample_t *b)
{
    double most = -1;

    for (int i = 0; i < b->n; i++)
        if (b->t[i].tid != 0 && ready_of(a, b, i) > most)
            most = ready_of(a, b, i);
    return most;
}

/* Ticks as percent of one core over the time between a and b. */
static double percent(long long ticks, const cpu_sample_t *a,
                      const cpu_sample_t *b)
{
    long long took = b->at_ms - a->at_ms;
    double secs = (double)ticks / (double)sysconf(_SC_CLK_TCK);

    return took > 0 ? 100.0 * secs * 1000.0 / (double)took : 0.0;
}

double cpu_percent(const cpu_sample_t *a, const cpu_sample_t *b)
{
    long long ticks = 0;

    for (int i = 0; i < b->n; i++)
        if (b->t[i].tid == 0)
            ticks += ticks_since(a, b, i);
    return percent(ticks, a, b);
}

/* 1 when b's thread i ran between a and b, or wanted to. */
static int ran(const cpu_sample_t *a, const cpu_sample_t *b, int i)
{
    return ticks_since(a, b, i) > 0 || ready_of(a, b, i) >= 1.0;
}

/* Which threads shown: the busiest first, up to 4. */
#define BUSY_SHOWN 4

void note_busy(result_t *r, const cpu_sample_t *a, const cpu_sample_t *b)
{
    int shown[BUSY_SHOWN], n = 0, busy = 0, threads = 0;
    long long rest = 0;

    for (int i = 0; i < b->n; i++)
        threads += b->t[i].tid != 0;
    for (; n < BUSY_SHOWN; n++) { /* selection of the busiest, in order */
        int best = -1;
        for (int i = 0; i < b->n; i++) {
            int taken = 0;
            for (int k = 0; k < n; k++)
                taken |= shown[k] == i;
            if (!taken && b->t[i].tid != 0 && ran(a, b, i) &&
                (best < 0 || ticks_since(a, b, i) > ticks_since(a, b, best)))
                best = i;
        }
        if (best < 0)
            break;
        shown[n] = best;
    }
    for (int i = 0; i < b->n; i++)
        if (b->t[i].tid != 0 && ran(a, b, i))
            busy++, rest += ticks_since(a, b, i);
    for (int k = 0; k < n; k++) {
        const cpu_task_t *t = &b->t[shown[k]];
        rest -= ticks_since(a, b, shown[k]);
        double pct = percent(ticks_since(a, b, shown[k]), a, b);
        double ready = ready_of(a, b, shown[k]);
        char who[80], also[64] = "";
        if (t->tid == t->pid)
            snprintf(who, sizeof(who), "process %d (%s), its first thread",
                     (int)t->pid, t->name);
        else
            snprintf(who, sizeof(who), "thread %d (%s) of process %d",
                     (int)t->tid, t->name, (int)t->pid);
        if (ready >= 0)
            snprintf(also, sizeof(also), ", ready to run %.0f%% of the time",
                     ready);
        note(r, "busy: %s, alive, using %.0f%% of a core%s", who, pct, also);
    }
    if (busy > n)
        note(r, "busy: %d more threads, using %.0f%% of a core together",
             busy - n, percent(rest, a, b));
    note(r, "%d of its %d threads ran in those %lld ms", busy, threads,
         b->at_ms - a->at_ms);
}

double cpu_over(pid_t pgid, int millis, cpu_sample_t *a, cpu_sample_t *b)
{
    if (cpu_sample(pgid, a) < 0)
        return -1;
    nap(millis);
    if (cpu_sample(pgid, b) < 0)
        return -1;
    return cpu_percent(a, b);
}
