/*
 * benchlib.h - what more than one measuring tool needs (echobench,
 * spawncost). The tools also link the suite's library (csapp.o, rio.o,
 * sockets.o) for its wrappers, RIO, the network helpers and parse_number.
 */
#ifndef BENCHLIB_H
#define BENCHLIB_H

#include <stdint.h>

/* Nanoseconds on the monotonic clock: for intervals, never for dates.
 * Thread-safe. */
uint64_t now_ns(void);

#endif /* BENCHLIB_H */
