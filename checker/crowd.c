/*
 * crowd.c - many clients at once, each with a line of its own: all
 * connect together, each sends its line, reads its echo and leaves. What
 * comes back is compared per client, so a line that reaches the wrong
 * client (cross-talk) or none (unanswered) is named. One poll loop, no
 * threads; it gives up when nothing has moved for WAIT_MS.
 */
#include "echocheck.h"

#include <poll.h>

#define LINE_LEN 48

typedef struct {
    int fd;
    char line[LINE_LEN + 1];  /* what it sends: "client 007 of 100: ..." */
    char got[LINE_LEN * 2];   /* what came back so far */
    size_t sent, got_n;
    int done;                 /* 1: answered right, 2: wrong, 3: error */
} member_t;

/* A line unique to client i: its number and a token from a mix of it. */
static void make_line(member_t *m, int i, int n)
{
    unsigned long long x = (unsigned long long)(i + 1) * 0x9E3779B97F4A7C15ULL;
    char text[64];
    int len = snprintf(text, sizeof(text), "client %03d of %03d: %016llx ",
                       (i + 1) % 1000, n % 1000, x ^ (x >> 29));
    memset(m->line, '.', LINE_LEN);
    memcpy(m->line, text, len < LINE_LEN ? (size_t)len : LINE_LEN - 1);
    m->line[LINE_LEN - 1] = '\n';
    m->line[LINE_LEN] = '\0';
}

/* One client's turn: send, read, judge. Returns 1 when something moved. */
static int member_step(member_t *m, short revents)
{
    int moved = 0;

    if ((revents & POLLOUT) && m->sent < LINE_LEN) {
        ssize_t n = send(m->fd, m->line + m->sent, LINE_LEN - m->sent,
                         MSG_NOSIGNAL);
        if (n > 0)
            m->sent += (size_t)n, moved = 1;
        else if (n < 0 && !would_wait(errno))
            m->done = 3;
    }
    if ((revents & (POLLIN | POLLHUP | POLLERR)) && !m->done) {
        ssize_t n =
            recv(m->fd, m->got + m->got_n, sizeof(m->got) - m->got_n, 0);
        if (n > 0)
            m->got_n += (size_t)n, moved = 1;
        else if (n == 0 || !would_wait(errno))
            m->done = 3, moved = 1;
        if (m->got_n >= LINE_LEN)
            m->done = memcmp(m->got, m->line, LINE_LEN) == 0 ? 1 : 2;
    }
    if (m->done) {
        close(m->fd);
        m->fd = -1;
    }
    return moved;
}

/* Polls every client still going once; returns 1 when something moved,
 * 0 when nothing did, -1 when none is left. */
static int crowd_round(member_t *m, int n, struct pollfd *p)
{
    int k = 0, moved = 0;

    for (int i = 0; i < n; i++)
        if (m[i].fd >= 0) {
            p[k].fd = m[i].fd;
            p[k].events = POLLIN | (m[i].sent < LINE_LEN ? POLLOUT : 0);
            p[k++].revents = 0;
        }
    if (k == 0)
        return -1;
    if (poll(p, (nfds_t)k, 50) <= 0)
        return 0;
    for (int i = 0, j = 0; i < n; i++)
        if (m[i].fd >= 0 && m[i].fd == p[j].fd)
            moved |= member_step(&m[i], p[j++].revents);
    return moved;
}

/* Says what went wrong: cross-talk first, then the unanswered. Returns
 * how many clients got bytes that were not theirs. */
static int crowd_verdict(member_t *m, int n, int answered, result_t *r)
{
    int wrong = 0, lost = 0, bytes = 0;
    char a[80], b[80];

    for (int i = 0; i < n; i++) {
        wrong += m[i].done == 2, lost += m[i].done != 1 && m[i].done != 2;
        bytes += m[i].got_n > 0;
    }
    if (bytes == 0)
        observe(r, EV_NOTHING_BACK); /* not one byte, to any of them */
    fail(r, "%d of %d clients got their own line back (%d got other bytes, "
         "%d nothing)", answered, n, wrong, lost);
    for (int i = 0, shown_n = 0; i < n && shown_n < 3; i++)
        if (m[i].done == 2 || (m[i].done != 1 && shown_n < 3 && wrong == 0)) {
            note(r, "client %d sent %s", i + 1,
                 shown(m[i].line, LINE_LEN, a, 64));
            note(r, "  and got %s%s", shown(m[i].got, m[i].got_n, b, 64),
                 m[i].done == 3 ? ", then the connection closed" : "");
            shown_n++;
        }
    return wrong;
}

/* The clients still waiting shut down their sending side: when each of
 * them then gets its own line, the server held the echo back until its
 * client stopped sending (what echo_once's try_held sees for one). */
static void try_held_crowd(member_t *m, int n, struct pollfd *p, result_t *r)
{
    int waiting = 0, came = 0;
    long long end = now_ms() + ms(1000);

    for (int i = 0; i < n; i++) {
        came -= m[i].done == 1; /* those answered before do not count */
        if (m[i].fd >= 0 && m[i].sent == LINE_LEN) {
            shutdown(m[i].fd, SHUT_WR);
            waiting++;
        }
    }
    while (waiting > 0 && now_ms() < end && crowd_round(m, n, p) >= 0)
        ;
    for (int i = 0; i < n; i++)
        came += m[i].done == 1;
    if (waiting == 0 || came < waiting)
        return;
    note(r, "once the %d clients still waiting shut down their sending "
            "side, each got its line", waiting);
    observe(r, EV_HELD_TO_EOF);
}

int many_clients(int port, int n, int *crossed, result_t *r)
{
    member_t *m = Calloc((size_t)n, sizeof(member_t));
    struct pollfd *p = Calloc((size_t)n, sizeof(struct pollfd));
    int answered = 0, rc;
    long long last = now_ms();

    *crossed = 0;
    for (int i = 0; i < n; i++) {
        make_line(&m[i], i, n);
        if ((m[i].fd = cl_connect_later(port)) < 0)
            m[i].done = 3;
    }
    while ((rc = crowd_round(m, n, p)) >= 0 && now_ms() - last < WAIT_MS)
        if (rc > 0)
            last = now_ms();
    for (int i = 0; i < n; i++)
        answered += m[i].done == 1;
    if (answered < n) {
        *crossed = crowd_verdict(m, n, answered, r);
        if (rc >= 0) {
            note(r, "nothing moved for %d ms before it gave up", WAIT_MS);
            try_held_crowd(m, n, p, r);
        }
    }
    for (int i = 0; i < n; i++)
        if (m[i].fd >= 0)
            close(m[i].fd);
    free(m);
    free(p);
    return answered;
}
