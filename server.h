/*
 * server.h - what every echo server in the suite shares: the start-up path
 * (arguments, SIGPIPE, listening, the "listening on port N" line), accepting
 * a client with its "Connected to (HOST, PORT)" line, the echo routine,
 * and the batched log of the worker pools.
 * Each server file then holds only what its concurrency model adds.
 */
#ifndef SERVER_H
#define SERVER_H

#include "csapp.h"

#include <limits.h> /* PIPE_BUF */

/* The program's name without its directory, for messages: "echoserveri". */
const char *prog_name(const char *argv0);

/* Prints "usage: PROG ARGS" on stderr and exits with status 2. */
void usage_exit(const char *argv0, const char *args);

/*
 * Parses a count argument (a pool or loop size) for `what` from s: a whole
 * number from 1 to max, else prints one line naming the bad value and
 * exits with status 2. Start-up only.
 */
size_t parse_count_arg(const char *argv0, const char *what, const char *s,
                       long max);

/*
 * Start-up shared by every server: checks port_arg (0..65535, else exits 2),
 * ignores SIGPIPE, makes stdout line-buffered, listens on every local
 * address (else exits 1 with the system's reason) and prints
 * "PROG: listening on port N" with the real port. Returns listenfd.
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

/* Called for each line read, before its echo goes out: a server's log. */
typedef void line_hook_t(int connfd, size_t n);
/* Called once a batch of lines has been echoed (or the echo failed),
 * before echo_lines waits for more input or reports the failure: where
 * the log of those lines must reach stdout. */
typedef void sent_hook_t(int connfd);

/*
 * Echoes every byte from connfd back to it, a line at a time, until the
 * client shuts down its side. A read or write error (a reset, a client
 * gone) logs one line and returns: the caller closes connfd either way.
 * Either hook may be NULL. Thread-safe.
 */
void echo_lines(int connfd, line_hook_t *on_line, sent_hook_t *on_sent);
void echo(int connfd); /* echo_lines without hooks, as in the book */

/*
 * A worker's log lines not yet written, for the pools whose workers log
 * every line but write once per batch (from echo_lines' sent hook). At
 * most PIPE_BUF bytes, so that one write of it is never split by another
 * thread's or process's output when stdout is a pipe. A batch belongs to
 * one thread: no lock.
 */
typedef struct {
    char text[PIPE_BUF];
    size_t len;
} log_batch_t;

#define LOG_LINE_MAX 128 /* the longest line a server adds to a batch */

/* Appends one log line (at most LOG_LINE_MAX bytes), first writing the
 * batch out if the line might not fit. */
void log_batch_add(log_batch_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Writes the batch to stdout in one write(2) and empties it. A failed
 * write loses log lines, never a client. */
void log_batch_write(log_batch_t *b);

/*
 * ---- The non-blocking echo step, for event loops (echoservers.c) ----
 * One connection's state between rounds: the start of a line still waiting
 * for its newline, and echo the client has not taken yet. Buffers exist
 * only while they hold bytes, so an idle connection costs a few words.
 * The caller owns the descriptor: it makes it non-blocking, watches it,
 * and closes it when a call returns -1.
 */
typedef struct {
    int fd;
    char *in;      /* partial line (< MAXLINE-1 bytes), NULL when none */
    size_t inlen;
    char *out;     /* echo not yet written: out[outpos..outlen) */
    size_t outpos, outlen, outcap;
    int eof;       /* the client shut down its sending side */
} echo_conn_t;

void echo_conn_init(echo_conn_t *c, int fd);
void echo_conn_free(echo_conn_t *c); /* frees buffers; does not close fd */

/*
 * A step reads at most this much: bounded, so one client cannot monopolize
 * the loop, yet large, so a streaming client costs few rounds (64 KiB
 * reads reached ~1 GB/s on loopback, 256 KiB ~2 GB/s).
 */
#define ECHO_READ_MAX (256 * 1024)

/*
 * One step: a single read (at most ECHO_READ_MAX bytes), then every complete line it finished is handed to
 * on_line (may be NULL) and echoed. A line longer than MAXLINE-1 bytes goes
 * in MAXLINE-1 pieces, as rio_readlineb gives it; at end of file the last
 * unterminated bytes go as a line. Never blocks on a non-blocking fd.
 * Returns 0 to keep the connection, -1 when it is over (the client left and
 * all its echo is out, or an error, which is logged): close it then.
 */
int echo_step(echo_conn_t *c, line_hook_t *on_line);
/* Writes what pending echo the socket takes now. Returns 0 or -1 as above. */
int echo_flush(echo_conn_t *c);
/* Bytes of echo still waiting for the client to take them. */
size_t echo_pending(const echo_conn_t *c);

#endif /* SERVER_H */
