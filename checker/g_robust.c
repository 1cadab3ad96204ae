/*
 * g_robust.c - the robustness group (one client's misbehaviour costs only
 * its own connection: after each, the server is alive and serves the next
 * client) and the shutdown group (SIGTERM ends the server within a
 * second and leaves no process of its group behind).
 */
#include "echocheck.h"

/* States as /proc/net/tcp numbers them (Linux's). */
enum { FIN_WAIT1 = 4, FIN_WAIT2 = 5 };

/* What every robustness failure adds when the server lives on. */
static void note_survive(check_ctx_t *c, result_t *r, const char *error)
{
    if (!inst_alive(&c->srv))
        return; /* it died: run.c says of what */
    note(r, "what the server met: %s", error);
    if (blame(r, CAUSE_HELD))
        return; /* its echoes never came at all */
    if (served_clients == 0) { /* no client served yet: no "next" either */
        blame_echo(r, CAUSE_NONE);
        return;
    }
    observe(r, EV_NEXT_UNSERVED);
    blame(r, CAUSE_NEXT_UNSERVED);
}

/* Provoked: the server's side of the connection was there before the
 * reset and gone after it (the RST reached it); unknown without /proc. */
static void reset_mid_line(check_ctx_t *c, result_t *r)
{
    int fd = cl_connect(c->srv.port);

    if (fd < 0) {
        fail(r, "cannot connect: %s", strerror(errno));
        return;
    }
    send(fd, "half a li", 9, MSG_NOSIGNAL);
    nap(ms(50));
    int cport = local_port(fd);
    int before = tcp_state(c->srv.port, cport);
    cl_reset(fd);
    int gone = wait_tcp_gone(c->srv.port, cport, WAIT_MS);
    step("the server's side: state %d before the reset, %s after", before,
         gone ? "gone" : "still there");
    nap(ms(100));
    if (serves_next(c->srv.port, r) < 0) {
        note(r, "sent: \"half a li\" from one client, which then reset the "
                "connection (RST); then a next client's line");
        note_survive(c, r, "reset (ECONNRESET on read)");
    } else if (before == 0)
        not_provoked(r, "the server's side of the connection was not seen "
                     "before the reset");
    else if (gone == 0)
        not_provoked(r, "the reset did not reach the server: its side of the "
                     "connection was still there %d ms later", WAIT_MS);
}

/* close-before-echo: clients in a row, each sending its lines in writes
 * of their own and closing, reading nothing. The server's group is
 * stopped while a client sends and closes, so that the client has left
 * before any echo is written, for certain: the first echo to the closed
 * socket draws a reset; the server's next write meets it (EPIPE, or
 * SIGPIPE where it is not ignored): a single line would not get there.
 * Provoked: a client left with none of its echo come, and (where /proc
 * shows it) its connection then ended by that reset, not by an orderly
 * close (which leaves our side in TIME_WAIT). */
#define EARLY_CLIENTS 5
#define EARLY_LINES 3

/* One such client; its local port, or -1 (errno set) when it could not
 * connect. *early: 1 when nothing of its echo had come when it left. */
static int send_and_leave(check_ctx_t *c, int *early)
{
    static const char line[] = "a line whose echo nobody reads\n";
    int fd = cl_connect(c->srv.port);

    if (fd < 0)
        return -1;
    int stopped = group_stop(&c->srv) == 0;
    for (int i = 0; i < EARLY_LINES; i++)
        send(fd, line, sizeof(line) - 1, MSG_NOSIGNAL);
    *early = bytes_waiting(fd) == 0;
    int port = local_port(fd);
    close(fd);
    if (stopped)
        group_continue(&c->srv);
    return port;
}

/* How many of the clients' connections ended by a reset: gone, where an
 * orderly end leaves TIME_WAIT; -1 unknown. Waits while any is still
 * closing (FIN_WAIT1 or 2: the server has not answered yet). */
static int count_resets(int server_port, const int *ports, int n)
{
    int resets = 0;
    long long end = now_ms() + WAIT_MS;

    if (!have_procfs())
        return -1;
    for (int i = 0; i < n; i++) {
        int st;
        while (((st = tcp_state(ports[i], server_port)) == FIN_WAIT1 ||
                st == FIN_WAIT2) && now_ms() < end)
            nap(5);
        resets += ports[i] > 0 && st == 0;
    }
    return resets;
}

static void close_before_echo(check_ctx_t *c, result_t *r)
{
    int ports[EARLY_CLIENTS] = { 0 }, early = 0;

    for (int i = 0; i < EARLY_CLIENTS && !r->failed; i++) {
        int none_back = 0;
        if ((ports[i] = send_and_leave(c, &none_back)) < 0)
            fail(r, "client %d of the %d could not connect: %s", i + 1,
                 EARLY_CLIENTS, strerror(errno));
        early += none_back;
        nap(ms(20)); /* the server takes it in before the next comes */
    }
    nap(ms(100));
    if (r->failed || serves_next(c->srv.port, r) < 0) {
        note(r, "sent: %d clients in a row, each sending %d lines (a write "
                "each) and closing at once, before any echo could be read; "
                "then a next client's line", EARLY_CLIENTS, EARLY_LINES);
        note_survive(c, r, "early close (EPIPE or ECONNRESET)");
        return;
    }
    int resets = count_resets(c->srv.port, ports, EARLY_CLIENTS);
    step("%d of %d clients left before any echo came; %d connections then "
         "reset (-1: unknown)", early, EARLY_CLIENTS, resets);
    if (early == 0)
        not_provoked(r, "every client's echo had come before it left");
    else if (resets == 0 && cause_shown(CAUSE_QUEUE_DROPPED)) {
        /* Its lines and its end came together, and this server drops
         * the echo it owes once it sees the end: that fault, shown
         * before, kept this check from its condition. */
        fail(r, "no echo met a client that had left");
        r->cause = CAUSE_QUEUE_DROPPED;
    } else if (resets == 0)
        not_provoked(r, "no echo met a client that had left: every "
                     "connection ended in order");
}

/* Provoked: echo was waiting unread when the client left (so its close
 * was a reset), and the server's side of it is gone (the reset reached
 * it); the latter unknown without /proc. */
static void vanish_echo_pending(check_ctx_t *c, result_t *r)
{
    int fd = cl_connect(c->srv.port);

    if (fd < 0) {
        fail(r, "cannot connect: %s", strerror(errno));
        return;
    }
    size_t sent = flood(fd), unread = bytes_waiting(fd);
    int cport = local_port(fd);
    close(fd); /* unread echo in our buffer: the kernel resets */
    int gone = wait_tcp_gone(c->srv.port, cport, WAIT_MS);
    step("%zu bytes of echo unread when it vanished; the server's side %s",
         unread, gone ? "gone" : "still there");
    nap(ms(200));
    if (serves_next(c->srv.port, r) < 0) {
        note(r, "sent: %zu bytes of lines from one client, which read none "
                "of its echo and vanished; then a next client's line", sent);
        note_survive(c, r, "vanishing (EPIPE, SIGPIPE on write)");
    } else if (unread == 0)
        not_provoked(r, "none of the echo had come when the client vanished, "
                     "so it left without a reset");
    else if (gone == 0)
        not_provoked(r, "the reset did not reach the server: its side of the "
                     "connection was still there %d ms later", WAIT_MS);
}

const check_t robust_checks[] = {
    { "reset-mid-line", M_ALL, 0, reset_mid_line },
    { "close-before-echo", M_ALL, 0, close_before_echo },
    { "vanish-echo-pending", M_ALL, 0, vanish_echo_pending },
};
const int n_robust_checks = sizeof(robust_checks) / sizeof(robust_checks[0]);

/* Waits until the leader has ended and, then, its whole group; returns
 * the milliseconds it took, or -1 (leader alive) or -2 (others left). */
static long long wait_group_gone(instance_t *in, long long deadline)
{
    long long start = now_ms();

    while (inst_alive(in) && now_ms() < deadline)
        nap(10);
    if (inst_alive(in))
        return -1;
    while (now_ms() < deadline) {
        int living = have_procfs() ? count_group(in->pid, 2)
                                   : group_exists(in->pid);
        if (living == 0)
            return now_ms() - start;
        nap(10);
    }
    return -2;
}

static void sigterm(check_ctx_t *c, result_t *r)
{
    int fd = cl_connect(c->srv.port);
    pid_t pid = c->srv.pid;

    if (fd < 0) {
        fail(r, "cannot connect: %s", strerror(errno));
        return;
    }
    send(fd, "still here\n", 11, MSG_NOSIGNAL);
    nap(ms(100)); /* the server takes the client in */
    kill(pid, SIGTERM);
    long long took = wait_group_gone(&c->srv, now_ms() + ms(1000));
    if (took == -1) {
        fail(r, "the server was still running %d ms after SIGTERM", ms(1000));
        note(r, "a client was connected (it had sent a line)");
        observe(r, EV_SIGTERM_ALIVE);
        blame(r, CAUSE_SIGTERM_ALIVE);
    } else if (took == -2) {
        int left = count_group(pid, 2);
        char count[32] = "some";
        if (left > 0)
            snprintf(count, sizeof(count), "%d", left);
        fail(r, "the server ended, but %s process%s of its group still ran "
             "%d ms after SIGTERM", count, left == 1 ? "" : "es", ms(1000));
        observe(r, EV_SIGTERM_LEFT);
        blame(r, CAUSE_CHILDREN_LEFT);
    } else
        step("gone %lld ms after SIGTERM", took);
    close(fd);
    if (r->failed)
        note_last_lines(r, &c->srv);
    inst_stop(&c->srv); /* ended on purpose: not a death to report */
}

const check_t shutdown_checks[] = {
    { "sigterm", M_ALL, 0, sigterm },
};
const int n_shutdown_checks =
    sizeof(shutdown_checks) / sizeof(shutdown_checks[0]);
