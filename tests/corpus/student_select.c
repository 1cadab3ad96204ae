/*
 * student_select.c - corpus: a single-process echo server the way a
 * student writes one around select(): every descriptor non-blocking, a
 * buffer of pending echo per client, and a client whose buffer is full
 * is not read until it drains. At the descriptor limit it stops watching
 * the listener until a client leaves, instead of spinning on accept.
 * Kind: correct.
 * Run: tests/bin/corpus/student_select PORT
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFCAP 65536

struct client {
    int fd;            /* -1: slot free */
    char buf[BUFCAP];  /* echo not yet written */
    size_t start, end;
    int eof;           /* the client shut down its side */
};

static struct client clients[FD_SETSIZE];
static int can_accept = 1; /* 0 while out of descriptors */

static int make_listener(const char *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in sa;

    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((unsigned short)atoi(port));
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 128) < 0) {
        perror("bind/listen");
        exit(1);
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

static void drop(struct client *c)
{
    close(c->fd);
    c->fd = -1;
    can_accept = 1;
}

/* Returns 0 when the accept failed for lack of descriptors. */
static int accept_one(int lfd)
{
    int fd = accept(lfd, NULL, NULL);

    if (fd < 0)
        return !(errno == EMFILE || errno == ENFILE);
    if (fd >= FD_SETSIZE) {
        close(fd);
        return 1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    clients[fd].fd = fd;
    clients[fd].start = clients[fd].end = 0;
    clients[fd].eof = 0;
    return 1;
}

static void do_read(struct client *c)
{
    ssize_t n = read(c->fd, c->buf + c->end, BUFCAP - c->end);

    if (n > 0)
        c->end += (size_t)n;
    else if (n == 0)
        c->eof = 1;
    else if (errno != EAGAIN && errno != EINTR)
        drop(c);
}

static void do_write(struct client *c)
{
    ssize_t n = write(c->fd, c->buf + c->start, c->end - c->start);

    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR)
            drop(c);
        return;
    }
    c->start += (size_t)n;
    if (c->start == c->end)
        c->start = c->end = 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s port\n", argv[0]);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    int lfd = make_listener(argv[1]);
    for (int i = 0; i < FD_SETSIZE; i++)
        clients[i].fd = -1;

    for (;;) {
        fd_set rset, wset;
        int maxfd = lfd;
        FD_ZERO(&rset);
        FD_ZERO(&wset);
        if (can_accept)
            FD_SET(lfd, &rset);
        for (int i = 0; i < FD_SETSIZE; i++) {
            struct client *c = &clients[i];
            if (c->fd < 0)
                continue;
            if (!c->eof && c->end < BUFCAP)
                FD_SET(c->fd, &rset);
            if (c->end > c->start)
                FD_SET(c->fd, &wset);
            if (c->fd > maxfd)
                maxfd = c->fd;
        }
        if (select(maxfd + 1, &rset, &wset, NULL, NULL) < 0) {
            if (errno == EINTR)
                continue;
            perror("select");
            exit(1);
        }
        if (FD_ISSET(lfd, &rset))
            can_accept = accept_one(lfd);
        for (int i = 0; i < FD_SETSIZE; i++) {
            struct client *c = &clients[i];
            if (c->fd >= 0 && FD_ISSET(c->fd, &rset))
                do_read(c);
            if (c->fd >= 0 && FD_ISSET(c->fd, &wset))
                do_write(c);
            if (c->fd >= 0 && c->eof && c->end == c->start)
                drop(c);
        }
    }
}
