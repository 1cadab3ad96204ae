/*
 * class.c - echocheck --class: every direct subfolder of DIR is a
 * submission; each is built (--build, in its folder) and then checked by
 * a child echocheck with its own results.json and junit.xml, -P at once,
 * and gets exactly one status. One thread runs it all: a loop that reads
 * the children's output, watches their deadlines and servers, and writes
 * the report as each submission ends. Ctrl-C ends every child (and all
 * they began), keeps what was written and exits 130.
 */
#include "class.h"

#include <poll.h>
#include <sys/stat.h>

#define BUILD_LIMIT_S 120                 /* a build's own time limit */
#define BUILD_CAP (256 * 1024)            /* build.txt keeps this much */
#define CHECK_CAP (1024 * 1024)           /* echocheck.txt keeps this much */
#define FLOOD_BYTES (64LL * 1024 * 1024)  /* a build printing more floods */
#define GRACE_MS 2000                     /* SIGTERM, then SIGKILL */

enum { P_WAIT, P_BUILD, P_CHECK, P_DONE };

typedef struct {
    sub_t *s;
    char *dir;            /* the submission's folder, absolute */
    char *outdir;         /* OUT/NAME */
    int phase;
    child_t c;
    long long t0;         /* when it started */
    int why_stop;         /* 0, or T_*: why the driver stopped the child */
    long long next_watch; /* when to look at its server again */
    int reported;         /* its end is in the report */
    struct owners *owners; /* root, isolated: its folder lent (class_iso.c) */
} job_t;

enum { T_TIME = 1, T_BUILD_TIME, T_FLOOD, T_CTRL_C };

/* Set by the signal handlers, read by the loop. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

static FILE *open_in(const job_t *j, const char *file)
{
    char *path = path_join(j->outdir, file);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        fprintf(stderr, "echocheck: cannot write %s: %s\n", path, strerror(errno));
    free(path);
    return f;
}

static void clear_cells(sub_t *s)
{
    int n;
    class_check_ids(&n);
    for (int i = 0; i < n; i++) {
        free(s->cells[i].cause);
        s->cells[i].cause = NULL;
        s->cells[i].verdict = V_NONE;
    }
    s->passed = s->failed = 0;
    s->score = s->max_score = 0;
    s->why[0] = s->stopped[0] = '\0';
}

/* ---- A submission's phases ---- */

static void finish(job_t *j, int status, const char *why)
{
    j->s->status = status;
    if (why && !j->s->why[0])
        snprintf(j->s->why, sizeof(j->s->why), "%s", why);
    j->s->seconds = (double)(now_ms() - j->t0) / 1000.0;
    j->phase = P_DONE;
    class_iso_give_back(j->dir, j->owners);
    j->owners = NULL;
}

static void start_check(job_t *j)
{
    char *argv[24];
    int k = 0;
    char repeat[16], port[16];
    char *json = path_join(j->outdir, "results.json");
    char *junit = path_join(j->outdir, "junit.xml");

    argv[k++] = (char *)opt.argv0;
    if (opt.model_arg)
        argv[k++] = "-m", argv[k++] = (char *)opt.model_arg;
    if (opt.repeat > 1) {
        snprintf(repeat, sizeof(repeat), "%d", opt.repeat);
        argv[k++] = "--repeat", argv[k++] = repeat;
    }
    if (opt.no_mem_limit)
        argv[k++] = "--no-mem-limit";
    if (opt.points)
        argv[k++] = "--points", argv[k++] = (char *)opt.points;
    class_iso_args(argv, &k, port, sizeof(port));
    argv[k++] = "-j", argv[k++] = json;
    argv[k++] = "--junit", argv[k++] = junit;
    argv[k++] = "--";
    int n = 0;
    while (opt.cmd[n])
        n++;
    char **full = Calloc((size_t)(k + n + 1), sizeof(char *));
    memcpy(full, argv, (size_t)k * sizeof(char *));
    for (int i = 0; i < n; i++)
        full[k + i] = replace_all(opt.cmd[i], "{dir}", j->dir);
    FILE *f = open_in(j, "echocheck.txt");
    class_iso_env(j->owners);
    if (f == NULL || child_start(&j->c, full, j->dir, f, CHECK_CAP) < 0) {
        if (f)
            fclose(f);
        finish(j, S_NOT_RUN, "echocheck could not be started");
    } else
        j->phase = P_CHECK;
    for (int i = 0; i < n; i++)
        free(full[k + i]);
    free(full), free(json), free(junit);
}

static void start_build(job_t *j)
{
    j->phase = P_BUILD;
    FILE *f = open_in(j, "build.txt");
    if (f == NULL) {
        finish(j, S_NOT_RUN, "its build.txt could not be written");
        return;
    }
    if (!opt.build) {
        fputs("(no --build: nothing was built)\n", f);
        fclose(f);
        start_check(j);
        return;
    }
    char *quoted = shell_quoted(j->dir), *cmd = replace_all(opt.build, "{dir}", quoted);
    char *argv[8];
    class_iso_build_argv(argv, cmd);
    fprintf(f, "$ %s\n", cmd);
    class_iso_env(j->owners);
    if (child_start(&j->c, argv, j->dir, f, BUILD_CAP) < 0) {
        fclose(f);
        finish(j, S_NOT_RUN, "the build could not be started");
    }
    free(quoted), free(cmd);
}

/* A check's files of an earlier run (--only) removed: never read as this
 * run's results, nor linked from the report when this build fails. */
static void forget_check(const job_t *j)
{
    static const char *const files[] = { "echocheck.txt", "results.json",
                                         "junit.xml" };

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *path = path_join(j->outdir, files[i]);
        unlink(path);
        free(path);
    }
}

static void start_job(job_t *j)
{
    j->t0 = now_ms();
    j->why_stop = 0;
    clear_cells(j->s);
    mkdir(j->outdir, 0777);
    forget_check(j);
    j->owners = class_iso_lend(j->dir);
    start_build(j);
}

/* The build ended: on to the checks, or its status. */
static void build_ended(job_t *j)
{
    char how[96];
    int ok = WIFEXITED(j->c.status) && WEXITSTATUS(j->c.status) == 0;

    status_text(j->c.status, how, sizeof(how));
    if (j->why_stop == T_TIME)
        finish(j, S_TIMED_OUT, "while building");
    else if (j->why_stop == T_BUILD_TIME)
        snprintf(j->s->why, sizeof(j->s->why), "the build took more than %d s",
                 BUILD_LIMIT_S);
    else if (j->why_stop == T_FLOOD)
        snprintf(j->s->stopped, sizeof(j->s->stopped),
                 "floods its output: the build printed more than %lld MiB",
                 FLOOD_BYTES >> 20);
    else if (!ok)
        snprintf(j->s->why, sizeof(j->s->why), "the build ended with %s", how);
    if (j->c.file)
        fprintf(j->c.file, "\n[build: %s]\n", ok && !j->why_stop ? "done" : how);
    child_close(&j->c);
    if (j->phase == P_DONE)
        return;
    if (ok && !j->why_stop)
        start_check(j);
    else
        finish(j, S_BUILD_FAILED, j->s->stopped[0] ? "stopped" : NULL);
}

/* The check ended: its status from how it ended and what it wrote. */
static int check_ended(job_t *j)
{
    char how[96], *json = path_join(j->outdir, "results.json");
    int read = read_results(json, j->s), failed_run = 0;

    free(json);
    status_text(j->c.status, how, sizeof(how));
    child_close(&j->c);
    if (j->why_stop == T_TIME) {
        char why[64], stopped[sizeof(j->s->stopped)];
        snprintf(why, sizeof(why), "took more than %d s", opt.time_limit);
        memcpy(stopped, j->s->stopped, sizeof(stopped));
        clear_cells(j->s); /* not checked: what the cut run wrote is not a verdict */
        memcpy(j->s->stopped, stopped, sizeof(stopped));
        finish(j, S_TIMED_OUT, why);
    } else if (read < 0 || !WIFEXITED(j->c.status) || WEXITSTATUS(j->c.status) > 1) {
        char why[160];
        snprintf(why, sizeof(why), "echocheck itself failed (%s): see "
                 "echocheck.txt", how);
        finish(j, S_NOT_RUN, why);
        failed_run = 1;
    } else
        finish(j, j->s->status, NULL); /* read_results set it */
    return failed_run;
}

/* ---- The loop ---- */

static void stop_child(job_t *j, int why)
{
    if (!j->why_stop)
        j->why_stop = why;
    child_stop(&j->c, j->phase == P_CHECK ? GRACE_MS : 0);
}

/* Deadlines, floods and the server's excesses of one running job. */
static void police(job_t *j)
{
    long long now = now_ms();

    if (now >= j->t0 + (long long)opt.time_limit * 1000)
        stop_child(j, T_TIME);
    else if (j->phase == P_BUILD && now >= j->t0 + BUILD_LIMIT_S * 1000LL)
        stop_child(j, T_BUILD_TIME);
    else if (j->phase == P_BUILD && j->c.total > FLOOD_BYTES)
        stop_child(j, T_FLOOD);
    if (j->phase == P_CHECK && !j->why_stop && now >= j->next_watch) {
        j->next_watch = now + 250;
        char why[200];
        if (watch_session(j->c.pid, why, sizeof(why)) && !j->s->stopped[0])
            snprintf(j->s->stopped, sizeof(j->s->stopped), "%s", why);
    }
}

/* Moves one job on: its output, its limits, its end (then P_DONE). */
static void step_job(job_t *j, int *failed_run)
{
    child_pump(&j->c);
    if (stop_signal)
        stop_child(j, T_CTRL_C);
    else
        police(j);
    if (!child_done(&j->c))
        return;
    if (j->why_stop == T_CTRL_C) {
        child_close(&j->c);
        finish(j, S_NOT_RUN, "Ctrl-C came first");
    } else if (j->phase == P_BUILD)
        build_ended(j);
    else
        *failed_run |= check_ended(j);
}

/* Waits up to 200 ms for any child's output. */
static void wait_output(job_t *jobs, int n)
{
    struct pollfd p[256];
    int k = 0;

    for (int i = 0; i < n && k < 256; i++)
        if ((jobs[i].phase == P_BUILD || jobs[i].phase == P_CHECK) && jobs[i].c.out >= 0)
            p[k++] = (struct pollfd){ .fd = jobs[i].c.out, .events = POLLIN };
    if (poll(p, (nfds_t)k, 200) < 0 && errno != EINTR)
        nap(200);
}

/* The meter's one line (a tty), or a plain line per finished submission. */
static void show(job_t *jobs, int n, int done, int total, const sub_t *ended)
{
    static int tty = -1;

    if (tty < 0)
        tty = isatty(1);
    if (ended) {
        printf("%s%s: %s", tty ? "\r\033[K" : "", ended->name, status_word(ended->status));
        if (ended->status == S_CHECKED)
            printf(", %d passed, %d failed", ended->passed, ended->failed);
        printf("%s%s%s%s (%.0f s)\n", ended->why[0] ? ": " : "", ended->why,
               ended->stopped[0] ? "; stopped: " : "", ended->stopped,
               ended->seconds);
    }
    if (!tty)
        return;
    printf("\r\033[K[%d/%d]", done, total);
    for (int i = 0, shown = 0; i < n && shown < 3; i++)
        if (jobs[i].phase == P_BUILD || jobs[i].phase == P_CHECK)
            printf("%s %.20s (%s)", shown++ ? "," : " now:", jobs[i].s->name,
                   jobs[i].phase == P_BUILD ? "building" : "checking");
    fflush(stdout);
}

/* Runs the jobs in queue, -P at once; 1 when the run itself failed. */
static int run_jobs(job_t *queue, int n, sub_t *subs, int n_subs)
{
    int next = 0, done = 0, failed_run = 0;

    while (done < n) {
        int running = 0;
        for (int i = 0; i < next; i++)
            running += queue[i].phase != P_DONE;
        while (!stop_signal && running < opt.jobs && next < n) {
            start_job(&queue[next++]);
            running++;
        }
        wait_output(queue, next);
        for (int i = 0; i < next; i++) {
            job_t *j = &queue[i];
            if (j->phase != P_DONE)
                step_job(j, &failed_run);
            if (j->phase != P_DONE || j->reported)
                continue;
            j->reported = 1;
            done++;
            save_status(j->outdir, j->s);
            if (write_class_report(opt.out, subs, n_subs) < 0)
                failed_run = 1;
            show(queue, next, done, n, j->s);
        }
        for (; stop_signal && next < n; next++) { /* never started */
            queue[next].phase = P_DONE;
            snprintf(queue[next].s->why, sizeof(queue[next].s->why),
                     "Ctrl-C came first");
        }
        show(queue, next, done, n, NULL);
    }
    for (int i = 0; i < n && !stop_signal; i++)
        failed_run |= queue[i].s->status == S_NOT_RUN; /* ours to blame */
    return failed_run;
}

static void install_stop_handlers(void)
{
    struct sigaction sa = { 0 };
    int sigs[] = { SIGINT, SIGTERM, SIGHUP };

    sa.sa_handler = on_stop; /* no SA_RESTART: poll returns at once */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}

/* The queue: every submission, or --only's one; NULL when it is none. */
static job_t *make_queue(sub_t *subs, int n, int *n_queue)
{
    job_t *queue = Calloc((size_t)n, sizeof(*queue));

    *n_queue = 0;
    for (int i = 0; i < n; i++) {
        if (opt.only && strcmp(opt.only, subs[i].name) != 0)
            continue;
        job_t *j = &queue[(*n_queue)++];
        char *dir = path_join(opt.class_dir, subs[i].name);
        j->s = &subs[i];
        j->dir = absolute(dir);
        j->outdir = path_join(opt.out, subs[i].name);
        free(dir);
    }
    return queue;
}

/* Everything class_run made, given back: a leak checker watches this run
 * in CI, and a leak it reported at exit would hide a real one. */
static void free_run(char **names, sub_t *subs, int n, job_t *queue,
                     int n_queue)
{
    for (int i = 0; i < n_queue; i++) {
        free(queue[i].dir);
        free(queue[i].outdir);
    }
    free(queue);
    free_subs(names, subs, n);
}

int class_run(void)
{
    int n, n_queue;
    char **names = list_submissions(&n);

    if (names == NULL && n == 0 && access(opt.class_dir, R_OK) < 0) {
        fprintf(stderr, "echocheck: cannot read %s: %s\n", opt.class_dir,
                strerror(errno));
        return 2;
    }
    if (mkdir(opt.out, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "echocheck: cannot make %s: %s\n", opt.out,
                strerror(errno));
        return 1;
    }
    char *out = absolute(opt.out), *points = NULL;
    opt.out = out; /* the checks run in their submissions' folders */
    if (opt.points)
        opt.points = points = absolute(opt.points);
    sub_t *subs = make_subs(names, n);
    job_t *queue = make_queue(subs, n, &n_queue);
    if (opt.only && n_queue == 0) {
        fprintf(stderr, "echocheck: --only %s: no such submission in %s\n",
                opt.only, opt.class_dir);
        free_run(names, subs, n, queue, n_queue);
        free(out), free(points);
        return 2;
    }
    class_iso_start();
    install_stop_handlers();
    /* The children's checks take turns on the machine (machine.c). */
    char *lock = path_join(opt.out, ".lock");
    setenv("ECHOCHECK_LOCK", lock, 1);
    free(lock);
    printf("%d submission%s in %s, %d at once; the report: %s/class.html\n",
           n_queue, n_queue == 1 ? "" : "s", opt.class_dir, opt.jobs, opt.out);
    int failed_run = run_jobs(queue, n_queue, subs, n);
    if (write_class_report(opt.out, subs, n) < 0)
        failed_run = 1;
    print_class_summary(opt.out, subs, n);
    free_run(names, subs, n, queue, n_queue);
    free(out), free(points);
    if (stop_signal)
        return 128 + stop_signal;
    return failed_run ? 1 : 0;
}
