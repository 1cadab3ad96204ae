/*
 * class_words.c - what a class run reads in echocheck's words: a note
 * with the lines it was wrapped onto joined, the cause of a failure (for
 * the report's "most frequent cause"), and the server's first words at a
 * start that failed (for a "never listened" submission's why).
 */
#include "class.h"

#include <ctype.h>

/*
 * The note whose text starts at p, col columns into its line, with the
 * lines it was wrapped onto (report.c: indented 6, 80 columns at most)
 * joined: a space where the wrap took one, none where it cut a word too
 * long for a line. Into out, size bytes.
 */
static void joined_note(const char *p, int col, char *out, size_t size)
{
    size_t o = 0;

    while (*p && o + 1 < size) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n > size - 1 - o)
            n = size - 1 - o;
        memcpy(out + o, p, n);
        o += n;
        if (e == NULL || strncmp(e + 1, "      ", 6) != 0)
            break; /* the end of the note */
        if (col + (e - p) < 80 && o + 1 < size)
            out[o++] = ' ';
        for (p = e + 7, col = 6; *p == ' '; p++)
            col++;
    }
    out[o] = '\0';
}

/*
 * What caused a failure, from its output: the text of its "likely cause:"
 * line (continuation lines joined), else its first line with long
 * numbers (ports, pids, byte counts) as N, so that the same fault in two
 * submissions reads the same. A new string, at most 160 bytes.
 */
char *failure_cause(const char *output)
{
    char *cause = Malloc(161), *o = cause;
    const char *p = strstr(output, "likely cause: "), *line = p;

    if (p) {
        while (line > output && line[-1] != '\n')
            line--;
        p += strlen("likely cause: ");
        joined_note(p, (int)(p - line), cause, 161);
        return cause;
    }
    for (p = output; *p && *p != '\n' && o < cause + 160;) {
        size_t digits = strspn(p, "0123456789");
        if (digits >= 3) {
            *o++ = 'N';
            p += digits;
        } else
            *o++ = *p++;
    }
    *o = '\0';
    return cause;
}

/* 1 when a quoted line says something itself: not a header ("Traceback
 * (most recent call last):") nor an indented frame of a stack trace. */
static int says_something(const char *text)
{
    size_t n = strlen(text);

    return n > 0 && !isspace((unsigned char)text[0]) && text[n - 1] != ':';
}

/*
 * The server's first words in a start's output (its notes, detail): the
 * first quoted line ("    > " a runtime's report, "    | " what it
 * printed) that says something (else the first quoted line), else the
 * first note that is no header ("the server printed nothing"). Into
 * out; 0 when there is none.
 */
int first_words(const char *detail, char *out, size_t size)
{
    const char *note = NULL, *quoted = NULL;

    for (const char *d = detail; d && strncmp(d, "    ", 4) == 0;) {
        const char *e = strchr(d, '\n');
        int quote = d[4] == '>' || d[4] == '|'; /* "    |" alone: an empty line */
        if (quote && d[5] == ' ' && strncmp(d + 6, "... (", 5) != 0) {
            joined_note(d + 6, 6, out, size);
            if (says_something(out))
                return 1;
            quoted = quoted ? quoted : d;
        } else if (!quote && note == NULL && d[4] != ' ' &&
                   (e ? e[-1] : d[strlen(d) - 1]) != ':')
            note = d;
        d = e ? e + 1 : NULL;
    }
    if (quoted)
        joined_note(quoted + 6, 6, out, size);
    else if (note)
        joined_note(note + 4, 4, out, size);
    return quoted || note;
}
