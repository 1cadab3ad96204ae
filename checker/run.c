/*
 * run.c - the groups in order, each on a fresh instance of the server.
 * A server that never gets ready at the start gets one line and no
 * checks; a server that dies during a check fails that check (with its
 * exit status or signal, and what that usually means), and the next
 * check starts it again.
 */
#include "echocheck.h"

const group_t all_groups[] = {
    { "echo", echo_checks, &n_echo_checks },
    { "concurrency", conc_checks, &n_conc_checks },
    { "robustness", robust_checks, &n_robust_checks },
    { "resources", res_checks, &n_res_checks },
    { "shutdown", shutdown_checks, &n_shutdown_checks },
};
const int n_groups = sizeof(all_groups) / sizeof(all_groups[0]);

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

/* What a death by this status usually means, in the lecture's terms. */
void note_death(result_t *r, int status)
{
    int sig = status_signal(status);

    if (sig == SIGPIPE)
        note(r, "likely cause: a client left before reading its echo, and the "
                "write to it raised SIGPIPE, whose default action ends the "
                "whole server; ignore SIGPIPE at start-up, as server.c does, "
                "so that the write fails with EPIPE and only that connection "
                "ends");
    else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT)
        note(r, "likely cause: a memory error (a buffer overrun, or a buffer "
                "freed or shared between threads: see race.c and slide "
                "\"Potential Form of Unintended Sharing\"); run it under "
                "valgrind or -fsanitize=address");
    else if (sig == 0)
        note(r, "likely cause: it exited by itself: an exiting wrapper "
                "(Rio_writen, Rio_readlineb, Accept) met one client's error "
                "and ended the server; inside the loop use the lowercase "
                "calls and close that connection only (csapp.h explains the "
                "two layers; echo.c does it)");
}

/* After a check: a server that died fails it, and says how. */
static void after_check(check_ctx_t *c, result_t *r)
{
    if (c->srv.pid == 0 || inst_alive(&c->srv))
        return; /* stopped by the check on purpose, or alive */
    char how[96];
    status_text(c->srv.status, how, sizeof(how));
    if (r->failed) { /* the death is the news; what it caused follows */
        note(r, "seen: %s", r->summary);
        r->failed = 0;
    }
    fail(r, "the server died during this check: %s", how);
    if (c->srv.flooded)
        note(r, "stopped by echocheck: it floods its output (more than %d "
                "MiB)", FLOOD_MIB);
    else
        note_death(r, c->srv.status);
    nap(50); /* its last words through the pipe */
    note_last_lines(r, &c->srv);
    inst_stop(&c->srv);
}

static void run_check(const char *group, const check_t *k, check_ctx_t *c,
                      int *broken)
{
    result_t r = { 0 };

    if (!(k->models & opt.model)) {
        report_skip(group, k->name, model_name());
        return;
    }
    if (k->needs_proc && !have_procfs()) {
        report_skip(group, k->name, "no /proc on this system to count with");
        return;
    }
    if (c->srv.pid == 0 && !*broken && inst_start(&c->srv, 0) < 0) {
        *broken = 1;
        fail(&r, "the server did not start again: %s", c->srv.why);
        note_last_lines(&r, &c->srv);
        inst_stop(&c->srv);
    }
    if (*broken && !r.failed)
        fail(&r, "not run: the server did not start again (above)");
    if (!r.failed) {
        step("%s/%s", group, k->name);
        machine_take(machine_lock_fd(), 1); /* a class run's: see machine.c */
        k->fn(c, &r);
        after_check(c, &r);
        machine_take(machine_lock_fd(), 0);
        if (r.failed && c->srv.pid != 0 && !r.output_shown)
            note_last_lines(&r, &c->srv);
    }
    report_check(group, k->name, &r);
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

    for (int i = 0; i < n_groups; i++) {
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
    static const char line[] = "the next client, after that one\n";
    result_t next = { 0 };

    if (echo_once(port, line, sizeof(line) - 1, 0, &next) == 0)
        return 0;
    fail_from(r, "the next client was not served", &next);
    return -1;
}
