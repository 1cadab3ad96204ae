/*
 * queue_drop.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: an event loop that closes a connection as soon as it
 * reads the client's end of file, while echo still waits in its queue.
 * The client's half-close (shutdown of its sending side) ends its input,
 * not its echo: a client that sent without reading, then half-closed and
 * reads only now, loses what was queued (the issue saw 4 MB of 64 come
 * back). echocheck's echo/half-close-unread; a client that reads as it
 * sends (echo/half-close) finds the queue empty and misses it. Certain
 * there: the kernel holds at most 512 KB of its echo (SO_SNDBUF 256 KB,
 * which Linux doubles), so a client that reads nothing fills the queue to
 * its 1 MB, and each round that writes at most 512 KB of it refills it
 * from the client's input, end of file included.
 * Done right: echo_step.c closes at end of file only once the queue is
 * empty.
 * Otherwise correct (evloop.c): back-pressure, with a high-water mark of
 * 1 MB of queued echo per client, as Node's streams have; a send buffer
 * of its own size, as a server may set to save memory.
 * Run: tests/bin/broken_queue_drop PORT
 */
#include "evloop.h"
#include "server.h"

int main(int argc, char **argv)
{
    static const evloop_rules_t rules = {
        .high_water = 1u << 20,
        .close_at_eof = 1, /* BUG: the queue is dropped */
        .sndbuf = 256 << 10,
    };

    if (argc != 2)
        usage_exit(argv[0], "<port>");
    evloop_run_rules(start_server(argv[0], argv[1]), evloop_plain_step,
                     &rules);
}
