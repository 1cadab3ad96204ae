/*
 * test_slides.c - make bench's pictures go on a slide as they are: beside
 * the tall picture, bench/chart writes one 16:9 picture (1280x720) per
 * panel, with every figure of that panel where its value says and no
 * text too small for a projector; every panel has its own scale (the two
 * CPU-bound panels too); the legend says what the line styles mean and
 * each line's label shows its style; and a note says why, under the
 * panels whose figures surprise, and only there.
 * Run: tests/bin/test_slides [test_name...]
 */
#include "testlib.h"
#include "svgcheck.h"

#include <math.h>

#define HEAD "# machine: Linux test, 2 CPUs\n# date: 2026-12-01\n"          \
             "# model: echoserveri iterative\n# model: echoservers event\n" \
             "# model: echoservere event\n# model: echoservert thread\n"    \
             "# model: echoservert_pre thread\n"
/* The surprises of a real run: the iterative server tops churn, two
 * loops fall below one, a pool leaves clients with no line. */
#define SURPRISES HEAD                                                       \
    "lines\techoservers\t1\t20000\nlines\techoservers\t10\t300000\n"       \
    "lines\techoservere\t1\t18000\nlines\techoservere\t10\t190000\n"       \
    "lines\techoservere (1 loop)\t1\t18500\n"                               \
    "lines\techoservere (1 loop)\t10\t280000\n"                             \
    "churn\techoserveri\t50\t59000\nchurn\techoservers\t50\t56000\n"       \
    "mem\techoservers\t1000\t0.08\nmem\techoservert\t1000\t21\n"           \
    "work\techoservers\t200\t4400\nwork\techoservert\t200\t9200\n"         \
    "work\techoservers\t50\t15500\nwork\techoservert\t50\t31000\n"         \
    "fair\techoservert\t64\t0.999\nfair\techoservert_pre\t64\t0.25\n"      \
    "starved\techoservert\t64\t0\nstarved\techoservert_pre\t64\t48\n"
/* The same panels, nothing surprising: no note. */
#define PLAIN HEAD                                                           \
    "lines\techoservers\t1\t20000\nlines\techoservers\t10\t300000\n"       \
    "lines\techoservere\t1\t18000\nlines\techoservere\t10\t290000\n"       \
    "lines\techoservere (1 loop)\t1\t18500\n"                               \
    "lines\techoservere (1 loop)\t10\t280000\n"                             \
    "churn\techoserveri\t50\t20000\nchurn\techoservers\t50\t56000\n"       \
    "starved\techoservert\t64\t0\n"

static char base[64]; /* the results file; its pictures are base.svg... */

/* Writes text to a file of its own, and draws it. 0, or -1 after a check. */
static int draw(const char *text)
{
    char svg[80];
    run_result_t r;
    FILE *f;

    snprintf(base, sizeof(base), "/tmp/test_slides.%d", (int)getpid());
    if ((f = fopen(base, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        skip_test("cannot write a file in /tmp");
    snprintf(svg, sizeof(svg), "%s.svg", base);
    run_program((char *[]){"bench/bin/chart", "-o", svg, base, NULL}, NULL, 0,
                5000, &r);
    int ok = CHECK(r.status == 0, "bench/bin/chart -o exited %d: %s", r.status,
                   r.err.data ? r.err.data : "");
    run_result_free(&r);
    return ok ? 0 : -1;
}

/* The picture NAME ("" for the tall one, "-lines" for a slide). */
static char *picture(const char *name)
{
    char path[96];
    snprintf(path, sizeof(path), "%s%s.svg", base, name);
    char *svg = svg_read(path);
    CHECK(svg != NULL, "no %s written", path);
    return svg;
}

static void clean_up(void)
{
    char svg[80];
    snprintf(svg, sizeof(svg), "%s.svg", base);
    remove_slides(svg);
    unlink(svg);
    unlink(base);
}

/* The lines of the results file that belong to panel KIND (at x for the
 * kinds with a panel per x), with its header, as a results file. */
static const char *panel_results(const char *kind, double x)
{
    static char path[96];
    char line[256], k[16];
    double fx;
    FILE *in = fopen(base, "r"), *out;

    snprintf(path, sizeof(path), "%s.%s", base, kind);
    out = fopen(path, "w");
    if (in == NULL || out == NULL)
        skip_test("cannot write a file in /tmp");
    while (fgets(line, sizeof(line), in) != NULL)
        if (line[0] == '#' ||
            (sscanf(line, "%15[^\t]\t%*[^\t]\t%lf", k, &fx) == 2 &&
             strcmp(k, kind) == 0 && (x < 0 || fx == x)))
            fputs(line, out);
    fclose(in);
    fclose(out);
    return path;
}

/* The smallest font-size in svg. */
static double smallest_font(const char *svg)
{
    double least = 1e9;
    for (const char *p = svg; (p = strstr(p, "font-size=\"")) != NULL; p++)
        if (atof(p + 11) < least)
            least = atof(p + 11);
    return least;
}

static void a_16_9_picture_per_panel_beside_the_tall_one(void)
{
    static const struct { const char *name, *kind; double x; } slides[] = {
        {"-lines", "lines", -1}, {"-churn", "churn", -1}, {"-mem", "mem", -1},
        {"-work-200", "work", 200}, {"-work-50", "work", 50},
        {"-fair-64", "fair", 64}, {"-starved-64", "starved", 64},
    };

    if (draw(SURPRISES) < 0)
        return;
    for (size_t i = 0; i < sizeof(slides) / sizeof(slides[0]); i++) {
        char *svg = picture(slides[i].name);
        if (svg == NULL)
            continue;
        CHECK(strstr(svg, "width=\"1280\" height=\"720\" viewBox=\"0 0 1280 720\""),
              "%s is not 1280x720", slides[i].name);
        CHECK(svg_count(svg, "<g class=\"panel\"") == 1, "%s holds %d panels, "
              "want 1", slides[i].name, svg_count(svg, "<g class=\"panel\""));
        CHECK(smallest_font(svg) >= 16, "%s has text of %g px: too small for "
              "a projector", slides[i].name, smallest_font(svg));
        const char *part = panel_results(slides[i].kind, slides[i].x);
        svg_check_against(svg, part);
        unlink(part);
        free(svg);
    }
    clean_up();
}

static void every_panel_has_its_own_scale(void)
{
    char *svg;

    if (draw(SURPRISES) < 0 || (svg = picture("")) == NULL)
        return;
    const char *w200 = svg_panel(svg, "work", 200), *w50 = svg_panel(svg, "work", 50);
    CHECK(w200 && w50 && svg_attr(w200, "data-x-max") == 9200 &&
              svg_attr(w50, "data-x-max") == 31000,
          "CPU-bound scales: 200 us to %g, 50 us to %g; want 9200 and 31000",
          w200 ? svg_attr(w200, "data-x-max") : NAN,
          w50 ? svg_attr(w50, "data-x-max") : NAN);
    CHECK(w200 && strstr(w200, "scale: 0 to 9.2k") != NULL,
          "the 200 us panel does not print its own scale");
    free(svg);
    clean_up();
}

/* The dasharray of the swatch drawn just before server's label, into
 * out[16]; NULL when the label or its swatch is missing. */
static const char *swatch_of(const char *svg, const char *server, char out[16])
{
    char want[96];
    const char *label, *swatch = NULL;

    out[0] = '\0';
    snprintf(want, sizeof(want), "data-server=\"%s\">%s</text>", server, server);
    if ((label = strstr(svg, want)) == NULL)
        return NULL;
    for (const char *p = svg; (p = strstr(p, "<line class=\"swatch\"")) && p < label; p++)
        swatch = p;
    if (swatch == NULL)
        return NULL;
    sscanf(strstr(swatch, "stroke-dasharray=\"") + 18, "%15[^\"]", out);
    return out;
}

static void the_legend_explains_line_styles(void)
{
    char *svg, one[16], two[16], three[16];

    if (draw(SURPRISES) < 0 || (svg = picture("-lines")) == NULL)
        return;
    CHECK(strstr(svg, "class=\"dashes\"") &&
              strstr(svg, "solid, dashed, dotted"),
          "no legend says what solid, dashed and dotted mean");
    /* Three servers of the event family: solid, dashed, dotted, in order;
     * each label carries the sample its line is drawn with. */
    const char *a = swatch_of(svg, "echoservers", one);
    const char *b = swatch_of(svg, "echoservere", two);
    const char *c = swatch_of(svg, "echoservere (1 loop)", three);
    CHECK(a && b && c && one[0] == '\0' && two[0] && three[0] &&
              strcmp(two, three) != 0,
          "label samples: echoservers '%s', echoservere '%s', (1 loop) '%s'",
          one, two, three);
    char line[64];
    snprintf(line, sizeof(line), "stroke-dasharray=\"%s\" points=", two);
    CHECK(two[0] && strstr(svg, line), "no line drawn with the sample '%s'", two);
    free(svg);
    clean_up();
}

static void notes_say_why_where_the_figures_surprise(void)
{
    char *svg;

    if (draw(SURPRISES) < 0 || (svg = picture("")) == NULL)
        return;
    const char *lines = svg_panel(svg, "lines", 0), *churn = svg_panel(svg, "churn", 0);
    const char *starved = svg_panel(svg, "starved", 64), *mem = svg_panel(svg, "mem", 0);
    CHECK(lines && strstr(lines, "falls below echoservere (1 loop) at 10 clients") &&
              strstr(lines, "class=\"note\"") < strstr(lines, "</g>"),
          "no note under ping-pong that two loops fell below one");
    CHECK(churn && strstr(churn, "the iterative server, tops") &&
              strstr(churn, "class=\"note\"") < strstr(churn, "</g>"),
          "no note under churn that the iterative server tops it");
    CHECK(starved && strstr(starved, "served 16 of the 64 clients"),
          "no note under the starved panel that the pool serves 16");
    CHECK(mem && strstr(mem, "class=\"note\"") > strstr(mem, "</g>"),
          "a note under the memory panel, which holds no surprise");
    free(svg);
    clean_up();
    if (draw(PLAIN) < 0 || (svg = picture("")) == NULL)
        return;
    CHECK(strstr(svg, "class=\"note\"") == NULL,
          "a note where nothing surprises (no loop below one, echoservers "
          "tops churn, nobody starved)");
    free(svg);
    clean_up();
}

static const test_t tests[] = {
    TEST(a_16_9_picture_per_panel_beside_the_tall_one),
    TEST(every_panel_has_its_own_scale),
    TEST(the_legend_explains_line_styles),
    TEST(notes_say_why_where_the_figures_surprise),
};

int main(int argc, char **argv)
{
    return run_tests("slides", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
