/*
 * problems.c - the pictures of the problem steps that are not a plain
 * timeline: deadlock's wait-for graph (who holds which lock, who waits
 * for which, the cycle in red), race's table (which thread read which
 * value of i); and the first trial that livelock's and starvation's
 * timelines show (their attempts and back-offs; the writer's one long
 * wait across the readers' reads).
 */
#include "picture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LIVELOCK_ATTEMPTS 16 /* attempts shown, of both threads together */
#define MAX_NODES 8
#define PI 3.14159265358979
#define RACE_CELLS 20 /* threads in the table */

/* ---- livelock and starvation: the first trial's stretch of time ---- */

/* The first event of pid after M; or -1. */
static double first_of(const trace_t *t, long pid)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->ev[i].pid == pid && t->ev[i].ph != 'M')
            return t->ev[i].ts;
    return -1;
}

/* Starvation: from the trial's start until the writer's wait and its
 * write are over. */
static int starvation_scope(const trace_t *t, scope_t *s)
{
    int ends = 0;

    for (size_t i = 0; i < t->n; i++) {
        const trace_event_t *e = &t->ev[i];
        if (s->pid < 0 && e->ph == 'B' && strcmp(e->name, "writer: waits to write") == 0) {
            s->pid = e->pid;
            for (size_t j = i + 1; j < t->n && ends < 2; j++)
                if (t->ev[j].tid == e->tid && t->ev[j].pid == e->pid &&
                    t->ev[j].ph == 'E' && ++ends == 2)
                    s->to = t->ev[j].ts;
        }
    }
    return ends == 2 ? 0 : -1;
}

int problem_scope(const trace_t *t, const char *kind, scope_t *s)
{
    int attempts = 0;

    *s = (scope_t){t, -1, 0, 0};
    if (strcmp(kind, "starvation") == 0) {
        if (starvation_scope(t, s) < 0)
            return -1;
    } else {
        for (size_t i = 0; i < t->n && attempts < LIVELOCK_ATTEMPTS; i++) {
            const trace_event_t *e = &t->ev[i];
            if (e->ph != 'B' || strcmp(e->name, "attempt") != 0 ||
                (s->pid >= 0 && e->pid != s->pid))
                continue;
            s->pid = e->pid;
            s->to = e->ts;
            attempts++;
        }
        if (attempts < LIVELOCK_ATTEMPTS)
            return -1;
    }
    s->from = first_of(t, s->pid);
    return s->from >= 0 ? 0 : -1;
}

/* How many events named name, of phase ph, the scope holds. */
static int count_in(const scope_t *s, char ph, const char *name)
{
    int n = 0;
    for (size_t i = 0; i < s->t->n; i++) {
        const trace_event_t *e = &s->t->ev[i];
        n += e->ph == ph && e->pid == s->pid && e->ts >= s->from &&
             e->ts <= s->to && strcmp(e->name, name) == 0;
    }
    return n;
}

void problem_story(FILE *out, const scope_t *s, const char *kind)
{
    char text[300], d[24];

    if (strcmp(kind, "livelock") == 0) {
        int got = count_in(s, 'i', "trylock: got it");
        snprintf(d, sizeof(d), "%d", got);
        snprintf(text, sizeof(text), "The first trial, its first %d attempts: "
                 "each takes one lock, finds the other busy, and backs off; "
                 "%s got both locks", count_in(s, 'B', "attempt"),
                 got == 0 ? "none" : d);
    } else {
        fmt_dur(d, sizeof(d), s->to - s->from);
        snprintf(text, sizeof(text), "The first trial: while the writer waits, "
                 "%d reads begin, and they overlap; it writes only at the end, "
                 "%s in", count_in(s, 'B', "read"), d);
    }
    svg_text(out, "story", 20, 68, TEXT, text);
}

/* ---- deadlock: the wait-for graph of the first trial that deadlocked ---- */

typedef struct {
    char name[48];
    int thread;         /* 1: a thread, 0: a lock */
    int waits_for;      /* a thread's lock, or a lock's holder (-1: none) */
    int in_cycle;
    double x, y;
} node_t;

typedef struct {
    node_t n[MAX_NODES];
    int count;
} graph_t;

static int node(graph_t *g, const char *name, int thread)
{
    for (int i = 0; i < g->count; i++)
        if (strcmp(g->n[i].name, name) == 0)
            return i;
    if (g->count == MAX_NODES)
        return -1;
    g->n[g->count] = (node_t){.thread = thread, .waits_for = -1};
    snprintf(g->n[g->count].name, sizeof(g->n[0].name), "%s", name);
    return g->count++;
}

/* The slices left open on each thread of pid when it was killed: a
 * "holds lock A" makes lock A point to the thread, a "waits for lock B"
 * the thread to lock B. */
static void open_slices(const trace_t *t, long pid, graph_t *g)
{
    for (size_t i = 0; i < t->n; i++) {
        const trace_event_t *e = &t->ev[i];
        int depth = 0;
        if (e->pid != pid || e->ph != 'B')
            continue;
        for (size_t j = i + 1; j < t->n && depth >= 0; j++)
            if (t->ev[j].pid == pid && t->ev[j].tid == e->tid)
                depth += t->ev[j].ph == 'B' ? 1 : t->ev[j].ph == 'E' ? -1 : 0;
        if (depth < 0) /* its E came */
            continue;
        char who[48];
        short_name(name_of(t, pid, e->tid), who, sizeof(who));
        int th = node(g, who, 1);
        if (strncmp(e->name, "holds ", 6) == 0) {
            int lock = node(g, e->name + 6, 0);
            if (lock >= 0 && th >= 0)
                g->n[lock].waits_for = th;
        } else if (strncmp(e->name, "waits for ", 10) == 0) {
            int lock = node(g, e->name + 10, 0);
            if (lock >= 0 && th >= 0)
                g->n[th].waits_for = lock;
        }
    }
}

/* Marks the nodes on a cycle of waits; returns the cycle's length. */
static int find_cycle(graph_t *g)
{
    for (int start = 0; start < g->count; start++) {
        int at = g->n[start].waits_for, len = 1;
        while (at >= 0 && at != start && len <= g->count) {
            at = g->n[at].waits_for;
            len++;
        }
        if (at != start)
            continue;
        for (int k = 0, i = start; k < len; k++, i = g->n[i].waits_for)
            g->n[i].in_cycle = 1;
        return len;
    }
    return 0;
}

/* Places the nodes on a circle, in the order of the waits, from the
 * first thread: thread 1 at the left, its lock above, and so on. */
static void place(graph_t *g)
{
    int order[MAX_NODES], n = 0, done[MAX_NODES] = {0};

    for (int i = 0; i < g->count && n == 0; i++)
        if (g->n[i].thread && g->n[i].in_cycle)
            for (int at = i; at >= 0 && !done[at]; at = g->n[at].waits_for) {
                done[at] = 1;
                order[n++] = at;
            }
    for (int i = 0; i < g->count; i++)
        if (!done[i])
            order[n++] = i;
    for (int k = 0; k < n; k++) {
        double a = PI + 2 * PI * k / n; /* clockwise from the left */
        g->n[order[k]].x = 640 + 300 * cos(a);
        g->n[order[k]].y = 352 - 170 * sin(a);
    }
}

static void draw_node(FILE *out, const node_t *v)
{
    if (v->thread)
        fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"170\" height=\"56\" "
                "rx=\"14\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"4\"/>\n",
                v->x - 85, v->y - 28, C_BLUE);
    else
        fprintf(out, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"62\" "
                "fill=\"url(#blocked)\" stroke=\"%s\" stroke-width=\"4\"/>\n",
                v->x, v->y, C_ORANGE);
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"%d\" "
            "font-weight=\"bold\" text-anchor=\"middle\" stroke=\"#fff\" "
            "stroke-width=\"6\" paint-order=\"stroke\">", v->x, v->y + 8, TEXT + 2);
    svg_escape(out, v->name);
    fputs("</text>\n", out);
}

/* The edge from v to what it waits for (a lock) or is held by (a
 * thread), stopping short of both shapes; red and thick on the cycle. */
static void draw_edge(FILE *out, const node_t *v, const node_t *to, int id)
{
    double dx = to->x - v->x, dy = to->y - v->y, len = hypot(dx, dy);
    double r0 = v->thread ? 70 : 66, r1 = to->thread ? 74 : 70;
    double x0 = v->x + dx * r0 / len, y0 = v->y + dy * r0 / len;
    double x1 = to->x - dx * r1 / len, y1 = to->y - dy * r1 / len;
    const char *what = v->thread ? "waits for" : "is held by";

    fprintf(out, "<g id=\"wait-%d\" class=\"%s\"><title>%s %s %s</title>\n"
            "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
            "stroke-width=\"%d\" marker-end=\"url(#head-%s)\"/>\n", id,
            v->in_cycle && to->in_cycle ? "cycle" : "edge", v->name, what,
            to->name, x0, y0, x1, y1, v->in_cycle ? C_RED : C_BLACK,
            v->in_cycle ? 6 : 3, v->in_cycle ? "cycle" : "line");
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"%d\" "
            "text-anchor=\"middle\" stroke=\"#fff\" stroke-width=\"6\" "
            "paint-order=\"stroke\">%s</text></g>\n", (x0 + x1) / 2,
            (y0 + y1) / 2 + 8, TEXT, what);
}

int deadlock_draw(FILE *out, const trace_t *t)
{
    graph_t g = {.count = 0};
    long child = -1;
    char text[200];

    for (size_t i = 0; i < t->n && child < 0; i++)
        if (t->ev[i].ph == 'i' && strncmp(t->ev[i].name, "cycle of waits", 14) == 0)
            child = (long)trace_arg(&t->ev[i], "value", -1);
    if (child < 0)
        return -1;
    open_slices(t, child, &g);
    int len = find_cycle(&g);
    place(&g);
    fprintf(out, "<marker id=\"head-cycle\" viewBox=\"0 0 10 10\" refX=\"9\" "
            "refY=\"5\" markerWidth=\"4\" markerHeight=\"4\" orient=\"auto\">"
            "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>\n", C_RED);
    for (int i = 0; i < g.count; i++)
        if (g.n[i].waits_for >= 0)
            draw_edge(out, &g.n[i], &g.n[g.n[i].waits_for], i);
    for (int i = 0; i < g.count; i++)
        draw_node(out, &g.n[i]);
    snprintf(text, sizeof(text), "The first trial's wait-for graph, when the "
             "watcher killed it: %s", len > 0 ? "a cycle of waits (red), so no "
             "thread can ever move" : "no cycle");
    text_wrapped(out, "story", 20, 82, PIC_W - 40, TEXT, text);
    fprintf(out, "<line x1=\"20\" y1=\"%d\" x2=\"64\" y2=\"%d\" stroke=\"%s\" "
            "stroke-width=\"6\" marker-end=\"url(#head-cycle)\"/>\n",
            LEGEND_Y - 7, LEGEND_Y - 7, C_RED);
    int x = legend_text(out, 74, "the cycle (thick)");
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"40\" height=\"22\" rx=\"6\" "
            "fill=\"#fff\" stroke=\"%s\" stroke-width=\"3\"/>\n", x,
            LEGEND_Y - 18, C_BLUE);
    x = legend_text(out, x + 48, "a thread");
    fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"12\" fill=\"url(#blocked)\" "
            "stroke=\"%s\" stroke-width=\"3\"/>\n", x + 12, LEGEND_Y - 7, C_ORANGE);
    legend_text(out, x + 32, "a lock");
    return len > 0 ? 0 : -1;
}

/* ---- race: which thread read which value ---- */

typedef struct {
    int thread;         /* N of "thread N" */
    long value;         /* what it read through the pointer */
} reading_t;

static int by_thread(const void *a, const void *b)
{
    return ((const reading_t *)a)->thread - ((const reading_t *)b)->thread;
}

/* The readings of the first process that has any, sorted by thread. */
static size_t readings(const trace_t *t, reading_t **out)
{
    reading_t *r = calloc(t->n + 1, sizeof(*r));
    long pid = -1;
    size_t n = 0;

    for (size_t i = 0; r != NULL && i < t->n; i++) {
        const trace_event_t *e = &t->ev[i];
        if (e->ph != 'i' || strcmp(e->name, "read *vargp") != 0 ||
            (pid >= 0 && e->pid != pid))
            continue;
        pid = e->pid;
        r[n].thread = atoi(name_of(t, e->pid, e->tid) + strlen("thread "));
        r[n++].value = (long)trace_arg(e, "value", -1);
    }
    if (r != NULL)
        qsort(r, n, sizeof(*r), by_thread);
    *out = r;
    return n;
}

/* How many of the n readings read value. */
static int times_read(const reading_t *r, size_t n, long value)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += r[i].value == value;
    return k;
}

static void race_cell(FILE *out, const reading_t *r, int k, int x, int y)
{
    char text[48];

    fprintf(out, "<g id=\"thread-%d\" class=\"%s\"><title>thread %d read i = "
            "%ld; %d thread%s read it</title>\n<rect x=\"%d\" y=\"%d\" "
            "width=\"112\" height=\"112\" fill=\"%s\" stroke=\"%s\" "
            "stroke-width=\"2\"/>\n", r->thread, k > 1 ? "shared" : "alone",
            r->thread, r->value, k, k > 1 ? "s" : "", x, y,
            k > 1 ? "url(#twice)" : "#fff", k > 1 ? C_RED : C_BLACK);
    snprintf(text, sizeof(text), "thread %d", r->thread);
    fprintf(out, "<g font-size=\"%d\" text-anchor=\"middle\" stroke=\"#fff\" "
            "stroke-width=\"6\" paint-order=\"stroke\">", TEXT);
    svg_text(out, NULL, x + 56, y + 30, TEXT, text);
    snprintf(text, sizeof(text), "i = %ld", r->value);
    svg_text(out, "value", x + 56, y + 66, TEXT + 4, text);
    snprintf(text, sizeof(text), k > 1 ? "%d read it" : "alone", k);
    svg_text(out, NULL, x + 56, y + 100, TEXT, text);
    fputs("</g></g>\n", out);
}

int race_draw(FILE *out, const trace_t *t)
{
    reading_t *r;
    size_t n = readings(t, &r), shared = 0, distinct = 0;
    char text[400];

    if (n == 0) {
        free(r);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        int k = times_read(r, n, r[i].value);
        shared += k > 1;
        distinct += times_read(r, i, r[i].value) == 0; /* its first reader */
    }
    snprintf(text, sizeof(text), "One run of race: main passes each of its %zu "
             "threads &i, the address of its loop counter, and each reads i "
             "when it gets to run. Only %zu different values were read; %zu "
             "threads read a value another thread read too. The first %d:",
             n, distinct, shared, RACE_CELLS);
    text_wrapped(out, "story", 20, 82, PIC_W - 40, TEXT, text);
    for (size_t i = 0; i < n && i < RACE_CELLS; i++)
        race_cell(out, &r[i], times_read(r, n, r[i].value),
                  26 + (int)(i % 10) * 124, 190 + (int)(i / 10) * 128);
    fprintf(out, "<rect x=\"20\" y=\"%d\" width=\"40\" height=\"22\" "
            "fill=\"url(#twice)\" stroke=\"%s\"/>\n", LEGEND_Y - 18, C_RED);
    int x = legend_text(out, 68, "a value more than one thread read");
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"40\" height=\"22\" "
            "fill=\"#fff\" stroke=\"%s\"/>\n", x, LEGEND_Y - 18, C_BLACK);
    legend_text(out, x + 48, "a value one thread alone read");
    free(r);
    return 0;
}
