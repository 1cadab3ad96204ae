/*
 * svgdoc.h - writing SVG by hand, the parts every picture of the suite
 * shares: make bench's charts (svg.c, slides.c) and make demo's pictures
 * (demo/drawstep.c). Plain text out, no library: a picture that pastes
 * into slides and renders offline (no script, no web font).
 */
#ifndef SVGDOC_H
#define SVGDOC_H

#include <stdio.h>

/* Writes s with XML's five special characters escaped. */
void svg_escape(FILE *out, const char *s);
/* A line of text at (x, y) of font size, escaped; cls may be NULL. */
void svg_text(FILE *out, const char *cls, int x, int y, int size,
              const char *text);
/* The picture's opening tag, width by height, on a white ground. */
void svg_open(FILE *out, int width, int height);
/* <title> and <desc>: what a screen reader or a slide's alt text says. */
void svg_title_desc(FILE *out, const char *title, const char *desc);

#endif /* SVGDOC_H */
