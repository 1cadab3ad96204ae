/*
 * test_chart.c - make bench's pictures tell the truth: the SVG that
 * bench/chart writes is well-formed XML, and every figure of the results
 * file is plotted where its value says (a point on the log-scale line
 * chart, a bar of the right length), with nothing plotted that was not
 * measured; the text bars carry the same figures; and a real (tiny)
 * make bench run draws what it measured.
 * Run: tests/bin/test_chart [test_name...]
 */
#include "testlib.h"
#include "svgcheck.h"

#define RESULTS "# machine: Linux test & co, 2 CPUs\n"                        \
                "# date: 2026-12-01\n"                                        \
                "lines\techoservers\t1\t25000\n"                              \
                "lines\techoservers\t10\t91000\n"                             \
                "lines\tbookecho (1024 threads)\t1\t20500\n"                  \
                "lines\tbookecho (1024 threads)\t100\t61000\n"                \
                "churn\techoserverp\t1\t2100\n"                               \
                "churn\techoservers\t50\t15000\n"                             \
                "mem\techoservers\t1000\t0.35\n"                              \
                "mem\techoservert <&>\t1000\t12.5\n"

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

static void chart_plots_every_figure_where_its_value_says(void)
{
    const char *in = write_file(RESULTS);
    char out[80];
    run_result_t r;

    snprintf(out, sizeof(out), "%s.svg", in);
    run_chart("-o", out, (char *)in, &r);
    CHECK(r.status == 0, "bench/bin/chart -o exited %d: %s", r.status, r.err.data);
    run_result_free(&r);
    char *svg = svg_read(out);
    if (!CHECK(svg != NULL, "no SVG written to %s", out))
        return;
    svg_check_against(svg, in);
    CHECK(strstr(svg, "Linux test &amp; co, 2 CPUs") &&
          strstr(svg, "2026-12-01"), "the caption lacks the machine or date");
    free(svg);
    unlink(in);
    unlink(out);
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
    run_result_free(&r);
    unlink(results);
    unlink(svgpath);
    snprintf(results, sizeof(results), "%s/figures.tsv", dir);
    unlink(results);
    rmdir(dir);
}

static const test_t tests[] = {
    TEST(bench_run_draws_what_it_measured),
    TEST(chart_plots_every_figure_where_its_value_says),
    TEST(chart_text_bars_carry_the_figures),
    TEST(chart_refuses_a_malformed_results_file),
};

int main(int argc, char **argv)
{
    return run_tests("chart", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
