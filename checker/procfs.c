/*
 * procfs.c - what the system shows of the server without talking to it.
 * On Linux, /proc: a LISTEN socket in /proc/net/tcp or tcp6 whose inode
 * one of the group's processes holds (so another program on the same
 * port does not pass for the server), and the counts the resources group
 * compares. Elsewhere readiness is a connect closed at once, and the
 * counts are unknown (-1), so those checks are skipped.
 */
#include "echocheck.h"

#include <dirent.h>
#include <netinet/in.h>
#include <sys/stat.h>

int have_procfs(void)
{
#ifdef __linux__
    return access("/proc/self/fd", R_OK) == 0 &&
           access("/proc/net/tcp", R_OK) == 0;
#else
    return 0;
#endif
}

/* Adds to inodes[] the inodes of LISTEN sockets on port in one table. */
static int listen_inodes(const char *table, int port, unsigned long *inodes,
                         int n, int max)
{
    FILE *f = fopen(table, "r");
    char line[512];

    if (f == NULL)
        return n;
    while (n < max && fgets(line, sizeof(line), f)) {
        char local[128];
        unsigned st, lport;
        unsigned long inode;
        /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
        if (sscanf(line, " %*s %127s %*s %x %*s %*s %*s %*s %*s %lu", local,
                   &st, &inode) != 3)
            continue;
        char *colon = strrchr(local, ':');
        if (colon && sscanf(colon + 1, "%x", &lport) == 1 &&
            (int)lport == port && st == 0x0A)
            inodes[n++] = inode;
    }
    fclose(f);
    return n;
}

/* The process group of pid, from /proc/PID/stat; -1 when gone. */
static pid_t pgrp_of(const char *pid, char *state)
{
    char path[300], buf[512];
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%s/stat", pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the name may hold spaces and parens */
    int ppid, pgrp;
    char st;
    if (p == NULL || sscanf(p + 1, " %c %d %d", &st, &ppid, &pgrp) != 3)
        return -1;
    if (state)
        *state = st;
    return pgrp;
}

/* 1 when process pid holds a socket with one of the inodes. */
static int holds_socket(const char *pid, const unsigned long *inodes, int n)
{
    char path[300], link[64];
    DIR *d;
    struct dirent *e;
    int found = 0;

    snprintf(path, sizeof(path), "/proc/%s/fd", pid);
    if ((d = opendir(path)) == NULL)
        return 0;
    while (!found && (e = readdir(d)) != NULL) {
        char fdpath[600];
        unsigned long inode;
        snprintf(fdpath, sizeof(fdpath), "%s/%s", path, e->d_name);
        ssize_t len = readlink(fdpath, link, sizeof(link) - 1);
        if (len <= 0)
            continue;
        link[len] = '\0';
        if (sscanf(link, "socket:[%lu]", &inode) == 1)
            for (int i = 0; i < n; i++)
                found |= inodes[i] == inode;
    }
    closedir(d);
    return found;
}

/* Calls fn for each process of the system; stops when it returns 1. */
static int each_process(int (*fn)(const char *pid, void *arg), void *arg)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int stopped = 0;

    if (d == NULL)
        return -1;
    while (!stopped && (e = readdir(d)) != NULL)
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
            stopped = fn(e->d_name, arg);
    closedir(d);
    return stopped;
}

typedef struct {
    pid_t pgid;
    const unsigned long *inodes;
    int n;
    int zombies_only;   /* 0: all, 1: zombies only, 2: living only */
    int count;
} group_walk_t;

static int group_holds(const char *pid, void *arg)
{
    group_walk_t *w = arg;
    if (pgrp_of(pid, NULL) != w->pgid || !holds_socket(pid, w->inodes, w->n))
        return 0;
    w->count = atoi(pid); /* the holder */
    return 1;
}

static int connect_closes(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = fd >= 0 && connect(fd, (SA *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

pid_t listening_pid(pid_t pgid, int port)
{
    if (!have_procfs())
        return connect_closes(port) ? pgid : 0;
    unsigned long inodes[64];
    int n = listen_inodes("/proc/net/tcp", port, inodes, 0, 64);
    n = listen_inodes("/proc/net/tcp6", port, inodes, n, 64);
    group_walk_t w = { .pgid = pgid, .inodes = inodes, .n = n };
    if (n > 0 && each_process(group_holds, &w) == 1)
        return (pid_t)w.count;
    return 0;
}

int process_alive(pid_t pid)
{
    char num[24], st = 0;

    if (kill(pid, 0) < 0 && errno != EPERM)
        return 0;
    snprintf(num, sizeof(num), "%d", (int)pid);
    return !have_procfs() || (pgrp_of(num, &st) >= 0 && st != 'Z');
}

int port_taken(int port)
{
    unsigned long inodes[4];

    if (!have_procfs())
        return connect_closes(port);
    return listen_inodes("/proc/net/tcp", port, inodes, 0, 4) +
           listen_inodes("/proc/net/tcp6", port, inodes, 0, 4) > 0;
}

/* Entries of a /proc directory, less . and ..; -1 when unreadable. */
static int count_entries(pid_t pid, const char *what)
{
    char path[64];
    DIR *d;
    int n = 0;

    if (!have_procfs())
        return -1;
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
    if ((d = opendir(path)) == NULL)
        return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

int count_threads(pid_t pid) { return count_entries(pid, "task"); }

int count_fds(pid_t pid) { return count_entries(pid, "fd"); }

/* One line of /proc/PID/maps: its range, permissions, and whether it
 * is anonymous (no file, no [name]). Returns 0, or -1 when unparsable. */
static int parse_map(const char *line, unsigned long long *lo,
                     unsigned long long *hi, char perms[5], int *anon)
{
    unsigned long inode;
    int end = 0;

    if (sscanf(line, "%llx-%llx %4s %*s %*s %lu %n", lo, hi, perms, &inode,
               &end) != 4)
        return -1;
    *anon = inode == 0 && (line[end] == '\0' || line[end] == '\n');
    return 0;
}

int count_maps(pid_t pid, long long *maps_bytes, int *stacks)
{
    char path[64], line[512], perms[5], prev[5] = "";
    unsigned long long lo, hi, prev_hi = 0, prev_size = 0;
    int n = 0, anon, prev_anon = 0;
    FILE *f;

    *maps_bytes = 0;
    *stacks = 0;
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
    if (!have_procfs() || (f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (parse_map(line, &lo, &hi, perms, &anon) < 0)
            continue;
        *maps_bytes += (long long)(hi - lo);
        n++;
        /* A thread's stack: a small inaccessible guard, then the stack
         * right above it (glibc and musl both lay it out so). */
        if (anon && prev_anon && prev_hi == lo && perms[0] == 'r' &&
            perms[1] == 'w' && strcmp(prev, "---p") == 0 && prev_size <= 65536)
            (*stacks)++;
        prev_hi = hi, prev_size = hi - lo, prev_anon = anon;
        memcpy(prev, perms, sizeof(prev));
    }
    fclose(f);
    return n;
}

static int group_member(const char *pid, void *arg)
{
    group_walk_t *w = arg;
    char st = 0;

    if (pgrp_of(pid, &st) == w->pgid &&
        (w->zombies_only == 0 || (w->zombies_only == 1) == (st == 'Z')))
        w->count++;
    return 0;
}

int count_group(pid_t pgid, int zombies_only)
{
    group_walk_t w = { .pgid = pgid, .zombies_only = zombies_only };

    if (!have_procfs() || each_process(group_member, &w) < 0)
        return -1;
    return w.count;
}

typedef struct {
    pid_t pgid;
    pid_t *pids;
    int n, max;
} pid_list_t;

static int list_member(const char *pid, void *arg)
{
    pid_list_t *l = arg;
    char st = 0;

    if (l->n < l->max && pgrp_of(pid, &st) == l->pgid && st != 'Z')
        l->pids[l->n++] = (pid_t)atoi(pid);
    return 0;
}

int group_pids(pid_t pgid, pid_t *pids, int max)
{
    pid_list_t l = { .pgid = pgid, .pids = pids, .max = max };

    if (!have_procfs() || each_process(list_member, &l) < 0)
        return -1;
    return l.n;
}

int count_group_fds(pid_t pgid)
{
    pid_t pids[512];
    int n = group_pids(pgid, pids, 512), total = 0;

    for (int i = 0; i < n; i++) {
        int fds = count_fds(pids[i]);
        total += fds > 0 ? fds : 0;
    }
    return n < 0 ? -1 : total;
}

int group_exists(pid_t pgid)
{
    return kill(-pgid, 0) == 0 || errno == EPERM;
}

static int user_tasks(const char *pid, void *arg)
{
    char path[300];
    struct stat st;

    snprintf(path, sizeof(path), "/proc/%s", pid);
    if (stat(path, &st) == 0 && st.st_uid == getuid()) {
        int n = count_threads((pid_t)atoi(pid));
        *(int *)arg += n > 0 ? n : 1;
    }
    return 0;
}

int count_user_tasks(void)
{
    int n = 0;

    if (!have_procfs() || each_process(user_tasks, &n) < 0)
        return -1;
    return n;
}
