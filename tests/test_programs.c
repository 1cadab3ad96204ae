/*
 * test_programs.c - the contract of the programs that are not servers:
 * echoclient (exact bytes both ways, exit codes and error lines),
 * hello, and -h/--help for every program but the servers. echoclient
 * talks to the real echoserveri, or to a peer thread here that misbehaves
 * on purpose.
 * Run: tests/bin/test_programs [test_name...]
 */
#include "testlib.h"

/* Runs echoclient on input against a fresh echoserveri; checks the bytes. */
static void expect_client_echoes(const char *input, size_t len)
{
    server_t s;
    run_result_t r;
    char port[16];

    if (server_start(&s, "./echoserveri", "0", NULL) < 0)
        return;
    snprintf(port, sizeof(port), "%d", s.port);
    char *argv[] = {"./echoclient", "localhost", port, NULL};
    run_program(argv, input, len, 20000, &r);
    CHECK(r.status == 0, "exit status %d, want 0; stderr: %s", r.status,
          r.err.data);
    CHECK(r.out.len == len && memcmp(r.out.data, input, len) == 0,
          "stdout has %zu bytes, want the %zu sent, unchanged", r.out.len, len);
    run_result_free(&r);
}

static void client_echoes_nul_bytes_cr_lf_and_an_unterminated_line(void)
{
    static const char input[] = "one\n\0two\0\nthree\r\n\r\nlast, no newline";
    expect_client_echoes(input, sizeof(input) - 1);
}

static void client_echoes_lines_longer_than_8192_bytes(void)
{
    enum { LEN = 100000 };
    char *input = Malloc(LEN);

    for (int i = 0; i < LEN; i++)
        input[i] = i % 30000 == 29999 ? '\n' : (char)('A' + i % 26);
    expect_client_echoes(input, LEN);
    free(input);
}

static void client_echoes_eight_megabytes_of_piped_input(void)
{
    enum { LEN = 8 << 20 };
    char *input = random_bytes(LEN, 3);
    expect_client_echoes(input, LEN);
    free(input);
}

static void client_exits_0_on_empty_input(void) { expect_client_echoes("", 0); }

static void client_prints_usage_and_exits_2(void)
{
    char *argv[] = {"./echoclient", "localhost", NULL};
    run_result_t r;

    run_program(argv, NULL, 0, 3000, &r);
    CHECK(r.status == 2, "exit status %d, want 2", r.status);
    CHECK(strstr(r.err.data, "usage: echoclient <host> <port>") != NULL,
          "stderr \"%s\" has no usage line", r.err.data);
    run_result_free(&r);
}

/*
 * A port outside 1..65535 must not reach getaddrinfo: 87537 would connect
 * to 87537 - 65536 = 22001, "abc" would be looked up as a service name.
 * Each is refused before any connection, in one line naming the value.
 */
static void client_rejects_a_bad_port_with_status_2(void)
{
    char *bad[] = {"87537", "70000", "65536", "0", "abc", "-43535", "12ab",
                   " 80", ""};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *argv[] = {"./echoclient", "127.0.0.1", bad[i], NULL};
        char quoted[16];
        run_result_t r;

        run_program(argv, "x\n", 2, 3000, &r);
        snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
        CHECK(r.status == 2, "port '%s': exit status %d, want 2", bad[i],
              r.status);
        CHECK(strstr(r.err.data, quoted) != NULL &&
                  strchr(r.err.data, '\n') == r.err.data + r.err.len - 1,
              "port '%s': want one line naming the bad value, got \"%s\"",
              bad[i], r.err.data);
        run_result_free(&r);
    }
}

/* One argument too many gets the usage line too, not a connection. */
static void client_prints_usage_for_too_many_arguments(void)
{
    char *argv[] = {"./echoclient", "127.0.0.1", "15213", "extra", NULL};
    run_result_t r;

    run_program(argv, NULL, 0, 3000, &r);
    CHECK(r.status == 2 && strstr(r.err.data, "usage: echoclient <host> <port>"),
          "three arguments: status %d, stderr \"%s\"; want 2 and the usage line",
          r.status, r.err.data);
    run_result_free(&r);
}

static void expect_cannot_connect(const char *host, const char *port)
{
    char *argv[] = {"./echoclient", (char *)host, (char *)port, NULL};
    run_result_t r;

    run_program(argv, "x\n", 2, 5000, &r);
    CHECK(r.status == 1, "%s %s: exit status %d, want 1", host, port, r.status);
    CHECK(strstr(r.err.data, host) && strstr(r.err.data, port),
          "stderr \"%s\" does not name host %s and port %s", r.err.data, host,
          port);
    CHECK(strchr(r.err.data, '\n') == r.err.data + r.err.len - 1,
          "want one error line, got \"%s\"", r.err.data);
    run_result_free(&r);
}

static void client_reports_a_refused_connection_and_exits_1(void)
{
    char port[16];
    int fd = open_listenfd("0");

    snprintf(port, sizeof(port), "%d", socket_port(fd));
    close(fd); /* nobody listens there any more */
    expect_cannot_connect("127.0.0.1", port);
}

static void client_reports_an_unknown_host_and_exits_1(void)
{
    expect_cannot_connect("no-such-host.invalid", "15213");
}

/* A peer that reads all `expect` bytes, echoes `keep` of them, hangs up. */
typedef struct {
    int listenfd;
    size_t expect, keep;
} early_closer_t;

static void *close_early(void *arg)
{
    early_closer_t *peer = arg;
    char buf[64];
    int connfd = readable_within(peer->listenfd, 5000)
                     ? accept(peer->listenfd, NULL, NULL) : -1;

    if (connfd >= 0) {
        size_t got = recv_upto(connfd, buf, peer->expect, 3000);
        rio_writen(connfd, buf, got < peer->keep ? got : peer->keep);
        close(connfd);
    }
    return NULL;
}

static void client_reports_a_server_that_closes_early(void)
{
    early_closer_t peer = {.listenfd = open_listenfd("0"), .expect = 8, .keep = 4};
    char port[16];
    pthread_t tid;
    run_result_t r;

    snprintf(port, sizeof(port), "%d", socket_port(peer.listenfd));
    Pthread_create(&tid, NULL, close_early, &peer);
    char *argv[] = {"./echoclient", "127.0.0.1", port, NULL};
    run_program(argv, "abc\ndef\n", 8, 5000, &r);
    Pthread_join(tid, NULL);
    CHECK(r.status == 1, "exit status %d, want 1", r.status);
    CHECK(strstr(r.err.data, "closed the connection") != NULL &&
              strchr(r.err.data, '\n') == r.err.data + r.err.len - 1,
          "want one line saying the server closed the connection, got \"%s\"",
          r.err.data);
    CHECK(r.out.len == 4 && memcmp(r.out.data, "abc\n", 4) == 0,
          "the echo that did arrive was not printed: \"%s\"", r.out.data);
    run_result_free(&r);
}

/* A peer that echoes only once the test lets it (V on release). */
typedef struct {
    int listenfd;
    sem_t release;
} held_peer_t;

static void *echo_once_released(void *arg)
{
    held_peer_t *peer = arg;
    int connfd = readable_within(peer->listenfd, 5000)
                     ? accept(peer->listenfd, NULL, NULL) : -1;
    char buf[65536];
    ssize_t n;

    P(&peer->release);
    /* Until the client leaves; the test kills it if it does not in time. */
    while (readable_within(connfd, 10000) && (n = read(connfd, buf, sizeof(buf))) > 0)
        if (rio_writen(connfd, buf, (size_t)n) < 0)
            break;
    close(connfd);
    return NULL;
}

/* Starts echoclient reading the pipe *in_fd, writing to file outfd. */
static pid_t start_client(const char *port, int *in_fd, int outfd)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) < 0)
        unix_error("pipe");
    if ((pid = Fork()) == 0) {
        dup2(fds[0], STDIN_FILENO);
        dup2(outfd, STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl("./echoclient", "./echoclient", "127.0.0.1", port, (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    *in_fd = fds[1];
    return pid;
}

/*
 * stdin hangs up while the client still holds unsent input (the server is
 * not reading): the client must still send, and get back, every byte.
 * poll reports a hang-up even on a descriptor asked for nothing, and a
 * client that took it for its turn to read lost input (a bug this suite
 * once had).
 */
static void client_sends_everything_when_stdin_closes_early(void)
{
    held_peer_t peer = {.listenfd = open_listenfd("0")};
    char port[16], path[] = "/tmp/echoclient-out-XXXXXX";
    char *input = random_bytes(32 << 20, 5);
    int outfd = mkstemp(path), in_fd, status;
    size_t fed = 0;
    pthread_t tid;

    unlink(path);
    Sem_init(&peer.release, 0, 0);
    snprintf(port, sizeof(port), "%d", socket_port(peer.listenfd));
    Pthread_create(&tid, NULL, echo_once_released, &peer);
    pid_t pid = start_client(port, &in_fd, outfd);
    /* Fill every buffer on the way: the pipe, the client, both sockets. */
    fed = send_what_fits(in_fd, input, 32 << 20, 300);
    CHECK(fed > 0 && fed < (32 << 20),
          "%zu of %d bytes fed: the buffers never filled, nothing was tested",
          fed, 32 << 20);
    close(in_fd);
    sleep_ms(100); /* the client now sees the hang-up with input unsent */
    V(&peer.release);
    long long deadline = now_ms() + scaled(10000);
    while (waitpid(pid, &status, WNOHANG) == 0 && now_ms() < deadline)
        sleep_ms(10);
    if (kill(pid, 0) == 0) { /* still running: a failure, reported below */
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    Pthread_join(tid, NULL);

    bytes_t out = {0};
    char buf[65536];
    ssize_t n;
    lseek(outfd, 0, SEEK_SET);
    while ((n = read(outfd, buf, sizeof(buf))) > 0)
        bytes_add(&out, buf, (size_t)n);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "echoclient ended with status 0x%x, want exit 0", status);
    CHECK(out.len == fed && memcmp(out.data, input, fed) == 0,
          "echoclient printed %zu bytes, want the %zu it was given", out.len,
          fed);
    bytes_free(&out);
    free(input);
}

static void hello_thread_prints_greeting(void)
{
    char *argv[] = {"./hello", NULL};
    run_result_t r;

    run_program(argv, NULL, 0, 3000, &r);
    CHECK(r.status == 0, "exit status %d, want 0", r.status);
    CHECK(strcmp(r.out.data, "Hello, world!\n") == 0,
          "stdout \"%s\", want \"Hello, world!\\n\"", r.out.data);
    run_result_free(&r);
}

/* The programs that are not servers (test_servers checks each server). */
static void every_other_program_prints_usage_on_stdout_for_help(void)
{
    const char *progs[] = {"./echoclient", "./select", "./hello", "./race",
                           "./deadlock"};

    for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
        check_help(progs[i]);
}

/* -h with more arguments is an argument like any other, and a wrong
 * argument is still an error: on stderr, exit status 2, nothing on stdout. */
static void help_with_other_arguments_is_a_usage_error(void)
{
    char *with_more[][4] = {{"./echoserveri", "-h", "extra", NULL},
                            {"./race", "-h", "--fixed", NULL},
                            {"./echoservert_pre", "-h", "4", NULL},
                            {"./hello", "extra", NULL, NULL}};

    for (size_t i = 0; i < sizeof(with_more) / sizeof(with_more[0]); i++) {
        run_result_t r;

        run_program(with_more[i], NULL, 0, 5000, &r);
        CHECK(r.status == 2 && r.out.len == 0 && r.err.len > 0,
              "%s %s: status %d, stdout \"%s\"; want 2 and an error on "
              "stderr only", with_more[i][0], with_more[i][1], r.status,
              r.out.data);
        run_result_free(&r);
    }
}

static const test_t tests[] = {
    TEST(client_echoes_nul_bytes_cr_lf_and_an_unterminated_line),
    TEST(client_echoes_lines_longer_than_8192_bytes),
    TEST(client_echoes_eight_megabytes_of_piped_input),
    TEST(client_exits_0_on_empty_input),
    TEST(client_prints_usage_and_exits_2),
    TEST(client_prints_usage_for_too_many_arguments),
    TEST(client_rejects_a_bad_port_with_status_2),
    TEST(client_reports_a_refused_connection_and_exits_1),
    TEST(client_reports_an_unknown_host_and_exits_1),
    TEST(client_reports_a_server_that_closes_early),
    TEST(client_sends_everything_when_stdin_closes_early),
    TEST(hello_thread_prints_greeting),
    TEST(every_other_program_prints_usage_on_stdout_for_help),
    TEST(help_with_other_arguments_is_a_usage_error),
};

int main(int argc, char **argv)
{
    return run_tests("programs", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
