/*
 * echoservert.c - echo server, one thread per client.
 * Model: threads sharing one address space. The main thread accepts; each
 * client is served by a detached peer thread that echoes and closes.
 * Observe: several echoclients are served at once; on Linux,
 * `ls /proc/PID/task` shows one thread per connected client, and the count
 * falls back to one when they leave. The threads share everything: a crash
 * in one would end every client's session.
 * Run: terminal 1: ./echoservert 15213           (Ctrl-C stops it)
 *      terminal 2: ./echoclient localhost 15213  (type lines; Ctrl-D leaves)
 * Book: CS:APP3e Figure 12.14 (same structure; errors cost one connection).
 */
#include "echo.h"
#include "server.h"
#include "trace.h"

/* Peer thread: serves the client whose descriptor is in the cell vargp. */
static void *thread(void *vargp)
{
    int connfd = *(int *)vargp;

    /* Nobody will join this thread: detached, its stack and thread record
     * are freed as soon as it returns, instead of piling up. */
    Pthread_detach(pthread_self());
    free(vargp); /* the cell was only for the handover */
    trace_thread_for(connfd); /* names this thread, ends the arrow */
    echo(connfd);
    close(connfd); /* nobody else will: the descriptor table is shared */
    return NULL;
}

/*
 * Hands connfd to a new thread in a heap cell of its own. Passing
 * &connfd instead would be the lecture's "unintended sharing": every
 * thread would get the address of main's one variable, and if main
 * accepted the next client before the new thread read it, two threads
 * would serve the same descriptor and one client nobody (race.c shows
 * that race happening). A failure here costs this connection only, so
 * this calls pthread_create itself, not the Pthread_create that exits.
 */
static void serve_in_thread(int connfd)
{
    int *connfdp = malloc(sizeof(int));
    pthread_t tid;
    int rc;

    if (connfdp == NULL) {
        printf("malloc: out of memory: dropping the connection\n");
        close(connfd);
        return;
    }
    *connfdp = connfd;
    trace_handoff(connfd, "pthread_create");
    if ((rc = pthread_create(&tid, NULL, thread, connfdp)) != 0) {
        printf("pthread_create: %s: dropping the connection\n", strerror(rc));
        free(connfdp);
        close(connfd);
    }
}

int main(int argc, char **argv)
{
    int listenfd, connfd;

    check_argc(argc, argv, 1, 1, "<port>");
    listenfd = start_server(argv[0], argv[1]);

    for (;;) {
        if ((connfd = accept_client(listenfd)) < 0)
            continue; /* nothing accepted, or dropped and logged */
        serve_in_thread(connfd);
    }
}
