/*
 * student_reap_once.c - corpus: a forking echo server in the style of
 * the first version in many networking texts: signal() installs a
 * SIGCHLD handler that calls wait() once per signal.
 * Kind: broken. Its one defect: signals of one kind do not queue, so
 * when several children end together their SIGCHLDs merge and all but
 * one of those children stay zombies (they need a waitpid loop with
 * WNOHANG). Everything else is right: SIGPIPE ignored, the listener
 * closed in the child and the connection in the parent, SIGTERM
 * passed on to the children.
 * Run: tests/bin/corpus/student_reap_once PORT
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

void sig_chld(int signo)
{
    pid_t pid;
    int stat;

    (void)signo;
    pid = wait(&stat);
    printf("child %d terminated\n", (int)pid);
    fflush(stdout);
}

/* Takes the children down with us: our process group gets SIGTERM. */
void sig_term(int signo)
{
    (void)signo;
    kill(0, SIGTERM);
    _exit(0);
}

void str_echo(int sockfd)
{
    ssize_t n;
    char buf[8192];

again:
    while ((n = read(sockfd, buf, sizeof(buf))) > 0) {
        char *p = buf;
        while (n > 0) {
            ssize_t w = write(sockfd, p, n);
            if (w <= 0)
                return;
            p += w;
            n -= w;
        }
    }
    if (n < 0 && errno == EINTR)
        goto again;
}

int main(int argc, char **argv)
{
    int listenfd, connfd, on = 1;
    pid_t childpid;
    socklen_t clilen;
    struct sockaddr_in cliaddr, servaddr;

    if (argc != 2) {
        fprintf(stderr, "usage: %s <port>\n", argv[0]);
        exit(1);
    }
    listenfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    bzero(&servaddr, sizeof(servaddr));
    servaddr.sin_family = AF_INET;
    servaddr.sin_addr.s_addr = htonl(INADDR_ANY);
    servaddr.sin_port = htons(atoi(argv[1]));
    if (bind(listenfd, (struct sockaddr *)&servaddr, sizeof(servaddr)) < 0 ||
        listen(listenfd, 1024) < 0) {
        perror("bind/listen");
        exit(1);
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, sig_chld);
    signal(SIGTERM, sig_term);

    for (;;) {
        clilen = sizeof(cliaddr);
        if ((connfd = accept(listenfd, (struct sockaddr *)&cliaddr, &clilen)) < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            perror("accept");
            sleep(1);
            continue;
        }
        if ((childpid = fork()) == 0) {
            close(listenfd);
            str_echo(connfd);
            exit(0);
        }
        close(connfd);
    }
}
