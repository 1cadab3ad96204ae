/*
 * points.c - the rubric: --points FILE weights the checks. FILE holds
 * lines "check-id points" (check-id as group/name, points a whole number
 * from 0 to 1000), blank lines and # comments. A check not listed is
 * worth 1. Every writer of scores (the JSON, the JUnit XML, the class
 * report) asks check_points(), so that a rubric means the same in each.
 * A rubric is read once at start-up, before any thread: no lock needed.
 */
#include "echocheck.h"

#define MAX_POINTS 1000

typedef struct {
    char id[64];
    int points;
} weight_t;

static weight_t *weights; /* the rubric's lines, in file order */
static int n_weights;

/* Exits 2 with "FILE:LINE: why", as a usage error would. */
static void bad_line(const char *path, int lineno, const char *fmt,
                     const char *arg)
{
    fprintf(stderr, "echocheck: %s:%d: ", path, lineno);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(2);
}

static const weight_t *lookup(const char *id)
{
    for (int i = 0; i < n_weights; i++)
        if (strcmp(weights[i].id, id) == 0)
            return &weights[i];
    return NULL;
}

/* One line of the rubric, comment already cut: "id points" or blank. */
static void parse_line(const char *path, int lineno, char *line)
{
    char *save, *id = strtok_r(line, " \t\r\n", &save);
    char *value = id ? strtok_r(NULL, " \t\r\n", &save) : NULL;
    long n;

    if (id == NULL)
        return;
    if (value == NULL || strtok_r(NULL, " \t\r\n", &save) != NULL)
        bad_line(path, lineno, "want 'check-id points', got '%s ...'", id);
    if (parse_number(value, 0, MAX_POINTS, &n) < 0)
        bad_line(path, lineno, "bad points '%s': want a whole number from "
                               "0 to 1000", value);
    if (find_check(id, NULL) == NULL)
        bad_line(path, lineno, "unknown check '%s' (a check id is "
                               "group/name, as PASS and FAIL lines show it)",
                 id);
    if (lookup(id) != NULL)
        bad_line(path, lineno, "'%s' is listed twice", id);
    weights = Realloc(weights, sizeof(*weights) * (size_t)(n_weights + 1));
    snprintf(weights[n_weights].id, sizeof(weights[0].id), "%s", id);
    weights[n_weights++].points = (int)n;
}

void points_load(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int lineno = 0;

    if (f == NULL) {
        fprintf(stderr, "echocheck: cannot read %s: %s\n", path,
                strerror(errno));
        exit(2);
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f))
            bad_line(path, lineno, "%s", "line too long");
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        parse_line(path, lineno, line);
    }
    fclose(f);
}

int check_points(const char *id)
{
    /* "start" (a server that never listened) is not a check: worth
     * nothing, so that such a server is out of as many points as one
     * that listened. */
    if (strncmp(id, "start", 5) == 0 && (id[5] == '\0' || id[5] == '/'))
        return 0;
    const weight_t *w = lookup(id);
    return w ? w->points : 1;
}
