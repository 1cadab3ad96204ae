/*
 * waitfork.c (kit) - Fork and Wait, the book's first process pair, built
 * by tests/test_kit.c from the two files of make csapp-kit alone. Each of
 * 4 children exits with its own number; the parent Waits for every one
 * and adds up the exit statuses. Prints "children exited with 0+1+2+3 = 6"
 * and, once none is left, what the last Wait said.
 * Run: gcc -O2 waitfork.c csapp.c -pthread -o waitfork; ./waitfork
 */
#include "csapp.h"

#define NCHILD 4

int main(void)
{
    int i, status, sum = 0;

    for (i = 0; i < NCHILD; i++)
        if (Fork() == 0)
            exit(i);
    for (i = 0; i < NCHILD; i++) {
        Wait(&status);
        if (WIFEXITED(status))
            sum += WEXITSTATUS(status);
    }
    printf("children exited with 0+1+2+3 = %d\n", sum);
    fflush(stdout);
    Wait(NULL); /* no child left: the wrapper reports ECHILD and exits */
    printf("not reached\n");
    return 0;
}
