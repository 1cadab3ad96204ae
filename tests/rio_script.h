/*
 * rio_script.h - RIO under hostile input: an arbitrary byte string drives
 * both the bytes fed to a pipe (split at arbitrary points) and the reads
 * made from it (rio_readlineb and rio_readnb mixed, arbitrary lengths).
 * Shared by the libFuzzer target (fuzz_rio.c) and the seeded random test
 * in test_rio.c, so both check the same properties.
 */
#ifndef RIO_SCRIPT_H
#define RIO_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Plays one script. Returns 0 when every property held: the bytes handed
 * out equal the bytes fed in, in order; no read wrote past maxlen (or n);
 * every line ends at the first newline or at maxlen-1 bytes or at end of
 * input. Otherwise prints what broke and returns -1.
 */
int rio_play_script(const uint8_t *script, size_t size);

#endif /* RIO_SCRIPT_H */
