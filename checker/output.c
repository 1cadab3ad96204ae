/*
 * output.c - what the server printed, kept for the failures: its stdout
 * and stderr apart, the first lines of each as well as the last (a
 * runtime's report of an uncaught error comes early on stderr, and a
 * stdout flushed at exit must not push it out), and the first runtime
 * error report recognised kept whole: a csapp wrapper's "call: reason",
 * Python's Traceback, Java's "Exception in thread", Node's "Unhandled
 * 'error' event", Rust's "panicked at", Go's "panic:". The drain thread
 * (instance.c) feeds it; the main thread reads it, under its lock.
 */
#include "echocheck.h"

#include <ctype.h>
#include <strings.h>

void out_init(output_t *o)
{
    memset(o, 0, sizeof(*o));
    pthread_mutex_init(&o->lock, NULL);
}

/* The runtimes whose uncaught error reports are recognised. */
static const struct {
    const char *mark;     /* in the report's first line */
    const char *runtime;
    int at_start;         /* the mark must start the line */
} runtimes[] = {
    { "Traceback (most recent call last)", "Python", 1 },
    { "Exception in thread \"", "Java", 1 },
    { "Unhandled 'error' event", "Node.js", 0 },
    { "panicked at", "Rust", 0 },
    { "panic: ", "Go", 1 },
};

/* Names csapp gives its wrappers' messages ("rio_writen: reason"). */
static int wrapper_name(const char *s, size_t n)
{
    static const char *const calls[] = {
        "rio_writen", "rio_readlineb", "rio_readnb", "rio_readn", "accept",
        "open_listenfd", "open_clientfd", "fork", "pthread_create", "select",
        "malloc", "close", "read", "write", "dup2", "waitpid", "getaddrinfo",
        NULL
    };
    for (int i = 0; calls[i]; i++)
        if (strlen(calls[i]) == n && strncasecmp(s, calls[i], n) == 0)
            return 1;
    return 0;
}

/* A csapp wrapper's message: "Word error: reason" (the textbook's
 * unix_error) or "wrapper: reason" (this suite's). */
static int is_wrapper_message(const char *line)
{
    size_t n = 0;

    while (isalnum((unsigned char)line[n]) || line[n] == '_')
        n++;
    if (n == 0)
        return 0;
    if (strncmp(line + n, " error: ", 8) == 0)
        return 1;
    return line[n] == ':' && line[n + 1] == ' ' && wrapper_name(line, n);
}

/* The runtime whose report line starts, or NULL. */
static const char *report_start(const char *line, int *is_c)
{
    *is_c = 0;
    for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++) {
        const char *at = strstr(line, runtimes[i].mark);
        if (at && (!runtimes[i].at_start || at == line))
            return runtimes[i].runtime;
    }
    if (is_wrapper_message(line)) {
        *is_c = 1;
        return "csapp";
    }
    return NULL;
}

/* Keeps one whole line of stream s; called with the lock held. */
static void keep_line(output_t *o, int s, const char *line)
{
    stream_t *st = &o->s[s];
    int is_c;

    if (st->lines < HEAD_LINES)
        snprintf(st->head[st->lines], RING_WIDTH, "%s", line);
    else
        snprintf(st->tail[(st->lines - HEAD_LINES) % TAIL_LINES], RING_WIDTH,
                 "%s", line);
    st->lines++;
    int runtime_report = o->report_lines > 0 && !o->is_c;
    if (runtime_report && o->report_stream == s &&
        o->report_lines < REPORT_LINES) {
        snprintf(o->report[o->report_lines++], RING_WIDTH, "%s", line);
        return;
    }
    const char *runtime = report_start(line, &is_c);
    if (runtime == NULL || runtime_report)
        return; /* the first runtime report is kept whole */
    /* A wrapper's message is one line, and the last is the one that
     * ended the server (the earlier ones may be logs it lived through). */
    o->runtime = runtime;
    o->is_c = is_c;
    o->report_stream = s;
    o->report_lines = 0;
    snprintf(o->report[o->report_lines++], RING_WIDTH, "%s", line);
    language_seen(is_c);
}

void out_feed(output_t *o, int s, const char *buf, size_t n)
{
    stream_t *st = &o->s[s];

    pthread_mutex_lock(&o->lock);
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n' || st->used == RING_WIDTH - 1) {
            st->part[st->used] = '\0';
            keep_line(o, s, st->part);
            st->used = 0;
        }
        if (buf[i] != '\n')
            st->part[st->used++] = buf[i] == '\t' ? ' ' : buf[i];
    }
    pthread_mutex_unlock(&o->lock);
}

void out_end(output_t *o, int s)
{
    stream_t *st = &o->s[s];

    pthread_mutex_lock(&o->lock);
    if (st->used > 0) {
        st->part[st->used] = '\0';
        keep_line(o, s, st->part);
        st->used = 0;
    }
    pthread_mutex_unlock(&o->lock);
}

/* 1 when line holds word, in any case. */
static int holds_word(const char *line, const char *word)
{
    size_t n = strlen(word);

    for (; *line; line++)
        if (strncasecmp(line, word, n) == 0)
            return 1;
    return 0;
}

int out_head_says(output_t *o, const char *words)
{
    int found = 0;

    pthread_mutex_lock(&o->lock);
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < o->s[s].lines && i < HEAD_LINES; i++)
            found |= holds_word(o->s[s].head[i], words);
    pthread_mutex_unlock(&o->lock);
    return found;
}

void observe_output(result_t *r, output_t *o)
{
    pthread_mutex_lock(&o->lock);
    if (o->report_lines > 0)
        observe(r, o->is_c ? EV_WRAPPER_MSG : EV_RUNTIME_REPORT);
    pthread_mutex_unlock(&o->lock);
}

int out_report_says(output_t *o, const char *words)
{
    int found = 0;

    pthread_mutex_lock(&o->lock);
    for (int i = 0; i < o->report_lines; i++)
        found |= holds_word(o->report[i], words);
    pthread_mutex_unlock(&o->lock);
    return found;
}

/* 1 when line is one of the report's (already quoted). */
static int in_report(const output_t *o, const char *line)
{
    for (int i = 0; i < o->report_lines; i++)
        if (strcmp(o->report[i], line) == 0)
            return 1;
    return 0;
}

/* The i-th kept line of stream st (head, then tail), oldest first. */
static const char *kept_line(const stream_t *st, int i)
{
    int tail = st->lines - HEAD_LINES, from = tail > TAIL_LINES
                                                  ? tail - TAIL_LINES
                                                  : 0;
    if (i < HEAD_LINES)
        return st->head[i];
    return st->tail[(from + i - HEAD_LINES) % TAIL_LINES];
}

/* Notes one stream's kept lines (but the report's, when quoted): the
 * first, the number of lines not kept, the last. */
static void note_stream(result_t *r, const output_t *o, int s, int quoted)
{
    const stream_t *st = &o->s[s];
    int tail = st->lines - HEAD_LINES, kept = st->lines, skip = 0;

    if (tail > TAIL_LINES)
        kept = HEAD_LINES + TAIL_LINES;
    for (int i = 0; i < kept; i++)
        skip += quoted && in_report(o, kept_line(st, i));
    if (st->lines == 0 || skip == kept)
        return;
    note(r, "its %s (%d line%s):", s == 0 ? "stdout" : "stderr", st->lines,
         st->lines == 1 ? "" : "s");
    for (int i = 0; i < kept; i++) {
        if (i == HEAD_LINES && tail > TAIL_LINES)
            note(r, "| ... (%d lines not kept)", tail - TAIL_LINES);
        if (!quoted || !in_report(o, kept_line(st, i)))
            note(r, "| %s", kept_line(st, i));
    }
}

void note_output(result_t *r, output_t *o)
{
    pthread_mutex_lock(&o->lock);
    r->output_shown = 1;
    int quote = o->report_lines > 0 && (has_seen(r, EV_RUNTIME_REPORT) ||
                                        has_seen(r, EV_WRAPPER_MSG));
    if (quote) {
        note(r, "%s reported an error:", o->is_c ? "a wrapper" : o->runtime);
        for (int i = 0; i < o->report_lines; i++)
            note(r, "> %s", o->report[i]);
    }
    if (o->s[0].lines == 0 && o->s[1].lines == 0)
        note(r, "the server printed nothing");
    for (int s = 0; s < 2; s++)
        note_stream(r, o, s, quote);
    pthread_mutex_unlock(&o->lock);
}
