/*
 * machine.c - the machine lent to one check at a time. A class run checks
 * several submissions at once (-P), but a check that counts on timing (a
 * crowd of clients, a race provoked, a limit reached) may judge
 * differently on a loaded machine. So the class run names a lock file in
 * ECHOCHECK_LOCK, and every check of every child echocheck, and every
 * build, holds it while it runs: the slow parts that do not judge
 * (builds waiting for the lock aside: starting a server, waiting for it to
 * listen, stopping it) still overlap. A POSIX record lock (fcntl): the
 * system drops it when its holder dies, so a killed child never leaves
 * it taken. One run of a single server sets no lock and takes none.
 */
#include "echocheck.h"

/* Opened once, by the main thread; the checks run on it only. */
static int lock_fd = -2;

int machine_lock_fd(void)
{
    const char *path = getenv("ECHOCHECK_LOCK");

    if (lock_fd == -2)
        lock_fd = path && *path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
    return lock_fd;
}

void machine_take(int fd, int take)
{
    struct flock fl = { 0 };

    if (fd < 0)
        return;
    fl.l_type = take ? F_WRLCK : F_UNLCK;
    fl.l_whence = SEEK_SET; /* the whole file: start 0, length 0 */
    while (fcntl(fd, F_SETLKW, &fl) < 0 && errno == EINTR)
        ;
}
