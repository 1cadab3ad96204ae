/*
 * causes.c - the catalogue of likely causes, in one place. Each cause
 * names the observation it requires (an EV_ a check records in its
 * result_t with observe); blame prints it only when that observation was
 * made, so no FAIL guesses past its evidence, and report.c prints it
 * with the check's verdict (note_cause), once per run. Its text says what is wrong
 * in any language; the C advice (where this suite does it right) follows
 * only when the evidence points to C (points_to_c). A cause's key names it
 * in the root-cause list at the end of a run and in the tests; its title
 * is the fault, as a later check that it prevented says ("not judged").
 * To add a cause: an EV_ bit and a CAUSE_ id in echocheck.h, a row here.
 */
#include "echocheck.h"
#include "pathsearch.h"

/* Text of the C advice that every exiting-wrapper cause shares. */
/* What every text-decoding cause advises, in the student's language. */
#define BYTES_NOT_TEXT                                                       \
    "An echo server passes bytes, not text: read and write bytes (Python: " \
    "bytes, no decode(); Java: InputStream and OutputStream, not a Reader " \
    "or Writer; Node: Buffers, no setEncoding; Rust: Vec<u8>, not String)"

#define LOWERCASE_CALLS                                                      \
    "inside the loop use the lowercase calls, which return the error, and " \
    "close that connection only (csapp.h explains the two layers; echo.c "  \
    "does it)"

static const cause_t catalogue[] = {
    { CAUSE_NONE, "", -1, "", NULL, NULL },
    /* ---- the server's end ---- */
    { CAUSE_USAGE, "usage", EV_USAGE,
      "it printed a usage message and exited",
      "the command line it was given (quoted above): put {port} where the "
      "server wants its port",
      NULL },
    { CAUSE_START_REPORT, "start-error", EV_START_REPORT,
      "it reported an error at start",
      "the server's own error report (quoted above) says why it did not "
      "start", NULL },
    { CAUSE_ONE_CLIENT, "one-client", EV_ONE_CLIENT,
      "it served one client and exited",
      "the server ended after its first client left: it must loop, taking "
      "the next client after each one ends",
      "echoserveri.c: accept, echo, close, forever (slide \"Iterative "
      "Servers\")" },
    { CAUSE_RUNTIME, "uncaught-error", EV_RUNTIME_REPORT,
      "an uncaught error ended the server",
      "an error the program does not handle ended the whole server (its "
      "runtime's report is quoted above): catch a per-connection error, end "
      "that connection and go on serving the others",
      NULL },
    { CAUSE_WRAPPER, "exiting-wrapper", EV_WRAPPER_MSG,
      "a wrapper that exits on error ended the server",
      "one client's error ended the whole server (the error message is quoted "
      "above): a per-connection error must close that connection, log a line "
      "and go on",
      "a Capitalized csapp wrapper (Rio_writen, Rio_readlineb, Accept) exits "
      "on any error; " LOWERCASE_CALLS },
    { CAUSE_SIGPIPE, "sigpipe", EV_DIED_SIGPIPE,
      "killed by SIGPIPE",
      "a write to a client that has left raised SIGPIPE, whose default action "
      "ends the whole process: such a write must end that connection, not the "
      "server",
      "ignore SIGPIPE at start-up, as server.c does, so that the write fails "
      "with EPIPE and only that connection ends (echo.c)" },
    { CAUSE_MEMORY, "memory-error", EV_DIED_MEMORY,
      "killed by a memory error",
      "a memory error: a buffer overrun, or memory freed or shared between "
      "threads; run it under a memory checker",
      "valgrind or -fsanitize=address; see race.c and slide \"Potential Form "
      "of Unintended Sharing\"" },
    { CAUSE_CANNOT_RUN, "cannot-run", EV_CANNOT_RUN,
      "the command could not be run",
      "the command's program could not be started (why is quoted above): "
      "check its path, that the build makes a program of that name and "
      "that it is executable, or name its interpreter first (python3 "
      "server.py {port})",
      NULL },
    { CAUSE_EXITED, "exited", EV_EXITED,
      "it exited by itself", NULL, NULL },
    { CAUSE_MEMORY_CAP, "memory-cap", EV_MEMORY_CAP,
      "killed for memory at echocheck's cap",
      "its processes together used all the memory echocheck allows a "
      "server (the cgroup's cap on its isolation line), and the kernel "
      "killed it: memory that grows without bound, such as a buffer per "
      "client or per line never freed, or a client's input read on while "
      "its echo waits (back-pressure)",
      NULL },
    { CAUSE_KILLED, "killed", EV_KILLED,
      "it was killed by a signal", NULL, NULL },
    { CAUSE_NEXT_UNSERVED, "next-unserved", EV_NEXT_UNSERVED,
      "a fresh client was not served after a client misbehaved",
      "one client's misbehaviour ended more than its own connection: a "
      "per-connection error must close that connection, never stop the loop",
      LOWERCASE_CALLS },
    { CAUSE_NO_RESTART, "no-restart", EV_NO_RESTART,
      "it did not start again", NULL, NULL },
    /* ---- the echo ---- */
    { CAUSE_NO_ECHO, "no-echo", EV_NOTHING_BACK,
      "nothing came back at all", NULL, NULL },
    { CAUSE_HELD, "held-output", EV_HELD_TO_EOF,
      "the echo is held back until the client stops sending",
      "the server buffers what it writes and sends it only when the "
      "connection ends: flush after every line, or write to the socket itself",
      "standard I/O on a socket (fdopen, fgets, fwrite, printf) is fully "
      "buffered: CS:APP 10.11 says not to use it on sockets; echo.c uses "
      "Rio" },
    { CAUSE_CRLF, "line-endings", EV_DIFF_AT_CR,
      "line endings changed",
      "line endings changed: the echo must be the very bytes read", NULL },
    { CAUSE_NUL, "nul-ends-line", EV_DIFF_AT_NUL,
      "a NUL byte ends the line early",
      "the line is handled as a text string: a NUL byte ends a string, not a "
      "line; echo the bytes and the count that were read",
      "strlen or printf(\"%s\") on the line: use the count rio_readlineb "
      "returns" },
    { CAUSE_CHANGED, "bytes-altered", EV_CHANGED,
      "bytes came back altered",
      "the echo must write back exactly the bytes it read, from the same "
      "buffer, in order", NULL },
    { CAUSE_TEXT, "text-decoding", EV_HIGH_BYTE_CHANGED,
      "bytes that are not UTF-8 are changed",
      "text decoding: the first byte that came back changed is one of "
      "0x80-0xFF, not valid UTF-8 there: a decoder replaced it (by '?' or "
      "U+FFFD) or re-encoded it. " BYTES_NOT_TEXT, NULL },
    { CAUSE_TEXT_REFUSED, "text-refused", EV_HIGH_LINE_REFUSED,
      "a line of bytes that are not UTF-8 is refused",
      "text decoding: the line of bytes that are not valid UTF-8 never came "
      "back, while the ASCII line before it did: a decoder refused them. "
      BYTES_NOT_TEXT, NULL },
    { CAUSE_ONE_BYTE_END, "one-byte-read-ends", EV_ENDED_AT_ONE_BYTE,
      "a read of one byte ends the connection",
      "the connection ended where a read or a line was a single byte (an "
      "empty line \"\\n\" alone, or a line arriving a byte at a time): "
      "only a count of 0 is end of file",
      "loop while rio_readlineb returns more than 0, as echo.c does" },
    { CAUSE_EMPTY_LINE, "empty-line-lost", EV_EMPTY_LINE_LOST,
      "empty lines are lost",
      "an empty line, \"\\n\", is a line like any other, to echo "
      "unchanged: no skipping of blank lines, no stripping", NULL },
    { CAUSE_READ_IS_LINE, "read-taken-as-line", EV_PIECES_NOT_JOINED,
      "a line that arrives in pieces is not echoed whole",
      "each read is taken for a whole line; TCP carries a stream of bytes, "
      "and a read returns whatever part of a line has come: collect bytes "
      "until the newline",
      "rio_readlineb does (echo.c)" },
    { CAUSE_QUEUE_DROPPED, "half-close-drops-echo", EV_CLOSED_ECHO_DUE,
      "a half-close cancels the echo still queued",
      "at end of file the server closed the connection with echo still to "
      "send: the end of a client's input (its half-close) is not the end of "
      "its echo. Write everything pending, then close",
      "a blocking server does (rio_writen returns once all is taken); an "
      "event loop closes only once its queue is empty (echo_step.c)" },
    { CAUSE_NEWLINE_ADDED, "newline-added", EV_NEWLINE_ADDED,
      "a newline is added to a line that had none",
      "the echo is what was sent and then a newline the client never sent: "
      "the server strips each line's end and writes the line back with a "
      "newline of its own (println, Perl's say, Python's print(line), puts), "
      "so a last line without one gains one. Write back the bytes read, "
      "their end of line included, and nothing more",
      "write back the count rio_readlineb returned, as echo.c does" },
    { CAUSE_LONG_LINE, "long-line-cut", EV_SOME_BACK,
      "a long line is cut short",
      "a line longer than the server's buffer is cut or lost: it arrives in "
      "pieces, and every piece must be echoed",
      "rio_readlineb returns it in pieces of MAXLINE - 1 bytes" },
    { CAUSE_SHORT_WRITE, "echo-stops-short", EV_SOME_BACK,
      "the echo stops short of a large transfer",
      "part of the echo never came: a write that sends less than asked must "
      "be retried with the rest",
      "rio_writen retries short counts; a plain write does not" },
    { CAUSE_LAST_PARTIAL, "last-line-lost", EV_LAST_PARTIAL_LOST,
      "a last line without a newline is lost",
      "at end of file the bytes after the last newline must still be echoed "
      "before the connection is closed",
      "rio_readlineb returns that partial line (a count > 0) before it "
      "returns 0" },
    { CAUSE_EOF, "no-eof", EV_NO_EOF,
      "no end of file after the echo",
      "when read returns 0 (end of file) the server must still send what is "
      "pending, then close the connection, so that the client's read returns "
      "0 too", NULL },
    /* ---- concurrency ---- */
    { CAUSE_ITERATIVE, "one-at-a-time", EV_SECOND_WAITED,
      "it serves one client at a time",
      "the server serves one client at a time: a process, thread or event "
      "loop per client serves both (or claim -m one)",
      "like echoserveri.c (slide \"Fundamental Flaw of Iterative Servers\"); "
      "echoserverp.c, echoservert.c and echoservers.c serve both" },
    { CAUSE_POOL_SHORT, "pool-short", EV_POOL_UNSERVED,
      "fewer served at once than the pool claimed",
      "fewer workers than claimed, or a worker that serves no one",
      "echoservert_pre.c: each worker takes a connfd from sbuf (slide "
      "\"Producer-Consumer Model\")" },
    { CAUSE_NOT_POOL, "not-a-pool", EV_POOL_EXTRA,
      "more served at once than the pool claimed",
      "the server is not a pool of that size (a process or thread per "
      "client? then claim -m many)", NULL },
    { CAUSE_NO_NEXT, "no-next-client", EV_WAITER_UNSERVED,
      "a waiting client is not served when another leaves",
      "a worker (or the loop) that finishes a client must go back for the "
      "next one",
      "echoserveri.c closes connfd and accepts again; echoservert_pre.c loops "
      "on sbuf_remove; echoserverp_pre.c's workers loop on accept" },
    { CAUSE_NOT_ONE, "not-one", EV_SECOND_ANSWERED,
      "it serves several clients at once",
      "this server serves several at once: claim -m many (or -m pool=N)",
      NULL },
    { CAUSE_SEGMENT, "segment-lines-lost", EV_FIRST_LINE_ONLY,
      "lines after the first of a segment are lost",
      "lines after the first of a segment are lost: the bytes read ahead for "
      "a connection must survive from one read to the next",
      "the textbook's check_clients copies its rio_t by value, so the bytes "
      "read ahead go with the copy; see the \"Ours:\" comments in "
      "echoservers.c (slide \"I/O Multiplexed Event Processing\")" },
    { CAUSE_BLOCK_READ, "blocking-read", EV_WAITED_HALF_LINE,
      "one client's half line stops the others",
      "the server waits inside a blocking read for one client while the "
      "others wait (slide \"Blocking problems\"): read only what is ready and "
      "keep each connection's partial line",
      "echoservers.c, echo_step.c" },
    { CAUSE_BLOCK_WRITE, "blocking-write", EV_WAITED_FLOODER,
      "a client that reads nothing stops the others",
      "the server waits inside a blocking write of one client's echo while "
      "the others wait (slide \"Blocking problems\"): write only what the "
      "socket takes and keep the rest per connection",
      "echoservers.c, echo_step.c" },
    { CAUSE_PARTIAL_LINE, "partial-line-lost", EV_HALF_NOT_WHOLE,
      "a line that arrives in two parts is not echoed whole",
      "a partial line must be kept per connection until its newline comes",
      "echo_step.c" },
    { CAUSE_CROWD, "crowd-unanswered", EV_UNANSWERED,
      "clients that came at once went unanswered",
      "one of two: a small listen backlog (the queue of connections the "
      "kernel holds until accept takes them; Python's socketserver asks for "
      "5: set request_queue_size), or two clients served with one connection "
      "so that another gets none",
      "the book's LISTENQ is 1024; a descriptor handed to a thread by address "
      "(&connfd) is the race of race.c" },
    { CAUSE_CROSSTALK, "cross-talk", EV_CROSSTALK,
      "a client got bytes that were not its own",
      "two clients share one connection or one buffer: each client needs "
      "its own",
      "a descriptor handed to a thread by address (&connfd) is overwritten "
      "by the next accept (race.c; slide \"Could This Race Occur?\"): pass "
      "each thread its own copy, as echoservert.c does" },
    { CAUSE_SHARED_FD, "shared-descriptor", EV_EBADF_AT_ONCE,
      "two connections likely share one descriptor",
      "a descriptor shared between connections: the error report (quoted "
      "above) says \"Bad file descriptor\" while clients were served at "
      "once, most often two threads (or tasks) given the same connection: "
      "the first to finish closes it, and the other's read, write or close "
      "then fails. Each connection needs a descriptor of its own, used and "
      "closed by one thread only",
      "the address of connfd passed to a thread (&connfd) is read after the "
      "main thread's next accept overwrote it, so two threads serve and close "
      "one descriptor (race.c; slide \"Could This Race Occur?\"): pass each "
      "thread its own copy, malloc'd as echoservert.c does, or the value "
      "itself cast to a pointer" },
    /* ---- resources ---- */
    { CAUSE_NEVER_REAPS, "never-reaps", EV_ZOMBIES_ALL,
      "ended children are never reaped",
      "the parent never collects its ended children, so each stays a zombie",
      "a SIGCHLD handler must call waitpid(-1, &status, WNOHANG) in a loop "
      "(echoserverp.c with children.c; slide \"Process-Based Concurrent Echo "
      "Server\")" },
    { CAUSE_REAPS_ONE, "reaps-one-per-signal", EV_ZOMBIES_SOME,
      "children that end together are not all reaped",
      "the parent collects one ended child per notice; notices of children "
      "that end together merge, so collect every ended child each time",
      "signals of a kind do not queue: call waitpid(-1, &status, WNOHANG) in "
      "a loop until it returns 0 or -1 (children.c)" },
    { CAUSE_THREADS_LEFT, "threads-left", EV_THREADS_LEFT,
      "threads outlive their clients",
      "threads that served clients who left are still alive (their count "
      "and CPU use are above): a thread per client must end when its client "
      "leaves, and a pool must not grow with the clients",
      "the thread must return after close(connfd), as in echoservert.c" },
    { CAUSE_FDS_LEFT, "fds-left", EV_FDS_LEFT,
      "descriptors outlive their clients",
      "a connection's descriptor is never closed when its client leaves",
      "a process server's parent must close its copy after fork "
      "(echoserverp.c; slide \"Process-Based Concurrent Echo Server "
      "(Cont)\"); a thread closes it when its client leaves (echoservert.c); "
      "an event loop at end of file (echoservers.c)" },
    { CAUSE_UNDETACHED, "undetached", EV_STACKS_NO_THREADS,
      "ended threads keep their stacks",
      "threads that ended are neither detached nor joined: each keeps its "
      "stack until a join that never comes",
      "call pthread_detach(pthread_self()) in the thread, as echoservert.c "
      "does (slide \"Issues With Thread-Based Servers\")" },
    { CAUSE_NO_BACKPRESSURE, "no-back-pressure", EV_GREW_UNREAD,
      "memory grows without limit under a client that does not read",
      "no back-pressure: the server reads on from a client that does not "
      "read, and keeps the echo it cannot write in memory, without limit. "
      "Stop reading from a client while its echo waits",
      "a blocking server does by itself (its write waits); an event loop "
      "watches that client for writing only until its echo is out "
      "(echo_step.c)" },
    { CAUSE_SPINNING, "busy-after-eof", EV_BUSY_IDLE,
      "it runs on, busy, after its clients' end of file",
      "threads or processes run on after their clients have ended their "
      "input or gone: a loop "
      "that ends only on an error spins at end of file, since read then "
      "returns 0 at once, every time. End a client's loop when read returns "
      "0, and let a thread with nothing to do block (in read, accept, a "
      "semaphore or a condition variable), never poll",
      "echo.c's loop ends when rio_readlineb returns 0; echoservert.c's "
      "thread then returns" },
    { CAUSE_EMFILE, "fd-limit-fatal", EV_EMFILE_FATAL,
      "running out of descriptors ends the service",
      "running out of descriptors must drop that one connection (accept "
      "fails with EMFILE), never the server",
      "server.c keeps a spare descriptor to close the client with" },
    { CAUSE_SIGTERM_ALIVE, "sigterm-ignored", EV_SIGTERM_ALIVE,
      "SIGTERM does not end it",
      "SIGTERM is caught or blocked and does not end the process; its default "
      "action ends the process at once",
      "as in echoservere.c; echoserverp.c's handler ends its children, then "
      "dies of the signal (children.c)" },
    { CAUSE_CHILDREN_LEFT, "children-outlive", EV_SIGTERM_LEFT,
      "processes of the server outlive it",
      "the processes serving clients outlive the server: on SIGTERM it must "
      "end them",
      "children.c, used by echoserverp.c and echoserverp_pre.c" },
    /* ---- the checker's own (issue 29) ---- */
    { CAUSE_NOT_PROVOKED, "not-provoked", EV_NOT_PROVOKED,
      "the check did not provoke what it tests",
      "echocheck's fault, not the server's: the check did not bring about "
      "the condition it tests (said above), so its verdict would prove "
      "nothing; run it again, on a less loaded machine, and report it to "
      "echocheck's authors if it stays",
      NULL },
    { CAUSE_FLAKY, "flaky", EV_FLAKY,
      "the outcome varies between runs",
      "the same check on fresh instances of the same server passed in some "
      "runs and failed in others: timing decides. That is often a race in "
      "the server (data shared between threads or processes without a "
      "lock, a signal handler that misses merged signals, an error handled "
      "on one path only); the failing run's details above show where",
      NULL },
};

const cause_t *cause_of(int id)
{
    for (size_t i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++)
        if (catalogue[i].id == id)
            return &catalogue[i];
    return &catalogue[0];
}

void observe(result_t *r, int ev) { r->seen |= 1ULL << ev; }

int has_seen(const result_t *r, int ev) { return (r->seen >> ev) & 1; }

int blame(result_t *r, int id)
{
    const cause_t *c = cause_of(id);

    if (c->id == CAUSE_NONE || !has_seen(r, c->needs))
        return 0;
    if (r->cause == CAUSE_NONE)
        r->cause = id;
    return 1;
}

void blame_echo(result_t *r, int specific)
{
    static const int order[] = { CAUSE_HELD, CAUSE_NONE, CAUSE_CRLF,
                                 CAUSE_NUL, CAUSE_TEXT, CAUSE_CHANGED,
                                 CAUSE_NEWLINE_ADDED, CAUSE_QUEUE_DROPPED, CAUSE_EOF,
                                 CAUSE_NO_ECHO };

    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (blame(r, order[i] == CAUSE_NONE ? specific : order[i]))
            return;
}

void note_cause(result_t *r)
{
    const cause_t *c = cause_of(r->cause);

    if (c->text == NULL)
        return; /* the fault itself: said, nothing guessed */
    note(r, "likely cause: %s", c->text);
    if (c->c_advice && points_to_c())
        note(r, "in C with csapp: %s", c->c_advice);
}

/* ---- Which language the evidence points to ---- */

/* -1: not known yet; else 0 or 1. Written and read by the main thread;
 * language_seen's flag by the drain thread too, hence atomic. */
static int cmd_is_c = -1;
static atomic_int output_lang = -1;

void language_seen(int is_c)
{
    int unknown = -1;
    /* The first report decides: a C program's later lines do not undo a
     * traceback, nor the other way round. */
    atomic_compare_exchange_strong(&output_lang, &unknown, is_c ? 1 : 0);
}

/* Programs that run another: the one after their options is the server. */
static int is_launcher(const char *base)
{
    static const char *const names[] = { "env", "valgrind", "timeout", "nice",
                                         "stdbuf", "setsid", "taskset",
                                         "chrt", "ionice", "exec", NULL };
    for (int i = 0; names[i]; i++)
        if (strcmp(base, names[i]) == 0)
            return 1;
    return 0;
}

/* The path execvp would run for name (searched in PATH), into buf; name
 * itself when none is found. */
static const char *resolve(const char *name, char *buf, size_t size)
{
    const char *found = path_search(name, buf, size);
    return found ? found : name;
}

/* 1 when the file holds one of marks (a compiler's runtime leaves its
 * names in every binary it builds). */
static int file_holds(FILE *f, const char *const marks[])
{
    static char buf[1 << 16];
    size_t keep = 0, n;

    while ((n = fread(buf + keep, 1, sizeof(buf) - keep, f)) > 0) {
        size_t len = keep + n;
        for (int m = 0; marks[m]; m++)
            for (size_t i = 0, k = strlen(marks[m]); i + k <= len; i++)
                if (buf[i] == marks[m][0] && memcmp(buf + i, marks[m], k) == 0)
                    return 1;
        keep = len < 32 ? len : 32; /* a mark across two reads */
        memmove(buf, buf + len - keep, keep);
    }
    return 0;
}

/* 1 when path is an ELF executable that neither Rust nor Go built. */
static int is_c_binary(const char *path)
{
    static const char *const other[] = { "rust_panic", "RUST_BACKTRACE",
                                         "runtime.gopanic", NULL };
    char magic[4];
    FILE *f = fopen(path, "rb");
    int c = 0;

    if (f == NULL)
        return 0;
    if (fread(magic, 1, 4, f) == 4 && memcmp(magic, "\177ELF", 4) == 0)
        c = !file_holds(f, other);
    fclose(f);
    return c;
}

/* The command's first file: after any launcher and its options. */
static int command_is_c(void)
{
    char buf[4096];
    int i = 0;

    for (;;) {
        const char *slash = strrchr(opt.cmd[i], '/');
        const char *base = slash ? slash + 1 : opt.cmd[i];
        if (!is_launcher(base) || opt.cmd[i + 1] == NULL)
            break;
        for (i++; opt.cmd[i + 1] && (opt.cmd[i][0] == '-' ||
                                      strchr(opt.cmd[i], '=')); i++)
            ; /* its options, and env's NAME=value */
    }
    const char *path = resolve(opt.cmd[i], buf, sizeof(buf));
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    static const char *const interpreters[] = { "python", "node", "java",
                                                "perl", "ruby", "php", "sh",
                                                "bash", "dash", "lua", NULL };
    for (int k = 0; interpreters[k]; k++)
        if (strncmp(base, interpreters[k], strlen(interpreters[k])) == 0)
            return 0;
    return is_c_binary(path);
}

int points_to_c(void)
{
    int seen = atomic_load(&output_lang);

    if (seen >= 0)
        return seen;
    if (cmd_is_c < 0)
        cmd_is_c = command_is_c();
    return cmd_is_c;
}
