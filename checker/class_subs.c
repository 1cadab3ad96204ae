/*
 * class_subs.c - a class run's submissions: the folders of DIR, and each
 * one's row of the report as it starts (an --only run keeps the others'
 * saved rows).
 */
#include "class.h"

#include <dirent.h>
#include <sys/stat.h>

/* a/b, a new string. */
char *path_join(const char *a, const char *b)
{
    char *out = Malloc(strlen(a) + strlen(b) + 2);
    sprintf(out, "%s/%s", a, b);
    return out;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* path made absolute (from the working directory); a new string. */
char *absolute(const char *path)
{
    char cwd[4096];

    if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
        return strdup(path);
    return path_join(cwd, path);
}

/* The direct subfolders of DIR, sorted, hidden ones and OUT left out. */
char **list_submissions(int *n)
{
    DIR *d = opendir(opt.class_dir);
    struct dirent *e;
    struct stat out;
    char **names = NULL;
    int cap = 0;

    *n = 0;
    if (d == NULL)
        return NULL;
    if (stat(opt.out, &out) < 0)
        out.st_ino = 0;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        char *path = path_join(opt.class_dir, e->d_name);
        int take = e->d_name[0] != '.' && stat(path, &st) == 0 &&
                   S_ISDIR(st.st_mode) &&
                   !(st.st_ino == out.st_ino && st.st_dev == out.st_dev);
        free(path);
        if (!take)
            continue;
        if (*n == cap)
            names = Realloc(names, (size_t)(cap = cap ? cap * 2 : 64) * sizeof(*names));
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (*n > 0)
        qsort(names, (size_t)*n, sizeof(*names), by_name);
    return names;
}

/* Each submission of the report: those of --only's earlier run as they
 * were saved, the rest not run yet. */
sub_t *make_subs(char **names, int n)
{
    int n_checks;
    sub_t *subs = Calloc((size_t)n, sizeof(*subs));

    class_check_ids(&n_checks);
    for (int i = 0; i < n; i++) {
        sub_t *s = &subs[i];
        s->name = names[i];
        s->status = S_NOT_RUN;
        s->cells = Calloc((size_t)n_checks, sizeof(*s->cells));
        if (!opt.only || strcmp(opt.only, names[i]) == 0)
            continue;
        char *dir = path_join(opt.out, names[i]);
        if (load_status(dir, s) < 0)
            snprintf(s->why, sizeof(s->why), "not in this report yet");
        else {
            char *json = path_join(dir, "results.json");
            sub_t read = *s; /* the saved status stays; the cells are read */
            read_results(json, &read);
            s->passed = read.passed, s->failed = read.failed;
            s->score = read.score, s->max_score = read.max_score;
            free(json);
        }
        free(dir);
    }
    return subs;
}

void free_subs(char **names, sub_t *subs, int n)
{
    int n_checks;

    class_check_ids(&n_checks);
    for (int i = 0; i < n; i++) {
        for (int c = 0; c < n_checks; c++)
            free(subs[i].cells[c].cause);
        free(subs[i].cells);
        free(names[i]);
    }
    free(subs);
    free(names);
}
