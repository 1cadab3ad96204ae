/*
 * echo.h - the one echo routine of the blocking servers (iterative,
 * process, thread and prethreaded): read a line, write it back, until the
 * client shuts down its side. The event loops use echo_step.h instead.
 */
#ifndef ECHO_H
#define ECHO_H

#include "csapp.h"

/* Called for each line read, before its echo goes out: a server's log. */
typedef void line_hook_t(int connfd, size_t n);
/* Called once a batch of lines has been echoed (or the echo failed),
 * before echo_lines waits for more input or reports the failure: where
 * the log of those lines must reach stdout. */
typedef void sent_hook_t(int connfd);

/*
 * Echoes every byte from connfd back to it, a line at a time, until the
 * client shuts down its side. A read or write error (a reset, a client
 * gone) or no memory for the connection logs one line and returns: the
 * caller closes connfd either way. Either hook may be NULL. Thread-safe.
 */
void echo_lines(int connfd, line_hook_t *on_line, sent_hook_t *on_sent);
void echo(int connfd); /* echo_lines without hooks, as in the book */

#endif /* ECHO_H */
