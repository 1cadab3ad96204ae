/*
 * work.h - the work a real server does per request, as a knob:
 * ECHO_WORK_US=N in a server's environment makes each line cost N
 * microseconds of CPU before its echo goes out. With no work an echo
 * server is I/O only, and the load generator needs as much CPU as the
 * server; with some, the lecture's multi-core claims show.
 */
#ifndef WORK_H
#define WORK_H

#include <stddef.h>

/* The largest ECHO_WORK_US accepted: one second of CPU per line. */
#define WORK_US_MAX 1000000L

/*
 * Reads ECHO_WORK_US (unset: 0), exits 2 with a one-line error naming a
 * value that is not a whole number from 0 to WORK_US_MAX, and when it is
 * above 0 calibrates the work against this thread's CPU clock (at most
 * about 20 ms). Returns N. Call once, before any thread or fork: what it
 * sets is only read afterwards.
 */
long work_setup(const char *prog);

/*
 * The line's work: N microseconds of CPU computed over its n bytes, when
 * the piece ends a line (its last byte is a newline, or input_ended: the
 * last line had none). Pieces of a longer line cost nothing until the
 * one that ends it. Returns at once when N is 0. Thread-safe.
 */
void work_line(const char *line, size_t n, int input_ended);

#endif /* WORK_H */
