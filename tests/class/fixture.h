/*
 * fixture.h - what the class run's harmful fixtures (the C files of
 * tests/class) share: an echo server's start, so that echocheck sees
 * them listen, then their first client, after which each does its harm.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include "csapp.h"

/* Listens on argv[1] and waits for the first client (its descriptor);
 * exits 2 on a usage error. */
static int first_client(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <port>\n", argv[0]);
        exit(2);
    }
    int listenfd = Open_listenfd(argv[1]);
    return accept(listenfd, NULL, NULL);
}

#endif /* FIXTURE_H */
