/*
 * class_watch.c - a class run's watch on what a submission's server does
 * to the machine, by its session (each child of the run has its own, and
 * the servers a child echocheck starts stay in it): a group that forks
 * without end, or fills memory, is killed before it harms the other
 * submissions checked beside it, and the reason is kept for the report.
 * Linux shows sessions in /proc; elsewhere only the leader's group is
 * killed and the limits of instance.c (processes, address space) remain.
 */
#include "class.h"

#include <dirent.h>

/* A server group above these is stopped: far above what any check asks
 * for (100 clients: 101 processes; a few MiB each), far below what hurts
 * a machine, and below isolation's caps (256 tasks, a 4 GiB cgroup: see
 * isolate.c), which would stop a bomb before it was seen, and unnamed. */
#define MAX_GROUP_PROCS 200
#define MAX_GROUP_MIB 2048

#ifdef __linux__
/* Group, session and resident pages of process pid (a /proc name); 0, or
 * -1 when it is gone. */
static int read_stat(const char *pid, long *pgrp, long *sid, long *rss)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%s/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the name may hold anything, ')' too */
    if (p == NULL ||
        sscanf(p + 1, " %*c %*d %ld %ld %*d %*d %*u %*u %*u %*u %*u %*u %*u "
                      "%*d %*d %*d %*d %*d %*d %*u %*u %ld", pgrp, sid, rss) != 3)
        return -1;
    return 0;
}

/* Calls fn for every process of /proc (stopping when it returns 1). */
static void each_process(int (*fn)(const char *pid, void *arg), void *arg)
{
    DIR *d = opendir("/proc");
    struct dirent *e;

    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && fn(e->d_name, arg))
            break;
    if (d)
        closedir(d);
}

static int kill_if_in(const char *pid, void *arg)
{
    long pgrp, sid, rss;

    if (read_stat(pid, &pgrp, &sid, &rss) == 0 && sid == *(long *)arg)
        kill((pid_t)atol(pid), SIGKILL);
    return 0;
}
#endif

void kill_session(pid_t sid)
{
    if (sid <= 0)
        return;
    kill(-sid, SIGKILL); /* the leader's group: what every system allows */
#ifdef __linux__
    long s = (long)sid;
    /* Twice: a process forking as we kill may add one the first pass
     * missed. */
    each_process(kill_if_in, &s);
    each_process(kill_if_in, &s);
#endif
}

#ifdef __linux__
#define MAX_SEEN 64
typedef struct {
    long sid;
    int n;
    long pgrp[MAX_SEEN], procs[MAX_SEEN], pages[MAX_SEEN];
} tally_t;

static int tally_one(const char *pid, void *arg)
{
    tally_t *t = arg;
    long pgrp, sid, rss;

    if (read_stat(pid, &pgrp, &sid, &rss) < 0 || sid != t->sid || pgrp == sid)
        return 0; /* not this session's, or the echocheck itself */
    int i = 0;
    while (i < t->n && t->pgrp[i] != pgrp)
        i++;
    if (i == t->n) {
        if (t->n == MAX_SEEN)
            return 0;
        t->pgrp[t->n] = pgrp, t->procs[t->n] = 0, t->pages[t->n] = 0;
        t->n++;
    }
    t->procs[i]++;
    t->pages[i] += rss;
    return 0;
}
#endif

int watch_session(pid_t sid, char *why, size_t size)
{
#ifdef __linux__
    tally_t t = { .sid = (long)sid };
    long page = sysconf(_SC_PAGESIZE);

    each_process(tally_one, &t);
    for (int i = 0; i < t.n; i++) {
        long mib = t.pages[i] * (page > 0 ? page : 4096) / (1024 * 1024);
        if (t.procs[i] > MAX_GROUP_PROCS)
            snprintf(why, size, "forks without end: %ld processes at once, "
                     "stopped at %d", t.procs[i], MAX_GROUP_PROCS);
        else if (mib > MAX_GROUP_MIB)
            snprintf(why, size, "fills memory: %ld MiB resident, stopped at "
                     "%d MiB", mib, MAX_GROUP_MIB);
        else
            continue;
        kill(-(pid_t)t.pgrp[i], SIGKILL);
        return 1;
    }
#else
    (void)sid, (void)why, (void)size;
#endif
    return 0;
}
