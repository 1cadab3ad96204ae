/*
 * traceread.c - reading an ECHO_TRACE file into events; see traceread.h.
 */
#include "traceread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *text_of(const json_t *ev, const char *key)
{
    return json_string(ev, key, "");
}

/* The event's fields, from its JSON object. */
static void read_event(const json_t *ev, size_t index, trace_event_t *e)
{
    const json_t *id2 = json_get(ev, "id2");
    const json_t *flag;

    e->ph = text_of(ev, "ph")[0];
    e->pid = (long)json_number(ev, "pid", -1);
    e->tid = (long)json_number(ev, "tid", -1);
    e->ts = json_number(ev, "ts", -1);
    e->dur = json_number(ev, "dur", 0);
    e->name = text_of(ev, "name");
    e->cat = text_of(ev, "cat");
    e->id = id2 != NULL ? json_number(id2, "global", -1)
                        : json_number(ev, "bind_id", -1);
    e->flow = 0;
    if ((flag = json_get(ev, "flow_out")) != NULL && flag->number != 0)
        e->flow = 1;
    if ((flag = json_get(ev, "flow_in")) != NULL && flag->number != 0)
        e->flow = -1;
    e->args = json_get(ev, "args");
    e->index = index;
}

/* The whole file plus "]", NUL-terminated, in *len bytes; NULL on error. */
static char *slurp_closed(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL, *more;
    size_t cap = 0, n;

    *len = 0;
    if (f == NULL)
        return NULL;
    do {
        if (cap - *len < 65536) {
            cap = cap * 2 + 65536;
            if ((more = realloc(text, cap)) == NULL)
                break;
            text = more;
        }
        n = fread(text + *len, 1, cap - *len - 2, f);
        *len += n;
    } while (n > 0);
    fclose(f);
    if (text != NULL && cap - *len >= 2) {
        text[(*len)++] = ']';
        text[*len] = '\0';
        return text;
    }
    free(text);
    return NULL;
}

int trace_read(const char *path, trace_t *t, char *err, size_t errsize)
{
    size_t len;
    char *text = slurp_closed(path, &len), why[128];

    memset(t, 0, sizeof(*t));
    if (text == NULL) {
        snprintf(err, errsize, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    t->root = json_parse(text, len, why, sizeof(why));
    free(text);
    if (t->root == NULL || t->root->type != JSON_ARRAY) {
        snprintf(err, errsize, "%s plus \"]\" is not %s: %s", path,
                 t->root == NULL ? "valid JSON" : "a JSON array",
                 t->root == NULL ? why : "an array was expected");
        trace_free(t);
        return -1;
    }
    t->n = t->root->n;
    t->ev = calloc(t->n + 1, sizeof(*t->ev));
    for (size_t i = 0; i < t->n && t->ev != NULL; i++) {
        if (t->root->items[i]->type != JSON_OBJECT) {
            snprintf(err, errsize, "event %zu is not an object", i);
            trace_free(t);
            return -1;
        }
        read_event(t->root->items[i], i, &t->ev[i]);
        if (t->ev[i].pid < 0 || t->ev[i].tid < 0 || t->ev[i].ts < 0) {
            snprintf(err, errsize, "event %zu (%s) lacks a pid, tid or ts",
                     i, t->ev[i].name);
            trace_free(t);
            return -1;
        }
    }
    if (t->ev == NULL) {
        snprintf(err, errsize, "out of memory for %zu events", t->n);
        trace_free(t);
        return -1;
    }
    return 0;
}

void trace_free(trace_t *t)
{
    json_free(t->root);
    free(t->ev);
    memset(t, 0, sizeof(*t));
}

double trace_arg(const trace_event_t *e, const char *key, double dflt)
{
    return json_number(e->args, key, dflt);
}

const char *trace_arg_name(const trace_event_t *e)
{
    return json_string(e->args, "name", "");
}
