/*
 * bench/badecho.c - WARNING: a deliberately broken echo server, for testing echobench.
 * It echoes faithfully until a connection has passed CORRUPT_AT bytes, then breaks
 * the echo once, in one of two ways:
 *   flip  (default) XORs one byte with 0x01: a corrupted echo
 *   swap  sends the next two complete lines in swapped order: a misordered echo
 * and echoes faithfully again afterwards. echobench must report either as an error
 * naming the client, line and offset, and exit with status 1.
 * Two more break short connections, for echobench -m churn: every 16th
 * connection it accepts gets
 *   drop    no echo at all: its bytes are read and the connection closed
 *   garble  its echo with the first byte XORed with 0x01
 * Model: one thread per connection, blocking I/O (simple; speed does not matter).
 * Run:  bench/bin/badecho 0 [flip|swap|drop|garble]   (prints "listening on port N")
 *       bench/bin/echobench -c 1 -s 64 -w 4 -d 1 127.0.0.1 N    -> exit status 1
 */
#include "csapp.h"

#include <stdint.h>

#define CORRUPT_AT 4099        /* past the first few KB, and mid-line for 64-byte lines */
#define VICTIM_EVERY 16        /* drop, garble: which connections they break */
#define BUFSIZE 65536

enum { FLIP, SWAP, DROP, GARBLE };
static const char *mode_names[] = { "flip", "swap", "drop", "garble" };
static int mode;               /* set before the first thread starts */

/* Hold bytes until two whole lines are in `hold`, then send them swapped. Returns 1 when done. */
static int swap_two_lines(int fd, char *hold, size_t *held, const char *p, size_t n)
{
    memcpy(hold + *held, p, n);
    *held += n;
    char *nl1 = memchr(hold, '\n', *held);
    char *nl2 = nl1 ? memchr(nl1 + 1, '\n', (size_t)(hold + *held - nl1 - 1)) : NULL;
    if (!nl2)
        return 0;
    size_t len1 = (size_t)(nl1 + 1 - hold), len2 = (size_t)(nl2 - nl1);
    rio_writen(fd, nl1 + 1, len2);
    rio_writen(fd, hold, len1);
    rio_writen(fd, nl2 + 1, *held - len1 - len2);
    return 1;
}

/* arg is fd * 2 + 1 for a connection that drop or garble breaks, fd * 2 otherwise. */
static void *serve(void *arg)
{
    int fd = (int)((long)arg >> 1), victim = (int)((long)arg & 1);
    /* The offset of the byte flipped: flip past 4 KiB, garble a victim's first. */
    size_t corrupt_at = mode == FLIP ? CORRUPT_AT : mode == GARBLE && victim ? 0 : SIZE_MAX;
    char *buf = malloc(BUFSIZE), *hold = malloc(4 * BUFSIZE);  /* too big for a stack */
    size_t total = 0, held = 0;
    int broken = 0;
    ssize_t n;
    while (buf && hold && (n = read(fd, buf, BUFSIZE)) > 0) {
        size_t start = total;
        total += (size_t)n;
        if (mode == DROP && victim)
            continue;          /* read everything, echo nothing, then close */
        if (mode == SWAP && !broken && total > CORRUPT_AT) {
            if (held + (size_t)n > 4 * BUFSIZE)
                break;         /* lines too long to swap: give up on this client */
            broken = swap_two_lines(fd, hold, &held, buf, (size_t)n);
            continue;
        }
        if (!broken && total > corrupt_at) {
            buf[corrupt_at - start] ^= 0x01;
            broken = 1;
        }
        if (rio_writen(fd, buf, (size_t)n) < 0)
            break;
    }
    close(fd);
    free(buf);
    free(hold);
    return NULL;
}

/* The mode named by s, or -1. */
static int mode_of(const char *s)
{
    for (int i = 0; i < (int)(sizeof mode_names / sizeof mode_names[0]); i++)
        if (strcmp(s, mode_names[i]) == 0)
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    mode = argc == 3 ? mode_of(argv[2]) : FLIP;
    if (argc < 2 || argc > 3 || mode < 0) {
        fprintf(stderr, "usage: %s <port> [flip|swap|drop|garble]\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int listenfd = Open_listenfd(argv[1]);
    printf("listening on port %d\n", socket_port(listenfd));
    fflush(stdout);
    for (unsigned long count = 1;; count++) {
        int fd = accept(listenfd, NULL, NULL);
        pthread_t tid;
        if (fd < 0)
            continue;
        long arg = (long)fd * 2 + (count % VICTIM_EVERY == 0);
        if (pthread_create(&tid, NULL, serve, (void *)arg) != 0)
            close(fd);
        else
            pthread_detach(tid);
    }
}
