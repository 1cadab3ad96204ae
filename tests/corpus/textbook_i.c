/*
 * textbook_i.c - corpus: an iterative echo server written the way the
 * textbook writes one (CS:APP3e's echoserveri shape), on this suite's
 * csapp.h: Open_listenfd, an accept loop, an echo routine over RIO.
 * Kind: correct, for one client at a time (echocheck -m one). Where it
 * leaves the book: SIGPIPE is ignored and the echo's write is the
 * lowercase rio_writen, so a client that leaves ends its own session only
 * (the book's Rio_writen would exit the server).
 * Run: tests/bin/corpus/textbook_i PORT
 */
#include "csapp.h"

void echo(int connfd);

int main(int argc, char **argv)
{
    int listenfd, connfd;
    socklen_t clientlen;
    struct sockaddr_storage clientaddr;
    char client_hostname[MAXLINE], client_port[MAXLINE];

    if (argc != 2) {
        fprintf(stderr, "usage: %s <port>\n", argv[0]);
        exit(1);
    }
    Signal(SIGPIPE, SIG_IGN);
    listenfd = Open_listenfd(argv[1]);
    while (1) {
        clientlen = sizeof(struct sockaddr_storage);
        connfd = Accept(listenfd, (SA *)&clientaddr, &clientlen);
        Getnameinfo((SA *)&clientaddr, clientlen, client_hostname, MAXLINE,
                    client_port, MAXLINE, NI_NUMERICHOST | NI_NUMERICSERV);
        printf("Connected to (%s, %s)\n", client_hostname, client_port);
        echo(connfd);
        Close(connfd);
    }
}

void echo(int connfd)
{
    ssize_t n;
    char buf[MAXLINE];
    rio_t rio;

    Rio_readinitb(&rio, connfd);
    while ((n = rio_readlineb(&rio, buf, MAXLINE)) > 0) {
        printf("server received %d bytes\n", (int)n);
        if (rio_writen(connfd, buf, (size_t)n) < 0)
            break;
    }
}
