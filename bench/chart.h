/*
 * chart.h - the results of a make bench run and the two ways they are
 * drawn: text bars (chart.c) and an SVG file (svg.c).
 */
#ifndef CHART_H
#define CHART_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 16
#define MAX_FIGURES 512

enum { KIND_LINES, KIND_CHURN, KIND_MEM, NKINDS };

typedef struct {
    int kind;      /* KIND_LINES, KIND_CHURN or KIND_MEM */
    int series;    /* index into results_t.series: which server */
    double x;      /* clients */
    double value;  /* lines/s, connections/s or KiB */
} figure_t;

typedef struct {
    char machine[160], date[64];     /* the caption */
    char series[MAX_SERIES][48];     /* server names, in order first seen */
    int nseries;
    figure_t fig[MAX_FIGURES];
    int nfig;
} results_t;

/* Reads a results file (format: chart.c); -1 after a message. */
int results_read(const char *path, results_t *r);
void text_charts(const results_t *r, FILE *out);
void svg_chart(const results_t *r, FILE *out);
/* A figure in few characters ("12.3k"); a static buffer, not reentrant. */
const char *format_figure(double v, int kind);

#endif /* CHART_H */
