/*
 * fork.c - an echo server that first forks 300 children that sleep: a
 * fork bomb, bounded. RLIMIT_NPROC alone stops none when echocheck runs as
 * root; isolated (issue 31), the server runs as an unused uid under a cap
 * of about 256 tasks, so a fork fails and the server says after how many.
 * The children wait on a pipe whose only writer is the server: when the
 * server ends, for whatever reason, they read end-of-file and exit, so
 * none outlives it.
 * Run: tests/bin/escape_fork PORT
 */
#include "escape.h"
#include "csapp.h"

#define CHILDREN 300

int main(int argc, char **argv)
{
    escape_args(argc, argv, NULL);

    int fds[2];
    if (pipe(fds) < 0)
        escape_failed("fork", errno, " (pipe)");
    for (int i = 0; i < CHILDREN; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            int err = errno;
            char note[64];
            snprintf(note, sizeof note, " (%d of %d children started)", i, CHILDREN);
            escape_failed("fork", err, note);
        }
        if (pid == 0) {
            char c;
            close(fds[1]);
            while (read(fds[0], &c, 1) < 0 && errno == EINTR)
                ;
            _exit(0);
        }
    }
    close(fds[0]);
    escape_done("fork", argv[1]); /* keeps fds[1]: the children's lifeline */
}
