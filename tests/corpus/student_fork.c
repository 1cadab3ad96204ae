/*
 * student_fork.c - corpus: a process-per-client echo server the way a
 * student writes one straight on the sockets API (no csapp.h): socket,
 * setsockopt, bind, listen, then fork for each client; a SIGCHLD handler
 * reaps in a loop, and SIGTERM takes the children down with the parent.
 * Kind: correct.
 * Run: tests/bin/corpus/student_fork PORT
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUFSIZE 4096

static void reaper(int sig)
{
    int saved_errno = errno;
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved_errno;
}

/* Ends the children with us: kill(0) signals our whole process group,
 * this process included (the handler is reset first, so that ends it). */
static void on_term(int sig)
{
    (void)sig;
    kill(0, SIGTERM);
}

static void handle_client(int fd)
{
    char buf[BUFSIZE];
    ssize_t n;

    while ((n = read(fd, buf, sizeof buf)) > 0) {
        ssize_t off = 0;
        while (off < n) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return;
            }
            off += w;
        }
    }
}

int main(int argc, char *argv[])
{
    int sockfd, newfd, yes = 1;
    struct sockaddr_in addr;
    struct sigaction sa;

    if (argc < 2) {
        fprintf(stderr, "usage: %s port\n", argv[0]);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = reaper;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGCHLD, &sa, NULL) == -1) {
        perror("sigaction");
        exit(1);
    }

    sa.sa_handler = on_term;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGTERM, &sa, NULL);

    if ((sockfd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
        perror("socket");
        exit(1);
    }
    setsockopt(sockfd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(sockfd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("bind");
        exit(1);
    }
    if (listen(sockfd, 128) < 0) {
        perror("listen");
        exit(1);
    }
    printf("server: waiting for connections on port %s\n", argv[1]);
    fflush(stdout);

    for (;;) {
        newfd = accept(sockfd, NULL, NULL);
        if (newfd < 0) {
            if (errno != EINTR) {
                struct timespec ts = { 0, 20000000 };
                perror("accept");
                nanosleep(&ts, NULL);
            }
            continue;
        }
        pid_t pid = fork();
        if (pid == 0) {
            signal(SIGTERM, SIG_DFL);
            close(sockfd);
            handle_client(newfd);
            close(newfd);
            _exit(0);
        }
        if (pid < 0)
            perror("fork");
        close(newfd);
    }
}
