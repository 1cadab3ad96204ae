/*
 * tracecheck.c - reading and checking ECHO_TRACE files for the tests; see
 * tracecheck.h.
 */
#include "testlib.h"
#include "tracecheck.h"

#define EPS_US 0.002 /* the trace's times have three decimals */

int trace_load(const char *path, trace_t *t)
{
    char err[300];

    return CHECK(trace_read(path, t, err, sizeof(err)) == 0, "%s", err) ? 0 : -1;
}

/* ---- Names ---- */

static int named(const trace_t *t, const char *which, long pid, long tid)
{
    for (size_t i = 0; i < t->n; i++) {
        const trace_event_t *e = &t->ev[i];
        if (e->ph == 'M' && strcmp(e->name, which) == 0 && e->pid == pid &&
            (tid < 0 || e->tid == tid) &&
            json_string(e->args, "name", "")[0] != '\0')
            return 1;
    }
    return 0;
}

void trace_check_named(const trace_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const trace_event_t *e = &t->ev[i];
        int seen = 0; /* checked at an earlier event of this thread */
        for (size_t j = 0; j < i && !seen; j++)
            seen = t->ev[j].pid == e->pid && t->ev[j].tid == e->tid;
        if (seen)
            continue;
        CHECK(named(t, "process_name", e->pid, -1),
              "pid %ld has no process_name", e->pid);
        CHECK(named(t, "thread_name", e->pid, e->tid),
              "tid %ld of pid %ld has no thread_name", e->tid, e->pid);
    }
}

/* ---- Slices ---- */

static int by_thread(const void *a, const void *b)
{
    const trace_event_t *x = *(trace_event_t *const *)a;
    const trace_event_t *y = *(trace_event_t *const *)b;

    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

typedef struct {
    const trace_event_t *b;
    double children_end; /* the latest end of a slice inside it */
} frame_t;

#define DEPTH 64

/* One thread's events, in the order it wrote them: the open slices. */
static size_t nest_thread(trace_event_t **ev, size_t n,
                          const trace_event_t **open, size_t max)
{
    frame_t stack[DEPTH];
    size_t depth = 0;

    for (size_t i = 0; i < n; i++) {
        const trace_event_t *e = ev[i];
        frame_t *top = depth > 0 ? &stack[depth - 1] : NULL;
        if (e->ph != 'B' && e->ph != 'E' && e->ph != 'X')
            continue;
        if (top != NULL && e->ph != 'E')
            CHECK(e->ts >= top->b->ts - EPS_US,
                  "pid %ld tid %ld: \"%s\" at %.3f starts before the "
                  "\"%s\" around it (%.3f)", e->pid, e->tid, e->name, e->ts,
                  top->b->name, top->b->ts);
        if (e->ph == 'X' && top != NULL && e->ts + e->dur > top->children_end)
            top->children_end = e->ts + e->dur;
        if (e->ph == 'B' && CHECK(depth < DEPTH, "slices nested too deep"))
            stack[depth++] = (frame_t){e, e->ts};
        if (e->ph != 'E')
            continue;
        if (!CHECK(top != NULL, "pid %ld tid %ld: an E at %.3f closes no B",
                   e->pid, e->tid, e->ts))
            continue;
        CHECK(e->ts >= top->children_end - EPS_US,
              "pid %ld tid %ld: \"%s\" ends at %.3f, before a slice inside "
              "it (%.3f)", e->pid, e->tid, top->b->name, e->ts,
              top->children_end);
        depth--;
        if (depth > 0 && e->ts > stack[depth - 1].children_end)
            stack[depth - 1].children_end = e->ts;
    }
    for (size_t k = 0; k < depth && k < max; k++)
        open[k] = stack[k].b;
    return depth;
}

size_t trace_open_slices(const trace_t *t, const trace_event_t **open,
                         size_t max)
{
    trace_event_t **ev = calloc(t->n + 1, sizeof(*ev));
    size_t nopen = 0;

    for (size_t i = 0; i < t->n; i++)
        ev[i] = &t->ev[i];
    qsort(ev, t->n, sizeof(*ev), by_thread);
    for (size_t i = 0, j; i < t->n; i = j) {
        for (j = i; j < t->n && ev[j]->pid == ev[i]->pid &&
                    ev[j]->tid == ev[i]->tid; j++)
            ;
        size_t room = nopen < max ? max - nopen : 0;
        nopen += nest_thread(ev + i, j - i, open + (nopen < max ? nopen : max), room);
    }
    free(ev);
    return nopen;
}

/* ---- Arrows and lives ---- */

int trace_check_arrows(const trace_t *t)
{
    int arrows = 0;

    for (size_t i = 0; i < t->n; i++) {
        const trace_event_t *out = &t->ev[i], *in = NULL;
        int ins = 0, outs = 0;
        if (out->flow != 1)
            continue;
        for (size_t j = 0; j < t->n; j++) {
            if (t->ev[j].id != out->id || t->ev[j].flow == 0 ||
                t->ev[j].ph != 'X')
                continue;
            outs += t->ev[j].flow == 1;
            ins += t->ev[j].flow == -1;
            if (t->ev[j].flow == -1)
                in = &t->ev[j];
        }
        CHECK(out->ph == 'X', "an arrow starts on a %c event, not a slice",
              out->ph);
        if (!CHECK(outs == 1 && ins == 1, "arrow %.0f (\"%s\"): %d starts "
                   "and %d ends, want one each", out->id, out->name, outs, ins))
            continue;
        CHECK(in->ts >= out->ts, "arrow %.0f ends (%.3f) before it starts "
              "(%.3f)", out->id, in->ts, out->ts);
        arrows++;
    }
    for (size_t i = 0; i < t->n; i++)
        if (t->ev[i].flow == -1) {
            int outs = 0;
            for (size_t j = 0; j < t->n; j++)
                outs += t->ev[j].flow == 1 && t->ev[j].id == t->ev[i].id;
            CHECK(outs == 1, "arrow %.0f ends in pid %ld but never starts",
                  t->ev[i].id, t->ev[i].pid);
        }
    return arrows;
}

int trace_lives(const trace_t *t, int *open)
{
    int lives = 0;

    *open = 0;
    for (size_t i = 0; i < t->n; i++) {
        const trace_event_t *b = &t->ev[i];
        int ends = 0;
        if (b->ph != 'b')
            continue;
        for (size_t j = 0; j < t->n; j++) {
            const trace_event_t *e = &t->ev[j];
            if (e->ph == 'b' && j != i && e->id == b->id)
                CHECK(0, "two connections have id %.0f", b->id);
            if (e->ph != 'e' || e->id != b->id)
                continue;
            ends++;
            CHECK(strcmp(e->name, b->name) == 0 && e->ts >= b->ts,
                  "connection %.0f: \"%s\" at %.3f ends as \"%s\" at %.3f",
                  b->id, b->name, b->ts, e->name, e->ts);
        }
        CHECK(ends <= 1, "\"%s\" ends %d times", b->name, ends);
        lives += ends == 1;
        *open += ends == 0;
    }
    return lives;
}

int trace_count(const trace_t *t, char ph, const char *name)
{
    int n = 0;

    for (size_t i = 0; i < t->n; i++)
        n += (ph == 0 || t->ev[i].ph == ph) &&
             (name == NULL || strcmp(t->ev[i].name, name) == 0);
    return n;
}

long trace_line_bytes(const trace_t *t, const char *conn, int *lines)
{
    long bytes = 0;

    *lines = 0;
    for (size_t i = 0; i < t->n; i++) {
        const trace_event_t *e = &t->ev[i];
        if (e->ph != 'X' || strcmp(e->cat, "line") != 0 ||
            strcmp(json_string(e->args, "connection", ""), conn) != 0)
            continue;
        (*lines)++;
        bytes += (long)trace_arg(e, "bytes", 0);
    }
    return bytes;
}

/* ---- The test's trace file ---- */

char trace_path[64];

const char *trace_fresh(void)
{
    static int made;

    snprintf(trace_path, sizeof(trace_path), "/tmp/echotrace-%ld-%d.json",
             (long)getpid(), made++);
    unlink(trace_path);
    return trace_path;
}

int trace_load_checked(trace_t *t, const trace_event_t **left, size_t *nopen)
{
    if (trace_load(trace_path, t) < 0)
        return -1;
    trace_check_named(t);
    trace_check_arrows(t);
    *nopen = trace_open_slices(t, left, OPEN_MAX);
    return 0;
}

void trace_run(char *const argv[], int timeout_ms, run_result_t *r)
{
    setenv("ECHO_TRACE", trace_fresh(), 1);
    run_program(argv, NULL, 0, scaled(timeout_ms), r);
    unsetenv("ECHO_TRACE");
    CHECK(r->status == 0, "%s: exit status %d", argv[0], r->status);
}

long trace_tid_named(const trace_t *t, long pid, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->ev[i].ph == 'M' && strcmp(t->ev[i].name, "thread_name") == 0 &&
            (pid < 0 || t->ev[i].pid == pid) &&
            strcmp(json_string(t->ev[i].args, "name", ""), name) == 0)
            return t->ev[i].tid;
    return -1;
}

int trace_count_on(const trace_t *t, long tid, char ph, const char *name)
{
    int n = 0;

    for (size_t i = 0; i < t->n; i++)
        n += t->ev[i].tid == tid && t->ev[i].ph == ph &&
             strcmp(t->ev[i].name, name) == 0;
    return n;
}
