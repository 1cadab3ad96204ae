/*
 * trace.h - ECHO_TRACE=FILE: a program records what it does as a Chrome
 * Trace Event file that Perfetto (ui.perfetto.dev) and chrome://tracing
 * open: who ran, who was blocked in which call, each connection's life,
 * each line, and each hand-off of a connection as an arrow. Without
 * ECHO_TRACE every call here returns at once and nothing is written.
 * Each call is one line at the place it describes, named after what
 * happens there. The encoding, the file and its rules are in trace.c.
 * Thread-safe, and safe in a forked child; trace_signal alone may be
 * called in a signal handler.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stddef.h>

/*
 * Start-up, before any thread or fork: reads ECHO_TRACE (unset or empty:
 * off) and ECHO_TRACE_MAX (the size cap in bytes, default 64 MiB), opens
 * FILE to append, and names this process prog and this thread thread;
 * with ECHO_TRACE_NAME=WHO both are named "THREAD WHO" instead (the
 * demo's clients: "client A", "client B").
 * A FILE that cannot be written, or a bad cap, is a one-line error on
 * stderr and exit status 1 or 2.
 */
void trace_setup(const char *prog, const char *thread);

/* Names the calling thread ("loop 1"), printf-style. */
void trace_thread(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Names the calling thread "ROLE N", N = 1, 2, ... in this process. */
void trace_numbered(const char *role);
/* Names the calling process and thread ("trial 3"), after a fork. */
void trace_process(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Blocked in call ("accept", "epoll_wait"): a slice until trace_unblocked. */
void trace_blocked(const char *call);
void trace_unblocked(void);
/* A stretch of work that is not a wait ("holds lock A"), until trace_end. */
void trace_begin(const char *what);
void trace_end(void);
/* A moment, with a number: ("read *vargp", 7). */
void trace_mark(const char *what, long long value);
/* In a signal handler: the program handles sig (its shutdown, say). */
void trace_signal(int sig);

/* A connection's life, on a track of its own named "connection HOST:PORT":
 * from its accept to the end of its echo. */
void trace_connection_opened(int connfd, const char *host, const char *port);
void trace_connection_closed(int connfd);

/*
 * A hand-off of connfd from one flow of control to another, drawn as an
 * arrow: trace_handoff where it leaves ("fork", "pthread_create",
 * "sbuf_insert"), before it goes; trace_received where it arrives.
 * trace_child_for and trace_thread_for also name the process or thread
 * that was made for it: "child for 127.0.0.1:40312".
 */
void trace_handoff(int connfd, const char *how);
void trace_received(int connfd);
void trace_child_for(int connfd);
void trace_thread_for(int connfd);

/* A line of n bytes on connfd, its work (work.h) since trace_clock()
 * said since; trace_clock is 0 while tracing is off. */
long long trace_clock(void);
void trace_line(int connfd, size_t n, long long since);

#endif /* TRACE_H */
