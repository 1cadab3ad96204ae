/*
 * svgcheck.h - checks an SVG from bench/chart against the results file it
 * was drawn from (tests/test_chart.c): well-formed, every figure plotted
 * where its value says, nothing plotted that was not measured.
 */
#ifndef SVGCHECK_H
#define SVGCHECK_H

/* 1 when every tag of svg closes in order and the root is <svg>; text
 * holds no '>' and '&' only as one of XML's five entities. */
int svg_well_formed(const char *svg);
/* The whole file, NUL-terminated (caller frees), or NULL. */
char *svg_read(const char *path);
/* Records failed checks (testlib's CHECK) for what does not hold; also
 * that every panel says whether higher or lower is better. */
void svg_check_against(const char *svg, const char *results_path);

/* The panel <g> of kind (at x, for the kinds with a panel per x), or NULL. */
const char *svg_panel(const char *svg, const char *kind, double x);
/* The tag of elem ("circle", "rect", "text") for server at x after svg. */
const char *svg_element(const char *svg, const char *elem, const char *server,
                        double x);
/* A numeric attribute of the tag at tag, or NAN. */
double svg_attr(const char *tag, const char *name);
/* Removes the 16:9 pictures bench/chart wrote beside svg_path (for
 * X.svg: every X-*.svg). */
void remove_slides(const char *svg_path);
/* How many times needle occurs in svg. */
int svg_count(const char *svg, const char *needle);

#endif /* SVGCHECK_H */
