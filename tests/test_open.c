/*
 * test_open.c - unit tests of open_listenfd and open_clientfd: port 0,
 * IPv4 and IPv6 loopback, a port in use, an unknown host, a refused
 * connection, and the reasons they report.
 * Run: make tests/bin/test_open && tests/bin/test_open [test_name...]
 */
#include "testlib.h"

#include <netinet/in.h>

/* Connects to host on the listener's port, accepts, and passes a byte. */
static void expect_connection(int listenfd, const char *host)
{
    char port[16], c = 0;
    int clientfd, connfd;

    snprintf(port, sizeof(port), "%d", socket_port(listenfd));
    clientfd = open_clientfd(host, port);
    if (!CHECK(clientfd >= 0, "open_clientfd(%s, %s): %s", host, port,
               open_error(clientfd)))
        return;
    connfd = accept(listenfd, NULL, NULL);
    CHECK(connfd >= 0, "accept after a %s connect: %s", host, strerror(errno));
    send_all(clientfd, "!", 1);
    CHECK(recv_upto(connfd, &c, 1, 2000) == 1 && c == '!',
          "the byte sent from %s did not arrive", host);
    close(connfd);
    close(clientfd);
}

static void listens_on_port_0_and_reports_the_real_port(void)
{
    int fd = open_listenfd("0");

    if (!CHECK(fd >= 0, "open_listenfd(\"0\"): %s", open_error(fd)))
        return;
    int port = socket_port(fd);
    CHECK(port > 0 && port <= 65535, "socket_port gave %d", port);
    close(fd);
}

static void accepts_ipv4_clients(void)
{
    int fd = open_listenfd("0");
    if (CHECK(fd >= 0, "open_listenfd: %s", open_error(fd)))
        expect_connection(fd, "127.0.0.1");
}

static void accepts_ipv6_clients_on_the_same_socket(void)
{
    if (!host_has_ipv6())
        skip_test("this host has no IPv6 loopback");
    int fd = open_listenfd("0");
    if (CHECK(fd >= 0, "open_listenfd: %s", open_error(fd))) {
        expect_connection(fd, "::1");
        expect_connection(fd, "127.0.0.1"); /* dual-stack: both on one socket */
        expect_connection(fd, "localhost");
    }
}

static void reports_a_port_in_use(void)
{
    char port[16];
    int first = open_listenfd("0"), second;

    if (!CHECK(first >= 0, "open_listenfd: %s", open_error(first)))
        return;
    snprintf(port, sizeof(port), "%d", socket_port(first));
    second = open_listenfd(port);
    CHECK(second == -1 && errno == EADDRINUSE,
          "second open_listenfd(%s) returned %d (%s), want -1 EADDRINUSE", port,
          second, strerror(errno));
    CHECK(strcmp(open_error(second), strerror(EADDRINUSE)) == 0,
          "open_error said \"%s\"", open_error(second));
}

static void reports_an_unknown_host(void)
{
    int fd = open_clientfd("no-such-host.invalid", "80");

    CHECK(fd == -2, "open_clientfd of an unknown host returned %d, want -2", fd);
    CHECK(strlen(open_error(fd)) > 0, "open_error gave no reason");
}

static void reports_a_refused_connection(void)
{
    char port[16];
    int listenfd = open_listenfd("0"), fd;

    if (!CHECK(listenfd >= 0, "open_listenfd: %s", open_error(listenfd)))
        return;
    snprintf(port, sizeof(port), "%d", socket_port(listenfd));
    close(listenfd); /* nobody listens there now */
    fd = open_clientfd("127.0.0.1", port);
    CHECK(fd == -1 && errno == ECONNREFUSED,
          "open_clientfd to a closed port returned %d (%s), want -1 "
          "ECONNREFUSED", fd, strerror(errno));
}

static void refuses_a_port_that_is_not_a_number(void)
{
    int fd = open_listenfd("http-alt");
    CHECK(fd == -2, "open_listenfd(\"http-alt\") returned %d, want -2", fd);
}

static const test_t tests[] = {
    TEST(listens_on_port_0_and_reports_the_real_port),
    TEST(accepts_ipv4_clients),
    TEST(accepts_ipv6_clients_on_the_same_socket),
    TEST(reports_a_port_in_use),
    TEST(reports_an_unknown_host),
    TEST(reports_a_refused_connection),
    TEST(refuses_a_port_that_is_not_a_number),
};

int main(int argc, char **argv)
{
    return run_tests("open", tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
