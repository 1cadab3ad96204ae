/*
 * test_memory.c - running out of memory for one connection costs that
 * connection only. The event loop is started under a small address-space
 * limit (RLIMIT_AS), then clients flood it without reading their echo, so
 * it must queue their echo until its allocations fail. The server must
 * drop those clients with a log line, keep serving a bystander meanwhile,
 * and serve new clients once the flood is gone. No hook in the server:
 * the limit is the kernel's.
 * Run: tests/bin/test_memory [test_name...]
 */
#include "testlib.h"

#define LIMIT_AS (16 << 20) /* the server's address space: a few MiB spare */
#define FLOODERS 64         /* each may make it queue up to ~0.5 MiB */
#define FLOOD_MS 5000       /* the flood's bound, out of memory or not */

/* Starts prog under the address-space limit, which only it inherits. */
static int start_short_of_memory(server_t *s, const char *prog,
                                 const char *arg)
{
    struct rlimit limit = {LIMIT_AS, LIMIT_AS}, saved;

    if (running_under(NULL)) /* their shadow memory needs terabytes */
        skip_test("a checker cannot run under an address-space limit");
    getrlimit(RLIMIT_AS, &saved);
    if (setrlimit(RLIMIT_AS, &limit) < 0)
        skip_test("cannot set RLIMIT_AS");
    int rc = server_start(s, prog, "0", arg, NULL);
    setrlimit(RLIMIT_AS, &saved);
    return rc;
}

/* Sends what fits now without waiting; 0 when the connection is gone. */
static int push(int fd, const char *chunk, size_t n)
{
    ssize_t put = send(fd, chunk, n, MSG_DONTWAIT);

    return put >= 0 || errno == EAGAIN || errno == EWOULDBLOCK;
}

/*
 * Floods every client in turn, never reading, until the server logs that
 * it ran out of memory (or the bound passes). Returns how many flooders'
 * connections ended meanwhile.
 */
static int flood_until_out_of_memory(server_t *s, const int *fds, int n)
{
    static char chunk[64 * 1024];
    int gone[FLOODERS] = {0}, ngone = 0;
    long long deadline = now_ms() + scaled(FLOOD_MS);

    memset(chunk, 'm', sizeof(chunk));
    chunk[sizeof(chunk) - 1] = '\n';
    while (now_ms() < deadline &&
           server_log_count(s, "out of memory") == 0) {
        for (int i = 0; i < n; i++)
            if (!gone[i] && !push(fds[i], chunk, sizeof(chunk))) {
                gone[i] = 1;
                ngone++;
            }
        sleep_ms(5);
    }
    return ngone;
}

static void drops_a_client_it_has_no_memory_for(const char *prog,
                                                const char *arg)
{
    int fds[FLOODERS];
    server_t s;

    if (start_short_of_memory(&s, prog, arg) < 0)
        return;
    int bystander = tcp_connect("127.0.0.1", s.port);
    if (bystander < 0 || !echoes_line(bystander, "before\n", 3000))
        return;
    for (int i = 0; i < FLOODERS; i++)
        if ((fds[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
    flood_until_out_of_memory(&s, fds, FLOODERS);
    CHECK_ALIVE(&s);
    if (!CHECK(server_log_count(&s, "out of memory: closing the connection")
                   > 0, "no \"out of memory: closing the connection\" line "
               "after %d clients flooded a server limited to %d MiB",
               FLOODERS, LIMIT_AS >> 20))
        return;
    echoes_line(bystander, "during the flood\n", 3000);
    for (int i = 0; i < FLOODERS; i++)
        close(fds[i]);
    echoes_line(bystander, "after the flood\n", 3000);
    int fd = tcp_connect("127.0.0.1", s.port);
    if (fd >= 0)
        echoes_line(fd, "a new client\n", 3000);
    CHECK_ALIVE(&s);
}

static void echoservers_drops_a_client_it_has_no_memory_for(void)
{
    drops_a_client_it_has_no_memory_for("./echoservers", NULL);
}

/* One loop: a thread's stack (8 MiB by default on glibc) takes half the
 * address space already. */
static void echoservere_drops_a_client_it_has_no_memory_for(void)
{
    drops_a_client_it_has_no_memory_for("./echoservere", "1");
}

static const test_t tests[] = {
    TEST(echoservers_drops_a_client_it_has_no_memory_for),
    TEST(echoservere_drops_a_client_it_has_no_memory_for),
};

int main(int argc, char **argv)
{
    return run_tests("memory", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
