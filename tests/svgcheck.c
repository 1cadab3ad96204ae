/*
 * svgcheck.c - see svgcheck.h. A small XML reader, enough for what
 * bench/chart writes: tags that nest, quoted attributes, escaped text.
 */
#include "testlib.h"
#include "svgcheck.h"

#include <dirent.h>
#include <math.h>

char *svg_read(const char *path)
{
    FILE *f = fopen(path, "r");
    bytes_t b = {0};
    char buf[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        bytes_add(&b, buf, n);
    fclose(f);
    return b.data;
}

void remove_slides(const char *svg_path)
{
    char dir[256], stem[256], path[600];
    const char *slash = strrchr(svg_path, '/');
    DIR *d;
    struct dirent *e;

    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - svg_path) : 1,
             slash ? svg_path : ".");
    snprintf(stem, sizeof(stem), "%s", slash ? slash + 1 : svg_path);
    if (strlen(stem) > 4 && strcmp(stem + strlen(stem) - 4, ".svg") == 0)
        stem[strlen(stem) - 4] = '\0';
    if (strlen(stem) + 1 < sizeof(stem))
        strcat(stem, "-");
    if ((d = opendir(dir)) == NULL)
        return;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, stem, strlen(stem)) == 0 &&
            strstr(e->d_name, ".svg") != NULL) {
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            unlink(path);
        }
    closedir(d);
}

/* Text between tags: '&' only as one of XML's five entities. */
static int text_ok(const char *p, const char *end)
{
    static const char *entity[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};

    for (; p < end; p++) {
        if (*p == '>')
            return 0;
        if (*p != '&')
            continue;
        int known = 0;
        for (size_t i = 0; i < 5 && !known; i++)
            known = strncmp(p, entity[i], strlen(entity[i])) == 0;
        if (!known)
            return 0;
    }
    return 1;
}

/* 1 when every tag closes in order and the root is <svg>. */
int svg_well_formed(const char *svg)
{
    char stack[32][24];
    int depth = 0, roots = 0;
    const char *p = svg;

    if (strncmp(p, "<?xml", 5) == 0 && (p = strstr(p, "?>")) != NULL)
        p += 2;
    while (p != NULL && *p != '\0') {
        const char *lt = strchr(p, '<');
        if (!text_ok(p, lt ? lt : p + strlen(p)) || lt == NULL)
            return lt == NULL && depth == 0 && roots == 1 && text_ok(p, p + strlen(p));
        const char *gt = strchr(lt, '>');
        if (gt == NULL || memchr(lt + 1, '<', (size_t)(gt - lt - 1)) != NULL)
            return 0;
        int quotes = 0;
        for (const char *q = lt; q < gt; q++)
            quotes += *q == '"';
        if (quotes % 2 != 0)
            return 0;
        char name[24];
        int closing = lt[1] == '/', empty = gt[-1] == '/';
        if (sscanf(lt + 1 + closing, "%23[a-zA-Z]", name) != 1)
            return 0;
        if (closing) {
            if (depth == 0 || strcmp(stack[--depth], name) != 0)
                return 0;
        } else if (!empty) {
            if (depth == 32)
                return 0;
            roots += depth == 0;
            snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
        } else
            roots += depth == 0;
        p = gt + 1;
    }
    return 0;
}

/* The value of attribute name in the tag at tag (up to its '>'), or NAN. */
static double attr(const char *tag, const char *name)
{
    char key[40];
    const char *gt = strchr(tag, '>');

    snprintf(key, sizeof(key), " %s=\"", name);
    const char *at = strstr(tag, key);
    return at != NULL && at < gt ? strtod(at + strlen(key), NULL) : NAN;
}

/* The start of the panel <g> of kind ("lines", "churn", "mem"; "work",
 * "fair" and "starved" have a panel per x), or NULL. */
static const char *panel(const char *svg, const char *kind, double x)
{
    char key[96];
    int per_x = strcmp(kind, "work") == 0 || strcmp(kind, "fair") == 0 ||
                strcmp(kind, "starved") == 0;

    if (per_x)
        snprintf(key, sizeof(key), "<g class=\"panel\" data-kind=\"%s\" "
                 "data-x=\"%g\"", kind, x);
    else
        snprintf(key, sizeof(key), "<g class=\"panel\" data-kind=\"%s\"", kind);
    return strstr(svg, key);
}

/* s with XML's special characters escaped, as the chart writes names. */
static void escaped(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s != '\0' && n + 7 < size; s++) {
        const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>'
                        ? "&gt;" : *s == '"' ? "&quot;" : NULL;
        if (e != NULL)
            n += (size_t)snprintf(out + n, size - n, "%s", e);
        else
            out[n++] = *s;
    }
    out[n] = '\0';
}

/* The tag of kind's element for server at x, searched from p; NULL. */
static const char *element(const char *p, const char *elem,
                           const char *server, double x)
{
    char name[128], key[200];

    escaped(server, name, sizeof(name));
    snprintf(key, sizeof(key), "data-server=\"%s\" data-x=\"%g\"", name, x);
    const char *at = strstr(p, key);
    if (at == NULL)
        return NULL;
    while (at > p && *at != '<')
        at--;
    return strncmp(at + 1, elem, strlen(elem)) == 0 ? at : NULL;
}

/* Where a point of value v must be drawn on the line panel at g. */
static void expected_point(const char *g, double x, double v, double *cx,
                           double *cy)
{
    double ylo = attr(g, "data-y-min"), yhi = attr(g, "data-y-max");
    double xhi = attr(g, "data-x-max"), l = attr(g, "data-left");
    double rgt = attr(g, "data-right"), top = attr(g, "data-top");
    double bot = attr(g, "data-bottom");
    int linear = strncmp(strstr(g, "data-scale=") + 12, "linear", 6) == 0;

    *cx = l + log10(x) / log10(xhi) * (rgt - l);
    if (linear) /* from 0 */
        *cy = bot - v / yhi * (bot - top);
    else
        *cy = bot - (log10(v) - log10(ylo)) / (log10(yhi) - log10(ylo)) * (bot - top);
}

/* One figure of the results: its element exists and sits where it must. */
static void check_figure(const char *svg, const char *kind, const char *server,
                         double x, double v)
{
    const char *g = panel(svg, kind, x);
    int line = strcmp(kind, "lines") == 0;
    const char *e = g ? element(g, line ? "circle" : "rect", server, x) : NULL;

    if (!CHECK(e != NULL, "no %s figure for %s at %g in the SVG", kind,
               server, x))
        return;
    CHECK(fabs(attr(e, "data-value") - v) <= v * 1e-5, "%s %s at %g: "
          "data-value %g, the run measured %g", kind, server, x,
          attr(e, "data-value"), v);
    if (line) {
        double cx, cy;
        expected_point(g, x, v, &cx, &cy);
        CHECK(fabs(attr(e, "cx") - cx) < 1 && fabs(attr(e, "cy") - cy) < 1,
              "%s at %g clients (%g lines/s) is drawn at (%g, %g), want "
              "(%.1f, %.1f)", server, x, v, attr(e, "cx"), attr(e, "cy"), cx, cy);
    } else {
        double w = v / attr(g, "data-x-max") *
                   (attr(g, "data-right") - attr(g, "data-left"));
        CHECK(fabs(attr(e, "width") - w) < 1, "%s bar of %s: width %g, want "
              "%.1f for %g", kind, server, attr(e, "width"), w, v);
    }
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

void svg_check_against(const char *svg, const char *results_path)
{
    char line[256], kind[16], server[128];
    double x, v;
    int figures = 0;
    FILE *f = fopen(results_path, "r");

    CHECK(svg_well_formed(svg), "the SVG is not well-formed XML");
    if (!CHECK(f != NULL, "cannot read %s", results_path))
        return;
    while (fgets(line, sizeof(line), f) != NULL)
        if (line[0] != '#' &&
            sscanf(line, "%15[^\t]\t%127[^\t]\t%lf\t%lf", kind, server, &x,
                   &v) == 4) {
            figures++;
            check_figure(svg, kind, server, x, v);
        }
    fclose(f);
    int plotted = count(svg, "<circle class=\"point\"") +
                  count(svg, "<rect class=\"bar\"");
    CHECK(plotted == figures, "%d figures measured, %d plotted", figures,
          plotted);
    int panels = count(svg, "<g class=\"panel\"");
    CHECK(count(svg, "class=\"better\"") == panels,
          "%d panels, %d say which way is better", panels,
          count(svg, "class=\"better\""));
}

const char *svg_panel(const char *svg, const char *kind, double x)
{
    return panel(svg, kind, x);
}

const char *svg_element(const char *svg, const char *elem, const char *server,
                        double x)
{
    return element(svg, elem, server, x);
}

double svg_attr(const char *tag, const char *name) { return attr(tag, name); }

int svg_count(const char *svg, const char *needle) { return count(svg, needle); }
