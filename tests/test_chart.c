/*
 * test_chart.c - make bench's pictures tell the truth: the SVG that
 * bench/chart writes is well-formed XML, and every figure of the results
 * file is plotted where its value says (a point on the line chart, on a
 * linear axis when the figures differ by a few times and a log one when
 * they differ by far more; a bar of the right length, in the CPU-bound
 * and fairness panels too), with nothing plotted that was not measured;
 * colour tells the model's family, each line is labelled at its end,
 * every panel says which way is better, a quick run says so, and a kind
 * with no figure has no panel; the text bars carry the same figures; the
 * report's tables tell n/a from - and leave out a table with no row; and
 * a real (tiny) make bench run draws what it measured.
 * Run: tests/bin/test_chart [test_name...]
 */
#include "testlib.h"
#include "svgcheck.h"

#include <math.h>
#include <sys/stat.h>

#define RESULTS "# machine: Linux test & co, 2 CPUs\n"                        \
                "# date: 2026-12-01\n"                                        \
                "# model: echoservers event\n"                                \
                "# model: echoservert thread\n"                               \
                "# model: echoserverp process\n"                              \
                "lines\techoservers\t1\t25000\n"                              \
                "lines\techoservers\t10\t91000\n"                             \
                "lines\tbookecho (1024 threads)\t1\t20500\n"                  \
                "lines\tbookecho (1024 threads)\t100\t61000\n"                \
                "churn\techoserverp\t1\t2100\n"                               \
                "churn\techoservers\t50\t15000\n"                             \
                "mem\techoservers\t1000\t0.35\n"                              \
                "mem\techoservert <&>\t1000\t12.5\n"                          \
                "work\techoservers\t200\t4800\n"                             \
                "work\techoservert <&>\t200\t9100\n"                         \
                "work\techoservers\t50\t17000\n"                             \
                "fair\techoservers\t64\t0.999\n"                             \
                "fair\techoserverp\t64\t0.25\n"                              \
                "starved\techoservers\t64\t0\n"                              \
                "starved\techoserverp\t64\t48\n"

/* Writes text to a fresh file; returns its path (static). */
static const char *write_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/test_chart.%d.tsv", (int)getpid());
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        skip_test("cannot write a file in /tmp");
    return path;
}

/* Runs bench/bin/chart with args; returns its result (caller frees). */
static void run_chart(char *a1, char *a2, char *a3, run_result_t *r)
{
    char *argv[] = {"bench/bin/chart", a1, a2, a3, NULL};
    run_program(argv, NULL, 0, 5000, r);
}

/* Draws text as a results file into a fresh SVG; returns it (caller
 * frees) or NULL after a failed check. With kept, the results file stays
 * and *kept names it (the caller unlinks it); else it is removed. */
static char *draw(const char *text, const char **kept)
{
    const char *in = write_file(text);
    char out[80];
    run_result_t r;

    snprintf(out, sizeof(out), "%s.svg", in);
    run_chart("-o", out, (char *)in, &r);
    CHECK(r.status == 0, "bench/bin/chart -o exited %d: %s", r.status, r.err.data);
    run_result_free(&r);
    char *svg = svg_read(out);
    CHECK(svg != NULL, "no SVG written to %s", out);
    if (kept != NULL)
        *kept = in;
    else
        unlink(in);
    unlink(out);
    remove_slides(out);
    return svg;
}

static void chart_plots_every_figure_where_its_value_says(void)
{
    const char *in;
    char *svg = draw(RESULTS, &in);

    if (svg != NULL) {
        svg_check_against(svg, in);
        CHECK(strstr(svg, "Linux test &amp; co, 2 CPUs") &&
              strstr(svg, "2026-12-01"), "the caption lacks the machine or date");
        free(svg);
    }
    unlink(in);
}

static void chart_text_bars_carry_the_figures(void)
{
    const char *in = write_file(RESULTS);
    run_result_t r;

    run_chart("-t", (char *)in, NULL, &r);
    CHECK(r.status == 0, "bench/bin/chart -t exited %d: %s", r.status, r.err.data);
    const char *want[] = {"25.0k", "91.0k", "20.5k", "61.0k", "2.1k",
                          "15.0k", "0.35 KiB", "12.50 KiB"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        CHECK(strstr(r.out.data, want[i]) != NULL, "no \"%s\" in the bars:\n%s",
              want[i], r.out.data);
    int widest = 0;
    for (char *line = r.out.data; line != NULL && *line != '\0';) {
        char *end = strchr(line, '\n');
        int len = end ? (int)(end - line) : (int)strlen(line);
        widest = len > widest ? len : widest;
        line = end ? end + 1 : NULL;
    }
    CHECK(widest <= 100, "a line of the bars is %d columns wide, want <= 100",
          widest);
    run_result_free(&r);
    unlink(in);
}

static void chart_refuses_a_malformed_results_file(void)
{
    const char *in = write_file("lines\techoservers\tten\n");
    run_result_t r;

    run_chart("-t", (char *)in, NULL, &r);
    CHECK(r.status == 1 && strstr(r.err.data, "not a figure"),
          "status %d, stderr \"%s\"; want 1 and \"not a figure\"", r.status,
          r.err.data);
    run_result_free(&r);
    run_chart("-x", NULL, NULL, &r);
    CHECK(r.status == 2, "bad usage: status %d, want 2", r.status);
    run_result_free(&r);
    unlink(in);
}

/* The fill="..." of the tag at tag, into fill[16] ("" when none). */
static void fill_of(const char *tag, char fill[16])
{
    const char *at = tag ? strstr(tag, " fill=\"") : NULL;

    fill[0] = '\0';
    if (at != NULL && at < strchr(tag, '>'))
        sscanf(at + 7, "%15[^\"]", fill);
}

/* One colour per family, on the lines and the bars alike; baselines grey. */
static void chart_colours_each_family_alike_and_baselines_grey(void)
{
    char *svg = draw(RESULTS, NULL);
    char s_point[16], s_bar[16], t_bar[16], p_bar[16], base[16];

    if (svg == NULL)
        return;
    fill_of(svg_element(svg, "circle", "echoservers", 1), s_point);
    fill_of(svg_element(svg_panel(svg, "churn", 0), "rect", "echoservers", 50), s_bar);
    fill_of(svg_element(svg_panel(svg, "work", 200), "rect", "echoservert <&>", 200), t_bar);
    fill_of(svg_element(svg_panel(svg, "fair", 64), "rect", "echoserverp", 64), p_bar);
    fill_of(svg_element(svg, "circle", "bookecho (1024 threads)", 1), base);
    CHECK(s_point[0] && strcmp(s_point, s_bar) == 0,
          "echoservers: point %s, bar %s: want one colour", s_point, s_bar);
    CHECK(t_bar[0] && p_bar[0] && strcmp(s_bar, t_bar) != 0 &&
              strcmp(s_bar, p_bar) != 0 && strcmp(t_bar, p_bar) != 0,
          "event %s, thread %s, process %s: want three colours", s_bar, t_bar,
          p_bar);
    CHECK(strcmp(base, "#9a9a9a") == 0, "the baseline is %s, want grey #9a9a9a",
          base);
    free(svg);
}

/* Each line's name sits just right of its last point (the most clients),
 * after a sample of its line style. */
static void chart_labels_each_line_at_its_end(void)
{
    char *svg = draw(RESULTS, NULL);
    static const struct { const char *name, *escaped; double last_x; } lines[] = {
        {"echoservers", "echoservers", 10},
        {"bookecho (1024 threads)", "bookecho (1024 threads)", 100},
    };

    if (svg == NULL)
        return;
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        const char *point = svg_element(svg, "circle", lines[i].name, lines[i].last_x);
        char key[96];
        snprintf(key, sizeof(key), "data-server=\"%s\">", lines[i].escaped);
        const char *label = strstr(svg, key);
        while (label != NULL && label > svg && *label != '<')
            label--;
        CHECK(point != NULL && label != NULL &&
                  strncmp(label, "<text class=\"label\"", 19) == 0 &&
                  svg_attr(label, "x") - svg_attr(point, "cx") >= 8 &&
                  svg_attr(label, "x") - svg_attr(point, "cx") < 40 &&
                  fabs(svg_attr(label, "y") - svg_attr(point, "cy")) < 30,
              "%s: no label beside its last point", lines[i].name);
    }
    free(svg);
}

/* RESULTS' lines differ by 4.5x: a linear axis from 0. 100 to 1,000,000
 * lines/s: a log one. Either way each point sits where its value says. */
static void chart_axis_is_linear_unless_figures_differ_by_far_more(void)
{
    char *svg = draw(RESULTS, NULL);
    if (svg != NULL) {
        const char *g = svg_panel(svg, "lines", 0);
        CHECK(g && strncmp(strstr(g, "data-scale=") + 12, "linear", 6) == 0 &&
                  svg_attr(g, "data-y-min") == 0,
              "figures 4.5x apart: want a linear axis from 0");
        free(svg);
    }
    const char *in;
    svg = draw("lines\tepollecho\t1\t100\nlines\tepollecho\t1000\t1000000\n", &in);
    if (svg != NULL) {
        const char *g = svg_panel(svg, "lines", 0);
        CHECK(g && strncmp(strstr(g, "data-scale=") + 12, "log", 3) == 0,
              "figures 10,000x apart: want a log axis");
        svg_check_against(svg, in);
        free(svg);
    }
    unlink(in);
}

/* CPU-bound: a panel per work value; fairness: the index from 0 to 1 and
 * the starved count, each bar where its figure says (svg_check_against),
 * and every panel, the new ones too, says which way is better. */
static void chart_draws_the_cpu_bound_and_fairness_panels(void)
{
    char *svg = draw(RESULTS, NULL);

    if (svg == NULL)
        return;
    const char *w200 = svg_panel(svg, "work", 200), *w50 = svg_panel(svg, "work", 50);
    const char *fair = svg_panel(svg, "fair", 64), *starved = svg_panel(svg, "starved", 64);
    CHECK(w200 && w50 && fair && starved, "a panel is missing: work 200 %s, "
          "work 50 %s, fair %s, starved %s", w200 ? "yes" : "no",
          w50 ? "yes" : "no", fair ? "yes" : "no", starved ? "yes" : "no");
    CHECK(fair && svg_attr(fair, "data-x-max") == 1,
          "the fairness index's scale is not 0 to 1");
    CHECK(starved && strstr(starved, "lower is better") &&
              strstr(starved, "lower is better") < strstr(starved, "</g>"),
          "the starved panel does not say lower is better");
    CHECK(w200 && strstr(w200, "higher is better") < strstr(w200, "</g>"),
          "the CPU-bound panel does not say higher is better");
    free(svg);
}

/* A quick run says so; a full one does not; a kind with no figure has no
 * panel (the quick fixture has lines only). */
static void chart_says_a_quick_run_and_leaves_out_empty_panels(void)
{
    char *svg = draw("# mode: quick\nlines\techoservers\t1\t25000\n", NULL);

    if (svg != NULL) {
        CHECK(strstr(svg, "class=\"quick\"") && strstr(svg, "bench-quick (a quick run)"),
              "a quick run's chart does not say it is one");
        CHECK(svg_count(svg, "<g class=\"panel\"") == 1 &&
                  svg_panel(svg, "work", 200) == NULL,
              "panels without figures were drawn");
        free(svg);
    }
    svg = draw(RESULTS, NULL);
    if (svg != NULL) {
        CHECK(strstr(svg, "quick") == NULL, "a full run's chart says quick");
        free(svg);
    }
}

/* Writes text to dir/name. */
static void put_file(const char *dir, const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        skip_test("cannot write a file in /tmp");
}

/*
 * The report's tables: "n/a" where a scenario does not apply (the
 * iterative server under 50 clients), "-" where it was not measured, and
 * a table with no row at all (fairness, here) left out.
 */
static void report_tells_na_from_not_measured_and_leaves_out_empty_tables(void)
{
    char dir[64];
    run_result_t r;

    snprintf(dir, sizeof(dir), "/tmp/test_chart_report.%d", (int)getpid());
    mkdir(dir, 0700);
    put_file(dir, "results.tsv", "# mode: quick\nlines\techoservers\t1\t25000\n");
    put_file(dir, "figures.tsv",
             "echoserveri\tlines_1\t30000\n"
             "echoserveri\twork_lines_200\tn/a\n"
             "echoserveri\twork_cores_200\tn/a\n"
             "echoservers\tlines_1\t25000\n"
             "echoservers\twork_lines_200\t4800\n"
             "echoservers\twork_cores_200\t0.99\n");
    char *argv[] = {"/bin/sh", "bench/report.sh", dir, "quick", "1", "500", "0", NULL};
    run_program(argv, NULL, 0, 10000, &r);
    CHECK(r.status == 0, "bench/report.sh exited %d: %s", r.status, r.err.data);
    const char *out = r.out.data ? r.out.data : "";
    CHECK(strstr(out, "| echoserveri | n/a | n/a | - | - |") != NULL,
          "no \"| echoserveri | n/a | n/a | - | - |\" row:\n%s", out);
    CHECK(strstr(out, "| echoservers | 4.8k | 0.99 | - | - |") != NULL,
          "no \"| echoservers | 4.8k | 0.99 | - | - |\" row:\n%s", out);
    CHECK(strstr(out, "Fairness: 64 clients") == NULL && strstr(out, "50 us of CPU") == NULL,
          "a table with no row was printed:\n%s", out);
    CHECK(strstr(out, "quick run") != NULL, "a quick run's report does not say so");
    run_result_free(&r);
    put_file(dir, "results.tsv", "");
    char path[128];
    snprintf(path, sizeof(path), "%s/results.tsv", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/figures.tsv", dir);
    unlink(path);
    rmdir(dir);
}

/*
 * make bench's own run, as small as it gets (bench/run.sh test: two
 * servers, ping-pong at 10 clients for 1 s): its SVG holds exactly the
 * figures the run recorded, where they belong, and its report shows them.
 */
static void bench_run_draws_what_it_measured(void)
{
    char dir[64], results[96], svgpath[96];
    run_result_t r;

    snprintf(dir, sizeof(dir), "/tmp/test_chart_run.%d", (int)getpid());
    setenv("BENCH_OUT", dir, 1);
    char *argv[] = {"/bin/sh", "bench/run.sh", "test", NULL};
    run_program(argv, NULL, 0, 60000, &r);
    unsetenv("BENCH_OUT");
    CHECK(r.status == 0, "bench/run.sh test exited %d: %s", r.status, r.err.data);
    snprintf(results, sizeof(results), "%s/results.tsv", dir);
    snprintf(svgpath, sizeof(svgpath), "%s/bench.svg", dir);
    char *svg = svg_read(svgpath);
    if (CHECK(svg != NULL, "no %s after the run", svgpath)) {
        svg_check_against(svg, results);
        CHECK(strstr(svg, "data-server=\"echoservers\"") &&
              strstr(svg, "data-server=\"echoservert\""),
              "the chart lacks one of the two servers run");
        free(svg);
    }
    CHECK(strstr(r.out.data, "| echoservers |") && strstr(r.out.data, "10 clients"),
          "the report has no echoservers row at 10 clients:\n%s", r.out.data);
    /* The report is kept in BENCH_OUT too, the same as it was shown. */
    char reportpath[96];
    snprintf(reportpath, sizeof(reportpath), "%s/report.txt", dir);
    char *report = svg_read(reportpath);
    CHECK(report != NULL && strcmp(report, r.out.data) == 0,
          "%s is missing or differs from the report on stdout", reportpath);
    free(report);
    unlink(reportpath);
    run_result_free(&r);
    unlink(results);
    unlink(svgpath);
    remove_slides(svgpath);
    snprintf(results, sizeof(results), "%s/figures.tsv", dir);
    unlink(results);
    rmdir(dir);
}

static const test_t tests[] = {
    TEST(bench_run_draws_what_it_measured),
    TEST(chart_plots_every_figure_where_its_value_says),
    TEST(chart_text_bars_carry_the_figures),
    TEST(chart_refuses_a_malformed_results_file),
    TEST(chart_colours_each_family_alike_and_baselines_grey),
    TEST(chart_labels_each_line_at_its_end),
    TEST(chart_axis_is_linear_unless_figures_differ_by_far_more),
    TEST(chart_draws_the_cpu_bound_and_fairness_panels),
    TEST(chart_says_a_quick_run_and_leaves_out_empty_panels),
    TEST(report_tells_na_from_not_measured_and_leaves_out_empty_tables),
};

int main(int argc, char **argv)
{
    return run_tests("chart", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
