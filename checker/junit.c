/*
 * junit.c - --junit FILE: the run's results as JUnit XML, the format CI
 * systems and many graders read: a testsuite per group, a testcase per
 * check, a failure (its summary as the message, its details and likely
 * cause as the text) or a skipped element. A server may print any bytes
 * and they reach the details, so every string goes through xml_text,
 * which keeps the file well-formed XML 1.0 whatever came.
 */
#include "echocheck.h"

typedef struct {
    char group[32], name[64];
    int kind;             /* 'P', 'F' or 'S' */
    char *summary, *text;
    double seconds;       /* since the previous check ended */
} jcase_t;

/* Written by the main thread only (report.c's calls). */
#define MAX_CASES 128
static jcase_t cases[MAX_CASES];
static int n_cases;
static long long last_ms;

void junit_add(const char *group, const char *name, int kind,
               const char *summary, const char *text)
{
    long long now = now_ms();

    if (last_ms == 0)
        last_ms = now;
    if (!opt.junit || n_cases == MAX_CASES)
        return;
    jcase_t *c = &cases[n_cases++];
    snprintf(c->group, sizeof(c->group), "%s", group);
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->kind = kind;
    c->summary = strdup(summary ? summary : "");
    c->text = strdup(text ? text : "");
    c->seconds = (double)(now - last_ms) / 1000.0;
    last_ms = now;
}

/*
 * The code point of the UTF-8 sequence at s and its length in *n, or -1
 * when it is not one (overlong forms and surrogates included: a strict
 * XML parser refuses them).
 */
static long utf8_decode(const unsigned char *s, int *n)
{
    static const long least[] = { 0, 0, 0x80, 0x800, 0x10000 };
    long cp;

    *n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2
         : s[0] >= 0xE0 && s[0] < 0xF0                ? 3
         : s[0] >= 0xF0 && s[0] < 0xF5                ? 4
                                                      : 0;
    if (*n == 0)
        return -1;
    cp = *n == 1 ? s[0] : s[0] & (0x3F >> (*n - 1));
    for (int i = 1; i < *n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < least[*n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    return cp;
}

void xml_text(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int n;
        long cp = utf8_decode(p, &n);
        if (cp < 0) {
            fputs("\xEF\xBF\xBD", f); /* U+FFFD for a byte that is not UTF-8 */
            p++;
            continue;
        }
        if (cp == '&')
            fputs("&amp;", f);
        else if (cp == '<')
            fputs("&lt;", f);
        else if (cp == '>')
            fputs("&gt;", f);
        else if (cp == '"')
            fputs("&quot;", f);
        else if (cp == '\'')
            fputs("&#39;", f);
        else if (cp == '\n' || cp == '\r' || cp == '\t')
            fprintf(f, "&#%ld;", cp); /* kept as they are, in attributes too */
        else if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
            ; /* no XML 1.0 document may hold it, not even as &#N; */
        else
            fwrite(p, 1, (size_t)n, f);
        p += n;
    }
}

static void counts(const char *group, int *tests, int *failures, int *skips)
{
    *tests = *failures = *skips = 0;
    for (int i = 0; i < n_cases; i++)
        if (group == NULL || strcmp(cases[i].group, group) == 0) {
            ++*tests;
            *failures += cases[i].kind == 'F';
            *skips += cases[i].kind == 'S';
        }
}

static void write_case(FILE *f, const jcase_t *c)
{
    fputs("    <testcase classname=\"", f);
    xml_text(f, c->group);
    fputs("\" name=\"", f);
    xml_text(f, c->group);
    fputc('/', f);
    xml_text(f, c->name);
    fprintf(f, "\" time=\"%.3f\">\n", c->seconds);
    if (c->kind != 'S') { /* the rubric's points (--points): worth, scored */
        char id[256];
        snprintf(id, sizeof(id), "%s/%s", c->group, c->name);
        int points = check_points(id);
        fprintf(f, "      <properties><property name=\"points\" value=\"%d\"/>"
                   "<property name=\"score\" value=\"%d\"/></properties>\n",
                points, c->kind == 'P' ? points : 0);
    }
    if (c->kind == 'P') {
        fputs("    </testcase>\n", f);
        return;
    }
    fputs("      <", f);
    fputs(c->kind == 'F' ? "failure" : "skipped", f);
    fputs(" message=\"", f);
    xml_text(f, c->kind == 'F' ? c->summary : c->text);
    if (c->kind == 'F') {
        fputs("\" type=\"failed\">", f);
        xml_text(f, c->summary);
        fputs("\n", f);
        xml_text(f, c->text);
        fputs("</failure>\n", f);
    } else
        fputs("\"/>\n", f);
    fputs("    </testcase>\n", f);
}

/* One testsuite: the cases of group, which starts at case first. */
static void write_suite(FILE *f, int first)
{
    const char *group = cases[first].group;
    int tests, failures, skips;

    counts(group, &tests, &failures, &skips);
    fputs("  <testsuite name=\"", f);
    xml_text(f, group);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\">\n",
            tests, failures, skips);
    for (int i = first; i < n_cases; i++)
        if (strcmp(cases[i].group, group) == 0)
            write_case(f, &cases[i]);
    fputs("  </testsuite>\n", f);
}

int junit_write(void)
{
    FILE *f = fopen(opt.junit, "w");
    int tests, failures, skips;

    if (f == NULL) {
        fprintf(stderr, "echocheck: cannot write %s: %s\n", opt.junit,
                strerror(errno));
        return -1;
    }
    counts(NULL, &tests, &failures, &skips);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"echocheck\" tests=\"%d\" failures=\"%d\" "
               "errors=\"0\" skipped=\"%d\">\n", tests, failures, skips);
    for (int i = 0; i < n_cases; i++) {
        int seen = 0; /* a group's suite is written at its first case */
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(cases[j].group, cases[i].group) == 0;
        if (!seen)
            write_suite(f, i);
    }
    fputs("</testsuites>\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "echocheck: cannot write %s: %s\n", opt.junit,
                strerror(errno));
        return -1;
    }
    return 0;
}
