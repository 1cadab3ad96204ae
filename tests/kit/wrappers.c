/*
 * wrappers.c (kit) - every function the book's csapp.h declares, by name:
 * tests/test_kit.c builds and links this from the two files of make
 * csapp-kit alone, so a wrapper missing from the kit fails the build
 * with "undefined reference" naming it, as the student's build would.
 * Prints how many names it holds.
 */
#include "csapp.h"

typedef void (*fn_t)(void);
#define F(name) (fn_t)name

static const fn_t book[] = {
    /* error reporters */
    F(unix_error), F(posix_error), F(dns_error), F(gai_error), F(app_error),
    /* processes */
    F(Fork), F(Execve), F(Wait), F(Waitpid), F(Kill), F(Sleep), F(Pause),
    F(Alarm), F(Setpgid), F(Getpgrp),
    /* signals */
    F(Signal), F(Sigprocmask), F(Sigemptyset), F(Sigfillset), F(Sigaddset),
    F(Sigdelset), F(Sigismember), F(Sigsuspend),
    /* async-signal-safe output */
    F(sio_puts), F(sio_putl), F(sio_error), F(Sio_puts), F(Sio_putl),
    F(Sio_error),
    /* Unix I/O, directories, memory mapping */
    F(Open), F(Read), F(Write), F(Lseek), F(Close), F(Select), F(Dup2),
    F(Stat), F(Fstat), F(Opendir), F(Readdir), F(Closedir), F(Mmap),
    F(Munmap),
    /* standard I/O */
    F(Fclose), F(Fdopen), F(Fgets), F(Fopen), F(Fputs), F(Fread), F(Fwrite),
    /* memory */
    F(Malloc), F(Realloc), F(Calloc), F(Free),
    /* sockets and names */
    F(Socket), F(Setsockopt), F(Bind), F(Listen), F(Accept), F(Connect),
    F(Getaddrinfo), F(Getnameinfo), F(Freeaddrinfo), F(Inet_ntop),
    F(Inet_pton), F(Gethostbyname), F(Gethostbyaddr),
    /* threads and semaphores */
    F(Pthread_create), F(Pthread_join), F(Pthread_cancel), F(Pthread_detach),
    F(Pthread_exit), F(Pthread_self), F(Pthread_once), F(Sem_init), F(P),
    F(V),
    /* RIO */
    F(rio_readn), F(rio_writen), F(rio_readinitb), F(rio_readnb),
    F(rio_readlineb), F(Rio_readn), F(Rio_writen), F(Rio_readinitb),
    F(Rio_readnb), F(Rio_readlineb),
    /* client and server helpers */
    F(open_clientfd), F(open_listenfd), F(Open_clientfd), F(Open_listenfd),
};

int main(void)
{
    size_t i, n = sizeof(book) / sizeof(book[0]);
    for (i = 0; i < n; i++)
        if (book[i] == NULL)
            app_error("a wrapper is missing");
    printf("%zu functions of the book's csapp.h\n", n);
    return 0;
}
