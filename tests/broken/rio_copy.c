/*
 * rio_copy.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: a select() loop that reads each client through a COPY of
 * its rio_t, as the textbook's check_clients does (rio = p->clientrio[i]).
 * RIO reads ahead: one read(2) takes every byte the client has sent, the
 * copy hands out the first line, and the lines read ahead behind it die
 * with the copy when the call returns. Lines that arrive together, in one
 * segment, are lost but the first: echocheck's
 * concurrency/lines-in-one-segment. Certain, not likely: the stored rio_t
 * is never updated, so every call starts from an empty buffer.
 * Done right: echoservers.c keeps each client's partial line with the
 * client (see its "Ours:" comments, and echo_step.c).
 * Otherwise correct (evloop.c): a read is made only once a whole line
 * (or a full MAXLINE piece, or end of file) is waiting, so half a line
 * blocks nobody, and unsent echo waits in a queue.
 * Run: tests/bin/broken_rio_copy PORT
 */
#include "evloop.h"
#include "server.h"

/* 1 when rio_readlineb will not wait: a newline, a full piece, end of
 * file or an error is there already. MSG_PEEK leaves the bytes queued. */
static int line_waiting(int fd)
{
    char peek[MAXLINE - 1];
    ssize_t n = recv(fd, peek, sizeof(peek), MSG_PEEK);

    return n <= 0 || (size_t)n == sizeof(peek) ||
           memchr(peek, '\n', (size_t)n) != NULL;
}

static int read_step(conn_t *c)
{
    char line[MAXLINE];

    if (!line_waiting(c->fd))
        return 0;
    rio_t rio = *c->rio; /* BUG: a copy; what it reads ahead is lost */
    ssize_t n = rio_readlineb(&rio, line, sizeof(line));
    if (n < 0)
        return -1;
    if (n == 0)
        c->eof = 1;
    return conn_echo(c, line, (size_t)n) < 0 ? -1 : 1;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    evloop_run(start_server(argv[0], argv[1]), read_step);
}
