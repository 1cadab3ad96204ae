/*
 * sigchld.c (kit) - a SIGCHLD handler that reaps every child and says so
 * with the async-signal-safe Sio_ functions, the book's way, built by
 * tests/test_kit.c from the two files of make csapp-kit alone. The
 * parent waits for the handler with Sigsuspend, SIGCHLD blocked between
 * checks so no signal slips by. Prints "reaped PID" per child, then
 * "all 3 children reaped".
 * Run: gcc -O2 sigchld.c csapp.c -pthread -o sigchld; ./sigchld
 */
#include "csapp.h"

#define NCHILD 3

static volatile sig_atomic_t reaped; /* written only by the handler */

void sigchld_handler(int sig)
{
    int olderrno = errno;
    pid_t pid;
    (void)sig;
    while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) { /* signals do not queue */
        Sio_puts("reaped ");
        Sio_putl((long)pid);
        Sio_puts("\n");
        reaped++;
    }
    errno = olderrno;
}

int main(void)
{
    sigset_t mask, prev;
    int i;

    Signal(SIGCHLD, sigchld_handler);
    Sigemptyset(&mask);
    Sigaddset(&mask, SIGCHLD);
    Sigprocmask(SIG_BLOCK, &mask, &prev);
    for (i = 0; i < NCHILD; i++)
        if (Fork() == 0)
            _exit(0);
    while (reaped < NCHILD)
        Sigsuspend(&prev); /* unblocks SIGCHLD only while it waits */
    Sigprocmask(SIG_SETMASK, &prev, NULL);
    printf("all %d children reaped\n", NCHILD);
    exit(0);
}
