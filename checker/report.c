/*
 * report.c - what echocheck prints: a line per check (PASS, FAIL with its
 * details indented by 4 spaces and its likely cause, SKIP with the
 * reason), a tally per group, the root causes (each once, with the checks
 * that showed it), the last line "N passed, N failed[, N skipped]". A
 * failure whose cause an earlier check showed prints "not judged: <the
 * fault>" only. With -j FILE the same results in the shape course
 * autograders read (Gradescope's results.json: a tests array of name,
 * status, score, max_score, output, every check listed, a skipped one at
 * 0 of 0; the root causes as the top-level output; a total score),
 * written at the start with every check pending and replaced, whole, as
 * each check ends. A check's max_score is its points (--points,
 * points.c); it scores them when it passed, else 0.
 */
#include "echocheck.h"
#include "isolate.h"

enum { PENDING, PASSED, FAILED, SKIPPED };

typedef struct {
    char name[64];
    int state;            /* PENDING... */
    char *output;         /* summary and details, for the JSON */
    int runs, failed_runs; /* --repeat: its extra_data; runs 0: none */
} entry_t;

#define MAX_ENTRIES 96
static entry_t entries[MAX_ENTRIES];
static int n_entries;
static int passed, failed, skipped;      /* the whole run */
static int g_passed, g_failed, g_skipped; /* the current group */

/* The root causes, in the order they were first shown: each cause once,
 * with the checks that showed it (the first) or that it prevented. */
#define MAX_ROOTS 32
typedef struct {
    int cause;            /* CAUSE_; CAUSE_NONE: a failure with no cause */
    char summary[200];    /* for a failure with no cause: what was seen */
    char checks[1200];   /* every check of a run fits */
} root_t;
static root_t roots[MAX_ROOTS];
static int n_roots;

/* The entry of check group/name, added when it was not planned. */
static entry_t *entry(const char *group, const char *name)
{
    char full[64];

    snprintf(full, sizeof(full), "%s%s%s", group, *name ? "/" : "", name);
    for (int i = 0; i < n_entries; i++)
        if (strcmp(entries[i].name, full) == 0)
            return &entries[i];
    if (n_entries == MAX_ENTRIES)
        return NULL;
    entry_t *e = &entries[n_entries++];
    snprintf(e->name, sizeof(e->name), "%s", full);
    e->state = PENDING;
    e->output = strdup("pending: not run yet");
    return e;
}

static int write_json(void);

static void record(const char *group, const char *name, int state,
                   const char *out)
{
    entry_t *e = entry(group, name);

    if (e == NULL)
        return;
    e->state = state;
    free(e->output);
    e->output = strdup(out);
    if (opt.json)
        write_json();
}

void report_plan(const char *group, const char *name, const char *skip)
{
    entry_t *e = entry(group, name);
    char out[200];

    if (e == NULL || skip == NULL)
        return;
    snprintf(out, sizeof(out), "SKIP: %s", skip);
    e->state = SKIPPED;
    free(e->output);
    e->output = strdup(out);
}

/* The root-cause row of cause (a new row for CAUSE_NONE); NULL when the
 * cause was not shown before and new is 0. */
static root_t *root_of(int cause, int new)
{
    for (int i = 0; i < n_roots && cause != CAUSE_NONE; i++)
        if (roots[i].cause == cause)
            return &roots[i];
    if (!new || n_roots == MAX_ROOTS)
        return NULL;
    roots[n_roots].cause = cause;
    return &roots[n_roots++];
}

/* Adds group/name (or group alone) to root's checks. */
static void root_add(root_t *root, const char *group, const char *name)
{
    size_t n = strlen(root->checks);
    snprintf(root->checks + n, sizeof(root->checks) - n, "%s%s%s%s",
             n ? ", " : "", group, *name ? "/" : "", name);
}

/* 1 for a cause each check shows of its own, never "not judged" as one
 * shown before: echocheck not provoking, an outcome that varied. */
static int own_each_time(int cause)
{
    return cause == CAUSE_NOT_PROVOKED || cause == CAUSE_FLAKY;
}

void flaky(result_t *r, int failed, int runs)
{
    result_t *was = Malloc(sizeof(result_t));
    const cause_t *c = cause_of(r->cause);

    *was = *r;
    r->len = 0, r->detail[0] = '\0';
    snprintf(r->summary, sizeof(r->summary), "failed %d of %d runs", failed,
             runs);
    note(r, "the first failing run: %s", was->summary);
    merge_details(r, was);
    if (c->text && was->cause != CAUSE_NOT_PROVOKED)
        note(r, "that run's likely cause: %s", c->text);
    if (was->cause != CAUSE_NOT_PROVOKED) { /* else it is echocheck's */
        r->cause = CAUSE_NONE;
        observe(r, EV_FLAKY);
        blame(r, CAUSE_FLAKY);
    }
    r->flaky_runs = runs, r->flaky_failed = failed;
    free(was);
}

void report_runs(const char *group, const char *name, int failed, int runs)
{
    entry_t *e = entry(group, name);

    if (e != NULL)
        e->runs = runs, e->failed_runs = failed;
}

void report_check(const char *group, const char *name, result_t *r)
{
    root_t *root = r->failed && !own_each_time(r->cause)
                       ? root_of(r->cause, 0) : NULL;

    if (!r->failed) {
        printf("PASS %s/%s\n", group, name);
        junit_add(group, name, 'P', NULL, NULL);
        passed++, g_passed++;
        record(group, name, PASSED, "PASS");
    } else if (root) { /* a fault shown before: judged there */
        char out[300];
        snprintf(out, sizeof(out), "not judged: %s",
                 cause_of(r->cause)->title);
        printf("FAIL %s/%s: %s\n", group, name, out);
        junit_add(group, name, 'F', out, NULL);
        failed++, g_failed++;
        root_add(root, group, name);
        record(group, name, FAILED, out);
    } else {
        const char *word = r->flaky_runs ? "FLAKY" : "FAIL";
        note_cause(r);
        printf("%s %s/%s: %s\n%s", word, group, name, r->summary, r->detail);
        junit_add(group, name, 'F', r->summary, r->detail);
        failed++, g_failed++;
        if ((root = root_of(r->cause, 1)) != NULL) {
            if (!root->summary[0])
                snprintf(root->summary, sizeof(root->summary), "%s",
                         r->summary);
            root_add(root, group, name);
        }
        char *out = Malloc(strlen(r->summary) + r->len + 16);
        sprintf(out, "%s%s\n%s", r->flaky_runs ? "FLAKY: " : "", r->summary,
                r->detail);
        record(group, name, FAILED, out);
        free(out);
    }
    fflush(stdout);
}

void report_skip(const char *group, const char *name, const char *why)
{
    char out[200];

    printf("SKIP %s/%s (%s)\n", group, name, why);
    junit_add(group, name, 'S', NULL, why);
    skipped++, g_skipped++;
    snprintf(out, sizeof(out), "SKIP: %s", why);
    record(group, name, SKIPPED, out);
    fflush(stdout);
}

int cause_shown(int id)
{
    return root_of(id, 0) != NULL;
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

/* The root causes, a line each, into buf; returns its length. */
static size_t roots_text(char *buf, size_t size)
{
    size_t o = 0;

    buf[0] = '\0';
    for (int i = 0; i < n_roots && o < size; i++) {
        const cause_t *c = cause_of(roots[i].cause);
        int w = roots[i].cause != CAUSE_NONE
                    ? snprintf(buf + o, size - o, "%s: %s (%s)\n", c->key,
                               c->title, roots[i].checks)
                    : snprintf(buf + o, size - o, "no cause named: %s (%s)\n",
                               roots[i].summary, roots[i].checks);
        o += w > 0 ? (size_t)w : 0;
    }
    return o < size ? o : size - 1;
}

static const char *const state_names[] = { "failed", "passed", "failed",
                                           "passed" };

/* One entry of the tests array. */
static void json_entry(FILE *f, const entry_t *e, int last)
{
    int max = e->state == SKIPPED ? 0 : check_points(e->name);

    fputs("    {\"name\": ", f);
    json_string(f, e->name);
    fprintf(f, ", \"status\": \"%s\", \"score\": %d, \"max_score\": %d, "
               "\"output\": ", state_names[e->state],
            e->state == PASSED ? max : 0, max);
    json_string(f, e->output);
    if (e->runs > 0) /* --repeat: Gradescope keeps extra_data as given */
        fprintf(f, ", \"extra_data\": {\"failed_runs\": %d, \"runs\": %d}",
                e->failed_runs, e->runs);
    fprintf(f, "}%s\n", last ? "" : ",");
}

/* Writes the results so far: into a file beside it, then renamed over
 * it, so that the file is whole at every moment, Ctrl-C included. */
static int write_json(void)
{
    char tmp[4096], roots_buf[4000];
    int score = 0;

    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", opt.json, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "echocheck: cannot write %s: %s\n", tmp,
                strerror(errno));
        return -1;
    }
    fputs("{\n  \"tests\": [\n", f);
    for (int i = 0; i < n_entries; i++) {
        score += entries[i].state == PASSED ? check_points(entries[i].name) : 0;
        json_entry(f, &entries[i], i + 1 == n_entries);
    }
    roots_text(roots_buf, sizeof(roots_buf));
    fputs("  ],\n  \"output\": ", f);
    json_string(f, roots_buf);
    fputs(",\n  \"extra_data\": {\"isolation\": {\"mode\": ", f);
    json_string(f, isolation.on ? "namespaces" : "none");
    fputs(", \"why\": ", f);
    json_string(f, isolation.why);
    fprintf(f, "}},\n  \"score\": %d\n}\n", score);
    if (fclose(f) != 0 || rename(tmp, opt.json) < 0) {
        fprintf(stderr, "echocheck: cannot write %s: %s\n", opt.json,
                strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int report_begin(void)
{
    return opt.json ? write_json() : 0;
}

void report_interrupted(void)
{
    sio_puts("== interrupted: the checks not run are not counted\n");
    sio_putl(passed);
    sio_puts(" passed, ");
    sio_putl(failed);
    sio_puts(" failed");
    if (skipped > 0) {
        sio_puts(", ");
        sio_putl(skipped);
        sio_puts(" skipped");
    }
    sio_puts("\n");
}

int report_finish(void)
{
    char buf[4000];

    if (roots_text(buf, sizeof(buf)) > 0)
        printf("== root causes\n%s", buf);
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
    /* No client came yet: a report says why it did not start, not that
     * a client's error ended it. */
    observe_output(&r, &in->out);
    if (has_seen(&r, EV_RUNTIME_REPORT) || has_seen(&r, EV_WRAPPER_MSG))
        observe(&r, EV_START_REPORT);
    if (!inst_alive(in) && out_head_says(&in->out, "usage"))
        observe(&r, EV_USAGE);
    if (!blame(&r, CAUSE_USAGE))
        blame(&r, CAUSE_START_REPORT);
    if (!inst_alive(in))
        note_death(&r, in); /* how it ended, what it printed */
    else
        note_output(&r, &in->out);
    note(&r, "the command: %s", in->cmdline);
    note_cause(&r);
    if (!opt.no_mem_limit && strstr(r.detail, "Sanitizer"))
        note(&r, "(a sanitizer cannot start under echocheck's "
                 "address-space limit: add --no-mem-limit)");
    printf("FAIL start: %s\n%s", r.summary, r.detail);
    junit_add("start", "start", 'F', r.summary, r.detail);
    failed++;
    char *out = Malloc(strlen(r.summary) + r.len + 2);
    sprintf(out, "%s\n%s", r.summary, r.detail);
    static const char never[] = "not judged: the server never listened";
    for (int i = 0; i < n_entries; i++) {
        entry_t *e = &entries[i];
        if (e->state == PENDING) {
            free(e->output);
            e->output = strdup(never);
            e->state = FAILED;
        }
        char group[sizeof(e->name)]; /* the JUnit file lists them too */
        memcpy(group, e->name, sizeof(group));
        char *slash = strchr(group, '/');
        if (slash == NULL)
            continue;
        *slash = '\0';
        if (e->state == SKIPPED) /* its output: "SKIP: why" */
            junit_add(group, slash + 1, 'S', NULL, e->output + 6);
        else
            junit_add(group, slash + 1, 'F', never, NULL);
    }
    root_t *root = root_of(r.cause, 1);
    if (root) {
        snprintf(root->summary, sizeof(root->summary), "%s", r.summary);
        root_add(root, "start", "");
    }
    record("start", "", FAILED, out);
    free(out);
    return report_finish();
}
