/*
 * server.h - what every echo server in the suite shares: the start-up path
 * (arguments, SIGPIPE, listening, the "listening on port N" line), accepting
 * a client with its "Connected to (HOST, PORT)" line, and the echo routine.
 * Each server file then holds only what its concurrency model adds.
 */
#ifndef SERVER_H
#define SERVER_H

#include "csapp.h"

/* The program's name without its directory, for messages: "echoserveri". */
const char *prog_name(const char *argv0);

/* Prints "usage: PROG ARGS" on stderr and exits with status 2. */
void usage_exit(const char *argv0, const char *args);

/*
 * Start-up shared by every server: checks port_arg (0..65535, else exits 2),
 * ignores SIGPIPE, makes stdout line-buffered, listens on every local
 * address (else exits 1 with the system's reason) and prints
 * "PROG: listening on port N" with the real port. Returns listenfd.
 */
int start_server(const char *argv0, const char *port_arg);

/*
 * Accepts one connection and logs "Connected to (HOST, PORT)". Returns
 * the connected descriptor, or -1 when this call yielded none (a client
 * that gave up, a non-blocking listener with nobody waiting, or a
 * connection dropped for lack of descriptors, which is logged). Never
 * exits. Call it from one thread only: it keeps a spare descriptor.
 */
int accept_client(int listenfd);

/* Called after each line echo_lines echoes: the server's hook for logging. */
typedef void line_hook_t(int connfd, size_t n);

/*
 * Echoes every byte from connfd back to it, a line at a time, until the
 * client shuts down its side. A read or write error (a reset, a client
 * gone) logs one line and returns: the caller closes connfd either way.
 * on_line may be NULL. Thread-safe.
 */
void echo_lines(int connfd, line_hook_t *on_line);
void echo(int connfd); /* echo_lines without a hook, as in the book */

#endif /* SERVER_H */
