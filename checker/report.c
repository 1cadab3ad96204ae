/*
 * report.c - what echocheck prints: a line per check (PASS, FAIL with its
 * details indented by 4 spaces, SKIP with the reason), a tally per group,
 * the last line "N passed, N failed[, N skipped]"; and with -j FILE the
 * same results in the shape course autograders read (Gradescope's
 * results.json: a tests array of name, score, max_score, output, and a
 * total score; skips are left out).
 */
#include "echocheck.h"

typedef struct {
    char name[64];
    int passed;
    char *output;         /* summary and details, for the JSON */
} entry_t;

#define MAX_ENTRIES 64
static entry_t entries[MAX_ENTRIES];
static int n_entries;
static int passed, failed, skipped;      /* the whole run */
static int g_passed, g_failed, g_skipped; /* the current group */

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
}

void note_last_lines(result_t *r, instance_t *in)
{
    char lines[RING_LINES][RING_WIDTH];
    int n = inst_last_lines(in, lines, 6);

    r->output_shown = 1;
    if (n == 0) {
        note(r, "the server printed nothing");
        return;
    }
    note(r, "the server's last lines:");
    for (int i = 0; i < n; i++)
        note(r, "| %s", lines[i]);
}

static void record(const char *group, const char *name, int ok, const char *out)
{
    if (n_entries == MAX_ENTRIES)
        return;
    entry_t *e = &entries[n_entries++];
    snprintf(e->name, sizeof(e->name), "%s/%s", group, name);
    e->passed = ok;
    e->output = strdup(out);
}

void report_check(const char *group, const char *name, result_t *r)
{
    junit_add(group, name, r->failed ? 'F' : 'P', r->summary, r->detail);
    if (!r->failed) {
        printf("PASS %s/%s\n", group, name);
        passed++, g_passed++;
        record(group, name, 1, "PASS");
    } else {
        printf("FAIL %s/%s: %s\n%s", group, name, r->summary, r->detail);
        failed++, g_failed++;
        char *out = Malloc(strlen(r->summary) + r->len + 2);
        sprintf(out, "%s\n%s", r->summary, r->detail);
        record(group, name, 0, out);
        free(out);
    }
    fflush(stdout);
}

void report_skip(const char *group, const char *name, const char *why)
{
    printf("SKIP %s/%s (%s)\n", group, name, why);
    junit_add(group, name, 'S', NULL, why);
    skipped++, g_skipped++;
    fflush(stdout);
}

void report_tally(const char *group)
{
    printf("== %s: %d passed, %d failed, %d skipped\n", group, g_passed,
           g_failed, g_skipped);
    g_passed = g_failed = g_skipped = 0;
    fflush(stdout);
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static int utf8_length(const unsigned char *s)
{
    int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
            : s[0] >= 0xE0                ? 3
            : s[0] >= 0xC2 && s[0] < 0xE0 ? 2
                                          : 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Writes s as a JSON string; bytes that are not UTF-8 (a server's output
 * may hold any) become U+FFFD, so that the file always parses. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int n;
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 32 || *p == 127)
            fprintf(f, "\\u%04x", *p);
        else if (*p < 128)
            fputc(*p, f);
        else if ((n = utf8_length(p)) > 0) {
            fwrite(p, 1, (size_t)n, f);
            p += n - 1;
        } else
            fputs("\\ufffd", f);
    }
    fputc('"', f);
}

static int write_json(void)
{
    FILE *f = fopen(opt.json, "w");
    int score = 0;

    if (f == NULL) {
        fprintf(stderr, "echocheck: cannot write %s: %s\n", opt.json,
                strerror(errno));
        return -1;
    }
    fputs("{\n  \"tests\": [\n", f);
    for (int i = 0; i < n_entries; i++) {
        score += entries[i].passed;
        fputs("    {\"name\": ", f);
        json_string(f, entries[i].name);
        fprintf(f, ", \"score\": %d, \"max_score\": 1, \"output\": ",
                entries[i].passed);
        json_string(f, entries[i].output);
        fprintf(f, "}%s\n", i + 1 < n_entries ? "," : "");
    }
    fprintf(f, "  ],\n  \"score\": %d\n}\n", score);
    return fclose(f);
}

int report_finish(void)
{
    printf("%d passed, %d failed", passed, failed);
    if (skipped > 0)
        printf(", %d skipped", skipped);
    printf("\n");
    fflush(stdout);
    if (opt.json && write_json() < 0)
        return 1;
    if (opt.junit && junit_write() < 0)
        return 1;
    return failed > 0 ? 1 : 0;
}

int report_never_ready(instance_t *in)
{
    result_t r = { 0 };

    fail(&r, "%s", in->why);
    char lines[RING_LINES][RING_WIDTH];
    int n = inst_last_lines(in, lines, RING_LINES);
    for (int i = 0; i < n; i++)
        note(&r, "%s", lines[i]);
    if (n == 0)
        note(&r, "(it printed nothing)");
    for (int i = 0; i < n && !opt.no_mem_limit; i++)
        if (strstr(lines[i], "Sanitizer") || strstr(lines[i], "ulimit -v")) {
            note(&r, "(a sanitizer cannot start under echocheck's "
                     "address-space limit: add --no-mem-limit)");
            break;
        }
    printf("FAIL start: %s\n%s", r.summary, r.detail);
    junit_add("start", "start", 'F', r.summary, r.detail);
    failed++;
    char *out = Malloc(strlen(r.summary) + r.len + 2);
    sprintf(out, "%s\n%s", r.summary, r.detail);
    record("start", "", 0, out);
    snprintf(entries[n_entries - 1].name, sizeof(entries[0].name), "start");
    free(out);
    return report_finish();
}
