/*
 * isolate_cg.c - the servers' cgroup (see isolate_cg.h). RLIMIT_NPROC
 * stops no fork bomb run as root, and RLIMIT_AS counts reservations,
 * not memory: a cgroup caps what is really used, by every process of
 * the submission together. cgroup v2 (one tree) or v1 (a tree per
 * controller: pids and memory), whichever this process sits in.
 */
#include "isolate_cg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MEMORY_MIB 4096 /* a backstop, above a class run's 2 GiB watch */
#define N_TREES 2

typedef struct {
    char base[PATH_MAX]; /* this process's cgroup in the tree; "" if none */
    char dir[PATH_MAX];  /* the servers', once made; "" if none */
    const char *tasks_file, *memory_file; /* NULL: not in this tree */
} tree_t;

/* Written by cg_start and cg_make, before any server is forked. */
static tree_t trees[N_TREES];
static int cap_tasks;

static int has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

void cg_start(int tasks)
{
    char line[PATH_MAX];
    FILE *f = fopen("/proc/self/cgroup", "r");
    int v2 = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;

    cap_tasks = tasks;
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *ctl = strchr(line, ':'), *path = ctl ? strchr(ctl + 1, ':') : NULL;
        if (path == NULL)
            continue;
        *path++ = '\0', ctl++;
        if (v2 && *ctl == '\0') {
            snprintf(trees[0].base, PATH_MAX, "/sys/fs/cgroup%s", path);
            trees[0].tasks_file = "pids.max", trees[0].memory_file = "memory.max";
        } else if (!v2 && has_word(ctl, "pids")) {
            snprintf(trees[0].base, PATH_MAX, "/sys/fs/cgroup/%s%s", ctl, path);
            trees[0].tasks_file = "pids.max";
        } else if (!v2 && has_word(ctl, "memory")) {
            snprintf(trees[1].base, PATH_MAX, "/sys/fs/cgroup/%s%s", ctl, path);
            trees[1].memory_file = "memory.limit_in_bytes";
        }
    }
    if (f)
        fclose(f);
}

static int write_in(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    int fd = open(path, O_WRONLY);
    ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));
    if (fd >= 0)
        close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The cgroups of runs that ended by a signal (echocheck cannot wait for
 * its servers to leave in a signal handler): removed when empty. */
static void remove_stale(const char *base)
{
    DIR *d = opendir(base);
    struct dirent *e;
    char path[PATH_MAX + 300];
    long pid;

    while (d && (e = readdir(d)) != NULL)
        if (sscanf(e->d_name, "echocheck.%ld", &pid) == 1 && pid > 0 &&
            kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
            snprintf(path, sizeof(path), "%.*s/%.255s", PATH_MAX - 1, base,
                     e->d_name);
            rmdir(path);
        }
    if (d)
        closedir(d);
}

void cg_make(void)
{
    char text[32];

    for (int i = 0; i < N_TREES; i++) {
        tree_t *t = &trees[i];
        if (t->base[0] == '\0')
            continue;
        remove_stale(t->base);
        char base[PATH_MAX]; /* a copy: t->dir and t->base share trees */
        snprintf(base, sizeof(base), "%.*s", PATH_MAX - 40, t->base);
        snprintf(t->dir, PATH_MAX, "%.*s/echocheck.%ld", PATH_MAX - 40, base,
                 (long)getpid());
        int ok = mkdir(t->dir, 0755) == 0;
        snprintf(text, sizeof(text), "%d\n", cap_tasks);
        if (ok && t->tasks_file)
            ok = write_in(t->dir, t->tasks_file, text) == 0;
        snprintf(text, sizeof(text), "%lld\n", (long long)MEMORY_MIB << 20);
        if (ok && t->memory_file)
            ok = write_in(t->dir, t->memory_file, text) == 0;
        if (!ok) { /* not ours to make, or without the controller */
            rmdir(t->dir);
            t->dir[0] = '\0';
        }
    }
}

void cg_join(void)
{
    for (int i = 0; i < N_TREES; i++)
        if (trees[i].dir[0] && write_in(trees[i].dir, "cgroup.procs", "0") < 0)
            trees[i].dir[0] = '\0'; /* this child's copy: for cg_describe */
}

void cg_remove(void)
{
    struct timespec tick = { 0, 10 * 1000000L };

    for (int i = 0; i < N_TREES; i++) {
        if (trees[i].dir[0] == '\0')
            continue;
        for (int tries = 0; rmdir(trees[i].dir) < 0 && errno == EBUSY &&
                            tries < 100; tries++)
            nanosleep(&tick, NULL); /* the killed are still leaving */
        trees[i].dir[0] = '\0';
    }
}

long cg_oom_kills(void)
{
    for (int i = 0; i < N_TREES; i++) {
        const tree_t *t = &trees[i];
        if (t->dir[0] == '\0' || t->memory_file == NULL)
            continue;
        char path[PATH_MAX + 64], line[128];
        int v2 = strcmp(t->memory_file, "memory.max") == 0;
        snprintf(path, sizeof(path), "%s/%s", t->dir,
                 v2 ? "memory.events" : "memory.oom_control");
        FILE *f = fopen(path, "r");
        long n = -1;
        while (f && n < 0 && fgets(line, sizeof(line), f))
            if (sscanf(line, "oom_kill %ld", &n) != 1)
                n = -1;
        if (f)
            fclose(f);
        return n;
    }
    return -1;
}

void cg_describe(char *buf, size_t size)
{
    int tasks = 0, memory = 0;

    for (int i = 0; i < N_TREES; i++) {
        tasks |= trees[i].dir[0] && trees[i].tasks_file;
        memory |= trees[i].dir[0] && trees[i].memory_file;
    }
    buf[0] = '\0';
    if (tasks && memory)
        snprintf(buf, size, "; cgroup: %d tasks, %d MiB", cap_tasks, MEMORY_MIB);
    else if (tasks || memory)
        snprintf(buf, size, "; cgroup: %s", tasks ? "tasks" : "memory");
}
