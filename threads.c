/*
 * threads.c - the shared library, threads: the Pthreads wrappers and the
 * book's counting semaphores (Sem_init, P, V) on sem_t. Where unnamed
 * POSIX semaphores are missing (macOS), sem_t is our own, built here from
 * a mutex and a condition variable (see csapp.h).
 * Book: CS:APP3e csapp.c, sections 12.3 and 12.5 (same names and
 * arguments; written afresh).
 */
#include "csapp.h"

/* ---- Pthreads ---- */

void Pthread_create(pthread_t *tid, const pthread_attr_t *attr,
                    void *(*routine)(void *), void *arg)
{
    int rc = pthread_create(tid, attr, routine, arg);
    if (rc != 0)
        posix_error(rc, "pthread_create");
}

void Pthread_join(pthread_t tid, void **retval)
{
    int rc = pthread_join(tid, retval);
    if (rc != 0)
        posix_error(rc, "pthread_join");
}

void Pthread_cancel(pthread_t tid)
{
    int rc = pthread_cancel(tid);
    if (rc != 0)
        posix_error(rc, "pthread_cancel");
}

void Pthread_detach(pthread_t tid)
{
    int rc = pthread_detach(tid);
    if (rc != 0)
        posix_error(rc, "pthread_detach");
}

/* pthread_exit cannot fail; the wrapper is here for the book's name. */
_Noreturn void Pthread_exit(void *retval) { pthread_exit(retval); }

pthread_t Pthread_self(void) { return pthread_self(); }

void Pthread_once(pthread_once_t *once, void (*init)(void))
{
    int rc = pthread_once(once, init);
    if (rc != 0)
        posix_error(rc, "pthread_once");
}

void Pthread_mutex_init(pthread_mutex_t *mutex)
{
    int rc = pthread_mutex_init(mutex, NULL);
    if (rc != 0)
        posix_error(rc, "pthread_mutex_init");
}

void Pthread_mutex_lock(pthread_mutex_t *mutex)
{
    int rc = pthread_mutex_lock(mutex);
    if (rc != 0)
        posix_error(rc, "pthread_mutex_lock");
}

void Pthread_mutex_unlock(pthread_mutex_t *mutex)
{
    int rc = pthread_mutex_unlock(mutex);
    if (rc != 0)
        posix_error(rc, "pthread_mutex_unlock");
}

/* ---- Semaphores: the book's wrappers, over sem_init/sem_wait/sem_post ---- */

void Sem_init(sem_t *s, int pshared, unsigned value)
{
    if (sem_init(s, pshared, value) < 0)
        unix_error("sem_init");
}

void Sem_destroy(sem_t *s)
{
    if (sem_destroy(s) < 0)
        unix_error("sem_destroy");
}

void P(sem_t *s)
{
    while (sem_wait(s) < 0)
        if (errno != EINTR)
            unix_error("sem_wait");
}

void V(sem_t *s)
{
    if (sem_post(s) < 0)
        unix_error("sem_post");
}

#ifdef CSAPP_OWN_SEM
/*
 * The portable sem_t: value guarded by lock; a waiter sleeps on positive
 * until value is above 0. Every call returns 0, or -1 with errno set, as
 * POSIX's do, so Sem_init, P and V above serve both.
 */
/* POSIX's way to fail: -1, the reason in errno. */
static int sem_fail(int code)
{
    errno = code;
    return -1;
}

int sem_init(sem_t *s, int pshared, unsigned value)
{
    int rc;
    if (pshared != 0) /* a mutex in one process's memory: threads only */
        return sem_fail(ENOSYS);
    if ((rc = pthread_mutex_init(&s->lock, NULL)) != 0)
        return sem_fail(rc);
    if ((rc = pthread_cond_init(&s->positive, NULL)) != 0) {
        pthread_mutex_destroy(&s->lock);
        return sem_fail(rc);
    }
    s->value = value;
    return 0;
}

int sem_destroy(sem_t *s)
{
    pthread_cond_destroy(&s->positive);
    pthread_mutex_destroy(&s->lock);
    return 0;
}

int sem_wait(sem_t *s)
{
    int rc = pthread_mutex_lock(&s->lock);
    if (rc != 0)
        return sem_fail(rc);
    while (rc == 0 && s->value == 0) /* a wakeup can be spurious: check again */
        rc = pthread_cond_wait(&s->positive, &s->lock);
    if (rc == 0)
        s->value--;
    pthread_mutex_unlock(&s->lock);
    return rc == 0 ? 0 : sem_fail(rc);
}

int sem_post(sem_t *s)
{
    int rc = pthread_mutex_lock(&s->lock);
    if (rc != 0)
        return sem_fail(rc);
    s->value++;
    rc = pthread_cond_signal(&s->positive);
    pthread_mutex_unlock(&s->lock);
    return rc == 0 ? 0 : sem_fail(rc);
}
#endif /* CSAPP_OWN_SEM */
