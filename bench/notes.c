/*
 * notes.c - one short note under a panel whose figures surprise, saying
 * why, so a reader of the slide does not take the surprise for a fault:
 * the iterative server leading the churn panel, two event loops below
 * one in ping-pong, pools that leave clients with no line. Each note is drawn from the run's own figures, and
 * appears only when they show the surprise. See svg.h.
 */
#include "svg.h"

/* The figure of series s in panel p at x, or -1 when it was not measured. */
static double figure_at(const results_t *r, int kind, int s, double x)
{
    for (int i = 0; i < r->nfig; i++)
        if (r->fig[i].kind == kind && r->fig[i].series == s && r->fig[i].x == x)
            return r->fig[i].value;
    return -1;
}

/* The cores of the machine, from the caption's "2 CPUs"; 0 if unknown. */
static int cores(const results_t *r)
{
    const char *at = strstr(r->machine, " CPUs");
    int n = 0;

    while (at != NULL && at > r->machine && at[-1] >= '0' && at[-1] <= '9')
        at--;
    if (at == NULL || sscanf(at, "%d CPUs", &n) != 1)
        return 0;
    return n;
}

/* Ping-pong: a server of several loops ("S") below its one-loop run
 * ("S (1 loop)") with 10 clients or more. */
static const char *loops_note(const results_t *r, char *buf, size_t size)
{
    char one[64], where[48] = "", per_core[32] = "one loop per core";

    for (int s = 0; s < r->nseries; s++) {
        snprintf(one, sizeof(one), "%s (1 loop)", r->series[s]);
        for (int t = 0; t < r->nseries; t++) {
            if (strcmp(r->series[t], one) != 0)
                continue;
            for (int i = 0; i < r->nfig; i++) {
                const figure_t *f = &r->fig[i];
                double alone = figure_at(r, KIND_LINES, t, f->x);
                if (f->kind == KIND_LINES && f->series == s && f->x >= 10 &&
                    f->value < 0.9 * alone && strlen(where) < 30)
                    snprintf(where + strlen(where), sizeof(where) - strlen(where),
                             "%s%g", where[0] ? ", " : "", f->x);
            }
            if (where[0] == '\0')
                continue;
            if (cores(r) > 0)
                snprintf(per_core, sizeof(per_core), "a loop per core, %d here",
                         cores(r));
            snprintf(buf, size, "Note: %s (%s) falls below %s at %s clients: "
                     "echobench's own clients need those cores too, so more "
                     "loops bring wake-ups and hand-offs, not a free core; one "
                     "line in flight per client leaves little work to share.",
                     r->series[s], per_core, one, where);
            return buf;
        }
    }
    return NULL;
}

/* Churn: the iterative server first. */
static const char *churn_note(const results_t *r, char *buf, size_t size)
{
    int top = -1;
    double best = 0;

    for (int i = 0; i < r->nfig; i++)
        if (r->fig[i].kind == KIND_CHURN && r->fig[i].value > best) {
            best = r->fig[i].value;
            top = r->fig[i].series;
        }
    if (top < 0 || r->family[top] != FAMILY_ITERATIVE)
        return NULL;
    snprintf(buf, size, "Note: %s, the iterative server, tops this panel: one "
             "accept loop, no fork, no thread, no hand-off, so a connection "
             "that sends one line costs it least. It still serves one client "
             "at a time (ping-pong).", r->series[top]);
    return buf;
}

/* Fairness: the servers that left clients with no line at all (pools
 * smaller than the crowd, on purpose, and the iterative server). */
static const char *starved_note(const results_t *r, panel_t p, char *buf,
                                size_t size)
{
    char pools[128] = "";
    int served = 0, iterative = 0;

    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (f->kind != KIND_STARVED || f->x != p.x || f->value <= 0)
            continue;
        if (r->family[f->series] == FAMILY_ITERATIVE) {
            iterative = 1;
            continue;
        }
        snprintf(pools + strlen(pools), sizeof(pools) - strlen(pools), "%s%s",
                 pools[0] ? ", " : "", r->series[f->series]);
        served = (int)(p.x - f->value);
    }
    if (pools[0] == '\0')
        return NULL;
    snprintf(buf, size, "Note: %s served %d of the %g clients: a pool of %d "
             "workers (fewer than the clients, on purpose), each keeping its "
             "client to the end, so the rest waited%s.", pools, served, p.x,
             served, iterative ? "; the iterative server serves one at a time"
                               : "");
    return buf;
}

const char *panel_note(const results_t *r, panel_t p, char *buf, size_t size)
{
    switch (p.kind) {
    case KIND_LINES: return loops_note(r, buf, size);
    case KIND_CHURN: return churn_note(r, buf, size);
    case KIND_FAIR:
    case KIND_STARVED: return starved_note(r, p, buf, size);
    default: return NULL;
    }
}
