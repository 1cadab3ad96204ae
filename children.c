/*
 * children.c - the table of child processes of echoserverp and
 * echoserverp_pre; see children.h.
 * Book: CS:APP3e sections 8.5.5-8.5.7 (reaping in a SIGCHLD handler, the
 * fork/handler race, sigsuspend).
 */
#include "children.h"
#include "trace.h"

/*
 * The children still running, so that stopping the server can stop them:
 * a slot holds a pid, or 0 when free. The signal handlers read and write
 * it, and so does main, which blocks those signals while it does: a
 * handler never sees the table half updated or being moved by realloc.
 */
static pid_t *children;
static size_t nslots;
static sigset_t guarded; /* SIGCHLD, SIGINT, SIGTERM: the handlers' signals */

/* Frees pid's slot, so that pid (soon reused by the kernel) is never signalled. */
static void forget_child(pid_t pid)
{
    for (size_t i = 0; i < nslots; i++)
        if (children[i] == pid) {
            children[i] = 0;
            return;
        }
}

/*
 * SIGCHLD: reap every child that has exited, or it stays a zombie. One
 * SIGCHLD can stand for several exits (pending signals are not counted),
 * so loop until none is left; WNOHANG returns 0 at once instead of waiting
 * for the children still running. waitpid may change errno, which the code
 * the signal interrupted may be about to read: save and restore it.
 */
static void sigchld_handler(int sig)
{
    int saved_errno = errno;
    pid_t pid;

    (void)sig;
    while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
        forget_child(pid);
    errno = saved_errno;
}

/*
 * SIGINT, SIGTERM: stop the children, then die of the signal as usual.
 * Someone who stops a server expects its sessions to end, as they do in
 * the thread servers. Ctrl-C in a terminal signals the whole foreground
 * process group, children included, but `kill PID` reaches the parent
 * only: without this, its children would go on serving as orphans.
 * (SIGKILL cannot be caught: after `kill -9 PID` the children go on,
 * unless they watch for it, as echoserverp_pre's workers do.)
 */
static void stop_handler(int sig)
{
    trace_signal(sig); /* the shutdown, in the trace too */
    for (size_t i = 0; i < nslots; i++)
        if (children[i] > 0)
            kill(children[i], SIGTERM);
    signal(sig, SIG_DFL);
    raise(sig); /* blocked until this handler returns; then it kills us */
}

/* Installs handler for sig, with the other guarded signals blocked while it runs. */
static void install(int sig, handler_t *handler)
{
    struct sigaction action;

    action.sa_handler = handler;
    action.sa_mask = guarded;
    action.sa_flags = SA_RESTART; /* accept goes on after a SIGCHLD */
    if (sigaction(sig, &action, NULL) < 0)
        unix_error("sigaction");
}

void children_init(void)
{
    Sigemptyset(&guarded);
    Sigaddset(&guarded, SIGCHLD);
    Sigaddset(&guarded, SIGINT);
    Sigaddset(&guarded, SIGTERM);
    install(SIGCHLD, sigchld_handler);
    install(SIGINT, stop_handler);
    install(SIGTERM, stop_handler);
}

void children_block(sigset_t *old) { Sigprocmask(SIG_BLOCK, &guarded, old); }

size_t children_count(void)
{
    size_t n = 0;

    for (size_t i = 0; i < nslots; i++)
        n += children[i] > 0;
    return n;
}

/* Returns a free slot of the table, growing it if needed; -1 if out of memory. */
static long free_slot(void)
{
    size_t n = nslots > 0 ? 2 * nslots : 64, first_new = nslots;
    pid_t *bigger;

    for (size_t i = 0; i < nslots; i++)
        if (children[i] == 0)
            return (long)i;
    if ((bigger = realloc(children, n * sizeof(pid_t))) == NULL)
        return -1;
    memset(bigger + nslots, 0, (n - nslots) * sizeof(pid_t));
    children = bigger;
    nslots = n;
    return (long)first_new;
}

/* In a new child: the parent's handlers off (this child has no children,
 * and its copy of the table names its siblings), then the signals on. */
static void become_child(void)
{
    signal(SIGCHLD, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    Sigprocmask(SIG_UNBLOCK, &guarded, NULL);
}

/*
 * The guarded signals stay blocked from before the fork until the child
 * is in the table: a child that exited at once would otherwise be reaped
 * before it was recorded, and its stale pid would stay in the table
 * (CS:APP3e section 8.5.6 shows this race).
 */
pid_t children_fork(void)
{
    sigset_t mask;
    pid_t pid = -1;
    long slot;

    /* Output still in stdio's buffer would be copied into the child and
     * written twice, once by each process. */
    fflush(stdout);
    Sigprocmask(SIG_BLOCK, &guarded, &mask);
    if ((slot = free_slot()) < 0)
        errno = ENOMEM;
    else if ((pid = fork()) == 0)
        become_child();
    else if (pid > 0)
        children[slot] = pid;
    int fork_errno = errno;
    if (pid != 0)
        Sigprocmask(SIG_SETMASK, &mask, NULL);
    errno = fork_errno;
    return pid;
}
