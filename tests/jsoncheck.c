/*
 * jsoncheck - is a file one valid JSON value (RFC 8259: strict, UTF-8,
 * nothing after it)? tests/test_gradescope.sh asks it of every
 * results.json that run_autograder leaves, as Gradescope would parse it.
 *   jsoncheck FILE
 * Exit status 0 when valid, and then the top-level object's "score"
 * value is printed as written, when it has one; 1 with the offset and
 * the reason when not; 2 for a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *s;
    size_t n, at;
    const char *why;      /* the first error, or NULL */
    size_t score, score_len; /* the top-level "score" value's bytes */
} parser_t;

static int value(parser_t *p, int depth);

static int bad(parser_t *p, const char *why)
{
    if (p->why == NULL)
        p->why = why;
    return -1;
}

static int peek(parser_t *p) { return p->at < p->n ? p->s[p->at] : -1; }

static void space(parser_t *p)
{
    while (peek(p) == ' ' || peek(p) == '\t' || peek(p) == '\n' || peek(p) == '\r')
        p->at++;
}

static int literal(parser_t *p, const char *word)
{
    size_t len = strlen(word);
    if (p->n - p->at < len || memcmp(p->s + p->at, word, len) != 0)
        return bad(p, "not a JSON value");
    p->at += len;
    return 0;
}

static int digits(parser_t *p)
{
    size_t start = p->at;
    while (peek(p) >= '0' && peek(p) <= '9')
        p->at++;
    return p->at > start ? 0 : bad(p, "a number wants digits");
}

static int number(parser_t *p)
{
    if (peek(p) == '-')
        p->at++;
    if (peek(p) == '0')
        p->at++;
    else if (digits(p) < 0)
        return -1;
    if (peek(p) == '.' && (p->at++, digits(p) < 0))
        return -1;
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->at++;
        if (peek(p) == '+' || peek(p) == '-')
            p->at++;
        return digits(p);
    }
    return 0;
}

/* One UTF-8 sequence (not ASCII) at p->at: overlong forms, surrogates and
 * code points past U+10FFFF are refused. */
static int utf8(parser_t *p)
{
    unsigned c = p->s[p->at];
    int len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
            : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    unsigned cp = c & (0x3F >> (len - 1));

    if (len == 0 || p->n - p->at < (size_t)len)
        return bad(p, "a byte that is not UTF-8");
    for (int i = 1; i < len; i++) {
        if ((p->s[p->at + i] & 0xC0) != 0x80)
            return bad(p, "a byte that is not UTF-8");
        cp = cp << 6 | (p->s[p->at + i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return bad(p, "a byte that is not UTF-8");
    p->at += (size_t)len;
    return 0;
}

static int string(parser_t *p)
{
    p->at++; /* the opening quote */
    for (;;) {
        int c = peek(p);
        if (c < 0)
            return bad(p, "a string is not closed");
        if (c == '"')
            return p->at++, 0;
        if (c < 0x20)
            return bad(p, "a control character inside a string");
        if (c >= 0x80) {
            if (utf8(p) < 0)
                return -1;
            continue;
        }
        p->at++;
        if (c != '\\')
            continue;
        c = peek(p);
        p->at++;
        if (c == 'u') {
            for (int i = 0; i < 4; i++, p->at++)
                if (p->at >= p->n || !strchr("0123456789abcdefABCDEF", p->s[p->at]))
                    return bad(p, "\\u wants four hex digits");
        } else if (c < 0 || !strchr("\"\\/bfnrt", c))
            return bad(p, "an unknown escape");
    }
}

/* "{...}" or "[...]": members (a string, ':', a value) or values. */
static int container(parser_t *p, int depth, int close, int keyed)
{
    p->at++;
    space(p);
    if (peek(p) == close)
        return p->at++, 0;
    for (;;) {
        space(p);
        size_t key = p->at;
        if (keyed) {
            if (peek(p) != '"' || string(p) < 0)
                return bad(p, "an object's key must be a string");
            space(p);
            if (peek(p) != ':')
                return bad(p, "':' wanted after a key");
            p->at++;
            space(p);
        }
        size_t start = p->at;
        if (value(p, depth + 1) < 0)
            return -1;
        if (keyed && depth == 0 && memcmp(p->s + key, "\"score\"", 7) == 0)
            p->score = start, p->score_len = p->at - start;
        space(p);
        if (peek(p) == close)
            return p->at++, 0;
        if (peek(p) != ',')
            return bad(p, "',' or a closing bracket wanted");
        p->at++;
    }
}

static int value(parser_t *p, int depth)
{
    space(p);
    if (depth > 64)
        return bad(p, "nested too deep");
    switch (peek(p)) {
    case '{': return container(p, depth, '}', 1);
    case '[': return container(p, depth, ']', 0);
    case '"': return string(p);
    case 't': return literal(p, "true");
    case 'f': return literal(p, "false");
    case 'n': return literal(p, "null");
    default:
        if (peek(p) == '-' || (peek(p) >= '0' && peek(p) <= '9'))
            return number(p);
        return bad(p, "not a JSON value");
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: jsoncheck FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    static unsigned char buf[1 << 22];
    parser_t p = { buf, 0, 0, NULL, 0, 0 };

    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    p.n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    if (value(&p, 0) == 0) {
        space(&p);
        if (p.at != p.n)
            bad(&p, "more after the value");
    }
    if (p.why != NULL) {
        printf("%s: byte %zu: %s\n", argv[1], p.at, p.why);
        return 1;
    }
    if (p.score_len > 0)
        printf("%.*s\n", (int)p.score_len, (const char *)buf + p.score);
    return 0;
}
