/*
 * demotool.c - the few things demo/demo.sh needs that a POSIX shell
 * cannot do portably: read a clock finer than a second, sleep for part of
 * a second, wait for a line to appear in a log file without sleep-and-hope,
 * drive many clients from one process, make a zombie to look at, and wait
 * for Enter without taking keys pressed earlier for it.
 * Not a lecture program: it only serves the demo (see demo/demo.sh).
 * Run: demo/demotool now | sleep MS | wait FILE TEXT COUNT TIMEOUT_MS |
 *      clients PORT N HOLD_MS TIMEOUT_MS | zombie MS | enter
 * (A server's port is read by bench/servers.sh, which the demo uses.)
 * Times are milliseconds on a monotonic clock, so the shell can subtract them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define USAGE                                                                \
    "usage: demotool now | sleep MS | wait FILE TEXT COUNT TIMEOUT_MS |\n"   \
    "       clients PORT N HOLD_MS TIMEOUT_MS | zombie MS | enter\n"
#define MAX_CLIENTS 1000
#define POLL_MS 2 /* how often a log file is looked at again */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

_Noreturn static void usage(void)
{
    fputs(USAGE, stderr);
    exit(2);
}

/* A count or a time from the command line: 0..max, else usage. */
static long number(const char *s, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v > max)
        usage();
    return v;
}

/* The whole file as a string (empty if it cannot be read); caller frees. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t len = 0, cap = 4096, n;
    char *s = malloc(cap);

    if (s == NULL)
        exit(1);
    while (f != NULL && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2 && (s = realloc(s, cap *= 2)) == NULL)
            exit(1);
    }
    if (f != NULL)
        fclose(f);
    s[len] = '\0';
    return s;
}

static int occurrences(const char *s, const char *text)
{
    int n = 0;

    while ((s = strstr(s, text)) != NULL) {
        n++;
        s += strlen(text);
    }
    return n;
}

/* wait: prints the time TEXT was first seen COUNT times in FILE, exit 0;
 * exit 1 (printing nothing) if that did not happen within TIMEOUT_MS. */
static int wait_text(const char *path, const char *text, int count, long timeout)
{
    long long deadline = now_ms() + timeout;

    for (;;) {
        char *s = slurp(path);
        int seen = occurrences(s, text);

        free(s);
        if (seen >= count) {
            printf("%lld\n", now_ms());
            return 0;
        }
        if (now_ms() >= deadline)
            return 1;
        sleep_ms(POLL_MS);
    }
}

/* One of the clients: its socket, the line it sent, how much came back. */
typedef struct {
    int fd;
    char line[32];
    size_t len, got;
    long long echoed_at; /* 0 until its whole line came back */
} client_t;

/* Connects to 127.0.0.1:port; -1 with a message if that fails. */
static int connect_loopback(int port)
{
    struct sockaddr_in addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        fprintf(stderr, "demotool: connect to port %d: %s\n", port,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Reads what client c's socket has; marks it echoed once its line is back.
 * Anything but its own line counts as a wrong echo (status 1 later). */
static int read_echo(client_t *c, long long start, long long *slowest)
{
    char buf[64];
    ssize_t n = read(c->fd, buf, sizeof(buf));

    if (n <= 0 || c->got + (size_t)n > c->len ||
        memcmp(buf, c->line + c->got, (size_t)n) != 0)
        return -1;
    c->got += (size_t)n;
    if (c->got == c->len) {
        c->echoed_at = now_ms();
        if (c->echoed_at - start > *slowest)
            *slowest = c->echoed_at - start;
    }
    return 0;
}

/*
 * clients: opens N connections at once, sends "client K\n" on each and
 * waits up to TIMEOUT_MS for every echo. Prints
 *   connected N
 *   echoed E of N, slowest after S ms
 * then keeps every connection open for HOLD_MS (so the server can be
 * looked at while they are all there), closes them and prints "closed".
 * Exit 1 if a connection failed or an echo was wrong or missing.
 */
static int run_clients(int port, int n, long hold, long timeout)
{
    static client_t c[MAX_CLIENTS];
    struct pollfd fds[MAX_CLIENTS];
    long long start, deadline, slowest = 0;
    int echoed = 0, bad = 0;

    for (int k = 0; k < n; k++) {
        if ((c[k].fd = connect_loopback(port)) < 0)
            return 1;
        c[k].len = (size_t)snprintf(c[k].line, sizeof(c[k].line),
                                    "client %d\n", k + 1);
    }
    printf("connected %d\n", n);
    fflush(stdout);
    start = now_ms();
    deadline = start + timeout;
    for (int k = 0; k < n; k++)
        if (write(c[k].fd, c[k].line, c[k].len) != (ssize_t)c[k].len)
            bad = 1;
    while (!bad && echoed < n && now_ms() < deadline) {
        int m = 0;
        for (int k = 0; k < n; k++)
            if (c[k].echoed_at == 0)
                fds[m++] = (struct pollfd){.fd = c[k].fd, .events = POLLIN};
        if (poll(fds, (nfds_t)m, (int)(deadline - now_ms())) < 0 &&
            errno != EINTR)
            break;
        for (int k = 0, j = 0; k < n && j < m; k++) {
            if (c[k].echoed_at != 0 || fds[j++].revents == 0)
                continue;
            if (read_echo(&c[k], start, &slowest) < 0)
                bad = 1;
            else if (c[k].echoed_at != 0)
                echoed++;
        }
    }
    printf("echoed %d of %d, slowest after %lld ms\n", echoed, n, slowest);
    fflush(stdout);
    sleep_ms(hold);
    for (int k = 0; k < n; k++)
        close(c[k].fd);
    printf("closed\n");
    return bad || echoed < n;
}

/*
 * zombie: forks a child that exits at once and never waits for it, so it
 * stays a zombie (state Z, "<defunct>") for MS milliseconds, until this
 * process exits and init adopts and reaps it. Prints the zombie's PID.
 */
static int make_zombie(long ms)
{
    pid_t pid;

    signal(SIGCHLD, SIG_DFL); /* SIG_IGN would let the kernel reap it */
    fflush(stdout);
    if ((pid = fork()) < 0) {
        perror("demotool: fork");
        return 1;
    }
    if (pid == 0)
        _exit(0);
    printf("%ld\n", (long)pid);
    fflush(stdout);
    sleep_ms(ms);
    return 0;
}

/*
 * Waits for Enter on stdin (the terminal). Keys pressed before the prompt
 * (during the demo's waits, with echo off) are thrown away first: read by
 * the shell's `read`, they would skip the pauses still to come.
 */
static int wait_enter(void)
{
    int c;
    if (isatty(STDIN_FILENO))
        tcflush(STDIN_FILENO, TCIFLUSH);
    while ((c = getchar()) != EOF && c != '\n')
        ;
    return 0;
}

int main(int argc, char **argv)
{
    const long day = 86400000L;

    signal(SIGPIPE, SIG_IGN); /* a server that vanished: an error, not a death */
    if (argc == 2 && strcmp(argv[1], "now") == 0) {
        printf("%lld\n", now_ms());
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "sleep") == 0) {
        sleep_ms(number(argv[2], day));
        return 0;
    }
    if (argc == 6 && strcmp(argv[1], "wait") == 0)
        return wait_text(argv[2], argv[3], (int)number(argv[4], 1000000),
                         number(argv[5], day));
    if (argc == 6 && strcmp(argv[1], "clients") == 0)
        return run_clients((int)number(argv[2], 65535),
                           (int)number(argv[3], MAX_CLIENTS),
                           number(argv[4], day), number(argv[5], day));
    if (argc == 3 && strcmp(argv[1], "zombie") == 0)
        return make_zombie(number(argv[2], day));
    if (argc == 2 && strcmp(argv[1], "enter") == 0)
        return wait_enter();
    usage();
}
