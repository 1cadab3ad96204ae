/*
 * test_work.c - ECHO_WORK_US, the work per line every server takes from
 * its environment: a bad value is refused (status 2, one line naming it,
 * before listening); 0 or unset add nothing; N > 0 is said in the line
 * after "listening on port N"; every server then spends the time on
 * each line, and the CPU time really grows with N: per line, not per
 * piece of a long line, and once for a last line without a newline.
 * Run: tests/bin/test_work [test_name...]
 */
#include "testlib.h"

/* Runs "./NAME 0" with ECHO_WORK_US=value; it must exit 2 at once. */
static void expect_refused(const char *name, const char *value)
{
    char path[64];
    run_result_t r;

    snprintf(path, sizeof(path), "./%s", name);
    char *argv[] = {path, "0", NULL};
    setenv("ECHO_WORK_US", value, 1);
    run_program(argv, NULL, 0, 5000, &r);
    CHECK(r.status == 2, "%s with ECHO_WORK_US='%s': exit status %d, want 2",
          name, value, r.status);
    char *newline = strchr(r.err.data ? r.err.data : "", '\n');
    CHECK(r.err.data != NULL && newline != NULL && newline[1] == '\0',
          "%s: stderr \"%s\" is not one line", name, r.err.data);
    char quoted[32];
    snprintf(quoted, sizeof(quoted), "'%s'", value);
    CHECK(r.err.data != NULL && strstr(r.err.data, quoted) != NULL,
          "%s: stderr \"%s\" does not name %s", name, r.err.data, quoted);
    CHECK(r.out.data == NULL || strstr(r.out.data, "listening") == NULL,
          "%s listened before refusing ECHO_WORK_US='%s'", name, value);
    run_result_free(&r);
}

static void bad_values_exit_2_naming_them_before_listening(void)
{
    static const char *const bad[] = {"abc", "-1", "1000001", " 5", "", "2x"};
    size_t n;
    const server_info_t *list = server_list(&n);

    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            expect_refused(list[k].name, bad[i]);
}

/* Starts ./NAME on port 0 with ECHO_WORK_US=value (NULL: unset). */
static int start_with_work(server_t *s, const char *name, const char *value)
{
    char path[64];

    snprintf(path, sizeof(path), "./%s", name);
    if (value == NULL)
        unsetenv("ECHO_WORK_US");
    else
        setenv("ECHO_WORK_US", value, 1);
    return server_start(s, path, "0", NULL);
}

/* One line echoed on a fresh connection, so the log is past start-up. */
static void echo_one_line(server_t *s)
{
    int fd = tcp_connect("127.0.0.1", s->port);
    if (fd >= 0) {
        echoes_line(fd, "ping\n", scaled(5000));
        close(fd);
    }
}

static void zero_and_unset_add_no_line(void)
{
    static const char *const values[] = {NULL, "0", "000"};
    size_t n;
    const server_info_t *list = server_list(&n);

    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
            server_t s;
            if (start_with_work(&s, list[k].name, values[i]) < 0)
                continue;
            echo_one_line(&s);
            CHECK(server_log_count(&s, "work per line") == 0,
                  "%s with ECHO_WORK_US=%s logged a work line",
                  list[k].name, values[i] ? values[i] : "(unset)");
            server_signal_wait(&s, SIGTERM, scaled(2000));
        }
}

/* The line after "listening on port N" says the work, in us. */
static void a_positive_value_is_said_after_listening(void)
{
    size_t n;
    const server_info_t *list = server_list(&n);

    for (size_t k = 0; k < n; k++) {
        server_t s;
        if (start_with_work(&s, list[k].name, "300") < 0)
            continue;
        server_log_wait(&s, "work per line", 1, scaled(2000));
        char *log = server_log(&s);
        char *listening = strstr(log, "listening on port");
        char *next = listening ? strchr(listening, '\n') : NULL;
        CHECK(next != NULL && strncmp(next + 1, list[k].name,
                                      strlen(list[k].name)) == 0 &&
                  strstr(next + 1, "work per line: 300 us") != NULL &&
                  strstr(next + 1, "work per line: 300 us") <
                      strchr(next + 1, '\n'),
              "%s: no \"work per line: 300 us\" line right after "
              "\"listening on port N\"; log:\n%s", list[k].name, log);
        free(log);
        server_signal_wait(&s, SIGTERM, scaled(2000));
    }
}

/* lines short lines, sent at once on one connection and echoed; the
 * milliseconds it took. */
static long long time_lines(server_t *s, int lines)
{
    char *data = Malloc((size_t)lines * 8);
    size_t len = 0;
    long long start = now_ms();
    int fd;

    for (int i = 0; i < lines; i++)
        len += (size_t)sprintf(data + len, "l%04d\n", i % 10000);
    if ((fd = tcp_connect("127.0.0.1", s->port)) >= 0) {
        CHECK(echo_exact(fd, data, len, 20000), "%d lines not echoed", lines);
        close(fd);
    }
    free(data);
    return now_ms() - start;
}

/*
 * Every server spends the work on each line: 60 lines at 3 ms each on one
 * connection take 180 ms at least (one connection's lines are served one
 * after the other). A busy machine only makes it slower: a lower bound
 * cannot flake.
 */
static void every_server_spends_the_work_on_each_line(void)
{
    size_t n;
    const server_info_t *list = server_list(&n);

    for (size_t k = 0; k < n; k++) {
        server_t s;
        if (start_with_work(&s, list[k].name, "3000") < 0)
            continue;
        long long ms = time_lines(&s, 60);
        CHECK(ms >= 150, "%s: 60 lines at 3000 us each came back in %lld ms, "
              "want at least 150", list[k].name, ms);
        server_signal_wait(&s, SIGTERM, scaled(2000));
    }
}

/* CPU ms the server spent while data was echoed on one connection. */
static long long cpu_for(server_t *s, const char *data, size_t len)
{
    int fd = tcp_connect("127.0.0.1", s->port);
    long long before, after;

    if (fd < 0)
        return -1;
    before = proc_cpu_ms(s->pid);
    CHECK(echo_exact(fd, data, len, 30000), "echo lost");
    after = proc_cpu_ms(s->pid);
    close(fd);
    return before < 0 || after < 0 ? -1 : after - before;
}

/* The CPU ms of 200 short lines through name (the blocking echo or the
 * event step) with ECHO_WORK_US=value. */
static long long cpu_of_200_lines(const char *name, const char *value)
{
    char data[200 * 6 + 1];
    size_t len = 0;
    server_t s;

    for (int i = 0; i < 200; i++)
        len += (size_t)sprintf(data + len, "x%03d\n", i);
    if (start_with_work(&s, name, value) < 0)
        return -1;
    long long ms = cpu_for(&s, data, len);
    server_signal_wait(&s, SIGTERM, scaled(2000));
    return ms;
}

/*
 * 200 lines at 2000 us are 400 ms of CPU; with no work they cost a few
 * ms. Measured from /proc, so a loaded machine changes little: the bounds
 * are wide (at least half the nominal, at most four times it, and the
 * work-free run under a quarter of it).
 */
static void cpu_time_grows_with_the_work(void)
{
    static const char *const paths[] = {"echoserveri", "echoservers"};

    need_proc();
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        long long none = cpu_of_200_lines(paths[i], "0");
        long long some = cpu_of_200_lines(paths[i], "2000");
        CHECK(some >= 200 && some <= 1600,
              "%s: 200 lines at 2000 us used %lld ms of CPU, want 200..1600",
              paths[i], some);
        CHECK(none >= 0 && none * 4 < some,
              "%s: 200 lines used %lld ms of CPU with no work, %lld with "
              "2000 us each", paths[i], none, some);
    }
}

/*
 * Work is per line, whatever its length: a 30,000-byte line (which the
 * event step reads in 8 KiB pieces) costs once, and so does a last line
 * without a newline. Two lines at 100 ms: 200 ms of CPU, not 500 or 100.
 */
static void a_long_line_and_an_unterminated_last_line_cost_once_each(void)
{
    static const char *const paths[] = {"echoserveri", "echoservers"};
    enum { LONG = 30000 };
    char *data = Malloc(LONG + 16);

    need_proc();
    for (int i = 0; i < LONG - 1; i++)
        data[i] = (char)('a' + i % 26);
    data[LONG - 1] = '\n';
    memcpy(data + LONG, "no newline", 10);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        server_t s;
        if (start_with_work(&s, paths[i], "100000") < 0)
            continue;
        long long ms = cpu_for(&s, data, LONG + 10);
        CHECK(ms >= 150 && ms <= 400,
              "%s: a long line and an unterminated one at 100 ms each used "
              "%lld ms of CPU, want about 200", paths[i], ms);
        server_signal_wait(&s, SIGTERM, scaled(2000));
    }
    free(data);
}

static const test_t tests[] = {
    TEST(bad_values_exit_2_naming_them_before_listening),
    TEST(zero_and_unset_add_no_line),
    TEST(a_positive_value_is_said_after_listening),
    TEST(every_server_spends_the_work_on_each_line),
    TEST(cpu_time_grows_with_the_work),
    TEST(a_long_line_and_an_unterminated_last_line_cost_once_each),
};

int main(int argc, char **argv)
{
    return run_tests("work", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
