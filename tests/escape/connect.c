/*
 * connect.c - an echo server that first tries to reach a service on the
 * host's own loopback: it connects to 127.0.0.1:DECOY_PORT, a listener
 * tests/test_isolate.sh opened. Isolated (issue 31), the server has a
 * loopback of its own, so the connection is refused and nothing reaches
 * the decoy. Only 127.0.0.1, never any other address.
 * Run: tests/bin/escape_connect DECOY_PORT PORT
 */
#include "escape.h"
#include "csapp.h"

#include <arpa/inet.h>
#include <netinet/in.h>

int main(int argc, char **argv)
{
    const char *decoy = escape_args(argc, argv, "<decoy-port>");
    long port = strtol(decoy, NULL, 10);
    if (port < 1 || port > 65535)
        usage_exit(argv[0], "<decoy-port 1..65535> <port>");

    struct sockaddr_in addr = { .sin_family = AF_INET };
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        escape_failed("connect", errno, NULL);
    close(fd);
    escape_done("connect", argv[2]);
}
