/*
 * svg.c - make bench's chart as one self-contained SVG file: lines/s
 * against clients for every server, then bars: connections/s of churn,
 * memory per idle client, lines/s when CPU-bound, and fairness (Jain's
 * index and the clients starved), and a caption naming the machine, the
 * date and whether it was a quick run. Colour tells the model's family
 * (baselines grey), a label at each line's end names the server, and
 * every panel says whether higher or lower is better. See chart.c.
 */
#include "chart.h"

#include <math.h>

#define WIDTH 960
#define PLOT_LEFT 90
#define PLOT_RIGHT 700 /* the line labels sit to the right */
#define LINE_TOP 90
#define LINE_BOTTOM 420
#define ROW 18         /* a bar's row, in pixels */
#define BAR_LEFT 300   /* room for the server's name on the left */
#define LABEL_GAP 13   /* the least distance between two line labels */

static const char *const family_color[NFAMILIES] = {
    [FAMILY_BASELINE] = "#9a9a9a", [FAMILY_ITERATIVE] = "#7b3294",
    [FAMILY_PROCESS] = "#d95f02", [FAMILY_EVENT] = "#1b9e77",
    [FAMILY_THREAD] = "#2c6fbb",
};
/* Series of one family differ by their dashes. */
static const char *const dashes[] = {"", "7 4", "2 3", "9 3 2 3"};

/* Writes s with XML's five special characters escaped. */
static void xml_text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default: fputc(*s, out);
        }
    }
}

static const char *color_of(const results_t *r, int s)
{
    return family_color[r->family[s]];
}

/* How many series of s's family come before it: which dashes it gets. */
static const char *dash_of(const results_t *r, int s)
{
    int k = 0;

    for (int i = 0; i < s; i++)
        k += r->family[i] == r->family[s];
    return dashes[k % (int)(sizeof(dashes) / sizeof(dashes[0]))];
}

/* "higher is better" or "lower is better", under a panel's title. */
static void better_note(FILE *out, int kind, int y)
{
    fprintf(out, "<text class=\"better\" x=\"%d\" y=\"%d\" font-size=\"12\" "
            "font-style=\"italic\" fill=\"#444\">%s is better</text>\n",
            PLOT_LEFT - 60, y, higher_is_better(kind) ? "higher" : "lower");
}

/* The smallest and largest figure of kind (0, 0 when there is none). */
static void value_range(const results_t *r, int kind, double *lo, double *hi)
{
    *lo = *hi = 0;
    for (int i = 0; i < r->nfig; i++) {
        double v = r->fig[i].value;
        if (r->fig[i].kind != kind || v <= 0)
            continue;
        if (*hi == 0 || v < *lo)
            *lo = v;
        if (v > *hi)
            *hi = v;
    }
}

/* How many figures of kind there are. */
static int count_figures(const results_t *r, int kind)
{
    int n = 0;

    for (int i = 0; i < r->nfig; i++)
        n += r->fig[i].kind == kind;
    return n;
}

/* ---- The line panel: lines/s against clients ---- */

/* The line panel's scales: clients on a log axis; lines/s on a linear
 * one from 0 when the figures differ by a few times, else a log one. */
typedef struct {
    int log_y;
    double ylo, yhi, xhi;
} scale_t;

/* Maps v on a log10 scale from [lo, hi] to [a, b]. */
static double log_pos(double v, double lo, double hi, double a, double b)
{
    return a + (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * (b - a);
}

static double px_of(const scale_t *sc, double x)
{
    return log_pos(x, 1, sc->xhi, PLOT_LEFT, PLOT_RIGHT);
}

static double py_of(const scale_t *sc, double v)
{
    if (sc->log_y)
        return log_pos(v, sc->ylo, sc->yhi, LINE_BOTTOM, LINE_TOP);
    return LINE_BOTTOM - v / sc->yhi * (LINE_BOTTOM - LINE_TOP);
}

/* The least of 1, 2 or 5 times a power of ten that is at least v. */
static double nice_ceiling(double v)
{
    double p = pow(10, floor(log10(v)));

    return v <= p ? p : v <= 2 * p ? 2 * p : v <= 5 * p ? 5 * p : 10 * p;
}

static void choose_scale(const results_t *r, scale_t *sc)
{
    double lo, hi;

    value_range(r, KIND_LINES, &lo, &hi);
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

static void grid_line(FILE *out, double y, double py)
{
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
            "stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
            "text-anchor=\"end\" font-size=\"12\">%s</text>\n",
            PLOT_LEFT, py, PLOT_RIGHT, py, PLOT_LEFT - 6, py + 4,
            y == 0 ? "0" : format_figure(y, KIND_LINES));
}

static void axis_labels(FILE *out, const scale_t *sc)
{
    if (sc->log_y)
        for (double y = sc->ylo; y <= sc->yhi * 1.0001; y *= 10)
            grid_line(out, y, py_of(sc, y));
    else
        for (int k = 0; k <= 5; k++)
            grid_line(out, sc->yhi * k / 5, py_of(sc, sc->yhi * k / 5));
    for (double x = 1; x <= sc->xhi * 1.0001; x *= 10)
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
                "font-size=\"12\">%g</text>\n", px_of(sc, x), LINE_BOTTOM + 18, x);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
            "font-size=\"13\">clients at once (log scale)</text>\n"
            "<text x=\"20\" y=\"%d\" font-size=\"13\" transform=\"rotate(-90 "
            "20 %d)\" text-anchor=\"middle\">lines per second%s</text>\n",
            (PLOT_LEFT + PLOT_RIGHT) / 2, LINE_BOTTOM + 38,
            (LINE_TOP + LINE_BOTTOM) / 2, (LINE_TOP + LINE_BOTTOM) / 2,
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

    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
            "stroke-dasharray=\"%s\" points=\"", color, dash_of(r, s));
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
        xml_text(out, r->series[s]);
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

/* Each line's name just right of its end; labels of lines that end at the
 * same clients are moved apart where they lie closer than LABEL_GAP. */
static void end_labels(FILE *out, const results_t *r, const line_end_t *end)
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
    double last = -1e9;
    for (int i = 0; i < n; i++) {
        int s = order[i];
        if (i > 0 && end[order[i - 1]].x != end[s].x)
            last = -1e9;
        double ly = end[s].y + 4 < last + LABEL_GAP ? last + LABEL_GAP : end[s].y + 4;
        last = ly;
        fprintf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
                "fill=\"%s\" data-server=\"", end[s].x + 8, ly, color_of(r, s));
        xml_text(out, r->series[s]);
        fputs("\">", out);
        xml_text(out, r->series[s]);
        fputs("</text>\n", out);
    }
}

/* The first panel; its scale is in its attributes, for the tests. */
static void line_panel(FILE *out, const results_t *r)
{
    scale_t sc;
    line_end_t end[MAX_SERIES] = {{0, 0, 0}};

    if (count_figures(r, KIND_LINES) == 0)
        return;
    choose_scale(r, &sc);
    fprintf(out, "<g class=\"panel\" data-kind=\"lines\" data-scale=\"%s\" "
            "data-x-max=\"%g\" data-y-min=\"%g\" data-y-max=\"%g\" "
            "data-left=\"%d\" data-right=\"%d\" data-top=\"%d\" "
            "data-bottom=\"%d\">\n<text x=\"%d\" y=\"%d\" font-size=\"16\" "
            "font-weight=\"bold\">Ping-pong: lines per second against "
            "clients (64-byte lines)</text>\n", sc.log_y ? "log" : "linear",
            sc.xhi, sc.ylo, sc.yhi, PLOT_LEFT, PLOT_RIGHT, LINE_TOP, LINE_BOTTOM,
            PLOT_LEFT - 60, LINE_TOP - 32);
    better_note(out, KIND_LINES, LINE_TOP - 14);
    axis_labels(out, &sc);
    /* Baselines first, the iterative server last: its one point on top. */
    static const int order[] = {FAMILY_BASELINE, FAMILY_PROCESS, FAMILY_EVENT,
                                FAMILY_THREAD, FAMILY_ITERATIVE};
    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
        for (int s = 0; s < r->nseries; s++)
            if (r->family[s] == order[k])
                line_series(out, r, s, &sc, &end[s]);
    end_labels(out, r, end);
    fputs("</g>\n", out);
}

/* ---- The bar panels ---- */

/* A bar panel's heading; x is the figure's x where panels go by it. */
static void bar_title(FILE *out, int kind, double x, int y)
{
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"16\" "
            "font-weight=\"bold\">", PLOT_LEFT - 60, y);
    switch (kind) {
    case KIND_CHURN:
        fputs("Connection churn: connections per second (connect, one line, "
              "close)", out);
        break;
    case KIND_MEM:
        fputs("Memory per idle client: KiB of server RSS per connection", out);
        break;
    case KIND_WORK:
        fprintf(out, "CPU-bound: lines per second at %g us of CPU per line, "
                "50 clients", x);
        break;
    case KIND_FAIR:
        fprintf(out, "Fairness, %g clients: Jain&apos;s index of the lines "
                "each got (1: all alike)", x);
        break;
    default:
        fprintf(out, "Fairness, %g clients: how many got no line at all", x);
    }
    fputs("</text>\n", out);
}

/* Kinds drawn as one panel per x (the rest: one panel, x in each row). */
static int panel_per_x(int kind) { return kind >= KIND_WORK; }

/* A bar panel from top: a row per figure of kind (at x when the kind
 * goes by x), linear from 0 (the fairness index: 0 to 1); returns where
 * the next panel starts. */
static int bar_panel(FILE *out, const results_t *r, int kind, double x, int top)
{
    double lo, hi, max;
    int y = top + 20;

    value_range(r, kind, &lo, &hi);
    max = kind == KIND_FAIR ? 1 : hi > 0 ? hi : 1;
    fprintf(out, "<g class=\"panel\" data-kind=\"%s\"", kind_name[kind]);
    if (panel_per_x(kind))
        fprintf(out, " data-x=\"%g\"", x);
    fprintf(out, " data-scale=\"linear\" data-x-min=\"0\" data-x-max=\"%g\" "
            "data-left=\"%d\" data-right=\"%d\">\n", max, BAR_LEFT, PLOT_RIGHT);
    bar_title(out, kind, x, top - 5);
    better_note(out, kind, top + 11);
    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (f->kind != kind || (panel_per_x(kind) && f->x != x))
            continue;
        double w = f->value / max * (PLOT_RIGHT - BAR_LEFT);
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" "
                "text-anchor=\"end\">", BAR_LEFT - 6, y + 12);
        xml_text(out, r->series[f->series]);
        if (kind == KIND_CHURN)
            fprintf(out, ", %g client%s", f->x, f->x == 1 ? "" : "s");
        fprintf(out, "</text>\n<rect class=\"bar\" x=\"%d\" y=\"%d\" "
                "width=\"%.1f\" height=\"%d\" fill=\"%s\" data-server=\"",
                BAR_LEFT, y + 2, w, ROW - 4, color_of(r, f->series));
        xml_text(out, r->series[f->series]);
        fprintf(out, "\" data-x=\"%g\" data-value=\"%.6g\"/>\n<text x=\"%.1f\" "
                "y=\"%d\" font-size=\"11\">%s</text>\n", f->x, f->value,
                BAR_LEFT + w + 4, y + 12, format_figure(f->value, kind));
        y += ROW;
    }
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>"
            "\n<text x=\"%d\" y=\"%d\" font-size=\"12\">0 to %s</text>\n</g>\n",
            BAR_LEFT, top + 20, BAR_LEFT, y, BAR_LEFT, y + 16,
            format_figure(max, kind));
    return y + 60;
}

/* Every bar panel, in order, each kind's values of x in the order first
 * measured; a kind with no figure has no panel. Returns the bottom. */
static int bar_panels(FILE *out, const results_t *r, int top)
{
    for (int kind = KIND_CHURN; kind < NKINDS; kind++)
        for (int i = 0; i < r->nfig; i++) {
            const figure_t *f = &r->fig[i];
            int first = f->kind == kind;
            for (int j = 0; j < i && first; j++)
                first = r->fig[j].kind != kind ||
                        (panel_per_x(kind) && r->fig[j].x != f->x);
            if (first)
                top = bar_panel(out, r, kind, f->x, top);
            if (first && !panel_per_x(kind))
                break;
        }
    return top;
}

/* The colours, once for the whole picture: the families present. */
static void family_legend(FILE *out, const results_t *r)
{
    int x = PLOT_LEFT - 60;

    fprintf(out, "<text x=\"%d\" y=\"22\" font-size=\"12\">Colour: the "
            "model&apos;s family:</text>\n", x);
    x += 175;
    for (int fam = 0; fam < NFAMILIES; fam++) {
        int present = 0;
        for (int s = 0; s < r->nseries; s++)
            present |= r->family[s] == fam;
        if (!present)
            continue;
        fprintf(out, "<rect class=\"family\" x=\"%d\" y=\"12\" width=\"12\" "
                "height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"22\" "
                "font-size=\"12\">%s</text>\n", x, family_color[fam], x + 16,
                family_name[fam]);
        x += 40 + 7 * (int)strlen(family_name[fam]);
    }
}

void svg_chart(const results_t *r, FILE *out)
{
    char *body = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&body, &len);
    int height;

    if (mem == NULL) { /* no memory: an empty picture says so */
        fputs("<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n", out);
        return;
    }
    /* Drawn first, so the picture's height is known before its header. */
    family_legend(mem, r);
    line_panel(mem, r);
    height = bar_panels(mem, r, count_figures(r, KIND_LINES) ? LINE_BOTTOM + 100
                                                                 : LINE_TOP) + 10;
    fclose(mem);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
            "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n<rect "
            "width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n", WIDTH,
            height, WIDTH, height);
    fwrite(body, 1, len, out);
    free(body);
    if (r->quick)
        fprintf(out, "<text class=\"quick\" x=\"%d\" y=\"44\" font-size=\"13\" "
                "fill=\"#b00\">A quick run (make bench-quick): 1 s scenarios, "
                "fewer of them; rough figures</text>\n", PLOT_LEFT - 60);
    fprintf(out, "<text class=\"caption\" x=\"%d\" y=\"%d\" font-size=\"12\">"
            "%s on ", PLOT_LEFT - 60, height - 15,
            r->quick ? "make bench-quick (a quick run)" : "make bench");
    xml_text(out, r->machine[0] ? r->machine : "an unnamed machine");
    fputs(", ", out);
    xml_text(out, r->date[0] ? r->date : "undated");
    fputs("</text>\n</svg>\n", out);
}
