/*
 * eb_options.c - echobench's command line (see the flags in echobench.c)
 * and the descriptor limit its clients need.
 */
#include <sys/resource.h>

#include "csapp.h"
#include "echobench.h"

opts_t opt = { NULL, NULL, 1, 64, 1, 5, 1, -1, false, false, false, false, 0 };

/*
 * A bound for waits that grow with the client count: a server that forks per
 * client needs about a millisecond for each of 10,000 connects.
 */
uint64_t wait_ms(uint64_t base)
{
    return base + (uint64_t)opt.clients;
}

/* -m MODE: sets opt.idle / opt.churn / opt.fair, or exits 2 naming the
 * bad value. */
static void set_mode(const char *mode)
{
    opt.idle = strcmp(mode, "idle") == 0;
    opt.churn = strcmp(mode, "churn") == 0;
    opt.fair = strcmp(mode, "fair") == 0;
    if (!opt.idle && !opt.churn && !opt.fair && strcmp(mode, "run") != 0) {
        fprintf(stderr, "echobench: -m %s: expected run, idle, churn or fair\n", mode);
        exit(2);
    }
}

static void usage(FILE *f, int status)
{
    fprintf(f,
        "usage: echobench [-c CLIENTS] [-s LINE_BYTES] [-w IN_FLIGHT] [-d SECONDS]\n"
        "                 [-t THREADS] [-p SERVER_PID] [-m MODE] [-W US] [-i] [-q]\n"
        "                 host port\n"
        "  -c CLIENTS    connections to open (default 1)\n"
        "  -s LINE_BYTES line length including the newline, >= %d (default 64)\n"
        "  -w IN_FLIGHT  lines outstanding per client (default 1: ping-pong)\n"
        "  -d SECONDS    measuring time, or holding time with -i (default 5)\n"
        "  -t THREADS    client threads (default 1)\n"
        "  -p PID        report the server's CPU seconds (from /proc)\n"
        "  -m MODE       run (default): keep IN_FLIGHT lines outstanding per client;\n"
        "                idle: the same as -i; churn: each client connects, sends\n"
        "                one line, reads its echo, closes, over and over; fair: run,\n"
        "                counting each client's lines (fairness index, least and\n"
        "                most served, clients starved); a client never served is a\n"
        "                finding, not an error, and the run ends on time\n"
        "  -W US         the server's work per line (its ECHO_WORK_US): also report\n"
        "                this machine's limit and the share of it reached\n"
        "  -i            idle mode: one echo per client, then hold them idle\n"
        "  -q            print only the RESULT line\n"
        "Exit status: 0 ok, 1 echo error/unanswered/dropped/none connected\n"
        "(churn: or a failed connect), 2 usage.\n",
        MIN_LINE);
    exit(status);
}

/* Flag's value as a number in lo..hi, else a line naming it and exit 2. */
static long number(const char *s, long lo, long hi, char flag)
{
    long v;
    if (parse_number(s, lo, hi, &v) < 0) {
        fprintf(stderr, "echobench: -%c %s: expected a number in %ld..%ld\n", flag, s, lo, hi);
        exit(2);
    }
    return v;
}

void parse_args(int argc, char **argv)
{
    int ch;
    while ((ch = getopt(argc, argv, "c:s:w:d:t:p:m:W:iqh")) != -1) {
        switch (ch) {
        case 'c': opt.clients = (int)number(optarg, 1, 1000000, 'c'); break;
        case 's': opt.line_bytes = (int)number(optarg, MIN_LINE, 64 << 20, 's'); break;
        case 'w': opt.in_flight = (int)number(optarg, 1, 1 << 20, 'w'); break;
        case 'd': opt.seconds = (int)number(optarg, 0, 86400, 'd'); break;
        case 't': opt.threads = (int)number(optarg, 1, 1024, 't'); break;
        case 'p': opt.server_pid = (pid_t)number(optarg, 1, 1L << 30, 'p'); break;
        case 'm': set_mode(optarg); break;
        case 'W': opt.work_us = number(optarg, 0, 1000000, 'W'); break;
        case 'i': set_mode("idle"); break;
        case 'q': opt.quiet = true; break;
        case 'h': usage(stdout, 0); break;
        default: usage(stderr, 2);
        }
    }
    if (argc - optind != 2)
        usage(stderr, 2);
    opt.host = argv[optind];
    opt.port = argv[optind + 1];
}

/* As many descriptors as the hard limit allows: 10,000 clients need 10,000 fds. */
void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {   /* macOS refuses "unlimited" */
            rl.rlim_cur = (rlim_t)opt.clients + 64;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)opt.clients + 16 && !opt.quiet)
        fprintf(stderr, "echobench: warning: descriptor limit %llu < %d clients\n",
                (unsigned long long)rl.rlim_cur, opt.clients);
}
