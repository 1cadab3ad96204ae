# Makefile - builds every program of the suite and runs its tests.
#   make            build everything
#   make test       build, then run the whole test suite
#   make run        build, then start echoserveri on port 15213 to talk to
#   make clean      remove what make built
# CC and CFLAGS can be set on the command line: make CC=clang CFLAGS=-O0

CC      ?= cc
CFLAGS  ?= -O2 -g -Wall -Wextra
# The language and POSIX level are not optional, so they live apart from
# CFLAGS: overriding CFLAGS must not drop them.
STD      = -std=c11 -D_POSIX_C_SOURCE=200809L
LDLIBS  += -pthread
PORT    ?= 15213

SERVERS  = echoserveri echoservers
PROGS    = $(SERVERS) echoclient hello select
TESTS    = tests/bin/test_rio tests/bin/test_open tests/bin/test_servers \
           tests/bin/test_programs tests/bin/test_events

all: $(PROGS)

# Every object depends on the headers: a change to rio_t rebuilds all.
%.o: %.c csapp.h server.h
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) -pthread -c $< -o $@

# Servers share the start-up path and the echo routine in server.o/echo.o.
$(SERVERS): %: %.o server.o echo.o csapp.o
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# select is no contract server (it reads stdin) but shares their parts.
select: select.o server.o echo.o csapp.o
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

echoclient hello: %: %.o csapp.o
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

tests/bin/%: tests/%.o tests/testlib.o csapp.o
	@mkdir -p tests/bin
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

tests/%.o: tests/%.c tests/testlib.h csapp.h
	$(CC) $(STD) -I. $(CPPFLAGS) $(CFLAGS) -pthread -c $< -o $@

test: all $(TESTS)
	@SERVERS="$(SERVERS)" sh tests/run.sh

run: all
	./echoserveri $(PORT)

clean:
	rm -f $(PROGS) *.o tests/*.o
	rm -rf tests/bin

.PHONY: all test run clean
.SECONDARY: # keep test objects: no rebuild on every make test
