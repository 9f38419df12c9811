/* pool.c - handler threads over one mutex-protected FIFO. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

struct item {
	void *data;
	struct item *next;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct item *head, *tail;
	unsigned waiting;
	bool stopping;
	pool_run_fn run;
	pool_admit_fn admit;
	void *ctx;
	unsigned nthreads;
	pthread_t *threads;
};

static void *
thread_main(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->head == NULL && !p->stopping)
			pthread_cond_wait(&p->work, &p->lock);
		struct item *it = p->head;
		if (it == NULL)
			break; /* stopping, and nothing left to run */
		p->head = it->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->waiting--;
		pthread_mutex_unlock(&p->lock);
		p->run(it->data, p->ctx);
		free(it);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Stops and joins the first n threads and frees p. */
static void
shut(struct pool *p, unsigned n)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}

struct pool *
pool_start(unsigned threads, pool_run_fn run, pool_admit_fn admit, void *ctx)
{
	if (threads == 0)
		threads = 1;
	struct pool *p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	if ((p->threads = calloc(threads, sizeof *p->threads)) == NULL) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	p->run = run;
	p->admit = admit;
	p->ctx = ctx;
	for (unsigned i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[i], NULL, thread_main, p) != 0) {
			shut(p, i);
			return NULL;
		}
	}
	p->nthreads = threads;
	return p;
}

bool
pool_submit(struct pool *p, void *item)
{
	struct item *it = malloc(sizeof *it);
	if (it == NULL)
		return false;
	it->data = item;
	it->next = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->stopping) {
		pthread_mutex_unlock(&p->lock);
		free(it);
		return false;
	}
	if (p->admit != NULL)
		p->admit(item, p->ctx);
	if (p->tail != NULL)
		p->tail->next = it;
	else
		p->head = it;
	p->tail = it;
	p->waiting++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return true;
}

void
pool_stop(struct pool *p)
{
	if (p != NULL)
		shut(p, p->nthreads);
}

unsigned
pool_waiting(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	unsigned n = p->waiting;
	pthread_mutex_unlock(&p->lock);
	return n;
}
