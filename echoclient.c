/*
 * echoclient.c - sends stdin to an echo server and prints what comes back.
 * Model: one thread multiplexing two inputs with poll(): the keyboard (or
 * a pipe) and the server. Observe: against echoserveri, a second client's
 * lines are accepted but their echo waits until the first client leaves;
 * if the server goes away, the client says so at once.
 * Run: ./echoclient localhost 15213   (type lines; Ctrl-D ends)
 * Book: CS:APP3e Figure 11.20 sends a line and then waits for its echo.
 * That lockstep hangs on a last line with no newline (the server waits
 * for the rest of the line, the client for its echo) and pays one round
 * trip per line. This one keeps sending while it reads, counts bytes
 * instead of using strlen (so NUL bytes pass), and at end of input shuts
 * down its sending side, which tells the server to flush what it holds.
 */
#include "csapp.h"
#include "trace.h"

#include <poll.h>

static const char *prog = "echoclient";

static void fail(const char *what, const char *why)
{
    fprintf(stderr, "%s: %s: %s\n", prog, what, why);
    exit(1);
}

typedef struct {
    int fd;                /* the connection, non-blocking */
    char out[MAXBUF];      /* stdin bytes not yet sent */
    size_t out_len, out_off;
    int stdin_done;        /* end of input seen and sending side shut down */
    unsigned long long sent, received;
} client_t;

/* Moves the server's echo to stdout. */
static void receive_echo(client_t *c)
{
    char buf[65536];
    ssize_t n = read(c->fd, buf, sizeof(buf));

    if (n < 0 && (would_wait(errno) || errno == EINTR))
        return; /* nothing now, or a signal first: the loop tries again */
    if (n < 0)
        fail("read from server", strerror(errno));
    if (n == 0)
        fail("read from server", "server closed the connection early");
    if (rio_writen(STDOUT_FILENO, buf, (size_t)n) < 0)
        fail("write to stdout", strerror(errno));
    c->received += (unsigned long long)n;
    trace_mark("echo received", n);
}

/* Sends what the server's socket buffer will take without blocking. */
static void send_pending(client_t *c)
{
    ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);

    if (n < 0 && (would_wait(errno) || errno == EINTR))
        return; /* nothing now, or a signal first: the loop tries again */
    if (n < 0)
        fail("write to server", strerror(errno));
    c->out_off += (size_t)n;
    c->sent += (unsigned long long)n;
    trace_mark("sent", n);
    if (c->out_off == c->out_len)
        c->out_off = c->out_len = 0;
}

/* Takes the next chunk of stdin; at its end, half-closes the connection. */
static void read_stdin(client_t *c)
{
    ssize_t n = read(STDIN_FILENO, c->out, sizeof(c->out));

    if (n < 0 && errno == EINTR)
        return;
    if (n < 0)
        fail("read from stdin", strerror(errno));
    if (n == 0) {
        c->stdin_done = 1;
        shutdown(c->fd, SHUT_WR);
        return;
    }
    c->out_len = (size_t)n;
}

static void run(client_t *c)
{
    /* Done once the input has ended and every byte sent has come back. */
    while (!c->stdin_done || c->received < c->sent) {
        /* stdin is watched only once the last chunk is sent: a negative
         * fd, since poll reports POLLHUP even on an fd asked for nothing. */
        int want_stdin = c->out_len == 0 && !c->stdin_done;
        struct pollfd fds[2] = {
            {.fd = c->fd, .events = POLLIN},
            {.fd = want_stdin ? STDIN_FILENO : -1, .events = POLLIN},
        };
        if (c->out_len > 0)
            fds[0].events |= POLLOUT;
        trace_blocked("poll");
        int ready = poll(fds, 2, -1);
        trace_unblocked();
        if (ready < 0 && errno != EINTR)
            fail("poll", strerror(errno));
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
            receive_echo(c);
        if (fds[0].revents & POLLOUT)
            send_pending(c);
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
            read_stdin(c);
    }
}

int main(int argc, char **argv)
{
    static client_t client; /* static: zeroed, and off the stack */
    long port;

    check_argc(argc, argv, 2, 2, "<host> <port>");
    /* Checked here, with the servers' parser: glibc's getaddrinfo takes
     * 87537 for port 22001 (modulo 65536), and looks "abc" up as a service. */
    if (parse_number(argv[2], 1, 65535, &port) < 0) {
        fprintf(stderr, "%s: bad port '%s': want a number from 1 to 65535\n",
                prog, argv[2]);
        return 2;
    }
    /* A server that resets the connection should give an error line, not
     * a silent death by SIGPIPE. */
    Signal(SIGPIPE, SIG_IGN);
    trace_setup(prog, "client"); /* "client A" with ECHO_TRACE_NAME=A */
    trace_blocked("connect");
    client.fd = open_clientfd(argv[1], argv[2]);
    trace_unblocked();
    if (client.fd < 0) {
        fprintf(stderr, "%s: cannot connect to %s port %s: %s\n", prog,
                argv[1], argv[2], open_error(client.fd));
        return 1;
    }
    trace_connected(client.fd);
    if (set_nonblocking(client.fd) < 0)
        unix_error("fcntl");
    run(&client);
    close(client.fd);
    return 0;
}
