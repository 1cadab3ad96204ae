/*
 * trialprog.c - the harness's part for the programs that make a
 * concurrency bug happen and count it over trials (deadlock, livelock,
 * starvation): running one within its time bound, reading its last line,
 * its usage and help, and ending one with Ctrl-C; see testlib.h.
 */
#include "testlib.h"

int count_of(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

const char *last_line(const bytes_t *out)
{
    const char *last = out->data ? out->data : "";

    for (const char *p = last; *p != '\0'; p++)
        if (*p == '\n' && p[1] != '\0')
            last = p + 1;
    return last;
}

int trials_reported(const bytes_t *out, const char *what, int trials)
{
    const char *last = last_line(out);
    char want[96], format[64];
    int n = -1;

    snprintf(format, sizeof(format), "%s: %%d of", what);
    sscanf(last, format, &n);
    snprintf(want, sizeof(want), "%s: %d of %d trials\n", what, n, trials);
    if (!CHECK(strcmp(last, want) == 0 && n >= 0 && n <= trials,
               "last line \"%s\", want \"%s: N of %d trials\"", last, what,
               trials))
        return -1;
    return n;
}

void run_trials(char *const argv[], int trials, int trial_ms, run_result_t *r)
{
    int limit = trials * trial_ms + 2000;

    run_program(argv, NULL, 0, limit, r);
    CHECK(r->status != -1, "%s still running after %d ms", argv[0],
          scaled(limit));
}

int run_counted(char *const argv[], int trials, int trial_ms, const char *what,
                run_result_t *r)
{
    run_trials(argv, trials, trial_ms, r);
    CHECK(r->status == 0, "%s: exit status %d, want 0; stderr: %s", argv[0],
          r->status, r->err.data);
    return trials_reported(&r->out, what, trials);
}

void check_usage_error(char *const argv[], const char *usage)
{
    run_result_t r;

    run_program(argv, NULL, 0, 5000, &r);
    CHECK(r.status == 2, "%s %s %s: exit status %d, want 2", argv[0],
          argv[1] ? argv[1] : "", argv[1] && argv[2] ? argv[2] : "", r.status);
    CHECK(strstr(r.err.data, usage) && r.out.len == 0,
          "%s %s: want \"%s\" on stderr and nothing on stdout; stderr \"%s\", "
          "stdout \"%s\"", argv[0], argv[1] ? argv[1] : "", usage, r.err.data,
          r.out.data);
    run_result_free(&r);
}

pid_t start_piped(char *const argv[], int *outfd)
{
    int fds[2];

    if (pipe(fds) < 0)
        unix_error("pipe");
    pid_t pid = spawn_program(argv, -1, fds[1], fds[1]);
    close(fds[1]);
    *outfd = fds[0];
    return pid;
}

int output_shows(int fd, const char *needle, int timeout_ms, bytes_t *out)
{
    long long deadline = now_ms() + scaled(timeout_ms);
    char buf[4096];

    while (out->data == NULL || strstr(out->data, needle) == NULL) {
        if (now_ms() >= deadline)
            return 0;
        if (!readable_within(fd, 50))
            continue;
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            return 0;
        bytes_add(out, buf, (size_t)n);
    }
    return 1;
}

void check_sigint_ends_run(char *const argv[])
{
    int fd, status = 0;
    bytes_t out = {0};
    pid_t pid = start_piped(argv, &fd);

    if (CHECK(output_shows(fd, "trial 1: ", 5000, &out),
              "no \"trial 1: \" line within 5 s; got \"%s\"",
              out.data ? out.data : "")) {
        kill(pid, SIGINT);
        /* Every process that holds the pipe is gone at end of file. */
        CHECK(wait_eof(fd, 2000), "output still open 2 s after SIGINT: "
              "%s or something it started still runs", argv[0]);
    }
    kill(pid, SIGKILL); /* if it is still there: the checks above failed */
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
          "%s did not end of SIGINT (status 0x%x)", argv[0], status);
    close(fd);
    bytes_free(&out);
}
