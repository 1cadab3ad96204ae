/*
 * evloop.h - the select() loop that the two broken event loops
 * (rio_copy.c, blocking.c) share. It is correct in everything but the
 * read step each of them supplies, so that echocheck sees only their one
 * defect: echo a client does not take at once waits in a queue of its
 * own (the client is not read meanwhile, as in echo_step.c), so a client
 * that floods without reading delays nobody.
 */
#ifndef EVLOOP_H
#define EVLOOP_H

#include "csapp.h"

typedef struct {
    int fd;                    /* -1: a free slot */
    rio_t *rio;                /* the connection's read buffer */
    char *out;                 /* echo not taken yet: out[outpos..outlen) */
    size_t outpos, outlen;
    int eof;                   /* the client shut down its sending side */
    int held;                  /* the step read nothing: retry in 10 ms */
} conn_t;

/*
 * Reads what it can from c and queues the echo with conn_echo. Returns
 * 1 to go on, 0 when it would rather wait for more bytes (the loop
 * offers it another step 10 ms later), -1 to close the connection.
 */
typedef int read_step_t(conn_t *c);

/* Queues n bytes of echo, writing what the socket takes now; -1 when
 * the connection failed. */
int conn_echo(conn_t *c, const char *data, size_t n);

/* Serves clients of listenfd forever, reading each with step. */
void evloop_run(int listenfd, read_step_t *step) __attribute__((noreturn));

#endif /* EVLOOP_H */
