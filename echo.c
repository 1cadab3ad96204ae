/*
 * echo.c - the one echo routine the blocking servers share (iterative,
 * process, thread and prethreaded). First the lecture's loop, as on the
 * slide; beneath it, the batching layer that makes it fast.
 * Book: CS:APP3e Figure 11.22, with per-connection errors logged and
 * survived instead of exiting.
 */
#include "echo.h"
#include "trace.h"
#include "work.h"

typedef struct batch batch_t; /* a connection's read-ahead and echo: below */

static batch_t *batch_open(int connfd, sent_hook_t *on_sent);
static ssize_t batch_readline(batch_t *b);
static int batch_writeline(batch_t *b, size_t n);
static void batch_close(batch_t *b);

/*
 * The lecture's echo: read a line, write it back, until end of file.
 * The lines go through a batch (below) that gathers what is already
 * buffered into one write, and an error ends this connection only.
 */
void echo_lines(int connfd, line_hook_t *on_line, sent_hook_t *on_sent)
{
    ssize_t n;
    batch_t *b = batch_open(connfd, on_sent);

    if (b == NULL)
        return; /* no memory for this connection: logged, dropped */
    while ((n = batch_readline(b)) > 0) {
        if (on_line != NULL)
            on_line(connfd, (size_t)n);
        if (batch_writeline(b, (size_t)n) < 0)
            break;
    }
    batch_close(b);
    trace_connection_closed(connfd); /* its life ends with its echo */
}

void echo(int connfd) { echo_lines(connfd, NULL, NULL); }

/* ---- The batching layer: the same bytes, far fewer system calls ---- */

/* Bytes of echo gathered before one write: several lines of any size. */
#define ECHO_BATCH (256 * 1024)

/*
 * The book's loop makes a system call per line each way. Here the lines
 * are read through RIO's buffer straight into out, and while another
 * whole line is already buffered the write waits, so a client that sends
 * many lines at once gets them back in one write. Half a megabyte: more
 * than a thread's whole stack on some systems, so it lives on the heap.
 */
struct batch {
    rio_t rio;
    int connfd;
    sent_hook_t *on_sent;
    size_t used;         /* bytes of out gathered, not yet written */
    int ended;           /* the last piece read ended the input */
    char out[ECHO_BATCH];
};

static batch_t *batch_open(int connfd, sent_hook_t *on_sent)
{
    batch_t *b = malloc(sizeof(*b));

    if (b == NULL) { /* this connection is dropped, not the server */
        printf("echo: fd %d: out of memory: closing the connection\n", connfd);
        return NULL;
    }
    rio_readinitb(&b->rio, connfd);
    b->connfd = connfd;
    b->on_sent = on_sent;
    b->used = 0;
    b->ended = 0;
    return b;
}

/* Reads the next line behind the gathered ones: its length, 0 at end of
 * file, -1 after logging a read error. A line longer than the room left
 * arrives in pieces, echoed as they come. */
static ssize_t batch_readline(batch_t *b)
{
    size_t room = sizeof(b->out) - b->used;
    trace_blocked("rio_readlineb");
    ssize_t n = rio_readlineb(&b->rio, b->out + b->used, room);
    trace_unblocked();

    if (n < 0) /* typically "Connection reset by peer" */
        printf("echo: fd %d: read: %s\n", b->connfd, strerror(errno));
    /* With no newline and room to spare, only the end of input stopped it. */
    b->ended = n > 0 && b->out[b->used + (size_t)n - 1] != '\n' &&
               (size_t)n < room - 1;
    return n;
}

/* Queues the line just read for its echo, after its work (work.h);
 * writes the batch unless another whole line is already here to join it.
 * -1 after logging a failure. */
static int batch_writeline(batch_t *b, size_t n)
{
    long long since = trace_clock();
    work_line(b->out + b->used, n, b->ended);
    trace_line(b->connfd, n, since); /* the line and its work */
    b->used += n;
    if (rio_line_ready(&b->rio) && sizeof(b->out) - b->used > MAXLINE)
        return 0; /* gather that one too */
    ssize_t sent = rio_writen(b->connfd, b->out, b->used);
    int write_errno = errno;
    if (b->on_sent != NULL)
        b->on_sent(b->connfd); /* the batch's log, before we wait or report */
    b->used = 0;
    if (sent < 0) {
        printf("echo: fd %d: write: %s\n", b->connfd, strerror(write_errno));
        return -1;
    }
    return 0;
}

static void batch_close(batch_t *b) { free(b); }
