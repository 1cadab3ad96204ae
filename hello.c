/*
 * hello.c - the Pthreads "hello, world" program.
 * Model: one peer thread. Observe: the main thread creates a peer thread,
 * which prints the greeting, and waits for it with pthread_join; without
 * the join, main could return (ending the process, peer included) first.
 * Run: ./hello
 * Book: CS:APP3e Figure 12.13.
 */
#include "csapp.h"

static void *greet(void *unused)
{
    (void)unused;
    printf("Hello, world!\n");
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t tid;

    check_argc(argc, argv, 0, 0, "");
    Pthread_create(&tid, NULL, greet, NULL);
    Pthread_join(tid, NULL);
    return 0;
}
