/*
 * server.h - the start-up path every echo server shares (arguments,
 * SIGPIPE, listening, the "listening on port N" line) and accepting a
 * client with its "Connected to (HOST, PORT)" line. The echo itself is in
 * echo.h (blocking) and echo_step.h (event loops); each server file then
 * holds only what its concurrency model adds.
 */
#ifndef SERVER_H
#define SERVER_H

#include "csapp.h"

/*
 * Start-up shared by every server: checks port_arg (0..65535, else exits 2)
 * and ECHO_WORK_US (work.h; else exits 2), ignores SIGPIPE, makes stdout line-buffered, listens on every local
 * address (else exits 1 with the system's reason) and prints
 * "PROG: listening on port N" with the real port, then the work per line
 * in a line of its own when there is some. Returns listenfd.
 */
int start_server(const char *argv0, const char *port_arg);
/*
 * start_server for an event loop that logs many lines per round: stdout is
 * fully buffered instead, so a round's log leaves in one write. The caller
 * must fflush(stdout) before it waits again, or the log is not "prompt".
 */
int start_server_batched(const char *argv0, const char *port_arg);

/*
 * Accepts one connection and logs "Connected to (HOST, PORT)". Returns
 * the connected descriptor, or -1 when this call yielded none (a client
 * that gave up, a non-blocking listener with nobody waiting, or a
 * connection dropped for lack of descriptors, which is logged). Never
 * exits. Thread-safe: each accepting thread keeps its own spare
 * descriptor, spent only on a client that arrives while none is free.
 */
int accept_client(int listenfd);
/* accept_client, with note added to the end of its "Connected to (HOST,
 * PORT)" line: echoservere names the loop it hands the client to. */
int accept_client_noted(int listenfd, const char *note);

#endif /* SERVER_H */
