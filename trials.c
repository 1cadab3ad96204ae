/*
 * trials.c - the options, clock and report line that deadlock, livelock
 * and starvation share (see trials.h).
 */
#include "csapp.h"
#include "trials.h"

#include <time.h>

void usage_error(const char *prog, const char *args, const char *complaint,
                 const char *value)
{
    if (complaint != NULL)
        fprintf(stderr, "%s: %s '%s'\n", prog, complaint, value);
    usage_exit(prog, args);
}

int parse_trials(const char *prog, const char *args, const char *s)
{
    long value;

    if (s == NULL)
        usage_error(prog, args, "missing a number after", "-t");
    if (parse_number(s, 1, MAX_TRIALS, &value) < 0) {
        fprintf(stderr, "%s: bad -t value '%s': want a number from 1 to %d\n",
                prog, s, MAX_TRIALS);
        usage_error(prog, args, NULL, NULL);
    }
    return (int)value;
}

void report_unshown(int trials)
{
    if (trials > SHOWN_TRIALS)
        printf("(trials %d to %d not shown one by one)\n", SHOWN_TRIALS + 1,
               trials);
}

long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long now_ms(void) { return now_us() / 1000; }
