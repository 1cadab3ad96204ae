/*
 * chart.c - the pictures of make bench: text bar charts for the terminal
 * and a self-contained SVG file, both drawn from one results file that
 * bench/run.sh writes as it measures. No dependency: plain C and stdio.
 *
 * Results file: one figure a line, fields separated by tabs:
 *   lines <server> <clients> <lines per second>   (ping-pong, 64-byte lines)
 *   churn <server> <clients> <connections per second>
 *   mem   <server> <clients> <KiB per idle connection>
 * and "# machine: ..." / "# date: ..." lines for the caption.
 * Run: bench/bin/chart -t RESULTS          text bars on stdout
 *      bench/bin/chart -o OUT.svg RESULTS  the SVG
 * Every plotted point and bar carries its figure (data-server, data-x,
 * data-value), and each panel its scale, so a test can check the
 * picture against the run.
 */
#include "chart.h"

#include <math.h>

static int usage(void)
{
    fprintf(stderr, "usage: chart -t RESULTS | chart -o OUT.svg RESULTS\n");
    return 2;
}

int main(int argc, char **argv)
{
    results_t r;

    if (argc == 3 && strcmp(argv[1], "-t") == 0) {
        if (results_read(argv[2], &r) < 0)
            return 1;
        text_charts(&r, stdout);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "-o") == 0) {
        if (results_read(argv[3], &r) < 0)
            return 1;
        FILE *out = fopen(argv[2], "w");
        if (out == NULL) {
            fprintf(stderr, "chart: cannot write %s: %s\n", argv[2],
                    strerror(errno));
            return 1;
        }
        svg_chart(&r, out);
        return fclose(out) == 0 ? 0 : 1;
    }
    return usage();
}

/* ---- Reading the results ---- */

/* Copies src into dst[size], cut short if it does not fit. */
static void copy_text(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int series_index(results_t *r, const char *name)
{
    for (int i = 0; i < r->nseries; i++)
        if (strcmp(r->series[i], name) == 0)
            return i;
    if (r->nseries == MAX_SERIES)
        return -1;
    copy_text(r->series[r->nseries], sizeof(r->series[0]), name);
    return r->nseries++;
}

/* One "kind server clients value" line; 0, or -1 when malformed. */
static int parse_figure(results_t *r, char *line)
{
    char *kind = strtok(line, "\t"), *server = strtok(NULL, "\t");
    char *x = strtok(NULL, "\t"), *value = strtok(NULL, "\t\n");
    figure_t *f = &r->fig[r->nfig];

    if (kind == NULL || server == NULL || x == NULL || value == NULL ||
        r->nfig == MAX_FIGURES)
        return -1;
    if (strcmp(kind, "lines") == 0)
        f->kind = KIND_LINES;
    else if (strcmp(kind, "churn") == 0)
        f->kind = KIND_CHURN;
    else if (strcmp(kind, "mem") == 0)
        f->kind = KIND_MEM;
    else
        return -1;
    char *xend, *vend;
    f->x = strtod(x, &xend);
    f->value = strtod(value, &vend);
    if (xend == x || *xend != '\0' || vend == value || *vend != '\0' ||
        f->x <= 0 || f->value < 0 || (f->series = series_index(r, server)) < 0)
        return -1;
    r->nfig++;
    return 0;
}

int results_read(const char *path, results_t *r)
{
    char line[512];
    FILE *in = fopen(path, "r");
    int lineno = 0;

    memset(r, 0, sizeof(*r));
    if (in == NULL) {
        fprintf(stderr, "chart: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), in) != NULL) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "# machine: ", 11) == 0)
            copy_text(r->machine, sizeof(r->machine), line + 11);
        else if (strncmp(line, "# date: ", 8) == 0)
            copy_text(r->date, sizeof(r->date), line + 8);
        else if (line[0] != '#' && line[0] != '\0' && parse_figure(r, line) < 0) {
            fprintf(stderr, "chart: %s:%d: not a figure\n", path, lineno);
            fclose(in);
            return -1;
        }
    }
    fclose(in);
    return 0;
}

/* ---- Text bars for the terminal ---- */

#define BAR_WIDTH 50

static const char *kind_title[] = {
    [KIND_LINES] = "lines/s, 64-byte ping-pong",
    [KIND_CHURN] = "connections/s, connect-echo-close",
    [KIND_MEM] = "KiB of memory per idle connection",
};

/* One chart: every figure of kind at x, a bar each, longest = max. */
static void text_chart(const results_t *r, int kind, double x, FILE *out)
{
    double max = 0;

    for (int i = 0; i < r->nfig; i++)
        if (r->fig[i].kind == kind && r->fig[i].x == x && r->fig[i].value > max)
            max = r->fig[i].value;
    if (max <= 0)
        return;
    if (kind == KIND_MEM)
        fprintf(out, "\n%s\n", kind_title[kind]);
    else
        fprintf(out, "\n%s, %g client%s\n", kind_title[kind], x,
                x == 1 ? "" : "s");
    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (f->kind != kind || f->x != x)
            continue;
        int len = (int)lround(f->value / max * BAR_WIDTH);
        fprintf(out, "  %-24.24s %-*.*s %s\n", r->series[f->series],
                BAR_WIDTH, len > 0 ? len : 0,
                "##################################################",
                format_figure(f->value, kind));
    }
}

void text_charts(const results_t *r, FILE *out)
{
    double seen[MAX_FIGURES];
    int nseen;

    for (int kind = 0; kind < NKINDS; kind++) {
        nseen = 0; /* each client count once, in the order first measured */
        for (int i = 0; i < r->nfig; i++) {
            int dup = r->fig[i].kind != kind;
            for (int k = 0; k < nseen && !dup; k++)
                dup = seen[k] == r->fig[i].x;
            if (!dup) {
                seen[nseen++] = r->fig[i].x;
                text_chart(r, kind, r->fig[i].x, out);
            }
        }
    }
}

/* "12.3k", "4.56M": a figure short enough for a bar's end. */
const char *format_figure(double v, int kind)
{
    static char buf[32];

    if (kind == KIND_MEM)
        snprintf(buf, sizeof(buf), "%.2f KiB", v);
    else if (v >= 1e6)
        snprintf(buf, sizeof(buf), "%.2fM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, sizeof(buf), "%.1fk", v / 1e3);
    else
        snprintf(buf, sizeof(buf), "%.0f", v);
    return buf;
}
