/*
 * write.c - an echo server that first creates a file outside its folder
 * and outside /tmp, at a path tests/test_isolate.sh names (in a folder
 * the server's user may write). Isolated (issue 31), all but its folder
 * and a private /tmp is read-only to it, so no file appears.
 * Run: tests/bin/escape_write PATH PORT
 */
#include "escape.h"
#include "csapp.h"

#include <fcntl.h>

int main(int argc, char **argv)
{
    const char *path = escape_args(argc, argv, "<path>");

    /* O_EXCL: a file already there is the test's mistake, not a success. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        escape_failed("write", errno, NULL);
    close(fd);
    escape_done("write", argv[2]);
}
