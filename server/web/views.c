/* views.c - turning model structs into template values (no database access here). */
#include <string.h>

#include "core/account.h"
#include "http/request.h"
#include "util/arena.h"
#include "util/id.h"
#include "util/strbuf.h"
#include "util/tmpl.h"
#include "web/web.h"

const char *
web_account_path(struct arena *a, const char *acct)
{
	struct strbuf sb;
	strbuf_init(&sb, a);
	strbuf_puts(&sb, "/@");
	strbuf_put_pct(&sb, acct, "@:");
	return sb.data;
}

struct tval *
web_account_view(struct req *req, const struct account *acct)
{
	struct tval *v = tval_obj(req->arena);
	char buf[ID_STRLEN];
	web_page_shows_account(req, acct->id);
	tval_set_str(v, "id", id_format(acct->id, buf));
	tval_set_str(v, "username", acct->username);
	const char *handle = account_handle(req->arena, acct);
	tval_set_str(v, "acct", handle);
	tval_set_str(v, "name", account_shown_name(acct));
	tval_set_str(v, "url", web_account_path(req->arena, handle));
	tval_set_bool(v, "remote", acct->domain != NULL);
	if (acct->url != NULL)
		tval_set_str(v, "remote_url", acct->url);
	tval_set_str(v, "bio", acct->bio ? acct->bio : "");
	tval_set_bool(v, "locked", acct->locked);
	tval_set_bool(v, "is_self", req->viewer != NULL && req->viewer->id == acct->id);
	struct tval *fields = tval_list(req->arena);
	for (int i = 0; i < acct->nfields; i++) {
		struct tval *f = tval_obj(req->arena);
		tval_set_str(f, "name", acct->fields[i].name);
		tval_set_str(f, "value", acct->fields[i].value);
		tval_push(fields, f);
	}
	tval_set(v, "fields", fields);
	return v;
}
