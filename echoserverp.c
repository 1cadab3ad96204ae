/*
 * echoserverp.c - echo server, one process per client.
 * Model: processes. The parent only accepts; each client is served by a
 * forked child with its own copy of everything, so nothing is shared by
 * accident (and nothing can be shared on purpose without extra work).
 * Observe: several echoclients are served at once; `ps -o pid,ppid,stat,args`
 * shows one child per connected client and no zombie (state Z) once a
 * client leaves. Stopping the server (Ctrl-C, `kill PID`) ends the
 * clients' sessions too.
 * Run: ./echoserverp 15213 & ./echoclient localhost 15213
 * Book: CS:APP3e Figure 12.5 (same structure; the parent also keeps a
 * table of its children so that stopping it stops them).
 */
#include "echo.h"
#include "server.h"

/*
 * The children still serving, so that stopping the server can stop them:
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
 * for the children still serving. waitpid may change errno, which the code
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
 * (SIGKILL cannot be caught: after `kill -9 PID` the children do go on.)
 */
static void stop_handler(int sig)
{
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

/* The child: serves its one client and exits. Never returns. */
static void child_serves(int listenfd, int connfd, const sigset_t *mask)
{
    /* The handlers are the parent's business: this child has no children,
     * and its copy of the table names its siblings, not its own. */
    signal(SIGCHLD, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    Sigprocmask(SIG_SETMASK, mask, NULL);
    close(listenfd); /* only the parent accepts */
    echo(connfd);
    close(connfd);
    exit(0);
}

/*
 * Forks a child to serve connfd; if that fails, drops the connection with
 * a log line and goes on. The guarded signals stay blocked from before
 * the fork until the child is in the table: a child that exited at once
 * would otherwise be reaped before it was recorded, and its stale pid
 * would stay in the table (CS:APP3e section 8.5.6 shows this race).
 */
static void serve_in_child(int listenfd, int connfd)
{
    sigset_t mask;
    long slot;
    pid_t pid;

    Sigprocmask(SIG_BLOCK, &guarded, &mask);
    if ((slot = free_slot()) < 0)
        printf("out of memory for the child table: dropping the connection\n");
    else if ((pid = fork()) < 0)
        printf("fork: %s: dropping the connection\n", strerror(errno));
    else if (pid == 0)
        child_serves(listenfd, connfd, &mask);
    else
        children[slot] = pid;
    Sigprocmask(SIG_SETMASK, &mask, NULL);
    /*
     * The parent's copy of connfd must be closed: the kernel closes a
     * connection only when every descriptor for it is closed, so without
     * this the client would never see end of file, and the parent would
     * run out of descriptors after about a thousand clients.
     */
    close(connfd);
}

int main(int argc, char **argv)
{
    int listenfd, connfd;

    if (argc != 2)
        usage_exit(argv[0], "<port>");
    listenfd = start_server(argv[0], argv[1]);

    Sigemptyset(&guarded);
    Sigaddset(&guarded, SIGCHLD);
    Sigaddset(&guarded, SIGINT);
    Sigaddset(&guarded, SIGTERM);
    install(SIGCHLD, sigchld_handler);
    install(SIGINT, stop_handler);
    install(SIGTERM, stop_handler);

    for (;;) {
        if ((connfd = accept_client(listenfd)) < 0)
            continue; /* nothing accepted, or dropped and logged */
        serve_in_child(listenfd, connfd);
    }
}
