/*
 * trace_conn.c - ECHO_TRACE's connections and lines (trace.h): each
 * connection's life on a track of its own, the arrows of its hand-offs
 * between processes and threads, and each line's slice.
 */
#include "csapp.h"
#include "trace.h"
#include "trace_impl.h"

#include <stdatomic.h>

#define CONNS_MAX (1 << 17) /* descriptors whose connections are traced */

/* Each open connection's id and address, by descriptor; guarded by
 * conns_lock (the hand-offs between threads pass through it). */
typedef struct {
    long long id; /* 0: none */
    char addr[ADDR_MAX];
} conn_t;
static conn_t *conns;
static int nconns;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;

static atomic_llong next_id; /* connections opened in this process */

void trace_conns_setup(unsigned long long nofile)
{
    nconns = nofile > 0 && nofile < CONNS_MAX ? (int)nofile : CONNS_MAX;
    conns = Calloc((size_t)nconns, sizeof(*conns));
}

/* ---- Connections ---- */

/* connfd's id and address (into addr), or 0 when it has none; forget:
 * it has none from now on (closed). */
static long long conn_lookup(int connfd, char addr[ADDR_MAX], int forget)
{
    long long id = 0;

    addr[0] = '\0';
    if (connfd < 0 || connfd >= nconns)
        return 0;
    Pthread_mutex_lock(&conns_lock);
    id = conns[connfd].id;
    memcpy(addr, conns[connfd].addr, ADDR_MAX);
    if (forget)
        conns[connfd].id = 0;
    Pthread_mutex_unlock(&conns_lock);
    return id;
}

/* The connection's async event ("b" or "e") on its own global track. */
static void life_event(const char *ph, long long id, const char *addr)
{
    char name[ADDR_MAX + 16] = "connection ";
    event_t e;

    memcpy(name + 11, addr, strlen(addr) + 1);
    trace_event_start(&e, ph, trace_now_ns());
    trace_put_name(&e, "connection", name);
    PUT(&e, ",\"id2\":{\"global\":");
    trace_put_int(&e, id);
    PUT(&e, "}}");
    trace_emit(&e);
}

void trace_connection_opened(int connfd, const char *host, const char *port)
{
    char addr[ADDR_MAX];
    long long id;

    if (trace_fd < 0 || connfd < 0 || connfd >= nconns)
        return;
    snprintf(addr, sizeof(addr), strchr(host, ':') ? "[%s]:%s" : "%s:%s",
             host, port);
    id = ((long long)trace_pid << 20) +
         (atomic_fetch_add(&next_id, 1) + 1) % (1 << 20);
    Pthread_mutex_lock(&conns_lock);
    conns[connfd].id = id;
    memcpy(conns[connfd].addr, addr, sizeof(addr));
    Pthread_mutex_unlock(&conns_lock);
    life_event("b", id, addr);
}

void trace_connection_closed(int connfd)
{
    char addr[ADDR_MAX];
    long long id;

    if (trace_fd < 0 || (id = conn_lookup(connfd, addr, 1)) == 0)
        return;
    life_event("e", id, addr);
}

/* A zero-length slice: one end of a hand-off's arrow. */
static void arrow_end(int connfd, const char *name, const char *direction)
{
    char addr[ADDR_MAX];
    long long id;
    event_t e;

    if (trace_fd < 0 || (id = conn_lookup(connfd, addr, 0)) == 0)
        return;
    trace_event_start(&e, "X", trace_now_ns());
    trace_put_name(&e, "handoff", name);
    PUT(&e, ",\"dur\":0,\"bind_id\":");
    trace_put_int(&e, id);
    PUT(&e, ",\"", direction, "\":true,\"args\":{\"connection\":");
    trace_put_quoted(&e, addr);
    PUT(&e, "}}");
    trace_emit(&e);
}

void trace_handoff(int connfd, const char *how)
{
    arrow_end(connfd, how, "flow_out");
}

void trace_received(int connfd) { arrow_end(connfd, "received", "flow_in"); }

/* Names the process (or only the thread) made for connfd after it. */
static void made_for(int connfd, int process)
{
    char addr[ADDR_MAX];

    if (trace_fd < 0)
        return;
    conn_lookup(connfd, addr, 0);
    if (process)
        trace_process("child for %s", addr);
    else
        trace_thread("thread for %s", addr);
    trace_received(connfd);
}

void trace_child_for(int connfd) { made_for(connfd, 1); }
void trace_thread_for(int connfd) { made_for(connfd, 0); }

/* ---- Lines ---- */

long long trace_clock(void) { return trace_fd < 0 ? 0 : trace_now_ns(); }

void trace_line(int connfd, size_t n, long long since)
{
    char addr[ADDR_MAX];
    event_t e;

    if (trace_fd < 0)
        return;
    conn_lookup(connfd, addr, 0);
    trace_event_start(&e, "X", since);
    trace_put_name(&e, "line", "line");
    PUT(&e, ",\"dur\":");
    trace_put_us(&e, trace_now_ns() - since);
    PUT(&e, ",\"args\":{\"connection\":");
    trace_put_quoted(&e, addr);
    PUT(&e, ",\"bytes\":");
    trace_put_int(&e, (long long)n);
    PUT(&e, "}}");
    trace_emit(&e);
}
