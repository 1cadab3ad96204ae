/*
 * isolate.c - shuts the server under check in (see isolate.h). A grader
 * runs strangers' programs, often as root: without this, a submission
 * could connect anywhere, signal any process of its user, write where
 * its user may, or hold a port another submission needs.
 *
 * The plan, Linux only:
 *  - echocheck itself enters a new network namespace at start (and, not
 *    root, a user namespace mapping its own uid, which lends it the
 *    rights to make the rest). Only loopback is up in it, and the
 *    clients, the /proc/net tables read and the server all live there.
 *  - Then a PID namespace for the servers of this run (one submission):
 *    a tiny init of ours is its pid 1 (an init ignores every signal it
 *    has no handler for, so the server must not be it); each server is
 *    still echocheck's own child: waitpid, SIGSTOP and SIGTERM work as
 *    outside. Killing the init at exit ends all the servers left behind.
 *  - The server makes its mount namespace: all read-only, but its
 *    folder (the current one) and a private tmpfs on /tmp, /var/tmp and
 *    /dev/shm; its command's own files under those stay readable; /proc
 *    shows its own processes only.
 *  - It runs as an unused uid when echocheck is root, with no new
 *    privileges, and (isolate_cg.c) in a cgroup capping tasks and memory
 *    where one can be made.
 * A probe tries all of it once in a throwaway child: where any step is
 * refused (a sysctl, AppArmor, a container's seccomp), the mode is off
 * and the reason is the first refusal.
 */
#define _GNU_SOURCE /* unshare, setresuid, mount: Linux's own calls */
#include "isolate.h"
#include "isolate_cg.h"
#include "isolate_fs.h"
#include "pathsearch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

isolation_t isolation;

/* How the probe's refusals to reach the command begin. */
#define UNREACHABLE "the server's uid cannot "

#ifdef __linux__
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#define FIRST_FREE_UID 2000000000u /* far above any system's users */
static void drop_privileges(void)
{
    if (getuid() == 0 && isolation.uid != 0) {
        if (setgroups(0, NULL) < 0)
            iso_die("setgroups", "");
        if (setresgid(isolation.gid, isolation.gid, isolation.gid) < 0)
            iso_die("setresgid", "");
        if (setresuid(isolation.uid, isolation.uid, isolation.uid) < 0)
            iso_die("setresuid", "");
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) /* no setuid helper */
        iso_die("no_new_privs", "");
}

void iso_child(void)
{
    if (!isolation.on)
        return;
    cg_join(); /* first: fs_enter makes /sys read-only */
    fs_enter();
    drop_privileges();
}

/* pid 1 of the server's namespace: reaps what the server orphans, dies
 * with echocheck (and so ends the namespace), and holds no descriptor
 * of echocheck's, lest a client's socket outlive its close. */
static void init_loop(void)
{
    struct timespec tick = { 0, 100 * 1000000L };

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    for (int fd = 0; fd < 1024; fd++)
        close(fd);
    for (;;)
        if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
            nanosleep(&tick, NULL);
}

/* ---- In echocheck ---- */

static pid_t init_pid; /* pid 1 of the servers' namespace; 0: none */

/* Every server of this run is forked by one thread, the forker: its
 * children land in the PID namespace it entered (one per run: a task
 * enters a new one only once, unless it may return to its own, and
 * unprivileged it may not), while the other threads stay outside, free
 * to make threads (a task whose children go to another namespace may
 * not). It lives as long as echocheck: a child's PR_SET_PDEATHSIG fires
 * when the thread that forked it ends. One request at a time, guarded
 * by fork_lock; state 0: idle, 1: asked, 2: answered. */
static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fork_cond = PTHREAD_COND_INITIALIZER;
static struct {
    void (*child)(void *);
    void *arg;
    pid_t pid;
    int err, state;
    char why[160]; /* the forker's start: "" when it went */
} req;

/* Enters the namespace and forks its init; 0, or -1 with why. */
static int make_pid_namespace(char *why, size_t size)
{
    if (unshare(CLONE_NEWPID) < 0) {
        snprintf(why, size, "unshare(CLONE_NEWPID): %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        init_loop();
    if (pid < 0) {
        snprintf(why, size, "fork: %s", strerror(errno));
        return -1;
    }
    init_pid = pid;
    return 0;
}

static void *forker(void *unused)
{
    sigset_t all;

    (void)unused;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* the handlers run elsewhere */
    pthread_mutex_lock(&fork_lock);
    if (make_pid_namespace(req.why, sizeof(req.why)) < 0 && !req.why[0])
        snprintf(req.why, sizeof(req.why), "the forker failed");
    req.state = 2;
    for (;;) {
        pthread_cond_broadcast(&fork_cond);
        while (req.state != 1)
            pthread_cond_wait(&fork_cond, &fork_lock);
        req.pid = fork();
        if (req.pid == 0)
            req.child(req.arg); /* never returns */
        req.err = errno;
        req.state = 2;
    }
    return NULL;
}

static int start_forker(char *why, size_t size)
{
    pthread_t t;

    req.state = 0;
    if (pthread_create(&t, NULL, forker, NULL) != 0) {
        snprintf(why, size, "cannot start a thread");
        return -1;
    }
    pthread_detach(t);
    pthread_mutex_lock(&fork_lock);
    while (req.state != 2)
        pthread_cond_wait(&fork_cond, &fork_lock);
    req.state = 0;
    pthread_mutex_unlock(&fork_lock);
    snprintf(why, size, "%s", req.why);
    return req.why[0] ? -1 : 0;
}

pid_t iso_fork(void (*child)(void *), void *arg)
{
    if (!isolation.on) {
        pid_t pid = fork();
        if (pid == 0)
            child(arg);
        return pid;
    }
    pthread_mutex_lock(&fork_lock);
    while (req.state != 0)
        pthread_cond_wait(&fork_cond, &fork_lock);
    req.child = child, req.arg = arg, req.state = 1;
    pthread_cond_broadcast(&fork_cond);
    while (req.state != 2)
        pthread_cond_wait(&fork_cond, &fork_lock);
    pid_t pid = req.pid;
    int err = req.err;
    req.state = 0;
    pthread_cond_broadcast(&fork_cond);
    pthread_mutex_unlock(&fork_lock);
    errno = err;
    return pid;
}

void iso_end(void)
{
    if (init_pid <= 0)
        return;
    kill(init_pid, SIGKILL); /* and with it, all in its namespace */
    waitpid(init_pid, NULL, 0);
    init_pid = 0;
    cg_remove();
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));
    int saved = errno;

    if (fd >= 0)
        close(fd);
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Only lo, and up: a new network namespace starts with lo down. */
static int loopback_up(void)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM, 0), rc = -1;

    if (s < 0)
        return -1;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

/* Moves this process into its network namespace; 0, or -1 with why. */
static int enter_network(char *why, size_t size)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    char map[64];

    if (unshare(CLONE_NEWNET | (uid == 0 ? 0 : CLONE_NEWUSER)) < 0) {
        snprintf(why, size, "unshare(%s): %s", uid == 0 ? "CLONE_NEWNET"
                 : "CLONE_NEWUSER|CLONE_NEWNET", strerror(errno));
        return -1;
    }
    if (uid != 0) { /* the same uid inside: never root there */
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
        if (write_file("/proc/self/uid_map", map) < 0) {
            snprintf(why, size, "uid_map: %s", strerror(errno));
            return -1;
        }
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
        write_file("/proc/self/setgroups", "deny");
        if (write_file("/proc/self/gid_map", map) < 0) {
            snprintf(why, size, "gid_map: %s", strerror(errno));
            return -1;
        }
    }
    if (loopback_up() < 0) {
        snprintf(why, size, "bringing lo up: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* The probe's server stand-in, after its mounts and uid: can the uid
 * reach its folder and run its command? */
static void probe_reach(const char *cmd0)
{
    errno = 0; /* (cmd0: NULL when echocheck's own user cannot run it) */
    if (access(fs_folder(), X_OK) < 0)
        iso_die(UNREACHABLE "enter ", fs_folder());
    if (cmd0 && access(cmd0, X_OK) < 0)
        iso_die(UNREACHABLE "run ", cmd0);
    _exit(0);
}

/* In a child: all of it, then a stand-in server; 0 when all went. The
 * first refusal comes back through a pipe into why. */
static int probe(const char *cmd0, char *why, size_t size)
{
    int fds[2];

    if (pipe(fds) < 0)
        return snprintf(why, size, "pipe: %s", strerror(errno)), -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char reason[240] = "";
        close(fds[0]);
        dup2(fds[1], 2);
        if (enter_network(reason, sizeof(reason)) < 0) {
            fprintf(stderr, "%s\n", reason);
            _exit(1);
        }
        if (make_pid_namespace(reason, sizeof(reason)) < 0) {
            fprintf(stderr, "%s\n", reason);
            _exit(1);
        }
        cg_make();
        pid_t server = fork();
        if (server == 0) {
            iso_child();
            probe_reach(cmd0);
        }
        int st = 1;
        waitpid(server, &st, 0);
        iso_end();
        _exit(server > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 1);
    }
    close(fds[1]);
    ssize_t n = 0, got; /* until every writer is gone: a message comes in parts */
    while (pid > 0 && (size_t)n < size - 1 &&
           ((got = read(fds[0], why + n, size - 1 - (size_t)n)) > 0 ||
            (got < 0 && errno == EINTR)))
        n += got > 0 ? got : 0;
    close(fds[0]);
    int st = 1;
    if (pid > 0)
        waitpid(pid, &st, 0);
    why[n > 0 ? n : 0] = '\0';
    why[strcspn(why, "\n")] = '\0';
    const char *prefix = "echocheck: isolation: ";
    size_t skip = strlen(prefix), len = strlen(why);
    if (len >= skip && strncmp(why, prefix, skip) == 0)
        memmove(why, why + skip, len - skip + 1);
    if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (why[0] == '\0')
        snprintf(why, size, "%s", pid < 0 ? strerror(errno) : "the probe failed");
    return -1;
}

static uid_t unused_uid(void)
{
    const char *env = getenv("ECHOCHECK_UID"); /* a class run's choice */
    uid_t uid = env && *env ? (uid_t)strtoul(env, NULL, 10)
                            : FIRST_FREE_UID + (uid_t)(getpid() % 1000000);

    while (getpwuid(uid) != NULL)
        uid++;
    return uid;
}

static void describe(void)
{
    char cg[80] = "";

    cg_describe(cg, sizeof(cg));
    snprintf(isolation.why, sizeof(isolation.why),
             "network: loopback only; own PIDs; writes: a private /tmp and "
             "%s where uid %u may; %s", fs_folder(), (unsigned)isolation.uid,
             cg[0] ? cg + 2 : "no cgroup");
}

/* Everything before the probe: the server's folder, files and uid. */
static const char *prepare(char *const cmd[], char *buf, size_t size)
{
    const char *cmd0 = cmd && cmd[0] ? path_search(cmd[0], buf, size) : NULL;

    if (cmd0 && access(cmd0, X_OK) < 0)
        cmd0 = NULL; /* a typo, not isolation's fault: the server says so */

    fs_prepare(cmd, cmd0);
    isolation.uid = geteuid() == 0 ? unused_uid() : geteuid();
    isolation.gid = geteuid() == 0 ? (gid_t)isolation.uid : getegid();
    cg_start(ISO_SERVER_TASKS);
    isolation.on = 1; /* for the probe's copy of it */
    return cmd0;
}

int isolate_probe(char *const cmd[], char *why, size_t size)
{
    char buf[PATH_MAX];
    const char *cmd0 = prepare(cmd, buf, sizeof(buf));
    int rc = probe(cmd0, why, size);

    isolation.on = 0;
    return rc;
}

int isolate_start(int want, char *const cmd[])
{
    char buf[PATH_MAX], why[240] = "";

    if (want == ISO_OFF) {
        snprintf(isolation.why, sizeof(isolation.why), "--no-isolate");
        return 0;
    }
    const char *cmd0 = prepare(cmd, buf, sizeof(buf));
    if (probe(cmd0, why, sizeof(why)) < 0 ||
        enter_network(why, sizeof(why)) < 0 ||
        start_forker(why, sizeof(why)) < 0) {
        isolation.on = 0;
        snprintf(isolation.why, sizeof(isolation.why), "%s", why);
        return want == ISO_REQUIRED ? -1 : 0;
    }
    cg_make();
    atexit(iso_end);
    describe();
    return 0;
}

#else /* not Linux: the process group and limits are all there is */

int isolate_probe(char *const cmd[], char *why, size_t size)
{
    (void)cmd;
    snprintf(why, size, "namespaces are Linux's");
    return -1;
}

int isolate_start(int want, char *const cmd[])
{
    (void)cmd;
    snprintf(isolation.why, sizeof(isolation.why), "%s",
             want == ISO_OFF ? "--no-isolate" : "namespaces are Linux's");
    return want == ISO_REQUIRED ? -1 : 0;
}

void iso_child(void) {}
void iso_end(void) {}

pid_t iso_fork(void (*child)(void *), void *arg)
{
    pid_t pid = fork();
    if (pid == 0)
        child(arg);
    return pid;
}

#endif

const char *isolation_line(void)
{
    static char out[400]; /* main thread only */
    size_t size = sizeof(out);
    if (isolation.on)
        snprintf(out, size, "isolation: on (%s)", isolation.why);
    else if (strcmp(isolation.why, "--no-isolate") == 0)
        snprintf(out, size, "isolation: off (--no-isolate)");
    else if (strncmp(isolation.why, UNREACHABLE, strlen(UNREACHABLE)) == 0)
        snprintf(out, size, "isolation: off (%s; the server runs in a "
                 "process group with limits; for isolation, name a program "
                 "and folder every user may reach, such as /usr/bin/python3)",
                 isolation.why);
    else
        snprintf(out, size, "isolation: off (%s; the server runs in a "
                 "process group with limits)", isolation.why);
    return out;
}

/* A build's command, shut in like a server: its wait status, or -1. */
static void run_child(void *arg)
{
    char *const *argv = arg;

    iso_child();
    execvp(argv[0], argv);
    fprintf(stderr, "echocheck: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int iso_run(char *const argv[])
{
    int st;

    fflush(NULL);
    pid_t pid = iso_fork(run_child, (void *)argv);
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return -1;
    return st;
}
