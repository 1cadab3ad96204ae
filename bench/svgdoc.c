/*
 * svgdoc.c - the SVG every picture of the suite shares; see svgdoc.h.
 */
#include "svgdoc.h"

void svg_escape(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default: fputc(*s, out);
        }
    }
}

void svg_text(FILE *out, const char *cls, int x, int y, int size,
              const char *text)
{
    fputs("<text", out);
    if (cls != NULL)
        fprintf(out, " class=\"%s\"", cls);
    fprintf(out, " x=\"%d\" y=\"%d\" font-size=\"%d\">", x, y, size);
    svg_escape(out, text);
    fputs("</text>\n", out);
}

void svg_open(FILE *out, int width, int height)
{
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
            "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n<rect "
            "width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n", width,
            height, width, height);
}

void svg_title_desc(FILE *out, const char *title, const char *desc)
{
    fputs("<title>", out);
    svg_escape(out, title);
    fputs("</title>\n<desc>", out);
    svg_escape(out, desc);
    fputs("</desc>\n", out);
}
