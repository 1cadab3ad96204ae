# Makefile - builds every program of the suite and runs its tests.
#   make            build every program, and the helpers the README runs
#   make test       build, then run the whole test suite
#   make run        build (quietly), then start echoserveri on port 15213 to talk to
#   make demo       the lecture, live: a narrated tour of every model
#   make demo-list  its steps: title and usual length of each
#   make bench      the lecture's summary slide measured, every server (bench-quick: ~2 min)
#   make stress     hundreds of clients per server, nothing lost (stress-quick)
#   make check-asan, check-tsan, check-valgrind, fuzz: README, How we test
#   make gradescope-zip   the autograder zip for Gradescope (check-gradescope:
#                   its test; docs/grading.md)
#   make check-corpus  echocheck held to servers written elsewhere (minutes)
#   make check-class  echocheck --class's long proofs (-P, excesses, speed)
#   make check-repeat  echocheck's verdicts the same run after run (minutes)
#   make clean      remove what make built
# CC and CFLAGS can be set on the command line: make CC=clang CFLAGS=-O0

CC      ?= cc
CFLAGS  ?= -O2 -g -Wall -Wextra
# The language and POSIX level are not optional, so they live apart from
# CFLAGS: overriding CFLAGS must not drop them.
STD      = -std=c11 -D_POSIX_C_SOURCE=200809L
LDLIBS  += -pthread
PORT    ?= 15213

# The servers come from the one list of them and their traits.
SERVERS := $(shell awk '!/^#/ && NF { print $$1 }' tests/servers.txt)
# A second build of a listed server, held to the contract too: echoservere
# with the portable poller (below).
VARIANTS = echoservere-poll
PROGS    = $(SERVERS) $(VARIANTS) echoclient select hello race deadlock \
           livelock starvation
# The measuring tools and their peer servers live in bench/ (see below).
TOOLS    = bench/bin/echobench bench/bin/spawncost bench/bin/tracecost
# Every tests/test_*.c is a test program; tests/run.sh runs them all.
TESTS    = $(patsubst tests/%.c,tests/bin/%,$(wildcard tests/test_*.c))
# Echo peers for the tests and the benchmark: a reference epoll loop, the
# book's way (bookecho), and one that corrupts on purpose so the tests can
# see echobench catch it.
PEERS    = bench/bin/epollecho bench/bin/bookecho bench/bin/badecho
# What a README command runs besides the programs: the demo's clock and
# client helper (demo/demo.sh) and its pictures' drawer, the baselines
# bench/ab.sh is shown with, the chart that redraws bench/bench.svg from
# bench/results.tsv.
HELPERS  = demo/demotool demo/drawstep bench/bin/epollecho bench/bin/bookecho \
           bench/bin/chart

all: $(PROGS) $(TOOLS) $(HELPERS) echocheck

# Every object depends on the headers: a change to rio_t rebuilds all.
%.o: %.c csapp.h server.h echo.h echo_step.h linelog.h trials.h work.h trace.h trace_impl.h
	$(CC) $(STD) -I. $(CPPFLAGS) $(CFLAGS) -pthread -c $< -o $@

# The library every program links (csapp.h): wrappers, threads and
# semaphores, RIO, and open_clientfd/open_listenfd (LIB_SRCS, which make
# csapp-kit joins into one csapp.c); and ECHO_TRACE's recorder (trace.h),
# which the book's code does not need.
LIB_SRCS = csapp.c threads.c rio.c sockets.c
LIB = $(LIB_SRCS:.c=.o) trace.o trace_event.o trace_conn.o

# The servers' shared library: the start-up path and accept (server.o),
# the blocking echo (echo.o), the event loops' step (echo_step.o), the
# whole-line log of the pools (linelog.o) and the work per line (work.o).
SERVER_LIB = server.o echo.o echo_step.o linelog.o work.o $(LIB)

$(filter-out echoservere,$(SERVERS)): %: %.o $(SERVER_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# echoservere's poller (poller.h): epoll on Linux, poll() elsewhere, and
# make POLLER=poll forces poll. echoservere-poll always uses poll, so the
# tests hold both backends to the contract. build/poller holds the name
# of the backend echoservere was last linked with, rewritten only when
# POLLER changes: then echoservere is relinked with the other backend
# instead of left as it was.
POLLER  ?= $(if $(filter Linux,$(shell uname -s)),epoll,poll)
echoservere: echoservere.o poller_$(POLLER).o $(SERVER_LIB) build/poller
	$(CC) $(CFLAGS) $(LDFLAGS) $(filter %.o,$^) $(LDLIBS) -o $@
echoservere-poll: echoservere.o poller_poll.o $(SERVER_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@
build/poller: FORCE
	@mkdir -p build && echo $(POLLER) | cmp -s - $@ || echo $(POLLER) >$@
echoservere.o poller_epoll.o poller_poll.o: poller.h

# select is no contract server (it reads stdin) but shares their parts.
select: select.o $(SERVER_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

echoclient hello race deadlock livelock starvation: %: %.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# What the programs that make a concurrency bug happen share: -t, -h, the
# clock, the report's closing line (trials.h).
deadlock livelock starvation: trials.o

# Small servers with one defect each, of the kind students and the
# textbook make (tests/broken/): echocheck must catch every one
# (tests/test_broken.sh). evloop.c is the correct loop some of them
# share, perthread.c the correct accept loop of others.
BROKEN = $(patsubst tests/broken/%.c,tests/bin/broken_%,\
         $(filter-out tests/broken/evloop.c tests/broken/perthread.c,\
                      $(wildcard tests/broken/*.c)))
tests/bin/broken_%: tests/broken/%.o $(SERVER_LIB)
	@mkdir -p tests/bin
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@
EVLOOP_BROKEN = rio_copy blocking no_backpressure queue_drop spin_eof
PERTHREAD_BROKEN = sigpipe stdio lingering short_read text_decode add_newline \
                   runtime_threads
$(EVLOOP_BROKEN:%=tests/bin/broken_%): tests/broken/evloop.o
$(PERTHREAD_BROKEN:%=tests/bin/broken_%): tests/broken/perthread.o
# make builds them too: the README shows echocheck on one, to try at once.
all: $(BROKEN)
tests/broken/evloop.o $(EVLOOP_BROKEN:%=tests/broken/%.o): tests/broken/evloop.h

# Servers that try once to get out of echocheck's isolation, each at a
# decoy the test makes (tests/escape/, issue 31; tests/test_isolate.sh).
# escape.c is the outcome and the echo they share.
ESCAPE = $(patsubst tests/escape/%.c,tests/bin/escape_%,\
         $(filter-out tests/escape/escape.c,$(wildcard tests/escape/*.c)))
tests/bin/escape_%: tests/escape/%.o tests/escape/escape.o $(SERVER_LIB)
	@mkdir -p tests/bin
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@
$(ESCAPE:tests/bin/escape_%=tests/escape/%.o) tests/escape/escape.o: tests/escape/escape.h
tests/broken/perthread.o $(PERTHREAD_BROKEN:%=tests/broken/%.o): tests/broken/perthread.h

tests/bin/test_rio: tests/rio_script.o
# The trace test reads JSON with a reader of its own (tests/json.c).
tests/bin/test_trace tests/bin/test_trace_bugs: tests/json.o tests/traceread.o tests/tracecheck.o
tests/test_trace.o tests/test_trace_bugs.o tests/tracecheck.o: tests/tracecheck.h \
    tests/traceread.h tests/json.h
tests/json.o: tests/json.h
tests/traceread.o: tests/traceread.h tests/json.h
tests/bin/test_chart tests/bin/test_slides: tests/svgcheck.o
tests/bin/test_chart tests/bin/test_slides: LDLIBS += -lm
# The demo's pictures against their traces (tests/test_demo.sh runs it).
tests/bin/picturecheck: tests/svgcheck.o tests/traceread.o tests/json.o
tests/bin/picturecheck: LDLIBS += -lm
tests/picturecheck.o: tests/svgcheck.h tests/traceread.h
# The bench's arithmetic (fairness index, starved clients, the limit).
tests/bin/test_benchmath: bench/obj/benchmath.o
tests/bin/test_benchmath: LDLIBS += -lm

# echocheck: any echo server checked against the lecture's lessons
# (checker/echocheck.h lists its parts). make check-server SERVER='./mine
# {port}' [MODEL=pool=4] runs it; SERVER is split by the shell, on purpose.
CHECKER_OBJS = $(patsubst %.c,%.o,$(wildcard checker/*.c))
checker/%.o: checker/%.c checker/echocheck.h checker/causes.h checker/client.h checker/class.h checker/isolate.h checker/isolate_cg.h checker/isolate_fs.h checker/pathsearch.h checker/g_res.h csapp.h
	$(CC) $(STD) -I. $(CPPFLAGS) $(CFLAGS) -pthread -c $< -o $@
echocheck: $(CHECKER_OBJS) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@
# A class run's long proofs: -P 1 and -P 4 give the same matrix, servers
# that fork without end or fill memory are stopped and named, and 30
# correct C submissions are timed (tests/test_class.sh).
check-class: all $(BROKEN) tests/bin/escape_memcap
	sh tests/test_class.sh --full
# The objects a class fixture's server.c links (tests/test_class.sh asks).
class-objs:
	@echo $(SERVER_LIB) children.o poller_poll.o
check-server: echocheck
	@test -n "$(SERVER)" || { echo "usage: make check-server SERVER='./mine {port}' [MODEL=pool=4]" >&2; exit 2; }
	./echocheck $(if $(MODEL),-m $(MODEL)) -- $(SERVER)

# Grading on Gradescope (grading/gradescope/, docs/grading.md):
# build/gradescope.zip holds setup.sh and run_autograder at its root, the
# assignment's settings and rubric, echocheck's sources and a Makefile
# that builds echocheck alone (and timelimit). zipstore writes it: no zip
# program is assumed.
GRADESCOPE = grading/gradescope
GRADESCOPE_FILES = setup.sh run_autograder assignment.conf points.txt \
                   timelimit.c
ZIP_SOURCES = csapp.h $(LIB_SRCS) $(wildcard checker/*.c checker/*.h)
# Tools of one file each: zipstore, timelimit (built in the zip; here
# too, so that CI's warning-free builds cover it).
build/zipstore: grading/zipstore.c
build/timelimit: $(GRADESCOPE)/timelimit.c
build/zipstore build/timelimit:
	@mkdir -p $(@D)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< -o $@
# The test's JSON check, on the tests' one strict reader.
tests/bin/jsoncheck: tests/jsoncheck.c tests/json.c tests/json.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(filter %.c,$^) -o $@
build/gradescope.zip: build/zipstore $(GRADESCOPE)/echocheck.mk \
                      $(addprefix $(GRADESCOPE)/,$(GRADESCOPE_FILES)) $(ZIP_SOURCES)
	rm -rf build/gradescope && mkdir -p build/gradescope/checker
	cp $(addprefix $(GRADESCOPE)/,$(GRADESCOPE_FILES)) build/gradescope/
	cp $(GRADESCOPE)/echocheck.mk build/gradescope/Makefile
	for f in $(ZIP_SOURCES); do cp $$f build/gradescope/$$f || exit 1; done
	cd build/gradescope && ../zipstore -c ../gradescope.zip.tmp \
	    $(GRADESCOPE_FILES) Makefile $(ZIP_SOURCES)
	mv build/gradescope.zip.tmp $@
gradescope-zip: build/gradescope.zip
	@echo "build/gradescope.zip: upload it on Gradescope's autograder page"
# Its test: run_autograder on correct, broken, unbuildable and hanging
# submissions, and killed mid-run; results.json must parse every time.
check-gradescope: build/gradescope.zip build/zipstore tests/bin/jsoncheck \
                  tests/bin/broken_sigpipe
	sh tests/test_gradescope.sh

# make stress: the driver, its clients and the server under test.
tests/bin/stress: tests/stress_client.o tests/stress_server.o
tests/stress.o tests/stress_client.o tests/stress_server.o: tests/stress.h

# The prethreaded server's bounded buffer, also unit-tested on its own and
# used by the book-style prethreaded baseline.
echoservert_pre tests/bin/test_sbuf bench/bin/bookecho: sbuf.o
sbuf.o echoservert_pre.o tests/test_sbuf.o bench/obj/bookecho.o: sbuf.h

# The process servers' table of children (reaping, stopping them all).
echoserverp echoserverp_pre: children.o
children.o echoserverp.o echoserverp_pre.o: children.h

# echoserverp_pre with the portable watch for its parent's death (a
# timer) instead of Linux's prctl, so that the tests cover both.
tests/bin/echoserverp_pre_timer: echoserverp_pre.c $(SERVER_LIB) children.o \
                                 csapp.h server.h children.h echo.h linelog.h
	@mkdir -p tests/bin
	$(CC) $(STD) -DNO_PDEATHSIG -I. $(CPPFLAGS) $(CFLAGS) -pthread $(LDFLAGS) $(filter-out %.h,$^) $(LDLIBS) -o $@

# The corpus (tests/corpus/): echo servers written the way others write
# them, correct ones and ones with one defect each; make check-corpus holds
# echocheck to them (tests/test_corpus.sh, minutes: CI runs it, not make
# test). The C ones link the library; javac and rustc builds are the
# script's, so that make needs neither.
CORPUS_C = $(patsubst tests/corpus/%.c,tests/bin/corpus/%,$(wildcard tests/corpus/*.c))
tests/bin/corpus/%: tests/corpus/%.c $(LIB) csapp.h
	@mkdir -p tests/bin/corpus
	$(CC) $(STD) -I. $(CPPFLAGS) $(CFLAGS) -pthread $(LDFLAGS) $< $(LIB) $(LDLIBS) -o $@
check-corpus: echocheck $(CORPUS_C)
	sh tests/test_corpus.sh

# The harness every test links: runner and checks, running programs and
# /proc, servers in the background, sockets, the list of servers, the
# programs that count a bug over trials.
TESTLIB_OBJS = tests/testlib.o tests/proc.o tests/server_ctl.o tests/net.o \
               tests/serverlist.o tests/trialprog.o

tests/bin/%: tests/%.o $(TESTLIB_OBJS) $(LIB)
	@mkdir -p tests/bin
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

tests/%.o: tests/%.c tests/testlib.h tests/rio_script.h csapp.h
	$(CC) $(STD) -I. $(CPPFLAGS) $(CFLAGS) -pthread -c $< -o $@

# bench/: the tools and peers link the library ($(LIB)) and, for what
# the tools share, bench/benchlib.o. Binaries go to bench/bin and objects
# to bench/obj, out of the sources' way.
ECHOBENCH_OBJS = $(patsubst %,bench/obj/%.o,echobench eb_options eb_hist eb_churn \
                 eb_poller eb_traffic eb_connect eb_cpu eb_report benchmath)

bench/obj/%.o: bench/%.c bench/benchlib.h bench/echobench.h bench/chart.h \
              bench/benchmath.h bench/svg.h bench/svgdoc.h csapp.h
	@mkdir -p bench/obj
	$(CC) $(STD) -I. $(CPPFLAGS) $(CFLAGS) -pthread -c $< -o $@

bench/bin/echobench: $(ECHOBENCH_OBJS) bench/obj/benchlib.o $(LIB)
bench/bin/spawncost: bench/obj/spawncost.o bench/obj/benchlib.o $(LIB)
# What ECHO_TRACE costs per line, off and on (trace.h).
bench/bin/tracecost: bench/obj/tracecost.o $(LIB)
bench/obj/tracecost.o: trace.h
# RIO's line reader alone, in bytes per second (make bench runs it).
bench/bin/riobench: bench/obj/riobench.o bench/obj/benchlib.o $(LIB)
bench/bin/epollecho: bench/obj/epollecho.o $(LIB)
bench/bin/badecho: bench/obj/badecho.o $(LIB)
bench/bin/bookecho: bench/obj/bookecho.o $(LIB)
# How long a bystander waits while another client holds half a line.
bench/bin/bystander: bench/obj/bystander.o bench/obj/benchlib.o $(LIB)
# make bench's pictures: text bars and an SVG, from the run's results.
bench/bin/chart: bench/obj/chart.o bench/obj/svg.o bench/obj/slides.o bench/obj/notes.o \
    bench/obj/svgdoc.o
bench/bin/chart: LDLIBS += -lm
$(TOOLS) $(PEERS) bench/bin/riobench bench/bin/bystander bench/bin/chart:
	@mkdir -p bench/bin
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# What make test runs besides the programs.
TEST_BUILD = $(TESTS) $(PEERS) demo/demotool demo/drawstep tests/bin/picturecheck bench/bin/chart bench/bin/bystander \
             tests/bin/echoserverp_pre_timer $(BROKEN) $(ESCAPE)

test: all $(TEST_BUILD)
	@SERVERS="$(SERVERS) $(VARIANTS)" sh tests/run.sh

# The repeat proofs (issue 29; minutes, so CI runs them, not make test):
# each broken fixture's verdicts the same 5 times in a row, each correct
# server passing echocheck --repeat 5 while two other runs load the
# machine. See tests/repeat.sh.
check-repeat: all echocheck $(BROKEN) $(CORPUS_C)
	sh tests/repeat.sh

# Every C file of the tree, programs and tools and tests (CI builds this
# with warnings as errors).
build-all: all $(TEST_BUILD) tests/bin/stress bench/bin/riobench \
           build/gradescope.zip build/timelimit tests/bin/jsoncheck $(CORPUS_C)

# Every server against echobench: one markdown table (a few minutes); also
# spawncost and riobench (RIO's line reader alone, in bytes per second).
BENCH_BUILD = all $(PEERS) bench/bin/riobench bench/bin/bystander bench/bin/chart
bench: $(BENCH_BUILD)
	sh bench/run.sh

bench-quick: $(BENCH_BUILD)
	sh bench/run.sh quick

# Every server against hundreds of clients at once, resets and all, for
# STRESS_SECONDS each; fails on any lost byte (stress-quick: 5 s each).
# make stress adds echoservere with 10,000 clients (-b), if ulimit -n allows.
STRESS_SECONDS ?= 60
stress: all tests/bin/stress
	tests/bin/stress -b -t $(STRESS_SECONDS)

stress-quick: all tests/bin/stress
	tests/bin/stress -t 5

# The whole suite again under a checker, built in build/MODE; any report
# from any process fails it. See tests/sanitize.sh.
check-asan check-tsan check-valgrind:
	sh tests/sanitize.sh $(@:check-%=%)

# RIO under libFuzzer (needs clang), for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
fuzz:
	@if ! command -v clang >/dev/null 2>&1; then \
	    echo "make fuzz needs clang (libFuzzer); skipped"; exit 0; fi; \
	mkdir -p tests/bin/fuzz-corpus && \
	clang $(STD) -I. -g -O1 -fsanitize=fuzzer,address,undefined \
	    tests/fuzz_rio.c tests/rio_script.c csapp.c threads.c rio.c -pthread \
	    -o tests/bin/fuzz_rio && \
	tests/bin/fuzz_rio -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=16384 \
	    -print_final_stats=1 tests/bin/fuzz-corpus

# Quiet: the build's lines would scroll the server's first line away. On
# Ctrl-C the whole foreground group gets SIGINT; make reports "Interrupt"
# for a recipe killed by it, but not for one that exits, so the shell
# waits for the server to end and then exits 0 (a port in use still fails).
run:
	@$(MAKE) -s all
	@echo "Ctrl-C stops it; talk to it from another terminal: ./echoclient localhost $(PORT)"
	@trap 'exit 0' INT; ./echoserveri $(PORT)

# The lecture, live (make demo-list: each step's title and usual length):
# STEP=N runs one step, PAUSE=1 waits for Enter before each step,
# PAUSE=beat before each reveal within a step too. See demo/demo.sh.
# Ctrl-C: the demo stops what it started and says so; make adds no
# "Interrupt" line (see run).
demo: all demo/demotool demo/drawstep
	@trap 'exit 0' INT; STEP="$(STEP)" PAUSE="$(PAUSE)" PICTURES="$(PICTURES)" sh demo/demo.sh

# make's own -l would swallow `make demo -l`: the list has its own target.
demo-list: demo/demotool
	@sh demo/demo.sh -l

# The demo's clock and client helper: stands alone, like the tools.
demo/demotool: demo/demotool.o
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# make demo PICTURES=DIR: each step's trace drawn as a slide; it reads the
# trace as the trace tests do (tests/traceread.c) and writes SVG as the
# bench's charts do (bench/svgdoc.c).
DRAWSTEP_OWN = $(patsubst %,demo/%.o,drawstep timeline bars arrows problems)
demo/drawstep: $(DRAWSTEP_OWN) tests/json.o tests/traceread.o bench/obj/svgdoc.o
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -lm -o $@
$(DRAWSTEP_OWN): demo/%.o: demo/%.c demo/picture.h tests/traceread.h tests/json.h \
    bench/svgdoc.h
	$(CC) $(STD) -I. $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The library for a student's own folder, as the book hands it out: two
# files, DIR/csapp.h and DIR/csapp.c (the four sources above in one), so
# that gcc -O2 server.c csapp.c -pthread builds the book's code there.
csapp-kit:
	@test -n "$(DIR)" || { echo "usage: make csapp-kit DIR=folder" >&2; exit 2; }
	@mkdir -p "$(DIR)"
	@cp csapp.h "$(DIR)/csapp.h"
	@{ echo "/* csapp.c - written by make csapp-kit: $(LIB_SRCS) in one file. */"; \
	   cat $(LIB_SRCS); } >"$(DIR)/csapp.c"
	@echo "wrote $(DIR)/csapp.h and $(DIR)/csapp.c; build with: gcc -O2 prog.c csapp.c -pthread"

clean:
	rm -f $(PROGS) *.o tests/*.o tests/broken/*.o tests/escape/*.o demo/*.o demo/demotool demo/drawstep echocheck checker/*.o
	rm -rf tests/bin bench/bin bench/obj build

.PHONY: all build-all test run demo demo-list clean bench bench-quick check-asan check-tsan \
        check-valgrind fuzz stress stress-quick check-server check-class class-objs csapp-kit FORCE \
        gradescope-zip check-gradescope check-corpus check-repeat
.SECONDARY: # keep test objects: no rebuild on every make test
