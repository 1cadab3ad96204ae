/*
 * json.c - the tests' strict JSON reader; see json.h. Recursive descent
 * over the grammar of RFC 8259, with a depth limit so a hostile input
 * cannot overflow the stack.
 */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH_MAX 64

typedef struct {
    const char *p, *start, *end;
    char *err;
    size_t errsize;
    int failed;
} reader_t;

static json_t *value(reader_t *r, int depth);

static void fail(reader_t *r, const char *why)
{
    if (!r->failed)
        snprintf(r->err, r->errsize, "at byte %ld: %s",
                 (long)(r->p - r->start), why);
    r->failed = 1;
}

static void skip_space(reader_t *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static json_t *new_value(reader_t *r, json_type_t type)
{
    json_t *v = calloc(1, sizeof(*v));

    if (v == NULL)
        fail(r, "out of memory");
    else
        v->type = type;
    return v;
}

/* Takes the literal word (true, false, null) if it is next. */
static int take(reader_t *r, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return 0;
    r->p += n;
    return 1;
}

static int hex4(reader_t *r, unsigned *u)
{
    *u = 0;
    for (int i = 0; i < 4; i++, r->p++) {
        char c = r->p < r->end ? *r->p : '\0';
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) {
            fail(r, "bad \\u escape");
            return -1;
        }
        *u = *u * 16 + (unsigned)d;
    }
    return 0;
}

/* Appends code point u as UTF-8. */
static size_t put_utf8(char *out, unsigned u)
{
    if (u < 0x80) {
        out[0] = (char)u;
        return 1;
    }
    if (u < 0x800) {
        out[0] = (char)(0xC0 | u >> 6);
        out[1] = (char)(0x80 | (u & 0x3F));
        return 2;
    }
    if (u < 0x10000) {
        out[0] = (char)(0xE0 | u >> 12);
        out[1] = (char)(0x80 | (u >> 6 & 0x3F));
        out[2] = (char)(0x80 | (u & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | u >> 18);
    out[1] = (char)(0x80 | (u >> 12 & 0x3F));
    out[2] = (char)(0x80 | (u >> 6 & 0x3F));
    out[3] = (char)(0x80 | (u & 0x3F));
    return 4;
}

static int escape(reader_t *r, char *out, size_t *n)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k = r->p < r->end ? strchr(from, *r->p) : NULL;
    unsigned u, lo;

    if (k != NULL && *k != '\0') {
        out[(*n)++] = to[k - from];
        r->p++;
        return 0;
    }
    if (r->p >= r->end || *r->p != 'u') {
        fail(r, "bad escape in a string");
        return -1;
    }
    r->p++;
    if (hex4(r, &u) < 0)
        return -1;
    if (u >= 0xD800 && u < 0xDC00) { /* a surrogate pair */
        if (!take(r, "\\u") || hex4(r, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) {
            fail(r, "lone surrogate in a \\u escape");
            return -1;
        }
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    }
    *n += put_utf8(out + *n, u);
    return 0;
}

/* The length of the UTF-8 sequence at p (RFC 3629: shortest form, no
 * surrogates, at most U+10FFFF), or 0 when the bytes are not one. */
static size_t utf8_length(const char *p, const char *end)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    unsigned u;

    if (len == 0 || s[0] > 0xF4 || (size_t)(end - p) < len)
        return 0;
    u = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        u = u << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && u < 0x800) || (len == 4 && u < 0x10000) ||
        (u >= 0xD800 && u <= 0xDFFF) || u > 0x10FFFF)
        return 0;
    return len;
}

/* A string's text, after its opening quote; NULL after a failure. */
static char *string_text(reader_t *r)
{
    /* Escapes never grow: the raw length bounds the text. */
    const char *close = r->p;
    while (close < r->end && *close != '"')
        close += *close == '\\' ? 2 : 1;
    char *out = malloc((size_t)(close - r->p) + 8);
    size_t n = 0;

    if (out == NULL) {
        fail(r, "out of memory");
        return NULL;
    }
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char)*r->p;
        if (c < 0x20) {
            fail(r, "raw control byte in a string");
            break;
        }
        if (c >= 0x80) {
            size_t len = utf8_length(r->p, r->end);
            if (len == 0) {
                fail(r, "a string's bytes are not UTF-8");
                break;
            }
            memcpy(out + n, r->p, len);
            n += len;
            r->p += len;
            continue;
        }
        r->p++;
        if (c != '\\')
            out[n++] = (char)c;
        else if (escape(r, out, &n) < 0)
            break;
    }
    if (!r->failed && r->p >= r->end)
        fail(r, "unterminated string");
    if (r->failed) {
        free(out);
        return NULL;
    }
    r->p++; /* the closing quote */
    out[n] = '\0';
    return out;
}

static int digits(reader_t *r)
{
    const char *from = r->p;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
        r->p++;
    return r->p > from;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static json_t *number(reader_t *r)
{
    const char *from = r->p;
    char buf[64];

    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p < r->end && *r->p == '0')
        r->p++;
    else if (!digits(r))
        return fail(r, "bad number"), NULL;
    if (r->p < r->end && *r->p == '.' && (r->p++, !digits(r)))
        return fail(r, "no digit after the decimal point"), NULL;
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        if (!digits(r))
            return fail(r, "no digit in the exponent"), NULL;
    }
    if ((size_t)(r->p - from) >= sizeof(buf))
        return fail(r, "number too long"), NULL;
    memcpy(buf, from, (size_t)(r->p - from));
    buf[r->p - from] = '\0';
    json_t *v = new_value(r, JSON_NUMBER);
    if (v != NULL)
        v->number = strtod(buf, NULL);
    return v;
}

/* Adds item (and key, for an object) to v. */
static int add(reader_t *r, json_t *v, json_t *item, char *key)
{
    json_t **items = realloc(v->items, (v->n + 1) * sizeof(*items));
    char **keys = v->type == JSON_OBJECT
                      ? realloc(v->keys, (v->n + 1) * sizeof(*keys)) : NULL;

    if (items != NULL)
        v->items = items;
    if (keys != NULL)
        v->keys = keys;
    if (items == NULL || (v->type == JSON_OBJECT && keys == NULL)) {
        fail(r, "out of memory");
        json_free(item);
        free(key);
        return -1;
    }
    v->items[v->n] = item;
    if (keys != NULL)
        v->keys[v->n] = key;
    v->n++;
    return 0;
}

/* An array or object, after its opening bracket. */
static json_t *container(reader_t *r, json_type_t type, int depth)
{
    char close = type == JSON_ARRAY ? ']' : '}';
    json_t *v = new_value(r, type);

    skip_space(r);
    if (v != NULL && r->p < r->end && *r->p == close) {
        r->p++;
        return v;
    }
    while (v != NULL && !r->failed) {
        char *key = NULL;
        skip_space(r);
        if (type == JSON_OBJECT) {
            if (r->p >= r->end || *r->p != '"') {
                fail(r, "want a member name in quotes");
                break;
            }
            r->p++;
            if ((key = string_text(r)) == NULL)
                break;
            skip_space(r);
            if (r->p >= r->end || *r->p++ != ':') {
                free(key);
                fail(r, "want ':' after a member name");
                break;
            }
        }
        json_t *item = value(r, depth + 1);
        if (item == NULL || add(r, v, item, key) < 0) {
            free(key);
            break;
        }
        skip_space(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return v;
        }
        fail(r, type == JSON_ARRAY ? "want ',' or ']'" : "want ',' or '}'");
    }
    json_free(v);
    return NULL;
}

static json_t *value(reader_t *r, int depth)
{
    json_t *v = NULL;

    if (depth > DEPTH_MAX)
        return fail(r, "nested too deep"), NULL;
    skip_space(r);
    if (r->p >= r->end)
        return fail(r, "unexpected end of text"), NULL;
    char c = *r->p;
    if (c == '{' || c == '[') {
        r->p++;
        return container(r, c == '[' ? JSON_ARRAY : JSON_OBJECT, depth);
    }
    if (c == '"') {
        r->p++;
        char *s = string_text(r);
        if (s != NULL && (v = new_value(r, JSON_STRING)) != NULL)
            v->string = s;
        else
            free(s);
        return v;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return number(r);
    int truth = take(r, "true");
    if (truth || take(r, "false")) {
        if ((v = new_value(r, JSON_BOOL)) != NULL)
            v->number = truth;
        return v;
    }
    if (take(r, "null"))
        return new_value(r, JSON_NULL);
    return fail(r, "not a JSON value"), NULL;
}

json_t *json_parse(const char *text, size_t len, char *err, size_t errsize)
{
    reader_t r = {text, text, text + len, err, errsize, 0};
    json_t *v = value(&r, 0);

    skip_space(&r);
    if (v != NULL && r.p < r.end) {
        fail(&r, "more text after the value");
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(json_t *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n; i++) {
        json_free(v->items[i]);
        if (v->keys != NULL)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    free(v);
}

const json_t *json_get(const json_t *v, const char *key)
{
    if (v == NULL || v->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            return v->items[i];
    return NULL;
}

const char *json_string(const json_t *v, const char *key, const char *dflt)
{
    const json_t *m = json_get(v, key);
    return m != NULL && m->type == JSON_STRING ? m->string : dflt;
}

double json_number(const json_t *v, const char *key, double dflt)
{
    const json_t *m = json_get(v, key);
    return m != NULL && m->type == JSON_NUMBER ? m->number : dflt;
}
