/*
 * perthread.h - the accept loop that the broken thread-per-client servers
 * (sigpipe.c, stdio.c, lingering.c) share: correct, so that echocheck
 * sees only each one's defect in its thread.
 */
#ifndef PERTHREAD_H
#define PERTHREAD_H

#include "csapp.h"

/*
 * Accepts clients on listenfd forever, each served by a thread of its
 * own running serve with the connected descriptor itself (not an
 * address) as its argument, (void *)(intptr_t)connfd. A thread that
 * cannot be created drops that client only.
 */
void serve_per_thread(int listenfd, void *(*serve)(void *));

#endif /* PERTHREAD_H */
