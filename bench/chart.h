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

enum { KIND_LINES, KIND_CHURN, KIND_MEM, KIND_WORK, KIND_FAIR, KIND_STARVED,
       NKINDS };
/* The lecture's model families, each its own colour; the rest (the
 * reference peers) are baselines, drawn in grey. */
enum { FAMILY_BASELINE, FAMILY_ITERATIVE, FAMILY_PROCESS, FAMILY_EVENT,
       FAMILY_THREAD, NFAMILIES };

typedef struct {
    int kind;      /* KIND_... */
    int series;    /* index into results_t.series: which server */
    double x;      /* clients; for KIND_WORK, microseconds of work per line */
    double value;  /* lines/s, connections/s, KiB, Jain's index or clients */
} figure_t;

typedef struct {
    char machine[160], date[64];     /* the caption */
    int quick;                       /* "# mode: quick": a quick run */
    char series[MAX_SERIES][48];     /* server names, in order first seen */
    int family[MAX_SERIES];          /* FAMILY_..., from "# model:" lines */
    int nseries;
    char model_name[MAX_SERIES][48]; /* "# model: NAME MODEL" lines read */
    int model_family[MAX_SERIES];
    int nmodels;
    figure_t fig[MAX_FIGURES];
    int nfig;
} results_t;

/* Reads a results file (format: chart.c); -1 after a message. */
int results_read(const char *path, results_t *r);
void text_charts(const results_t *r, FILE *out);
/* The tall picture of every panel (svg.c, slides.c). */
void svg_chart(const results_t *r, FILE *out);
/* A 16:9 picture per panel beside tall_path: bench.svg gives
 * bench-lines.svg, bench-work-200.svg, ... Returns 0, or -1 after a
 * message. */
int svg_slides(const results_t *r, const char *tall_path);
/* A figure in few characters ("12.3k"); a static buffer, not reentrant. */
const char *format_figure(double v, int kind);
/* Each kind's name in the results file, what it shows in words, and
 * whether more of it is better. */
extern const char *const kind_name[NKINDS];
extern const char *const kind_title[NKINDS];
int higher_is_better(int kind);
/* The family names, as tests/servers.txt spells them ("event"). */
extern const char *const family_name[NFAMILIES];

#endif /* CHART_H */
