/*
 * tracecost.c - what ECHO_TRACE (trace.h) costs a server per line, in CPU
 * time rather than throughput, so a busy machine blurs it less. Per line a
 * blocking server makes the calls echo.c makes: trace_blocked and
 * trace_unblocked around rio_readlineb, trace_clock and trace_line around
 * the work. Off (no ECHO_TRACE): nanoseconds per line, over many lines;
 * on: microseconds of CPU (user + system) per line, written to a file.
 * Run: bench/bin/tracecost [-n LINES]   (default 200000; off runs 100x that)
 *      with ECHO_TRACE unset; it sets it itself for the second half.
 */
#include "csapp.h"
#include "trace.h"

#include <sys/resource.h>
#include <sys/stat.h>

/* CPU time this process has used, user plus system, in nanoseconds. */
static long long cpu_ns(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
           ((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

/* What echo.c traces for one line of 64 bytes on connfd. */
static void one_line(int connfd)
{
    trace_blocked("rio_readlineb");
    trace_unblocked();
    long long since = trace_clock();
    trace_line(connfd, 64, since);
}

/* CPU nanoseconds per line over n lines. */
static double per_line(long n)
{
    long long t0 = cpu_ns();

    for (long i = 0; i < n; i++)
        one_line(3);
    return (double)(cpu_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
    long n = 200000;
    char path[] = "/tmp/tracecost-XXXXXX";

    help_exit(argc, argv, "[-n LINES]");
    if (argc == 3 && strcmp(argv[1], "-n") == 0)
        n = Parse_number("tracecost", "-n", argv[2], 1, 100000000);
    else if (argc != 1)
        usage_exit("tracecost", "[-n LINES]");
    if (getenv("ECHO_TRACE") != NULL)
        usage_exit("tracecost", "[-n LINES]   (with ECHO_TRACE unset)");
    trace_setup("tracecost", "main"); /* off: ECHO_TRACE is unset */
    printf("off: %.2f ns per line (%ld lines)\n", per_line(100 * n), 100 * n);

    int fd = mkstemp(path);
    if (fd < 0)
        unix_error("mkstemp");
    close(fd);
    unlink(path); /* trace_setup makes it, "[" and all */
    setenv("ECHO_TRACE", path, 1);
    setenv("ECHO_TRACE_MAX", "4000000000", 1);
    trace_setup("tracecost", "main");
    double on = per_line(n);
    struct stat st;
    stat(path, &st);
    printf("on: %.2f us of CPU per line, %.0f bytes of trace per line (%ld lines)\n",
           on / 1000, (double)st.st_size / (double)n, n);
    unlink(path);
    return 0;
}
