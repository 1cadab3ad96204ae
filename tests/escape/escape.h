/*
 * escape.h - what the servers of tests/escape/ share. Each of them makes
 * ONE attempt to get out of echocheck's isolation (issue 31), aimed only
 * at a decoy that tests/test_isolate.sh made, then serves echo. The
 * attempt's outcome goes to stderr, where echocheck's report quotes it.
 */
#ifndef ESCAPE_H
#define ESCAPE_H

/*
 * The arguments of a fixture: TARGET PORT when target names what the
 * target is ("<pid>"), PORT alone when it is NULL; else a usage line and
 * exit 2. Returns argv[1] (the target) or NULL.
 */
const char *escape_args(int argc, char **argv, const char *target);
/* The attempt failed: "escape: WHAT: REASON" on stderr (strerror(err),
 * then note when there is one), exit 1 before listening. */
_Noreturn void escape_failed(const char *what, int err, const char *note);
/* The attempt succeeded: "escape: WHAT: done" on stderr, then the suite's
 * start-up on port_arg and an echo served to one client at a time,
 * forever. */
_Noreturn void escape_done(const char *what, const char *port_arg);

#endif /* ESCAPE_H */
