/* stream.c - see stream.h. A stream has two references while its connection lives: the
 * owner's and the response's (dropped by libmicrohttpd's free callback when the connection's
 * answer ends). Every open stream is in one list, so that the server's stop can close them.
 *
 * Lock order: a stream's lock, then libmicrohttpd's own (suspend and resume are called under
 * the stream's lock, so that a write can't slip between "nothing to send" and the suspend);
 * the list's lock before a stream's, never the other way. */
#include "http/stream.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/request.h"
#include "http/respond.h"

struct http_stream {
	pthread_mutex_t lock;
	int refs;
	struct MHD_Connection *conn; /* NULL once the response is gone */
	bool suspended;		     /* by the reader, waiting for a write */
	bool closed;		     /* no more writes; the body ends once buf is sent */
	char *buf;
	size_t len, off, cap;
	struct http_stream *prev, *next; /* the list of live streams */
};

static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t list_empty = PTHREAD_COND_INITIALIZER;
static struct http_stream *live;

static void
unref(struct http_stream *s)
{
	pthread_mutex_lock(&s->lock);
	bool last = --s->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->buf);
	free(s);
}

void
http_stream_unref(struct http_stream *s)
{
	if (s != NULL)
		unref(s);
}

struct http_stream *
req_stream(struct req *req, const char *content_type)
{
	struct http_stream *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->refs = 2; /* the caller's, and the response's once queued (http_stream_response) */
	s->conn = req->conn;
	req->resp.status = MHD_HTTP_OK;
	req->resp.content_type = content_type;
	req->resp.body = "";
	req->resp.len = 0;
	req->resp.not_for_page_cache = true;
	req->resp.stream = s;
	pthread_mutex_lock(&list_lock);
	s->next = live;
	if (live != NULL)
		live->prev = s;
	live = s;
	pthread_mutex_unlock(&list_lock);
	return s;
}

/* The body as libmicrohttpd sends it: what was written, else the end once closed, else
 * nothing for now: the connection is suspended until a write resumes it. */
static ssize_t
read_stream(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct http_stream *s = cls;
	ssize_t n = 0;
	pthread_mutex_lock(&s->lock);
	if (s->len > s->off) {
		size_t have = s->len - s->off;
		n = (ssize_t)(have < max ? have : max);
		memcpy(out, s->buf + s->off, (size_t)n);
		s->off += (size_t)n;
		if (s->off == s->len)
			s->off = s->len = 0;
	} else if (s->closed) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		s->suspended = true;
		MHD_suspend_connection(s->conn);
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* The response is gone (its connection's answer ended, whatever the reason). */
static void
stream_gone(void *cls)
{
	struct http_stream *s = cls;
	pthread_mutex_lock(&s->lock);
	s->closed = true;
	s->conn = NULL;
	s->suspended = false;
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&list_lock);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		live = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	if (live == NULL)
		pthread_cond_broadcast(&list_empty);
	pthread_mutex_unlock(&list_lock);
	unref(s);
}

struct MHD_Response *
http_stream_response(struct req *req)
{
	return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, read_stream,
						 req->resp.stream, stream_gone);
}

/* Under s->lock: lets the reader run again if it waits. */
static void
wake(struct http_stream *s)
{
	if (s->suspended && s->conn != NULL) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

int
http_stream_write(struct http_stream *s, const char *data, size_t len)
{
	int rc = -1;
	pthread_mutex_lock(&s->lock);
	if (s->closed)
		goto out;
	if (s->len + len > HTTP_STREAM_BUFFER_MAX) { /* the client doesn't read: cut it off */
		s->closed = true;
		s->off = s->len = 0;
		wake(s);
		goto out;
	}
	if (s->len + len > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;
		while (cap < s->len + len)
			cap *= 2;
		char *buf = realloc(s->buf, cap);
		if (buf == NULL)
			goto out;
		s->buf = buf;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	wake(s);
	rc = 0;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

bool
http_stream_open(struct http_stream *s)
{
	pthread_mutex_lock(&s->lock);
	bool open = !s->closed;
	pthread_mutex_unlock(&s->lock);
	return open;
}

void
http_stream_close(struct http_stream *s)
{
	pthread_mutex_lock(&s->lock);
	s->closed = true;
	wake(s);
	pthread_mutex_unlock(&s->lock);
}

void
http_streams_close_all(int wait_ms)
{
	/* Closing resumes connections: done outside the list's lock, holding a reference. */
	for (;;) {
		struct http_stream *s = NULL;
		pthread_mutex_lock(&list_lock);
		for (struct http_stream *it = live; it != NULL; it = it->next) {
			pthread_mutex_lock(&it->lock);
			bool pending = !it->closed || it->suspended;
			if (pending)
				it->refs++;
			pthread_mutex_unlock(&it->lock);
			if (pending) {
				s = it;
				break;
			}
		}
		pthread_mutex_unlock(&list_lock);
		if (s == NULL)
			break;
		http_stream_close(s);
		unref(s);
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&list_lock);
	while (live != NULL && pthread_cond_timedwait(&list_empty, &list_lock, &until) == 0)
		;
	pthread_mutex_unlock(&list_lock);
}
