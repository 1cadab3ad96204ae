/*
 * jsoncheck - is a file one valid JSON value (RFC 8259: strict, UTF-8,
 * nothing after it)? tests/test_gradescope.sh asks it of every
 * results.json that run_autograder leaves, as Gradescope would parse it.
 * The reading is the tests' one strict reader (json.c).
 *   jsoncheck FILE
 * Exit status 0 when valid, and then the top-level object's "score" is
 * printed, when it has one; 1 with the offset and the reason when not; 2
 * for a usage error.
 */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>

/* The whole of file path, or NULL; *len gets its size. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t cap = 0;

    *len = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        if (*len == cap) {
            char *more = realloc(text, cap = cap * 2 + 65536);
            if (more == NULL)
                break;
            text = more;
        }
        size_t got = fread(text + *len, 1, cap - *len, f);
        *len += got;
        if (got == 0)
            break;
    }
    if (ferror(f) || *len == cap) {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

int main(int argc, char **argv)
{
    char err[200];
    size_t len;

    if (argc != 2) {
        fprintf(stderr, "usage: jsoncheck FILE\n");
        return 2;
    }
    char *text = slurp(argv[1], &len);
    if (text == NULL) {
        perror(argv[1]);
        return 1;
    }
    json_t *v = json_parse(text, len, err, sizeof(err));
    free(text);
    if (v == NULL) {
        printf("%s: %s\n", argv[1], err);
        return 1;
    }
    const json_t *score = json_get(v, "score");
    if (score != NULL && score->type == JSON_NUMBER)
        printf("%g\n", score->number);
    json_free(v);
    return 0;
}
