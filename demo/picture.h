/*
 * picture.h - what the parts of demo/drawstep share: the slide's frame
 * (drawstep.c), the timeline of actors in columns (timeline.c, arrows.c)
 * and the problem steps' own pictures (problems.c). A picture is drawn
 * from a trace (traceread.h) in the 1280 x 720 frame below.
 */
#ifndef PICTURE_H
#define PICTURE_H

#include "bench/svgdoc.h"
#include "tests/traceread.h"

/* The slide: 16:9; text is 22 px or more, for a projector. */
#define PIC_W 1280
#define PIC_H 720
#define TEXT 22
#define PLOT_TOP 118    /* below the title and the column headers */
#define PLOT_BOTTOM 596 /* above the legend and the caption */
#define LEGEND_Y 628

/* The Okabe-Ito palette (colour-blind safe); each use also has a pattern,
 * a line style or a label, so no colour carries meaning alone. */
#define C_BLACK "#000000"
#define C_ORANGE "#E69F00"
#define C_SKY "#56B4E9"
#define C_GREEN "#009E73"
#define C_BLUE "#0072B2"
#define C_RED "#D55E00" /* vermillion */
#define C_PURPLE "#CC79A7"

#define MAX_ACTORS 16

/* A column: a thread of one process, from its thread_name. */
typedef struct {
    long pid, tid;
    char label[64];  /* its header: "client A", "thread for B" */
    char process[32]; /* its process's name, where labels alone are alike */
    char who[16];    /* a client's name ("A"), else "" */
    long port;       /* a client's own port, else 0 */
    double first, last; /* its first and last event (us) */
    int x;           /* its centre */
} actor_t;

/* Where a picture draws from: the trace, and the part of it shown. */
typedef struct {
    const trace_t *t;
    long pid;           /* only this process (-1: all) */
    double from, to;    /* only events in [from, to] (us) */
} scope_t;

/* The time axis: the times events happen (keys), each at a y, in order;
 * a long idle gap between two keys is compressed to a band. */
typedef struct {
    double *t, *y;
    unsigned char *cut; /* the gap after key i is compressed */
    size_t n;
    double origin;      /* time 0 s in the margin: the scope's start */
} timemap_t;

typedef struct {
    scope_t s;
    actor_t a[MAX_ACTORS];
    int n;
    int more;           /* threads left out for want of room */
    timemap_t tm;
} timeline_t;

/* ---- drawstep.c: the frame ---- */
/* A line of text wrapped at spaces into lines of at most width px at
 * size; returns the y below the last line. */
int text_wrapped(FILE *out, const char *cls, int x, int y, int width,
                 int size, const char *text);
/* A legend entry at x: a sample (written by the caller before) then
 * the text; returns the x where the next may start. */
int legend_text(FILE *out, int x, const char *text);
/* A thread's name without its explanation ("thread 1, at the same time"
 * -> "thread 1"), into buf. */
const char *short_name(const char *name, char *buf, size_t size);
/* The thread_name / process_name of (pid, tid) (tid -1: the process). */
const char *name_of(const trace_t *t, long pid, long tid);

/* Claims the box (x0, y0)-(x1, y1) for a label: 0 if no label drawn
 * before overlaps it; -1 (and no claim) if one does. */
int claim(double x0, double y0, double x1, double y1);

/* ---- timeline.c ---- */
/* Finds the actors in scope, orders them (first client, the server's
 * threads, the other clients) and maps their time; 0, or -1 if none. */
int timeline_build(timeline_t *tl, const scope_t *s);
void timeline_free(timeline_t *tl);
/* y of time ts (us). */
double time_y(const timemap_t *tm, double ts);
/* Draws the headers, time margin, bars; then arrows.c draws on top. */
void timeline_draw(FILE *out, const timeline_t *tl);
/* The actor of (pid, tid), or NULL. */
const actor_t *actor_of(const timeline_t *tl, long pid, long tid);
/* A moment us after the origin, in the unit a span calls for: seconds,
 * or ms or us for a picture of a few milliseconds. */
void fmt_time(char *buf, size_t size, double us, double span);
/* "1.27 s" from an interval in us: ms below a second. */
void fmt_dur(char *buf, size_t size, double us);

/* ---- arrows.c: connect, data and echo between the columns ---- */
/* Returns which kinds it drew, for the legend (bit 1 << kind). */
unsigned arrows_draw(FILE *out, const timeline_t *tl);
void arrows_legend(FILE *out, int x, unsigned kinds);
/* The arrowheads (markers "head-KIND"), inside <defs>. */
void arrows_defs(FILE *out);

/* ---- problems.c ---- */
/* The scope of a problem step's first trial (livelock, starvation). */
int problem_scope(const trace_t *t, const char *kind, scope_t *s);
/* A line under the title that says what that trial shows. */
void problem_story(FILE *out, const scope_t *s, const char *kind);
/* Deadlock's wait-for graph; race's table. 0, or -1 if the trace lacks
 * what they draw. */
int deadlock_draw(FILE *out, const trace_t *t);
int race_draw(FILE *out, const trace_t *t);

#endif /* PICTURE_H */
