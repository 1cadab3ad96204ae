/*
 * server_ctl.c - the harness's part that runs servers in the background;
 * see testlib.h. A server's stdout and stderr go to a log file that the
 * tests read as it grows (its "listening on port N" line, "Connected to"
 * lines, error reports). Every server a test starts is recorded, so the
 * runner can kill the ones still running when the test ends.
 */
#include "testlib.h"

#include <stdarg.h>

#define MAX_SERVERS 64

/* ---- Servers this test started, killed when it ends ---- */

static server_t *servers[MAX_SERVERS];
static int nservers;

void kill_servers(void)
{
    for (int i = 0; i < nservers; i++)
        if (servers[i]->status == -1 && servers[i]->pid > 0) {
            kill(servers[i]->pid, SIGKILL);
            waitpid(servers[i]->pid, NULL, 0);
            servers[i]->status = 128 + SIGKILL;
        }
    for (int i = 0; i < nservers; i++)
        unlink(servers[i]->log);
    nservers = 0;
}

/* ---- A running server: its log and its state ---- */

char *server_log(server_t *s)
{
    bytes_t b = {0};
    int fd = open(s->log, O_RDONLY);

    if (fd >= 0) {
        drain_fd(fd, &b);
        close(fd);
    }
    bytes_add(&b, "", 0);
    return b.data;
}

int server_log_count(server_t *s, const char *needle)
{
    char *log = server_log(s), *p = log;
    int count = 0;

    while ((p = strstr(p, needle)) != NULL) {
        count++;
        p += strlen(needle);
    }
    free(log);
    return count;
}

static void reap_if_exited(server_t *s)
{
    int status;
    if (s->status == -1 && waitpid(s->pid, &status, WNOHANG) == s->pid)
        s->status = exit_code(status);
}

int server_alive(server_t *s)
{
    reap_if_exited(s);
    return s->status == -1;
}

int server_log_wait(server_t *s, const char *needle, int count, int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);

    for (;;) {
        if (server_log_count(s, needle) >= count)
            return 0;
        if (ms_left(deadline) == 0)
            return -1;
        sleep_ms(5);
    }
}

int server_signal_wait(server_t *s, int sig, int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);

    if (server_alive(s))
        kill(s->pid, sig);
    while (server_alive(s) && ms_left(deadline) > 0)
        sleep_ms(2);
    return server_alive(s) ? -1 : 0;
}

/* ---- Starting one ---- */

static int read_port(server_t *s, long long deadline)
{
    static const char marker[] = "listening on port ";

    for (;;) {
        char *log = server_log(s), *at = strstr(log, marker);
        int port = at ? atoi(at + strlen(marker)) : -1;
        int has_newline = at && strchr(at, '\n') != NULL;
        free(log);
        if (port >= 0 && has_newline)
            return port;
        if (!server_alive(s) || ms_left(deadline) == 0)
            return -1;
        sleep_ms(5);
    }
}

/* Copies a server's stdout pipe into its log file until the server and
 * its children are gone; the pipe and a descriptor for the log in one
 * malloc'd pair. */
static void *relay_stdout(void *arg)
{
    int *fds = arg; /* [0] the pipe's read end, [1] the log */
    char buf[65536];
    ssize_t n;

    while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && rio_writen(fds[1], buf, (size_t)n) < 0)
            break;
    close(fds[0]);
    close(fds[1]);
    free(fds);
    return NULL;
}

/* Makes the server's stdout a pipe that a thread of ours drains into
 * logfd; returns the write end for the server. */
static int stdout_pipe(int logfd)
{
    int p[2], *fds = Malloc(2 * sizeof(int));
    pthread_t tid;

    if (pipe(p) < 0 || (fds[1] = dup(logfd)) < 0)
        unix_error("stdout pipe");
    fds[0] = p[0];
    Pthread_create(&tid, NULL, relay_stdout, fds);
    Pthread_detach(tid);
    return p[1];
}

/* stdinfd -1: the server reads /dev/null, as a daemon would. With
 * piped_stdout its stdout is a pipe, else the log file itself. */
static pid_t spawn_server(server_t *s, char *const argv[], int stdinfd,
                          int piped_stdout)
{
    int logfd = mkstemp(s->log), outfd;
    pid_t pid;

    if (logfd < 0)
        unix_error("mkstemp");
    outfd = piped_stdout ? stdout_pipe(logfd) : logfd;
    pid = spawn_program(argv, stdinfd, outfd, logfd);
    if (outfd != logfd)
        close(outfd);
    close(logfd);
    return pid;
}

/* Fills argv[16] with prog and the NULL-terminated arguments in ap. */
static void collect_args(char *argv[16], const char *prog, va_list ap)
{
    int argc = 0;

    argv[argc++] = (char *)prog;
    while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
        argc++;
    argv[argc] = NULL;
}

static int start_argv(server_t *s, char *argv[], int stdinfd,
                      int piped_stdout)
{
    const char *prog = argv[0];

    memset(s, 0, sizeof(*s));
    strcpy(s->log, "/tmp/echotest-XXXXXX");
    s->status = -1;
    s->pid = spawn_server(s, argv, stdinfd, piped_stdout);
    if (nservers < MAX_SERVERS)
        servers[nservers++] = s;
    s->port = read_port(s, now_ms() + scaled(5000));
    if (s->port <= 0) {
        char *log = server_log(s);
        CHECK(0, "%s: no 'listening on port N' line within 5 s; its output: %s",
              prog, log);
        free(log);
        return -1;
    }
    return 0;
}

int server_start(server_t *s, const char *prog, ...)
{
    char *argv[16];
    va_list ap;

    va_start(ap, prog);
    collect_args(argv, prog, ap);
    va_end(ap);
    return start_argv(s, argv, -1, 0);
}

int server_start_stdout_piped(server_t *s, const char *prog, ...)
{
    char *argv[16];
    va_list ap;

    va_start(ap, prog);
    collect_args(argv, prog, ap);
    va_end(ap);
    return start_argv(s, argv, -1, 1);
}

int server_start_piped(server_t *s, int *to_stdin, const char *prog, ...)
{
    char *argv[16];
    int fds[2], rc;
    va_list ap;

    va_start(ap, prog);
    collect_args(argv, prog, ap);
    va_end(ap);
    if (pipe(fds) < 0)
        unix_error("pipe");
    rc = start_argv(s, argv, fds[0], 0);
    close(fds[0]);
    *to_stdin = fds[1];
    return rc;
}
