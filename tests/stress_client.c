/*
 * stress_client.c - one client of make stress (see stress.c for the kinds
 * and the run): a seeded random payload, then a non-blocking connection
 * stepped by the driver after each poll: connect, write pieces of random
 * sizes, read and check the echo byte by byte, then end as its kind does
 * (half-close and read to end of file, reset, or leave unread).
 */
#include "stress.h"

#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>

#define STALL_MS 15000 /* a client with no progress for this long failed */

tally_t *tally;
static const char *kind_name[] = {"echo", "reset", "leave"};

/* ---- Random numbers (xorshift64*: seeded, the run can be replayed) ---- */

static unsigned long long rng_state;

static unsigned long long rnd64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

void stress_seed(unsigned long long seed)
{
    rng_state = seed * 2654435761ULL + 1;
}

/* A number in 0..n-1. */
static size_t rnd(size_t n) { return n > 0 ? (size_t)(rnd64() % n) : 0; }

/* ---- Payloads ---- */

static void add_random(bytes_t *b, size_t n, int with_newlines)
{
    char chunk[256];

    while (n > 0) {
        size_t k = n < sizeof(chunk) ? n : sizeof(chunk);
        for (size_t i = 0; i < k; i++) {
            chunk[i] = (char)rnd64();
            if (!with_newlines && chunk[i] == '\n')
                chunk[i] = '\0';
        }
        bytes_add(b, chunk, k);
        n -= k;
    }
}

static void add_text(bytes_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = (char)('a' + rnd(26));
        bytes_add(b, &c, 1);
    }
}

/* One line of a random kind; its newline may be left off (last line). */
static void add_line(bytes_t *b)
{
    static const char zeros[4096];

    switch (rnd(10)) {
    case 0: case 1: case 2: case 3: /* short text */
        add_text(b, 1 + rnd(80));
        bytes_add(b, "\n", 1);
        break;
    case 4: case 5: /* short, any byte but a newline, NULs included */
        add_random(b, 1 + rnd(200), 0);
        bytes_add(b, "\n", 1);
        break;
    case 6: /* CR LF */
        add_text(b, rnd(60));
        bytes_add(b, "\r\n", 2);
        break;
    case 7: /* longer than MAXLINE: the servers echo it in pieces */
        add_random(b, MAXLINE + 1 + rnd(60000), 0);
        bytes_add(b, "\n", 1);
        break;
    case 8: /* around the piece size: 8190..8194 bytes before the newline */
        add_random(b, MAXLINE - 2 + rnd(5), 0);
        bytes_add(b, "\n", 1);
        break;
    default: /* a run of NUL bytes, with or without a newline after it */
        bytes_add(b, zeros, 1 + rnd(sizeof(zeros)));
        if (rnd(2))
            bytes_add(b, "\n", 1);
        break;
    }
}

/* A payload: mostly small, some of tens of kilobytes, a few of up to 1 MB. */
static void make_payload(bytes_t *b)
{
    size_t pick = rnd(100), target;

    if (pick < 2)
        target = 0; /* connects and half-closes at once */
    else if (pick < 60)
        target = 1 + rnd(2000);
    else if (pick < 92)
        target = 2000 + rnd(62000);
    else
        target = 64000 + rnd(1000000);
    bytes_add(b, "", 0);
    while (b->len < target)
        add_line(b);
    if (b->len > 0 && rnd(2)) /* a last line with no newline */
        add_text(b, 1 + rnd(20));
}

/* ---- A client's life ---- */

void report(client_t *c, const char *fmt, ...)
{
    va_list ap;

    if (++tally->failures > MAX_REPORTS)
        return;
    printf("    FAIL client %ld (%s, %zu bytes, sent %zu, %zu echoed): ", c->id,
           kind_name[c->kind], c->data.len, c->sent, c->got);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

void client_end(client_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    bytes_free(&c->data);
    c->fd = -1;
}

void client_start(client_t *c, int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    size_t pick = rnd(100);

    memset(c, 0, sizeof(*c));
    c->id = tally->clients++;
    c->kind = pick < 70 ? ECHO : pick < 85 ? RESET : LEAVE;
    make_payload(&c->data);
    c->stop = c->data.len;
    c->progress = now_ms();
    if (c->kind == RESET) {
        c->stop = rnd(c->data.len + 1);
        c->leave_at = c->progress + (long long)rnd(50);
    } else if (c->kind == LEAVE)
        c->leave_at = c->progress + (long long)rnd(300);

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
        report(c, "socket: %s", strerror(errno));
        client_end(c);
        return;
    }
    set_nonblocking(c->fd);
    if (connect(c->fd, (SA *)&addr, sizeof(addr)) == 0)
        c->connected = 1;
    else if (errno != EINPROGRESS) {
        report(c, "connect: %s", strerror(errno));
        client_end(c);
    }
}

short client_events(const client_t *c)
{
    if (!c->connected)
        return POLLOUT;
    return (short)((c->kind != LEAVE ? POLLIN : 0) |
                   (c->sent < c->stop ? POLLOUT : 0));
}

/* Reads and checks what echo there is. Returns 0 to go on, -1 when over. */
static int client_read(client_t *c)
{
    char buf[65536];
    ssize_t n;

    while ((n = read(c->fd, buf, sizeof(buf))) > 0) {
        size_t k = (size_t)n, i = 0;
        if (c->got + k > c->sent) {
            report(c, "%zu bytes of echo for %zu sent", c->got + k, c->sent);
            return -1;
        }
        while (i < k && buf[i] == c->data.data[c->got + i])
            i++;
        if (i < k) {
            report(c, "corrupted echo at byte %zu", c->got + i);
            return -1;
        }
        c->got += k;
        tally->verified += k;
        c->progress = now_ms();
    }
    if (n < 0 && (would_wait(errno) || errno == EINTR))
        return 0;
    if (n < 0) {
        report(c, "read: %s", strerror(errno));
        return -1;
    }
    /* End of file: right only once all was sent, and all came back. */
    if (c->kind != ECHO || !c->shut || c->got != c->data.len)
        report(c, "the server closed the connection early");
    return -1;
}

/* Writes one piece of a random size: tiny, medium or all that is left. */
static int client_write(client_t *c)
{
    size_t left = c->stop - c->sent, pick = rnd(4), n = left;

    if (pick == 0)
        n = 1 + rnd(16);
    else if (pick == 1)
        n = 1 + rnd(4096);
    if (n > left)
        n = left;
    ssize_t w = write(c->fd, c->data.data + c->sent, n);
    if (w < 0 && (would_wait(errno) || errno == EINTR))
        return 0;
    if (w < 0) {
        report(c, "write: %s", strerror(errno));
        return -1;
    }
    c->sent += (size_t)w;
    tally->sent += (size_t)w;
    c->progress = now_ms();
    return 0;
}


/* Notes how a connect in progress ended, once poll reports it (revents):
 * -1 when it failed, else 0 (c->connected says whether it is done). */
static int client_connect_done(client_t *c, short revents, long long now)
{
    int err = 0;
    socklen_t len = sizeof(err);

    if (revents == 0)
        return 0;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
        report(c, "connect: %s", strerror(err));
        return -1;
    }
    c->connected = 1;
    c->progress = now;
    return 0;
}

/* Ends c as its kind does once it sent what it sends: echo half-closes
 * and reads on, reset resets, leave just goes. -1 when c is over. */
static int client_finish(client_t *c, long long now)
{
    switch (c->kind) {
    case ECHO:
        if (c->sent == c->data.len && !c->shut) {
            shutdown(c->fd, SHUT_WR); /* "that is all": echo the rest */
            c->shut = 1;
        }
        break;
    case RESET:
        if (c->sent == c->stop && now >= c->leave_at) {
            close_with_reset(c->fd);
            c->fd = -1;
            tally->resets++;
            return -1;
        }
        break;
    case LEAVE:
        if (c->sent == c->stop || now >= c->leave_at) {
            tally->leaves++;
            return -1;
        }
        break;
    }
    return 0;
}

int client_step(client_t *c, short revents, long long now)
{
    if (now - c->progress > STALL_MS) {
        report(c, "no progress for %d s", STALL_MS / 1000);
        return -1;
    }
    if (!c->connected) {
        if (client_connect_done(c, revents, now) < 0)
            return -1;
        if (!c->connected)
            return 0;
    }
    if (c->kind != LEAVE && (revents & (POLLIN | POLLHUP | POLLERR)) &&
        client_read(c) < 0)
        return -1;
    if ((revents & POLLOUT) && c->sent < c->stop && client_write(c) < 0)
        return -1;
    return client_finish(c, now);
}
