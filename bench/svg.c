/*
 * svg.c - make bench's chart as one self-contained SVG file: lines/s
 * against clients for every server (both axes logarithmic), then
 * connections/s of connection churn and memory per idle client as bars,
 * and a caption naming the machine and the date. See chart.c.
 */
#include "chart.h"

#include <math.h>

#define WIDTH 960
#define PLOT_LEFT 90
#define PLOT_RIGHT 700 /* the legend sits to the right */
#define LINE_TOP 60
#define LINE_BOTTOM 400

static const char *palette[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
    "#8c6d31", "#843c39", "#7b4173", "#3182bd",
};

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

/* Maps v on a log10 scale from [lo, hi] (powers of ten) to [a, b]. */
static double log_pos(double v, double lo, double hi, double a, double b)
{
    return a + (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * (b - a);
}

static void log_axis_labels(FILE *out, double ylo, double yhi, double xhi)
{
    for (double y = ylo; y <= yhi * 1.0001; y *= 10) {
        double py = log_pos(y, ylo, yhi, LINE_BOTTOM, LINE_TOP);
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                "stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
                "text-anchor=\"end\" font-size=\"12\">%s</text>\n",
                PLOT_LEFT, py, PLOT_RIGHT, py, PLOT_LEFT - 6, py + 4,
                format_figure(y, KIND_LINES));
    }
    for (double x = 1; x <= xhi * 1.0001; x *= 10) {
        double px = log_pos(x, 1, xhi, PLOT_LEFT, PLOT_RIGHT);
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
                "font-size=\"12\">%g</text>\n", px, LINE_BOTTOM + 18, x);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
            "font-size=\"13\">clients at once (log scale)</text>\n"
            "<text x=\"20\" y=\"%d\" font-size=\"13\" transform=\"rotate(-90 "
            "20 %d)\" text-anchor=\"middle\">lines per second (log scale)"
            "</text>\n", (PLOT_LEFT + PLOT_RIGHT) / 2, LINE_BOTTOM + 38,
            (LINE_TOP + LINE_BOTTOM) / 2, (LINE_TOP + LINE_BOTTOM) / 2);
}

/* One server's line: a polyline through its points, each a circle. */
static void line_series(FILE *out, const results_t *r, int s, double ylo,
                        double yhi, double xhi)
{
    const char *color = palette[s % (sizeof(palette) / sizeof(palette[0]))];

    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
            "points=\"", color);
    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (f->kind == KIND_LINES && f->series == s && f->value > 0)
            fprintf(out, "%.1f,%.1f ",
                    log_pos(f->x, 1, xhi, PLOT_LEFT, PLOT_RIGHT),
                    log_pos(f->value, ylo, yhi, LINE_BOTTOM, LINE_TOP));
    }
    fputs("\"/>\n", out);
    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (f->kind != KIND_LINES || f->series != s || f->value <= 0)
            continue;
        fprintf(out, "<circle class=\"point\" r=\"4\" fill=\"%s\" "
                "cx=\"%.1f\" cy=\"%.1f\" data-server=\"", color,
                log_pos(f->x, 1, xhi, PLOT_LEFT, PLOT_RIGHT),
                log_pos(f->value, ylo, yhi, LINE_BOTTOM, LINE_TOP));
        xml_text(out, r->series[s]);
        fprintf(out, "\" data-x=\"%g\" data-value=\"%.6g\"/>\n", f->x,
                f->value);
    }
    int ly = LINE_TOP + 16 * s;
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
            "fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">",
            PLOT_RIGHT + 20, ly, color, PLOT_RIGHT + 38, ly + 10);
    xml_text(out, r->series[s]);
    fputs("</text>\n", out);
}

/* The first panel; its scale is in its attributes, for the tests. */
static void line_panel(FILE *out, const results_t *r)
{
    double ylo, yhi, xhi = 1;

    value_range(r, KIND_LINES, &ylo, &yhi);
    if (yhi == 0)
        return;
    ylo = pow(10, floor(log10(ylo)));
    yhi = pow(10, ceil(log10(yhi)));
    if (yhi <= ylo)
        yhi = ylo * 10;
    for (int i = 0; i < r->nfig; i++)
        if (r->fig[i].kind == KIND_LINES && r->fig[i].x > xhi)
            xhi = r->fig[i].x;
    xhi = pow(10, ceil(log10(xhi)));
    if (xhi < 10)
        xhi = 10;
    fprintf(out, "<g class=\"panel\" data-kind=\"lines\" data-scale=\"log\" "
            "data-x-max=\"%g\" data-y-min=\"%g\" data-y-max=\"%g\" "
            "data-left=\"%d\" data-right=\"%d\" data-top=\"%d\" "
            "data-bottom=\"%d\">\n<text x=\"%d\" y=\"%d\" font-size=\"16\" "
            "font-weight=\"bold\">Ping-pong: lines per second against "
            "clients (64-byte lines)</text>\n", xhi, ylo, yhi, PLOT_LEFT,
            PLOT_RIGHT, LINE_TOP, LINE_BOTTOM, PLOT_LEFT, LINE_TOP - 25);
    log_axis_labels(out, ylo, yhi, xhi);
    for (int s = 0; s < r->nseries; s++)
        line_series(out, r, s, ylo, yhi, xhi);
    fputs("</g>\n", out);
}

static const char *bar_title[] = {
    [KIND_CHURN] = "Connection churn: connections per second (connect, one "
                   "line, close)",
    [KIND_MEM] = "Memory per idle client: KiB of server RSS per connection",
};
static const char *bar_unit[] = {
    [KIND_CHURN] = "connections per second",
    [KIND_MEM] = "per idle connection",
};

#define ROW 18        /* a bar's row, in pixels */
#define BAR_LEFT 300  /* room for "server (N clients)" on the left */

static int count_kind(const results_t *r, int kind)
{
    int n = 0;

    for (int i = 0; i < r->nfig; i++)
        n += r->fig[i].kind == kind;
    return n;
}

/* A bar panel from top: a row per figure of kind, linear from 0; returns
 * where the next panel starts. */
static int bar_panel(FILE *out, const results_t *r, int kind, int top)
{
    double lo, hi;
    int n = count_kind(r, kind), y = top + 10;

    value_range(r, kind, &lo, &hi);
    if (n == 0 || hi == 0)
        return top;
    fprintf(out, "<g class=\"panel\" data-kind=\"%s\" data-scale=\"linear\" "
            "data-x-min=\"0\" data-x-max=\"%g\" data-left=\"%d\" "
            "data-right=\"%d\">\n<text x=\"%d\" y=\"%d\" font-size=\"16\" "
            "font-weight=\"bold\">%s</text>\n",
            kind == KIND_CHURN ? "churn" : "mem", hi, BAR_LEFT, PLOT_RIGHT,
            PLOT_LEFT - 60, top - 5, bar_title[kind]);
    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (f->kind != kind)
            continue;
        double w = f->value / hi * (PLOT_RIGHT - BAR_LEFT);
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" "
                "text-anchor=\"end\">", BAR_LEFT - 6, y + 12);
        xml_text(out, r->series[f->series]);
        if (kind == KIND_CHURN)
            fprintf(out, ", %g client%s", f->x, f->x == 1 ? "" : "s");
        fprintf(out, "</text>\n<rect class=\"bar\" x=\"%d\" y=\"%d\" "
                "width=\"%.1f\" height=\"%d\" fill=\"%s\" data-server=\"",
                BAR_LEFT, y + 2, w, ROW - 4,
                palette[f->series % (sizeof(palette) / sizeof(palette[0]))]);
        xml_text(out, r->series[f->series]);
        fprintf(out, "\" data-x=\"%g\" data-value=\"%.6g\"/>\n<text x=\"%.1f\" "
                "y=\"%d\" font-size=\"11\">%s</text>\n", f->x, f->value,
                BAR_LEFT + w + 4, y + 12, format_figure(f->value, kind));
        y += ROW;
    }
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>"
            "\n<text x=\"%d\" y=\"%d\" font-size=\"12\">0 to %s %s</text>\n"
            "</g>\n", BAR_LEFT, top + 10, BAR_LEFT, y, BAR_LEFT, y + 16,
            format_figure(hi, kind), bar_unit[kind]);
    return y + 60;
}

/* The height the picture needs for r's figures. */
static int chart_height(const results_t *r)
{
    return LINE_BOTTOM + 90 + (count_kind(r, KIND_CHURN) + count_kind(r, KIND_MEM)) * ROW +
           2 * 60 + 40;
}

void svg_chart(const results_t *r, FILE *out)
{
    int height = chart_height(r);

    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
            "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n<rect "
            "width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n", WIDTH,
            height, WIDTH, height);
    line_panel(out, r);
    int next = bar_panel(out, r, KIND_CHURN, LINE_BOTTOM + 90);
    bar_panel(out, r, KIND_MEM, next);
    fprintf(out, "<text class=\"caption\" x=\"%d\" y=\"%d\" font-size=\"12\">"
            "make bench on ", PLOT_LEFT - 60, height - 15);
    xml_text(out, r->machine[0] ? r->machine : "an unnamed machine");
    fputs(", ", out);
    xml_text(out, r->date[0] ? r->date : "undated");
    fputs("</text>\n</svg>\n", out);
}
