/*
 * stress.h - what the parts of tests/bin/stress (make stress) share:
 *   stress.c         the driver: options, one run per server, the table
 *   stress_client.c  one client: its random payload and its state machine
 *   stress_server.c  the server under test: start, log, idle counts, stop
 * Everything runs in one thread, so the shared state needs no lock.
 */
#ifndef STRESS_H
#define STRESS_H

#include "testlib.h"

#define MAX_REPORTS 10 /* failures described per server; the rest counted */

/* ---- A server to run and how many clients it holds at once ---- */

typedef struct {
    char prog[40];     /* "./echoserveri" */
    char args[3][16];  /* after the port "0" */
    int nargs;
    int concurrent;
    int pool;          /* its children when idle: a preforked pool's size */
} spec_t;

/* What one server's run came to; a row of the table. */
typedef struct {
    int concurrent;
    long clients, resets, leaves, failures;
    unsigned long long sent, verified;
    int alive, idle;
    char idle_note[96];
} tally_t;

/* The current server's tally: the clients count into it. */
extern tally_t *tally;

/* ---- Clients (stress_client.c) ---- */

typedef enum { ECHO, RESET, LEAVE } kind_t;

typedef struct {
    int fd;          /* -1: the slot is free */
    kind_t kind;
    long id;         /* its number in this server's run */
    bytes_t data;    /* what it sends */
    size_t stop;     /* it sends data[0..stop), then (reset, leave) goes */
    size_t sent, got; /* bytes written; bytes of echo received and checked */
    int connected, shut;
    long long progress; /* when it last connected, sent or received */
    long long leave_at; /* reset, leave: not before (leave: at the latest) */
} client_t;

/* Seeds the random mix: one seed replays the same clients. */
void stress_seed(unsigned long long seed);
/* Makes c a new client of a random kind and payload, connecting (without
 * waiting) to the loopback port. On failure it is reported and c->fd < 0. */
void client_start(client_t *c, int port);
/* The poll events c waits for. */
short client_events(const client_t *c);
/* c's turn after poll. Returns 0 to go on, -1 when it is over. */
int client_step(client_t *c, short revents, long long now);
/* Closes c's connection (if open) and frees its slot. */
void client_end(client_t *c);
/* Records a failed client in the tally, described while there are few. */
void report(client_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- The server under test (stress_server.c) ---- */

typedef struct {
    pid_t pid;
    int logfd; /* its stdout and stderr, drained as we go */
    int port;
    char log_tail[4096]; /* the end of its output, for reports */
    size_t log_len;
} server_proc_t;

/* What "idle" is: threads, descriptors and children with no client. */
typedef struct {
    int tasks, fds, children;
} counts_t;

/* Starts spec's server and reads its port within 5 s; -1 (said why) if not. */
int server_spawn(server_proc_t *s, const spec_t *spec);
/* SIGTERM, then SIGKILL after 2 s; closes its log. */
void server_kill(server_proc_t *s);
/* Reads what the server logged so far; keeps the end of it. */
void drain_log(server_proc_t *s);
/* 1 while the server runs. */
int server_running(server_proc_t *s);
/* 0 while the server runs; else reports its death, counts a failure and
 * returns 1. */
int server_died(server_proc_t *s);
/* One plain client, so that lazy set-up is done before the counts. */
int warm_up(server_proc_t *s);
/* The server's counts once settled after the warm-up client. */
counts_t idle_counts(server_proc_t *s, int pool);
/* Waits (bounded) for the counts to return to idle; *after gets the last
 * ones. Returns 1 if they did. */
int back_to_idle(server_proc_t *s, counts_t idle, counts_t *after);

#endif /* STRESS_H */
