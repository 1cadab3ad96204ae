/*
 * memcap.c - a server that fills memory before it listens, 64 MiB at a
 * time (touched, so it is resident), up to 6 GiB: more than the 4 GiB
 * cap of the cgroup echocheck puts an isolated server in, less than the
 * 8 GiB of address space echocheck allows it. Under the cap the kernel
 * kills it, and echocheck must say so rather than "killed by SIGKILL"
 * alone; where nothing caps it, it says how much it took and serves.
 * Run: tests/bin/escape_memcap PORT (it takes 6 GiB where nothing stops
 * it).
 */
#include "escape.h"
#include "csapp.h"

#define CHUNK_MIB 64
#define MOST_MIB 6144

int main(int argc, char **argv)
{
    int mib = 0;

    escape_args(argc, argv, NULL);
    for (; mib < MOST_MIB; mib += CHUNK_MIB) {
        char *p = malloc((size_t)CHUNK_MIB << 20);
        if (p == NULL)
            break;
        memset(p, 1, (size_t)CHUNK_MIB << 20);
    }
    fprintf(stderr, "memcap: %d MiB taken and kept\n", mib);
    escape_done("memory", argv[1]);
}
