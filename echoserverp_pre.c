/*
 * echoserverp_pre.c - echo server with a fixed pool of worker processes.
 * Model: preforked (Apache's prefork, UNP chapter 30), the process model's
 * answer to its own overhead: the parent opens the listening socket and
 * forks the workers once; each worker accepts a client, serves it to the
 * end, and accepts the next. No fork per client, and a crash stays
 * inside one worker.
 * Observe: with 2 workers, a third echoclient connects but is echoed only
 * when one of the first two leaves; `ps -o pid,ppid,stat,args --ppid PID`
 * shows 2 children however many clients come. `kill -9` a busy worker
 * (its pid ends each of its log lines): its client's connection ends, the
 * other client goes on, a new worker takes its place within a second.
 * Run: terminal 1: ./echoserverp_pre 15213 2     (Ctrl-C stops it)
 *      terminal 2: ./echoclient localhost 15213  (type lines; Ctrl-D leaves)
 *
 * Sharing accept: every idle worker blocks in accept on the one listening
 * socket, with no lock (UNP 30.6). Linux queues them as exclusive waiters
 * and wakes one per connection: no thundering herd (64 idle workers, one
 * connection: one worker woke; docs/measurements.md, "Measured by hand").
 * A kernel that woke them all would call for a lock around accept (UNP
 * 30.7, 30.8).
 *
 * Supervising: the parent sleeps in sigsuspend until a worker ends
 * (SIGCHLD; children.c, shared with echoserverp, reaps it), then forks a
 * new one. SIGINT or SIGTERM ends every worker, then the parent. If the
 * parent dies even of SIGKILL, every worker exits within a second, busy
 * or idle, so no orphan keeps the port: on Linux the kernel signals it
 * (prctl PR_SET_PDEATHSIG), at no cost meanwhile; elsewhere (or built
 * with -DNO_PDEATHSIG) a timer has it check getppid() every
 * PARENT_CHECK_MS, a wake-up each time (on the 2-core VM of
 * docs/measurements.md, 2% of a core for 64 idle workers, 1.5 cores for
 * 1024). Not a pipe whose end of file
 * workers poll for beside the listener: each connection would wake every
 * idle worker (a herd of our own), and a busy worker would not look.
 *
 * Sharing the total: it lives in a page mapped MAP_SHARED before the
 * first fork and grows by one C11 atomic add per line. Not a
 * process-shared mutex: a worker SIGKILLed while holding it would leave
 * it locked and wedge all the others (robust mutexes, which recover, and
 * process-shared unnamed semaphores are missing on macOS). Against the
 * thread pool's mutex the atomic add is faster (on that VM 6 ns alone,
 * 11 ns with two cores adding, against 13 and 30 ns for lock, add,
 * unlock; all small beside a log write), but it covers one word: values
 * that must change together would need a lock, and a way to survive its
 * holder's death.
 */
/*
 * MAP_ANONYMOUS is not in POSIX.1-2008 (POSIX.1-2024 added it), so with
 * the suite's -D_POSIX_C_SOURCE it stays hidden: glibc shows it with
 * _DEFAULT_SOURCE, macOS with _DARWIN_C_SOURCE. Defined here only, before
 * any header, as this is the only file that needs it.
 */
#define _DEFAULT_SOURCE
#define _DARWIN_C_SOURCE

#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/time.h> /* setitimer */

#include "children.h"
#include "echo.h"
#include "linelog.h"
#include "server.h"
#include "trace.h"

#if defined(__linux__) && !defined(NO_PDEATHSIG)
#include <sys/prctl.h>
#define HAVE_PDEATHSIG 1
#endif

#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON /* the older BSD name */
#endif

#define DEFAULT_PROCESSES 4 /* few, so that waiting shows */
#define MAX_PROCESSES 1024
#define USAGE "<port> [processes]   (default 4; at most 1024)"
#define PARENT_CHECK_MS 500 /* without PDEATHSIG: how often a worker checks */

/*
 * The bytes received from all clients so far, shared by every worker: a
 * MAP_SHARED page made before the first fork, so every worker (and every
 * replacement, forked later from the same parent) sees the same one. It
 * is guarded by being atomic. A lock-based fallback of <stdatomic.h>
 * would keep its lock in each process's private memory, which guards
 * nothing across processes: only a lock-free atomic will do.
 */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2,
               "the shared total needs a lock-free atomic_ullong");
static atomic_ullong *total_bytes;

static pid_t parent;            /* the supervisor, as the workers saw it at fork */
static pid_t self;              /* this worker's pid, for its log lines */
static const char *prog;        /* for the parent's messages */

/* Maps the shared total, zeroed. Start-up only: exits on failure. */
static void map_total(void)
{
    void *page = mmap(NULL, sizeof(*total_bytes), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (page == MAP_FAILED)
        unix_error("mmap");
    total_bytes = page;
    atomic_init(total_bytes, 0);
}

/* echo_lines' sent hook: this worker's log lines out, in one write. */
static void write_log(int connfd)
{
    (void)connfd;
    linelog_flush();
}

/*
 * echo_lines' line hook: adds the line to the shared total and logs both.
 * Relaxed order is enough: only the count itself is shared, and every add
 * sees the one before it, so no two lines ever show the same total.
 */
static void count_line(int connfd, size_t n)
{
    unsigned long long total =
        atomic_fetch_add_explicit(total_bytes, n, memory_order_relaxed) + n;

    linelog_add("server received %zu (%llu total) bytes on fd %d (pid %ld)\n",
                n, total, connfd, (long)self);
}

/*
 * Exits if the parent has gone (the worker has been handed to another
 * parent then). Called at start, and without PDEATHSIG on each SIGALRM:
 * getppid and _exit are async-signal-safe. A client being served loses
 * its connection, as it would had the parent taken its workers down.
 */
static void check_parent(int sig)
{
    (void)sig;
    if (getppid() != parent)
        _exit(0);
}

/*
 * Makes this worker end when the parent does: by the kernel's signal, or
 * by a check every PARENT_CHECK_MS. Either way it checks once now too:
 * the parent may have died before this worker got here.
 */
static void watch_parent(void)
{
#ifdef HAVE_PDEATHSIG
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
        unix_error("prctl");
#else
    struct itimerval every = {{0, PARENT_CHECK_MS * 1000},
                              {0, PARENT_CHECK_MS * 1000}};

    Signal(SIGALRM, check_parent); /* SA_RESTART: accept and read go on */
    if (setitimer(ITIMER_REAL, &every, NULL) < 0)
        unix_error("setitimer");
#endif
    check_parent(SIGALRM);
}

/* A worker serves one client after another, forever. Never returns. */
static void worker(int listenfd)
{
    self = getpid();
    trace_process("worker (pid %ld)", (long)self);
    watch_parent();
    for (;;) {
        int connfd = accept_client(listenfd);
        if (connfd < 0)
            continue; /* nothing accepted, or dropped and logged */
        echo_lines(connfd, count_line, write_log);
        close(connfd);
    }
}

/* SIGALRM in the parent: nothing to do but end its wait (see fill_pool). */
static void wake_up(int sig) { (void)sig; }

/*
 * Forks workers until the pool is full again. Called with the children
 * signals blocked (children_block). A failed fork is tried again a second
 * later: alarm ends the parent's wait then.
 */
static void fill_pool(int listenfd, size_t nworkers)
{
    static int was_full; /* after start-up, a new worker is a replacement */

    while (children_count() < nworkers) {
        pid_t pid = children_fork();
        if (pid == 0)
            worker(listenfd);
        if (pid < 0) {
            printf("fork: %s: %zu of %zu workers running; trying again in "
                   "a second\n", strerror(errno), children_count(), nworkers);
            alarm(1);
            return;
        }
        if (was_full)
            printf("%s: worker %ld started, replacing one that ended\n", prog,
                   (long)pid);
    }
    if (!was_full) /* said once the pool is full: it is ready, all of it */
        printf("%s: %zu worker process%s\n", prog, nworkers,
               nworkers == 1 ? "" : "es");
    was_full = 1;
}

int main(int argc, char **argv)
{
    size_t nworkers = DEFAULT_PROCESSES;
    sigset_t waiting; /* the mask to wait with: children signals allowed */
    int listenfd;

    prog = prog_name(argv[0]);
    check_argc(argc, argv, 1, 2, USAGE);
    if (argc > 2)
        nworkers = (size_t)Parse_number(prog, "process count", argv[2], 1,
                                        MAX_PROCESSES);
    listenfd = start_server(argv[0], argv[1]);
    map_total();
    parent = getpid();
    Signal(SIGALRM, wake_up);
    children_init(); /* reaps every worker; SIGINT, SIGTERM end them too */

    trace_thread("main: supervisor");
    children_block(&waiting);
    for (;;) {
        fill_pool(listenfd, nworkers);
        /* Until a worker ends (SIGCHLD) or a retry is due (SIGALRM). */
        sigsuspend(&waiting);
    }
}
