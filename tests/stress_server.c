/*
 * stress_server.c - the server under test in make stress (see stress.c):
 * started with its output in a pipe that is drained as the run goes (its
 * per-line log would fill a file with gigabytes; the end of it is kept
 * for reports), watched for death, and counted (threads, descriptors,
 * children) before and after the run to see it went back to idle.
 */
#include "stress.h"

#define IDLE_MS 5000 /* after the run, the server gets this long to be idle */

/* ---- Its output ---- */

void drain_log(server_proc_t *s)
{
    char buf[65536];
    ssize_t n;
    const size_t half = sizeof(s->log_tail) / 2;

    while ((n = read(s->logfd, buf, sizeof(buf))) > 0) {
        size_t k = (size_t)n;
        if (k >= half) {
            memcpy(s->log_tail, buf + k - half, half);
            s->log_len = half;
        } else {
            if (s->log_len + k > sizeof(s->log_tail) - 1) {
                size_t keep = half - k;
                memmove(s->log_tail, s->log_tail + s->log_len - keep, keep);
                s->log_len = keep;
            }
            memcpy(s->log_tail + s->log_len, buf, k);
            s->log_len += k;
        }
        s->log_tail[s->log_len] = '\0';
    }
}

/* The last n lines of what the server logged. */
static const char *last_lines(const server_proc_t *s, int n)
{
    const char *p = s->log_tail + s->log_len;

    if (p > s->log_tail && p[-1] == '\n')
        p--;
    while (p > s->log_tail && n > 0)
        if (*--p == '\n')
            n--;
    return p == s->log_tail ? p : p + 1;
}

/* ---- Its life ---- */

int server_running(server_proc_t *s)
{
    return s->pid > 0 && waitpid(s->pid, NULL, WNOHANG) == 0;
}

int server_died(server_proc_t *s)
{
    if (server_running(s))
        return 0;
    printf("    FAIL the server died; its last words:\n%s\n", last_lines(s, 5));
    tally->failures++;
    s->pid = -1;
    return 1;
}

int server_spawn(server_proc_t *s, const spec_t *spec)
{
    char *argv[6] = {(char *)spec->prog, "0"};
    int fds[2];

    for (int i = 0; i < spec->nargs; i++)
        argv[2 + i] = (char *)spec->args[i];
    if (pipe(fds) < 0)
        unix_error("pipe");
    s->pid = spawn_program(argv, -1, fds[1], fds[1]);
    close(fds[1]);
    s->logfd = fds[0];
    set_nonblocking(s->logfd);
    s->log_len = 0;
    s->log_tail[0] = '\0';
    for (long long deadline = now_ms() + 5000; now_ms() < deadline;) {
        const char *at;
        readable_within(s->logfd, 50);
        drain_log(s);
        if ((at = strstr(s->log_tail, "listening on port ")) != NULL &&
            strchr(at, '\n') != NULL)
            return s->port = atoi(at + strlen("listening on port "));
    }
    printf("    %s: no \"listening on port N\" line within 5 s: %s\n",
           spec->prog, s->log_tail);
    return -1;
}

void server_kill(server_proc_t *s)
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

int warm_up(server_proc_t *s)
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

/* ---- Is it idle? ---- */

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

/* Waits for the counts to settle after one client came and went, with
 * pool children: at most 5 s (without /proc, children reads -1 and never
 * settles). */
counts_t idle_counts(server_proc_t *s, int pool)
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

int back_to_idle(server_proc_t *s, counts_t idle, counts_t *after)
{
    long long deadline = now_ms() + IDLE_MS;

    do {
        sleep_ms(20);
        drain_log(s);
        *after = counts(s->pid);
    } while (!same_counts(*after, idle) && now_ms() < deadline);
    if (same_counts(*after, idle))
        return 1;
    printf("    FAIL not idle %d s after the run: threads %d, descriptors %d, "
           "children %d; before: %d, %d, %d\n", IDLE_MS / 1000, after->tasks,
           after->fds, after->children, idle.tasks, idle.fds, idle.children);
    return 0;
}
