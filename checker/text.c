/*
 * text.c - the text helper the checker's rooms share: a token replaced
 * in a command's argument ({port} by instance.c, {dir} by the class run).
 */
#include "echocheck.h"

char *replace_all(const char *s, const char *token, const char *with)
{
    size_t n = 1, len = strlen(token);

    for (const char *p = s; (p = strstr(p, token)) != NULL; p += len)
        n++;
    char *out = Malloc(strlen(s) + n * strlen(with) + 1), *o = out;
    while (*s) {
        if (strncmp(s, token, len) == 0) {
            o += sprintf(o, "%s", with);
            s += len;
        } else
            *o++ = *s++;
    }
    *o = '\0';
    return out;
}
