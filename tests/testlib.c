/*
 * testlib.c - the test harness; see testlib.h. Each test runs in a child
 * process that leads its own process group, so whatever a test starts
 * (servers, their children, clients) can be killed together when it ends,
 * even if the test itself crashed or hung.
 */
#include "testlib.h"

#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <time.h>

#define TEST_LIMIT_S 45  /* a test still running by then has hung */
#define MAX_SERVERS 64
#define SKIP_STATUS 77   /* a test's exit status meaning "skipped" */

/* ---- Clocks ---- */

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms) { poll(NULL, 0, ms); }

/*
 * Under valgrind or a sanitizer everything runs several times slower;
 * TEST_TIME_SCALE stretches every bounded wait (and the contract's time
 * limits) so those runs check behaviour, not speed.
 */
int scaled(int ms)
{
    static int scale;
    if (scale == 0) {
        const char *env = getenv("TEST_TIME_SCALE");
        scale = env && atoi(env) > 0 ? atoi(env) : 1;
    }
    return ms * scale;
}

int running_under(const char *checker)
{
    const char *env = getenv("TEST_SANITIZER");
    return env != NULL && (checker == NULL || strcmp(env, checker) == 0);
}

static int ms_left(long long deadline)
{
    long long left = deadline - now_ms();
    return left > 0 ? (int)left : 0;
}

/* ---- Checks ---- */

static int failures; /* failed checks in the current test (its own process) */

int check_(int ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    if (ok)
        return 1;
    failures++;
    printf("    %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return 0;
}

/* ---- Servers this test started, killed when it ends ---- */

static server_t *servers[MAX_SERVERS];
static int nservers;

static void kill_servers(void)
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

static void on_test_timeout(int sig)
{
    (void)sig;
    static const char msg[] = "    test timed out\n";
    write(STDOUT_FILENO, msg, sizeof(msg) - 1);
    _exit(3); /* the runner kills the test's process group */
}

/* ---- The runner ---- */

static int selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

void skip_test(const char *why)
{
    printf("    skipped: %s\n", why);
    kill_servers();
    fflush(stdout);
    _exit(SKIP_STATUS);
}

static void child_runs(const test_t *t, int outfd)
{
    setpgid(0, 0);
    dup2(outfd, STDOUT_FILENO);
    dup2(outfd, STDERR_FILENO);
    close(outfd);
    signal(SIGALRM, on_test_timeout);
    alarm((unsigned)scaled(TEST_LIMIT_S));
    t->run();
    kill_servers();
    fflush(stdout);
    _exit(failures > 0 ? 1 : 0);
}

/*
 * Reads the test's output until end of file. A process the test started
 * may keep the pipe open after the test itself timed out, so the read has
 * its own deadline: past it, the test's whole process group is killed and
 * what is left is read, for two seconds at most. Returns 1 if it had to
 * kill: the test counts as failed then, whatever its status.
 */
static int collect_output(int fd, pid_t pgid, bytes_t *out)
{
    static const char killed_msg[] = "    test hung: its process group killed\n";
    long long deadline = now_ms() + 1000LL * (scaled(TEST_LIMIT_S) + 5);
    int killed = 0;
    char buf[4096];

    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (ms_left(deadline) == 0) {
            if (killed)
                return killed;
            kill(-pgid, SIGKILL);
            killed = 1;
            bytes_add(out, killed_msg, sizeof(killed_msg) - 1);
            deadline = now_ms() + 2000;
        }
        if (poll(&p, 1, ms_left(deadline)) <= 0)
            continue; /* EINTR or the deadline: checked above */
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n > 0)
            bytes_add(out, buf, (size_t)n);
        else if (n == 0 || errno != EINTR)
            return killed;
    }
}

/*
 * Runs one test; collects its output so its verdict line comes first.
 * Returns 1 passed, 0 failed, -1 skipped.
 */
static int run_one(const char *group, const test_t *t)
{
    int fds[2], status;
    bytes_t out = {0};
    pid_t pid;

    fflush(stdout);
    if (pipe(fds) < 0)
        unix_error("pipe");
    if ((pid = Fork()) == 0) {
        close(fds[0]);
        child_runs(t, fds[1]);
    }
    close(fds[1]);
    setpgid(pid, pid); /* also here: no race with the child's own call */
    int hung = collect_output(fds[0], pid, &out);
    close(fds[0]);
    waitpid(pid, &status, 0);
    kill(-pid, SIGKILL); /* anything the test started and left behind */

    int passed = !hung && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    int skipped = !hung && WIFEXITED(status) && WEXITSTATUS(status) == SKIP_STATUS;
    printf("%s %s %s\n", passed ? "PASS" : skipped ? "SKIP" : "FAIL", group,
           t->name);
    if (!passed && WIFSIGNALED(status))
        printf("    test crashed with signal %d\n", WTERMSIG(status));
    if (out.len > 0)
        fwrite(out.data, 1, out.len, stdout);
    bytes_free(&out);
    return skipped ? -1 : passed;
}

int run_tests(const char *group, const test_t *tests, size_t ntests,
              int argc, char **argv)
{
    int failed = 0;

    signal(SIGPIPE, SIG_IGN); /* a peer that vanished is a failed check */
    for (size_t i = 0; i < ntests; i++)
        if (selected(tests[i].name, argc, argv) && run_one(group, &tests[i]) == 0)
            failed++;
    fflush(stdout);
    return failed > 0 ? 1 : 0;
}

/* ---- Byte buffers ---- */

void bytes_add(bytes_t *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = Realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0'; /* so text output can be searched with strstr */
}

void bytes_free(bytes_t *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

char *random_bytes(size_t n, unsigned seed)
{
    char *buf = Malloc(n);
    unsigned long x = seed * 2654435761UL + 1;

    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        buf[i] = (char)(x >> 56);
    }
    return buf;
}

/* ---- Running a program to completion ---- */

static void set_nonblocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/*
 * A child must not inherit the test's own sockets: a copy held open by a
 * server or client would keep a connection alive after the test closed it.
 */
static void close_inherited_fds(void)
{
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        close(fd);
}

/*
 * Runs argv, under valgrind when its name is listed in TEST_VALGRIND (make
 * check-valgrind sets it), writing one log per process into
 * TEST_VALGRIND_LOGS for the caller to inspect.
 */
static void exec_program(char *const argv[])
{
    const char *wanted = getenv("TEST_VALGRIND"), *logs = getenv("TEST_VALGRIND_LOGS");
    const char *slash = strrchr(argv[0], '/'), *name = slash ? slash + 1 : argv[0];
    char pattern[64], logfile[4096], *vargv[64];
    int n = 0;

    snprintf(pattern, sizeof(pattern), " %s ", name);
    if (wanted && logs && strstr(wanted, pattern) != NULL) {
        snprintf(logfile, sizeof(logfile), "--log-file=%s/%s.%%p.log", logs, name);
        vargv[n++] = "valgrind";
        vargv[n++] = "--leak-check=full";
        vargv[n++] = "--errors-for-leak-kinds=definite";
        vargv[n++] = logfile;
        for (int i = 0; argv[i] != NULL && n < 63; i++)
            vargv[n++] = argv[i];
        vargv[n] = NULL;
        execvp("valgrind", vargv);
    }
    execv(argv[0], argv);
    fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static pid_t spawn(char *const argv[], int in[2], int out[2], int err[2])
{
    pid_t pid;

    if (pipe(in) < 0 || pipe(out) < 0 || pipe(err) < 0)
        unix_error("pipe");
    if ((pid = Fork()) == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close_inherited_fds();
        signal(SIGPIPE, SIG_DFL);
        exec_program(argv);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    return pid;
}

/* Drains fd into b; returns 0 once it reached end of file. */
static int drain(int fd, bytes_t *b)
{
    char buf[65536];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0)
        bytes_add(b, buf, (size_t)n);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 1;
    return 0; /* end of file, or an error such as a reset: nothing more */
}

void run_program(char *const argv[], const void *in, size_t inlen,
                 int timeout_ms, run_result_t *r)
{
    int infd[2], outfd[2], errfd[2], status;
    long long start = now_ms(), deadline = start + scaled(timeout_ms);
    size_t fed = 0;
    int out_open = 1, err_open = 1;

    memset(r, 0, sizeof(*r));
    pid_t pid = spawn(argv, infd, outfd, errfd);
    set_nonblocking(infd[1]);
    set_nonblocking(outfd[0]);
    set_nonblocking(errfd[0]);
    if (inlen == 0) {
        close(infd[1]);
        infd[1] = -1;
    }
    while ((out_open || err_open) && ms_left(deadline) > 0) {
        struct pollfd fds[3] = {{.fd = infd[1], .events = POLLOUT},
                                {.fd = out_open ? outfd[0] : -1, .events = POLLIN},
                                {.fd = err_open ? errfd[0] : -1, .events = POLLIN}};
        poll(fds, 3, ms_left(deadline));
        if (infd[1] >= 0 && fds[0].revents) {
            ssize_t n = write(infd[1], (const char *)in + fed, inlen - fed);
            if (n > 0)
                fed += (size_t)n;
            if (fed == inlen || (n < 0 && errno != EAGAIN)) {
                close(infd[1]);
                infd[1] = -1;
            }
        }
        if (fds[1].revents)
            out_open = drain(outfd[0], &r->out);
        if (fds[2].revents)
            err_open = drain(errfd[0], &r->err);
    }
    if (out_open || err_open)
        kill(pid, SIGKILL);
    if (infd[1] >= 0)
        close(infd[1]);
    close(outfd[0]);
    close(errfd[0]);
    waitpid(pid, &status, 0);
    r->elapsed_ms = now_ms() - start;
    if (out_open || err_open)
        r->status = -1;
    else
        r->status = WIFEXITED(status) ? WEXITSTATUS(status)
                                      : 128 + WTERMSIG(status);
    if (r->out.data == NULL)
        bytes_add(&r->out, "", 0);
    if (r->err.data == NULL)
        bytes_add(&r->err, "", 0);
}

void run_result_free(run_result_t *r)
{
    bytes_free(&r->out);
    bytes_free(&r->err);
}

/* ---- Servers ---- */

char *server_log(server_t *s)
{
    bytes_t b = {0};
    int fd = open(s->log, O_RDONLY);

    if (fd >= 0) {
        drain(fd, &b);
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
        s->status = WIFEXITED(status) ? WEXITSTATUS(status)
                                      : 128 + WTERMSIG(status);
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
    if ((pid = Fork()) == 0) {
        int in = stdinfd >= 0 ? stdinfd : open("/dev/null", O_RDONLY);
        dup2(in, STDIN_FILENO);
        dup2(outfd, STDOUT_FILENO);
        dup2(logfd, STDERR_FILENO);
        close_inherited_fds();
        signal(SIGPIPE, SIG_DFL); /* as from a shell: the server must cope */
        exec_program(argv);
    }
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

int server_signal_wait(server_t *s, int sig, int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);

    if (server_alive(s))
        kill(s->pid, sig);
    while (server_alive(s) && ms_left(deadline) > 0)
        sleep_ms(2);
    return server_alive(s) ? -1 : 0;
}


int proc_count(pid_t pid, const char *what)
{
    char path[64];
    struct dirent *entry;
    int count = 0;
    DIR *dir;

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
    if ((dir = opendir(path)) == NULL)
        return -1;
    while ((entry = readdir(dir)) != NULL)
        if (entry->d_name[0] != '.')
            count++;
    closedir(dir);
    return count;
}

/*
 * Reads /proc/PID/stat: "pid (comm) state ppid ...". The command name may
 * hold spaces and parentheses, so the fields are parsed from its last ')'.
 * Returns a pointer just past it into line, or NULL.
 */
static char *proc_stat(const char *pid, char *line, size_t size)
{
    char path[300];
    FILE *fp;

    snprintf(path, sizeof(path), "/proc/%s/stat", pid);
    if ((fp = fopen(path, "r")) == NULL)
        return NULL; /* no /proc, or the process has just exited */
    char *end = fgets(line, (int)size, fp) ? strrchr(line, ')') : NULL;
    fclose(fp);
    return end != NULL ? end + 1 : NULL;
}

int proc_child_pids(pid_t parent, pid_t *pids, int max, int *zombies)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    int children = 0;

    *zombies = 0;
    if (proc == NULL)
        return -1;
    while ((entry = readdir(proc)) != NULL) {
        char line[512], state, *fields;
        int ppid;

        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
            continue;
        fields = proc_stat(entry->d_name, line, sizeof(line));
        if (fields != NULL && sscanf(fields, " %c %d", &state, &ppid) == 2 &&
            ppid == parent) {
            if (children < max)
                pids[children] = (pid_t)atoi(entry->d_name);
            children++;
            *zombies += state == 'Z';
        }
    }
    closedir(proc);
    return children;
}

int proc_children(pid_t parent, int *zombies)
{
    return proc_child_pids(parent, NULL, 0, zombies);
}

int proc_running(pid_t pid)
{
    char name[32], line[512], state, *fields;

    snprintf(name, sizeof(name), "%d", (int)pid);
    fields = proc_stat(name, line, sizeof(line));
    return fields != NULL && sscanf(fields, " %c", &state) == 1 && state != 'Z';
}

long long proc_cpu_ms(pid_t pid)
{
    char name[32], line[1024], *fields;
    unsigned long utime, stime;
    long ticks = sysconf(_SC_CLK_TCK);

    snprintf(name, sizeof(name), "%d", (int)pid);
    if (ticks <= 0 || (fields = proc_stat(name, line, sizeof(line))) == NULL)
        return -1;
    /* After ')': state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime (fields 3 to 15 of proc(5)). */
    if (sscanf(fields, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
               &utime, &stime) != 2)
        return -1;
    return (long long)(utime + stime) * 1000 / ticks;
}

int set_nofile_limit(rlim_t soft)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return -1;
    if (soft == RLIM_INFINITY)
        soft = rl.rlim_max;
    if (rl.rlim_max != RLIM_INFINITY && soft > rl.rlim_max)
        return -1;
    rl.rlim_cur = soft;
    return setrlimit(RLIMIT_NOFILE, &rl);
}

/* ---- Sockets ---- */

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
    size_t got = recv_upto(fd, buf, n < sizeof(buf) ? n : sizeof(buf),
                           timeout_ms);
    return CHECK(got == n && memcmp(buf, line, n) == 0,
                 "sent \"%.*s\", got %zu of its %zu bytes back within %d ms",
                 (int)n - 1, line, got, n, timeout_ms);
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
            eof = drain(fd, &got) == 0;
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
