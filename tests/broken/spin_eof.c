/*
 * spin_eof.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: an event loop whose read step ends a connection only on an
 * error, never at end of file (read returning 0), as
 * `loop { let n = stream.read(&mut buf)?; stream.write_all(&buf[..n])?; }`
 * does in Rust. A client that has left stays in the read set, and select
 * reports it readable at once, every round: the loop spins at 100% of a
 * core with no client connected. echocheck's resources/idle-cpu names
 * the busy thread; fds-back sees the descriptors kept. Certain: end of
 * file stays readable for ever.
 * Done right: echo_step.c closes at end of file once the echo is out.
 * Otherwise correct (evloop.c): one read per ready client per round, the
 * echo queued while the client does not take it.
 * (A thread per client with this loop spins in each of them; one loop
 * spins on one core whatever the clients, which the tests' machine
 * bears better.)
 * Run: tests/bin/broken_spin_eof PORT
 */
#include "evloop.h"
#include "server.h"

static int read_step(conn_t *c)
{
    char buf[MAXLINE];
    ssize_t n = read(c->fd, buf, sizeof(buf));

    if (n < 0)
        return -1;
    /* BUG: n == 0 is end of file, and not the end here */
    return conn_echo(c, buf, (size_t)n) < 0 ? -1 : 1;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    evloop_run(start_server(argv[0], argv[1]), read_step);
}
