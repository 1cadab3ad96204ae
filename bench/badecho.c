/*
 * bench/badecho.c - WARNING: a deliberately broken echo server, for testing echobench.
 * It echoes faithfully until a connection has passed CORRUPT_AT bytes, then breaks
 * the echo once, in one of two ways:
 *   flip  (default) XORs one byte with 0x01: a corrupted echo
 *   swap  sends the next two complete lines in swapped order: a misordered echo
 * and echoes faithfully again afterwards. echobench must report either as an error
 * naming the client, line and offset, and exit with status 1.
 * Model: one thread per connection, blocking I/O (simple; speed does not matter).
 * Run:  bench/bin/badecho 0 [flip|swap]   (prints "listening on port N")
 *       bench/bin/echobench -c 1 -s 64 -w 4 -d 1 127.0.0.1 N    -> exit status 1
 */
#include "csapp.h"

#define CORRUPT_AT 4099        /* past the first few KB, and mid-line for 64-byte lines */
#define BUFSIZE 65536

static int swap_mode;

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

static void *serve(void *arg)
{
    int fd = (int)(long)arg;
    char *buf = malloc(BUFSIZE), *hold = malloc(4 * BUFSIZE);  /* too big for a stack */
    size_t total = 0, held = 0;
    int broken = 0;
    ssize_t n;
    while (buf && hold && (n = read(fd, buf, BUFSIZE)) > 0) {
        size_t start = total;
        total += (size_t)n;
        if (broken || total <= CORRUPT_AT) {
            if (rio_writen(fd, buf, (size_t)n) < 0)
                break;
        } else if (!swap_mode) {
            buf[CORRUPT_AT - start] ^= 0x01;
            broken = 1;
            if (rio_writen(fd, buf, (size_t)n) < 0)
                break;
        } else if (held + (size_t)n <= 4 * BUFSIZE) {
            broken = swap_two_lines(fd, hold, &held, buf, (size_t)n);
        } else {
            break;             /* lines too long to swap: give up on this client */
        }
    }
    close(fd);
    free(buf);
    free(hold);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "flip") != 0 &&
                                 strcmp(argv[2], "swap") != 0)) {
        fprintf(stderr, "usage: %s <port> [flip|swap]\n", argv[0]);
        return 2;
    }
    swap_mode = argc == 3 && strcmp(argv[2], "swap") == 0;
    signal(SIGPIPE, SIG_IGN);
    int listenfd = Open_listenfd(argv[1]);
    printf("listening on port %d\n", socket_port(listenfd));
    fflush(stdout);
    for (;;) {
        int fd = accept(listenfd, NULL, NULL);
        pthread_t tid;
        if (fd < 0)
            continue;
        if (pthread_create(&tid, NULL, serve, (void *)(long)fd) != 0)
            close(fd);
        else
            pthread_detach(tid);
    }
}
