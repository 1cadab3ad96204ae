/*
 * blocking.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: an event loop that reads a ready client with a blocking
 * rio_readlineb. select() says "readable" as soon as one byte is there;
 * readlineb then waits for the newline. A client that sends half a line
 * and stalls holds the one thread that serves everybody: echocheck's
 * concurrency/half-line-delays-nobody. Certain: that client's half line
 * makes its socket readable, and the read waits for the rest.
 * Done right: echoservers.c and echoservere.c read once per step, keep
 * the partial line with the client and go on (echo_step.c).
 * Otherwise correct (evloop.c): every line already read ahead is echoed
 * before the loop waits again, and unsent echo waits in a queue.
 * Run: tests/bin/broken_blocking PORT
 */
#include "evloop.h"
#include "server.h"

static int read_step(conn_t *c)
{
    char line[MAXLINE];

    do {
        /* BUG: waits here until the line is complete */
        ssize_t n = rio_readlineb(c->rio, line, sizeof(line));
        if (n < 0)
            return -1;
        if (n == 0) {
            c->eof = 1;
            return 1;
        }
        if (conn_echo(c, line, (size_t)n) < 0)
            return -1;
    } while (rio_line_ready(c->rio));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    evloop_run(start_server(argv[0], argv[1]), read_step);
}
