/*
 * isolate.h - the server under check, shut in (isolate.c, Linux): its
 * own network namespace with loopback only (echocheck's clients live
 * there too), its own PID namespace (a small init of ours is pid 1, the
 * server pid 2, so SIGTERM reaches it as outside), its own mount
 * namespace (everything read-only but its folder and a private /tmp),
 * an unused uid when echocheck runs as root, no new privileges, and
 * where cgroups are writable a cap on its tasks and memory.
 * Elsewhere (refused, or not Linux) one line says so and the process
 * group and limits of instance.c are all there is.
 */
#ifndef ISOLATE_H
#define ISOLATE_H

#include <stddef.h>
#include <sys/types.h>

enum { ISO_AUTO = 0, ISO_REQUIRED = 1, ISO_OFF = -1 };

typedef struct {
    int on;               /* 1: namespaces in use */
    char why[240];        /* on: what is shut; off: the reason */
    uid_t uid;            /* the server's uid */
    gid_t gid;
} isolation_t;

/* The server's tasks under isolation (threads count too): its
 * RLIMIT_NPROC, which counts the unused uid's tasks, or in the user
 * namespace of a user not root, its own; and its cgroup's task cap. */
#define ISO_SERVER_TASKS 256

/* Written once by isolate_start, before any thread; read-only after. */
extern isolation_t isolation;

/* Decides the mode and, when on, moves echocheck itself into a network
 * namespace of its own (needs one thread: call it first). cmd is the
 * server's command (its files stay readable inside). want: ISO_*.
 * Returns 0; -1 when want is ISO_REQUIRED and isolation cannot be had
 * (isolation.why says why). */
int isolate_start(int want, char *const cmd[]);

/* The same probe, in a child, without entering anything (a class run
 * asks before it starts its children): 0, or -1 with why. */
int isolate_probe(char *const cmd[], char *why, size_t size);

/* The line the report prints: "isolation: on (...)" or "off (...)". */
const char *isolation_line(void);

/* fork, but into the servers' PID namespace when isolated: the child
 * runs child(arg), which must not return (exec or _exit; only
 * async-signal-safe calls); the parent gets the pid, or -1 and errno. */
pid_t iso_fork(void (*child)(void *), void *arg);

/* In the forked server, before exec (async-signal-safe): its mounts,
 * cgroup, uid and no_new_privs. On failure it says why on fd 2 and
 * _exits 126. A no-op when off. */
void iso_child(void);

/* Ends the servers' namespace (all in it die) and its cgroup; at exit. */
void iso_end(void);

/* For a class run's build: runs argv isolated as a server would be (its
 * folder: the current one), waits, returns its wait status, or -1. */
int iso_run(char *const argv[]);

#endif
