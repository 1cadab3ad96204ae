/*
 * eb_cpu.c - CPU seconds: the server's (and its children's) from /proc, so
 * a figure says what each line cost the server, and echobench's own, so a
 * reader sees whether the load generator was the limit. Without /proc
 * (macOS) the server's reads as unknown (-1). Main thread only.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "echobench.h"

/* utime+stime (+cutime+cstime) ticks of pid, and its parent; -1 if unreadable. */
static long long proc_ticks(long pid, bool with_reaped, long *ppid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');   /* the command name may contain spaces */
    long long ut, st, cut, cst;
    if (!p || sscanf(p + 2, "%*c %ld %*s %*s %*s %*s %*s %*s %*s %*s %*s %lld %lld %lld %lld",
                     ppid, &ut, &st, &cut, &cst) != 5)
        return -1;
    return ut + st + (with_reaped ? cut + cst : 0);
}

/*
 * CPU nanoseconds of a single-threaded process from /proc/PID/schedstat; -1 if
 * missing. A child of the process server may use well under one clock tick
 * (10 ms) in a run, so its tick counts in /proc/PID/stat would read 0.
 */
static double proc_ns(long pid)
{
    char path[64];
    double ns = -1;
    snprintf(path, sizeof path, "/proc/%ld/schedstat", pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%lf", &ns) != 1)
            ns = -1;
        fclose(f);
    }
    return ns;
}

/* CPU seconds of the server (all threads), its live children (echoserverp) and reaped ones. */
double server_cpu(pid_t pid)
{
    long ppid;
    long long ticks = proc_ticks((long)pid, true, &ppid);
    if (pid <= 0 || ticks < 0)
        return -1;
    double secs = (double)ticks / (double)sysconf(_SC_CLK_TCK);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        long child = strtol(e->d_name, NULL, 10);
        long long t = child > 0 ? proc_ticks(child, false, &ppid) : -1;
        if (t < 0 || ppid != (long)pid)
            continue;
        double ns = proc_ns(child);
        secs += ns >= 0 ? ns / 1e9 : (double)t / (double)sysconf(_SC_CLK_TCK);
    }
    if (d)
        closedir(d);
    return secs;
}

/* Our own CPU seconds (all threads): near SECONDS per thread means we were the limit. */
double self_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
