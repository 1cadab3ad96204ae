/*
 * timeline.c - a step's actors in columns and its time running down, as
 * the lecture draws "where does the second client block?": which threads
 * of the trace are columns, in which order, and where each moment is.
 * The time axis is real seconds, but an idle stretch longer than a tenth
 * of the step is cut down to a band labelled "5.9 s later": what happens
 * in a few milliseconds gets the room, not the waiting. bars.c draws on
 * these columns, arrows.c between them.
 */
#include "picture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CUT_PX 54      /* a compressed gap's band */
#define MAX_CUTS 6     /* the longest gaps compressed, at most */
#define MIN_STEP 12.0  /* the least room between two moments, in px */
#define MIN_CUT_US 20000.0 /* a gap below 20 ms is never compressed */

static int in_scope(const scope_t *s, const trace_event_t *e)
{
    return e->ph != 'M' && (s->pid < 0 || e->pid == s->pid) &&
           e->ts >= s->from && e->ts <= s->to;
}

const actor_t *actor_of(const timeline_t *tl, long pid, long tid)
{
    for (int i = 0; i < tl->n; i++)
        if (tl->a[i].pid == pid && tl->a[i].tid == tid)
            return &tl->a[i];
    return NULL;
}

/* ---- The actors ---- */

/* A client's own port: its "connected from port" mark (trace.h). */
static long client_port(const scope_t *s, const actor_t *a)
{
    for (size_t i = 0; i < s->t->n; i++) {
        const trace_event_t *e = &s->t->ev[i];
        if (e->pid == a->pid && e->tid == a->tid && e->ph == 'i' &&
            strcmp(e->name, "connected from port") == 0)
            return (long)trace_arg(e, "value", 0);
    }
    return 0;
}

/* Adds (pid, tid) as an actor if it did anything in scope. */
static void add_actor(timeline_t *tl, const trace_event_t *m)
{
    actor_t a = {.pid = m->pid, .tid = m->tid, .first = -1};
    const char *name = trace_arg_name(m);

    for (size_t i = 0; i < tl->s.t->n; i++) {
        const trace_event_t *e = &tl->s.t->ev[i];
        if (e->pid != a.pid || e->tid != a.tid || !in_scope(&tl->s, e))
            continue;
        if (a.first < 0)
            a.first = e->ts;
        a.last = e->ts + (e->ph == 'X' ? e->dur : 0);
    }
    actor_t *had = (actor_t *)actor_of(tl, a.pid, a.tid);
    if (had != NULL) /* renamed later ("main: select loop"): the last name */
        short_name(name, had->label, sizeof(had->label));
    if (a.first < 0 || had != NULL)
        return;
    if (tl->n == MAX_ACTORS) {
        tl->more++;
        return;
    }
    short_name(name, a.label, sizeof(a.label));
    if (strncmp(name, "client ", 7) == 0) {
        snprintf(a.who, sizeof(a.who), "%s", name + 7);
        a.port = client_port(&tl->s, &a);
    }
    tl->a[tl->n++] = a;
}

/* "thread for 127.0.0.1:40312" -> "thread for B" when B's port is 40312. */
static void name_by_client(timeline_t *tl, actor_t *a)
{
    const char *colon = strrchr(a->label, ':');
    const char *host = strstr(a->label, " for ");

    if (colon == NULL || host == NULL || a->who[0] != '\0')
        return;
    for (int i = 0; i < tl->n; i++)
        if (tl->a[i].port != 0 && tl->a[i].port == atol(colon + 1)) {
            snprintf(a->label + (host - a->label) + 5,
                     sizeof(a->label) - (size_t)(host - a->label) - 5, "%s",
                     tl->a[i].who);
            return;
        }
    memmove(a->label + (host - a->label) + 5, colon, strlen(colon) + 1);
}

/* Order: the first client, the server's threads, the other clients; each
 * group by when it began. qsort's comparison sees the first client here. */
static long first_pid = -1, first_tid = -1;

static int group(const actor_t *a)
{
    if (a->pid == first_pid && a->tid == first_tid)
        return 0;
    return a->who[0] != '\0' ? 2 : 1;
}

static int by_group(const void *pa, const void *pb)
{
    const actor_t *a = pa, *b = pb;

    if (group(a) != group(b))
        return group(a) - group(b);
    if (a->pid == b->pid && group(a) == 1) /* a process's threads: as made */
        return (a->tid > b->tid) - (a->tid < b->tid);
    return (a->first > b->first) - (a->first < b->first);
}

static void order_actors(timeline_t *tl)
{
    const actor_t *first = NULL;

    for (int i = 0; i < tl->n; i++)
        if (tl->a[i].who[0] != '\0' &&
            (first == NULL || tl->a[i].first < first->first))
            first = &tl->a[i];
    first_pid = first != NULL ? first->pid : -1;
    first_tid = first != NULL ? first->tid : -1;
    qsort(tl->a, (size_t)tl->n, sizeof(tl->a[0]), by_group);
}

/* ---- The time axis ---- */

static int by_time(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* The moments of the actors in scope, sorted, each once (within 1 us). */
static size_t collect_keys(const timeline_t *tl, double **keys)
{
    size_t n = 0, m = 0;
    double *k = malloc((2 * tl->s.t->n + 2) * sizeof(*k));

    if (k == NULL)
        return 0;
    for (size_t i = 0; i < tl->s.t->n; i++) {
        const trace_event_t *e = &tl->s.t->ev[i];
        if (!in_scope(&tl->s, e) || actor_of(tl, e->pid, e->tid) == NULL)
            continue;
        k[n++] = e->ts;
        if (e->ph == 'X' && e->ts + e->dur <= tl->s.to)
            k[n++] = e->ts + e->dur;
    }
    qsort(k, n, sizeof(*k), by_time);
    for (size_t i = 0; i < n; i++)
        if (m == 0 || k[i] - k[m - 1] >= 1.0)
            k[m++] = k[i];
    *keys = k;
    return m;
}

/* Marks the longest gaps (over a tenth of the span) to be compressed;
 * returns how many. */
static int choose_cuts(timemap_t *tm)
{
    double span = tm->t[tm->n - 1] - tm->t[0];
    double floor_us = fmax(MIN_CUT_US, span / 10);
    int cuts = 0;

    for (;;) {
        size_t best = tm->n;
        for (size_t i = 0; i + 1 < tm->n; i++)
            if (!tm->cut[i] && tm->t[i + 1] - tm->t[i] > floor_us &&
                (best == tm->n ||
                 tm->t[i + 1] - tm->t[i] > tm->t[best + 1] - tm->t[best]))
                best = i;
        if (best == tm->n || cuts == MAX_CUTS)
            return cuts;
        tm->cut[best] = 1;
        cuts++;
    }
}

/* Places every key: bands for the cut gaps, MIN_STEP (or less, if the
 * keys are many) between two moments, the rest of the height in
 * proportion to time. */
static void place_keys(timemap_t *tm)
{
    double height = PLOT_BOTTOM - PLOT_TOP - 24, linear = 0, step;
    int cuts = choose_cuts(tm);

    step = fmin(MIN_STEP, 0.3 * height / (double)tm->n);
    for (size_t i = 0; i + 1 < tm->n; i++)
        if (!tm->cut[i])
            linear += tm->t[i + 1] - tm->t[i];
    double room = height - cuts * CUT_PX - step * (double)(tm->n - 1);
    double scale = linear > 0 ? fmax(room, 0) / linear : 0;
    tm->y[0] = PLOT_TOP + 12;
    for (size_t i = 0; i + 1 < tm->n; i++)
        tm->y[i + 1] = tm->y[i] + (tm->cut[i] ? CUT_PX
                                   : step + scale * (tm->t[i + 1] - tm->t[i]));
}

double time_y(const timemap_t *tm, double ts)
{
    size_t lo = 0, hi = tm->n - 1;

    if (ts <= tm->t[0])
        return tm->y[0];
    if (ts >= tm->t[hi])
        return tm->y[hi];
    while (hi - lo > 1) { /* t[lo] <= ts < t[hi] */
        size_t mid = (lo + hi) / 2;
        if (tm->t[mid] <= ts)
            lo = mid;
        else
            hi = mid;
    }
    return tm->y[lo] + (tm->y[hi] - tm->y[lo]) * (ts - tm->t[lo]) /
                           (tm->t[hi] - tm->t[lo]);
}

static int map_time(timeline_t *tl)
{
    timemap_t *tm = &tl->tm;

    tm->n = collect_keys(tl, &tm->t);
    if (tm->n < 2)
        return -1;
    tm->y = calloc(tm->n, sizeof(*tm->y));
    tm->cut = calloc(tm->n, 1);
    if (tm->y == NULL || tm->cut == NULL)
        return -1;
    tm->origin = tl->s.from > 0 ? tl->s.from : tm->t[0];
    place_keys(tm);
    return 0;
}

int timeline_build(timeline_t *tl, const scope_t *s)
{
    memset(tl, 0, sizeof(*tl));
    tl->s = *s;
    for (size_t i = 0; i < s->t->n; i++) {
        const trace_event_t *e = &s->t->ev[i];
        if (e->ph == 'M' && strcmp(e->name, "thread_name") == 0 &&
            (s->pid < 0 || e->pid == s->pid))
            add_actor(tl, e);
    }
    if (tl->n == 0)
        return -1;
    for (int i = 0; i < tl->n; i++)
        name_by_client(tl, &tl->a[i]);
    for (int i = 0; i < tl->n; i++)
        for (int j = 0; j < tl->n; j++)
            if (tl->a[i].pid != tl->a[j].pid &&
                strcmp(tl->a[i].label, tl->a[j].label) == 0)
                snprintf(tl->a[i].process, sizeof(tl->a[i].process), "%s",
                         name_of(s->t, tl->a[i].pid, -1));
    order_actors(tl);
    int left = 180, width = PIC_W - 20 - left;
    for (int i = 0; i < tl->n; i++)
        tl->a[i].x = left + width * (2 * i + 1) / (2 * tl->n);
    return map_time(tl);
}

void timeline_free(timeline_t *tl)
{
    free(tl->tm.t);
    free(tl->tm.y);
    free(tl->tm.cut);
    memset(&tl->tm, 0, sizeof(tl->tm));
}

void fmt_time(char *buf, size_t size, double us, double span)
{
    if (span >= 500000)
        snprintf(buf, size, "%.2f s", us / 1e6);
    else if (span >= 50000)
        snprintf(buf, size, "%.0f ms", us / 1000);
    else if (span >= 5000)
        snprintf(buf, size, "%.1f ms", us / 1000);
    else
        snprintf(buf, size, "%.0f us", us);
}

void fmt_dur(char *buf, size_t size, double us)
{
    if (us < 1000)
        snprintf(buf, size, "%.0f us", us);
    else if (us < 1e6)
        snprintf(buf, size, "%.0f ms", us / 1000);
    else
        snprintf(buf, size, "%.2f s", us / 1e6);
}
