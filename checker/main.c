/*
 * echocheck - checks any echo server against the lecture's lessons: the
 * checker a student runs on their own server before handing it in, and
 * an instructor on every submission.
 *   ./echocheck [-m one|many|pool=N] [-p PORT] [-g GROUP] [--check ID]
 *               [-j FILE] [--points FILE] [--junit FILE] [-v]
 *               [--no-mem-limit] [--repeat N] -- COMMAND [ARG...]
 *   ./echocheck --class DIR [--build CMD] [-P N] [-o OUT] ... -- COMMAND
 *   ./echocheck --list
 * It starts COMMAND with {port} in its arguments replaced by a free port
 * (appended when no argument holds it), waits until it listens, and runs
 * the groups echo, concurrency, robustness, resources and shutdown, each
 * on a fresh instance. It relies on no log line, no IPv6 and no program
 * name. Where Linux allows, the server runs shut in (isolate.c): loopback
 * only, its own PIDs, writes to its folder and a private /tmp only.
 */
#include "class.h"
#include "isolate.h"

#include <sys/resource.h>

static const char usage_text[] =
    "usage: echocheck [-m one|many|pool=N] [-p PORT] [-g GROUP] [--check ID]\n"
    "                 [-j FILE] [--points FILE] [--junit FILE] [-v]\n"
    "                 [--no-mem-limit] [--repeat N] [--[no-]isolate]\n"
    "                 -- COMMAND [ARG...]\n"
    "       echocheck --class DIR [--build CMD] [-P N] [-o OUT] [--time-limit S]\n"
    "                 [--only NAME] [-m MODEL] [-p PORT] [--repeat N]\n"
    "                 [--points FILE] [--[no-]isolate] -- COMMAND [ARG...]\n"
    "       echocheck --list\n";

static const char help_text[] =
    "Checks an echo server: exact echo, concurrency as the model -m claims\n"
    "(default many), robustness against misbehaving clients, resources\n"
    "(where /proc shows them) and shutdown on SIGTERM.\n"
    "  {port} in any ARG is replaced by a free port (else it is appended,\n"
    "             and a line says so)\n"
    "  -m MODEL   one (one client at a time), many, or pool=N (N at once)\n"
    "  -p PORT    use this port instead of a free one\n"
    "  -g GROUP   run one group: echo, concurrency, robustness, resources,\n"
    "             shutdown\n"
    "  --check ID run one check, ID as group/name (echo/crlf); exit status\n"
    "             0 when it passed or was skipped, 1 when it failed\n"
    "  -j FILE    also write the results as Gradescope's results.json:\n"
    "             every check with its status, written at the start and\n"
    "             replaced as each check ends\n"
    "  --points FILE  the rubric: lines 'group/name points' (# comments);\n"
    "             a check not listed is worth 1\n"
    "  --junit FILE  also write them as JUnit XML (a testsuite per group)\n"
    "  -v         show each step and the exact command line started\n"
    "  --no-mem-limit  no address-space limit (for ASan and TSan builds)\n"
    "  --isolate  isolation or nothing: exit 2 where it cannot be had\n"
    "  --no-isolate  no namespaces: the server runs as echocheck's user,\n"
    "             in a process group with limits\n"
    "  --repeat N run each check N times (1 to 100), each on a fresh\n"
    "             instance; a check whose outcome varies prints \"FLAKY\n"
    "             group/name: failed K of N runs\" and counts as failed\n"
    "  --list     print every check: id, group, what it checks, the lesson\n"
    "  -h, --help this text\n"
    "A fault is judged once: later checks it prevented say \"not judged\";\n"
    "the root causes end the report. A check passes only if it provoked\n"
    "what it tests; else it fails as \"not provoked\", echocheck's fault.\n"
    "Exit status: 0 when no check failed, 1 when one did, 2 usage error,\n"
    "130 when interrupted.\n"
    "Isolation (Linux, where namespaces are allowed): the server runs in\n"
    "its own network (loopback only), PID and mount namespaces, writing only\n"
    "its folder (the current one) and a private /tmp, as an unused uid when\n"
    "echocheck is root. A line says whether it is on, and why not.\n"
    "A class run: every direct subfolder of DIR is a submission; {dir} in CMD\n"
    "and in COMMAND is that folder. Each is built, checked, and given one\n"
    "status (checked, build failed, never listened, crashed at start, timed\n"
    "out, not run); the report goes to OUT (class.csv, class.html, a folder\n"
    "per submission).\n"
    "  --build CMD       build each with sh -c CMD, in its folder (120 s at most)\n"
    "  -P N              check N at once (default: half the cores, at least 1)\n"
    "  -o OUT            the report's folder (default ./class-report)\n"
    "  --time-limit S    a submission taking longer is stopped (default 300)\n"
    "  --only NAME       run this one again, into the report in OUT\n"
    "  -p PORT           every submission on this port (isolated, each has\n"
    "                    it to itself: needs isolation with -P above 1)\n"
    "Exit status: 0 when every submission got a status, 1 when the run\n"
    "failed, 2 usage error, 130 after Ctrl-C.\n";

static void usage_error(const char *why)
{
    fprintf(stderr, "echocheck: %s\n%s", why, usage_text);
    exit(2);
}

static void parse_model(const char *s)
{
    long n;

    if (strcmp(s, "one") == 0)
        opt.model = M_ONE, opt.pool = 1;
    else if (strcmp(s, "many") == 0)
        opt.model = M_MANY, opt.pool = 0;
    else if (strncmp(s, "pool=", 5) == 0 &&
             parse_number(s + 5, 1, 1000, &n) == 0)
        opt.model = n == 1 ? M_ONE : M_POOL, opt.pool = (int)n;
    else
        usage_error("bad model: want one, many or pool=N (N from 1 to 1000)");
}

static const char *groups[] = { "echo", "concurrency", "robustness",
                                "resources", "shutdown" };

/* --check ID: the check's group alone, and in it that check alone. */
static void only_check(void)
{
    const char *group;

    if (find_check(opt.check, &group) == NULL) {
        fprintf(stderr, "echocheck: unknown check '%s' (a check id is "
                        "group/name, as the PASS and FAIL lines show it)\n",
                opt.check);
        exit(2);
    }
    if (opt.group && strcmp(opt.group, group) != 0)
        usage_error("--check names a check outside -g's group");
    opt.group = group;
}

/* The value of an option: the next argument, else a usage error. */
static const char *value_of(char **argv, int *i)
{
    if (argv[*i + 1] == NULL)
        usage_error("an option wants a value");
    return argv[++*i];
}

/* A number option's value from min to max, else a usage error. */
static int number_of(char **argv, int *i, long min, long max, const char *why)
{
    long n;

    if (parse_number(value_of(argv, i), min, max, &n) < 0)
        usage_error(why);
    return (int)n;
}

/* The options beyond a single run's first ones; 0, or -1 when a is none. */
static int parse_more(char **argv, int *i)
{
    const char *a = argv[*i];

    if (strcmp(a, "--junit") == 0)
        opt.junit = value_of(argv, i);
    else if (strcmp(a, "--repeat") == 0)
        opt.repeat = number_of(argv, i, 1, 100, "bad --repeat: want 1 to 100");
    else if (strcmp(a, "--class") == 0)
        opt.class_dir = value_of(argv, i);
    else if (strcmp(a, "--build") == 0)
        opt.build = value_of(argv, i);
    else if (strcmp(a, "-o") == 0)
        opt.out = value_of(argv, i);
    else if (strcmp(a, "--only") == 0)
        opt.only = value_of(argv, i);
    else if (strcmp(a, "-P") == 0)
        opt.jobs = number_of(argv, i, 1, 256, "bad -P: want 1 to 256");
    else if (strcmp(a, "--isolate") == 0 || strcmp(a, "--no-isolate") == 0) {
        int want = a[2] == 'i' ? ISO_REQUIRED : ISO_OFF;
        if (opt.isolate != ISO_AUTO && opt.isolate != want)
            usage_error("--isolate and --no-isolate: one or the other");
        opt.isolate = want;
    }
    else if (strcmp(a, "--run-build") == 0) /* a class run's, not in usage */
        opt.run_build = 1;
    else if (strcmp(a, "--time-limit") == 0)
        opt.time_limit = number_of(argv, i, 1, 86400,
                                   "bad --time-limit: want 1 to 86400 seconds");
    else
        return -1;
    return 0;
}

/* A class run's options go with --class, and a single run's files and
 * port do not (each submission has its own, in OUT). */
static void check_class_options(void)
{
    if (!opt.class_dir) {
        if (opt.build || opt.out || opt.only || opt.jobs || opt.time_limit)
            usage_error("--build, -P, -o, --time-limit and --only go with --class");
        return;
    }
    if (opt.json || opt.junit || opt.group)
        usage_error("-j, --junit and -g do not go with --class");
    if (opt.only && (strchr(opt.only, '/') || strcmp(opt.only, ".") == 0 ||
                     strcmp(opt.only, "..") == 0))
        usage_error("--only wants a submission's folder name");
    if (!opt.out)
        opt.out = "class-report";
    if (!opt.time_limit)
        opt.time_limit = 300;
    if (!opt.jobs) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        opt.jobs = cores >= 2 ? (int)(cores / 2) : 1;
    }
    if (opt.port && opt.jobs > 1 && opt.isolate == ISO_OFF)
        usage_error("-p with -P above 1 needs isolation: each submission "
                    "has the port to itself only in its own namespace");
}

static void parse_options(int argc, char **argv)
{
    int i = 1;
    long n;

    opt.argv0 = argv[0];
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf("%s%s", usage_text, help_text);
            exit(0);
        } else if (strcmp(a, "-m") == 0)
            parse_model(opt.model_arg = value_of(argv, &i));
        else if (strcmp(a, "-p") == 0) {
            if (parse_number(value_of(argv, &i), 1, 65535, &n) < 0)
                usage_error("bad port: want a number from 1 to 65535");
            opt.port = (int)n;
        } else if (strcmp(a, "-g") == 0) {
            opt.group = value_of(argv, &i);
            int known = 0;
            for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
                known |= strcmp(opt.group, groups[g]) == 0;
            if (!known)
                usage_error("bad group: want echo, concurrency, robustness, "
                            "resources or shutdown");
        } else if (strcmp(a, "--check") == 0)
            opt.check = value_of(argv, &i);
        else if (strcmp(a, "-j") == 0)
            opt.json = value_of(argv, &i);
        else if (strcmp(a, "--points") == 0)
            points_load(opt.points = value_of(argv, &i));
        else if (strcmp(a, "-v") == 0)
            opt.verbose = 1;
        else if (strcmp(a, "--no-mem-limit") == 0)
            opt.no_mem_limit = 1;
        else if (strcmp(a, "--list") == 0)
            exit(list_checks());
        else if (parse_more(argv, &i) < 0) {
            char why[128];
            snprintf(why, sizeof(why), "unknown option '%.100s'", a);
            usage_error(why);
        }
    }
    if (opt.check)
        only_check();
    if (i >= argc)
        usage_error("no server command given");
    opt.cmd = argv + i;
    check_class_options();
}

/* TEST_TIME_SCALE=K: the suite's slow-checker factor (sanitizers). */
static void read_scale(void)
{
    const char *scale = getenv("TEST_TIME_SCALE");
    long n;

    if (scale && *scale && parse_number(scale, 1, 1000, &n) == 0)
        opt.scale = (int)n;
}

/* Ctrl-C, SIGTERM, and the checker's own crash: nothing it started
 * outlives it. An interrupted run exits 128 + the signal (130 for
 * Ctrl-C); its results file is whole already (report.c renames it into
 * place). A crash dies of its signal. */
static void on_fatal(int sig)
{
    kill_registered_groups();
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
        if (!opt.class_dir) /* a class run's tally is its report's */
            report_interrupted();
        _exit(128 + sig);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE };

    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
        signal(fatal[i], on_fatal);
    signal(SIGPIPE, SIG_IGN); /* a server that resets us costs one send */
    atexit(kill_registered_groups);
}

/* Room for 100 clients and more, where the hard limit allows. */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Isolation, decided while echocheck still runs one thread; --isolate
 * makes a refusal fatal. */
static void start_isolation(void)
{
    if (isolate_start(opt.isolate, opt.cmd) < 0) {
        fprintf(stderr, "echocheck: --isolate: isolation cannot be had "
                "here: %s\n", isolation.why);
        exit(2);
    }
}

/* --run-build: a class run's build, isolated as its server will be;
 * exits as the build did. */
static int run_build(void)
{
    int st = iso_run(opt.cmd);

    if (st < 0)
        return 1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
    parse_options(argc, argv);
    read_scale();
    raise_nofile();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (opt.class_dir) {
        install_handlers();
        return class_run();
    }
    start_isolation();
    install_handlers();
    if (opt.run_build)
        return run_build();
    return run_groups();
}
