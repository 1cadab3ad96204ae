/*
 * picturecheck.c - checks make demo's pictures (demo/drawstep) for
 * tests/test_demo.sh, by their ids and titles, not their geometry:
 *   picturecheck svg STEP.svg STEP.json N
 *     well-formed (svgcheck.h), 16:9, a <title> "Step N: ...", a <desc>,
 *     no script and no web font, no text under 22 px; and it agrees with
 *     the trace: a column "client-X" for each client track "client X" of
 *     the trace and no other, and for each line the trace shows X's
 *     server read, an echo arrow "echo-X-K" (X's K-th line).
 *   picturecheck before STEP.svg ID1 ID2
 *     status 0 when ID1's time comes before ID2's (each is the "at T s"
 *     of its <title>), 1 when not, 2 when one is missing.
 * It prints what it found wrong, a line each.
 */
#include "svgcheck.h"
#include "traceread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int problems;

static void wrong(const char *fmt, const char *a, const char *b)
{
    printf("    ");
    printf(fmt, a, b);
    printf("\n");
    problems++;
}

/* The time in the title of the element with id, or -1. */
static double time_of(const char *svg, const char *id)
{
    char key[80];
    const char *at, *title, *end;

    snprintf(key, sizeof(key), "id=\"%s\"", id);
    if ((at = strstr(svg, key)) == NULL || (title = strstr(at, "<title>")) == NULL)
        return -1;
    end = strstr(title, "</title>");
    for (const char *p = title; end != NULL && (p = strstr(p, " at ")) != NULL &&
                                p < end; p += 4) {
        char *after;
        double t = strtod(p + 4, &after);
        if (after != p + 4 && strncmp(after, " s", 2) == 0)
            return t;
    }
    return -1;
}

static void check_form(const char *svg, const char *path, int step)
{
    char title[48];

    snprintf(title, sizeof(title), "<title>Step %d: ", step);
    if (!svg_well_formed(svg))
        wrong("%s is not well-formed XML%s", path, "");
    if (strstr(svg, "viewBox=\"0 0 1280 720\"") == NULL)
        wrong("%s is not 16:9 (viewBox=\"0 0 1280 720\")%s", path, "");
    if (strstr(svg, title) == NULL)
        wrong("%s has no title \"%s...\"", path, title + 7);
    if (strstr(svg, "<desc>") == NULL || strstr(svg, "<desc></desc>") != NULL)
        wrong("%s has no <desc> (its narration)%s", path, "");
    if (strstr(svg, "<script") != NULL || strstr(svg, "@font-face") != NULL ||
        strstr(svg, "@import") != NULL)
        wrong("%s has a script or a web font%s", path, "");
    for (const char *p = svg; (p = strstr(p, "font-size=\"")) != NULL; p++)
        if (atoi(p + 11) < 22)
            wrong("%s has text under 22 px: %.16s", path, p);
}

/* The client's port ("connected from port") and its tracks' checks. */
static void check_client(const char *svg, const trace_t *t, const trace_event_t *m)
{
    const char *who = trace_arg_name(m) + strlen("client ");
    long port = 0;
    int lines = 0;
    char id[64];

    snprintf(id, sizeof(id), "id=\"client-%s\"", who);
    if (strstr(svg, id) == NULL)
        wrong("no column for client %s (%s)", who, id);
    for (size_t i = 0; i < t->n; i++)
        if (t->ev[i].pid == m->pid && t->ev[i].tid == m->tid &&
            strcmp(t->ev[i].name, "connected from port") == 0)
            port = (long)trace_arg(&t->ev[i], "value", 0);
    for (size_t i = 0; i < t->n && port != 0; i++) {
        const char *conn = json_string(t->ev[i].args, "connection", "");
        const char *colon = strrchr(conn, ':');
        if (t->ev[i].ph != 'X' || strcmp(t->ev[i].name, "line") != 0 ||
            colon == NULL || atol(colon + 1) != port)
            continue;
        snprintf(id, sizeof(id), "echo-%s-%d", who, ++lines);
        if (time_of(svg, id) < 0)
            wrong("the server read a line of %s's, but no arrow %s has a time",
                  who, id);
    }
    snprintf(id, sizeof(id), "id=\"echo-%s-%d\"", who, lines + 1);
    if (strstr(svg, id) != NULL)
        wrong("an echo arrow the trace has no line for: %s%s", id, "");
}

static void check_trace(const char *svg, const char *trace_path)
{
    trace_t t;
    char err[300];
    int clients = 0, columns = 0;

    if (trace_read(trace_path, &t, err, sizeof(err)) < 0) {
        wrong("%s%s", err, "");
        return;
    }
    for (size_t i = 0; i < t.n; i++)
        if (t.ev[i].ph == 'M' && strcmp(t.ev[i].name, "thread_name") == 0 &&
            strncmp(trace_arg_name(&t.ev[i]), "client ", 7) == 0) {
            clients++;
            check_client(svg, &t, &t.ev[i]);
        }
    for (const char *p = svg; (p = strstr(p, "<g id=\"client-")) != NULL; p++)
        columns++;
    if (columns != clients) {
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", columns);
        snprintf(b, sizeof(b), "%d", clients);
        wrong("%s client columns for the trace's %s clients", a, b);
    }
    trace_free(&t);
}

int main(int argc, char **argv)
{
    char *svg = argc >= 3 ? svg_read(argv[2]) : NULL;

    if (argc == 5 && strcmp(argv[1], "svg") == 0) {
        if (svg == NULL) {
            printf("    no picture %s\n", argv[2]);
            return 1;
        }
        check_form(svg, argv[2], atoi(argv[4]));
        check_trace(svg, argv[3]);
    } else if (argc == 5 && strcmp(argv[1], "before") == 0) {
        double t1 = svg ? time_of(svg, argv[3]) : -1;
        double t2 = svg ? time_of(svg, argv[4]) : -1;
        printf("    %s at %.6f s, %s at %.6f s\n", argv[3], t1, argv[4], t2);
        free(svg);
        return t1 < 0 || t2 < 0 ? 2 : t1 < t2 ? 0 : 1;
    } else {
        fputs("usage: picturecheck svg STEP.svg STEP.json N | "
              "before STEP.svg ID1 ID2\n", stderr);
        return 2;
    }
    free(svg);
    return problems > 0;
}
