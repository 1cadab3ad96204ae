/*
 * client.h - the checker's clients (client.c): connecting, sending,
 * reading the echo within deadlines, and showing bytes.
 * Included by echocheck.h, after the types it uses.
 */
#ifndef CLIENT_H
#define CLIENT_H

/* ---- Clients (client.c) ---- */
/* A non-blocking socket connected to 127.0.0.1:port within WAIT_MS, or
 * -1 with errno set. */
int cl_connect(int port);
/* The same, not waiting for the connect to complete. */
int cl_connect_later(int port);
/* What send_unread sends, and when it stops besides. */
typedef struct {
    const char *data;     /* byte k sent is data[k % len] */
    size_t len;
    size_t max;           /* at most this many bytes */
    int limit_ms;         /* for at most this long */
    int (*tick)(void *arg); /* called about every 100 ms: nonzero stops */
    void *arg;
    int held;             /* out: the socket took nothing at some point */
    int err;              /* out: errno of a failed send, else 0 */
} unread_t;
/* Sends without reading until the socket takes nothing for 300 ms (the
 * echo has backed up into the server), or u's limits. Returns the bytes
 * sent. */
size_t send_unread(int fd, unread_t *u);
/* n bytes (a multiple of 64) of 64-byte lines, each numbered. */
char *numbered_lines(size_t n);
/* send_unread of lines, at most 64 MB or WAIT_MS; returns the bytes sent. */
size_t flood(int fd);
/* Closes with a reset (SO_LINGER 0) instead of an orderly end. */
void cl_reset(int fd);

typedef struct {
    const char *out;      /* bytes to send */
    size_t outlen, sent;
    int shut;             /* shutdown(SHUT_WR) once all is sent */
    char *in;             /* where the echo goes */
    size_t inlen, got;    /* want inlen bytes; got so far */
    int want_eof;         /* then wait for end of file */
    int eof, err;         /* seen end of file; errno of a failure */
    int eof_early;        /* end of file came before all was sent */
    char extra[2];        /* the first bytes that came past inlen */
    long long idle_ms;    /* how long it waited for nothing at the end */
} xfer_t;

/*
 * Sends and receives at once until everything is sent and inlen bytes
 * have come (and end of file, when wanted), or nothing moves for idle
 * milliseconds. Returns 0 when done, 1 on timeout, -1 on an error or an
 * early end of file (x->err, x->eof say which).
 */
int xfer(int fd, xfer_t *x, int idle);
/* 1 when a byte (or end of file) arrives on fd within millis. */
int readable_within(int fd, int millis);
/*
 * One client, start to end: connect, send data, expect it back (then end
 * of file after a shutdown when shut), compare. Returns 0, or with r
 * failed (what was sent, expected and seen) ECHO_CHANGED when bytes came
 * back altered, ECHO_SHORT when some never came, ECHO_NO_EOF when all came
 * but no end of file after them, ECHO_CLOSED when the server ended the
 * connection (end of file or a reset) before all came, ECHO_TEXT when
 * they first differ where a byte of 0x80-0xFF came back as '?' or U+FFFD
 * (text decoding).
 */
enum { ECHO_CHANGED = 1, ECHO_SHORT = 2, ECHO_NO_EOF = 3, ECHO_CLOSED = 4,
       ECHO_TEXT = 5 };
int echo_once(int port, const char *data, size_t n, int shut, result_t *r);
/*
 * A client that sends lines of data without reading (send_unread, at most
 * max bytes), then shuts down its sending side, and only then reads: it
 * must get every whole line it sent back, then end of file (a last line
 * cut where the sending stalled is echo/no-final-newline's to judge).
 * Returns as echo_once.
 */
int echo_unread(int port, const char *data, size_t max, result_t *r);

/* What came back to one exchange. */
typedef struct {
    char in[1024];        /* the echo, up to its piece's length */
    size_t got;           /* bytes that came, more ones counted only */
    int eof;              /* the server ended the connection */
    int kind;             /* 0, or how it failed (ECHO_) */
} seen_t;
/* Sends piece (at most 1024 bytes) on fd, one byte per segment gap_ms
 * apart when gap_ms > 0, and waits up to WAIT_MS for its echo. Returns as
 * echo_once; seen says what came. When the echo stopped short, it shuts
 * down fd's sending side to see whether the rest was held back. */
int exchange(int fd, const char *piece, size_t n, int gap_ms, seen_t *seen,
             result_t *r);
/* Notes where want and got first differ, each shown escaped. */
void note_difference(result_t *r, const char *want, size_t wantlen,
                     const char *got, size_t gotlen);
/* Up to max bytes of s, shown with \r \n \0 \xNN, into buf. */
const char *shown(const char *s, size_t n, char *buf, size_t size);

#endif
