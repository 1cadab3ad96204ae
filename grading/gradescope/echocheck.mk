# Makefile of the Gradescope zip (grading/gradescope/echocheck.mk in the
# suite; make gradescope-zip puts it at the zip's root): builds echocheck
# alone, from checker/ and the csapp library, and timelimit, which
# run_autograder runs the build and the checks under. setup.sh and
# run_autograder run it; nothing else of the suite is in the zip.
CC      ?= cc
CFLAGS  ?= -O2 -g -Wall -Wextra
STD      = -std=c11 -D_POSIX_C_SOURCE=200809L
LDLIBS  += -pthread
OBJS     = $(patsubst %.c,%.o,$(wildcard checker/*.c)) csapp.o threads.o rio.o sockets.o

all: echocheck timelimit

echocheck: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) $(OBJS) $(LDLIBS) -o $@

%.o: %.c csapp.h $(wildcard checker/*.h)
	$(CC) $(STD) -I. $(CPPFLAGS) $(CFLAGS) -pthread -c $< -o $@

timelimit: timelimit.c
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< -o $@

.PHONY: all
