/*
 * instance.c - one run of the server under check. It runs a stranger's
 * code, so it starts in a process group of its own (the whole group is
 * killed at the end, on Ctrl-C and when the checker itself fails), with
 * limits on processes and address space, stdin from /dev/null, and its
 * output (stdout and stderr, each a pipe) drained all the time by a
 * thread (a chatty server must never block on a full pipe) into output.c
 * for the failures. The process that holds the listening socket, the
 * one started or a child of it, is the server watched.
 */
#include "echocheck.h"
#include "isolate.h"
#include "isolate_cg.h"

#include <poll.h>
#include <sys/resource.h>
#include <netinet/in.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* The groups that may still be running, for the signal handlers. Written
 * by the main thread only; read by handlers (sig_atomic_t slots). */
#define MAX_GROUPS 4
static volatile sig_atomic_t groups[MAX_GROUPS];

static void register_group(pid_t pgid, int on)
{
    for (int i = 0; i < MAX_GROUPS; i++)
        if (on ? groups[i] == 0 : groups[i] == pgid) {
            groups[i] = on ? pgid : 0;
            return;
        }
}

/* Reaps the leaders of the groups just killed, within about a second in
 * all: where pid 1 reaps nothing (some containers), a leader we left
 * unreaped would stay a zombie. Async-signal-safe: waitpid and nanosleep
 * only, errno kept. */
static void reap_registered_leaders(void)
{
    struct timespec tick = { 0, 10 * 1000000L };
    int saved = errno, ticks = 100;

    for (int i = 0; i < MAX_GROUPS; i++) {
        pid_t pid = (pid_t)groups[i];
        while (pid > 0) {
            pid_t got = waitpid(pid, NULL, WNOHANG);
            if (got == pid || (got < 0 && errno != EINTR) || ticks-- <= 0)
                break; /* reaped, or by another thread, or time is up */
            if (got == 0)
                nanosleep(&tick, NULL);
        }
    }
    errno = saved;
}

void kill_registered_groups(void) /* async-signal-safe */
{
    for (int i = 0; i < MAX_GROUPS; i++)
        if (groups[i] > 0)
            kill(-(pid_t)groups[i], SIGKILL);
    reap_registered_leaders();
}

/* Binds a socket of family to the wildcard address and port (0: any),
 * as a server would, without SO_REUSEADDR; returns the port bound, or -1. */
static int try_bind(int family, int port)
{
    struct sockaddr_storage ss = { 0 };
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    socklen_t len = family == AF_INET ? sizeof(*a4) : sizeof(*a6);
    int fd = socket(family, SOCK_STREAM, 0), got = -1;

    ss.ss_family = (sa_family_t)family;
    if (family == AF_INET)
        a4->sin_port = htons(port); /* INADDR_ANY is all zeros */
    else
        a6->sin6_port = htons(port); /* in6addr_any too */
    if (fd >= 0 && bind(fd, (SA *)&ss, len) == 0 &&
        getsockname(fd, (SA *)&ss, &len) == 0)
        got = ntohs(family == AF_INET ? a4->sin_port : a6->sin6_port);
    if (fd >= 0)
        close(fd);
    return got;
}

/*
 * A port a server can bind now, on every address and both families: the
 * wildcard of each is tried on it (another program's connections may hold
 * a port on some address: a port free on 127.0.0.1 alone is not enough).
 */
static int free_port(void)
{
    static unsigned seed;

    if (seed == 0)
        seed = (unsigned)getpid() * 2654435761u ^ (unsigned)now_ms();
    for (int tries = 0; tries < 50; tries++) {
        /* Our own pick, not the kernel's: checkers started side by side
         * would often be handed the very same port. Below 32768, where
         * Linux hands out no ports to connecting clients (its default
         * ip_local_port_range), so that no client of another program takes
         * the port before a slow server (valgrind's) has bound it. */
        seed = seed * 1103515245u + 12345u;
        int port = 20000 + (int)((seed >> 8) % 12768);
        if (try_bind(AF_INET6, port) != port && try_bind(AF_INET6, 0) > 0)
            continue; /* IPv6 works here, but not on this port */
        if (try_bind(AF_INET, port) == port)
            return port;
    }
    return try_bind(AF_INET, 0);
}

/* Every "{port}" in arg replaced by port; a new string. */
static char *with_port(const char *arg, int port)
{
    char num[16];

    snprintf(num, sizeof(num), "%d", port);
    return replace_all(arg, "{port}", num);
}

/* The command line, as a shell would take it back, into buf. */
static void command_text(char **argv, char *buf, size_t size)
{
    size_t o = 0;

    buf[0] = '\0';
    for (int i = 0; argv[i] && o + 4 < size; i++) {
        int plain = argv[i][0] && strcspn(argv[i], " \t\n'\"\\$`*?[;&|<>()~#!") ==
                                   strlen(argv[i]);
        char *word = plain ? NULL : shell_quoted(argv[i]);
        int w = snprintf(buf + o, size - o, "%s%s", i ? " " : "",
                         word ? word : argv[i]);
        free(word);
        o += w > 0 ? (size_t)w : 0;
    }
}

/* Keeps the command line; says once when the port was appended. */
static void say_command(instance_t *in, char **argv)
{
    static int said;
    int n = 0, has_port = 0;

    command_text(argv, in->cmdline, sizeof(in->cmdline));
    for (; opt.cmd[n]; n++)
        has_port |= strstr(opt.cmd[n], "{port}") != NULL;
    if (!has_port && !said)
        printf("no {port} in the command: added %d as its last argument\n",
               in->port);
    said = 1;
}

static char **build_argv(int port)
{
    int n = 0, has_port = 0;

    while (opt.cmd[n])
        n++;
    char **argv = Calloc((size_t)n + 2, sizeof(char *));
    for (int i = 0; i < n; i++) {
        has_port |= strstr(opt.cmd[i], "{port}") != NULL;
        argv[i] = with_port(opt.cmd[i], port);
    }
    if (!has_port)
        argv[n] = with_port("{port}", port);
    return argv;
}

static void set_limit(int resource, rlim_t value)
{
    struct rlimit rl = { value, value };
    setrlimit(resource, &rl); /* best effort: a system may refuse */
}

/* In the child, before exec: its own group, the limits, its files. */
static void child_setup(const int out[2], int nofile, int nproc)
{
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* we die, even of SIGKILL: so does it */
#endif
#ifdef RLIMIT_NPROC
    if (nproc > 0)
        set_limit(RLIMIT_NPROC, (rlim_t)nproc);
#endif
    if (!opt.no_mem_limit && sizeof(void *) >= 8)
        set_limit(RLIMIT_AS, (rlim_t)8 << 30); /* 8 GiB of address space */
    if (nofile > 0)
        set_limit(RLIMIT_NOFILE, (rlim_t)nofile);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out[0], 1);
    dup2(out[1], 2);
    signal(SIGPIPE, SIG_DFL); /* as a shell would start it */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The drain thread: reads both pipes until end of file on each, or
 * until told to stop, into in->out. */
static void *drain(void *arg)
{
    instance_t *in = arg;
    char buf[4096];
    long long total = 0;
    struct pollfd p[2] = { { .fd = in->out_fd[0], .events = POLLIN },
                           { .fd = in->out_fd[1], .events = POLLIN } };

    while (!in->stop_drain && (p[0].fd >= 0 || p[1].fd >= 0)) {
        if (poll(p, 2, 100) <= 0)
            continue;
        for (int s = 0; s < 2; s++) {
            if (p[s].fd < 0 || p[s].revents == 0)
                continue;
            ssize_t n = read(p[s].fd, buf, sizeof(buf));
            if (n > 0)
                out_feed(&in->out, s, buf, (size_t)n);
            else if (!(n < 0 && errno == EINTR))
                p[s].fd = -1; /* its end: poll ignores it from now on */
            if (n > 0 && (total += n) > (long long)FLOOD_MIB << 20 && !in->flooded) {
                in->flooded = 1; /* a flood costs a core: its end, now */
                kill(-in->pid, SIGKILL);
            }
        }
    }
    out_end(&in->out, 0);
    out_end(&in->out, 1);
    in->drain_done = 1; /* in is not ours from here on */
    return NULL;
}

/* In the child: set up, run the server; never returns. Only
 * async-signal-safe calls: the other threads were not copied. */
static void exec_server(char **argv, const int out[2], int nofile, int nproc)
{
    child_setup(out, nofile, nproc);
    iso_child(); /* its mounts, cgroup and uid, where isolated */
    execvp(argv[0], argv);
    const char *parts[] = { "cannot run ", argv[0], ": ", strerror(errno),
                            "\n" };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        ssize_t rc = write(2, parts[i], strlen(parts[i]));
        (void)rc;
    }
    _exit(127);
}

/* What the forked child needs: iso_fork passes one pointer. */
struct server_start {
    char **argv;
    const int *rd, *wr;
    int nofile, nproc;
};

static void start_server(void *arg)
{
    struct server_start *s = arg;

    close(s->rd[0]), close(s->rd[1]);
    exec_server(s->argv, s->wr, s->nofile, s->nproc);
}

static void free_argv(char **argv)
{
    for (int i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* Two pipes, their read ends close-on-exec: 0, or -1 with in->why. */
static int open_pipes(instance_t *in, int rd[2], int wr[2])
{
    int fds[2][2];

    for (int s = 0; s < 2; s++)
        if (pipe(fds[s]) < 0) {
            snprintf(in->why, sizeof(in->why), "pipe: %s", strerror(errno));
            if (s == 1)
                close(fds[0][0]), close(fds[0][1]);
            return -1;
        }
    for (int s = 0; s < 2; s++) {
        rd[s] = fds[s][0], wr[s] = fds[s][1];
        fcntl(rd[s], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

/* Forks the server; returns 0, or -1 with in->why said. */
static int spawn(instance_t *in, int nofile)
{
    int rd[2], wr[2];
    static int nproc = -1;

    if (nproc < 0 && isolation.on) /* a fork bomb stops there, even root's: */
        nproc = ISO_SERVER_TASKS; /* a user namespace counts from 0 (5.14+) */
    if (nproc < 0) { /* the user's tasks now, plus room for the server's */
        int tasks = count_user_tasks();
        nproc = tasks > 0 ? tasks + 512 : 0;
    }
    if (open_pipes(in, rd, wr) < 0)
        return -1;
    char **argv = build_argv(in->port);
    say_command(in, argv);
    fflush(stdout);
    struct server_start start = { argv, rd, wr, nofile, nproc };
    pid_t pid = iso_fork(start_server, &start);
    free_argv(argv);
    close(wr[0]), close(wr[1]);
    if (pid < 0) {
        close(rd[0]), close(rd[1]);
        snprintf(in->why, sizeof(in->why), "fork: %s", strerror(errno));
        return -1;
    }
    setpgid(pid, pid); /* also here: no race with a kill of the group */
    register_group(pid, 1);
    in->pid = pid;
    in->out_fd[0] = rd[0], in->out_fd[1] = rd[1];
    in->stop_drain = 0;
    in->drain_done = 0;
    if (pthread_create(&in->drain, NULL, drain, in) == 0)
        pthread_detach(in->drain);
    else
        in->drain_done = 1; /* its output goes unread: it may block, no more */
    return 0;
}

/* Starts the server once and waits for it to listen; 0 or -1. */
static int start_once(instance_t *in, int nofile)
{
    if (spawn(in, nofile) < 0)
        return -1;
    step("started on port %d (pid %d): %s", in->port, (int)in->pid,
         in->cmdline);
    long long end = now_ms() + ms(5000), start = now_ms();
    while (now_ms() < end) {
        if (!inst_alive(in)) {
            nap(100); /* let the drain take its last words */
            status_text(in->status, in->why, sizeof(in->why));
            if (in->flooded)
                snprintf(in->why, sizeof(in->why), "stopped by echocheck: it "
                         "floods its output (more than %d MiB)", FLOOD_MIB);
            return -1;
        }
        if ((in->server = listening_pid(in->pid, in->port)) > 0) {
            step("listening after %lld ms%s", now_ms() - start,
                 in->server != in->pid ? ", in a child of the one started"
                                       : "");
            return 0;
        }
        nap(20);
    }
    snprintf(in->why, sizeof(in->why), "not listening on port %d after %d s",
             in->port, ms(5000) / 1000);
    return -1;
}

int inst_start(instance_t *in, int nofile)
{
    memset(in, 0, sizeof(*in));
    out_init(&in->out);
    in->served_at_start = served_clients;
    in->oom_at_start = cg_oom_kills();
    for (int tries = 1;; tries++) {
        in->port = opt.port > 0 ? opt.port : free_port();
        if (start_once(in, nofile) == 0)
            return 0;
        /* Another program took the port between our pick and its bind
         * (checkers run side by side): not the server's fault. */
        if (opt.port > 0 || tries == 3 || !port_taken(in->port))
            return -1;
        step("port %d was taken meanwhile: another one", in->port);
        inst_stop(in);
        in->reaped = 0;
        out_init(&in->out);
    }
}

int inst_alive(instance_t *in)
{
    if (in->pid == 0)
        return 0;
    if (!in->reaped && waitpid(in->pid, &in->status, WNOHANG) == in->pid)
        in->reaped = 1;
    if (in->server > 0 && in->server != in->pid)
        return process_alive(in->server); /* the holder of the socket */
    return !in->reaped;
}

int inst_pause(instance_t *in)
{
    int st;

    if (in->pid == 0 || in->reaped)
        return -1;
    kill(in->pid, SIGSTOP);
    for (long long end = now_ms() + WAIT_MS; now_ms() < end; nap(1)) {
        pid_t got = waitpid(in->pid, &st, WNOHANG | WUNTRACED);
        if (got == in->pid && WIFSTOPPED(st))
            return 0;
        if (got == in->pid) { /* it ended instead: as inst_alive would */
            in->status = st;
            in->reaped = 1;
        }
        if (got != 0)
            return -1;
    }
    return -1;
}

void inst_resume(instance_t *in)
{
    if (in->pid != 0 && !in->reaped)
        kill(in->pid, SIGCONT);
}


void inst_stop(instance_t *in)
{
    if (in->pid == 0)
        return;
    kill(-in->pid, SIGKILL);
    if (!in->reaped && waitpid(in->pid, &in->status, 0) == in->pid)
        in->reaped = 1;
    register_group(in->pid, 0);
    in->stop_drain = 1;
    while (!in->drain_done) /* it polls every 100 ms: as a join would */
        nap(1);
    close(in->out_fd[0]);
    close(in->out_fd[1]);
    in->pid = 0;
}

int status_signal(int status)
{
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static const char *signal_name(int sig)
{
    static const struct { int sig; const char *name; } names[] = {
        { SIGPIPE, "SIGPIPE" }, { SIGSEGV, "SIGSEGV" }, { SIGABRT, "SIGABRT" },
        { SIGBUS, "SIGBUS" },   { SIGFPE, "SIGFPE" },   { SIGILL, "SIGILL" },
        { SIGKILL, "SIGKILL" }, { SIGTERM, "SIGTERM" }, { SIGINT, "SIGINT" },
        { SIGHUP, "SIGHUP" },   { SIGALRM, "SIGALRM" }, { SIGXCPU, "SIGXCPU" },
        { SIGXFSZ, "SIGXFSZ" }, { SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].sig == sig)
            return names[i].name;
    return NULL;
}

void status_text(int status, char *buf, size_t size)
{
    if (WIFEXITED(status)) {
        snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
        return;
    }
    int sig = WTERMSIG(status);
    const char *name = signal_name(sig);
    if (name)
        snprintf(buf, size, "killed by %s (status %d = 128 + %d)", name,
                 128 + sig, sig);
    else
        snprintf(buf, size, "killed by signal %d (status %d)", sig, 128 + sig);
}
