/*
 * class_child.c - one child of a class run: a submission's build, or the
 * echocheck that checks it. It runs a stranger's code (or starts it), so
 * it gets a session of its own: Ctrl-C at the terminal reaches only the
 * driver, which then ends each child on purpose, and everything a child
 * began, server groups included, is found by its session and killed. Its
 * output is read all the time (a chatty build must never block) and kept
 * up to a cap; what is left out is counted and said at the end.
 */
#include "class.h"

#include <poll.h>

int child_start(child_t *c, char *const argv[], const char *dir, FILE *file,
                long long cap)
{
    int fds[2];

    memset(c, 0, sizeof(*c));
    c->out = -1;
    c->file = file;
    c->cap = cap;
    if (pipe(fds) < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setsid(); /* its own session and group: no Ctrl-C from the tty */
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        if (dir && chdir(dir) < 0)
            _exit(126);
        execvp(argv[0], argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int saved = errno;
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        errno = saved;
        return -1;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    c->pid = pid;
    c->out = fds[0];
    c->started = now_ms();
    return 0;
}

int child_pump(child_t *c)
{
    char buf[16384];

    while (c->out >= 0) {
        ssize_t n = read(c->out, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return 1;
        if (n <= 0) {
            close(c->out);
            c->out = -1;
            break;
        }
        c->total += n;
        long long room = c->cap - c->kept, keep = n < room ? n : room;
        if (keep > 0 && c->file)
            fwrite(buf, 1, (size_t)keep, c->file);
        c->kept += keep > 0 ? keep : 0;
        c->dropped += n - (keep > 0 ? keep : 0);
    }
    return 0;
}

int child_done(child_t *c)
{
    if (c->pid == 0)
        return 1;
    if (!c->reaped && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
        c->reaped = 1;
    /* A grandchild may hold the pipe after the child ended: then the
     * session goes too (the child's end is its submission's end). */
    if (c->reaped && c->out >= 0 && child_pump(c)) {
        kill_session(c->pid);
        child_pump(c);
        if (c->out >= 0) {
            close(c->out);
            c->out = -1;
        }
    }
    return c->reaped && c->out < 0;
}

int child_stop(child_t *c, int grace)
{
    if (c->pid == 0 || child_done(c))
        return 1;
    long long now = now_ms();
    if (c->term_sent == 0) {
        c->term_sent = now;
        kill(-c->pid, grace > 0 ? SIGTERM : SIGKILL);
        return 0;
    }
    if (now - c->term_sent >= grace)
        kill_session(c->pid);
    return 0;
}

void child_close(child_t *c)
{
    if (c->file == NULL)
        return;
    if (c->dropped > 0)
        fprintf(c->file, "\n[... %lld bytes more were printed and left out]\n",
                c->dropped);
    fclose(c->file);
    c->file = NULL;
}
