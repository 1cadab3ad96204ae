/*
 * echoserver.c - a student's correct submission, for the Gradescope test
 * (tests/test_gradescope.sh): a thread per client, written apart from the
 * suite's library as a student's folder would be.
 * Run: ./echoserver PORT
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Echoes until end of file, then ends the connection; an error ends only
 * this connection. */
static void *serve(void *arg)
{
    int fd = (int)(long)arg;
    char buf[8192];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        for (ssize_t off = 0, w; off < n; off += w)
            if ((w = write(fd, buf + off, (size_t)(n - off))) < 0)
                goto done;
    }
done:
    close(fd);
    return NULL;
}

static int listen_on(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_port = htons((unsigned short)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 128) < 0) {
        perror("listen");
        exit(1);
    }
    return fd;
}

int main(int argc, char **argv)
{
    pthread_attr_t attr;
    pthread_t t;
    struct timespec pause = { 0, 10000000 }; /* 10 ms */

    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN); /* a client that left costs one write */
    int listenfd = listen_on(atoi(argv[1]));
    printf("listening on port %s\n", argv[1]);
    fflush(stdout);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (;;) {
        int fd = accept(listenfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE)
                nanosleep(&pause, NULL); /* out of descriptors: wait */
            continue;
        }
        if (pthread_create(&t, &attr, serve, (void *)(long)fd) != 0)
            close(fd);
    }
}
