/* streaming.c - GET /api/v1/streaming (?stream=), /user, /user/notification, /public,
 * /public/local, /hashtag and /hashtag/local (?tag=): server-sent events, as Mastodon's
 * streaming server sends them ("event: update|status.update|delete|notification", "data:"
 * the entity the REST API returns, ":thump" heartbeats: a comment line with no blank line
 * after it, which Mastodon.py would take for an event without a name); /api/v1/streaming/health
 * answers "OK".
 *
 * Every stream needs a member's token (Mastodon's default; no visitor streams, so no
 * members-only post can reach one): the Authorization header or ?access_token=. A stream is
 * an http/stream.h answer: no thread waits for it. Events come from core/stream.h (the
 * database's NOTIFY, whichever process wrote) to one thread, which decides for each stream
 * through the timelines' own queries, as that stream's member, whether the post belongs
 * there (visibility, blocks, mutes, suspensions: every rule of the pages), and renders the
 * REST entities. The token is checked again for every event, so a revoked token or a
 * suspended member's stream ends at once. The same thread sends the heartbeat every
 * `streaming_heartbeat` seconds and drops the streams whose clients went.
 *
 * Caps: `streaming_per_member` streams per member (429 past it) and `streaming_limit` in
 * all (503), never more than half of `connection_limit`, so that streams, which hold their
 * connections, can't take every connection. */
#include "api/streaming.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "app.h"
#include "core/settings.h"
#include "core/stream.h"
#include "core/text.h"
#include "http/respond.h"
#include "http/stream.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/log.h"

enum sub_kind {
	SUB_USER,
	SUB_USER_NOTIFICATION,
	SUB_PUBLIC,
	SUB_PUBLIC_LOCAL,
	SUB_HASHTAG,
	SUB_HASHTAG_LOCAL,
	SUB__MAX
};

/* The names of ?stream=, in enum order. */
static const char *const sub_names[SUB__MAX] = {
    "user", "user:notification", "public", "public:local", "hashtag", "hashtag:local",
};

/* What a refused stream is asked to wait, in seconds. */
#define STREAM_RETRY_AFTER "30"

/* Posts a stream remembers having sent, so that their deletes reach it whatever the post's
 * visibility. */
#define SENT_MAX 64

struct sub {
	struct http_stream *stream;
	int64_t account_id;
	char *token; /* the bearer token, checked again for every event; wiped when freed */
	enum sub_kind kind;
	char *tag; /* hashtag streams */
	int64_t sent[SENT_MAX];
	unsigned nsent;
	struct sub *next;
};

/* The open streams: added by handler threads, removed and freed only by the feed's thread
 * (stream_event), both under the lock. */
static struct {
	pthread_mutex_t lock;
	struct sub *head;
	const struct app *app;
	const char *base_url; /* without a trailing '/' */
	int limit, per_member;
	bool started;
} subs = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void
sub_free(struct sub *s)
{
	http_stream_close(s->stream);
	http_stream_unref(s->stream);
	if (s->token != NULL) {
		explicit_bzero(s->token, strlen(s->token));
		free(s->token);
	}
	free(s->tag);
	free(s);
}

static bool
sent_before(const struct sub *s, int64_t id)
{
	unsigned n = s->nsent < SENT_MAX ? s->nsent : SENT_MAX;
	for (unsigned i = 0; i < n; i++)
		if (s->sent[i] == id)
			return true;
	return false;
}

/* One server-sent event: "event: NAME\ndata: DATA\n\n". -1 when it was not sent (the stream
 * is over). */
static int
send_event(struct sub *s, const char *name, const char *data)
{
	struct arena *a = arena_new();
	const char *text = arena_printf(a, "event: %s\ndata: %s\n\n", name, data);
	int rc = http_stream_write(s->stream, text, strlen(text));
	arena_free(a);
	return rc;
}

static int
send_json(struct sub *s, const char *name, json_t *doc)
{
	if (doc == NULL)
		return -1;
	char *text = json_dumps(doc, JSON_COMPACT); /* one line: strings escape their newlines */
	json_decref(doc);
	if (text == NULL)
		return -1;
	int rc = send_event(s, name, text);
	free(text);
	return rc;
}

/* A token checked in this round: apps often hold several streams with one token (the home
 * timeline, notifications, the local timeline), and it is checked once for all of them. */
struct checked {
	const char *token;
	bool ok;      /* access holds its member */
	bool refused; /* revoked, or its member suspended: its streams end */
	struct oauth_access access;
};

/* What the feed's thread knows for one event: the settings, read once, and the tokens
 * checked so far, in the round's arena. */
struct round {
	const struct stream_event *ev;
	const struct instance_settings *settings;
	struct arena *arena;
	struct checked *checked; /* room for every stream of the round */
	size_t nchecked;
};

/* The access s's token gives now, checked once per round; NULL when it gives none (then
 * *refused says whether that is for good). */
static const struct oauth_access *
round_access(struct round *r, const struct sub *s, bool *refused)
{
	struct checked *c = NULL;
	for (size_t i = 0; i < r->nchecked && c == NULL; i++)
		if (strcmp(r->checked[i].token, s->token) == 0)
			c = &r->checked[i];
	if (c == NULL) {
		c = &r->checked[r->nchecked++];
		struct err err = {0};
		c->token = s->token;
		int rc = oauth_authenticate(r->arena, s->token, &c->access, &err);
		/* a suspended member's apps show only moderation notices (api.c): no streams */
		c->ok = rc == 0 && c->access.member != NULL && !c->access.member->suspended;
		/* a database that can't answer ends nothing */
		c->refused = !c->ok &&
			     (rc == 0 || (err.code != ERR_UNAVAILABLE && err.code != ERR_INTERNAL));
	}
	*refused = c->refused;
	return c->ok ? &c->access : NULL;
}

/* The timeline a stream's posts come from. */
static enum stream_timeline
timeline_of(enum sub_kind k)
{
	return k == SUB_USER				  ? STREAM_TL_HOME
	       : k == SUB_PUBLIC || k == SUB_PUBLIC_LOCAL ? STREAM_TL_LOCAL
							  : STREAM_TL_TAG;
}

/* Whether ev could concern s at all, before any query. */
static bool
may_concern(const struct sub *s, const struct stream_event *ev)
{
	switch (ev->kind) {
	case STREAM_EV_NOTIFICATION:
		return s->account_id == ev->account_id &&
		       (s->kind == SUB_USER || s->kind == SUB_USER_NOTIFICATION);
	case STREAM_EV_STATUS:
	case STREAM_EV_EDIT:
		if (s->kind == SUB_USER_NOTIFICATION)
			return false;
		if (s->kind == SUB_PUBLIC || s->kind == SUB_PUBLIC_LOCAL) /* the node's own posts */
			return ev->local && ev->visibility == VIS_PUBLIC;
		return s->kind != SUB_HASHTAG_LOCAL || ev->local;
	case STREAM_EV_DELETE:
		return s->kind != SUB_USER_NOTIFICATION;
	case STREAM_EV_TICK:
		return true;
	}
	return false;
}

/* The delete of a post the stream's member may have seen: their own, one this stream sent,
 * one everyone could see, or a followers-only one of someone they follow. */
static bool
delete_concerns(struct api_call *call, struct sub *s, const struct stream_event *ev)
{
	if (ev->account_id == s->account_id || sent_before(s, ev->id))
		return true;
	switch (ev->visibility) {
	case VIS_PUBLIC:
	case VIS_UNLISTED:
	case VIS_MEMBERS:
		return true;
	case VIS_PRIVATE: {
		struct err err;
		return s->kind == SUB_USER &&
		       stream_follows(call->req->arena, s->account_id, ev->account_id, &err) == 1;
	}
	default:
		return false;
	}
}

/* Sends ev to s if its member may have it; the token is checked first (a revoked token or a
 * suspended member ends the stream). */
static void
deliver(struct sub *s, struct round *r)
{
	const struct stream_event *ev = r->ev;
	bool refused;
	const struct oauth_access *access = round_access(r, s, &refused);
	if (access == NULL) {
		if (refused)
			http_stream_close(s->stream);
		return;
	}
	struct arena *a = arena_new();
	struct err err = {0};
	struct req req = {.arena = a,
			  .app = (void *)subs.app,
			  .settings = r->settings,
			  .lang = r->settings->default_language,
			  .viewer = access->member,
			  .signed_in = true};
	enum lang l;
	if (access->member->language != NULL && i18n_lang_parse(access->member->language, &l) == 0)
		req.lang = l;
	struct api_call call = {
	    .req = &req, .access = access, .me = access->member, .base_url = subs.base_url};
	char idbuf[ID_STRLEN];
	switch (ev->kind) {
	case STREAM_EV_TICK:
		http_stream_write(s->stream, ":thump\n", 7);
		break;
	case STREAM_EV_STATUS:
	case STREAM_EV_EDIT: {
		struct status *st;
		if (stream_status_in(a, s->account_id, timeline_of(s->kind), s->tag, ev->id, &st,
				     &err) != 1)
			break;
		if (send_json(s, ev->kind == STREAM_EV_EDIT ? "status.update" : "update",
			      api_status(&call, st)) == 0)
			s->sent[s->nsent++ % SENT_MAX] = ev->id;
		break;
	}
	case STREAM_EV_DELETE:
		if (delete_concerns(&call, s, ev))
			send_event(s, "delete", id_format(ev->id, idbuf));
		break;
	case STREAM_EV_NOTIFICATION: {
		struct notification_row *row;
		if (!oauth_scopes_cover(access->scopes, SCOPE(SCOPE_READ_NOTIFICATIONS)) ||
		    stream_notification(a, s->account_id, ev->id, &row, &err) != 1 ||
		    !api_notification_shown(&call, row))
			break;
		send_json(s, "notification", api_notification(&call, row));
		break;
	}
	}
	arena_free(a);
}

/* The feed's consumer (core/stream.h), on its thread. */
static void
on_event(const struct stream_event *ev, void *ud)
{
	(void)ud;
	/* the streams this event may concern, taken under the lock; only this thread frees
	 * them, so they outlive the round */
	size_t n = 0, cap = 16;
	struct sub **todo = malloc(cap * sizeof *todo);
	pthread_mutex_lock(&subs.lock);
	for (struct sub *s = subs.head; s != NULL && todo != NULL; s = s->next) {
		if (!may_concern(s, ev))
			continue;
		if (n == cap) {
			struct sub **more = realloc(todo, 2 * cap * sizeof *todo);
			if (more == NULL)
				break;
			todo = more;
			cap *= 2;
		}
		todo[n++] = s;
	}
	pthread_mutex_unlock(&subs.lock);
	if (n > 0) {
		struct arena *a = arena_new();
		struct instance_settings *settings = arena_alloc(a, sizeof *settings);
		struct err ignored;
		settings_load(a, &subs.app->cfg, settings, &ignored);
		struct round r = {.ev = ev,
				  .settings = settings,
				  .arena = a,
				  .checked = arena_alloc(a, n * sizeof *r.checked)};
		for (size_t i = 0; i < n; i++)
			if (http_stream_open(todo[i]->stream))
				deliver(todo[i], &r);
		arena_free(a);
	}
	free(todo);
	/* the streams that ended (their clients went, a heartbeat found out) go */
	pthread_mutex_lock(&subs.lock);
	for (struct sub **p = &subs.head; *p != NULL;) {
		struct sub *s = *p;
		if (http_stream_open(s->stream)) {
			p = &s->next;
			continue;
		}
		*p = s->next;
		sub_free(s);
	}
	pthread_mutex_unlock(&subs.lock);
}

/* Counts the open streams in all and of account_id, under the lock. */
static void
count_open(int64_t account_id, int *all, int *mine)
{
	*all = *mine = 0;
	for (struct sub *s = subs.head; s != NULL; s = s->next)
		if (http_stream_open(s->stream)) {
			(*all)++;
			if (s->account_id == account_id)
				(*mine)++;
		}
}

/* The token the call was authenticated with (the header's, or ?access_token=). */
static const char *
call_token(struct api_call *call)
{
	const char *h = req_header(call->req, MHD_HTTP_HEADER_AUTHORIZATION);
	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		return h;
	}
	return req_query(call->req, "access_token");
}

/* The hashtag of ?tag= (a leading '#' dropped), or NULL + err. */
static const char *
tag_param(struct api_call *call)
{
	const char *tag = req_query(call->req, "tag");
	if (tag != NULL && *tag == '#')
		tag++;
	if (tag == NULL || *tag == '\0' || text_length(tag) > TEXT_TAG_MAX) {
		err_set(&call->req->err, ERR_INVALID, "tag is required",
			"hashtag stream without tag");
		return NULL;
	}
	return tag;
}

/* Opens a stream of kind for the caller: the caps, the scope, then the answer. */
static int
open_stream(struct api_call *call, enum sub_kind kind)
{
	struct req *req = call->req;
	uint64_t need = kind == SUB_USER_NOTIFICATION ? SCOPE(SCOPE_READ_NOTIFICATIONS)
						      : SCOPE(SCOPE_READ_STATUSES);
	if (!oauth_scopes_cover(call->access->scopes, need))
		return err_set(&req->err, ERR_FORBIDDEN, "The token's scopes don't allow this.",
			       "scope");
	const char *tag = NULL;
	if ((kind == SUB_HASHTAG || kind == SUB_HASHTAG_LOCAL) && (tag = tag_param(call)) == NULL)
		return -1;
	const char *token = call_token(call);
	struct sub *s = calloc(1, sizeof *s);
	if (s == NULL || token == NULL || (s->token = strdup(token)) == NULL ||
	    (tag != NULL && (s->tag = strdup(tag)) == NULL)) {
		if (s != NULL) {
			free(s->token);
			free(s);
		}
		return err_set(&req->err, ERR_INTERNAL, NULL, "out of memory");
	}
	s->kind = kind;
	s->account_id = call->me->id;
	pthread_mutex_lock(&subs.lock);
	int all, mine;
	count_open(s->account_id, &all, &mine);
	log_msg(LOG_DEBUG, "streaming: %s asked for, %d open (%d of this member)", sub_names[kind],
		all, mine);
	int rc = 0;
	/* answered here rather than through req->err, which would drop the Retry-After */
	if (!subs.started || all >= subs.limit) {
		resp_replace_header(req, MHD_HTTP_HEADER_RETRY_AFTER, STREAM_RETRY_AFTER);
		api_render_error(
		    req, MHD_HTTP_SERVICE_UNAVAILABLE,
		    N_("This server holds as many streams as it can. Try again later."));
	} else if (mine >= subs.per_member) {
		resp_replace_header(req, MHD_HTTP_HEADER_RETRY_AFTER, STREAM_RETRY_AFTER);
		api_render_error(req, MHD_HTTP_TOO_MANY_REQUESTS,
				 N_("Too many streams are open for this account."));
	} else {
		resp_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		resp_header(req, "X-Accel-Buffering", "no"); /* a proxy must pass events on */
		if ((s->stream = req_stream(req, "text/event-stream; charset=utf-8")) == NULL)
			rc = err_set(&req->err, ERR_INTERNAL, NULL, "out of memory");
		else {
			http_stream_write(s->stream, ":)\n", 3); /* the stream is open */
			s->next = subs.head;
			subs.head = s;
			s = NULL;
		}
	}
	pthread_mutex_unlock(&subs.lock);
	if (s != NULL) {
		explicit_bzero(s->token, strlen(s->token));
		free(s->token);
		free(s->tag);
		free(s);
	}
	return rc;
}

static int
generic(struct api_call *call)
{
	const char *name = req_query(call->req, "stream");
	for (int k = 0; name != NULL && k < SUB__MAX; k++)
		if (strcmp(name, sub_names[k]) == 0)
			return open_stream(call, (enum sub_kind)k);
	return err_set(&call->req->err, ERR_INVALID, "Unknown stream type", "stream=");
}

static int
user(struct api_call *call)
{
	return open_stream(call, SUB_USER);
}

static int
user_notification(struct api_call *call)
{
	return open_stream(call, SUB_USER_NOTIFICATION);
}

static int
public_all(struct api_call *call)
{
	return open_stream(call, SUB_PUBLIC);
}

static int
public_local(struct api_call *call)
{
	return open_stream(call, SUB_PUBLIC_LOCAL);
}

static int
hashtag(struct api_call *call)
{
	return open_stream(call, SUB_HASHTAG);
}

static int
hashtag_local(struct api_call *call)
{
	return open_stream(call, SUB_HASHTAG_LOCAL);
}

static int
health(struct api_call *call)
{
	resp_set(call->req, MHD_HTTP_OK, "text/plain; charset=utf-8", "OK", 2);
	return 0;
}

static const struct api_route routes[] = {
    {"GET", "/api/v1/streaming", generic, API_MEMBER, 0},
    {"GET", "/api/v1/streaming/health", health, API_ANYONE, 0},
    {"GET", "/api/v1/streaming/user", user, API_MEMBER, 0},
    {"GET", "/api/v1/streaming/user/notification", user_notification, API_MEMBER, 0},
    {"GET", "/api/v1/streaming/public", public_all, API_MEMBER, 0},
    {"GET", "/api/v1/streaming/public/local", public_local, API_MEMBER, 0},
    {"GET", "/api/v1/streaming/hashtag", hashtag, API_MEMBER, 0},
    {"GET", "/api/v1/streaming/hashtag/local", hashtag_local, API_MEMBER, 0},
};

int
api_streaming_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}

int
api_streaming_start(const struct app *app, struct err *err)
{
	size_t blen = strlen(app->cfg.base_url);
	char *base = strndup(app->cfg.base_url,
			     blen > 0 && app->cfg.base_url[blen - 1] == '/' ? blen - 1 : blen);
	if (base == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	pthread_mutex_lock(&subs.lock);
	subs.app = app;
	subs.base_url = base;
	subs.limit = app->cfg.streaming_limit;
	if (app->cfg.connection_limit / 2 < subs.limit)
		subs.limit = app->cfg.connection_limit / 2;
	subs.per_member = app->cfg.streaming_per_member;
	pthread_mutex_unlock(&subs.lock);
	if (stream_feed_start(app->cfg.database_url, app->cfg.streaming_heartbeat, on_event, NULL,
			      err) != 0) {
		free(base);
		subs.base_url = NULL;
		return -1;
	}
	pthread_mutex_lock(&subs.lock);
	subs.started = true;
	pthread_mutex_unlock(&subs.lock);
	log_msg(LOG_INFO, "streaming: up to %d streams, %d per member, a heartbeat every %d s",
		subs.limit, subs.per_member, app->cfg.streaming_heartbeat);
	return 0;
}

void
api_streaming_stop(void)
{
	stream_feed_stop();
	pthread_mutex_lock(&subs.lock);
	while (subs.head != NULL) {
		struct sub *s = subs.head;
		subs.head = s->next;
		sub_free(s);
	}
	subs.started = false;
	free((char *)subs.base_url);
	subs.base_url = NULL;
	pthread_mutex_unlock(&subs.lock);
}
