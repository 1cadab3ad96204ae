/*
 * traceread.h - an ECHO_TRACE file (trace.h) read into a list of events:
 * what the trace tests check (tracecheck.h) and what the demo draws
 * (demo/drawstep.c) both start from this one reader. Built on json.h.
 */
#ifndef TRACEREAD_H
#define TRACEREAD_H

#include "json.h"

#include <stddef.h>

typedef struct {
    char ph;              /* B E X b e i M ... */
    long pid, tid;
    double ts, dur;       /* microseconds; dur for X only */
    const char *name, *cat; /* "" when missing */
    double id;            /* id2.global (b, e) or bind_id (X), else -1 */
    int flow;             /* 1: flow_out, -1: flow_in, 0: neither */
    const json_t *args;   /* NULL when none */
    size_t index;         /* its place in the file */
} trace_event_t;

typedef struct {
    json_t *root;
    trace_event_t *ev;
    size_t n;
} trace_t;

/*
 * Reads the trace at path, adds "]" and parses it (a trace is valid JSON
 * once "]" is added, trace.h): 0, or -1 with why in err ("... at byte N:
 * why"); t is then empty. An event that is no object, or lacks a pid, tid
 * or ts, is an error too.
 */
int trace_read(const char *path, trace_t *t, char *err, size_t errsize);
void trace_free(trace_t *t);

/* The number args.key of e, or dflt. */
double trace_arg(const trace_event_t *e, const char *key, double dflt);
/* The string args.name of e (a process or thread name), or "". */
const char *trace_arg_name(const trace_event_t *e);

#endif /* TRACEREAD_H */
