/*
 * riobench.c - how fast rio_readlineb hands out lines, in bytes per second.
 * A writer thread streams lines of one length through a socketpair; the
 * reader takes them with rio_readlineb into a MAXLINE buffer, as the
 * servers do. RIO finds each newline with memchr over its buffer, so the
 * cost per byte is a copy, not a loop iteration per byte as in the book.
 * Run: bench/bin/riobench [MEGABYTES]   (default 256; make bench runs it)
 */
#include "csapp.h"
#include "benchlib.h"

static size_t total_bytes;
static int line_len;

/* Writes total_bytes of line_len-byte lines in 1 MiB writes. */
static void *write_lines(void *arg)
{
    enum { CHUNK = 1 << 20 };
    int fd = *(int *)arg;
    char *chunk = Malloc(CHUNK);

    for (size_t i = 0; i < CHUNK; i++)
        chunk[i] = (i + 1) % (size_t)line_len == 0 ? '\n' : 'x';
    /* Whole lines per write, so every line is line_len bytes long. */
    size_t per_write = CHUNK / (size_t)line_len * (size_t)line_len;
    for (size_t sent = 0; sent < total_bytes; sent += per_write)
        if (rio_writen(fd, chunk, per_write) < 0)
            break;
    shutdown(fd, SHUT_WR);
    free(chunk);
    return NULL;
}

/* Reads everything back a line at a time; returns bytes per second. */
static double measure(int len, size_t megabytes)
{
    static rio_t rio; /* static: too big for a comfortable stack frame */
    char buf[MAXLINE];
    int sv[2];
    pthread_t tid;
    size_t got = 0;
    ssize_t n;

    line_len = len;
    total_bytes = megabytes << 20;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        unix_error("socketpair");
    Pthread_create(&tid, NULL, write_lines, &sv[1]);
    uint64_t start = now_ns();
    rio_readinitb(&rio, sv[0]);
    while ((n = Rio_readlineb(&rio, buf, sizeof(buf))) > 0)
        got += (size_t)n;
    double elapsed = (double)(now_ns() - start) / 1e9;
    Pthread_join(tid, NULL);
    close(sv[0]);
    close(sv[1]);
    return (double)got / elapsed;
}

int main(int argc, char **argv)
{
    static const int lengths[] = {64, 1024, 8191};
    long megabytes = 256;

    if (argc > 2 || (argc == 2 && parse_number(argv[1], 1, 1 << 20, &megabytes) < 0)) {
        fprintf(stderr, "usage: riobench [MEGABYTES]\n");
        return 2;
    }
    printf("rio_readlineb over a socketpair, %ld MiB per line length:\n",
           megabytes);
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        double rate = measure(lengths[i], (size_t)megabytes);
        printf("  %5d-byte lines: %7.0f MB/s, %9.0f lines/s\n", lengths[i],
               rate / 1e6, rate / lengths[i]);
        printf("RESULT rio line_bytes=%d mb_per_s=%.0f\n", lengths[i],
               rate / 1e6);
    }
    return 0;
}
