/*
 * trials.h - what the programs that make a concurrency bug happen and
 * count it share (deadlock, livelock, starvation): their -h and -t
 * options, the usage error, the clock a trial is timed by, and the line
 * that closes a long report. Defined in trials.c.
 */
#ifndef TRIALS_H
#define TRIALS_H

#define MAX_TRIALS 10000  /* the most -t allows */
#define SHOWN_TRIALS 10   /* trials reported in detail; the rest are counted */

/* -h or --help as the only argument: prints usage on stdout, exits 0. */
void help_option(int argc, char **argv, const char *usage);
/* Prints "PROG: COMPLAINT 'VALUE'" (when complaint is not NULL), then
 * usage, on stderr; exits with status 2. */
void usage_error(const char *prog, const char *usage, const char *complaint,
                 const char *value) __attribute__((noreturn));
/* -t's value s (NULL when missing): 1..MAX_TRIALS, else a usage error. */
int parse_trials(const char *prog, const char *usage, const char *s);
/* After a run of trials: says which were only counted, if any were. */
void report_unshown(int trials);

/* Time on a monotonic clock, for timing trials. Thread-safe. */
long long now_ms(void);
long long now_us(void);

#endif /* TRIALS_H */
