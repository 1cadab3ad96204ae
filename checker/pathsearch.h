/*
 * pathsearch.h - the file execvp would run for a command name, searched
 * in PATH as execvp searches it (an empty entry: the current folder).
 * Shared by causes.c (naming the server's program) and isolate.c (can
 * the server's uid run it?); no csapp.h, so isolate.c may include it.
 */
#ifndef PATHSEARCH_H
#define PATHSEARCH_H

#include <stddef.h>

/* name itself when it holds a '/', else the first executable PATH entry
 * (into buf); NULL when none is found. */
const char *path_search(const char *name, char *buf, size_t size);

#endif
