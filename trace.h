/*
 * trace.h - ECHO_TRACE=FILE: a program records what it does as a Chrome
 * Trace Event file that Perfetto (ui.perfetto.dev) and chrome://tracing
 * open: who ran, who was blocked in which call, each connection's life,
 * each line, and each hand-off of a connection as an arrow. Without
 * ECHO_TRACE every call here returns at once and nothing is written.
 * Each call is one line at the place it describes, named after what
 * happens there. The file and its events are below; trace.c writes them.
 * Thread-safe, and safe in a forked child; trace_signal alone may be
 * called in a signal handler.
 *
 * The file. One JSON array (Chrome's Trace Event format, array form)
 * that many processes append to at once: a server, its forked children,
 * the clients and the problem programs of a demo step. Its first bytes
 * are "[" and an event; every later event is written as ",\n{...}", one
 * write(2) on a descriptor opened with O_APPEND. So the file plus "]" is
 * valid JSON at every moment, even right after a SIGKILL: an event is in
 * whole or not at all (a write to a regular file with O_APPEND goes to
 * the end in one piece on Linux and the BSDs, and an event is far below
 * PIPE_BUF bytes). Who writes the "[" when several start at once: each
 * writes "[" and its first event into a file of its own and link(2)s it
 * to FILE, which fails when FILE exists; then it appends instead (a
 * process killed in between leaves its FILE.PID.tmp behind). An
 * existing empty file (made by mktemp, say) gets its "[" under a fcntl
 * lock. Times are microseconds of CLOCK_MONOTONIC, the one clock every
 * process of the machine shares.
 *
 * The events, a subset that Perfetto's JSON import and chrome://tracing
 * both pair reliably, across processes too:
 *   M (process_name, thread_name)  every pid and tid that appears is
 *        named: a thread or a forked child that never named itself gets
 *        "thread N" or "PROG (child)" before its first event;
 *   B/E  a blocked call (cat "blocked") or other work (cat "run") on the
 *        thread's track; E pairs with the thread's last open B, so a
 *        process killed while blocked leaves that B open, which a viewer
 *        draws up to the end (deadlock's cycle is such a pair of waits);
 *   X    a line and its work (cat "line"); a hand-off's two ends;
 *   b/e  a connection's life, with id2 {"global": ID}: Perfetto scopes a
 *        plain "id" or id2 "local" to its process, but a global id pairs
 *        the "b" of the accepting process with the "e" of the child that
 *        served it, and every id gets a track of its own, named by the
 *        event's name, so an event loop's clients stay apart;
 *   flows v2  "bind_id" with "flow_out" on the sender's X and "flow_in"
 *        on the receiver's: bound to those slices, never to a slice the
 *        viewer has to guess (v1's s/t/f bind to whatever encloses them),
 *        and bind ids are global in Perfetto; the sender writes its end
 *        before the hand-off, so its time is always the earlier;
 *   i    a moment (a value read, a signal handled); s "g" for the cap.
 * IDs: a connection's is PID * 2^20 + a count, unique across the
 * processes of a file, below 2^53 so a JavaScript viewer reads it exactly.
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
/* A client's connection is up: a mark "connected from port" with its own
 * port, the port the server's "connection HOST:PORT" names, so a reader
 * of the file can tell which connection is whose (demo/drawstep). */
void trace_connected(int clientfd);
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
