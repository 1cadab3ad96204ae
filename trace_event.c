/*
 * trace_event.c - one trace event's JSON text, written by hand into a
 * fixed buffer (no stdio, no malloc) so that trace_signal may encode in a
 * signal handler. A text that does not fit is marked, never cut.
 */
#include "csapp.h"
#include "trace_impl.h"

#include <stdarg.h>

void trace_put(event_t *e, ...)
{
    va_list ap;
    const char *s;

    va_start(ap, e);
    while ((s = va_arg(ap, const char *)) != NULL) {
        size_t n = strlen(s);
        if (e->len + n >= sizeof(e->text))
            e->overflow = 1;
        else
            memcpy(e->text + e->len, s, n);
        e->len += e->overflow ? 0 : n;
    }
    va_end(ap);
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
void trace_put_quoted(event_t *e, const char *s)
{
    PUT(e, "\"");
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[7] = {'\\', (char)c, '\0'};
        if (c < 0x20) /* \u00XX */
            memcpy(esc + 1, (char[]){'u', '0', '0', "0123456789abcdef"[c >> 4],
                                     "0123456789abcdef"[c & 15], '\0'}, 6);
        PUT(e, c < 0x20 || c == '"' || c == '\\' ? esc : esc + 1);
    }
    PUT(e, "\"");
}

void trace_put_int(event_t *e, long long v)
{
    char digits[SIO_DIGITS];

    PUT(e, sio_ltoa(v, digits));
}

/* Nanoseconds as microseconds with three decimals: "12.345". */
void trace_put_us(event_t *e, long long ns)
{
    char frac[5] = {'.', 0, 0, 0, '\0'};
    long long rest = ns % 1000;

    trace_put_int(e, ns / 1000);
    for (int i = 3; i >= 1; i--, rest /= 10)
        frac[i] = (char)('0' + rest % 10);
    PUT(e, frac);
}

