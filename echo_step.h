/*
 * echo_step.h - the non-blocking echo step, for event loops (echoservers,
 * echoservere): one connection's state between rounds, and one bounded
 * step of work on it. The blocking servers use echo.h instead.
 */
#ifndef ECHO_STEP_H
#define ECHO_STEP_H

#include "echo.h" /* line_hook_t */

/*
 * The start of a line still waiting for its newline, and echo the client
 * has not taken yet. Buffers exist only while they hold bytes, so an idle
 * connection costs a few words. The caller owns the descriptor: it makes
 * it non-blocking, watches it, and closes it when a call returns -1.
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
 * A step's working space: a partial line (< MAXLINE bytes), then one
 * read. Too large for a thread's stack (musl gives a thread 128 KiB), so
 * each event loop allocates it once and hands it to every step.
 */
#define ECHO_STEP_SCRATCH (MAXLINE - 1 + ECHO_READ_MAX)

/*
 * One step: a single read (at most ECHO_READ_MAX bytes), then every
 * complete line it finished is handed to on_line (may be NULL) and
 * echoed. A line longer than MAXLINE-1 bytes goes in MAXLINE-1 pieces, as
 * rio_readlineb gives it; at end of file the last unterminated bytes go
 * as a line. Never blocks on a non-blocking fd. Returns 0 to keep the
 * connection, -1 when it is over (the client left and all its echo is
 * out, or an error or no memory for it, which is logged): close it then.
 * scratch is the step's working space, ECHO_STEP_SCRATCH bytes, kept by
 * the caller from one step to the next (not its contents): one per loop.
 */
int echo_step(echo_conn_t *c, char *scratch, line_hook_t *on_line);
/* Writes what pending echo the socket takes now. Returns 0 or -1 as above. */
int echo_flush(echo_conn_t *c);
/* Bytes of echo still waiting for the client to take them. */
size_t echo_pending(const echo_conn_t *c);

#endif /* ECHO_STEP_H */
