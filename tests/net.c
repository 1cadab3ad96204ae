/*
 * net.c - the harness's part that talks to a server over loopback; see
 * testlib.h. Every call here is bounded by a timeout (stretched by
 * TEST_TIME_SCALE), and the ones that check what came back record a
 * failed check saying what was sent and what arrived instead.
 */
#include "testlib.h"

#include <netinet/in.h>
#include <poll.h>

/* ---- Connecting ---- */

int host_has_ipv6(void)
{
    struct sockaddr_in6 addr;
    int fd = socket(AF_INET6, SOCK_STREAM, 0), ok;

    if (fd < 0)
        return 0;
    memset(&addr, 0, sizeof(addr));
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    ok = bind(fd, (SA *)&addr, sizeof(addr)) == 0;
    close(fd);
    return ok;
}

int tcp_connect(const char *host, int port)
{
    char service[16];
    int fd;

    snprintf(service, sizeof(service), "%d", port);
    fd = open_clientfd(host, service);
    CHECK(fd >= 0, "connect to %s port %d: %s", host, port, open_error(fd));
    return fd;
}

/* ---- Bounded sends and receives ---- */

int send_all(int fd, const void *data, size_t n)
{
    return CHECK(rio_writen(fd, data, n) == (ssize_t)n, "send %zu bytes: %s",
                 n, strerror(errno));
}

size_t recv_upto(int fd, void *buf, size_t n, int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);
    size_t got = 0;

    while (got < n) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, ms_left(deadline)) <= 0)
            break;
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

size_t send_what_fits(int fd, const void *data, size_t n, int stall_ms)
{
    size_t sent = 0;

    set_nonblocking(fd);
    while (sent < n) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (poll(&p, 1, scaled(stall_ms)) <= 0)
            break; /* nobody is reading: the buffers are full */
        ssize_t w = write(fd, (const char *)data + sent, n - sent);
        if (w <= 0 && errno != EAGAIN)
            break;
        if (w > 0)
            sent += (size_t)w;
    }
    return sent;
}

int readable_within(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, scaled(timeout_ms)) > 0;
}

int wait_eof(int fd, int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);
    char buf[4096];

    for (;;) {
        if (poll(&(struct pollfd){.fd = fd, .events = POLLIN}, 1,
                 ms_left(deadline)) <= 0)
            return 0;
        ssize_t r = read(fd, buf, sizeof(buf));
        if (r <= 0)
            return 1; /* end of file, or a reset: the connection is over */
    }
}

/* ---- Checking an echo ---- */

/* Reports where the echo first differs from what was sent. */
static int same_bytes(const char *sent, size_t n, const bytes_t *got)
{
    size_t i = 0;

    while (i < n && i < got->len && sent[i] == got->data[i])
        i++;
    return CHECK(i == n && got->len == n,
                 "echo differs: sent %zu bytes, got %zu, first difference at "
                 "byte %zu", n, got->len, i);
}

int echoes_line(int fd, const char *line, int timeout_ms)
{
    char buf[256];
    size_t n = strlen(line);

    if (!send_all(fd, line, n))
        return 0;
    size_t got = recv_upto(fd, buf, n < sizeof(buf) ? n : sizeof(buf), timeout_ms);
    return CHECK(got == n && memcmp(buf, line, n) == 0,
                 "sent \"%.*s\", got %zu of its %zu bytes back within %d ms",
                 (int)n - 1, line, got, n, timeout_ms);
}

int echo_exact(int fd, const void *data, size_t n, int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);
    bytes_t got = {0};
    size_t sent = 0;
    int eof = 0;

    set_nonblocking(fd);
    if (n == 0)
        shutdown(fd, SHUT_WR);
    while (!eof && ms_left(deadline) > 0) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (sent < n)
            p.events |= POLLOUT;
        poll(&p, 1, ms_left(deadline));
        if (p.revents & POLLOUT) {
            ssize_t w = write(fd, (const char *)data + sent, n - sent);
            if (w > 0 && (sent += (size_t)w) == n)
                shutdown(fd, SHUT_WR); /* "that is all": the server flushes */
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR))
            eof = drain_fd(fd, &got) == 0;
    }
    CHECK(eof, "no end of file from the server within %d ms (sent %zu of %zu "
          "bytes, got %zu back)", timeout_ms, sent, n, got.len);
    int same = eof && same_bytes(data, n, &got);
    bytes_free(&got);
    return same;
}

void close_with_reset(int fd)
{
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    close(fd);
}

int served_or_dropped(int fd, const char *line, int timeout_ms)
{
    char buf[256];
    size_t n = strlen(line);

    if (rio_writen(fd, line, n) != (ssize_t)n)
        return 0; /* reset already */
    size_t got = recv_upto(fd, buf, n < sizeof(buf) ? n : sizeof(buf),
                           timeout_ms);
    if (got == n && memcmp(buf, line, n) == 0)
        return 1;
    if (got == 0 && !readable_within(fd, 0))
        return -1; /* nothing yet, not even end of file */
    return got == 0 ? 0 : -2; /* -2: corrupted echo */
}

int serves_a_new_client(server_t *s)
{
    int r = -1;

    for (int tries = 0; tries < 10 && r != 1; tries++) {
        int fd = tcp_connect("127.0.0.1", s->port);
        if (fd < 0)
            return 0;
        r = served_or_dropped(fd, "a new client\n", 1000);
        close(fd);
        if (r != 1)
            sleep_ms(100);
    }
    return CHECK(r == 1, "no new client was served after the others left");
}

void check_pool_of_two_holds_a_third(server_t *s, const char *what,
                                     int accepted)
{
    int a, b, c;
    char buf[16];

    if ((a = tcp_connect("127.0.0.1", s->port)) < 0 ||
        !echoes_line(a, "a\n", 3000) ||
        (b = tcp_connect("127.0.0.1", s->port)) < 0 ||
        !echoes_line(b, "b\n", 3000) ||
        (c = tcp_connect("127.0.0.1", s->port)) < 0)
        return;
    send_all(c, "c\n", 2);
    if (accepted)
        CHECK(server_log_wait(s, "Connected to", 3, 3000) == 0,
              "the third client was not accepted");
    CHECK(!readable_within(c, 500), "a third client was served by a pool "
          "of 2 %s", what);
    echoes_line(a, "a again\n", 3000); /* the first two are still served */
    echoes_line(b, "b again\n", 3000);
    close(a);
    CHECK(recv_upto(c, buf, 2, 3000) == 2 && memcmp(buf, "c\n", 2) == 0,
          "the waiting client was not served within 3 s of a worker going "
          "free");
}
