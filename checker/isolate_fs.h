/*
 * isolate_fs.h - the isolated server's files (isolate_fs.c), Linux only.
 */
#ifndef ISOLATE_FS_H
#define ISOLATE_FS_H

/* In echocheck, before any fork: the server's folder (the current one)
 * and which of its command's files a private /tmp would hide (cmd0:
 * cmd[0] as found on PATH, or NULL). */
void fs_prepare(char *const cmd[], const char *cmd0);
/* The server's folder, absolute. */
const char *fs_folder(void);
/* In the forked server (async-signal-safe): its mount namespace. */
void fs_enter(void);
/* Says "echocheck: isolation: a b: the errno's text" on fd 2 and
 * _exits 126 (async-signal-safe). */
void iso_die(const char *a, const char *b);

#endif
