/*
 * children.h - the table of child processes kept by the servers that fork
 * (echoserverp: a child per client; echoserverp_pre: a pool of workers),
 * so that none is left behind: SIGCHLD reaps every child that exits (no
 * zombie stays), and SIGINT or SIGTERM to the server first sends SIGTERM
 * to every child, then ends the server as the signal would have.
 * For one-threaded programs: the handlers and main share the table, and
 * main touches it only with the three signals blocked.
 */
#ifndef CHILDREN_H
#define CHILDREN_H

#include "csapp.h"

/* Installs the SIGCHLD, SIGINT and SIGTERM handlers. Call once, in main. */
void children_init(void);

/*
 * fork, with the child recorded in the table before any handler can see
 * it exit. In the child (which gets 0), the three signals are back to
 * their default actions and unblocked: the handlers are the parent's
 * business. Returns -1 with errno set when fork fails, or with ENOMEM when
 * the table cannot grow; nothing was started then. Never exits.
 */
pid_t children_fork(void);

/*
 * Blocks SIGCHLD, SIGINT and SIGTERM; *old gets the mask from before, for
 * sigsuspend(old): a server that waits for its children to change
 * checks them with the signals blocked, then sleeps and unblocks at once,
 * so that no SIGCHLD slips in between (CS:APP3e section 8.5.7).
 */
void children_block(sigset_t *old);

/* The children alive and not yet reaped. Call with the signals blocked. */
size_t children_count(void);

#endif /* CHILDREN_H */
