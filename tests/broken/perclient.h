/*
 * perclient.h - the correct thread per client that the broken servers
 * with a defect in their echo loop share (short_read.c, text_decode.c):
 * the suite's start-up and accept, a detached thread per
 * client with its own descriptor, a failed pthread_create dropping that
 * client only. Each supplies what a thread does with its client.
 */
#ifndef PERCLIENT_H
#define PERCLIENT_H

#include "csapp.h"

/* Serves one client; the caller closes connfd after it returns. */
typedef void serve_fn(int connfd);

/* Checks argv (one port), listens and serves every client with serve in
 * a thread of its own, forever. */
void serve_each_client(int argc, char **argv, serve_fn *serve)
    __attribute__((noreturn));

#endif /* PERCLIENT_H */
