/*
 * text.c - the text helpers the checker's rooms share: a token replaced
 * in a command's argument ({port} by instance.c, {dir} by the class run),
 * and a word quoted for sh (the command line shown, a build's {dir}).
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

char *shell_quoted(const char *s)
{
    char *out = Malloc(strlen(s) * 4 + 3), *o = out;
    *o++ = '\'';
    for (; *s; s++)
        o += *s == '\'' ? sprintf(o, "'\\''") : sprintf(o, "%c", *s);
    *o++ = '\'';
    *o = '\0';
    return out;
}
