/*
 * perthread.h - the accept loop that the broken thread-per-client servers
 * (sigpipe.c, stdio.c, lingering.c, short_read.c, text_decode.c) share:
 * correct, so that echocheck sees only each one's defect in its thread.
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
/* The whole main of a server with nothing else to set up: one argument,
 * the port (else a usage line, exit 2), the suite's start-up, then
 * serve_per_thread. */
void perthread_main(int argc, char **argv, void *(*serve)(void *))
    __attribute__((noreturn));

#endif /* PERTHREAD_H */
