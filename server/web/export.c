/* export.c - see export.h. */
#include "web/export.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <microhttpd.h>
#include <string.h>
#include <unistd.h>

#include "ap/archive.h"
#include "app.h"
#include "core/twofactor.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/tval.h"
#include "http/signin_limit.h"
#include "web/twofactor.h"
#include "web/web.h"

#define TEMPLATE "account_export"
#define TITLE N_("Export my data")
/* Archives made at once by this process: each holds a handler thread and a database
 * connection for seconds, and the other requests need them. */
#define EXPORTS_AT_ONCE 2
/* Members with an archive being made or sent by this process, one each: one member can't
 * take every place above, nor hold one nameless file after another (each the size of their
 * media) by reading the answers slowly. */
#define MEMBERS_AT_ONCE 32
#define RETRY_SECONDS "60"

static atomic_int exports_running;
static pthread_mutex_t members_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t members[MEMBERS_AT_ONCE]; /* 0: a free place */

/* A place for member_id, held until member_release; NULL when the member holds one already
 * (*busy true) or every place is taken (*busy false). */
static int64_t *
member_claim(int64_t member_id, bool *busy)
{
	int64_t *place = NULL;
	*busy = false;
	pthread_mutex_lock(&members_lock);
	for (size_t i = 0; i < MEMBERS_AT_ONCE; i++) {
		if (members[i] == member_id)
			*busy = true;
		else if (members[i] == 0 && place == NULL)
			place = &members[i];
	}
	if (*busy)
		place = NULL;
	else if (place != NULL)
		*place = member_id;
	pthread_mutex_unlock(&members_lock);
	return place;
}

/* Frees a member_claim place: when the request's arena goes, after the answer was sent or
 * the client went away. */
static void
member_release(void *place)
{
	pthread_mutex_lock(&members_lock);
	*(int64_t *)place = 0;
	pthread_mutex_unlock(&members_lock);
}

/* The page, with err next to the form (NULL: none). */
static int
page(struct req *req, const struct err *err)
{
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "username", req->viewer->username);
	web_twofactor_keys(req, ctx);
	return web_render_form(req, TEMPLATE, TITLE, ctx, err);
}

static int
export_form(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	return page(req, NULL);
}

/* A file with no name in dir, open for reading and writing: nothing is left on disk when it
 * is closed, whatever happens to the process. */
static int
nameless_file(const char *dir, struct err *err)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(err, errno == ENOSPC ? ERR_UNAVAILABLE : ERR_INTERNAL,
			       errno == ENOSPC ? "There is no room on the server right now. Please "
						 "try again later, and tell the admins."
					       : NULL,
			       "export: O_TMPFILE in data_dir: %s", strerror(errno));
	return fd;
}

static int build(struct req *req);

/* A place among the EXPORTS_AT_ONCE is taken before the password is checked, so that a
 * recovery code is not used up for an archive that can't be made now. */
static int
export_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	bool busy;
	int64_t *place = member_claim(req->viewer->id, &busy);
	if (place == NULL) {
		/* rendered here: an error left to the renderer would lose Retry-After */
		web_render_error(
		    req, busy ? MHD_HTTP_TOO_MANY_REQUESTS : MHD_HTTP_SERVICE_UNAVAILABLE,
		    busy ? N_("Your archive is already being made or downloaded. Please "
			      "wait until it is done, then try again.")
			 : N_("Other archives are being made right now. Please try "
			      "again in a minute."));
		resp_replace_header(req, "Retry-After", RETRY_SECONDS);
		return 0;
	}
	arena_defer(req->arena, member_release, place);
	if (atomic_fetch_add(&exports_running, 1) >= EXPORTS_AT_ONCE) {
		atomic_fetch_sub(&exports_running, 1);
		return err_set(&req->err, ERR_UNAVAILABLE,
			       "Other archives are being made right now. Please try again in a "
			       "minute.",
			       "export: %d being made already", EXPORTS_AT_ONCE);
	}
	int rc = build(req);
	atomic_fetch_sub(&exports_running, 1);
	return rc;
}

static int
build(struct req *req)
{
	/* the password is guessed like a sign-in's: the same limits (signin_limit.h) */
	struct err err;
	if (signin_limit_check(req, req->viewer->username, &err) != 0)
		return page(req, &err);
	if (twofactor_confirm_alone(req->arena, req->viewer, web_field(req, "password"),
				    web_field(req, "code"), &err) != 0) {
		if (err.code == ERR_FORBIDDEN) {
			signin_limit_failed(req, req->viewer->username);
			return page(req, &err);
		}
		req->err = err;
		return -1;
	}
	const struct app *app = req->app;
	int fd = nameless_file(app->cfg.data_dir, &req->err);
	if (fd < 0)
		return -1;
	uint64_t size = 0;
	if (ap_archive_write(req->arena, req->viewer, fd, &size, &req->err) != 0) {
		close(fd);
		return -1;
	}
	resp_file(req, MHD_HTTP_OK, "application/zip", fd, size);
	resp_header(req, "Content-Disposition",
		    arena_printf(req->arena, "attachment; filename=\"%s-export.zip\"",
				 req->viewer->username));
	return 0;
}

int
web_export_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/settings/export", export_form);
	rc |= router_add(r, "POST", "/settings/export", export_submit);
	return rc;
}
