/*
 * no_backpressure.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: an event loop that reads every client whenever it has
 * sent something, even while the client's earlier echo still waits to
 * be written: a client that sends without reading has its whole input
 * queued in the server's memory, without limit (the issue saw 240-290 MB
 * in servers like it). echocheck's resources/bounded-memory. Certain:
 * nothing stops the reading.
 * Done right: echo_step.c reads a client only while none of its echo
 * waits; a blocking server's write waits by itself.
 * Otherwise correct (evloop.c): one read per ready client per round,
 * the queue written as the client takes it, closed once it is out.
 * Run: tests/bin/broken_no_backpressure PORT
 */
#include "evloop.h"
#include "server.h"

#include <stdint.h>

int main(int argc, char **argv)
{
    /* BUG: read on, however much echo waits */
    static const evloop_rules_t rules = { .high_water = SIZE_MAX };

    if (argc != 2)
        usage_exit(argv[0], "<port>");
    evloop_run_rules(start_server(argv[0], argv[1]), evloop_plain_step,
                     &rules);
}
