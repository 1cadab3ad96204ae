/*
 * svg.c - make bench's panels drawn in SVG, to a layout (svg.h): lines/s
 * against clients for every server, then bars: connections/s of churn,
 * memory per idle client, lines/s when CPU-bound (a panel per work
 * value), and fairness (Jain's index and the clients starved). Colour
 * tells the model's family (baselines grey); within a family, the line
 * style tells the servers apart, and each line's label at its end shows
 * its style beside its name; every panel says whether higher or lower is
 * better, has its own scale, and a note where its figures surprise
 * (notes.c). slides.c puts the panels together. See chart.c.
 */
#include "svg.h"

#include <math.h>

#define LABEL_GAP 1.1 /* the least distance between two line labels, in lines */
#define SWATCH 26     /* the line-style sample before a line's label */

const char *const family_color[NFAMILIES] = {
    [FAMILY_BASELINE] = "#9a9a9a", [FAMILY_ITERATIVE] = "#7b3294",
    [FAMILY_PROCESS] = "#d95f02", [FAMILY_EVENT] = "#1b9e77",
    [FAMILY_THREAD] = "#2c6fbb",
};
/* Series of one family differ by their dashes, in this order. */
static const char *const dashes[NDASHES] = {"", "7 4", "2 3", "9 3 2 3"};
const char *const dash_name[NDASHES] = {"solid", "dashed", "dotted", "dash-dot"};

static const char *color_of(const results_t *r, int s)
{
    return family_color[r->family[s]];
}

int dash_index(const results_t *r, int s)
{
    int k = 0;

    for (int i = 0; i < s; i++)
        k += r->family[i] == r->family[s];
    return k % NDASHES;
}

/* "higher is better" or "lower is better", under a panel's title. */
static void better_note(FILE *out, const layout_t *L, int kind, int y)
{
    fprintf(out, "<text class=\"better\" x=\"%d\" y=\"%d\" font-size=\"%d\" "
            "font-style=\"italic\" fill=\"#444\">%s is better</text>\n",
            L->left, y, L->small, higher_is_better(kind) ? "higher" : "lower");
}

/* A note under a panel, folded at spaces to the picture's width; returns
 * the line after it. */
static int note_lines(FILE *out, const layout_t *L, const char *note, int y)
{
    /* Sans-serif averages about half its size per character. */
    int per_line = (L->width - 2 * L->left) * 2 / L->small;
    char line[512];

    while (*note != '\0') {
        int n = (int)strlen(note), cut = n;
        if (n > per_line) {
            for (cut = per_line; cut > 0 && note[cut] != ' '; cut--)
                ;
            if (cut == 0)
                cut = per_line;
        }
        snprintf(line, sizeof(line), "%.*s", cut, note);
        fprintf(out, "<text class=\"note\" x=\"%d\" y=\"%d\" font-size=\"%d\" "
                "fill=\"#7a3b00\">", L->left, y, L->small);
        svg_escape(out, line);
        fputs("</text>\n", out);
        y += L->small + 4;
        note += cut;
        while (*note == ' ')
            note++;
    }
    return y;
}

/* The note of panel p, if its figures surprise, from y; returns the bottom. */
static int panel_note_at(FILE *out, const results_t *r, const layout_t *L,
                         panel_t p, int y)
{
    char buf[512];
    const char *note = panel_note(r, p, buf, sizeof(buf));

    return note ? note_lines(out, L, note, y + L->small) : y;
}

/* The smallest and largest figure of kind at x (any x when any_x), 0 and
 * 0 when there is none. */
static void value_range(const results_t *r, panel_t p, int any_x, double *lo,
                        double *hi)
{
    *lo = *hi = 0;
    for (int i = 0; i < r->nfig; i++) {
        double v = r->fig[i].value;
        if (r->fig[i].kind != p.kind || v <= 0 || (!any_x && r->fig[i].x != p.x))
            continue;
        if (*hi == 0 || v < *lo)
            *lo = v;
        if (v > *hi)
            *hi = v;
    }
}

/* ---- The line panel: lines/s against clients ---- */

/* The line panel's scales and place: clients on a log axis; lines/s on a
 * linear one from 0 when the figures differ by a few times, else a log one. */
typedef struct {
    int log_y;
    double ylo, yhi, xhi;
    int top, bottom, left, right;
} scale_t;

/* Maps v on a log10 scale from [lo, hi] to [a, b]. */
static double log_pos(double v, double lo, double hi, double a, double b)
{
    return a + (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * (b - a);
}

static double px_of(const scale_t *sc, double x)
{
    return log_pos(x, 1, sc->xhi, sc->left, sc->right);
}

static double py_of(const scale_t *sc, double v)
{
    if (sc->log_y)
        return log_pos(v, sc->ylo, sc->yhi, sc->bottom, sc->top);
    return sc->bottom - v / sc->yhi * (sc->bottom - sc->top);
}

/* The least of 1, 2, 2.5, 4 or 5 times a power of ten that is at least
 * v: the top of a linear axis of 5 steps, not far above the data. */
static double nice_ceiling(double v)
{
    double p = pow(10, floor(log10(v)));

    static const double steps[] = {1, 2, 2.5, 4, 5};

    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (v <= steps[i] * p)
            return steps[i] * p;
    return 10 * p;
}

static void choose_scale(const results_t *r, scale_t *sc)
{
    double lo, hi;

    value_range(r, (panel_t){KIND_LINES, 0}, 1, &lo, &hi);
    /* Linear while the figures are within 50x: one client's round trips
     * against a thousand clients' lines (about 25x here) still read on
     * it, and the 2-3x gaps between models are what the eye must see. */
    sc->log_y = hi > 50 * lo;
    if (sc->log_y) {
        sc->ylo = pow(10, floor(log10(lo)));
        sc->yhi = pow(10, ceil(log10(hi)));
        if (sc->yhi <= sc->ylo)
            sc->yhi = sc->ylo * 10;
    } else {
        sc->ylo = 0;
        sc->yhi = nice_ceiling(hi);
    }
    sc->xhi = 1;
    for (int i = 0; i < r->nfig; i++)
        if (r->fig[i].kind == KIND_LINES && r->fig[i].x > sc->xhi)
            sc->xhi = r->fig[i].x;
    sc->xhi = pow(10, ceil(log10(sc->xhi)));
    if (sc->xhi < 10)
        sc->xhi = 10;
}

static void grid_line(FILE *out, const layout_t *L, const scale_t *sc, double y)
{
    double py = py_of(sc, y);
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
            "stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
            "text-anchor=\"end\" font-size=\"%d\">%s</text>\n",
            sc->left, py, sc->right, py, sc->left - 6, py + L->text / 3.0,
            L->text, y == 0 ? "0" : format_figure(y, KIND_LINES));
}

static void axis_labels(FILE *out, const layout_t *L, const scale_t *sc)
{
    if (sc->log_y)
        for (double y = sc->ylo; y <= sc->yhi * 1.0001; y *= 10)
            grid_line(out, L, sc, y);
    else
        for (int k = 0; k <= 5; k++)
            grid_line(out, L, sc, sc->yhi * k / 5);
    for (double x = 1; x <= sc->xhi * 1.0001; x *= 10)
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
                "font-size=\"%d\">%g</text>\n", px_of(sc, x),
                sc->bottom + L->text + 4, L->text, x);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
            "font-size=\"%d\">clients at once (log scale)</text>\n"
            "<text x=\"%d\" y=\"%d\" font-size=\"%d\" transform=\"rotate(-90 "
            "%d %d)\" text-anchor=\"middle\">lines per second%s</text>\n",
            (sc->left + sc->right) / 2, sc->bottom + 2 * L->text + 12, L->text,
            L->left + L->text, (sc->top + sc->bottom) / 2, L->text,
            L->left + L->text, (sc->top + sc->bottom) / 2,
            sc->log_y ? " (log scale)" : "");
}

/* Where a line ends (its point with the most clients): its label's place. */
typedef struct {
    int has;
    double x, y;
} line_end_t;

/* One server's line: a polyline through its points, each a circle.
 * Stores where its last point is in *end. */
static void line_series(FILE *out, const results_t *r, int s,
                        const scale_t *sc, line_end_t *end)
{
    const char *color = color_of(r, s);
    double end_x = 0;

    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" "
            "stroke-dasharray=\"%s\" points=\"", color, dashes[dash_index(r, s)]);
    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (f->kind == KIND_LINES && f->series == s && f->value > 0)
            fprintf(out, "%.1f,%.1f ", px_of(sc, f->x), py_of(sc, f->value));
    }
    fputs("\"/>\n", out);
    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (f->kind != KIND_LINES || f->series != s || f->value <= 0)
            continue;
        fprintf(out, "<circle class=\"point\" r=\"4.5\" fill=\"%s\" "
                "stroke=\"#fff\" cx=\"%.1f\" cy=\"%.1f\" data-server=\"", color,
                px_of(sc, f->x), py_of(sc, f->value));
        svg_escape(out, r->series[s]);
        fprintf(out, "\" data-x=\"%g\" data-value=\"%.6g\"/>\n", f->x, f->value);
        if (f->x >= end_x) {
            end_x = f->x;
            *end = (line_end_t){1, px_of(sc, f->x), py_of(sc, f->value)};
        }
    }
}

/* Comes a before b: by where the line ends, left to right, then top down. */
static int before(const line_end_t *a, const line_end_t *b)
{
    return a->x != b->x ? a->x < b->x : a->y < b->y;
}

/* One label: a sample of the line's style, then its name. */
static void end_label(FILE *out, const results_t *r, const layout_t *L, int s,
                      double x, double y)
{
    fprintf(out, "<line class=\"swatch\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
            "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\" "
            "stroke-dasharray=\"%s\"/>\n", x, y - L->text / 3.0, x + SWATCH - 4,
            y - L->text / 3.0, color_of(r, s), dashes[dash_index(r, s)]);
    fprintf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" "
            "fill=\"%s\" data-server=\"", x + SWATCH, y, L->text, color_of(r, s));
    svg_escape(out, r->series[s]);
    fputs("\">", out);
    svg_escape(out, r->series[s]);
    fputs("</text>\n", out);
}

/* Each line's label just right of its end; labels of lines that end at
 * the same clients are moved apart where they would overlap. */
static void end_labels(FILE *out, const results_t *r, const layout_t *L,
                       const line_end_t *end)
{
    int order[MAX_SERIES], n = 0;

    for (int s = 0; s < r->nseries; s++)
        if (end[s].has)
            order[n++] = s;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && before(&end[order[j]], &end[order[j - 1]]); j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    double last = -1e9, gap = LABEL_GAP * L->text;
    for (int i = 0; i < n; i++) {
        int s = order[i];
        if (i > 0 && end[order[i - 1]].x != end[s].x)
            last = -1e9;
        double ly = end[s].y + 4 < last + gap ? last + gap : end[s].y + 4;
        last = ly;
        end_label(out, r, L, s, end[s].x + 8, ly);
    }
}

/* The line panel; its scale is in its attributes, for the tests. */
static int line_panel(FILE *out, const results_t *r, const layout_t *L, int top)
{
    scale_t sc;
    line_end_t end[MAX_SERIES] = {{0, 0, 0}};

    choose_scale(r, &sc);
    sc.top = top + L->title + L->small + 24;
    sc.bottom = sc.top + L->line_height;
    sc.left = L->plot_left;
    sc.right = L->plot_right;
    fprintf(out, "<g class=\"panel\" data-kind=\"lines\" data-scale=\"%s\" "
            "data-x-max=\"%g\" data-y-min=\"%g\" data-y-max=\"%g\" "
            "data-left=\"%d\" data-right=\"%d\" data-top=\"%d\" "
            "data-bottom=\"%d\">\n<text x=\"%d\" y=\"%d\" font-size=\"%d\" "
            "font-weight=\"bold\">Ping-pong: lines per second against "
            "clients (64-byte lines)</text>\n", sc.log_y ? "log" : "linear",
            sc.xhi, sc.ylo, sc.yhi, sc.left, sc.right, sc.top, sc.bottom,
            L->left, top + L->title, L->title);
    better_note(out, L, KIND_LINES, top + L->title + L->small + 6);
    axis_labels(out, L, &sc);
    /* Baselines first, the iterative server last: its one point on top. */
    static const int order[] = {FAMILY_BASELINE, FAMILY_PROCESS, FAMILY_EVENT,
                                FAMILY_THREAD, FAMILY_ITERATIVE};
    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
        for (int s = 0; s < r->nseries; s++)
            if (r->family[s] == order[k])
                line_series(out, r, s, &sc, &end[s]);
    end_labels(out, r, L, end);
    int bottom = panel_note_at(out, r, L, (panel_t){KIND_LINES, 0},
                               sc.bottom + 2 * L->text + 16);
    fputs("</g>\n", out);
    return bottom;
}

/* ---- The bar panels ---- */

/* A bar panel's heading; x is the figure's x where panels go by it. */
static void bar_title(FILE *out, const layout_t *L, panel_t p, int y)
{
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" "
            "font-weight=\"bold\">", L->left, y, L->title);
    switch (p.kind) {
    case KIND_CHURN:
        fputs("Connection churn: connections per second (connect, one line, "
              "close)", out);
        break;
    case KIND_MEM:
        fputs("Memory per idle client: KiB of server RSS per connection", out);
        break;
    case KIND_WORK:
        fprintf(out, "CPU-bound: lines per second at %g us of CPU per line, "
                "50 clients", p.x);
        break;
    case KIND_FAIR:
        fprintf(out, "Fairness, %g clients: Jain&apos;s index of the lines "
                "each got (1: all alike)", p.x);
        break;
    default:
        fprintf(out, "Fairness, %g clients: how many got no line at all", p.x);
    }
    fputs("</text>\n", out);
}

/* Kinds drawn as one panel per x (the rest: one panel, x in each row). */
static int panel_per_x(int kind) { return kind >= KIND_WORK; }

static int in_panel(const figure_t *f, panel_t p)
{
    return f->kind == p.kind && (!panel_per_x(p.kind) || f->x == p.x);
}

/* One bar: the server's name (and clients, for churn), the bar, its figure. */
static void bar_row(FILE *out, const results_t *r, const layout_t *L,
                    const figure_t *f, double max, int y, int row)
{
    double w = f->value / max * (L->plot_right - L->bar_left);
    int size = row - 4 < L->text ? row - 4 : L->text, base = y + row / 2 + size / 3;

    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" "
            "text-anchor=\"end\">", L->bar_left - 6, base, size);
    svg_escape(out, r->series[f->series]);
    if (f->kind == KIND_CHURN)
        fprintf(out, ", %g client%s", f->x, f->x == 1 ? "" : "s");
    fprintf(out, "</text>\n<rect class=\"bar\" x=\"%d\" y=\"%d\" "
            "width=\"%.1f\" height=\"%d\" fill=\"%s\" data-server=\"",
            L->bar_left, y + 2, w, row - 4, color_of(r, f->series));
    svg_escape(out, r->series[f->series]);
    fprintf(out, "\" data-x=\"%g\" data-value=\"%.6g\"/>\n<text x=\"%.1f\" "
            "y=\"%d\" font-size=\"%d\">%s</text>\n", f->x, f->value,
            L->bar_left + w + 5, base, size, format_figure(f->value, f->kind));
}

/* A bar panel from top: a row per figure of p, linear from 0 to the
 * panel's own largest figure (the fairness index: 0 to 1); rows shrink
 * to fit avail when it is not 0. Returns where the next panel starts. */
static int bar_panel(FILE *out, const results_t *r, const layout_t *L,
                     panel_t p, int top, int avail)
{
    double lo, hi, max;
    int rows = 0, row = L->row, y0 = top + L->title + L->small + 16, y = y0;

    value_range(r, p, !panel_per_x(p.kind), &lo, &hi);
    max = p.kind == KIND_FAIR ? 1 : hi > 0 ? hi : 1;
    for (int i = 0; i < r->nfig; i++)
        rows += in_panel(&r->fig[i], p);
    if (avail > 0 && rows > 0 && (avail - (y0 - top) - 3 * L->small) / rows < row)
        row = (avail - (y0 - top) - 3 * L->small) / rows;
    fprintf(out, "<g class=\"panel\" data-kind=\"%s\"", kind_name[p.kind]);
    if (panel_per_x(p.kind))
        fprintf(out, " data-x=\"%g\"", p.x);
    fprintf(out, " data-scale=\"linear\" data-x-min=\"0\" data-x-max=\"%g\" "
            "data-left=\"%d\" data-right=\"%d\">\n", max, L->bar_left,
            L->plot_right);
    bar_title(out, L, p, top + L->title);
    better_note(out, L, p.kind, top + L->title + L->small + 6);
    for (int i = 0; i < r->nfig; i++)
        if (in_panel(&r->fig[i], p)) {
            bar_row(out, r, L, &r->fig[i], max, y, row);
            y += row;
        }
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>"
            "\n<text class=\"scale\" x=\"%d\" y=\"%d\" font-size=\"%d\">scale: 0 "
            "to %s</text>\n", L->bar_left, y0, L->bar_left, y, L->bar_left,
            y + L->small + 2, L->small, format_figure(max, p.kind));
    y = panel_note_at(out, r, L, p, y + L->small + 2);
    fputs("</g>\n", out);
    return y;
}

int panel_draw(FILE *out, const results_t *r, const layout_t *L, panel_t p,
               int top, int avail)
{
    return p.kind == KIND_LINES ? line_panel(out, r, L, top)
                                : bar_panel(out, r, L, p, top, avail);
}

int panel_list(const results_t *r, panel_t *list, int max)
{
    int n = 0;

    for (int kind = KIND_LINES; kind < NKINDS; kind++)
        for (int i = 0; i < r->nfig && n < max; i++) {
            const figure_t *f = &r->fig[i];
            int first = f->kind == kind;
            for (int j = 0; j < i && first; j++)
                first = r->fig[j].kind != kind ||
                        (panel_per_x(kind) && r->fig[j].x != f->x);
            if (first)
                list[n++] = (panel_t){kind, panel_per_x(kind) ? f->x : 0};
            if (first && !panel_per_x(kind))
                break;
        }
    return n;
}
