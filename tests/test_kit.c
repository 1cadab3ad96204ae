/*
 * test_kit.c - the book's kind of code builds on our library as a student
 * gets it: make csapp-kit writes csapp.h and csapp.c into an empty
 * folder, the programs of tests/kit/ are copied beside them, and each is
 * built there alone with the book's command (cc -O2 prog.c csapp.c
 * -pthread: no -std, no feature macros), then run. The same sources must
 * also build warning-free under a bare -std=c11, and with the portable
 * semaphores that macOS gets (-DCSAPP_PORTABLE_SEM).
 */
#include "testlib.h"

#define KIT_PROGS "echoservert prodcons sigchld waitfork wrappers"

static char kit[64]; /* the temporary folder; removed when the test ends */

static void remove_kit(void)
{
    run_result_t r;
    if (kit[0] == '\0')
        return;
    run_program((char *[]){"/bin/rm", "-rf", kit, NULL}, NULL, 0,
                scaled(5000), &r);
    run_result_free(&r);
}

/* Output as text ("" when there was none). */
static const char *text(const bytes_t *b) { return b->data ? b->data : ""; }

/* Runs a shell command in the kit's folder; checks it exits 0. */
static int sh_in_kit(const char *cmd, run_result_t *r)
{
    char script[1536];
    snprintf(script, sizeof(script), "cd '%s' && %s", kit, cmd);
    run_program((char *[]){"/bin/sh", "-c", script, NULL}, NULL, 0,
                scaled(20000), r);
    return CHECK(r->status == 0, "`%s` exited with %d; it said:\n%.*s%.*s",
                 cmd, r->status, (int)r->out.len, r->out.data,
                 (int)r->err.len, r->err.data);
}

/* The kit alone in a fresh folder, with the programs beside it. make runs
 * without make test's own flags (its -j and jobserver). */
static int make_kit(void)
{
    char cmd[1280], top[512];
    run_result_t r;
    int ok;

    snprintf(kit, sizeof(kit), "%s/kitXXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(kit) == NULL || getcwd(top, sizeof(top)) == NULL) {
        CHECK(0, "mkdtemp %s: %s", kit, strerror(errno));
        kit[0] = '\0';
        return 0;
    }
    snprintf(cmd, sizeof(cmd),
             "MAKEFLAGS= MAKELEVEL= make -s -C '%s' csapp-kit DIR='%s' && "
             "cp '%s'/tests/kit/*.c . && ls",
             top, kit, top);
    ok = sh_in_kit(cmd, &r);
    if (ok)
        ok = CHECK(strstr(text(&r.out), "csapp.c\n") &&
                       strstr(text(&r.out), "csapp.h\n"),
                   "make csapp-kit left: %s", text(&r.out));
    run_result_free(&r);
    return ok;
}

/* A test that runs body in a fresh kit's folder, removed afterwards. */
#define KIT_TEST(name)                                                       \
    static void name(void)                                                   \
    {                                                                        \
        if (make_kit())                                                      \
            name##_body();                                                   \
        remove_kit();                                                        \
    }

/* Builds prog.c with the book's own command; 1 if it built. */
static int book_build(const char *prog)
{
    char cmd[256];
    run_result_t r;
    int ok;
    snprintf(cmd, sizeof(cmd), "${CC:-cc} -O2 %s.c csapp.c -pthread -o %s",
             prog, prog);
    ok = sh_in_kit(cmd, &r);
    run_result_free(&r);
    return ok;
}

/* Runs ./prog in the kit's folder; r gets its status and output. */
static void kit_run(const char *prog, run_result_t *r)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", kit, prog);
    run_program((char *[]){path, NULL}, NULL, 0, scaled(10000), r);
}

/* Runs ./prog in the kit's folder and checks that it exits with status
 * and prints exactly want; r keeps the run (the caller frees it). */
static void kit_expect(const char *prog, const char *what, int status,
                       const char *want, run_result_t *r)
{
    kit_run(prog, r);
    CHECK(r->status == status && strcmp(text(&r->out), want) == 0,
          "%s: want status %d and \"%s\", got status %d and \"%s\"", what,
          status, want, r->status, text(&r->out));
}

static void every_wrapper_of_the_books_csapp_h_links_body(void)
{
    run_result_t r;
    if (!book_build("wrappers"))
        return;
    kit_run("wrappers", &r);
    CHECK(r.status == 0 && strstr(text(&r.out), " functions of the book's csapp.h"),
          "wrappers: status %d, said: %s%s", r.status, text(&r.out),
          text(&r.err));
    run_result_free(&r);
}

/* Connects to the kit's server, trying for a while: it prints nothing
 * when it is ready, as the book's servers don't. */
static int connect_soon(int port)
{
    char portstr[16];
    long long deadline = now_ms() + scaled(5000);
    int fd;
    snprintf(portstr, sizeof(portstr), "%d", port);
    while ((fd = open_clientfd("127.0.0.1", portstr)) < 0 && ms_left(deadline))
        sleep_ms(20);
    CHECK(fd >= 0, "could not connect to the kit's echoservert on port %d: %s",
          port, open_error(fd));
    return fd;
}

static void thread_server_with_free_vargp_echoes_two_clients_body(void)
{
    char path[128], portstr[16];
    int listenfd, port, a, b, status;
    pid_t pid;

    if (!book_build("echoservert"))
        return;
    /* A free port, given back for the server: the book's takes a number. */
    listenfd = Open_listenfd("0");
    port = socket_port(listenfd);
    Close(listenfd);
    snprintf(path, sizeof(path), "%s/echoservert", kit);
    snprintf(portstr, sizeof(portstr), "%d", port);
    pid = spawn_program((char *[]){path, portstr, NULL}, -1, -1, 2);
    if ((a = connect_soon(port)) >= 0) {
        b = connect_soon(port); /* a still connected: a thread each */
        if (b >= 0) {
            echoes_line(b, "second client\n", scaled(3000));
            echoes_line(a, "first client\n", scaled(3000));
            close(b);
        }
        close(a);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

static void producer_consumer_on_sem_t_loses_nothing_body(void)
{
    const char *want = "consumed 40000 items, sum 400020000\n";
    run_result_t r;

    if (!book_build("prodcons"))
        return;
    kit_expect("prodcons", "the book's sem_t", 0, want, &r);
    run_result_free(&r);
    /* macOS's semaphores: ours, from a mutex and a condition variable. */
    if (!sh_in_kit("${CC:-cc} -std=c11 -Wall -Wextra -Werror -O2 "
                   "-DCSAPP_PORTABLE_SEM prodcons.c csapp.c -pthread "
                   "-o prodcons",
                   &r))
        return;
    run_result_free(&r);
    kit_expect("prodcons", "the portable sem_t", 0, want, &r);
    run_result_free(&r);
}

static void sigchld_handler_reaps_every_child_with_sio_puts_body(void)
{
    run_result_t r;

    if (!book_build("sigchld"))
        return;
    kit_run("sigchld", &r);
    CHECK(r.status == 0 && count_of(text(&r.out), "reaped ") == 3 &&
              strcmp(last_line(&r.out), "all 3 children reaped\n") == 0,
          "want 3 lines 'reaped PID' from the handler, then 'all 3 children "
          "reaped'; got (status %d):\n%s",
          r.status, text(&r.out));
    run_result_free(&r);
}

static void wait_reaps_every_forked_child_then_exits_on_echild_body(void)
{
    run_result_t r;

    if (!book_build("waitfork"))
        return;
    /* The last Wait finds no child: the wrapper's way to fail is status 1
     * and "call: reason". */
    kit_expect("waitfork", "Fork and Wait", 1,
               "children exited with 0+1+2+3 = 6\n", &r);
    CHECK(strncmp(text(&r.err), "wait: ", 6) == 0,
          "a Wait with no child left: want 'wait: ...' on stderr, got: %s",
          text(&r.err));
    run_result_free(&r);
}

static void the_kit_builds_warning_free_under_c11_body(void)
{
    run_result_t r;
    /* Bare -std=c11 hides POSIX unless csapp.h asks for it itself. */
    sh_in_kit("F='-std=c11 -Wall -Wextra -Werror -O2' && "
              "${CC:-cc} $F -c csapp.c && "
              "for p in " KIT_PROGS "; do "
              "${CC:-cc} $F $p.c csapp.o -pthread -o $p || exit 1; done",
              &r);
    run_result_free(&r);
}

KIT_TEST(every_wrapper_of_the_books_csapp_h_links)
KIT_TEST(thread_server_with_free_vargp_echoes_two_clients)
KIT_TEST(producer_consumer_on_sem_t_loses_nothing)
KIT_TEST(sigchld_handler_reaps_every_child_with_sio_puts)
KIT_TEST(wait_reaps_every_forked_child_then_exits_on_echild)
KIT_TEST(the_kit_builds_warning_free_under_c11)

static const test_t tests[] = {
    TEST(every_wrapper_of_the_books_csapp_h_links),
    TEST(thread_server_with_free_vargp_echoes_two_clients),
    TEST(producer_consumer_on_sem_t_loses_nothing),
    TEST(sigchld_handler_reaps_every_child_with_sio_puts),
    TEST(wait_reaps_every_forked_child_then_exits_on_echild),
    TEST(the_kit_builds_warning_free_under_c11),
};

int main(int argc, char **argv)
{
    return run_tests("kit", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
