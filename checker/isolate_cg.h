/*
 * isolate_cg.h - a cgroup for the servers of one run, capping their
 * tasks and memory, where the system lets echocheck make one (root, or a
 * delegated cgroup v2). Elsewhere these do nothing: RLIMIT_NPROC and
 * RLIMIT_AS remain the caps.
 */
#ifndef ISOLATE_CG_H
#define ISOLATE_CG_H

#include <stddef.h>

/* Finds where this process's cgroups are; tasks: the cap to set. */
void cg_start(int tasks);
/* Makes the cgroup and sets its caps; nothing when it cannot. */
void cg_make(void);
/* In a forked child (async-signal-safe): moves it into the cgroup. */
void cg_join(void);
/* Removes the cgroup once its processes are gone (waits up to 1 s). */
void cg_remove(void);
/* "; cgroup: 256 tasks, 4096 MiB", or "" without one. */
void cg_describe(char *buf, size_t size);
/* How many times the kernel has killed a process of the cgroup for
 * memory so far (its memory.events or memory.oom_control); -1 without a
 * memory cap or a kernel that counts. */
long cg_oom_kills(void);

#endif
