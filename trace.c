/*
 * trace.c - the mechanism behind trace.h, which describes the file and
 * the events: how an event is encoded (by hand, without stdio or malloc,
 * so that trace_signal may run in a signal handler), where it goes,
 * whether tracing is on.
 *
 * Whole even after SIGKILL: a write(2) to a file is cut short only where
 * the kernel copies it in page-sized pieces (Linux checks for a fatal
 * signal between two pages), so every event goes out as one record of
 * RECORD bytes, padded with spaces, and RECORD divides the page size:
 * every writer appends whole records, no record ever straddles a page,
 * and none is ever torn. (A file that held other bytes before is not
 * aligned, and loses that guarantee.)
 * Bounded: once the file reaches ECHO_TRACE_MAX bytes, each process
 * writes one last global instant saying so and stops writing.
 * Off: trace_fd is -1 and every call returns at its first test.
 * Its parts: trace_event.c encodes, trace_conn.c follows connections and
 * lines (trace_impl.h is what they share).
 */
#define _DEFAULT_SOURCE /* syscall(2) for the thread's id on Linux */

#include "csapp.h"
#include "trace.h"
#include "trace_impl.h"

#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#define DEFAULT_CAP (64LL << 20)
#define RECORD 256    /* bytes of one event on file (see the top); the
                         longest event, a name of NAME_MAX_LEN, is ~200 */
#define NAME_MAX_LEN 96

/* Set by trace_setup before any thread or fork, only read afterwards. */
int trace_fd = -1;
static long long cap;
static char prog_label[NAME_MAX_LEN];
/* This process: reset in a forked child (after_fork). */
pid_t trace_pid;
static int process_named;
static atomic_int capped;
static atomic_llong next_thread;
static atomic_llong unchecked; /* bytes written since the size was checked */

/* The calling thread: its id (0: not known in this process yet). */
static _Thread_local long my_tid;
static _Thread_local int my_name_given;

/* ---- Encoding one event: no stdio, no malloc, so a handler may ---- */

long long trace_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The kernel's id of this thread on Linux (unique machine-wide, as the
 * viewers expect); elsewhere one made up from the pid and a count. */
static long os_tid(void)
{
#if defined(__linux__) && defined(SYS_gettid)
    return (long)syscall(SYS_gettid);
#else
    static atomic_long made;
    return (long)trace_pid * 1000 + atomic_fetch_add(&made, 1) % 1000;
#endif
}

static void name_event(const char *which, const char *name);

/* The calling thread's id; names it first if it never was, and names
 * this process first if a fork left it unnamed. */
static long tid(void)
{
    if (my_tid == 0)
        my_tid = os_tid();
    if (!process_named) {
        char name[NAME_MAX_LEN + 8] = "";
        event_t e = {.len = 0};
        PUT(&e, prog_label, " (child)");
        memcpy(name, e.text, e.len);
        process_named = 1;
        name_event("process_name", name);
    }
    if (!my_name_given) {
        char name[32] = "thread ";
        event_t e = {.len = 0};
        trace_put_int(&e, atomic_fetch_add(&next_thread, 1) + 1);
        memcpy(name + 7, e.text, e.len);
        my_name_given = 1;
        name_event("thread_name", name);
    }
    return my_tid;
}

/* Opens an event: ",\n{"ph":PH,"pid":..,"tid":..,"ts":..". The "[" or
 * ",\n" in front is the file's business (emit and open_trace). */
void trace_event_start(event_t *e, const char *ph, long long ns)
{
    long t = tid();

    e->len = 0;
    e->overflow = 0;
    PUT(e, ",\n{\"ph\":\"", ph, "\",\"pid\":");
    trace_put_int(e, trace_pid);
    PUT(e, ",\"tid\":");
    trace_put_int(e, t);
    PUT(e, ",\"ts\":");
    trace_put_us(e, ns);
}

void trace_put_name(event_t *e, const char *cat, const char *name)
{
    if (cat != NULL) {
        PUT(e, ",\"cat\":");
        trace_put_quoted(e, cat);
    }
    PUT(e, ",\"name\":");
    trace_put_quoted(e, name);
}

/* A metadata event naming this process or this thread ("process_name",
 * "thread_name"), and one emitted. */
static void make_name(event_t *e, const char *which, const char *name)
{
    trace_event_start(e, "M", trace_now_ns());
    trace_put_name(e, NULL, which);
    PUT(e, ",\"args\":{\"name\":");
    trace_put_quoted(e, name);
    PUT(e, "}}");
}

static void name_event(const char *which, const char *name)
{
    event_t e;

    make_name(&e, which, name);
    trace_emit(&e);
}

/* An instant: on this thread (scope "t"), process ("p") or everywhere
 * ("g"), with one number in its args. */
static void make_instant(event_t *e, const char *cat, const char *name,
                         const char *scope, const char *key, long long value)
{
    trace_event_start(e, "i", trace_now_ns());
    trace_put_name(e, cat, name);
    PUT(e, ",\"s\":\"", scope, "\",\"args\":{\"", key, "\":");
    trace_put_int(e, value);
    PUT(e, "}}");
}

/* ---- Writing: one write per event, and the cap ---- */

/* e as one record in rec: its text, spaces, a newline; 0 when it is too
 * long to be one (then it is never written). */
static size_t as_record(char rec[RECORD], const event_t *e)
{
    if (e->overflow || e->len > RECORD - 1)
        return 0;
    memcpy(rec, e->text, e->len);
    memset(rec + e->len, ' ', RECORD - 1 - e->len);
    rec[RECORD - 1] = '\n';
    return RECORD;
}

static void cap_reached(void)
{
    event_t e;

    char rec[RECORD];

    make_instant(&e, "trace", "trace cap reached: ECHO_TRACE_MAX bytes "
                 "written, later events dropped", "g", "cap", cap);
    if (as_record(rec, &e))
        (void)write(trace_fd, rec, RECORD);
}

/* Writes e whole, or not at all; errno is left as the caller had it
 * (a trace_unblocked after a failed accept must not change it). */
void trace_emit(event_t *e)
{
    int saved = errno;
    char rec[RECORD];

    if (atomic_load_explicit(&capped, memory_order_relaxed) ||
        as_record(rec, e) == 0)
        return;
    if (write(trace_fd, rec, RECORD) != RECORD)
        atomic_store(&capped, 1); /* disk full: stop before tearing one */
    /* Every cap/16 bytes this process writes, the file's size is checked:
     * with O_APPEND the offset is the end of the file, all writers'. */
    else if (atomic_fetch_add(&unchecked, (long long)RECORD) >= cap / 16 &&
             (atomic_store(&unchecked, 0), lseek(trace_fd, 0, SEEK_CUR)) >=
                 cap - cap / 16 &&
             atomic_exchange(&capped, 1) == 0)
        cap_reached();
    errno = saved;
}

/* ---- Opening the file ---- */

/* Writes the first event, with "[" for its "," in a new file. */
static int write_first(int fd, const event_t *first, int new_file)
{
    char rec[RECORD];

    if (as_record(rec, first) == 0)
        return 0;
    if (new_file) /* "[\n{...}", else ",\n{...}" */
        rec[0] = '[';
    return rio_writen(fd, rec, RECORD) == RECORD;
}

/* Writes "[" and the first event (a process_name) to a file of our own,
 * then links it as path: 0 when we made path, else -1 with errno set
 * (EEXIST: someone else did). On success *fd appends to it. */
static int create_by_link(const char *path, const event_t *first, int *fd)
{
    char tmp[PATH_MAX];
    int rc = -1;

    if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >=
        (int)sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    *fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (*fd < 0)
        return -1;
    if (write_first(*fd, first, 1) && fcntl(*fd, F_SETFL, O_APPEND) == 0)
        rc = link(tmp, path);
    int saved = errno;
    unlink(tmp);
    if (rc < 0) {
        close(*fd);
        *fd = -1;
    }
    errno = saved;
    return rc;
}

/* Appends the first event to an existing path, with "[" in front if it
 * is empty; the lock makes "is it empty?" and the write one step. */
static int append_first(const char *path, const event_t *first)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    struct stat st;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);

    if (fd < 0)
        return -1;
    if (fcntl(fd, F_SETLKW, &lock) < 0 || fstat(fd, &st) < 0) {
        close(fd);
        return -1;
    }
    int ok = write_first(fd, first, st.st_size == 0);
    lock.l_type = F_UNLCK;
    fcntl(fd, F_SETLK, &lock);
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

static int open_trace(const char *path, const event_t *first)
{
    int fd;

    if (create_by_link(path, first, &fd) == 0)
        return fd;
    return append_first(path, first); /* EEXIST, or no links here */
}

/* In a forked child: a new pid, and this thread is the child's only one. */
static void after_fork(void)
{
    trace_pid = getpid();
    process_named = 0;
    my_tid = 0;
    my_name_given = 0;
}

void trace_setup(const char *prog, const char *thread)
{
    const char *path = getenv("ECHO_TRACE");
    const char *max = getenv("ECHO_TRACE_MAX");
    const char *who = getenv("ECHO_TRACE_NAME");
    struct rlimit rl;
    event_t first;

    if (path == NULL || *path == '\0')
        return;
    cap = max == NULL ? DEFAULT_CAP
                      : Parse_number(prog, "ECHO_TRACE_MAX", max, 4096,
                                     LONG_MAX); /* else exits 2 */
    if (who != NULL && *who != '\0') /* the demo's "client A" */
        snprintf(prog_label, sizeof(prog_label), "%s %s", thread, who);
    else
        snprintf(prog_label, sizeof(prog_label), "%s", prog);
    trace_pid = getpid();
    my_tid = os_tid();
    process_named = my_name_given = 1; /* named just below */
    make_name(&first, "process_name", prog_label);
    if ((trace_fd = open_trace(path, &first)) < 0) {
        fprintf(stderr, "%s: cannot write the trace to %s (ECHO_TRACE): %s\n",
                prog, path, strerror(errno));
        exit(1);
    }
    trace_conns_setup(getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 0);
    pthread_atfork(NULL, NULL, after_fork);
    name_event("thread_name", who != NULL && *who != '\0' ? prog_label : thread);
}

/* ---- Names ---- */

/* A name event of kind ("thread_name", "process_name") from fmt; the
 * name is left in name[NAME_MAX_LEN]. */
static void name_eventv(const char *kind, char *name, const char *fmt,
                        va_list ap)
{
    vsnprintf(name, NAME_MAX_LEN, fmt, ap);
    my_name_given = 1;
    name_event(kind, name);
}

void trace_thread(const char *fmt, ...)
{
    char name[NAME_MAX_LEN];
    va_list ap;

    if (trace_fd < 0)
        return;
    va_start(ap, fmt);
    name_eventv("thread_name", name, fmt, ap);
    va_end(ap);
}

void trace_numbered(const char *role)
{
    static atomic_int count;

    if (trace_fd < 0)
        return;
    trace_thread("%s %d", role, atomic_fetch_add(&count, 1) + 1);
}

void trace_process(const char *fmt, ...)
{
    char name[NAME_MAX_LEN];
    va_list ap;

    if (trace_fd < 0)
        return;
    process_named = 1;
    va_start(ap, fmt);
    name_eventv("process_name", name, fmt, ap);
    va_end(ap);
    name_event("thread_name", name);
}

/* ---- Slices and moments on the calling thread ---- */

static void begin_slice(const char *cat, const char *name)
{
    event_t e;

    if (trace_fd < 0)
        return;
    trace_event_start(&e, "B", trace_now_ns());
    trace_put_name(&e, cat, name);
    PUT(&e, "}");
    trace_emit(&e);
}

static void end_slice(void)
{
    event_t e;

    if (trace_fd < 0)
        return;
    trace_event_start(&e, "E", trace_now_ns());
    PUT(&e, "}");
    trace_emit(&e);
}

void trace_blocked(const char *call) { begin_slice("blocked", call); }
void trace_unblocked(void) { end_slice(); }
void trace_begin(const char *what) { begin_slice("run", what); }
void trace_end(void) { end_slice(); }

void trace_mark(const char *what, long long value)
{
    event_t e;

    if (trace_fd < 0)
        return;
    make_instant(&e, "mark", what, "t", "value", value);
    trace_emit(&e);
}

void trace_connected(int clientfd)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof(addr);
    char host[NI_MAXHOST], port[NI_MAXSERV];
    event_t e;

    if (trace_fd < 0 ||
        getsockname(clientfd, (struct sockaddr *)&addr, &len) != 0 ||
        getnameinfo((struct sockaddr *)&addr, len, host, sizeof(host), port,
                    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return;
    make_instant(&e, "mark", "connected from port", "t", "value", atoll(port));
    trace_emit(&e);
}

void trace_signal(int sig)
{
    event_t e;

    if (trace_fd < 0)
        return;
    make_instant(&e, "signal", sig == SIGINT    ? "SIGINT handled"
                               : sig == SIGTERM ? "SIGTERM handled"
                                                : "signal handled",
                 "p", "signal", sig);
    trace_emit(&e); /* keeps errno, as a handler must */
}

