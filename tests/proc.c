/*
 * proc.c - the harness's part that runs programs and looks at processes;
 * see testlib.h. Every program a test starts goes through spawn_program,
 * so each one gets the same clean start (no inherited sockets, SIGPIPE as
 * from a shell, valgrind when make check-valgrind asks for it). The /proc
 * readers count what a server holds: threads, descriptors, children.
 */
#include "testlib.h"

#include <dirent.h>
#include <poll.h>

/* ---- Starting a program ---- */

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

pid_t spawn_program(char *const argv[], int infd, int outfd, int errfd)
{
    pid_t pid;

    if ((pid = Fork()) == 0) {
        int in = infd >= 0 ? infd : open("/dev/null", O_RDONLY);
        dup2(in, STDIN_FILENO);
        dup2(outfd, STDOUT_FILENO);
        dup2(errfd, STDERR_FILENO);
        close_inherited_fds();
        signal(SIGPIPE, SIG_DFL); /* as from a shell: the program must cope */
        exec_program(argv);
    }
    return pid;
}

int exit_code(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- Running a program to completion ---- */

/* Writes what of in[*fed..inlen) the pipe *fd takes; closes it (*fd = -1)
 * once all is in, or the program stopped reading. */
static void feed_stdin(int *fd, const void *in, size_t inlen, size_t *fed)
{
    ssize_t n = write(*fd, (const char *)in + *fed, inlen - *fed);

    if (n > 0)
        *fed += (size_t)n;
    if (*fed == inlen || (n < 0 && errno != EAGAIN)) {
        close(*fd);
        *fd = -1;
    }
}

/*
 * Feeds the program its input and collects its stdout and stderr into r
 * until both end or the deadline passes. Returns 1 if both ended.
 */
static int exchange(int *infd, int outfd, int errfd, const void *in,
                    size_t inlen, long long deadline, run_result_t *r)
{
    size_t fed = 0;
    int out_open = 1, err_open = 1;

    if (inlen == 0) {
        close(*infd);
        *infd = -1;
    }
    while ((out_open || err_open) && ms_left(deadline) > 0) {
        struct pollfd fds[3] = {{.fd = *infd, .events = POLLOUT},
                                {.fd = out_open ? outfd : -1, .events = POLLIN},
                                {.fd = err_open ? errfd : -1, .events = POLLIN}};
        poll(fds, 3, ms_left(deadline));
        if (*infd >= 0 && fds[0].revents)
            feed_stdin(infd, in, inlen, &fed);
        if (fds[1].revents)
            out_open = drain_fd(outfd, &r->out);
        if (fds[2].revents)
            err_open = drain_fd(errfd, &r->err);
    }
    return !out_open && !err_open;
}

void run_program(char *const argv[], const void *in, size_t inlen,
                 int timeout_ms, run_result_t *r)
{
    int infd[2], outfd[2], errfd[2], status;
    long long start = now_ms();

    memset(r, 0, sizeof(*r));
    if (pipe(infd) < 0 || pipe(outfd) < 0 || pipe(errfd) < 0)
        unix_error("pipe");
    pid_t pid = spawn_program(argv, infd[0], outfd[1], errfd[1]);
    close(infd[0]);
    close(outfd[1]);
    close(errfd[1]);
    set_nonblocking(infd[1]);
    set_nonblocking(outfd[0]);
    set_nonblocking(errfd[0]);
    int ended = exchange(&infd[1], outfd[0], errfd[0], in, inlen,
                         start + scaled(timeout_ms), r);
    if (!ended)
        kill(pid, SIGKILL);
    if (infd[1] >= 0)
        close(infd[1]);
    close(outfd[0]);
    close(errfd[0]);
    waitpid(pid, &status, 0);
    r->elapsed_ms = now_ms() - start;
    r->status = ended ? exit_code(status) : -1;
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

void check_help(const char *prog)
{
    char *asks[] = {"-h", "--help"};
    char want[64];

    snprintf(want, sizeof(want), "usage: %s", prog_name(prog));
    for (size_t i = 0; i < 2; i++) {
        char *argv[] = {(char *)prog, asks[i], NULL};
        run_result_t r;

        run_program(argv, NULL, 0, 3000, &r);
        CHECK(r.status == 0 && strncmp(r.out.data, want, strlen(want)) == 0 &&
                  strchr(r.out.data, '\n') == r.out.data + r.out.len - 1 &&
                  r.err.len == 0,
              "%s %s: status %d, stdout \"%s\", stderr \"%s\"; want 0, one "
              "line \"%s ...\" on stdout and nothing on stderr",
              prog, asks[i], r.status, r.out.data, r.err.data, want);
        run_result_free(&r);
    }
}

/* ---- Reading /proc ---- */

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

int wait_children(pid_t parent, int want, int *zombies, int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);
    int n;

    while (((n = proc_children(parent, zombies)) != want || *zombies > 0) &&
           now_ms() < deadline)
        sleep_ms(10);
    return n;
}

/* Waits until proc_count is want (or, with at_most, no more than want). */
static int wait_count(pid_t pid, const char *what, int want, int at_most,
                      int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);
    int count;

    while ((count = proc_count(pid, what)) != want &&
           !(at_most && count < want) && now_ms() < deadline)
        sleep_ms(10);
    return count;
}

int wait_proc_count(pid_t pid, const char *what, int want, int timeout_ms)
{
    return wait_count(pid, what, want, 0, timeout_ms);
}

int wait_proc_count_at_most(pid_t pid, const char *what, int most,
                            int timeout_ms)
{
    return wait_count(pid, what, most, 1, timeout_ms);
}

void need_proc(void)
{
    if (proc_count(getpid(), "task") < 0)
        skip_test("no /proc here to count processes and threads");
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

/* ---- Limits ---- */

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
