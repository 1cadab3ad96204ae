/*
 * bystander.c - measures the lecture's "fundamental flaw" and "blocking
 * problems": how long a bystander waits for its echo while another client
 * holds half a line. A holder connects and sends the start of a line with
 * no newline; then the bystander connects and sends a whole line; the
 * figure is the time until its echo is back, or "blocked" after a bound.
 * Then the holder ends its line, and both echoes are checked.
 * An iterative server (or one that reads a line at a time in a blocking
 * call) keeps the bystander waiting until the holder is done; a concurrent
 * one answers at once.
 * Run: bench/bin/bystander [-t TIMEOUT_MS] HOST PORT
 * Prints "RESULT bystander_ms=X" or "RESULT bystander_ms=blocked
 * timeout_ms=T"; exit 0 either way, 1 when a connect fails or an echo is
 * wrong, 2 on bad usage.
 */
#include "csapp.h"
#include "benchlib.h"

#include <poll.h>

#define HALF "half a li"
#define REST "ne\n"
#define LINE "the bystander's line\n"

/* Milliseconds on the monotonic clock (benchlib's, in the unit used here). */
static double now_ms(void)
{
    return (double)now_ns() / 1e6;
}

/* Reads want's bytes from fd within timeout_ms; 1 if exactly they came,
 * 0 if time ran out first, -1 if something else came or the peer left. */
static int expect(int fd, const char *want, int timeout_ms)
{
    char buf[64];
    size_t n = strlen(want), got = 0;
    double deadline = now_ms() + timeout_ms;

    while (got < n) {
        struct pollfd p = {fd, POLLIN, 0};
        int left = (int)(deadline - now_ms());
        if (left <= 0 || poll(&p, 1, left) == 0)
            return 0;
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return memcmp(buf, want, n) == 0 ? 1 : -1;
}

static int connect_or_die(const char *host, const char *port)
{
    int fd = open_clientfd(host, port);
    if (fd < 0) {
        fprintf(stderr, "bystander: cannot connect to %s port %s: %s\n", host,
                port, open_error(fd));
        exit(1);
    }
    return fd;
}

static void send_or_die(int fd, const char *s)
{
    if (rio_writen(fd, s, strlen(s)) < 0) {
        fprintf(stderr, "bystander: write: %s\n", strerror(errno));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    long timeout_ms = 2000;
    int argi = 1;

    if (argc == 5 && strcmp(argv[1], "-t") == 0) {
        timeout_ms = Parse_number("bystander", "-t", argv[2], 1, 60000);
        argi = 3;
    }
    if (argc - argi != 2) {
        fprintf(stderr, "usage: bystander [-t TIMEOUT_MS] HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int holder = connect_or_die(argv[argi], argv[argi + 1]);
    send_or_die(holder, HALF);
    poll(NULL, 0, 100); /* 100 ms: the server has read the half line by now */
    int bystander = connect_or_die(argv[argi], argv[argi + 1]);
    double start = now_ms();
    send_or_die(bystander, LINE);
    int served = expect(bystander, LINE, (int)timeout_ms);
    double waited = now_ms() - start;

    /* The holder ends its line and leaves: a blocked bystander's turn. */
    send_or_die(holder, REST);
    int holder_ok = expect(holder, HALF REST, 5000) == 1;
    close(holder);
    if (!holder_ok || served < 0 ||
        (served == 0 && expect(bystander, LINE, 5000) != 1)) {
        fprintf(stderr, "bystander: an echo was wrong or never came\n");
        return 1;
    }
    close(bystander);
    if (served == 1)
        printf("RESULT bystander_ms=%.2f\n", waited);
    else
        printf("RESULT bystander_ms=blocked timeout_ms=%ld\n", timeout_ms);
    return 0;
}
