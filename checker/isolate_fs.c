/*
 * isolate_fs.c - what the isolated server sees of the files (see
 * isolate.h): its own mount namespace, everything read-only but its
 * folder (writable, where its uid may write), a private tmpfs on /tmp,
 * /var/tmp and /dev/shm, and its command's own files there if a tmpfs
 * would hide them (a server started from /tmp/x keeps /tmp/x, read-only);
 * /proc mounted anew shows its own PID namespace only.
 */
#define _GNU_SOURCE /* unshare, mount: Linux's own calls */
#include "isolate_fs.h"

#ifdef __linux__
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_BINDS 8

/* Filled by fs_prepare before any fork; the children only read. */
static char folder[PATH_MAX];           /* the server's, writable */
static char binds[MAX_BINDS][PATH_MAX]; /* its command's, under a tmpfs */
static int bind_file[MAX_BINDS];        /* 1: a file right in /tmp, say */
static int n_binds;
static char hides[MAX_BINDS][PATH_MAX]; /* others' folders: an empty tmpfs */
static int n_hides;

/* Each gets a private tmpfs: what the server may write (/tmp), and what it
 * must not reach: the host's sockets in /run (D-Bus, a container
 * engine's) open to any user, which a read-only mount does not close. */
static const char *const hidden[] = { "/tmp", "/var/tmp", "/dev/shm", "/run" };

/* ---- In a forked child: async-signal-safe only ---- */

static void say(const char *a, const char *b, int err)
{
    const char *parts[] = { "echocheck: isolation: ", a, b, ": ",
                            strerror(err), "\n" };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        ssize_t rc = write(2, parts[i], strlen(parts[i]));
        (void)rc;
    }
}

void iso_die(const char *a, const char *b)
{
    say(a, b, errno);
    _exit(126);
}

/* mount_setattr (Linux 5.12) sets a flag on a whole tree at once. */
struct iso_mount_attr { unsigned long long set, clr, propagation, userns; };
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442 /* the same number on every architecture */
#endif
#define ISO_ATTR_RDONLY 0x1ULL
#define ISO_AT_RECURSIVE 0x8000

static int tree_attr(const char *path, int readonly)
{
    struct iso_mount_attr a = { 0, 0, 0, 0 };

    if (readonly)
        a.set = ISO_ATTR_RDONLY;
    else
        a.clr = ISO_ATTR_RDONLY;
    return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, ISO_AT_RECURSIVE,
                        &a, sizeof(a));
}

/* Before mount_setattr: every mount point of mountinfo, one by one,
 * keeping the flags a remount may not drop. */
static int remount_all_readonly(void)
{
    static char buf[1 << 16];
    int fd = open("/proc/self/mountinfo", O_RDONLY), failed = 0;
    ssize_t n, len = 0;

    if (fd < 0)
        return -1;
    while (len < (ssize_t)sizeof(buf) - 1 &&
           (n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
        len += n;
    close(fd);
    buf[len] = '\0';
    for (char *p = buf; *p;) {
        char *end = strchr(p, '\n'), *mp = p;
        if (end)
            *end = '\0';
        for (int field = 0; field < 4 && mp; field++) /* the 5th field */
            if ((mp = strchr(mp, ' ')) != NULL)
                mp++;
        char *sp = mp ? strchr(mp, ' ') : NULL;
        if (sp) {
            *sp = '\0'; /* (a mount point with "\040" in it is skipped) */
            if (mount(NULL, mp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
                      MS_NOSUID | MS_NODEV, NULL) < 0 &&
                mount(NULL, mp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
                      MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
                strcmp(mp, "/") == 0)
                failed = 1;
        }
        p = end ? end + 1 : p + strlen(p);
    }
    return failed ? -1 : 0;
}

static int mkdir_all(const char *path)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);

    if (n >= sizeof(buf))
        return -1;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++)
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    return 0;
}

/* Mounts the folder open on fd at path again (path may now lie in a
 * fresh tmpfs), writable or not. */
static void bind_fd(int fd, const char *path, int writable)
{
    char src[64];

    snprintf(src, sizeof(src), "/proc/self/fd/%d", fd); /* no malloc */
    if (mkdir_all(path) < 0)
        iso_die("mkdir ", path);
    if (mount(src, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        iso_die("bind ", path);
    if (writable && tree_attr(path, 0) < 0 &&
        mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV,
              NULL) < 0)
        iso_die("make writable ", path);
    close(fd);
}

/* A file of the command right in a private tmpfs's folder (python3
 * /tmp/server.py): the file alone shown there, read-only. */
static void bind_file_fd(int fd, const char *path)
{
    char src[64];
    int t = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0444);

    snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
    if (t < 0 || close(t) < 0)
        iso_die("create ", path);
    if (mount(src, path, NULL, MS_BIND, NULL) < 0)
        iso_die("bind ", path);
    mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
          MS_NODEV, NULL);
    close(fd);
}

void fs_enter(void)
{
    int folder_fd, bind_fds[MAX_BINDS];

    /* Its own System V IPC and POSIX message queues too: the host's,
     * shared by key, are no way out either. */
    if (unshare(CLONE_NEWNS | CLONE_NEWIPC) < 0)
        iso_die("unshare", "(CLONE_NEWNS|CLONE_NEWIPC)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        iso_die("mount --make-rprivate ", "/");
    if ((folder_fd = open(folder, O_RDONLY | O_DIRECTORY)) < 0)
        iso_die("open ", folder);
    for (int i = 0; i < n_binds; i++)
        bind_fds[i] = open(binds[i], bind_file[i] ? O_RDONLY
                                                   : O_RDONLY | O_DIRECTORY);
    if (tree_attr("/", 1) < 0 && remount_all_readonly() < 0)
        iso_die("read-only ", "/");
    for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
        if (access(hidden[i], F_OK) == 0 &&
            mount("tmpfs", hidden[i], "tmpfs", MS_NOSUID | MS_NODEV,
                  "mode=1777,size=256m") < 0)
            iso_die("tmpfs on ", hidden[i]);
    for (int i = 0; i < n_hides; i++) /* (under /tmp: gone already) */
        if (access(hides[i], F_OK) == 0 &&
            mount("tmpfs", hides[i], "tmpfs", MS_NOSUID | MS_NODEV,
                  "mode=0755,size=1m") < 0)
            iso_die("tmpfs on ", hides[i]);
    for (int i = 0; i < n_binds; i++)
        if (bind_fds[i] >= 0 && bind_file[i])
            bind_file_fd(bind_fds[i], binds[i]);
        else if (bind_fds[i] >= 0)
            bind_fd(bind_fds[i], binds[i], 0);
    bind_fd(folder_fd, folder, 1);
    if (chdir(folder) < 0)
        iso_die("chdir ", folder);
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              NULL) < 0)
        iso_die("mount ", "/proc");
    /* /sys of its own network namespace (only lo in /sys/class/net), where
     * the system lets it; else the host's, read-only. */
    mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
          NULL);
}

/* path (a folder, or a file when is_file), kept readable if a private
 * tmpfs would hide it: one below a hidden folder. A file is kept alone
 * only where it sits right in the hidden folder itself (/tmp/x.py), lest
 * the whole of /tmp be shown. */
static void keep_path(const char *path, int is_file)
{
    for (int i = 0; i < n_binds; i++)
        if (strcmp(binds[i], path) == 0)
            return;
    for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
        size_t n = strlen(hidden[i]);
        if (n_binds < MAX_BINDS && strncmp(path, hidden[i], n) == 0 &&
            path[n] == '/' && (!is_file || strchr(path + n + 1, '/') == NULL)) {
            bind_file[n_binds] = is_file;
            snprintf(binds[n_binds++], PATH_MAX, "%s", path);
        }
    }
}

/* The folders a file of the command needs: the one it is named in (a
 * symbolic link's) and the one it really is in; or, right in /tmp (or
 * another hidden folder), the file itself. */
static void keep_readable(const char *path)
{
    char real[PATH_MAX], named[PATH_MAX];
    struct stat st;

    if (realpath(path, real) == NULL || stat(real, &st) < 0)
        return;
    snprintf(named, sizeof(named), "%s", path);
    char *slash = strrchr(named, '/');
    if (!S_ISDIR(st.st_mode) && slash) {
        char base[NAME_MAX + 1];
        snprintf(base, sizeof(base), "%s", slash + 1);
        *slash = '\0';
        if (realpath(named[0] ? named : "/", named) != NULL) {
            keep_path(named, 0);
            size_t n = strlen(named);
            snprintf(named + n, sizeof(named) - n, "/%s", base);
            keep_path(named, 1); /* the name it was given, if right in /tmp */
        }
    }
    if (S_ISDIR(st.st_mode)) {
        keep_path(real, 0);
        return;
    }
    keep_path(real, 1);
    *strrchr(real, '/') = '\0'; /* realpath's answer has one */
    keep_path(real, 0);
}

/* ECHOCHECK_HIDE: folders to show empty, a line each (a class run's:
 * the class and its report, lest a submission read another's work or
 * take the report's lock). Its own folder is mounted back inside. */
static void hide_listed(void)
{
    const char *list = getenv("ECHOCHECK_HIDE");
    char path[PATH_MAX], real[PATH_MAX];

    for (const char *p = list; p && *p && n_hides < MAX_BINDS;) {
        size_t n = strcspn(p, "\n");
        snprintf(path, sizeof(path), "%.*s", (int)n, p);
        if (realpath(path, real) != NULL && strcmp(real, "/") != 0)
            snprintf(hides[n_hides++], PATH_MAX, "%s", real);
        p += n + (p[n] == '\n');
    }
}

void fs_prepare(char *const cmd[], const char *cmd0)
{
    hide_listed();
    if (getcwd(folder, sizeof(folder)) == NULL)
        snprintf(folder, sizeof(folder), "/");
    for (int i = 0; cmd && cmd[i]; i++)
        keep_readable(i == 0 && cmd0 ? cmd0 : cmd[i]);
}

const char *fs_folder(void)
{
    return folder;
}

#endif
