/*
 * drawstep.c - one step of make demo drawn as a slide, from the trace its
 * programs wrote (ECHO_TRACE, trace.h): demo/demo.sh --pictures DIR runs
 * it after each step. The picture is the lecture's: client A, the server's
 * threads or processes, client B in columns, time running down (timeline.c,
 * bars.c, arrows.c); the problem steps get their own (problems.c).
 * The step's verdict is the caption, its narration the <desc>.
 * Not a lecture program: it only serves the demo.
 * Usage: demo/drawstep [--kind STEP] [--title T] [--caption C]
 *                      [--narration FILE] TRACE.json OUT.svg
 * STEP is the step's name (demo/demo.sh -l): deadlock, race, livelock and
 * starvation pick their picture; any other draws the timeline.
 */
#include "picture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define USAGE "usage: drawstep [--kind STEP] [--title T] [--caption C] " \
              "[--narration FILE] TRACE.json OUT.svg\n"

typedef struct {
    const char *kind, *title, *caption, *narration, *trace, *svg;
} options_t;

int text_wrapped(FILE *out, const char *cls, int x, int y, int width,
                 int size, const char *text)
{
    int per_line = (int)(width / (0.53 * size));
    char line[256];

    while (*text != '\0') {
        size_t n = strlen(text), cut = n;
        if ((int)n > per_line) {
            cut = (size_t)per_line;
            while (cut > 0 && text[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = (size_t)per_line;
        }
        snprintf(line, sizeof(line), "%.*s", (int)cut, text);
        svg_text(out, cls, x, y, size, line);
        y += size + 5;
        text += cut;
        while (*text == ' ')
            text++;
    }
    return y;
}

/* The labels placed so far (one picture per run). */
#define MAX_LABELS 256
static struct { double x0, y0, x1, y1; } placed[MAX_LABELS];
static int nplaced;

int claim(double x0, double y0, double x1, double y1)
{
    for (int i = 0; i < nplaced; i++)
        if (x0 < placed[i].x1 && x1 > placed[i].x0 && y0 < placed[i].y1 &&
            y1 > placed[i].y0)
            return -1;
    if (nplaced == MAX_LABELS)
        return -1;
    placed[nplaced].x0 = x0;
    placed[nplaced].y0 = y0;
    placed[nplaced].x1 = x1;
    placed[nplaced++].y1 = y1;
    return 0;
}

int legend_text(FILE *out, int x, const char *text)
{
    svg_text(out, "legend", x, LEGEND_Y, TEXT, text);
    return x + (int)(strlen(text) * 0.56 * TEXT) + 34;
}

const char *short_name(const char *name, char *buf, size_t size)
{
    const char *comma = strchr(name, ',');
    snprintf(buf, size, "%.*s", comma ? (int)(comma - name) : (int)strlen(name),
             name);
    return buf;
}

const char *name_of(const trace_t *t, long pid, long tid)
{
    const char *which = tid < 0 ? "process_name" : "thread_name";

    for (size_t i = 0; i < t->n; i++)
        if (t->ev[i].ph == 'M' && t->ev[i].pid == pid &&
            (tid < 0 || t->ev[i].tid == tid) &&
            strcmp(t->ev[i].name, which) == 0)
            return trace_arg_name(&t->ev[i]);
    return "";
}

/* The patterns and arrowheads: hatching says blocked (or a value seen
 * twice), in any colour or none. */
static void defs(FILE *out)
{
    fputs("<defs>\n", out);
    fprintf(out, "<pattern id=\"blocked\" width=\"10\" height=\"10\" "
            "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            "<rect width=\"10\" height=\"10\" fill=\"#fff\"/><rect width=\"4\" "
            "height=\"10\" fill=\"%s\"/></pattern>\n", C_ORANGE);
    fprintf(out, "<pattern id=\"twice\" width=\"12\" height=\"12\" "
            "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(-45)\">"
            "<rect width=\"12\" height=\"12\" fill=\"#fff\"/><rect width=\"3\" "
            "height=\"12\" fill=\"%s\"/></pattern>\n", C_RED);
    arrows_defs(out);
    fputs("</defs>\n", out);
}

/* The whole step, or a problem step's first trial, as a timeline. */
static int draw_timeline(FILE *out, const trace_t *t, const char *kind)
{
    scope_t s = {t, -1, 0, 0};
    timeline_t tl;

    if (strcmp(kind, "livelock") == 0 || strcmp(kind, "starvation") == 0) {
        if (problem_scope(t, kind, &s) < 0)
            return -1;
        problem_story(out, &s, kind);
    } else {
        s.from = t->ev[0].ts;
        for (size_t i = 0; i < t->n; i++)
            if (t->ev[i].ts > s.to)
                s.to = t->ev[i].ts + t->ev[i].dur;
    }
    if (timeline_build(&tl, &s) < 0) {
        timeline_free(&tl);
        return -1;
    }
    timeline_draw(out, &tl);
    unsigned kinds = arrows_draw(out, &tl);
    fprintf(out, "<rect x=\"20\" y=\"%d\" width=\"26\" height=\"22\" fill=\"%s\"/>\n",
            LEGEND_Y - 18, C_BLUE);
    int x = legend_text(out, 54, "running");
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"26\" height=\"22\" "
            "fill=\"url(#blocked)\" stroke=\"%s\"/>\n", x, LEGEND_Y - 18, C_ORANGE);
    x = legend_text(out, x + 34, "blocked, in the call named");
    arrows_legend(out, x, kinds);
    timeline_free(&tl);
    return 0;
}

/* Everything the narration file holds, as one line; or dflt. */
static char *narration(const char *path, const char *dflt)
{
    FILE *f = path != NULL ? fopen(path, "r") : NULL;
    char *text = NULL;
    size_t len = 0;

    if (f != NULL) {
        text = calloc(65537, 1);
        len = text != NULL ? fread(text, 1, 65536, f) : 0;
        fclose(f);
    }
    if (text == NULL || len == 0) {
        free(text);
        return strdup(dflt);
    }
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            text[i] = i + 1 < len ? ' ' : '\0';
    return text;
}

static void draw(const options_t *o, const trace_t *t, FILE *out)
{
    char *desc = narration(o->narration, o->title);
    int rc;

    svg_open(out, PIC_W, PIC_H);
    svg_title_desc(out, o->title, desc);
    free(desc);
    defs(out);
    fprintf(out, "<text class=\"title\" x=\"20\" y=\"36\" font-size=\"28\" "
            "font-weight=\"bold\">");
    svg_escape(out, o->title);
    fputs("</text>\n", out);
    if (strcmp(o->kind, "deadlock") == 0)
        rc = deadlock_draw(out, t);
    else if (strcmp(o->kind, "race") == 0)
        rc = race_draw(out, t);
    else
        rc = draw_timeline(out, t, o->kind);
    if (rc < 0) /* a swapped-in program that never deadlocks, say */
        text_wrapped(out, "story", 20, 200, PIC_W - 40, TEXT + 6,
                     "This run's trace holds nothing of what this step's "
                     "picture draws: no cycle of waits, no trial, no thread.");
    text_wrapped(out, "caption", 20, LEGEND_Y + 34, PIC_W - 40, TEXT, o->caption);
    fputs("</svg>\n", out);
}

static int parse(int argc, char **argv, options_t *o)
{
    int i = 1;

    *o = (options_t){"", "", "", NULL, NULL, NULL};
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--kind") == 0)
            o->kind = argv[i + 1];
        else if (strcmp(argv[i], "--title") == 0)
            o->title = argv[i + 1];
        else if (strcmp(argv[i], "--caption") == 0)
            o->caption = argv[i + 1];
        else if (strcmp(argv[i], "--narration") == 0)
            o->narration = argv[i + 1];
        else
            return -1;
    }
    if (argc - i != 2)
        return -1;
    o->trace = argv[i];
    o->svg = argv[i + 1];
    return 0;
}

int main(int argc, char **argv)
{
    options_t o;
    trace_t t;
    char err[300] = "";
    FILE *out;

    if (parse(argc, argv, &o) < 0) {
        fputs(USAGE, stderr);
        return 2;
    }
    if (trace_read(o.trace, &t, err, sizeof(err)) < 0 || t.n == 0) {
        fprintf(stderr, "drawstep: %s\n", t.n == 0 && !err[0] ? "empty trace" : err);
        return 1;
    }
    if ((out = fopen(o.svg, "w")) == NULL) {
        fprintf(stderr, "drawstep: %s: %s\n", o.svg, strerror(errno));
        return 1;
    }
    draw(&o, &t, out);
    trace_free(&t);
    if (fclose(out) != 0) {
        fprintf(stderr, "drawstep: %s: %s\n", o.svg, strerror(errno));
        return 1;
    }
    return 0;
}
