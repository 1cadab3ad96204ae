/*
 * class_report.c - a class run's report, rewritten whole as each
 * submission ends (so that Ctrl-C, or a crash, leaves the last complete
 * one): OUT/class.csv, a row per submission and a column per check;
 * OUT/class.html, one page that loads nothing from elsewhere and prints
 * well: the statuses, the matrix by lesson, and for each check the share
 * of the submissions checked that failed it and its most frequent cause.
 * A name may hold any byte but '/': CSV fields are quoted, HTML text
 * escaped, links percent-encoded. Also OUT/NAME/status.txt, what results.json does not
 * hold, so that --only can rebuild the report from what was saved.
 */
#include "class.h"

static const char *const status_words[N_STATUS] = {
    "checked", "build failed", "never listened", "crashed at start",
    "timed out", "not run",
};

const char *status_word(int status)
{
    return status >= 0 && status < N_STATUS ? status_words[status] : "?";
}

static const char *const verdict_words[] = { "", "passed", "failed", "flaky",
                                             "skipped" };

/* ---- status.txt ---- */

int save_status(const char *dir, const sub_t *s)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/status.txt", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "status: %s\nwhy: %s\nstopped: %s\nseconds: %.1f\n",
            status_word(s->status), s->why, s->stopped, s->seconds);
    return fclose(f);
}

int load_status(const char *dir, sub_t *s)
{
    char path[4096], line[512];
    snprintf(path, sizeof(path), "%s/status.txt", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    s->status = -1;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *v = strchr(line, ':');
        if (v == NULL || v[1] != ' ')
            continue;
        *v = '\0', v += 2;
        for (int i = 0; i < N_STATUS && strcmp(line, "status") == 0; i++)
            if (strcmp(v, status_words[i]) == 0)
                s->status = i;
        if (strcmp(line, "why") == 0)
            snprintf(s->why, sizeof(s->why), "%s", v);
        else if (strcmp(line, "stopped") == 0)
            snprintf(s->stopped, sizeof(s->stopped), "%s", v);
        else if (strcmp(line, "seconds") == 0)
            s->seconds = atof(v);
    }
    fclose(f);
    if (s->status < 0) {
        s->status = S_NOT_RUN;
        return -1;
    }
    return 0;
}

/* ---- What the class failed ---- */

typedef struct {
    int failed;           /* submissions that failed it (flaky included) */
    const char *cause;    /* the most frequent cause; NULL when none */
    int cause_count;
} check_sum_t;

/* The submissions whose checks ran: what a share is of. */
static int count_checked(const sub_t *subs, int n)
{
    int checked = 0;

    for (int i = 0; i < n; i++)
        checked += subs[i].status == S_CHECKED;
    return checked;
}

static check_sum_t sum_check(const sub_t *subs, int n, int k)
{
    check_sum_t c = { 0, NULL, 0 };

    for (int i = 0; i < n; i++) {
        const cell_t *x = &subs[i].cells[k];
        if (x->verdict != V_FAILED && x->verdict != V_FLAKY)
            continue;
        c.failed++;
        if (x->cause == NULL)
            continue;
        int same = 0;
        for (int m = 0; m < n; m++)
            same += subs[m].cells[k].cause &&
                    strcmp(subs[m].cells[k].cause, x->cause) == 0;
        if (same > c.cause_count)
            c.cause = x->cause, c.cause_count = same;
    }
    return c;
}

/* ---- class.csv ---- */

/* A CSV field, quoted, each " doubled (RFC 4180). */
static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int write_csv(const char *path, const char *out, const sub_t *subs, int n)
{
    (void)out;
    int n_checks;
    const char *const *ids = class_check_ids(&n_checks);
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return -1;
    fputs("submission,status,passed,failed,time,score,max_score", f);
    for (int k = 0; k < n_checks; k++)
        fprintf(f, ",%s", ids[k]);
    fputs(",note,isolation\n", f);
    for (int i = 0; i < n; i++) {
        const sub_t *s = &subs[i];
        csv_field(f, s->name);
        fprintf(f, ",%s,", status_word(s->status));
        if (s->status == S_CHECKED)
            fprintf(f, "%d,%d", s->passed, s->failed);
        else
            fputc(',', f);
        fprintf(f, ",%.1f", s->seconds);
        if (s->status == S_CHECKED)
            fprintf(f, ",%g,%g", s->score, s->max_score);
        else
            fputs(",,", f);
        for (int k = 0; k < n_checks; k++)
            fprintf(f, ",%s", verdict_words[(int)s->cells[k].verdict]);
        fputc(',', f);
        char note[520];
        snprintf(note, sizeof(note), "%s%s%s", s->why,
                 s->why[0] && s->stopped[0] ? "; " : "", s->stopped);
        csv_field(f, note);
        fprintf(f, ",%s\n", s->isolation);
    }
    return fclose(f);
}

/* ---- class.html ---- */

static const char css[] =
    "body{font:14px/1.4 sans-serif;margin:1em 2em;color:#000}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "th,td{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}"
    "th.v{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal}"
    "td.c{text-align:center;min-width:1.4em}"
    ".passed{background:#d8f0d8}.failed{background:#f6d0d0}"
    ".flaky{background:#f6e8b0}.skipped{color:#777}"
    "@media print{body{margin:0;font-size:10px}a{color:#000}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/* A link to a file of OUT/NAME/: every byte but the unreserved ones
 * percent-encoded, so that no name can break out of the attribute. */
static void link_to(FILE *f, const char *name, const char *file)
{
    fputs("<a href=\"", f);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            fputc(*p, f);
        else
            fprintf(f, "%%%02X", *p);
    fprintf(f, "/%s\">%s</a>", file, file);
}

/* Links to those of a submission's files that are in OUT/NAME/ (a build
 * that failed leaves no check's files). */
static void link_files(FILE *f, const char *out, const char *name)
{
    static const char *const files[] = { "echocheck.txt", "build.txt",
                                         "results.json", "junit.xml" };
    char path[4096];

    for (size_t i = 0, shown = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s/%s", out, name, files[i]);
        if (access(path, F_OK) != 0)
            continue;
        fputs(shown++ ? " " : "", f);
        link_to(f, name, files[i]);
    }
}

static void html_statuses(FILE *f, const char *out, const sub_t *subs, int n)
{
    fputs("<h2>Submissions</h2>\n<table><tr><th>submission</th><th>status</th>"
          "<th>passed</th><th>failed</th><th>points</th><th>time</th><th>why</th>"
          "<th>its report</th></tr>\n", f);
    for (int i = 0; i < n; i++) {
        const sub_t *s = &subs[i];
        fputs("<tr><td>", f);
        xml_text(f, s->name);
        fprintf(f, "</td><td>%s</td>", status_word(s->status));
        if (s->status == S_CHECKED)
            fprintf(f, "<td>%d</td><td>%d</td><td>%g of %g</td>", s->passed,
                    s->failed, s->score, s->max_score);
        else
            fputs("<td></td><td></td><td></td>", f);
        fprintf(f, "<td>%.0f s</td><td>", s->seconds);
        xml_text(f, s->why);
        if (s->stopped[0]) {
            fputs(s->why[0] ? "; stopped: " : "stopped: ", f);
            xml_text(f, s->stopped);
        }
        fputs("</td><td>", f);
        link_files(f, out, s->name);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void html_matrix(FILE *f, const sub_t *subs, int n)
{
    static const char *marks[] = { "", "&#10003;", "&#10007;", "~", "&ndash;" };
    int n_checks;
    const char *const *ids = class_check_ids(&n_checks);

    fputs("<h2>The matrix, by lesson</h2>\n<p>&#10003; passed, &#10007; failed, "
          "~ flaky, &ndash; skipped, empty: not checked.</p>\n"
          "<table><tr><th rowspan=\"2\">submission</th>", f);
    for (int k = 0; k < n_checks;) {
        int span = 1;
        while (k + span < n_checks &&
               strcmp(class_check_group(k + span), class_check_group(k)) == 0)
            span++;
        fprintf(f, "<th colspan=\"%d\">%s</th>", span, class_check_group(k));
        k += span;
    }
    fputs("</tr>\n<tr>", f);
    for (int k = 0; k < n_checks; k++)
        fprintf(f, "<th class=\"v\">%s</th>", strchr(ids[k], '/') + 1);
    fputs("</tr>\n", f);
    for (int i = 0; i < n; i++) {
        fputs("<tr><td>", f);
        xml_text(f, subs[i].name);
        fputs("</td>", f);
        for (int k = 0; k < n_checks; k++) {
            int v = subs[i].cells[k].verdict;
            fprintf(f, "<td class=\"c %s\">%s</td>", verdict_words[v], marks[v]);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void html_checks(FILE *f, const sub_t *subs, int n)
{
    int n_checks, checked = count_checked(subs, n);
    const char *const *ids = class_check_ids(&n_checks);

    fputs("<h2>Each check across the class</h2>\n<table><tr><th>check</th>"
          "<th>failed it</th><th>most frequent cause</th></tr>\n", f);
    for (int k = 0; k < n_checks; k++) {
        check_sum_t c = sum_check(subs, n, k);
        fprintf(f, "<tr><td>%s</td><td>%d of %d checked (%d%%)</td><td>", ids[k],
                c.failed, checked, checked ? c.failed * 100 / checked : 0);
        if (c.cause) {
            xml_text(f, c.cause);
            fprintf(f, " (%d)", c.cause_count);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* How the servers were shut in: the mode of each submission checked. */
static void html_isolation(FILE *f, const sub_t *subs, int n)
{
    int on = 0, off = 0;

    for (int i = 0; i < n; i++) {
        if (subs[i].status != S_CHECKED)
            continue;
        on += strcmp(subs[i].isolation, "namespaces") == 0;
        off += strcmp(subs[i].isolation, "none") == 0;
    }
    fprintf(f, "<p>Isolation: %d checked in namespaces (loopback only, its "
               "own processes, writes to its folder and a private /tmp), %d "
               "without (a process group with limits; see each "
               "echocheck.txt for why).</p>\n", on, off);
}

static int write_html(const char *path, const char *out, const sub_t *subs, int n)
{
    FILE *f = fopen(path, "w");
    int count[N_STATUS] = { 0 };

    if (f == NULL)
        return -1;
    for (int i = 0; i < n; i++)
        count[subs[i].status]++;
    fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
               "<title>echocheck: the class</title><style>%s</style></head>\n"
               "<body><h1>echocheck: the class</h1>\n<p>%d submissions:", css, n);
    for (int s = 0, first = 1; s < N_STATUS; s++)
        if (count[s] > 0) {
            fprintf(f, "%s %d %s", first ? "" : ",", count[s], status_words[s]);
            first = 0;
        }
    fputs(".</p>\n", f);
    html_isolation(f, subs, n);
    html_statuses(f, out, subs, n);
    html_matrix(f, subs, n);
    html_checks(f, subs, n);
    fputs("</body></html>\n", f);
    return fclose(f);
}

/* Written to NAME.tmp, then renamed: a reader never sees half a file. */
static int write_whole(const char *out, const char *name, const sub_t *subs, int n,
                       int (*fn)(const char *, const char *, const sub_t *, int))
{
    char path[4096], tmp[4200];

    snprintf(path, sizeof(path), "%s/%s", out, name);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if (fn(tmp, out, subs, n) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "echocheck: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int write_class_report(const char *out, sub_t *subs, int n)
{
    int a = write_whole(out, "class.csv", subs, n, write_csv);
    int b = write_whole(out, "class.html", subs, n, write_html);
    return a < 0 || b < 0 ? -1 : 0;
}

void print_class_summary(const char *out, sub_t *subs, int n)
{
    int count[N_STATUS] = { 0 }, n_checks;
    const char *const *ids = class_check_ids(&n_checks);

    for (int i = 0; i < n; i++)
        count[subs[i].status]++;
    printf("== the class: %d submissions:", n);
    for (int s = 0, first = 1; s < N_STATUS; s++)
        if (count[s] > 0) {
            printf("%s %d %s", first ? "" : ",", count[s], status_words[s]);
            first = 0;
        }
    printf("\n");
    int *failed = Calloc((size_t)n_checks, sizeof(int)), shown = 0;
    int checked = count_checked(subs, n);
    for (int k = 0; k < n_checks; k++)
        failed[k] = sum_check(subs, n, k).failed;
    for (; shown < 5; shown++) {
        int best = -1;
        for (int k = 0; k < n_checks; k++)
            if (failed[k] > 0 && (best < 0 || failed[k] > failed[best]))
                best = k;
        if (best < 0)
            break;
        printf("%s %s: failed by %d of %d checked\n", shown ? "  " : "failed most:",
               ids[best], failed[best], checked);
        failed[best] = 0;
    }
    if (shown == 0)
        printf("failed most: no check failed\n");
    free(failed);
    printf("report: %s/class.html (and class.csv)\n", out);
}
