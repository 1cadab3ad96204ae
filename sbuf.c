/*
 * sbuf.c - the bounded buffer; see sbuf.h for the design and why it uses
 * semaphores. The order of the P calls matters: each thread first waits
 * for what it needs (a slot or an item) and only then takes the mutex, so
 * a thread never sleeps while holding the mutex everyone else needs.
 */
#include "sbuf.h"
#include "trace.h"

void sbuf_init(sbuf_t *sp, size_t n)
{
    sp->buf = Calloc(n, sizeof(int));
    sp->n = n;
    sp->front = sp->rear = 0;
    Sem_init(&sp->mutex, 0, 1);
    Sem_init(&sp->slots, 0, (unsigned)n); /* all slots free */
    Sem_init(&sp->items, 0, 0);           /* nothing to remove yet */
}

void sbuf_deinit(sbuf_t *sp)
{
    Sem_destroy(&sp->items);
    Sem_destroy(&sp->slots);
    Sem_destroy(&sp->mutex);
    free(sp->buf);
    sp->buf = NULL;
}

void sbuf_insert(sbuf_t *sp, int item)
{
    trace_blocked("sbuf_insert: P(&slots)");
    P(&sp->slots); /* wait for a free slot */
    trace_unblocked();
    P(&sp->mutex);
    sp->buf[sp->rear] = item;
    sp->rear = (sp->rear + 1) % sp->n;
    V(&sp->mutex);
    V(&sp->items); /* announce the new item to one waiting consumer */
}

int sbuf_remove(sbuf_t *sp)
{
    int item;

    trace_blocked("sbuf_remove: P(&items)");
    P(&sp->items); /* wait for an item */
    trace_unblocked();
    P(&sp->mutex);
    item = sp->buf[sp->front];
    sp->front = (sp->front + 1) % sp->n;
    V(&sp->mutex);
    V(&sp->slots); /* announce the free slot to one waiting producer */
    return item;
}
