/*
 * bars.c - the timeline's columns drawn (timeline.c places them): each
 * actor's header, and its life as a bar, solid while it runs and hatched
 * while it is blocked, the call it waits in written beside; real seconds
 * in the left margin, and each compressed gap as a band that says how
 * long it was. A client's end is marked "leaves".
 */
#include "picture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BAR 26          /* a bar's width */
#define MAX_DEPTH 16    /* slices open at once on one thread, at most */
#define LABEL_GAP 26    /* the least room between two labels of a column */
#define CHAR_W 12       /* a character of TEXT px, on average (sans-serif) */
#define HEAD_CHAR 14    /* ... in bold */

/* A stretch of a bar being drawn: blocked or running, and what in. */
typedef struct {
    int blocked;
    const char *name;   /* the call or the work; "" for plain running */
    double y0, y1;
} stretch_t;

typedef struct {
    const timeline_t *tl;
    const actor_t *a;
    stretch_t pending;
    int have;
    double label_y;     /* the last label's y on this bar */
} bar_t;

static int col_width(const timeline_t *tl)
{
    return (PIC_W - 20 - 180) / tl->n;
}

/* Writes name beside the bar, from y, if the room to the next column
 * holds it; else along the bar, inside it, if the bar is long enough;
 * else its head beside the bar, or nothing. */
static void bar_label(FILE *out, bar_t *b, double y, double h, const char *name)
{
    /* Up to the next column's bar, or the picture's edge. */
    int right = b->a + 1 < b->tl->a + b->tl->n ? b->a[1].x - BAR / 2 - 6 : PIC_W - 8;
    int room = (right - b->a->x - BAR / 2 - 4) / CHAR_W, len = (int)strlen(name);
    char text[64];

    if (y - b->label_y < LABEL_GAP || y > PLOT_BOTTOM)
        return;
    if (len > room && h >= len * CHAR_W + 12) {
        fprintf(out, "<text class=\"call\" transform=\"translate(%d,%.0f) "
                "rotate(90)\" font-size=\"%d\" stroke=\"#fff\" stroke-width="
                "\"6\" paint-order=\"stroke\">", b->a->x - 8, y - 16, TEXT);
        svg_escape(out, name);
        fputs("</text>\n", out);
        b->label_y = y + len * CHAR_W;
        return;
    }
    /* Too long: its head ("back-off" of "back-off: waits for its
     * round") if that fits; "acce." would read worse than nothing. */
    const char *colon = strstr(name, ": ");
    if (len > room && (colon == NULL || colon - name > room))
        return;
    snprintf(text, sizeof(text), "%.*s", len > room ? (int)(colon - name) : len,
             name);
    int x = b->a->x + BAR / 2 + 4;
    claim(x, y - TEXT, x + (double)strlen(text) * CHAR_W, y + 4);
    svg_text(out, "call", x, (int)y, TEXT, text);
    b->label_y = y;
}

static void flush(FILE *out, bar_t *b)
{
    const stretch_t *p = &b->pending;
    double h = fmax(p->y1 - p->y0, 2);

    if (!b->have)
        return;
    fprintf(out, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
            "fill=\"%s\" stroke=\"%s\"/>\n", b->a->x - BAR / 2, p->y0, BAR,
            h, p->blocked ? "url(#blocked)" : C_BLUE,
            p->blocked ? C_ORANGE : C_BLUE);
    if (p->name[0] != '\0' && h >= TEXT)
        bar_label(out, b, p->y0 + fmin(h / 2 + 8, TEXT + 4), h, p->name);
    b->have = 0;
}

/* Adds the stretch [t0, t1] of the bar: one that is too thin to see
 * joins the one before it, one like the one before extends it. */
static void stretch(FILE *out, bar_t *b, double t0, double t1, int blocked,
                    const char *name)
{
    stretch_t s = {blocked, name, time_y(&b->tl->tm, t0),
                   time_y(&b->tl->tm, t1)};
    stretch_t *p = &b->pending;

    if (b->have && (s.y1 - s.y0 < 1 ||
                    (p->blocked == blocked && strcmp(p->name, name) == 0 &&
                     s.y0 - p->y1 < 1))) {
        p->y1 = fmax(p->y1, s.y1);
        return;
    }
    flush(out, b);
    b->pending = s;
    b->have = 1;
}

/* The bar of actor a: its slices' stack, from its first event to its
 * last; what is open on top says blocked (cat "blocked") or running. */
static void draw_bar(FILE *out, const timeline_t *tl, const actor_t *a)
{
    const trace_event_t *stack[MAX_DEPTH];
    int depth = 0;
    double since = a->first;
    bar_t b = {.tl = tl, .a = a, .label_y = -100};

    for (size_t i = 0; i < tl->s.t->n; i++) {
        const trace_event_t *e = &tl->s.t->ev[i];
        if (e->pid != a->pid || e->tid != a->tid || (e->ph != 'B' && e->ph != 'E'))
            continue;
        if (e->ts > tl->s.to)
            break;
        if (e->ts >= a->first) {
            const trace_event_t *top = depth > 0 ? stack[depth - 1] : NULL;
            stretch(out, &b, since, e->ts,
                    top != NULL && strcmp(top->cat, "blocked") == 0,
                    top != NULL ? top->name : "");
            since = e->ts;
        }
        if (e->ph == 'B' && depth < MAX_DEPTH)
            stack[depth++] = e;
        else if (e->ph == 'E' && depth > 0)
            depth--;
    }
    const trace_event_t *top = depth > 0 ? stack[depth - 1] : NULL;
    stretch(out, &b, since, a->last, top != NULL && strcmp(top->cat, "blocked") == 0,
            top != NULL ? top->name : "");
    flush(out, &b);
}

/* A client's end: a bar across, "leaves" beside; its title the time. */
static void leaves(FILE *out, const timeline_t *tl, const actor_t *a)
{
    double y = time_y(&tl->tm, a->last);

    fprintf(out, "<g id=\"leave-%s\"><title>%s leaves at %.6f s</title>\n"
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"5\"/>\n", a->who, a->who,
            (a->last - tl->tm.origin) / 1e6, a->x - BAR, y + 2, a->x + BAR,
            y + 2, C_BLACK);
    claim(a->x - BAR, y + 6, a->x - BAR + 6 * CHAR_W, y + 30);
    svg_text(out, "leaves", a->x - BAR, (int)y + 26, TEXT, "leaves");
    fputs("</g>\n", out);
}

/* The header: the label on one line, or two if it is wider than the
 * column (split at its first space); under its process's name where
 * threads of two processes have the same name. */
static void header(FILE *out, const timeline_t *tl, const actor_t *a)
{
    /* A process's name heads only the first of its columns. */
    int first_of_process = a == tl->a || a[-1].pid != a->pid;
    const char *sp = strchr(a->label, ' ');
    int fits = (int)strlen(a->label) * HEAD_CHAR <= col_width(tl) - 8;
    char first[64];

    if (a->who[0] != '\0')
        fprintf(out, "<g id=\"client-%s\"", a->who);
    else
        fprintf(out, "<g id=\"thread-%ld\"", a->tid);
    fprintf(out, " class=\"column\" text-anchor=\"middle\" font-weight=\"bold\">"
            "<title>");
    svg_escape(out, a->label);
    fputs("</title>\n", out);
    if (a->process[0] != '\0') {
        const char *colon = strchr(a->label, ':');
        if (first_of_process)
            svg_text(out, NULL, a->x, PLOT_TOP - 38, TEXT, a->process);
        /* One line left: "main" of "main: accept" if all does not fit. */
        snprintf(first, sizeof(first), "%.*s", !fits && colon != NULL ?
                 (int)(colon - a->label) : (int)strlen(a->label), a->label);
        svg_text(out, NULL, a->x, PLOT_TOP - 12, TEXT, first);
    } else if (fits || sp == NULL) {
        svg_text(out, NULL, a->x, PLOT_TOP - 12, TEXT, a->label);
    } else {
        snprintf(first, sizeof(first), "%.*s", (int)(sp - a->label), a->label);
        svg_text(out, NULL, a->x, PLOT_TOP - 38, TEXT, first);
        svg_text(out, NULL, a->x, PLOT_TOP - 12, TEXT, sp + 1);
    }
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
            "stroke=\"#ccc\"/></g>\n", a->x, PLOT_TOP, a->x, PLOT_BOTTOM);
}

/* The left margin: each compressed gap as a grey band across, its length
 * in the margin; then the time since the scope began at moments far
 * enough apart, and from the bands. */
static void time_margin(FILE *out, const timemap_t *tm)
{
    double span = tm->t[tm->n - 1] - tm->t[0], last = -100;
    char text[48], before[48] = "";

    for (size_t i = 1; i < tm->n; i++) {
        if (!tm->cut[i - 1])
            continue;
        double y0 = tm->y[i - 1], y1 = tm->y[i];
        fprintf(out, "<rect class=\"gap\" x=\"8\" y=\"%.1f\" width=\"%d\" "
                "height=\"%.1f\" fill=\"#eee\"/>\n", y0 + 9, PIC_W - 16,
                y1 - y0 - 18);
        fmt_dur(text, sizeof(text), tm->t[i] - tm->t[i - 1]);
        strcat(text, " later");
        svg_text(out, "gap", 14, (int)((y0 + y1) / 2 + 8), TEXT, text);
    }
    for (size_t i = 0; i < tm->n; i++) {
        if (tm->y[i] - last < 2 * TEXT || tm->y[i] > PLOT_BOTTOM)
            continue;
        fmt_time(text, sizeof(text), tm->t[i] - tm->origin, span);
        if (strcmp(text, before) == 0) /* a moment apart, at this precision */
            continue;
        strcpy(before, text);
        svg_text(out, "time", 14, (int)tm->y[i] + 8, TEXT, text);
        fprintf(out, "<line x1=\"110\" y1=\"%.1f\" x2=\"130\" y2=\"%.1f\" "
                "stroke=\"#999\"/>\n", tm->y[i], tm->y[i]);
        last = tm->y[i];
    }
}
void timeline_draw(FILE *out, const timeline_t *tl)
{
    time_margin(out, &tl->tm);
    for (int i = 0; i < tl->n; i++)
        header(out, tl, &tl->a[i]);
    for (int i = 0; i < tl->n; i++)
        draw_bar(out, tl, &tl->a[i]);
    for (int i = 0; i < tl->n; i++)
        if (tl->a[i].who[0] != '\0')
            leaves(out, tl, &tl->a[i]);
    if (tl->more > 0) {
        char text[64];
        snprintf(text, sizeof(text), "(%d more threads not shown)", tl->more);
        svg_text(out, "more", PIC_W - 340, PLOT_BOTTOM + 4, TEXT, text);
    }
}
