/*
 * svgcheck.h - checks an SVG from bench/chart against the results file it
 * was drawn from (tests/test_chart.c): well-formed, every figure plotted
 * where its value says, nothing plotted that was not measured.
 */
#ifndef SVGCHECK_H
#define SVGCHECK_H

/* The whole file, NUL-terminated (caller frees), or NULL. */
char *svg_read(const char *path);
/* Records failed checks (testlib's CHECK) for what does not hold. */
void svg_check_against(const char *svg, const char *results_path);

#endif /* SVGCHECK_H */
