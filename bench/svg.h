/*
 * svg.h - the parts make bench's SVG pictures are drawn from (svg.c), for
 * the two ways they are put together (slides.c): one tall picture of
 * every panel, and one 16:9 picture per panel, for a slide. A layout
 * gives the sizes, so one drawing serves both.
 */
#ifndef SVG_H
#define SVG_H

#include "chart.h"
#include "svgdoc.h"

typedef struct {
    int width;                 /* the picture's width, in pixels */
    int left;                  /* where titles, legends and captions start */
    int plot_left, plot_right; /* the line panel's axis; bars end at plot_right */
    int bar_left;              /* bars start here: room for the names */
    int line_height;           /* the line panel's plot height */
    int row;                   /* a bar's row, at most */
    int title, text, small;    /* font sizes: panel titles, labels, notes */
} layout_t;

/* One panel: a kind, and for the kinds with a panel per x, its x. */
typedef struct {
    int kind;
    double x;
} panel_t;

/* Colour tells the family; within one, the servers differ by dashes:
 * dash_index (0..NDASHES-1) counts the series of s's family before s. */
#define NDASHES 4
extern const char *const family_color[NFAMILIES];
extern const char *const dash_name[NDASHES];
int dash_index(const results_t *r, int s);

/* Every panel the figures call for, in the tall picture's order; returns
 * how many (at most max). */
int panel_list(const results_t *r, panel_t *list, int max);
/* Draws p from top; returns where what follows it may start. avail: the
 * height it may take (0: as much as it needs). */
int panel_draw(FILE *out, const results_t *r, const layout_t *L, panel_t p,
               int top, int avail);

/* What surprises in panel p, in a sentence or two, or NULL (notes.c). */
const char *panel_note(const results_t *r, panel_t p, char *buf, size_t size);

#endif /* SVG_H */
