/*
 * g_res.h - what the resources group's two files share: g_res.c (the
 * counts back to idle after clients leave) and g_fdlimit.c (fd-limit-64).
 */
#ifndef G_RES_H
#define G_RES_H

#include "echocheck.h"

#define CLIENTS 50 /* clients that come and go, one after another */
/* Fewer threads than this above idle may be a runtime's own, started
 * under load and kept (a JVM's garbage-collector threads): judged again
 * by whether they grow with more clients (growth_repeats). */
#define RUNTIME_THREADS (CLIENTS / 10)

typedef struct {
    pid_t pid;            /* the instance these were measured on */
    int ok;               /* the clients were served */
    int cause;            /* else the cause their failure showed */
    int threads, fds, maps, stacks;
    int fds_were_back;    /* fds-back passed: each client's was closed */
    long long maps_bytes;
} idle_t;

/* Threads above idle, when there are, are the fault: notes their count
 * and CPU use; returns 1 when so (g_res.c). */
int threads_alive(pid_t pid, int idle, result_t *r);
/* resources/fd-limit-64 (g_fdlimit.c). */
check_fn fd_limit_64;

#endif
