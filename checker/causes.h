/*
 * causes.h - the catalogue of likely causes (causes.c): each cause, the
 * observation it needs, and the evidence the checks report.
 * Included by echocheck.h, after the types it uses.
 */
#ifndef CAUSES_H
#define CAUSES_H

/* ---- Causes (causes.c) ---- */
/* What a check saw: the observation a likely cause requires. */
enum {
    EV_USAGE = 0,         /* exited at start, printing a usage message */
    EV_START_REPORT,      /* never ready, with an error report printed */
    EV_ONE_CLIENT,        /* ended after serving exactly one client */
    EV_RUNTIME_REPORT,    /* its output holds a runtime's uncaught error */
    EV_WRAPPER_MSG,       /* its output holds a wrapper's "call: reason" */
    EV_DIED_SIGPIPE,      /* killed by SIGPIPE */
    EV_DIED_MEMORY,       /* killed by SIGSEGV, SIGBUS or SIGABRT */
    EV_EXITED,            /* exited by itself */
    EV_CANNOT_RUN,        /* exit status 127 with "cannot run PROG: why" */
    EV_KILLED,            /* killed by another signal */
    EV_MEMORY_CAP,        /* killed by SIGKILL as its cgroup counted an
                             out-of-memory kill */
    EV_NEXT_UNSERVED,     /* alive, but a fresh client was not served */
    EV_NO_RESTART,        /* a fresh instance did not get ready */
    EV_NOTHING_BACK,      /* not one byte of the echo came back */
    EV_HELD_TO_EOF,       /* the missing echo came once we shut down */
    EV_DIFF_AT_CR,        /* bytes came back; the first difference at a CR */
    EV_DIFF_AT_NUL,       /* bytes came back; the first difference at a NUL */
    EV_CHANGED,           /* bytes came back altered */
    EV_SOME_BACK,         /* bytes came back right, then no more */
    EV_LAST_PARTIAL_LOST, /* all came back but the last unterminated line */
    EV_NO_EOF,            /* all came back, no end of file after it */
    EV_FIRST_LINE_ONLY,   /* of lines sent together only the first came */
    EV_SECOND_WAITED,     /* a 2nd client unanswered beside a silent 1st */
    EV_POOL_UNSERVED,     /* fewer than the pool's N served at once */
    EV_POOL_EXTRA,        /* the pool's N + 1st answered at once */
    EV_WAITER_UNSERVED,   /* a waiting client unserved after one left */
    EV_SECOND_ANSWERED,   /* model one: a 2nd client answered at once */
    EV_WAITED_HALF_LINE,  /* a bystander unanswered beside a half line */
    EV_WAITED_FLOODER,    /* a bystander unanswered beside a flooder */
    EV_HALF_NOT_WHOLE,    /* a line completed later did not come whole */
    EV_UNANSWERED,        /* clients at once unanswered, no cross-talk */
    EV_CROSSTALK,         /* a client got bytes that were not its own */
    EV_ZOMBIES_ALL,       /* every client's child left a zombie */
    EV_ZOMBIES_SOME,      /* some children, not all, left zombies */
    EV_THREADS_LEFT,      /* more threads than idle after clients left */
    EV_FDS_LEFT,          /* more descriptors than idle after they left */
    EV_STACKS_NO_THREADS, /* stacks left mapped, threads back to idle */
    EV_EMFILE_FATAL,      /* with few descriptors, died or stopped serving */
    EV_SIGTERM_ALIVE,     /* still running after SIGTERM */
    EV_SIGTERM_LEFT,      /* processes of its group left after SIGTERM */
    EV_ENDED_AT_ONE_BYTE, /* the line before came back; the connection
                             ended at an empty line, or after the first
                             byte of a line sent a byte per segment */
    EV_EMPTY_LINE_LOST,   /* the line before came back; an empty line not */
    EV_PIECES_NOT_JOINED, /* a line came back whole; one sent a byte per
                             segment not, the connection open */
    EV_HIGH_BYTE_CHANGED, /* the first difference at a byte of 0x80-0xFF */
    EV_HIGH_LINE_REFUSED, /* an ASCII line came back, the next one of bytes
                             that are not UTF-8 not at all */
    EV_CLOSED_ECHO_DUE,   /* after the client's half-close the server ended
                             the connection before the whole echo */
    EV_GREW_UNREAD,       /* memory grew past its bound while a client sent
                             without reading */
    EV_BUSY_IDLE,         /* threads ran (or were ready to) with no client
                             sending */
    EV_NEWLINE_ADDED,     /* the echo is what was sent and then "\n" or
                             "\r\n", where what was sent ended without */
    EV_NOT_PROVOKED,      /* the check did not meet what it tests */
    EV_FLAKY,             /* the outcome varied between runs (--repeat) */
    EV_CLIENTS_AT_ONCE,   /* the check ran clients at the same time */
    EV_EBADF_AT_ONCE,     /* it died reporting "Bad file descriptor" in a
                             check that ran clients at once */
};

enum {
    CAUSE_NONE = 0,
    CAUSE_USAGE, CAUSE_START_REPORT, CAUSE_ONE_CLIENT, CAUSE_RUNTIME, CAUSE_WRAPPER,
    CAUSE_SIGPIPE, CAUSE_MEMORY, CAUSE_EXITED, CAUSE_KILLED,
    CAUSE_MEMORY_CAP, CAUSE_CANNOT_RUN,
    CAUSE_NEXT_UNSERVED, CAUSE_NO_RESTART,
    CAUSE_NO_ECHO, CAUSE_HELD, CAUSE_CRLF, CAUSE_NUL, CAUSE_CHANGED,
    CAUSE_LONG_LINE, CAUSE_SHORT_WRITE, CAUSE_LAST_PARTIAL, CAUSE_EOF,
    CAUSE_ITERATIVE, CAUSE_POOL_SHORT, CAUSE_NOT_POOL, CAUSE_NO_NEXT,
    CAUSE_NOT_ONE, CAUSE_SEGMENT, CAUSE_BLOCK_READ, CAUSE_BLOCK_WRITE,
    CAUSE_PARTIAL_LINE, CAUSE_CROWD, CAUSE_CROSSTALK,
    CAUSE_NEVER_REAPS, CAUSE_REAPS_ONE, CAUSE_THREADS_LEFT, CAUSE_FDS_LEFT,
    CAUSE_UNDETACHED, CAUSE_EMFILE,
    CAUSE_SIGTERM_ALIVE, CAUSE_CHILDREN_LEFT,
    CAUSE_ONE_BYTE_END, CAUSE_EMPTY_LINE, CAUSE_READ_IS_LINE, CAUSE_TEXT,
    CAUSE_TEXT_REFUSED, CAUSE_QUEUE_DROPPED, CAUSE_NO_BACKPRESSURE,
    CAUSE_SPINNING, CAUSE_NEWLINE_ADDED,
    CAUSE_NOT_PROVOKED, CAUSE_FLAKY, CAUSE_SHARED_FD,
};

typedef struct {
    int id;               /* CAUSE_ */
    const char *key;      /* short name: root-cause list, tests */
    int needs;            /* the EV_ observation it requires */
    const char *title;    /* the fault, in a few words */
    const char *text;     /* the likely cause, in any language; NULL: the
                             fault is all that is known, nothing guessed */
    const char *c_advice; /* where C with csapp does it right, or NULL */
} cause_t;

/* The catalogue's row of id (an empty row for an unknown id). */
const cause_t *cause_of(int id);
/* Records observation ev (EV_) in r; 1 when r has seen ev. */
void observe(result_t *r, int ev);
int has_seen(const result_t *r, int ev);
/* Makes id r's cause if r has seen what it needs and r has no cause
 * yet; returns 1 when the evidence was there, 0 when not. */
int blame(result_t *r, int id);
/* The cause of a failed echo (echo_once): the one the evidence shows
 * first of: held until the end, specific (the check's own; 0: none),
 * line endings, a NUL, text decoding, altered bytes, a newline added, a
 * half-close that dropped the echo, no end of file, nothing back. */
void blame_echo(result_t *r, int specific);
/* Notes r's cause: "likely cause: ...", then the C advice when
 * points_to_c (nothing for a cause without text). */
void note_cause(result_t *r);
/* 1 when the evidence points to C: the command runs a compiled C program
 * (ELF, neither an interpreter nor Rust nor Go), or a wrapper's message
 * was seen; a runtime's report of another language says no. */
int points_to_c(void);
/* What the server's output showed: 1 for C (a wrapper's message), 0 for
 * another language (a traceback, an exception, a panic). */
void language_seen(int is_c);

#endif
