/*
 * linelog.c - whole log lines from many threads or processes; see
 * linelog.h. Stdio's buffer for stdout is one for the whole process and
 * needs its lock: a thread's own buffer needs none.
 */
#include "linelog.h"

#include <limits.h> /* PIPE_BUF */
#include <stdarg.h>

#include "csapp.h"

#define LINE_MAX_LEN 256 /* room kept for one more line before it is added */

/* _Thread_local: every thread its own copy, so filling it takes no lock. */
static _Thread_local struct {
    char text[PIPE_BUF];
    size_t len;
} pending;

void linelog_flush(void)
{
    if (pending.len > 0)
        (void)rio_writen(STDOUT_FILENO, pending.text, pending.len);
    pending.len = 0;
}

void linelog_add(const char *fmt, ...)
{
    va_list ap;

    if (sizeof(pending.text) - pending.len < LINE_MAX_LEN)
        linelog_flush(); /* a long batch: the log goes out in pieces */
    va_start(ap, fmt);
    int n = vsnprintf(pending.text + pending.len,
                      sizeof(pending.text) - pending.len, fmt, ap);
    va_end(ap);
    if (n > 0) /* a longer line than LINE_MAX_LEN is cut, never split */
        pending.len += (size_t)n < sizeof(pending.text) - pending.len
                           ? (size_t)n : sizeof(pending.text) - pending.len - 1;
}
