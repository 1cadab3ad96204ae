/*
 * chart.c - the pictures of make bench: text bar charts for the terminal
 * and a self-contained SVG file, both drawn from one results file that
 * bench/run.sh writes as it measures. No dependency: plain C and stdio.
 *
 * Results file: one figure a line, fields separated by tabs:
 *   lines   <server> <clients> <lines per second>   (ping-pong, 64-byte lines)
 *   churn   <server> <clients> <connections per second>
 *   mem     <server> <clients> <KiB per idle connection>
 *   work    <server> <us of work per line> <lines per second> (CPU-bound)
 *   fair    <server> <clients> <Jain's fairness index>
 *   starved <server> <clients> <clients that got no line>
 * and "# machine: ..." / "# date: ..." lines for the caption, "# mode:
 * quick" for a quick run, and "# model: SERVER FAMILY" for each server of
 * the suite (the colour of its family; servers without one are grey).
 * Run: bench/bin/chart -t RESULTS          text bars on stdout
 *      bench/bin/chart -o OUT.svg RESULTS  the SVG, and a 16:9 one per
 *                                          panel beside it (OUT-lines.svg)
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
        if (fclose(out) != 0)
            return 1;
        return svg_slides(&r, argv[2]) == 0 ? 0 : 1;
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

const char *const kind_name[NKINDS] = {
    [KIND_LINES] = "lines", [KIND_CHURN] = "churn", [KIND_MEM] = "mem",
    [KIND_WORK] = "work", [KIND_FAIR] = "fair", [KIND_STARVED] = "starved",
};

const char *const family_name[NFAMILIES] = {
    [FAMILY_BASELINE] = "baseline", [FAMILY_ITERATIVE] = "iterative",
    [FAMILY_PROCESS] = "process", [FAMILY_EVENT] = "event",
    [FAMILY_THREAD] = "thread",
};

/* "# model: NAME FAMILY": remembered for the series named NAME (or
 * "NAME (...)", a variant of it). -1 when malformed. */
static int parse_model(results_t *r, const char *text)
{
    char name[48], model[16];

    if (sscanf(text, "%47s %15s", name, model) != 2 || r->nmodels == MAX_SERIES)
        return -1;
    for (int f = FAMILY_ITERATIVE; f < NFAMILIES; f++)
        if (strcmp(model, family_name[f]) == 0) {
            copy_text(r->model_name[r->nmodels], sizeof(r->model_name[0]), name);
            r->model_family[r->nmodels++] = f;
            return 0;
        }
    return -1;
}

/* The family of a series: that of the first word of its name. */
static int family_of(const results_t *r, const char *series)
{
    size_t n = strcspn(series, " ");

    for (int i = 0; i < r->nmodels; i++)
        if (strlen(r->model_name[i]) == n &&
            strncmp(r->model_name[i], series, n) == 0)
            return r->model_family[i];
    return FAMILY_BASELINE;
}

static int series_index(results_t *r, const char *name)
{
    for (int i = 0; i < r->nseries; i++)
        if (strcmp(r->series[i], name) == 0)
            return i;
    if (r->nseries == MAX_SERIES)
        return -1;
    copy_text(r->series[r->nseries], sizeof(r->series[0]), name);
    r->family[r->nseries] = family_of(r, name);
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
    for (f->kind = 0; f->kind < NKINDS && strcmp(kind, kind_name[f->kind]); f->kind++)
        ;
    if (f->kind == NKINDS)
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
        else if (strcmp(line, "# mode: quick") == 0)
            r->quick = 1;
        else if (strncmp(line, "# model: ", 9) == 0 && parse_model(r, line + 9) < 0)
            fprintf(stderr, "chart: %s:%d: unknown model, drawn as a baseline\n",
                    path, lineno);
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

const char *const kind_title[NKINDS] = {
    [KIND_LINES] = "lines/s, 64-byte ping-pong",
    [KIND_CHURN] = "connections/s, connect-echo-close",
    [KIND_MEM] = "KiB of memory per idle connection",
    [KIND_WORK] = "lines/s, CPU-bound, 50 clients",
    [KIND_FAIR] = "Jain's fairness index over every client",
    [KIND_STARVED] = "clients that got no line at all",
};

int higher_is_better(int kind)
{
    return kind != KIND_MEM && kind != KIND_STARVED;
}

/* The chart's heading for kind at x: "lines/s, ..., 10 clients". */
static void text_heading(int kind, double x, FILE *out)
{
    const char *better = higher_is_better(kind) ? "higher" : "lower";

    if (kind == KIND_MEM)
        fprintf(out, "\n%s (%s is better)\n", kind_title[kind], better);
    else if (kind == KIND_WORK)
        fprintf(out, "\n%s, %g us of CPU per line (%s is better)\n",
                kind_title[kind], x, better);
    else
        fprintf(out, "\n%s, %g client%s (%s is better)\n", kind_title[kind], x,
                x == 1 ? "" : "s", better);
}

/* One chart: every figure of kind at x, a bar each, longest = max. */
static void text_chart(const results_t *r, int kind, double x, FILE *out)
{
    double max = 0;

    for (int i = 0; i < r->nfig; i++)
        if (r->fig[i].kind == kind && r->fig[i].x == x && r->fig[i].value > max)
            max = r->fig[i].value;
    if (max <= 0 && kind != KIND_STARVED)
        return;
    text_heading(kind, x, out);
    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (f->kind != kind || f->x != x)
            continue;
        int len = max > 0 ? (int)lround(f->value / max * BAR_WIDTH) : 0;
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
    else if (kind == KIND_FAIR)
        snprintf(buf, sizeof(buf), "%.3f", v);
    else if (kind == KIND_STARVED)
        snprintf(buf, sizeof(buf), "%.0f", v);
    else if (v >= 1e6)
        snprintf(buf, sizeof(buf), "%.2fM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, sizeof(buf), "%.1fk", v / 1e3);
    else
        snprintf(buf, sizeof(buf), "%.0f", v);
    return buf;
}
