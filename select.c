/*
 * select.c - the lecture's first I/O-multiplexing example: one loop that
 * waits on stdin and the listening socket at once, with select().
 * FLAWED ON PURPOSE, as the slides point out: once a client connects,
 * echo() serves it until it leaves, and a line typed on stdin meanwhile
 * waits (the call to echo in main is where). echoservers.c fixes this by
 * giving each ready descriptor one small step per round instead.
 * Observe: type lines; each is printed back at once. Connect an echoclient
 * from another terminal and type here again: nothing until it quits.
 * End of stdin (Ctrl-D) ends the program with status 0.
 * Run: ./select 15213         (then: ./echoclient localhost 15213)
 * Book: CS:APP3e Figure 12.6 (same loop; command() reads with read(2)).
 */
#include "echo.h"
#include "server.h"

static void command(void);

int main(int argc, char **argv)
{
    int listenfd, connfd;
    fd_set read_set, ready_set;

    check_argc(argc, argv, 1, 1, "<port>");
    listenfd = start_server(argv[0], argv[1]);

    FD_ZERO(&read_set);              /* Clear read set */
    FD_SET(STDIN_FILENO, &read_set); /* Add stdin to read set */
    FD_SET(listenfd, &read_set);     /* Add listenfd to read set */

    for (;;) {
        ready_set = read_set;
        Select(listenfd + 1, &ready_set, NULL, NULL, NULL);
        if (FD_ISSET(STDIN_FILENO, &ready_set))
            command(); /* Read command line from stdin */
        if (FD_ISSET(listenfd, &ready_set) &&
            (connfd = accept_client(listenfd)) >= 0) {
            echo(connfd); /* The flaw: echo input until the client leaves */
            close(connfd);
        }
    }
}

/*
 * Prints back what stdin holds now. The book uses fgets, but stdio reads
 * ahead: of several lines that arrive at once, fgets returns the first and
 * keeps the rest in its buffer, where select cannot see them, so they
 * would wait for the next keystroke. One read(2) takes them all.
 */
static void command(void)
{
    char buf[MAXLINE];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

    if (n == 0)
        exit(0); /* End of stdin */
    if (n < 0) {
        if (errno == EINTR)
            return;
        unix_error("read stdin");
    }
    fwrite(buf, 1, (size_t)n, stdout); /* Process the input command */
    fflush(stdout);
}
