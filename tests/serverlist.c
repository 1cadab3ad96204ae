/*
 * serverlist.c - reads tests/servers.txt, the one list of the servers and
 * their traits, for the C tests (tests/serverlist.sh does it for sh).
 */
#include "testlib.h"

#define LIST_PATH "tests/servers.txt" /* tests run from the top of the tree */
#define LIST_MAX 32

static server_info_t list[LIST_MAX];
static size_t count = (size_t)-1; /* not read yet */

/* Reads the list once; a missing or malformed list fails loudly. */
static void load(void)
{
    char line[256];
    FILE *f = fopen(LIST_PATH, "r");

    if (f == NULL) {
        fprintf(stderr, "cannot read %s: %s (run from the top of the tree)\n",
                LIST_PATH, strerror(errno));
        exit(1);
    }
    count = 0;
    while (fgets(line, sizeof(line), f) != NULL && count < LIST_MAX) {
        server_info_t *s = &list[count];
        if (line[0] == '#' || sscanf(line, "%31s", s->name) != 1)
            continue; /* a comment or a blank line */
        if (sscanf(line, "%31s %15s %7s %15s %31s", s->name, s->model,
                   s->serves, s->runs, s->pool) != 5) {
            fprintf(stderr, "%s: malformed line: %s", LIST_PATH, line);
            exit(1);
        }
        count++;
    }
    fclose(f);
}

const server_info_t *server_list(size_t *n)
{
    if (count == (size_t)-1)
        load();
    *n = count;
    return list;
}

const server_info_t *server_info(const char *prog)
{
    const char *slash = strrchr(prog, '/');
    const char *name = slash ? slash + 1 : prog;
    size_t n;
    const server_info_t *all = server_list(&n);

    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}

int server_has(const char *prog, const char *field, const char *value)
{
    const server_info_t *s = server_info(prog);

    if (s == NULL)
        return 0;
    if (strcmp(field, "model") == 0)
        return strcmp(s->model, value) == 0;
    if (strcmp(field, "serves") == 0)
        return strcmp(s->serves, value) == 0;
    if (strcmp(field, "runs") == 0)
        return strcmp(s->runs, value) == 0;
    return 0;
}

int server_pool_args(const server_info_t *s, int n, char args[][16], int max)
{
    char pool[sizeof(s->pool)];
    int nargs = 0;

    if (strcmp(s->pool, "-") == 0)
        return 0;
    snprintf(pool, sizeof(pool), "%s", s->pool);
    for (char *arg = strtok(pool, ","); arg != NULL && nargs < max;
         arg = strtok(NULL, ","), nargs++) {
        if (strcmp(arg, "N") == 0)
            snprintf(args[nargs], sizeof(args[0]), "%d", n);
        else
            snprintf(args[nargs], sizeof(args[0]), "%s", arg);
    }
    return nargs;
}
