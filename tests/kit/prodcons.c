/*
 * prodcons.c (kit) - producers and consumers sharing a bounded buffer
 * guarded by the book's semaphores (sem_t, Sem_init, P, V), built by
 * tests/test_kit.c from the two files of make csapp-kit alone. Two
 * producers put 1..N each into a 4-slot ring; two consumers take 2N items
 * and add them up. Prints "consumed 2N items, sum S"; S is N*(N+1) when
 * nothing was lost or taken twice.
 * Run: gcc -O2 prodcons.c csapp.c -pthread -o prodcons; ./prodcons
 */
#include "csapp.h"

#define N 20000
#define SLOTS 4

static int ring[SLOTS];
static int front, rear;  /* guarded by mutex */
static sem_t mutex;      /* 1 while nobody touches ring, front, rear */
static sem_t slots;      /* free slots */
static sem_t items;      /* filled slots */
static long sums[2];     /* each consumer writes only its own */

void *producer(void *vargp)
{
    int i;
    (void)vargp;
    for (i = 1; i <= N; i++) {
        P(&slots);
        P(&mutex);
        ring[rear] = i;
        rear = (rear + 1) % SLOTS;
        V(&mutex);
        V(&items);
    }
    return NULL;
}

void *consumer(void *vargp)
{
    long *sum = vargp;
    int i, item;
    for (i = 0; i < N; i++) {
        P(&items);
        P(&mutex);
        item = ring[front];
        front = (front + 1) % SLOTS;
        V(&mutex);
        V(&slots);
        *sum += item;
    }
    return NULL;
}

int main(void)
{
    pthread_t tid[4];
    int i;

    Sem_init(&mutex, 0, 1);
    Sem_init(&slots, 0, SLOTS);
    Sem_init(&items, 0, 0);
    Pthread_create(&tid[0], NULL, producer, NULL);
    Pthread_create(&tid[1], NULL, producer, NULL);
    Pthread_create(&tid[2], NULL, consumer, &sums[0]);
    Pthread_create(&tid[3], NULL, consumer, &sums[1]);
    for (i = 0; i < 4; i++)
        Pthread_join(tid[i], NULL);
    printf("consumed %d items, sum %ld\n", 2 * N, sums[0] + sums[1]);
    exit(0);
}
