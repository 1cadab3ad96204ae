/*
 * result.c - what a check says of itself while it runs: its verdict
 * (fail, unfail, fail_from) and its detail lines (note, merge_details,
 * the server's last lines), wrapped to 80 columns. report.c prints them.
 */
#include "echocheck.h"

/* Appends one detail line, wrapped at word boundaries to fit 80
 * columns (continuations indented by 2 more), to r. */
static void vappend(result_t *r, const char *fmt, va_list ap)
{
    char line[1024];
    const char *p = line;

    vsnprintf(line, sizeof(line), fmt, ap);
    for (int first = 1; first || *p; first = 0) {
        const char *indent = first ? "    " : "      ";
        size_t width = 76 - strlen(indent) + 4, n = strlen(p);
        if (n > width) {
            n = width;
            while (n > 20 && p[n] != ' ')
                n--;
            if (p[n] != ' ')
                n = width;
        }
        size_t room = sizeof(r->detail) - r->len, shown = n;
        while (shown > 0 && p[shown - 1] == ' ')
            shown--;
        int w = snprintf(r->detail + r->len, room, "%s%.*s\n", indent,
                         (int)shown, p);
        if (w < 0 || (size_t)w >= room)
            return;
        r->len += (size_t)w;
        p += n;
        while (*p == ' ')
            p++;
    }
}

void fail(result_t *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (!r->failed)
        vsnprintf(r->summary, sizeof(r->summary), fmt, ap);
    else
        vappend(r, fmt, ap);
    va_end(ap);
    r->failed = 1;
}

void unfail(result_t *r, const char *label)
{
    result_t was = *r;

    if (!r->failed)
        return;
    r->failed = 0, r->len = 0, r->detail[0] = '\0';
    r->cause = CAUSE_NONE;
    note(r, "%s: %s", label, was.summary);
    merge_details(r, &was);
}

void note(result_t *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vappend(r, fmt, ap);
    va_end(ap);
}

void merge_details(result_t *r, const result_t *from)
{
    if (r->len + from->len < sizeof(r->detail)) {
        memcpy(r->detail + r->len, from->detail, from->len + 1);
        r->len += from->len;
    }
}

void fail_from(result_t *r, const char *what, const result_t *from)
{
    fail(r, "%s: %s", what, from->summary);
    merge_details(r, from);
    r->seen |= from->seen; /* its evidence, for the cause */
}

void note_last_lines(result_t *r, instance_t *in)
{
    note_output(r, &in->out);
}
