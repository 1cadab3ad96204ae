/*
 * sbuf.h - a bounded buffer of ints shared by producer and consumer
 * threads: the lecture's producer-consumer model. echoservert_pre's main
 * thread inserts connected descriptors; its worker threads remove them.
 *
 * Guarded by the book's counting semaphores (sem_t, P and V in csapp.h;
 * on macOS built from a mutex and a condition variable):
 *   slots  counts free slots: a producer waits on it while the buffer is full;
 *   items  counts filled slots: a consumer waits on it while it is empty;
 *   mutex  a semaphore of value 1 around the array and its indices.
 * Counting semaphores fit because "how many free, how many full" is exactly
 * what they count; a mutex and two condition variables would work as well
 * but need a while loop around each wait, which the semaphores hide.
 * Book: CS:APP3e Figures 12.24 and 12.25 (same design, written afresh).
 */
#ifndef SBUF_H
#define SBUF_H

#include "csapp.h"

typedef struct {
    int *buf;          /* the slots, used as a ring */
    size_t n;          /* how many slots */
    size_t front;      /* buf[front] is the oldest item */
    size_t rear;       /* buf[rear] is where the next item goes */
    sem_t mutex;       /* 1 while nobody is touching buf, front, rear */
    sem_t slots;       /* free slots */
    sem_t items;       /* filled slots */
} sbuf_t;

/* Makes an empty buffer of n slots (n >= 1); exits if memory runs out. */
void sbuf_init(sbuf_t *sp, size_t n);
/* Frees the slots. No thread may be using the buffer any more. */
void sbuf_deinit(sbuf_t *sp);
/* Adds item at the rear, first waiting for a free slot. Thread-safe. */
void sbuf_insert(sbuf_t *sp, int item);
/* Removes and returns the front item, first waiting for one. Thread-safe. */
int sbuf_remove(sbuf_t *sp);

#endif /* SBUF_H */
