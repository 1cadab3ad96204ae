/*
 * testlib.h - the small harness every test program uses: a test table run
 * one test per child process (so a crash or a hang fails one test, not
 * the run), checks that say what was expected and what came instead, and
 * helpers to start the real binaries and talk to them over loopback.
 * Every wait here is bounded, and stretched by TEST_TIME_SCALE when the
 * programs run under valgrind or a sanitizer.
 * One header, in sections that match the files behind it: testlib.c (the
 * runner, checks, clocks, byte buffers), proc.c (running programs, /proc),
 * server_ctl.c (servers in the background), net.c (talking to a server),
 * serverlist.c (tests/servers.txt), trialprog.c (deadlock, livelock,
 * starvation).
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include "csapp.h"

#include <sys/resource.h>

/* ---- Tests and checks (testlib.c) ---- */

typedef struct {
    const char *name; /* the behaviour it proves: echoes_nul_bytes */
    void (*run)(void);
} test_t;

/* A table entry named after its function: TEST(echoes_nul_bytes). */
#define TEST(fn) {#fn, fn}

/*
 * Runs the tests named on the command line (all when none is), each in
 * its own child with a time limit, printing "PASS group name", "FAIL ..."
 * plus the failed checks, or "SKIP ..." plus why. Returns the exit status: 0 when all passed.
 */
int run_tests(const char *group, const test_t *tests, size_t ntests,
              int argc, char **argv);

/* Ends the current test as skipped, saying why (no IPv6 here, say). */
void skip_test(const char *why) __attribute__((noreturn));

/* Records a failed check (with where and why) when ok is false. */
int check_(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define CHECK(ok, ...) check_(!!(ok), __FILE__, __LINE__, __VA_ARGS__)

/* ms stretched by TEST_TIME_SCALE (for valgrind and sanitizer runs). */
int scaled(int ms);

/*
 * True when the programs run under that checker (TEST_SANITIZER is
 * "address", "thread" or "valgrind"; NULL asks for any), for the few
 * tests whose subject a checker changes: thread counts, memory and
 * descriptor limits.
 */
int running_under(const char *checker);

/* Milliseconds on a monotonic clock, for timing what the tests observe. */
long long now_ms(void);
void sleep_ms(int ms);
/* Milliseconds until deadline (a now_ms() time), 0 once it has passed. */
int ms_left(long long deadline);

/* ---- A growing byte buffer (output can hold NUL bytes; testlib.c) ---- */

typedef struct {
    char *data;
    size_t len, cap;
} bytes_t;

void bytes_add(bytes_t *b, const void *data, size_t n);
void bytes_free(bytes_t *b);
/* Fills a fresh buffer with n deterministic pseudo-random bytes. */
char *random_bytes(size_t n, unsigned seed);
/* Appends what fd has to b until a read would wait (fd non-blocking) or
 * ends; returns 0 once fd reached end of file or failed, else 1. */
int drain_fd(int fd, bytes_t *b);

/* ---- Running programs (proc.c) ---- */

/*
 * Starts argv[0] (a path) in a child whose stdin, stdout and stderr are
 * infd (-1: /dev/null), outfd and errfd, with none of the test's other
 * descriptors and SIGPIPE at its default, as from a shell; under valgrind
 * when TEST_VALGRIND lists its name. Returns its PID.
 */
pid_t spawn_program(char *const argv[], int infd, int outfd, int errfd);
/* A wait status as the shell shows it: the exit status, or 128+signal. */
int exit_code(int status);

typedef struct {
    int status;       /* exit status, 128+signal if killed, -1 on timeout */
    bytes_t out, err; /* everything it wrote */
    long long elapsed_ms;
} run_result_t;

/* Runs argv with `in` on stdin (then end of file), within timeout_ms. */
void run_program(char *const argv[], const void *in, size_t inlen,
                 int timeout_ms, run_result_t *r);
void run_result_free(run_result_t *r);
/* Checks that prog -h and prog --help each print one line "usage: NAME
 * ..." on stdout, nothing on stderr, and exit 0 (the contract's help). */
void check_help(const char *prog);

/* ---- Servers started in the background (server_ctl.c) ---- */

typedef struct {
    pid_t pid;
    int port;          /* from its "listening on port N" line */
    char log[64];      /* file holding its stdout and stderr */
    int status;        /* exit status once reaped, else -1 */
} server_t;

/*
 * Starts prog with args (NULL-terminated; usually just "0") and waits up
 * to 5 s for its "listening on port N" line. Returns 0, or -1 after a
 * failed check. Servers still running when a test ends are killed.
 */
int server_start(server_t *s, const char *prog, ...);
/*
 * server_start for a program that reads stdin (select): *to_stdin is the
 * write end of its stdin pipe; closing it gives the program end of file.
 */
int server_start_piped(server_t *s, int *to_stdin, const char *prog, ...);
/* server_start with the server's stdout a pipe (a thread of the test
 * copies it into the log): the contract's log is prompt there too. */
int server_start_stdout_piped(server_t *s, const char *prog, ...);
/* Sends sig and waits up to timeout_ms for the exit; 0 if it exited. */
int server_signal_wait(server_t *s, int sig, int timeout_ms);
int server_alive(server_t *s);
/* Checks the server still runs; if not, says how it ended. (server_alive
 * reaps it first: the status must be read after, not as an argument.) */
#define CHECK_ALIVE(s)                                                       \
    do {                                                                     \
        int alive_ = server_alive(s);                                        \
        CHECK(alive_, "the server died (status %d)", (s)->status);          \
    } while (0)
/* How many times needle occurs in the server's log so far. */
int server_log_count(server_t *s, const char *needle);
/* Waits until needle occurs at least count times; 0 if it did in time. */
int server_log_wait(server_t *s, const char *needle, int count,
                    int timeout_ms);
/* The whole log, NUL-terminated (caller frees). */
char *server_log(server_t *s);
/* Kills the servers this test started that still run and removes their
 * logs; the runner calls it when a test ends, skipped or not. */
void kill_servers(void);

/* ---- What a process holds, from /proc (proc.c) ---- */

/* Counts entries in /proc/PID/task or /proc/PID/fd; -1 where unsupported. */
int proc_count(pid_t pid, const char *what);
/*
 * Counts the processes whose parent is pid (from /proc/N/stat); *zombies
 * gets how many of them are in state Z. -1 where there is no /proc.
 */
int proc_children(pid_t parent, int *zombies);
/* proc_children, also storing the first max children's PIDs in pids. */
int proc_child_pids(pid_t parent, pid_t *pids, int max, int *zombies);
/* Waits until parent has `want` children, none a zombie; returns the count. */
int wait_children(pid_t parent, int want, int *zombies, int timeout_ms);
/* Waits until proc_count(pid, what) == want; returns the last count seen. */
int wait_proc_count(pid_t pid, const char *what, int want, int timeout_ms);
/* The same until proc_count(pid, what) <= most. */
int wait_proc_count_at_most(pid_t pid, const char *what, int most,
                            int timeout_ms);
/* Ends the current test as skipped where there is no /proc to count in. */
void need_proc(void);
/* 1 while pid exists and is not a zombie (from /proc). */
int proc_running(pid_t pid);
/* CPU time pid has used so far, user plus system, in ms; -1 if unknown. */
long long proc_cpu_ms(pid_t pid);
/*
 * Sets this process's soft RLIMIT_NOFILE to soft (RLIM_INFINITY: as high
 * as the hard limit allows); children started afterwards inherit it.
 * Returns 0, or -1 when the hard limit does not allow it.
 */
int set_nofile_limit(rlim_t soft);

/* ---- Talking to a server (net.c) ---- */

/* 1 when this host can bind the IPv6 loopback ::1. */
int host_has_ipv6(void);
/* Connects to host (an address literal) on port; -1 after a failed check. */
int tcp_connect(const char *host, int port);
int send_all(int fd, const void *data, size_t n);
/* Reads until n bytes arrived, end of file, or timeout; returns the count. */
size_t recv_upto(int fd, void *buf, size_t n, int timeout_ms);
/* Sends until done or until no byte fits for stall_ms (nobody reads). */
size_t send_what_fits(int fd, const void *data, size_t n, int stall_ms);
/* Waits for end of file; returns 1 if it came within timeout_ms. */
int wait_eof(int fd, int timeout_ms);
/* Returns 1 if fd becomes readable (data or EOF) within timeout_ms. */
int readable_within(int fd, int timeout_ms);
/* Sends a short line (< 256 bytes) and checks the same bytes come back
 * within timeout_ms; returns the check's result. */
int echoes_line(int fd, const char *line, int timeout_ms);
/*
 * Sends a short line (< 256 bytes) on fd and says what became of it within
 * timeout_ms: 1 when it came back (served), 0 when the connection ended
 * first (dropped), -1 when neither happened (kept waiting), -2 when
 * something else came back.
 */
int served_or_dropped(int fd, const char *line, int timeout_ms);
/* Checks that a new client is served, trying a few times while the server
 * still frees what the last clients left; returns the check's result. */
int serves_a_new_client(server_t *s);
/*
 * For a server with a pool of 2 (what names its workers: "threads"):
 * two clients are served; a third that sends a line gets no echo while
 * they stay, and the two still do; once the first leaves, the third is
 * echoed within 3 s. accepted: the server accepts the third at once and
 * logs it (a queue of its own) instead of leaving it in the backlog.
 */
void check_pool_of_two_holds_a_third(server_t *s, const char *what,
                                     int accepted);
/*
 * Sends data while reading the echo (so neither side's buffers fill and
 * deadlock), shuts down the sending side, then reads to end of file.
 * Returns 1 if what came back equals what was sent, else 0 after a check.
 */
int echo_exact(int fd, const void *data, size_t n, int timeout_ms);
/* Closes with SO_LINGER 0: the peer sees a reset (RST), not a FIN. */
void close_with_reset(int fd);

/* ---- The servers and their traits, tests/servers.txt (serverlist.c) ---- */

typedef struct {
    char name[32];   /* echoservert_pre */
    char model[16];  /* iterative, process, event, thread */
    char serves[8];  /* one, pool, many */
    char runs[16];   /* 1thread, threads, processes */
    char pool[32];   /* arguments sizing it to N clients ("N,N"), or "-" */
} server_info_t;

/* Every server of the list, in order; *n gets the count. Exits with a
 * message when the list cannot be read (tests run from the top). */
const server_info_t *server_list(size_t *n);
/* The traits of prog ("./echoserveri" or "echoserveri"); NULL if unlisted. */
const server_info_t *server_info(const char *prog);
/* 1 when prog is listed with that value for field (model, serves, runs). */
int server_has(const char *prog, const char *field, const char *value);
/* Fills args with the arguments after the port that make s serve n
 * clients at once (at most max of them); returns how many, 0 if none. */
int server_pool_args(const server_info_t *s, int n, char args[][16], int max);

/* ---- Programs that count a bug over trials (trialprog.c) ---- */

/* How many times needle occurs in haystack. */
int count_of(const char *haystack, const char *needle);
/* The last line of out ("" if none), with its newline. */
const char *last_line(const bytes_t *out);
/* Checks that out's last line reads exactly "WHAT: N of TRIALS trials"
 * with 0 <= N <= trials; returns N, or -1 after a failed check. */
int trials_reported(const bytes_t *out, const char *what, int trials);
/* Runs argv, allowing trial_ms per trial and 2 s to start; checks it
 * ended within that. */
void run_trials(char *const argv[], int trials, int trial_ms, run_result_t *r);
/* run_trials, then checks the exit status is 0 and returns
 * trials_reported(out, what, trials). */
int run_counted(char *const argv[], int trials, int trial_ms, const char *what,
                run_result_t *r);
/* Checks that argv exits with status 2, usage on stderr, nothing on stdout. */
void check_usage_error(char *const argv[], const char *usage);
/* Starts argv with its stdout and stderr on a pipe (*outfd). */
pid_t start_piped(char *const argv[], int *outfd);
/* Reads fd until its output holds needle; 1 if it did within timeout_ms. */
int output_shows(int fd, const char *needle, int timeout_ms, bytes_t *out);
/* Starts argv (a long run), sends SIGINT once trial 1 is reported, and
 * checks it died of it with nothing left holding its output. */
void check_sigint_ends_run(char *const argv[]);

#endif /* TESTLIB_H */
