/*
 * linelog.h - a log whose lines reach stdout whole, for servers in which
 * several threads or processes log at once (the pools, the per-core loop).
 * Each thread gathers its lines in a buffer of its own and writes them
 * in one write(2) of at most PIPE_BUF bytes: POSIX makes such a write to
 * a pipe atomic, so no other writer's bytes land mid-line.
 */
#ifndef LINELOG_H
#define LINELOG_H

/* Adds one line (printf format, newline included) to this thread's log;
 * writes the log out first if the line would not fit. */
void linelog_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes this thread's gathered lines. Call it before waiting for input,
 * so the log is prompt. A failed write loses log lines, never a client. */
void linelog_flush(void);

#endif /* LINELOG_H */
