/*
 * slides.c - make bench's pictures put together from the panels of
 * svg.c: one tall picture of every panel (bench.svg), and one 16:9
 * picture per panel beside it (bench-lines.svg, bench-work-200.svg, ...),
 * 1280x720 with text large enough for a projector, to go on a slide as
 * it is. Each has the legends, the panel's own scale, its note, and the
 * caption naming the machine and the date. See chart.c.
 */
#include "svg.h"

/* The tall picture: every panel, one under the other. */
static const layout_t tall = {
    .width = 960, .left = 30, .plot_left = 90, .plot_right = 700,
    .bar_left = 300, .line_height = 330, .row = 18,
    .title = 16, .text = 12, .small = 12,
};
/* A slide: one panel on 1280x720, read from the back of a lecture hall. */
#define SLIDE_HEIGHT 720
static const layout_t slide = {
    .width = 1280, .left = 40, .plot_left = 150, .plot_right = 960,
    .bar_left = 430, .line_height = 400, .row = 40,
    .title = 28, .text = 20, .small = 18,
};

/* ---- Legends and the frame ---- */

/* Whether the figures hold a line panel. */
static int family_lines(const results_t *r)
{
    for (int i = 0; i < r->nfig; i++)
        if (r->fig[i].kind == KIND_LINES)
            return 1;
    return 0;
}

/* Whether family fam has a figure in panel only (any panel: NULL). */
static int family_shown(const results_t *r, int fam, const panel_t *only)
{
    for (int i = 0; i < r->nfig; i++) {
        const figure_t *f = &r->fig[i];
        if (r->family[f->series] == fam &&
            (only == NULL || (f->kind == only->kind &&
                              (f->kind < KIND_WORK || f->x == only->x))))
            return 1;
    }
    return 0;
}

/* The legends, from top: the colours of the families in panel only (all
 * panels: NULL), and the line styles where the line panel is drawn.
 * Returns the bottom. */

static int legends(FILE *out, const results_t *r, const layout_t *L, int top,
                   const panel_t *only)
{
    int lines = only ? only->kind == KIND_LINES : family_lines(r);
    int x = L->left, y = top + L->text;

    svg_text(out, NULL, x, y, L->text, "Colour: the model's family:");
    x += L->text * 14;
    for (int fam = 0; fam < NFAMILIES; fam++) {
        if (!family_shown(r, fam, only))
            continue;
        fprintf(out, "<rect class=\"family\" x=\"%d\" y=\"%d\" width=\"%d\" "
                "height=\"%d\" fill=\"%s\"/>\n", x, y - L->text * 4 / 5,
                L->text, L->text, family_color[fam]);
        svg_text(out, NULL, x + L->text * 4 / 3, y, L->text, family_name[fam]);
        x += L->text * 7; /* one slot each, as wide as "iterative" */
    }
    if (!lines)
        return y + 6;
    /* The dashes in use: one per server of the largest family. */
    int used = 1;
    for (int s = 0; s < r->nseries; s++)
        if (dash_index(r, s) + 1 > used)
            used = dash_index(r, s) + 1;
    char text[160] = "Line style: which server of a family, in order:";
    for (int k = 0; k < used; k++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s %s",
                 k ? "," : "", dash_name[k]);
    strncat(text, " (a sample by each name)", sizeof(text) - strlen(text) - 1);
    y += L->text + 8;
    svg_text(out, "dashes", L->left, y, L->text, text);
    return y + 6;
}

/* The caption at y: what ran, on which machine, when; above it, for a
 * quick run, that its figures are rough. */
static void svg_caption(FILE *out, const results_t *r, const layout_t *L, int y)
{
    char text[300];

    if (r->quick)
        svg_text(out, "quick", L->left, y - L->small - 6, L->small,
                 "A quick run (make bench-quick): 1 s scenarios, fewer of "
                 "them; rough figures");
    snprintf(text, sizeof(text), "%s on %s, %s",
             r->quick ? "make bench-quick (a quick run)" : "make bench",
             r->machine[0] ? r->machine : "an unnamed machine",
             r->date[0] ? r->date : "undated");
    svg_text(out, "caption", L->left, y, L->small, text);
}

void svg_chart(const results_t *r, FILE *out)
{
    char *body = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&body, &len);
    panel_t list[MAX_FIGURES];
    int n = panel_list(r, list, MAX_FIGURES), y;

    if (mem == NULL) { /* no memory: an empty picture says so */
        fputs("<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n", out);
        return;
    }
    /* Drawn first, so the picture's height is known before its header. */
    y = legends(mem, r, &tall, 0, NULL) + 24;
    for (int i = 0; i < n; i++)
        y = panel_draw(mem, r, &tall, list[i], y, 0) + 40;
    fclose(mem);
    svg_open(out, tall.width, y + 10);
    fwrite(body, 1, len, out);
    free(body);
    svg_caption(out, r, &tall, y - 5);
    fputs("</svg>\n", out);
}

/* One panel as a slide. */
static void slide_of(const results_t *r, panel_t p, FILE *out)
{
    int top;

    svg_open(out, slide.width, SLIDE_HEIGHT);
    top = legends(out, r, &slide, 0, &p) + 14;
    panel_draw(out, r, &slide, p, top, SLIDE_HEIGHT - top - 40);
    svg_caption(out, r, &slide, SLIDE_HEIGHT - 12);
    fputs("</svg>\n", out);
}

int svg_slides(const results_t *r, const char *tall_path)
{
    panel_t list[MAX_FIGURES];
    int n = panel_list(r, list, MAX_FIGURES);
    size_t stem = strlen(tall_path);
    char path[1024];

    if (stem > 4 && strcmp(tall_path + stem - 4, ".svg") == 0)
        stem -= 4;
    for (int i = 0; i < n; i++) {
        if (list[i].kind >= KIND_WORK) /* a panel per x */
            snprintf(path, sizeof(path), "%.*s-%s-%g.svg", (int)stem,
                     tall_path, kind_name[list[i].kind], list[i].x);
        else
            snprintf(path, sizeof(path), "%.*s-%s.svg", (int)stem, tall_path,
                     kind_name[list[i].kind]);
        FILE *out = fopen(path, "w");
        if (out == NULL) {
            fprintf(stderr, "chart: cannot write %s: %s\n", path, strerror(errno));
            return -1;
        }
        slide_of(r, list[i], out);
        if (fclose(out) != 0) {
            fprintf(stderr, "chart: cannot write %s: %s\n", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}
