/*
 * class_iso.c - a class run's isolation (isolate.h): probed once, before
 * any child, and said in one line; then each submission's build and
 * check are run isolated (each check's mode is in its results.json:
 * one whose server the unused uid cannot run goes without), the check
 * with the same -p PORT for all where asked (each has it to itself in
 * its own network namespace). The class and its report are shown empty
 * to each, but for its own folder. Run as root, each submission gets its own unused
 * uid, and its folder belongs to that uid while it is built and checked
 * (the build writes there); the owners are put back afterwards.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "class.h"
#include "isolate.h"

#include <ftw.h>
#include <limits.h>

#define FIRST_CLASS_UID 2100000000u /* a class's uids: this, + 1000 * ... */

/* Written by class_iso_start, read by the one-threaded job loop. */
static int iso_on;             /* the children run with --isolate */
static char self[PATH_MAX];    /* echocheck, absolute: builds run elsewhere */
static uid_t first_uid;        /* root: submission i runs as first_uid + i */

/* The class and its report, shown empty to each submission's server and
 * build (isolate_fs.c), but for its own folder. */
static void hide_class(void)
{
    char dir[PATH_MAX], out[PATH_MAX], both[2 * PATH_MAX + 2];

    if (realpath(opt.class_dir, dir) == NULL || realpath(opt.out, out) == NULL)
        return;
    snprintf(both, sizeof(both), "%s\n%s", dir, out);
    setenv("ECHOCHECK_HIDE", both, 1);
}

void class_iso_start(void)
{
    char why[240];

    if (strchr(opt.argv0, '/') == NULL || realpath(opt.argv0, self) == NULL)
        snprintf(self, sizeof(self), "%s", opt.argv0);
    opt.argv0 = self; /* the children run in their submission's folder */
    first_uid = FIRST_CLASS_UID + (uid_t)(getpid() % 1000) * 1000;
    if (opt.isolate == ISO_OFF) {
        printf("isolation: off (--no-isolate)\n");
        return;
    }
    if (isolate_probe(NULL, why, sizeof(why)) < 0) {
        if (opt.isolate == ISO_REQUIRED) {
            fprintf(stderr, "echocheck: --isolate: isolation cannot be had "
                    "here: %s\n", why);
            exit(2);
        }
        printf("isolation: off (%s; each server runs in a process group "
               "with limits)\n", why);
        return;
    }
    iso_on = 1;
    hide_class();
    printf("isolation: on, for each submission's build and check\n");
}

/* The options that carry the mode (and -p) to a child; k advanced. */
void class_iso_args(char **argv, int *k, char *port, size_t size)
{
    /* As asked; by default each child finds its own way (a server
     * command the unused uid cannot run is checked without, and its
     * echocheck.txt and the isolation column say so). */
    if (opt.isolate != ISO_AUTO)
        argv[(*k)++] = opt.isolate == ISO_OFF ? "--no-isolate" : "--isolate";
    if (opt.port) {
        snprintf(port, size, "%d", opt.port);
        argv[(*k)++] = "-p", argv[(*k)++] = port;
    }
}

/* The build's command: sh -c CMD, through echocheck when isolated. */
int class_iso_build_argv(char **argv, char *cmd)
{
    int k = 0;

    if (iso_on)
        argv[k++] = self, argv[k++] = "--isolate", argv[k++] = "--run-build",
        argv[k++] = "--";
    argv[k++] = "sh", argv[k++] = "-c", argv[k++] = cmd;
    argv[k] = NULL;
    return k;
}

/* ---- Root: the folder lent to the submission's uid ---- */

typedef struct {
    char *path;
    uid_t uid;
    gid_t gid;
} owner_t;

struct owners { /* a submission's files and their owners, by path */
    owner_t *v;
    int n, cap;
    uid_t top_uid;
    gid_t top_gid;
    uid_t uid;     /* the submission's, lent the folder */
};

/* nftw passes no pointer: the walk in progress (the loop runs one). */
static struct owners *walking;
static uid_t walk_uid;

static int lend_one(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)flag, (void)ftw;
    if (walking->n == walking->cap) {
        walking->cap = walking->cap ? walking->cap * 2 : 64;
        walking->v = Realloc(walking->v, (size_t)walking->cap * sizeof(owner_t));
    }
    owner_t *o = &walking->v[walking->n++];
    o->path = strdup(path), o->uid = st->st_uid, o->gid = st->st_gid;
    if (lchown(path, walk_uid, (gid_t)walk_uid) < 0)
        fprintf(stderr, "echocheck: chown %s: %s\n", path, strerror(errno));
    return 0;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const owner_t *)a)->path, ((const owner_t *)b)->path);
}

struct owners *class_iso_lend(const char *dir)
{
    static uid_t next; /* the loop's: one uid per submission run */
    struct stat st;

    if (!iso_on || geteuid() != 0 || lstat(dir, &st) < 0)
        return NULL;
    struct owners *o = Calloc(1, sizeof(*o));
    o->top_uid = st.st_uid, o->top_gid = st.st_gid;
    o->uid = walk_uid = first_uid + next++;
    walking = o;
    nftw(dir, lend_one, 32, FTW_PHYS);
    qsort(o->v, (size_t)o->n, sizeof(owner_t), by_path);
    return o;
}

static int give_back_one(const char *path, const struct stat *st, int flag,
                         struct FTW *ftw)
{
    owner_t key = { (char *)path, 0, 0 };
    owner_t *was = bsearch(&key, walking->v, (size_t)walking->n,
                           sizeof(owner_t), by_path);

    (void)st, (void)flag, (void)ftw;
    if (lchown(path, was ? was->uid : walking->top_uid,
               was ? was->gid : walking->top_gid) < 0)
        fprintf(stderr, "echocheck: chown %s: %s\n", path, strerror(errno));
    return 0;
}

/* Before a child of the submission's starts: the uid it is to run as
 * (isolate.c reads ECHOCHECK_UID), or none. */
void class_iso_env(const struct owners *o)
{
    char uid[32];

    if (o == NULL) {
        unsetenv("ECHOCHECK_UID");
        return;
    }
    snprintf(uid, sizeof(uid), "%u", (unsigned)o->uid);
    setenv("ECHOCHECK_UID", uid, 1);
}

/* The owners as they were; what the build made goes to the folder's. */
void class_iso_give_back(const char *dir, struct owners *o)
{
    if (o == NULL)
        return;
    walking = o;
    nftw(dir, give_back_one, 32, FTW_PHYS);
    for (int i = 0; i < o->n; i++)
        free(o->v[i].path);
    free(o->v);
    free(o);
}
