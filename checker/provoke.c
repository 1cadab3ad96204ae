/*
 * provoke.c - whether a check provoked the condition it tests. A check
 * that passes without having met its condition (a reset that never
 * reached the server, a limit never reached) proves nothing and passes
 * by luck; it fails instead as "not provoked: <what was missing>", which
 * is echocheck's fault, not the server's (CAUSE_NOT_PROVOKED). What is
 * observed from outside: the connections' states in /proc/net/tcp and
 * tcp6 (Linux; elsewhere unknown, and the check relies on how it
 * provokes), the bytes waiting in a client's own socket, and the
 * server's descriptors.
 */
#include "echocheck.h"

#include <netinet/in.h>

void not_provoked(result_t *r, const char *fmt, ...)
{
    char what[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    fail(r, "not provoked: %s", what);
    observe(r, EV_NOT_PROVOKED);
    blame(r, CAUSE_NOT_PROVOKED);
}

int local_port(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);

    if (getsockname(fd, (SA *)&a, &len) < 0 || a.sin_family != AF_INET)
        return 0;
    return ntohs(a.sin_port);
}

/* The state of the entry with ports lport and rport in one table, or 0. */
static int state_in(const char *table, int lport, int rport)
{
    FILE *f = fopen(table, "r");
    char line[512];
    int state = 0;

    if (f == NULL)
        return 0;
    while (state == 0 && fgets(line, sizeof(line), f)) {
        char local[128], remote[128];
        unsigned st, lp, rp;
        if (sscanf(line, " %*s %127s %127s %x", local, remote, &st) != 3)
            continue;
        char *lc = strrchr(local, ':'), *rc = strrchr(remote, ':');
        if (lc && rc && sscanf(lc + 1, "%x", &lp) == 1 &&
            sscanf(rc + 1, "%x", &rp) == 1 && (int)lp == lport &&
            (int)rp == rport)
            state = (int)st;
    }
    fclose(f);
    return state;
}

int tcp_state(int lport, int rport)
{
    if (!have_procfs())
        return -1;
    int st = state_in("/proc/net/tcp", lport, rport);
    return st ? st : state_in("/proc/net/tcp6", lport, rport);
}

int wait_tcp_gone(int lport, int rport, int millis)
{
    long long end = now_ms() + millis;
    int st;

    while ((st = tcp_state(lport, rport)) > 0 && now_ms() < end)
        nap(5);
    return st < 0 ? -1 : st == 0;
}

size_t bytes_waiting(int fd)
{
    static char scrap[1 << 16];
    ssize_t n = recv(fd, scrap, sizeof(scrap), MSG_PEEK | MSG_DONTWAIT);
    return n > 0 ? (size_t)n : 0;
}

int group_stop(instance_t *in)
{
    if (in->pid == 0 || in->reaped)
        return -1;
    kill(-in->pid, SIGSTOP); /* its children and threads too */
    return inst_pause(in);   /* and the leader, for certain, stopped */
}

void group_continue(instance_t *in)
{
    if (in->pid != 0) /* its children, even when the leader has ended */
        kill(-in->pid, SIGCONT);
}
