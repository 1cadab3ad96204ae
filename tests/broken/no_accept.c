/*
 * no_accept.c - WARNING: broken on purpose, for echocheck's tests.
 * The defect: it listens and never accepts (a loop that waits on
 * something else first, here for a signal that never comes). Clients
 * connect, since the kernel completes their handshakes into the listen
 * backlog, and nothing ever comes back. echocheck must say so once, as
 * "nothing came back at all", and never guess past that evidence: not
 * "one client at a time" (no client was ever served, after a first one
 * left or not), not a crowd refused, not a descriptor limit never met.
 * Done right: echoserveri.c accepts, echoes and closes, forever.
 * Run: tests/bin/broken_no_accept PORT
 */
#include <unistd.h>

#include "server.h"

int main(int argc, char **argv)
{
    if (argc != 2)
        usage_exit(argv[0], "<port>");
    start_server(argv[0], argv[1]);
    for (;;)
        pause(); /* BUG: no accept */
}
