/*
 * echoserverp.c - echo server, one process per client.
 * Model: processes. The parent only accepts; each client is served by a
 * forked child with its own copy of everything, so nothing is shared by
 * accident (and nothing can be shared on purpose without extra work).
 * Observe: several echoclients are served at once; `ps -o pid,ppid,stat,args`
 * shows one child per connected client and no zombie (state Z) once a
 * client leaves. Stopping the server (Ctrl-C, `kill PID`) ends the
 * clients' sessions too.
 * Run: terminal 1: ./echoserverp 15213           (Ctrl-C stops it)
 *      terminal 2: ./echoclient localhost 15213  (type lines; Ctrl-D leaves)
 * Book: CS:APP3e Figure 12.5 (same structure; the parent also keeps a
 * table of its children, children.c, so that stopping it stops them).
 */
#include "echo.h"
#include "server.h"
#include "children.h"
#include "trace.h"

/* The child: serves its one client and exits. Never returns. */
static void child_serves(int listenfd, int connfd)
{
    close(listenfd); /* only the parent accepts */
    trace_child_for(connfd); /* names this process, ends the fork's arrow */
    echo(connfd);
    close(connfd);
    exit(0);
}

/*
 * Forks a child to serve connfd; if that fails, drops the connection with
 * a log line and goes on.
 */
static void serve_in_child(int listenfd, int connfd)
{
    trace_handoff(connfd, "fork");
    pid_t pid = children_fork();

    if (pid == 0)
        child_serves(listenfd, connfd);
    if (pid < 0)
        printf("fork: %s: dropping the connection\n", strerror(errno));
    /*
     * The parent's copy of connfd must be closed: the kernel closes a
     * connection only when every descriptor for it is closed, so without
     * this the client would never see end of file, and the parent would
     * run out of descriptors after about a thousand clients.
     */
    close(connfd);
}

int main(int argc, char **argv)
{
    int listenfd, connfd;

    check_argc(argc, argv, 1, 1, "<port>");
    listenfd = start_server(argv[0], argv[1]);
    children_init(); /* reaps every child; SIGINT, SIGTERM end them too */

    for (;;) {
        if ((connfd = accept_client(listenfd)) < 0)
            continue; /* nothing accepted, or dropped and logged */
        serve_in_child(listenfd, connfd);
    }
}
