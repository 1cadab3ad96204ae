/*
 * trials.h - what the programs that make a concurrency bug happen and
 * count it share (deadlock, livelock, starvation): their -t option, the usage error, the clock a trial is timed by, and the line
 * that closes a long report. Defined in trials.c.
 */
#ifndef TRIALS_H
#define TRIALS_H

#define MAX_TRIALS 10000  /* the most -t allows */
#define SHOWN_TRIALS 10   /* trials reported in detail; the rest are counted */

/* Prints "PROG: COMPLAINT 'VALUE'" (when complaint is not NULL), then
 * "usage: PROG ARGS", on stderr; exits with status 2. (-h and --help are
 * csapp.h's help_exit, as in every program.) */
_Noreturn void usage_error(const char *prog, const char *args,
                           const char *complaint, const char *value);
/* -t's value s (NULL when missing): 1..MAX_TRIALS, else a usage error. */
int parse_trials(const char *prog, const char *args, const char *s);
/* After a run of trials: says which were only counted, if any were. */
void report_unshown(int trials);

/* Time on a monotonic clock, for timing trials. Thread-safe. */
long long now_ms(void);
long long now_us(void);

#endif /* TRIALS_H */
