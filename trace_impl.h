/*
 * trace_impl.h - what the parts of ECHO_TRACE's recorder share (trace.c,
 * trace_event.c, trace_conn.c); not for programs: they use trace.h.
 */
#ifndef TRACE_IMPL_H
#define TRACE_IMPL_H

#include <stddef.h>
#include <sys/types.h>

#define EVENT_MAX 768 /* bytes of one event: far below PIPE_BUF */
#define ADDR_MAX 64   /* "[IPv6]:port" */

/* ---- Encoding one event: no stdio, no malloc, so a handler may ---- */
typedef struct {
    char text[EVENT_MAX];
    size_t len;
    int overflow; /* did not fit: never written, never half written */
} event_t;

/* Appends the strings, up to a NULL: PUT(e, "a", "b"). */
#define PUT(e, ...) trace_put(e, __VA_ARGS__, (const char *)NULL)
void trace_put(event_t *e, ...);
/* A JSON string: quotes, backslashes and control bytes escaped. */
void trace_put_quoted(event_t *e, const char *s);
void trace_put_int(event_t *e, long long v);
/* Nanoseconds as microseconds with three decimals: "12.345". */
void trace_put_us(event_t *e, long long ns);

/* ---- trace.c ---- */
/* Set by trace_setup before any thread or fork: -1 when off. */
extern int trace_fd;
extern pid_t trace_pid; /* this process's (reset in a forked child) */
long long trace_now_ns(void);
/* Opens an event: ",\n{"ph":PH,"pid":..,"tid":..,"ts":.." */
void trace_event_start(event_t *e, const char *ph, long long ns);
void trace_put_name(event_t *e, const char *cat, const char *name);
/* Writes e whole, or not at all; errno kept. */
void trace_emit(event_t *e);

/* ---- trace_conn.c ---- */
/* Room for the connections of nofile descriptors (0: unknown). */
void trace_conns_setup(unsigned long long nofile);

#endif
