/*
 * student_backlog1.c - corpus: a thread-per-client echo server the way a
 * student writes one on the sockets API, with listen(s, 1) ("we serve
 * clients one at a time in accept anyway").
 * Kind: broken. Its one defect: a backlog of 1. When many clients connect
 * at once the kernel's accept queue holds only a couple; the others' SYNs
 * are dropped and their connects wait for a retransmission, a second or
 * more. Everything else is right: a detached thread per client holding
 * its descriptor by value, SIGPIPE ignored, write loops.
 * Run: tests/bin/corpus/student_backlog1 PORT
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void *serve(void *arg)
{
    int c = (int)(intptr_t)arg;
    char buf[16384];
    ssize_t got;

    pthread_detach(pthread_self());
    while ((got = recv(c, buf, sizeof(buf), 0)) > 0) {
        ssize_t done = 0;
        while (done < got) {
            ssize_t k = send(c, buf + done, (size_t)(got - done), 0);
            if (k <= 0)
                goto out;
            done += k;
        }
    }
out:
    close(c);
    return NULL;
}

int main(int argc, char **argv)
{
    struct sockaddr_in me = { 0 };
    int s, one = 1;

    if (argc != 2) {
        fprintf(stderr, "Usage: %s <port>\n", argv[0]);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    s = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    me.sin_family = AF_INET;
    me.sin_port = htons(atoi(argv[1]));
    me.sin_addr.s_addr = inet_addr("127.0.0.1");
    if (bind(s, (struct sockaddr *)&me, sizeof(me)) == -1) {
        perror("bind");
        return 1;
    }
    listen(s, 1); /* BUG: the accept queue holds about one client */
    for (;;) {
        int c = accept(s, NULL, NULL);
        pthread_t t;
        if (c == -1) {
            struct timespec ts = { 0, 10000000 };
            nanosleep(&ts, NULL);
            continue;
        }
        if (pthread_create(&t, NULL, serve, (void *)(intptr_t)c) != 0)
            close(c);
    }
}
