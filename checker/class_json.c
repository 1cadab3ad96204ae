/*
 * class_json.c - reads back the results.json a child echocheck wrote
 * (report.c): a "tests" array of objects with name, score, max_score,
 * output, and perhaps status and extra_data. Any other field, anywhere,
 * is skipped, so the reader keeps working as the file gains fields. It
 * holds just enough JSON for that: objects, arrays, strings with every
 * escape, numbers, true, false, null; nesting is bounded.
 */
#include "class.h"

typedef struct {
    const char *p, *end;
    int depth;
} jp_t;

/* One entry of "tests", as far as it was given. */
typedef struct {
    char *name, *status, *output;
    double score, max_score;
    int has_max;
} jtest_t;

static void ws(jp_t *j)
{
    while (j->p < j->end && strchr(" \t\r\n", *j->p))
        j->p++;
}

static int eat(jp_t *j, char c)
{
    ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return 1;
    }
    return 0;
}

/* Appends code point cp to out as UTF-8. */
static char *put_utf8(char *out, unsigned long cp)
{
    if (cp < 0x80)
        *out++ = (char)cp;
    else if (cp < 0x800) {
        *out++ = (char)(0xC0 | cp >> 6);
        *out++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *out++ = (char)(0xE0 | cp >> 12);
        *out++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *out++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *out++ = (char)(0xF0 | cp >> 18);
        *out++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *out++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *out++ = (char)(0x80 | (cp & 0x3F));
    }
    return out;
}

static int hex4(jp_t *j, unsigned long *cp)
{
    char h[5];

    if (j->end - j->p < 4)
        return -1;
    memcpy(h, j->p, 4);
    h[4] = '\0';
    char *e;
    *cp = strtoul(h, &e, 16);
    j->p += 4;
    return *e == '\0' ? 0 : -1;
}

/* A string, decoded into a new one in *out (NULL: only skipped). */
static int jstring(jp_t *j, char **out)
{
    if (!eat(j, '"'))
        return -1;
    char *buf = Malloc((size_t)(j->end - j->p) + 1), *o = buf;
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if (c != '\\') {
            *o++ = c;
            continue;
        }
        if (j->p == j->end)
            break;
        unsigned long cp, lo;
        switch (c = *j->p++) {
        case 'n': *o++ = '\n'; break;
        case 't': *o++ = '\t'; break;
        case 'r': *o++ = '\r'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'u':
            if (hex4(j, &cp) < 0)
                break;
            if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 &&
                j->p[0] == '\\' && j->p[1] == 'u') {
                j->p += 2;
                if (hex4(j, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            o = put_utf8(o, cp);
            break;
        default: *o++ = c; /* \" \\ \/ */
        }
    }
    *o = '\0';
    if (!eat(j, '"')) {
        free(buf);
        return -1;
    }
    if (out)
        *out = buf;
    else
        free(buf);
    return 0;
}

static int jnumber(jp_t *j, double *v)
{
    char buf[64], *e;

    ws(j);
    size_t n = 0;
    while (j->p + n < j->end && n < sizeof(buf) - 1 &&
           strchr("+-0123456789.eE", j->p[n]))
        n++;
    memcpy(buf, j->p, n);
    buf[n] = '\0';
    *v = strtod(buf, &e);
    if (n == 0 || *e != '\0')
        return -1;
    j->p += n;
    return 0;
}

static int jskip(jp_t *j);

/* An object: fn is called at each key with the parser on its value, and
 * must take the value (jskip when it wants none of it). */
static int jobject(jp_t *j, int (*fn)(jp_t *, const char *, void *), void *arg)
{
    if (!eat(j, '{') || ++j->depth > 32)
        return -1;
    if (eat(j, '}'))
        return j->depth--, 0;
    do {
        char *key;
        if (jstring(j, &key) < 0 || !eat(j, ':'))
            return -1;
        int rc = fn(j, key, arg);
        free(key);
        if (rc < 0)
            return -1;
    } while (eat(j, ','));
    j->depth--;
    return eat(j, '}') ? 0 : -1;
}

static int skip_member(jp_t *j, const char *key, void *arg)
{
    (void)key, (void)arg;
    return jskip(j);
}

static int jskip(jp_t *j)
{
    double v;

    ws(j);
    if (j->p == j->end)
        return -1;
    if (*j->p == '{')
        return jobject(j, skip_member, NULL);
    if (*j->p == '"')
        return jstring(j, NULL);
    if (*j->p == '[') {
        j->p++;
        if (eat(j, ']'))
            return 0;
        do
            if (jskip(j) < 0)
                return -1;
        while (eat(j, ','));
        return eat(j, ']') ? 0 : -1;
    }
    static const char *words[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++)
        if ((size_t)(j->end - j->p) >= strlen(words[i]) &&
            strncmp(j->p, words[i], strlen(words[i])) == 0) {
            j->p += strlen(words[i]);
            return 0;
        }
    return jnumber(j, &v);
}

static int test_member(jp_t *j, const char *key, void *arg)
{
    jtest_t *t = arg;

    if (strcmp(key, "name") == 0)
        return jstring(j, &t->name);
    if (strcmp(key, "status") == 0)
        return jstring(j, &t->status);
    if (strcmp(key, "output") == 0)
        return jstring(j, &t->output);
    if (strcmp(key, "score") == 0)
        return jnumber(j, &t->score);
    if (strcmp(key, "max_score") == 0)
        return t->has_max = 1, jnumber(j, &t->max_score);
    return jskip(j);
}

/* The verdict of one test: by its status where it has one (a later
 * echocheck), else by its scores and output (skips: 0 of 0, "SKIP"). */
static int verdict_of(const char *status, const char *output, double score,
                      double max_score, int has_max)
{
    int flaky = strncmp(output, "FLAKY", 5) == 0 ||
                (strstr(output, " runs") && strstr(output, "failed ") &&
                 strstr(output, " of "));
    if ((status && strcmp(status, "skipped") == 0) ||
        (has_max && max_score == 0) || strncmp(output, "SKIP", 4) == 0)
        return V_SKIPPED; /* a skip: 0 of 0, its output "SKIP: why" */
    if (status && strcmp(status, "flaky") == 0)
        return V_FLAKY;
    if (status && strcmp(status, "passed") == 0)
        return V_PASSED;
    if (status && strcmp(status, "failed") == 0)
        return flaky ? V_FLAKY : V_FAILED;
    if (status) /* pending: the run ended before this check did */
        return V_NONE;
    if (score >= max_score && score > 0)
        return V_PASSED;
    return flaky ? V_FLAKY : V_FAILED;
}

/* A run that never started: never listened, or crashed (the signal). */
static void take_start(sub_t *s, const char *output)
{
    const char *nl = strchr(output, '\n'), *sig = strstr(output, "killed by ");
    int first = nl ? (int)(nl - output) : (int)strlen(output);
    char words[sizeof(s->why)];

    if (sig && sig < output + first) {
        s->status = S_CRASHED;
        const char *end = strchr(sig + 10, ' '); /* "killed by SIGSEGV" */
        if (end == NULL || end > output + first)
            end = output + first;
        snprintf(s->why, sizeof(s->why), "%.*s", (int)(end - sig), sig);
        return;
    }
    s->status = S_NEVER_LISTENED;
    snprintf(s->why, sizeof(s->why), "%.*s", first, output);
    if (nl && first_words(nl + 1, words, sizeof(words))) {
        size_t at = strlen(s->why);
        snprintf(s->why + at, sizeof(s->why) - at, words[0] == '(' ? " %s" : ": %s",
                 words);
    }
}

static void take_test(sub_t *s, const char *name, const char *status,
                      const char *output, double score, double max_score,
                      int has_max)
{
    int n, v = verdict_of(status, output, score, max_score, has_max);
    const char *const *ids = class_check_ids(&n);

    if (strstr(output, "floods its output") && !s->stopped[0])
        snprintf(s->stopped, sizeof(s->stopped), "floods its output: more "
                 "than %d MiB printed", FLOOD_MIB);
    if (strcmp(name, "start") == 0 && v != V_PASSED) {
        take_start(s, output);
        return;
    }
    for (int i = 0; i < n; i++)
        if (strcmp(ids[i], name) == 0) {
            s->cells[i].verdict = (char)v;
            free(s->cells[i].cause);
            s->cells[i].cause = v == V_FAILED || v == V_FLAKY ? failure_cause(output)
                                                              : NULL;
            s->passed += v == V_PASSED;
            s->failed += v == V_FAILED || v == V_FLAKY;
            s->score += score;
            s->max_score += max_score;
        }
}

/* What the reading of a whole file fills. */
typedef struct {
    sub_t *s;
    int with_status;      /* tests that had a status field */
    char *root_causes;    /* the top-level output, or NULL */
} jread_t;

/* extra_data's {"isolation": {"mode": ...}}: the check's mode. */
static int isolation_member(jp_t *j, const char *key, void *arg)
{
    sub_t *s = arg;
    char *mode = NULL;

    if (strcmp(key, "mode") != 0)
        return jskip(j);
    int rc = jstring(j, &mode);
    if (mode)
        snprintf(s->isolation, sizeof(s->isolation), "%s", mode);
    free(mode);
    return rc;
}

static int extra_member(jp_t *j, const char *key, void *arg)
{
    if (strcmp(key, "isolation") != 0)
        return jskip(j);
    return jobject(j, isolation_member, arg);
}

static int top_member(jp_t *j, const char *key, void *arg)
{
    jread_t *r = arg;

    if (strcmp(key, "output") == 0 && r->root_causes == NULL)
        return jstring(j, &r->root_causes);
    if (strcmp(key, "extra_data") == 0)
        return jobject(j, extra_member, r->s);
    if (strcmp(key, "tests") != 0)
        return jskip(j);
    if (!eat(j, '['))
        return -1;
    if (eat(j, ']'))
        return 0;
    do {
        jtest_t t = { 0 };
        int rc = jobject(j, test_member, &t);
        r->with_status += t.status != NULL;
        if (rc == 0 && t.name)
            take_test(r->s, t.name, t.status, t.output ? t.output : "", t.score,
                      t.max_score, t.has_max);
        free(t.name), free(t.status), free(t.output);
        if (rc < 0)
            return -1;
    } while (eat(j, ','));
    return eat(j, ']') ? 0 : -1;
}

/*
 * The root causes echocheck lists in the top-level output, a line each:
 * "key: what it was (group/name, group/name)". Each failed check a line
 * names gets that line, without the list, as its cause: the same fault
 * reads the same in every submission.
 */
static void take_root_causes(sub_t *s, const char *text)
{
    int n;
    const char *const *ids = class_check_ids(&n);

    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[600];
        snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
        char *open = strrchr(buf, '(');
        if (open && open > buf && buf[strlen(buf) - 1] == ')') {
            open[-1] = '\0'; /* the space before the list */
            for (int i = 0; i < n; i++) {
                const char *at = strstr(open + 1, ids[i]);
                size_t k = strlen(ids[i]);
                if (at && (at[k] == ',' || at[k] == ')') &&
                    (s->cells[i].verdict == V_FAILED || s->cells[i].verdict == V_FLAKY)) {
                    free(s->cells[i].cause);
                    s->cells[i].cause = strdup(buf);
                }
            }
        }
        line = end ? end + 1 : NULL;
    }
}

int read_results(const char *path, sub_t *s)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t size = 0, cap = 65536;
    char *buf = Malloc(cap);
    for (size_t n; (n = fread(buf + size, 1, cap - size, f)) > 0;)
        if ((size += n) == cap)
            buf = Realloc(buf, cap *= 2);
    fclose(f);
    jp_t j = { buf, buf + size, 0 };
    s->passed = s->failed = 0;
    s->score = s->max_score = 0;
    s->status = S_CHECKED;
    s->isolation[0] = '\0';
    jread_t r = { s, 0, NULL };
    int rc = jobject(&j, top_member, &r), n;
    free(buf);
    take_root_causes(s, r.root_causes);
    free(r.root_causes);
    class_check_ids(&n);
    /* Without status fields, a skip is left out of the file: a check that
     * is not there was skipped. With them, every check is listed. */
    for (int i = 0; rc == 0 && !r.with_status && s->status == S_CHECKED && i < n; i++)
        if (s->cells[i].verdict == V_NONE)
            s->cells[i].verdict = V_SKIPPED;
    for (int i = 0; s->status != S_CHECKED && i < n; i++) {
        free(s->cells[i].cause); /* "not judged: it never listened" */
        s->cells[i].cause = NULL;
        s->cells[i].verdict = V_NONE;
    }
    if (s->status != S_CHECKED) {
        s->passed = s->failed = 0;
        s->score = s->max_score = 0;
    }
    return rc;
}
