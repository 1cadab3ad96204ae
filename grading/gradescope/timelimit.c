/*
 * timelimit - runs a command with a time limit, for run_autograder: a
 * submission's build or checks that hang must still leave time to write
 * a grade. No `timeout` program is assumed (a C compiler, make and a
 * shell are all this suite needs), and a shell cannot give a job its own
 * process group without a terminal.
 *   timelimit SECONDS COMMAND [ARG...]
 * COMMAND runs in a process group of its own. When SECONDS have passed,
 * or when timelimit gets SIGTERM, SIGINT or SIGHUP, the group gets
 * SIGTERM, then SIGKILL 2 s later (echocheck stops the servers it
 * started on SIGTERM). Once COMMAND has ended, whatever it left in its
 * group is killed: a build cannot leave a process running.
 * Exit status: COMMAND's, 128 + N when signal N ended it, 124 when the
 * time ran out (and a line on stderr says so), 2 for a usage error, 127
 * when COMMAND cannot run.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GRACE_MS 2000
#define POLL_MS 20

static volatile sig_atomic_t asked_to_stop; /* set by the handler only */

static void on_stop(int sig)
{
    (void)sig;
    asked_to_stop = 1;
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static pid_t start(char **cmd)
{
    pid_t pid = fork();

    if (pid < 0) {
        perror("timelimit: fork");
        exit(127);
    }
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGTERM, SIG_DFL), signal(SIGINT, SIG_DFL), signal(SIGHUP, SIG_DFL);
        execvp(cmd[0], cmd);
        fprintf(stderr, "timelimit: cannot run %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid); /* also here: no race with the first kill below */
    return pid;
}

/* Waits for pid, stopping its group at the deadline; its wait status. */
static int wait_bounded(pid_t pid, long long deadline, int *timed_out)
{
    long long kill_at = 0;
    struct timespec poll = { 0, POLL_MS * 1000000L };
    int status;

    while (waitpid(pid, &status, WNOHANG) == 0) {
        long long t = now_ms();
        if (kill_at == 0 && (t >= deadline || asked_to_stop)) {
            *timed_out = !asked_to_stop;
            kill(-pid, SIGTERM);
            kill_at = t + GRACE_MS;
        } else if (kill_at != 0 && t >= kill_at)
            kill(-pid, SIGKILL);
        nanosleep(&poll, NULL);
    }
    return status;
}

int main(int argc, char **argv)
{
    char *end;
    long secs = argc >= 3 ? strtol(argv[1], &end, 10) : -1;
    struct sigaction sa;
    int timed_out = 0;

    if (argc < 3 || *end != '\0' || secs < 1 || secs > 86400) {
        int help = argc == 2 && (strcmp(argv[1], "-h") == 0 ||
                                 strcmp(argv[1], "--help") == 0);
        fprintf(help ? stdout : stderr,
                "usage: timelimit SECONDS COMMAND [ARG...]\n"
                "  (SECONDS from 1 to 86400)\n");
        return help ? 0 : 2;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL), sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    pid_t pid = start(argv + 2);
    int status = wait_bounded(pid, now_ms() + secs * 1000, &timed_out);
    kill(-pid, SIGKILL); /* what it left behind in its group */
    if (timed_out) {
        fprintf(stderr, "timelimit: %s ran out of its %ld s: stopped\n",
                argv[2], secs);
        return 124;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
