/*
 * eb_traffic.c - one echobench worker thread: keeps each of its clients'
 * windows full of lines and checks every byte that comes back against
 * what that client sent, line by line, as it arrives.
 * A line is "IIIIIIII SSSSSSSSSSSS " (client id and sequence number in hex),
 * then printable filler that differs from offset to offset, then '\n'; so
 * a byte from another client, another line or another offset is caught at
 * once, and reported with the client, line and offset where it differs.
 * The clients of a worker are touched by that worker only; what the main
 * thread reads while it runs is atomic (see echobench.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "csapp.h"
#include "echobench.h"

static char *filler;               /* the line template every client sends */
atomic_int served_clients;
atomic_int closed_clients;
_Atomic uint64_t measure_from_ns;
_Atomic uint64_t stop_at_ns;
_Atomic uint64_t give_up_ns;

/* Write "%08x %012x " of (id, seq) without printf: it runs once per line. */
void make_header(char *h, uint32_t id, uint64_t seq)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 7; i >= 0; i--, id >>= 4)
        h[i] = hex[id & 15];
    h[8] = ' ';
    for (int i = 20; i >= 9; i--, seq >>= 4)
        h[i] = hex[seq & 15];
    h[21] = ' ';
}

void make_line(char *line, uint32_t id, uint64_t seq)
{
    memcpy(line, filler, (size_t)opt.line_bytes);
    make_header(line, id, seq);
}

void make_filler(void)
{
    size_t s = (size_t)opt.line_bytes;
    filler = Malloc(s);
    for (size_t i = 0; i < s; i++)   /* printable, and differs from offset to offset */
        filler[i] = (char)('!' + (i * 7) % 94);
    filler[s - 1] = '\n';
}

static void client_close(worker_t *w, client_t *c)
{
    close(c->fd);
    c->fd = -1;
    closed_clients++;
    w->pending -= c->sent - c->done;
    w->dropped++;
}

/* ---------- sending ---------- */

/* Append lines to the client's output while its window and buffer allow. */
static void queue_lines(worker_t *w, client_t *c, uint64_t now)
{
    size_t s = (size_t)opt.line_bytes;
    if (c->opos == c->olen) {
        c->opos = c->olen = 0;
    } else if (c->opos > 0 && c->olen + s > c->ocap) {
        memmove(c->out, c->out + c->opos, c->olen - c->opos);
        c->olen -= c->opos;
        c->opos = 0;
    }
    while (now < stop_at_ns && c->sent - c->done < (uint64_t)opt.in_flight &&
           c->olen + s <= c->ocap && (w->limit == 0 || c->sent < w->limit)) {
        make_line(c->out + c->olen, c->id, c->sent);
        c->t_sent[c->sent % (uint64_t)opt.in_flight] = now;
        c->olen += s;
        c->sent++;
        w->pending++;
    }
}

/* Queue what the window allows and write what the socket takes. -1: connection lost. */
static int client_send(worker_t *w, client_t *c)
{
    queue_lines(w, c, now_ns());
    while (c->opos < c->olen) {
        size_t want = c->olen - c->opos;
        ssize_t n = write(c->fd, c->out + c->opos, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && would_wait(errno))
            break;
        if (n < 0)
            return -1;
        c->opos += (size_t)n;
        c->wbytes += (uint64_t)n;
        if ((size_t)n < want)      /* socket buffer full: wait for EPOLLOUT */
            break;
    }
    bool need_out = c->opos < c->olen;
    if (need_out != c->want_out) {
        poller_set(w, c, need_out);
        c->want_out = need_out;
    }
    return 0;
}

/* ---------- receiving and verifying ---------- */

static void report_mismatch(const client_t *c, const char *got, const char *want,
                            size_t off)
{
    size_t i = 0;
    while (got[i] == want[i])
        i++;
    unsigned char g = (unsigned char)got[i], e = (unsigned char)want[i];
    fail("echo mismatch: client %u line %llu byte offset %zu: expected 0x%02x '%c', "
         "got 0x%02x '%c'", (unsigned)c->id, (unsigned long long)c->done, off + i,
         e, e >= 32 && e < 127 ? e : '?', g, g >= 32 && g < 127 ? g : '?');
}

/* Compare n received bytes with what line `done` held at offset rpos. */
bool echo_matches(const client_t *c, const char *p, size_t n)
{
    size_t off = c->rpos, h = 0;
    if (off < HDR_BYTES) {
        h = n < HDR_BYTES - off ? n : HDR_BYTES - off;
        if (memcmp(p, c->hdr + off, h) != 0) {
            report_mismatch(c, p, c->hdr + off, off);
            return false;
        }
    }
    if (n > h && memcmp(p + h, filler + off + h, n - h) != 0) {
        report_mismatch(c, p + h, filler + off + h, off + h);
        return false;
    }
    return true;
}

static void line_done(worker_t *w, client_t *c, uint64_t now)
{
    uint64_t t0 = c->t_sent[c->done % (uint64_t)opt.in_flight];
    if (now >= measure_from_ns && now < stop_at_ns) {
        hist_add(&w->hist, now - t0);
        w->lines++;
        c->counted++;
    }
    if (c->done == 0)
        served_clients++;
    c->done++;
    c->rpos = 0;
    w->pending--;
    make_header(c->hdr, c->id, c->done);
}

static int consume(worker_t *w, client_t *c, const char *p, size_t n)
{
    size_t s = (size_t)opt.line_bytes;
    uint64_t now = now_ns();
    while (n > 0) {
        size_t take = s - c->rpos < n ? s - c->rpos : n;
        if (!echo_matches(c, p, take))
            return -1;
        c->rpos += take;
        p += take;
        n -= take;
        if (c->rpos == s)
            line_done(w, c, now);
    }
    return 0;
}

/* Read once (the poller is level-triggered). -1: connection lost or bad echo. */
static int client_recv(worker_t *w, client_t *c)
{
    ssize_t n = read(c->fd, w->rbuf, READBUF);
    if (n < 0 && (would_wait(errno) || errno == EINTR))
        return 0;
    if (n <= 0)
        return -1;
    if (c->rbytes + (uint64_t)n > c->wbytes) {
        fail("client %u: server echoed %llu bytes but was sent only %llu",
             (unsigned)c->id, (unsigned long long)(c->rbytes + (uint64_t)n),
             (unsigned long long)c->wbytes);
        return -1;
    }
    c->rbytes += (uint64_t)n;
    return consume(w, c, w->rbuf, (size_t)n);
}

/* ---------- the per-thread event loop ---------- */

static void drop(worker_t *w, client_t *c, const char *why)
{
    if (failed)
        return;
    report_drop(c, why);
    client_close(w, c);
}

static void handle(worker_t *w, client_t *c, int rev)
{
    if (c->fd < 0)
        return;
    errno = 0;
    if ((rev & EV_IN) && client_recv(w, c) < 0) {
        drop(w, c, errno ? strerror(errno) : "connection closed by server");
        return;
    }
    if (client_send(w, c) < 0)
        drop(w, c, strerror(errno));
}

static bool worker_finished(const worker_t *w, uint64_t now)
{
    if (failed || now >= give_up_ns)
        return true;
    if (opt.fair && now >= stop_at_ns)
        return true; /* a client a pool never served never will: no drain */
    if (w->pending > 0)
        return false;
    if (now >= stop_at_ns)
        return true;
    if (w->limit == 0)
        return false;
    for (int i = 0; i < w->nc; i++)   /* -i mode: has every client had its turn? */
        if (w->c[i].fd >= 0 && w->c[i].sent < w->limit)
            return false;
    return true;
}

void *worker_main(void *arg)
{
    worker_t *w = arg;
    size_t max = w->nc > MAX_EVENTS ? (size_t)w->nc : MAX_EVENTS;  /* poll() may report all */
    ready_t r = { Calloc(max, sizeof(int)), Calloc(max, sizeof(int)) };
    for (int i = 0; i < w->nc; i++)
        handle(w, &w->c[i], 0);           /* fill every window */
    while (!worker_finished(w, now_ns())) {
        int n = poller_wait(w, &r, TICK_MS);
        for (int i = 0; i < n && !failed; i++)
            handle(w, &w->c[r.idx[i]], r.rev[i]);
    }
    free(r.idx);
    free(r.rev);
    return NULL;
}
