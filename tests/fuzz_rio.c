/*
 * fuzz_rio.c - libFuzzer entry point for RIO under hostile input; the
 * properties checked are in rio_script.c. Built and run by `make fuzz`
 * (needs clang); test_rio runs the same script on seeded random input.
 */
#include "rio_script.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (rio_play_script(data, size) != 0)
        abort(); /* libFuzzer saves the input that broke RIO */
    return 0;
}
