/*
 * server.c - the start-up path and the accept step every server shares.
 * See server.h. The per-model part of each server lives in its own file.
 */
#include "server.h"
#include "trace.h"
#include "work.h"

#include <netinet/in.h>
#include <poll.h>

/* stdout's buffer when it is fully buffered: one write carries a round's log. */
static char log_buf[1 << 16];

/* The start-up path of both variants; mode is _IOLBF or _IOFBF. */
static int start(const char *argv0, const char *port_arg, int mode)
{
    const char *prog = prog_name(argv0);
    int listenfd;
    long work_us;

    Parse_number(prog, "port", port_arg, 0, 65535); /* else exits 2 */
    /* Checked before listening, calibrated before any fork or thread. */
    work_us = work_setup(prog); /* else exits 2 */
    trace_setup(prog, "main: accept"); /* ECHO_TRACE (trace.h) */
    /*
     * Writing to a client that has reset its connection raises SIGPIPE,
     * whose default action kills the whole server. Ignored, the write
     * fails with EPIPE instead, and only that connection is closed.
     */
    Signal(SIGPIPE, SIG_IGN);
    /*
     * SIGINT and SIGTERM stop a server (the process servers install their
     * own handlers after this). A shell starts a script's background job
     * with SIGINT ignored, and an ignored signal stays ignored across
     * exec: put the default back, or `kill -INT` would do nothing.
     */
    Signal(SIGINT, SIG_DFL);
    Signal(SIGTERM, SIG_DFL);
    /* Log lines must reach a pipe or file promptly, not at exit. setvbuf
     * is legal only before the first output, so it is chosen here. */
    if (mode == _IOFBF)
        setvbuf(stdout, log_buf, _IOFBF, sizeof(log_buf));
    else
        setvbuf(stdout, NULL, _IOLBF, 0);

    if ((listenfd = open_listenfd(port_arg)) < 0) {
        fprintf(stderr, "%s: cannot listen on port %s: %s\n", prog, port_arg,
                open_error(listenfd));
        exit(1);
    }
    printf("%s: listening on port %d\n", prog, socket_port(listenfd));
    if (work_us > 0)
        printf("%s: work per line: %ld us of CPU (ECHO_WORK_US)\n", prog,
               work_us);
    fflush(stdout); /* the line must be out even when fully buffered */
    return listenfd;
}

int start_server(const char *argv0, const char *port_arg)
{
    return start(argv0, port_arg, _IOLBF);
}

int start_server_batched(const char *argv0, const char *port_arg)
{
    return start(argv0, port_arg, _IOFBF);
}

/* Prints "Connected to (HOST, PORT)" and note, with IPv4 clients of a
 * dual-stack socket shown as 127.0.0.1 rather than ::ffff:127.0.0.1. */
static void log_connection(int connfd, const struct sockaddr_storage *addr,
                           socklen_t len, const char *note)
{
    char host[64], port[16]; /* room for any numeric IPv6 address, port */
    const char *shown = host;

    /* Numeric lookups only: a reverse DNS query could stall the server. */
    if (getnameinfo((const SA *)addr, len, host, sizeof(host), port,
                    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        strcpy(host, "?");
        strcpy(port, "?");
    }
    if (strncmp(host, "::ffff:", 7) == 0 && strchr(host + 7, '.') != NULL)
        shown = host + 7;
    printf("Connected to (%s, %s)%s\n", shown, port, note);
    trace_connection_opened(connfd, shown, port);
}

/*
 * With every descriptor in use, accept fails with EMFILE but the client
 * stays queued, so the listening socket stays readable and a naive loop
 * spins. Keeping one descriptor in reserve lets us take that client off
 * the queue and close it. Each accepting thread keeps its own spare
 * (_Thread_local), so several threads may accept at once without a lock;
 * threads that never accept never open one.
 */
static _Thread_local int spare_fd = -1;

static void reserve_spare(void)
{
    if (spare_fd < 0)
        spare_fd = open("/dev/null", O_RDONLY);
}

/*
 * accept failed for want of a descriptor: spend the spare on the client
 * at the head of the queue. On a blocking listener, if that client is
 * gone (or was never there: Linux says EMFILE before it looks at the
 * queue), accept waits for the next one with the spare lent out, so an
 * idle server may hold one descriptor fewer. By the time the next client
 * comes, descriptors may be back, so who gets dropped is decided after the
 * accept: only if the spare cannot be opened again is there still no
 * descriptor to serve with. Returns the connection to serve, or -1.
 */
static int accept_with_spare(int listenfd, struct sockaddr_storage *addr,
                             socklen_t *len)
{
    int accept_errno = errno;

    if (spare_fd < 0) {
        poll(NULL, 0, 10); /* no spare to use: at least do not spin */
        return -1;
    }
    close(spare_fd);
    spare_fd = -1;
    int connfd = accept(listenfd, (SA *)addr, len);
    reserve_spare();
    if (connfd < 0 || spare_fd >= 0)
        return connfd; /* nobody waiting (EAGAIN), or room again: serve */
    printf("accept: %s: dropping a connection\n", strerror(accept_errno));
    close(connfd);
    reserve_spare(); /* the dropped client's slot becomes the spare */
    return -1;
}

int accept_client(int listenfd) { return accept_client_noted(listenfd, ""); }

int accept_client_noted(int listenfd, const char *note)
{
    struct sockaddr_storage addr;
    socklen_t len;
    int connfd;

    reserve_spare();
    for (;;) {
        len = sizeof(addr);
        trace_blocked("accept");
        connfd = accept(listenfd, (SA *)&addr, &len);
        trace_unblocked();
        if (connfd >= 0)
            break;
        switch (errno) {
        case EINTR:        /* a signal handler ran (SIGCHLD): go on */
        case ECONNABORTED: /* the client gave up while queued */
        case EPROTO:
            continue;
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
            return -1; /* non-blocking listener, nobody waiting */
        case EMFILE:
        case ENFILE:
            if ((connfd = accept_with_spare(listenfd, &addr, &len)) >= 0)
                break;
            return -1;
        default: /* ENOBUFS, ENOMEM...: this connection is lost, not us */
            printf("accept: %s\n", strerror(errno));
            return -1;
        }
        break;
    }
    log_connection(connfd, &addr, len, note);
    return connfd;
}
