/*
 * run.c - the groups in order, each on a fresh instance of the server.
 * A server that never gets ready at the start gets one line and no
 * checks. A check is judged only once its own clients are closed and a
 * fresh client is served: a server that dies before that (the process
 * holding the listening socket) fails that check, with its exit status or
 * signal, its output and the cause they show, and the next check starts
 * it again; so does a server that no longer serves.
 */
#include "echocheck.h"
#include "isolate.h"
#include "isolate_cg.h"

const group_t all_groups[] = {
    { "echo", echo_checks, &n_echo_checks },
    { "concurrency", conc_checks, &n_conc_checks },
    { "robustness", robust_checks, &n_robust_checks },
    { "resources", res_checks, &n_res_checks },
    { "shutdown", shutdown_checks, &n_shutdown_checks },
};
const int n_groups = sizeof(all_groups) / sizeof(all_groups[0]);

const check_t *find_check(const char *id, const char **group)
{
    const char *slash = strchr(id, '/');

    for (size_t i = 0; slash && i < sizeof(all_groups) / sizeof(all_groups[0]);
         i++) {
        const group_t *g = &all_groups[i];
        if (strlen(g->name) != (size_t)(slash - id) ||
            strncmp(g->name, id, (size_t)(slash - id)) != 0)
            continue;
        for (int k = 0; k < *g->count; k++)
            if (strcmp(g->checks[k].name, slash + 1) == 0) {
                if (group != NULL)
                    *group = g->name;
                return &g->checks[k];
            }
    }
    return NULL;
}

const char *model_name(void)
{
    static char buf[32];

    if (opt.model == M_ONE)
        return "model one";
    if (opt.model == M_MANY)
        return "model many";
    snprintf(buf, sizeof(buf), "model pool=%d", opt.pool);
    return buf;
}

/* The observations a death gives: how it ended, what it printed, how
 * many clients it had served. */
static void observe_death(result_t *r, instance_t *in)
{
    int sig = status_signal(in->status);
    int one = served_clients - in->served_at_start == 1;

    observe_output(r, &in->out);
    if (!in->reaped || (in->server != in->pid && in->server != 0)) {
        if (one) /* the socket's holder, not our child: no status */
            observe(r, EV_ONE_CLIENT);
        return;
    }
    if (sig == SIGPIPE)
        observe(r, EV_DIED_SIGPIPE);
    else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT)
        observe(r, EV_DIED_MEMORY);
    else if (sig == SIGKILL && cg_oom_kills() > in->oom_at_start) {
        observe(r, EV_MEMORY_CAP);
        note(r, "seen: its cgroup counts an out-of-memory kill since it "
                "started");
    } else if (sig != 0)
        observe(r, EV_KILLED);
    else if (WEXITSTATUS(in->status) == 127 &&
             out_head_says(&in->out, "cannot run ")) {
        observe(r, EV_CANNOT_RUN); /* exec_server's words (instance.c) */
    } else {
        observe(r, EV_EXITED);
        if (one)
            observe(r, EV_ONE_CLIENT);
    }
}

void note_death(result_t *r, instance_t *in)
{
    static const int order[] = { CAUSE_SHARED_FD, CAUSE_RUNTIME,
                                 CAUSE_WRAPPER, CAUSE_SIGPIPE,
                                 CAUSE_MEMORY, CAUSE_ONE_CLIENT,
                                 CAUSE_CANNOT_RUN, CAUSE_EXITED,
                                 CAUSE_MEMORY_CAP, CAUSE_KILLED };

    nap(50); /* its last words through the pipes */
    observe_death(r, in);
    /* EBADF while clients ran at once: most likely one descriptor served
     * by two of them, not one client's error (said "likely"; a server
     * that dies of EBADF with one client at a time keeps exiting-wrapper). */
    if (has_seen(r, EV_CLIENTS_AT_ONCE) &&
        out_report_says(&in->out, "Bad file descriptor"))
        observe(r, EV_EBADF_AT_ONCE);
    note_output(r, &in->out);
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (blame(r, order[i]))
            break;
}

/* "exit status 1", or what is known of a holder that is not our child. */
static void death_text(instance_t *in, char *how, size_t size)
{
    if (in->reaped && (in->server == in->pid || in->server == 0))
        status_text(in->status, how, size);
    else
        snprintf(how, size, "process %d, which held the listening socket, "
                 "ended", (int)in->server);
}

/* A fresh client's line comes back: 0; else r fails with what. */
static int serves_fresh(int port, const char *what, result_t *r)
{
    static const char line[] = "the next client, after that one\n";
    result_t next = { 0 };

    if (echo_once(port, line, sizeof(line) - 1, 0, &next) == 0)
        return 0;
    fail_from(r, what, &next);
    return -1;
}

/* The server died: r fails with how (what r saw before comes after), the
 * cause, and the instance is stopped, so the next check gets a fresh one. */
static void charge_death(check_ctx_t *c, result_t *r, const char *when)
{
    char how[160];

    death_text(&c->srv, how, sizeof(how));
    unfail(r, "seen"); /* the death is the news; what it caused follows */
    fail(r, "the server died %s: %s", when, how);
    if (c->srv.flooded)
        note(r, "stopped by echocheck: it floods its output (more than %d "
                "MiB)", FLOOD_MIB);
    note_death(r, &c->srv);
    inst_stop(&c->srv);
}

/* After a check: its clients are closed; it is judged once a fresh
 * client is served. A server that died by then fails it, and says how;
 * the next check gets a fresh instance. */
static void after_check(check_ctx_t *c, result_t *r)
{
    if (c->srv.pid == 0)
        return; /* stopped by the check on purpose */
    int stuck = !r->failed && inst_alive(&c->srv) &&
                serves_fresh(c->srv.port, "after this check's clients had "
                             "left, a fresh client was not served", r) < 0;
    if (stuck)
        blame_echo(r, CAUSE_NONE);
    /* A failure may be the server on its way out: a client refused or
     * reset while it exits. Its death, if it comes, is this check's. */
    for (long long end = now_ms() + ms(300);
         r->failed && inst_alive(&c->srv) && now_ms() < end; nap(10))
        ;
    if (inst_alive(&c->srv)) {
        if (stuck) { /* the next check gets a server that serves */
            note_last_lines(r, &c->srv);
            inst_stop(&c->srv);
        }
        return;
    }
    charge_death(c, r, "during this check");
}

/* Why check k does not run here, or NULL. */
static const char *skip_why(const check_t *k)
{
    if (!(k->models & opt.model))
        return model_name();
    if (k->needs_proc && !have_procfs())
        return "no /proc on this system to count with";
    if (k->needs_proc == 2 && !have_pss())
        return "no /proc/PID/smaps_rollup on this system to measure memory "
               "with";
    return NULL;
}

/* A server that has served no client in this run, after an earlier check
 * showed that nothing came back at all: a later check's "nothing came
 * back" is that fault again, not the one its check would make of a
 * server that echoes (one client at a time, a crowd refused, the limit
 * met), which would be guessed past the evidence. */
static void still_no_echo(result_t *r)
{
    static const int guesses[] = { CAUSE_NONE, CAUSE_ITERATIVE,
                                   CAUSE_POOL_SHORT, CAUSE_NOT_POOL,
                                   CAUSE_NO_NEXT, CAUSE_BLOCK_READ,
                                   CAUSE_BLOCK_WRITE, CAUSE_PARTIAL_LINE,
                                   CAUSE_CROWD, CAUSE_NEXT_UNSERVED,
                                   CAUSE_EMFILE };

    if (!r->failed || served_clients > 0 || !cause_shown(CAUSE_NO_ECHO) ||
        !(has_seen(r, EV_NOTHING_BACK) || has_seen(r, EV_UNANSWERED)))
        return;
    for (size_t i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++)
        if (r->cause == guesses[i]) {
            r->cause = CAUSE_NO_ECHO; /* judged where it was shown */
            return;
        }
}

/* One run of check k on c's instance (started here when there is none):
 * fills r. */
static void run_once(const char *group, const check_t *k, check_ctx_t *c,
                     int *broken, result_t *r)
{
    /* It died after the last check was judged: this check is the first
     * to meet it, and is not run on a dead server. */
    if (c->srv.pid != 0 && !inst_alive(&c->srv))
        charge_death(c, r, "before this check began");
    if (c->srv.pid == 0 && !*broken && !r->failed && inst_start(&c->srv, 0) < 0) {
        *broken = 1;
        fail(r, "the server did not start again: %s", c->srv.why);
        note_last_lines(r, &c->srv);
        inst_stop(&c->srv);
        observe(r, EV_NO_RESTART);
        blame(r, CAUSE_NO_RESTART);
    }
    if (*broken && !r->failed) {
        fail(r, "not run: the server did not start again (above)");
        r->cause = CAUSE_NO_RESTART; /* shown above: not judged here */
    }
    if (!r->failed) {
        step("%s/%s", group, k->name);
        machine_take(machine_lock_fd(), 1); /* a class run's: see machine.c */
        k->fn(c, r);
        after_check(c, r);
        still_no_echo(r);
        machine_take(machine_lock_fd(), 0);
        if (r->failed && c->srv.pid != 0 && !r->output_shown)
            note_last_lines(r, &c->srv);
    }
}

/* --repeat N: the check N times, each on a fresh instance (its group's
 * state measured again on it). The first failing run is the one shown. */
static void run_repeated(const char *group, const check_t *k, check_ctx_t *c,
                         int *broken, result_t *r)
{
    result_t *one = Malloc(sizeof(result_t));
    int failed_runs = 0;

    for (int i = 0; i < opt.repeat; i++) {
        memset(one, 0, sizeof(*one));
        inst_stop(&c->srv); /* a fresh instance for every run */
        step("run %d of %d", i + 1, opt.repeat);
        run_once(group, k, c, broken, one);
        if (one->failed && failed_runs++ == 0)
            *r = *one;
    }
    free(one);
    if (failed_runs > 0 && failed_runs < opt.repeat)
        flaky(r, failed_runs, opt.repeat);
    report_runs(group, k->name, failed_runs, opt.repeat);
}

/* 0 for a check that --check ID leaves out (its group: main.c). */
static int chosen(const check_t *k)
{
    return !opt.check || strcmp(k->name, strchr(opt.check, '/') + 1) == 0;
}

static void run_check(const char *group, const check_t *k, check_ctx_t *c,
                      int *broken)
{
    result_t r = { 0 };
    const char *skip = skip_why(k);

    if (!chosen(k))
        return;
    if (skip) {
        report_skip(group, k->name, skip);
        return;
    }
    if (opt.repeat > 1)
        run_repeated(group, k, c, broken, &r);
    else
        run_once(group, k, c, broken, &r);
    report_check(group, k->name, &r);
}

/* Lists every check to run in the results, pending, before the first. */
static void plan(void)
{
    for (size_t i = 0; i < sizeof(all_groups) / sizeof(all_groups[0]); i++)
        if (!opt.group || strcmp(opt.group, all_groups[i].name) == 0)
            for (int k = 0; k < *all_groups[i].count; k++)
                if (chosen(&all_groups[i].checks[k]))
                    report_plan(all_groups[i].name, all_groups[i].checks[k].name,
                                skip_why(&all_groups[i].checks[k]));
    report_begin();
}

static int run_group(const group_t *g, check_ctx_t *c, int first)
{
    int broken = 0;

    if (inst_start(&c->srv, 0) < 0) {
        if (first)
            return -1; /* never ready: the caller says it once */
        inst_stop(&c->srv); /* the first check tries again, and says why */
    }
    c->state = NULL;
    for (int i = 0; i < *g->count; i++)
        run_check(g->name, &g->checks[i], c, &broken);
    inst_stop(&c->srv);
    free(c->state);
    c->state = NULL;
    report_tally(g->name);
    return 0;
}

int run_groups(void)
{
    check_ctx_t c = { 0 };
    int first = 1;

    printf("%s\n", isolation_line());
    plan();

    for (size_t i = 0; i < sizeof(all_groups) / sizeof(all_groups[0]); i++) {
        if (opt.group && strcmp(opt.group, all_groups[i].name) != 0)
            continue;
        if (run_group(&all_groups[i], &c, first) < 0) {
            int rc = report_never_ready(&c.srv);
            inst_stop(&c.srv);
            return rc;
        }
        first = 0;
    }
    return report_finish();
}

int serves_next(int port, result_t *r)
{
    return serves_fresh(port, "the next client was not served", r);
}
