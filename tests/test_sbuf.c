/*
 * test_sbuf.c - the bounded buffer (sbuf.c) on its own: first in, first
 * out; insert waits while full and remove while empty; and with several
 * producers and consumers at once, every item comes out exactly once.
 * Run: tests/bin/test_sbuf [test_name...]
 */
#include "testlib.h"
#include "sbuf.h"

static void removes_items_in_the_order_inserted(void)
{
    sbuf_t sb;

    sbuf_init(&sb, 3);
    for (int round = 0; round < 4; round++) { /* the ring wraps around */
        for (int k = 0; k < 3; k++)
            sbuf_insert(&sb, round * 10 + k);
        for (int k = 0; k < 3; k++) {
            int item = sbuf_remove(&sb);
            CHECK(item == round * 10 + k, "removed %d, want %d", item,
                  round * 10 + k);
        }
    }
    sbuf_deinit(&sb);
}

/* ---- Blocking: a helper thread reports through a pipe when it is done ---- */

typedef struct {
    sbuf_t *sb;
    int done[2]; /* a pipe: the helper writes one byte when its call returned */
} helper_t;

static void *insert_one(void *arg)
{
    helper_t *h = arg;
    sbuf_insert(h->sb, 99);
    write(h->done[1], "x", 1);
    return NULL;
}

static void *remove_one(void *arg)
{
    helper_t *h = arg;
    int item = sbuf_remove(h->sb);
    write(h->done[1], item == 7 ? "7" : "?", 1);
    return NULL;
}

static void insert_waits_while_the_buffer_is_full(void)
{
    sbuf_t sb;
    helper_t h = {.sb = &sb};
    pthread_t tid;

    sbuf_init(&sb, 2);
    sbuf_insert(&sb, 1);
    sbuf_insert(&sb, 2);
    if (pipe(h.done) < 0)
        unix_error("pipe");
    Pthread_create(&tid, NULL, insert_one, &h);
    CHECK(!readable_within(h.done[0], 300),
          "a third insert into 2 slots returned without waiting");
    CHECK(sbuf_remove(&sb) == 1, "the oldest item did not come out first");
    CHECK(readable_within(h.done[0], 2000),
          "the waiting insert did not go on within 2 s once a slot was free");
    Pthread_join(tid, NULL);
    CHECK(sbuf_remove(&sb) == 2 && sbuf_remove(&sb) == 99,
          "the items are not 2 then 99");
    sbuf_deinit(&sb);
}

static void remove_waits_while_the_buffer_is_empty(void)
{
    sbuf_t sb;
    helper_t h = {.sb = &sb};
    pthread_t tid;
    char c = 0;

    sbuf_init(&sb, 2);
    if (pipe(h.done) < 0)
        unix_error("pipe");
    Pthread_create(&tid, NULL, remove_one, &h);
    CHECK(!readable_within(h.done[0], 300),
          "a remove from an empty buffer returned without waiting");
    sbuf_insert(&sb, 7);
    CHECK(readable_within(h.done[0], 2000) && read(h.done[0], &c, 1) == 1 &&
              c == '7',
          "the waiting remove did not return the item 7 within 2 s");
    Pthread_join(tid, NULL);
    sbuf_deinit(&sb);
}

/* ---- Several producers and consumers ---- */

enum { PRODUCERS = 4, CONSUMERS = 4, PER_PRODUCER = 10000, SLOTS = 4 };
#define ITEMS (PRODUCERS * PER_PRODUCER)
#define DONE (-1) /* tells one consumer to stop */

typedef struct {
    sbuf_t *sb;
    int first;      /* a producer inserts first .. first + PER_PRODUCER - 1 */
    int *counts;    /* a consumer counts each item it removed, in its own array */
    int bad;        /* a consumer counts items outside 0 .. ITEMS - 1 */
    int finished;   /* a consumer writes a byte here when it stops */
} party_t;

static void *produce(void *arg)
{
    party_t *p = arg;
    for (int k = 0; k < PER_PRODUCER; k++)
        sbuf_insert(p->sb, p->first + k);
    return NULL;
}

static void *consume(void *arg)
{
    party_t *p = arg;
    int item;

    while ((item = sbuf_remove(p->sb)) != DONE) {
        if (item >= 0 && item < ITEMS)
            p->counts[item]++;
        else
            p->bad++;
    }
    write(p->finished, "x", 1);
    return NULL;
}

static void every_item_is_removed_exactly_once_by_4_producers_and_4_consumers(void)
{
    party_t producers[PRODUCERS], consumers[CONSUMERS];
    pthread_t ptid[PRODUCERS], ctid[CONSUMERS];
    int missing = 0, repeated = 0, bad = 0, first_wrong = -1, finished[2];
    char buf[CONSUMERS];
    sbuf_t sb;

    if (pipe(finished) < 0)
        unix_error("pipe");
    sbuf_init(&sb, SLOTS); /* few slots: both sides wait often */
    for (int c = 0; c < CONSUMERS; c++) {
        consumers[c] = (party_t){.sb = &sb, .finished = finished[1],
                                 .counts = Calloc(ITEMS, sizeof(int))};
        Pthread_create(&ctid[c], NULL, consume, &consumers[c]);
    }
    for (int p = 0; p < PRODUCERS; p++) {
        producers[p] = (party_t){.sb = &sb, .first = p * PER_PRODUCER};
        Pthread_create(&ptid[p], NULL, produce, &producers[p]);
    }
    for (int p = 0; p < PRODUCERS; p++)
        Pthread_join(ptid[p], NULL);
    for (int c = 0; c < CONSUMERS; c++)
        sbuf_insert(&sb, DONE);
    /* A lost DONE would leave a consumer waiting forever: wait boundedly. */
    if (!CHECK(recv_upto(finished[0], buf, CONSUMERS, 10000) == CONSUMERS,
               "the consumers did not all stop within 10 s: items were lost"))
        return;
    for (int c = 0; c < CONSUMERS; c++)
        Pthread_join(ctid[c], NULL);

    for (int item = 0; item < ITEMS; item++) {
        int total = 0;
        for (int c = 0; c < CONSUMERS; c++)
            total += consumers[c].counts[item];
        missing += total == 0;
        repeated += total > 1;
        if (total != 1 && first_wrong < 0)
            first_wrong = item;
    }
    for (int c = 0; c < CONSUMERS; c++) {
        bad += consumers[c].bad;
        free(consumers[c].counts);
    }
    CHECK(missing == 0 && repeated == 0 && bad == 0,
          "of %d items, %d never came out, %d came out more than once (the "
          "first wrong one: %d), and %d values were never inserted",
          ITEMS, missing, repeated, first_wrong, bad);
    sbuf_deinit(&sb);
}

static const test_t tests[] = {
    TEST(removes_items_in_the_order_inserted),
    TEST(insert_waits_while_the_buffer_is_full),
    TEST(remove_waits_while_the_buffer_is_empty),
    TEST(every_item_is_removed_exactly_once_by_4_producers_and_4_consumers),
};

int main(int argc, char **argv)
{
    return run_tests("sbuf", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
