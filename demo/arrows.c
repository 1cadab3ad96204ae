/*
 * arrows.c - what passes between the timeline's columns: a client's
 * connect to the thread that accepted it, each line it sends to the
 * thread that read it, each echo back, and each hand-off of a connection
 * (fork, pthread_create, the buffer). A client is paired with its
 * connection by its own port (its "connected from port" mark is the port
 * the server's "connection HOST:PORT" names); its k-th line sent is the
 * k-th line the server read on that connection. An arrow's id names its
 * line ("echo-B-1": client B's first line) and its title gives its time,
 * so a reader (or a test) can tell which came first. A wait that tells
 * the story (20 ms or more) is written on the arrow.
 */
#include "picture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BAR_HALF 13        /* bars.c's BAR / 2 */
#define MIN_SLANT 16.0     /* px down, at least, so an arrow never lies flat */
#define TELLING_US 20000.0 /* a latency worth writing on its arrow */
#define MAX_LINES 64       /* a client's lines drawn, at most */

/* The arrow kinds: colour, dashes (so the colour is never alone). */
static const struct {
    const char *cls, *color, *dash, *legend, *text; /* text: its labels' */
} kinds[] = {
    {"connect", C_PURPLE, "3 6", "connect", "#8a3f6b"},
    {"line", C_BLACK, "", "line sent", C_BLACK},
    {"echo", C_GREEN, "12 6", "echo", "#006e50"},
    {"handoff", C_SKY, "12 4 3 4", "hand-off", "#1f6d99"},
};
enum { CONNECT, LINE, ECHO, HANDOFF };

static unsigned drawn; /* the kinds drawn, for the legend */

/* A label over the arrow's middle: one line if the arrow is long enough,
 * else head over tail; left out where another label already is. */
static void label(FILE *out, int kind, double x0, double y0, double x1,
                  double y1, const char *head, const char *tail)
{
    double one = (strlen(head) + 1 + strlen(tail)) * 0.56 * TEXT;
    double two = fmax(strlen(head), strlen(tail)) * 0.56 * TEXT;
    int lines = one <= fabs(x1 - x0) * 0.9 ? 1 : 2;
    double w = lines == 1 ? one : two, h = lines * (TEXT + 4);
    double mx;
    /* An echo's label under it, the others' over (the two arrows of a
     * late client run side by side), at the middle or nearer the end;
     * else on the other side: wherever no other label is. */
    double under = h + 4, over = -8, my = 0;
    double side = kind == ECHO ? under : over;
    double tries[4][2] = {{0.5, side}, {0.75, side},
                          {0.5, under + over - side}, {0.75, under + over - side}};
    int k;

    for (k = 0; k < 4; k++) {
        double f = tries[k][0];
        mx = fmin(fmax(x0 + (x1 - x0) * f, 140 + w / 2), PIC_W - 10 - w / 2);
        my = y0 + (y1 - y0) * f + tries[k][1];
        if (claim(mx - w / 2, my - h, mx + w / 2, my) == 0)
            break;
    }
    if (k == 4)
        return;
    fprintf(out, "<text class=\"latency\" font-size=\"%d\" text-anchor=\"middle\" "
            "fill=\"%s\" stroke=\"#fff\" stroke-width=\"6\" paint-order=\"stroke\">",
            TEXT, kinds[kind].text);
    if (lines == 1)
        fprintf(out, "<tspan x=\"%.0f\" y=\"%.0f\">%s %s</tspan>", mx, my, head, tail);
    else
        fprintf(out, "<tspan x=\"%.0f\" y=\"%.0f\">%s</tspan><tspan x=\"%.0f\" "
                "y=\"%.0f\">%s</tspan>", mx, my - TEXT - 2, head, mx, my, tail);
    fputs("</text>\n", out);
}

/* An arrow from (x0, y0) to (x1, y1), between the bars' edges, with its
 * id and title (escaped here), and a label in two parts on it (head NULL:
 * none). Returns the y it ends at: never less than MIN_SLANT below y0. */
static double arrow(FILE *out, int kind, const char *id, const char *title,
                    int x0, double y0, int x1, double y1, const char *head,
                    const char *tail)
{
    int dir = x1 > x0 ? 1 : -1;

    if (x0 != x1) {
        x0 += dir * BAR_HALF;
        x1 -= dir * (BAR_HALF + 2);
    }
    if (y1 - y0 < MIN_SLANT)
        y1 = y0 + MIN_SLANT;
    drawn |= 1u << kind;
    fprintf(out, "<g id=\"%s\" class=\"%s\"><title>", id, kinds[kind].cls);
    svg_escape(out, title);
    fprintf(out, "</title>\n<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
            "stroke=\"%s\" stroke-width=\"3\" stroke-dasharray=\"%s\" "
            "marker-end=\"url(#head-%s)\"/>\n", x0, y0, x1, y1,
            kinds[kind].color, kinds[kind].dash, kinds[kind].cls);
    if (head != NULL)
        label(out, kind, x0, y0, x1, y1, head, tail);
    fputs("</g>\n", out);
    return y1;
}

void arrows_legend(FILE *out, int x, unsigned which)
{
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        if (!(which & 1u << k))
            continue;
        fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                "stroke=\"%s\" stroke-width=\"3\" stroke-dasharray=\"%s\" "
                "marker-end=\"url(#head-%s)\"/>\n", x, LEGEND_Y - 7, x + 44,
                LEGEND_Y - 7, kinds[k].color, kinds[k].dash, kinds[k].cls);
        x = legend_text(out, x + 54, kinds[k].legend);
    }
}

/* The arrowheads, one per kind, in its colour. */
void arrows_defs(FILE *out)
{
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        fprintf(out, "<marker id=\"head-%s\" viewBox=\"0 0 10 10\" refX=\"9\" "
                "refY=\"5\" markerWidth=\"5\" markerHeight=\"5\" "
                "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/>"
                "</marker>\n", kinds[k].cls, kinds[k].color);
}

static double secs(const timeline_t *tl, double ts)
{
    return (ts - tl->tm.origin) / 1e6;
}

/* Does connection name "connection 127.0.0.1:40312" (or a line's
 * "127.0.0.1:40312") end in :port? */
static int of_port(const char *name, long port)
{
    const char *colon = strrchr(name, ':');
    return port != 0 && colon != NULL && atol(colon + 1) == port;
}

/* Client a's marks named what, in order, into ts[] (at most max), and
 * in bytes[] the bytes they counted, summed up to each. */
static int marks(const timeline_t *tl, const actor_t *a, const char *what,
                 double *ts, double *bytes, int max)
{
    int n = 0;
    double sum = 0;

    for (size_t i = 0; i < tl->s.t->n && n < max; i++) {
        const trace_event_t *e = &tl->s.t->ev[i];
        if (e->pid == a->pid && e->tid == a->tid && e->ph == 'i' &&
            strcmp(e->name, what) == 0) {
            sum += trace_arg(e, "value", 0);
            bytes[n] = sum;
            ts[n++] = e->ts;
        }
    }
    return n;
}

/* When the mark that brought the sum to upto came (-1: none did): a
 * line sent in two writes is sent at the second. */
static double when(const double *ts, const double *bytes, int n, double upto)
{
    for (int i = 0; i < n; i++)
        if (bytes[i] >= upto)
            return ts[i];
    return -1;
}

/* The connect arrow: from the moment a is connected to the accept. */
static void connect_arrow(FILE *out, const timeline_t *tl, const actor_t *a)
{
    double at, port;
    char id[48], title[160], d[24], late[40];

    if (marks(tl, a, "connected from port", &at, &port, 1) != 1)
        return;
    for (size_t i = 0; i < tl->s.t->n; i++) {
        const trace_event_t *e = &tl->s.t->ev[i];
        const actor_t *srv = actor_of(tl, e->pid, e->tid);
        if (e->ph != 'b' || srv == NULL || !of_port(e->name, a->port))
            continue;
        fmt_dur(d, sizeof(d), e->ts - at);
        snprintf(late, sizeof(late), "%s later", d);
        snprintf(id, sizeof(id), "connect-%s", a->who);
        snprintf(title, sizeof(title), "%s connects at %.6f s; %s accepts "
                 "it at %.6f s, %s later", a->who, secs(tl, at), srv->label,
                 secs(tl, e->ts), d);
        arrow(out, CONNECT, id, title, a->x, time_y(&tl->tm, at), srv->x,
              time_y(&tl->tm, e->ts),
              e->ts - at >= TELLING_US ? "accepted" : NULL, late);
        return;
    }
}

/* Line k (1, 2, ...) of client a: sent at sent, read by the server's
 * line event e, echoed back at echo (-1: never). */
static void line_arrows(FILE *out, const timeline_t *tl, const actor_t *a,
                        int k, double sent, const trace_event_t *e, double echo)
{
    const actor_t *srv = actor_of(tl, e->pid, e->tid);
    const char *conn = json_string(e->args, "connection", "");
    char id[48], title[200], d[24], head[40];

    if (srv == NULL)
        return;
    snprintf(id, sizeof(id), "line-%s-%d", a->who, k);
    snprintf(title, sizeof(title), "%s sends line %d at %.6f s; %s reads it "
             "at %.6f s (connection %s)", a->who, k, secs(tl, sent),
             srv->label, secs(tl, e->ts), conn);
    double read = arrow(out, LINE, id, title, a->x, time_y(&tl->tm, sent),
                        srv->x, time_y(&tl->tm, e->ts), NULL, NULL);
    if (echo < 0)
        return;
    fmt_dur(d, sizeof(d), echo - sent);
    snprintf(head, sizeof(head), "echo %s", d);
    snprintf(id, sizeof(id), "echo-%s-%d", a->who, k);
    snprintf(title, sizeof(title), "%s gets the echo of line %d at %.6f s, "
             "%s after sending it (connection %s)", a->who, k,
             secs(tl, echo), d, conn);
    /* It leaves the server no higher than the line arrived (an arrow
     * lengthened to MIN_SLANT arrives lower than its time). */
    arrow(out, ECHO, id, title, srv->x,
          fmax(time_y(&tl->tm, e->ts + e->dur), read), a->x,
          time_y(&tl->tm, echo), echo - sent >= TELLING_US ? head : NULL,
          "after sending");
}

/* The server a's connection went to: where its connection began. */
static const actor_t *server_of(const timeline_t *tl, const actor_t *a)
{
    for (size_t i = 0; i < tl->s.t->n; i++) {
        const trace_event_t *e = &tl->s.t->ev[i];
        if (e->ph == 'b' && of_port(e->name, a->port))
            return actor_of(tl, e->pid, e->tid);
    }
    return NULL;
}

/* Each write that ends no line (bytes[i] is not the end of a line the
 * server read): "part of a line", an arrow to the server that holds it. */
static void part_arrows(FILE *out, const timeline_t *tl, const actor_t *a,
                        const double *ts, const double *bytes, int n)
{
    const actor_t *srv = server_of(tl, a);
    double ends[MAX_LINES], sum = 0;
    int lines = 0, parts = 0;

    for (size_t i = 0; i < tl->s.t->n && lines < MAX_LINES; i++) {
        const trace_event_t *e = &tl->s.t->ev[i];
        if (e->ph == 'X' && strcmp(e->name, "line") == 0 &&
            of_port(json_string(e->args, "connection", ""), a->port))
            ends[lines++] = sum += trace_arg(e, "bytes", 0);
    }
    for (int i = 0; i < n && srv != NULL; i++) {
        int ends_a_line = 0;
        for (int k = 0; k < lines; k++)
            ends_a_line |= ends[k] == bytes[i];
        if (ends_a_line || (i > 0 && bytes[i] == bytes[i - 1]))
            continue;
        char id[48], title[160];
        snprintf(id, sizeof(id), "part-%s-%d", a->who, ++parts);
        snprintf(title, sizeof(title), "%s sends part of a line at %.6f s",
                 a->who, secs(tl, ts[i]));
        double y = time_y(&tl->tm, ts[i]);
        arrow(out, LINE, id, title, a->x, y, srv->x, y, "part of a line", "");
    }
}

/* Beside each server thread, how many lines it echoed for clients that
 * have no column (the demo's many untraced clients): "20 lines". */
static void others_note(FILE *out, const timeline_t *tl, const actor_t *srv)
{
    int n = 0;
    double first = -1;

    for (size_t i = 0; i < tl->s.t->n; i++) {
        const trace_event_t *e = &tl->s.t->ev[i];
        const char *conn = json_string(e->args, "connection", "");
        const char *colon = strrchr(conn, ':');
        int drawn_client = 0;
        if (e->ph != 'X' || e->pid != srv->pid || e->tid != srv->tid ||
            strcmp(e->name, "line") != 0 || colon == NULL)
            continue;
        for (int k = 0; k < tl->n; k++)
            drawn_client |= tl->a[k].port == atol(colon + 1);
        if (drawn_client)
            continue;
        if (first < 0)
            first = e->ts;
        n++;
    }
    if (n == 0)
        return;
    char text[48];
    /* Close beside the bar where they begin, right or left, or a little
     * lower, wherever no other label is; "of others" where it fits. */
    for (int k = 0; k < 16; k++) {
        snprintf(text, sizeof(text), "%d line%s%s", n, n > 1 ? "s" : "",
                 k % 4 < 2 ? " of others" : "");
        double w = strlen(text) * 0.5 * TEXT; /* digits are narrow */
        double y = time_y(&tl->tm, first) + TEXT * (1 + k / 4);
        double x = k % 2 == 0 ? srv->x + BAR_HALF + 6 : srv->x - BAR_HALF - 6 - w;
        const actor_t *next = srv + 1 < tl->a + tl->n ? srv + 1 : NULL;
        const actor_t *prev = srv > tl->a ? srv - 1 : NULL;
        if (x < (prev ? prev->x + BAR_HALF + 4 : 140) ||
            x + w > (next ? next->x - BAR_HALF - 4 : PIC_W - 4) ||
            claim(x, y - TEXT, x + w, y + 4) < 0)
            continue;
        fprintf(out, "<text class=\"others\" x=\"%.0f\" y=\"%.0f\" font-size=\"%d\" "
                "stroke=\"#fff\" stroke-width=\"6\" paint-order=\"stroke\"><title>",
                x, y, TEXT);
        svg_escape(out, srv->label);
        fprintf(out, " echoed %d lines for clients not drawn</title>%s</text>\n",
                n, text);
        return;
    }
}

static void client_arrows(FILE *out, const timeline_t *tl, const actor_t *a)
{
    double sent[MAX_LINES], echo[MAX_LINES], nsent[MAX_LINES], necho[MAX_LINES];
    int sends = marks(tl, a, "sent", sent, nsent, MAX_LINES);
    int echoes = marks(tl, a, "echo received", echo, necho, MAX_LINES), k = 0;
    double upto = 0;

    connect_arrow(out, tl, a);
    part_arrows(out, tl, a, sent, nsent, sends);
    for (size_t i = 0; i < tl->s.t->n; i++) {
        const trace_event_t *e = &tl->s.t->ev[i];
        if (e->ph != 'X' || strcmp(e->name, "line") != 0 ||
            !of_port(json_string(e->args, "connection", ""), a->port))
            continue;
        upto += trace_arg(e, "bytes", 0);
        double at = when(sent, nsent, sends, upto);
        if (at >= 0)
            line_arrows(out, tl, a, ++k, at, e, when(echo, necho, echoes, upto));
    }
}

/* Each hand-off: a flow from the X that sends (flow_out) to the X that
 * receives (flow_in), with the same bind_id; the first few say how. */
static void handoffs(FILE *out, const timeline_t *tl)
{
    int n = 0;

    for (size_t i = 0; i < tl->s.t->n; i++) {
        const trace_event_t *o = &tl->s.t->ev[i];
        const actor_t *from = actor_of(tl, o->pid, o->tid);
        if (o->ph != 'X' || o->flow != 1 || from == NULL)
            continue;
        for (size_t j = i + 1; j < tl->s.t->n; j++) {
            const trace_event_t *in = &tl->s.t->ev[j];
            const actor_t *to = actor_of(tl, in->pid, in->tid);
            if (in->ph != 'X' || in->flow != -1 || in->id != o->id || to == NULL)
                continue;
            char id[32], title[200];
            snprintf(id, sizeof(id), "handoff-%d", ++n);
            snprintf(title, sizeof(title), "%s hands a connection to %s by "
                     "%s at %.6f s", from->label, to->label, o->name,
                     secs(tl, o->ts));
            arrow(out, HANDOFF, id, title, from->x, time_y(&tl->tm, o->ts),
                  to->x, time_y(&tl->tm, in->ts), n == 1 ? o->name : NULL, "");
            break;
        }
    }
}

unsigned arrows_draw(FILE *out, const timeline_t *tl)
{
    drawn = 0;
    handoffs(out, tl);
    for (int i = 0; i < tl->n; i++)
        if (tl->a[i].who[0] != '\0')
            client_arrows(out, tl, &tl->a[i]);
    for (int i = 0; i < tl->n; i++)
        if (tl->a[i].who[0] == '\0')
            others_note(out, tl, &tl->a[i]);
    return drawn;
}
