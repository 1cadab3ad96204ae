/*
 * stress.c - make stress: each server against hundreds of clients at once
 * for a bounded time, with nothing lost. One thread drives every client
 * with non-blocking sockets and poll. A client is one of three kinds:
 *   echo   sends a random mix of short lines, CR LF lines, lines longer
 *          than 8192 bytes, runs of NUL bytes and a last line with or
 *          without a newline, in writes of random sizes while it reads,
 *          then half-closes; it must get back exactly what it sent, then
 *          end of file;
 *   reset  sends part of such a payload, stopping mid-line, checks the
 *          echo so far, then resets the connection (SO_LINGER 0);
 *   leave  sends without ever reading, then closes (a reset, since its
 *          echo is unread).
 * A finished client is replaced at once until the time is up. Then the
 * server must still be alive and back to idle: threads, descriptors and
 * children as before the run. A table sums up each server; the exit
 * status is 1 on any lost or corrupted byte, stalled client, dead or
 * non-idle server.
 * echoserveri is run with one client at a time (its model: any more would
 * only wait in the backlog). echoservert_pre runs 256 workers for 500
 * clients, so half of them wait their turn in its buffer and the backlog.
 * echoserverp_pre runs 256 worker processes for 500, the rest waiting in
 * the backlog.
 * Run: tests/bin/stress [-t SECONDS] [-s SEED] [SERVER...]  (make stress)
 */
#include "testlib.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <time.h>

#define STALL_MS 15000 /* a client with no progress for this long failed */
#define DRAIN_MS 30000 /* after the time is up, clients still running get this */
#define IDLE_MS 5000   /* and the server this long to be idle again */
#define MAX_REPORTS 10 /* failures described per server; the rest counted */

/* ---- The servers and how many clients each holds at once ---- */

typedef struct {
    const char *prog;
    const char *args[3]; /* after the port "0" */
    int concurrent;
    int pool; /* its children when idle: a preforked pool's size, else 0 */
} spec_t;

static const spec_t specs[] = {
    {"./echoserveri", {NULL}, 1, 0},
    {"./echoserverp", {NULL}, 500, 0},
    {"./echoserverp_pre", {"256", NULL}, 500, 256},
    {"./echoservers", {NULL}, 1000, 0}, /* below FD_SETSIZE with its own fds */
    {"./echoservert", {NULL}, 1000, 0},
    {"./echoservert_pre", {"256", "256", NULL}, 500, 0},
};

/* ---- Random numbers (xorshift64*: seeded, the run can be replayed) ---- */

static unsigned long long rng_state;

static unsigned long long rnd64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
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

/* ---- Clients ---- */

typedef enum { ECHO, RESET, LEAVE } kind_t;
static const char *kind_name[] = {"echo", "reset", "leave"};

typedef struct {
    int fd;          /* -1: the slot is free */
    kind_t kind;
    long id;         /* its number in this server's run */
    bytes_t data;    /* what it sends */
    size_t stop;     /* it sends data[0..stop), then (reset, leave) goes */
    size_t sent, got; /* bytes written; bytes of echo received and checked */
    int connected, shut;
    long long progress; /* when it last connected, sent or received */
    long long leave_at; /* reset, leave: not before (leave: at the latest) */
} client_t;

typedef struct {
    int concurrent;
    long clients, resets, leaves, failures;
    unsigned long long sent, verified;
    int alive, idle;
    char idle_note[96];
} tally_t;

static tally_t *tally;   /* the current server's */
static char log_tail[4096]; /* the end of the server's output, for reports */
static size_t log_len;

static void report(client_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records a failed client, described while there are few. */
static void report(client_t *c, const char *fmt, ...)
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

static void client_end(client_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    bytes_free(&c->data);
    c->fd = -1;
}

static void client_start(client_t *c, int port)
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
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    if (connect(c->fd, (SA *)&addr, sizeof(addr)) == 0)
        c->connected = 1;
    else if (errno != EINPROGRESS) {
        report(c, "connect: %s", strerror(errno));
        client_end(c);
    }
}

static short client_events(const client_t *c)
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
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
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
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
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

/* One client's turn after poll. Returns 0 to go on, -1 when it is over. */
static int client_step(client_t *c, short revents, long long now)
{
    if (now - c->progress > STALL_MS) {
        report(c, "no progress for %d s", STALL_MS / 1000);
        return -1;
    }
    if (!c->connected) {
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
    }
    if (c->kind != LEAVE && (revents & (POLLIN | POLLHUP | POLLERR)) &&
        client_read(c) < 0)
        return -1;
    if ((revents & POLLOUT) && c->sent < c->stop && client_write(c) < 0)
        return -1;
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

/* ---- The server under test ---- */

typedef struct {
    pid_t pid;
    int logfd; /* its stdout and stderr, drained as we go */
    int port;
} server_proc_t;

/* Reads what the server logged; keeps the end of it for reports. */
static void drain_log(server_proc_t *s)
{
    char buf[65536];
    ssize_t n;

    while ((n = read(s->logfd, buf, sizeof(buf))) > 0) {
        size_t k = (size_t)n;
        if (k >= sizeof(log_tail) / 2) {
            memcpy(log_tail, buf + k - sizeof(log_tail) / 2, sizeof(log_tail) / 2);
            log_len = sizeof(log_tail) / 2;
        } else {
            if (log_len + k > sizeof(log_tail) - 1) {
                size_t keep = sizeof(log_tail) / 2 - k;
                memmove(log_tail, log_tail + log_len - keep, keep);
                log_len = keep;
            }
            memcpy(log_tail + log_len, buf, k);
            log_len += k;
        }
        log_tail[log_len] = '\0';
    }
}

/* The last n lines of what the server logged. */
static const char *last_lines(int n)
{
    const char *p = log_tail + log_len;

    if (p > log_tail && p[-1] == '\n')
        p--;
    while (p > log_tail && n > 0)
        if (*--p == '\n')
            n--;
    return p == log_tail ? p : p + 1;
}

static int alive(server_proc_t *s)
{
    return s->pid > 0 && waitpid(s->pid, NULL, WNOHANG) == 0;
}

/*
 * Starts the server with its output in a pipe we drain (its per-line log
 * would fill a file with gigabytes), and reads its port, within 5 s.
 */
static int server_spawn(server_proc_t *s, const spec_t *spec)
{
    char *argv[6] = {(char *)spec->prog, "0"};
    int fds[2];

    for (int i = 0; i < 3 && spec->args[i] != NULL; i++)
        argv[2 + i] = (char *)spec->args[i];
    if (pipe(fds) < 0)
        unix_error("pipe");
    if ((s->pid = Fork()) == 0) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, STDIN_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        for (int fd = 3; fd < 65536 && fd < sysconf(_SC_OPEN_MAX); fd++)
            close(fd);
        signal(SIGPIPE, SIG_DFL); /* as from a shell: the server must cope */
        execv(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    s->logfd = fds[0];
    fcntl(s->logfd, F_SETFL, fcntl(s->logfd, F_GETFL) | O_NONBLOCK);
    log_len = 0;
    log_tail[0] = '\0';
    for (long long deadline = now_ms() + 5000; now_ms() < deadline;) {
        const char *at;
        readable_within(s->logfd, 50);
        drain_log(s);
        if ((at = strstr(log_tail, "listening on port ")) != NULL &&
            strchr(at, '\n') != NULL)
            return s->port = atoi(at + strlen("listening on port "));
    }
    printf("    %s: no \"listening on port N\" line within 5 s: %s\n",
           spec->prog, log_tail);
    return -1;
}

static void server_kill(server_proc_t *s)
{
    long long deadline = now_ms() + 2000;

    kill(s->pid, SIGTERM);
    while (waitpid(s->pid, NULL, WNOHANG) == 0) {
        if (now_ms() > deadline) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, NULL, 0);
            break;
        }
        drain_log(s);
        sleep_ms(10);
    }
    close(s->logfd);
}

/* What "idle" is: threads, descriptors and children with no client. */
typedef struct {
    int tasks, fds, children;
} counts_t;

static counts_t counts(pid_t pid)
{
    counts_t c = {proc_count(pid, "task"), proc_count(pid, "fd"), 0};
    int zombies;

    c.children = proc_children(pid, &zombies);
    return c;
}

static int same_counts(counts_t a, counts_t b)
{
    return a.tasks == b.tasks && a.fds == b.fds && a.children == b.children;
}

/* Waits for the counts to settle after one client came and went: at most
 * 5 s (without /proc, children reads -1 and never settles to 0). */
static counts_t idle_counts(server_proc_t *s, int pool)
{
    counts_t last = counts(s->pid), now;
    long long deadline = now_ms() + 5000;

    for (int stable = 0; stable < 5 && now_ms() < deadline;) {
        sleep_ms(50);
        drain_log(s);
        now = counts(s->pid);
        stable = same_counts(now, last) && now.children == pool ? stable + 1 : 0;
        last = now;
    }
    return last;
}

/* One plain client, before the run, so that lazy set-up (the spare
 * descriptor) is done when the idle counts are taken. */
static int warm_up(server_proc_t *s)
{
    static const char line[] = "warm up\n";
    int fd = tcp_connect("127.0.0.1", s->port);
    char buf[sizeof(line)];

    if (fd < 0)
        return -1;
    send_all(fd, line, sizeof(line) - 1);
    shutdown(fd, SHUT_WR);
    size_t got = recv_upto(fd, buf, sizeof(line) - 1, 5000);
    close(fd);
    if (got != sizeof(line) - 1 || memcmp(buf, line, got) != 0) {
        printf("    the warm-up client got %zu of %zu bytes back\n", got,
               sizeof(line) - 1);
        return -1;
    }
    return 0;
}

/* Drives `concurrent` clients at a time for `seconds`, then lets them end. */
static void drive(server_proc_t *s, int concurrent, int seconds)
{
    client_t *c = Calloc((size_t)concurrent, sizeof(client_t));
    struct pollfd *p = Calloc((size_t)concurrent + 1, sizeof(struct pollfd));
    long long start = now_ms(), end = start + seconds * 1000LL;
    long long hard_end = end + DRAIN_MS, checked = start;
    int active;

    for (int i = 0; i < concurrent; i++)
        c[i].fd = -1;
    for (;;) {
        long long now = now_ms();
        active = 0;
        for (int i = 0; i < concurrent; i++) {
            if (c[i].fd < 0 && now < end)
                client_start(&c[i], s->port);
            p[i].fd = c[i].fd;
            p[i].events = c[i].fd >= 0 ? client_events(&c[i]) : 0;
            active += c[i].fd >= 0;
        }
        p[concurrent].fd = s->logfd;
        p[concurrent].events = POLLIN;
        if (active == 0 && now >= end)
            break;
        if (now >= hard_end) {
            for (int i = 0; i < concurrent; i++)
                if (c[i].fd >= 0) {
                    report(&c[i], "still running %d s after the end",
                           DRAIN_MS / 1000);
                    client_end(&c[i]);
                }
            break;
        }
        poll(p, (nfds_t)concurrent + 1, 50);
        drain_log(s);
        now = now_ms();
        for (int i = 0; i < concurrent; i++)
            if (c[i].fd >= 0 && client_step(&c[i], p[i].revents, now) < 0)
                client_end(&c[i]);
        if (now - checked > 500) {
            checked = now;
            if (!alive(s)) {
                printf("    FAIL the server died; its last words:\n%s\n",
                       last_lines(5));
                tally->failures++;
                s->pid = -1;
                for (int i = 0; i < concurrent; i++)
                    client_end(&c[i]);
                break;
            }
        }
    }
    free(c);
    free(p);
}

static void run_server(const spec_t *spec, int concurrent, int seconds,
                       tally_t *t)
{
    server_proc_t s;

    memset(t, 0, sizeof(*t));
    memset(&s, 0, sizeof(s));
    t->concurrent = concurrent;
    tally = t;
    printf("==== %s: %d client%s at once for %d s ====\n", spec->prog + 2,
           concurrent, concurrent == 1 ? "" : "s", seconds);
    fflush(stdout);
    if (server_spawn(&s, spec) < 0 || warm_up(&s) < 0) {
        t->failures++;
        if (s.pid > 0)
            server_kill(&s);
        return;
    }
    counts_t idle = idle_counts(&s, spec->pool), after = idle;
    drive(&s, concurrent, seconds);

    t->alive = alive(&s);
    if (t->alive) { /* idle again: the counts as before, within IDLE_MS */
        long long deadline = now_ms() + IDLE_MS;
        do {
            sleep_ms(20);
            drain_log(&s);
            after = counts(s.pid);
        } while (!same_counts(after, idle) && now_ms() < deadline);
        t->idle = same_counts(after, idle);
        snprintf(t->idle_note, sizeof(t->idle_note), "%d/%d/%d",
                 after.tasks, after.fds, after.children);
        if (!t->idle)
            printf("    FAIL not idle %d s after the run: threads %d, "
                   "descriptors %d, children %d; before: %d, %d, %d\n",
                   IDLE_MS / 1000, after.tasks, after.fds, after.children,
                   idle.tasks, idle.fds, idle.children);
        server_kill(&s);
    } else {
        printf("    FAIL the server is dead\n");
        snprintf(t->idle_note, sizeof(t->idle_note), "dead");
    }
    if (t->failures > MAX_REPORTS)
        printf("    ... and %ld more failures\n", t->failures - MAX_REPORTS);
}

static int usage(void)
{
    fprintf(stderr, "usage: stress [-t SECONDS] [-s SEED] [SERVER...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    int seconds = 60, nspecs = sizeof(specs) / sizeof(specs[0]), bad = 0;
    unsigned long long seed = (unsigned long long)time(NULL) ^ (unsigned)getpid();
    tally_t results[sizeof(specs) / sizeof(specs[0])];
    int chosen[sizeof(specs) / sizeof(specs[0])] = {0}, any = 0;
    struct rlimit rl;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            seconds = atoi(argv[++i]);
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else {
            int found = 0;
            for (int k = 0; k < nspecs; k++)
                if (strcmp(argv[i], specs[k].prog + 2) == 0)
                    chosen[k] = found = any = 1;
            if (!found)
                return usage();
        }
    }
    if (seconds < 1)
        return usage();
    signal(SIGPIPE, SIG_IGN); /* a reset peer is a failed write, not death */
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* As many descriptors as the hard limit allows; the servers inherit it. */
    set_nofile_limit(RLIM_INFINITY);
    getrlimit(RLIMIT_NOFILE, &rl);
    rng_state = seed * 2654435761ULL + 1;
    printf("stress: seed %llu (replay the mix with -s %llu), descriptor "
           "limit %llu\n", seed, seed, (unsigned long long)rl.rlim_cur);

    for (int k = 0; k < nspecs; k++) {
        int concurrent = specs[k].concurrent;
        if (any && !chosen[k]) {
            results[k].clients = -1;
            continue;
        }
        /* The server needs a descriptor per client, and so do we. */
        if (rl.rlim_cur != RLIM_INFINITY && (rlim_t)concurrent + 64 > rl.rlim_cur)
            concurrent = rl.rlim_cur > 65 ? (int)rl.rlim_cur - 64 : 1;
        run_server(&specs[k], concurrent, seconds, &results[k]);
        bad += results[k].failures > 0 || !results[k].alive || !results[k].idle;
    }

    printf("\n| server | at once | clients | bytes sent | bytes verified | "
           "resets | left unread | failures | idle after (thr/fd/child) |\n"
           "|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (int k = 0; k < nspecs; k++) {
        tally_t *t = &results[k];
        if (t->clients < 0)
            continue;
        printf("| %s | %d | %ld | %llu | %llu | %ld | %ld | %ld | %s %s |\n",
               specs[k].prog + 2, t->concurrent, t->clients, t->sent,
               t->verified, t->resets, t->leaves, t->failures,
               t->idle ? "yes" : "NO", t->idle_note);
    }
    printf("stress: %s\n", bad ? "FAILED" : "every byte came back");
    return bad ? 1 : 0;
}
