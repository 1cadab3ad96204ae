/*
 * tracecheck.h - reading an ECHO_TRACE file (trace.h) in the tests and
 * checking what any trace must keep: it parses once "]" is added, every
 * pid and tid is named, slices nest on each thread, every arrow has both
 * ends, every connection's life ends once. Built on traceread.h.
 */
#ifndef TRACECHECK_H
#define TRACECHECK_H

#include "traceread.h"
#include "testlib.h"

#include <stddef.h>

/* Reads the trace at path, adds "]" and parses it: 0, or -1 after a
 * failed check that says where the JSON broke. */
int trace_load(const char *path, trace_t *t);

/* Checks every pid has a process_name and every (pid, tid) a thread_name. */
void trace_check_named(const trace_t *t);
/*
 * Checks that on each thread every E closes a B, and each slice lies
 * inside the one open around it. Stores (at most max of) the B events
 * still open at the end in open[], returns how many there are.
 */
size_t trace_open_slices(const trace_t *t, const trace_event_t **open,
                         size_t max);
/* Checks each arrow (bind_id) has one flow_out and one later flow_in,
 * each on a slice; returns how many arrows. */
int trace_check_arrows(const trace_t *t);
/* Checks each connection life's b has one e with the same name after
 * it; returns how many lives were complete, *open gets the others. */
int trace_lives(const trace_t *t, int *open);

/* How many events of phase ph (0: any) are named name (NULL: any). */
int trace_count(const trace_t *t, char ph, const char *name);
/* The bytes of the "line" events of connection conn ("127.0.0.1:4031"),
 * and in *lines how many. */
long trace_line_bytes(const trace_t *t, const char *conn, int *lines);

/* ---- The test's trace file ---- */

#define OPEN_MAX 64 /* open slices trace_load_checked reports */

/* The trace file of the test running now: trace_fresh makes a new name
 * (no file there yet); each test removes its file when it passes. */
extern char trace_path[64];
const char *trace_fresh(void);
/* Loads trace_path and runs the checks every trace must pass (named,
 * nested, arrows); *nopen and left[] (OPEN_MAX) get the slices left open. */
int trace_load_checked(trace_t *t, const trace_event_t **left, size_t *nopen);
/* Runs argv to its end, tracing to a fresh trace_path; checks status 0. */
void trace_run(char *const argv[], int timeout_ms, run_result_t *r);
/* The tid of the thread named name in pid (-1: any pid), or -1. */
long trace_tid_named(const trace_t *t, long pid, const char *name);
/* How many events on thread tid have phase ph and name. */
int trace_count_on(const trace_t *t, long tid, char ph, const char *name);

#endif /* TRACECHECK_H */
