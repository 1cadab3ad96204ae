/*
 * signal.c - an echo server that first sends SIGTERM to a process outside
 * its submission: the PID of a sleep tests/test_isolate.sh started.
 * Isolated (issue 31), the server lives in a PID namespace of its own and
 * cannot name that process, so the sleep lives on. It never signals
 * -1 or a PID below 2, which would reach far more than the decoy.
 * Run: tests/bin/escape_signal PID PORT
 */
#include "escape.h"
#include "csapp.h"

#include <signal.h>

int main(int argc, char **argv)
{
    const char *target = escape_args(argc, argv, "<pid>");
    long pid = strtol(target, NULL, 10);
    if (pid < 2 || pid == (long)getpid())
        usage_exit(argv[0], "<pid above 1, not this one> <port>");

    if (kill((pid_t)pid, SIGTERM) < 0)
        escape_failed("signal", errno, NULL);
    escape_done("signal", argv[2]);
}
