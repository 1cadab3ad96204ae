/*
 * evloop.h - the select() loop that the broken event loops share. Under
 * its default rules it is correct in everything but the read step each of
 * them supplies (rio_copy.c, blocking.c, spin_eof.c), so that echocheck sees only
 * their one defect: echo a client does not take at once waits in a queue
 * of its own (the client is not read meanwhile, as in echo_step.c), so a
 * client that floods without reading delays nobody. The loops whose
 * defect is in that queue (no_backpressure.c, queue_drop.c) change its
 * rules instead, and read with the correct plain step.
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

/* A correct read step: reads what has come, while the rules allow, and
 * echoes all of it. */
int evloop_plain_step(conn_t *c);

/* How the loop treats echo it has not written yet. Done right (what
 * evloop_run uses): high_water 1 (a client is read only while none of
 * its echo waits) and close_at_eof 0 (the queue is written first). */
typedef struct {
    size_t high_water;  /* a client is read while less echo than this waits */
    int close_at_eof;   /* 1: closed as soon as end of file is read */
    int sndbuf;         /* > 0: SO_SNDBUF of each connection */
} evloop_rules_t;

/* Serves clients of listenfd forever, reading each with step. */
void evloop_run(int listenfd, read_step_t *step) __attribute__((noreturn));
/* The same under other rules: broken ones, for one defect in the queue. */
void evloop_run_rules(int listenfd, read_step_t *step,
                      const evloop_rules_t *rules) __attribute__((noreturn));

#endif /* EVLOOP_H */
