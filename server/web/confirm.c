/* confirm.c - the confirmation page of destructive admin actions. */
#include "web/confirm.h"

#include <microhttpd.h>
#include <string.h>

#include "http/request.h"
#include "util/tmpl.h"
#include "web/web.h"

bool
web_confirmed(const struct req *req)
{
	return strcmp(web_field(req, "confirm"), "1") == 0;
}

int
web_confirm_page(struct req *req, const char *title, struct tval *ctx, const char *back)
{
	tval_set_str(ctx, "confirm_action", req->path); /* only URL-safe bytes (web.c) */
	tval_set_str(ctx, "back", back);
	return web_render(req, MHD_HTTP_OK, "admin_confirm", title, ctx);
}
