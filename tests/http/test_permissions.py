"""Every route's permissions in one table (issue 15). The routes come from the router itself
(`parasol routes`), so a route added later without a row in TABLE fails the test.

For each route and method the table says what each of six callers gets: a visitor, a member,
the owner of what the path names (alice: her post, her profile, her report's subject, her
session, the moderation action on her account), a moderator, an admin and a suspended member.
A refused POST is sent with a form that would act if it were let through, and must leave the
database as it was (a data-only dump before and after). The POSTs that are let through are
sent last, the ones that end a session or remove what other rows use at the very end.

Answers, as written in TABLE (one word per caller, in ROLES order):
  200 201 202 400 401 404 422   that status
  303    a redirect to a page other than the sign-in form
  login  a redirect to the sign-in form (303 to /login...)
  403    refused (403, not the suspended page)
  S      the suspended member's page (403 saying the account is suspended)
  ok     (POST only) let through: anything but login, 403, S or a 5xx; the exact answer
         depends on what earlier calls used up (the per-feature tests hold it)
The ActivityPub routes are called like pages here (unsigned, so inboxes answer 401);
test_federation*.py, test_ap_fetch.py and test_fault_routes.py call them signed."""

import json
import os
import subprocess
import urllib.parse
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("permissions")
harness.PER_TEST_TIMEOUT = 600
test = suite.test
inst = harness.Instance(suite, "permissions", page_cache_seconds=0)
ROLES = ("visitor", "member", "owner", "moderator", "admin", "suspended")
c = {}
ids = {}

# (method, pattern) -> answers for ROLES. Keep it in the router's order (server/app.c).
TABLE = {
    ('GET', '/'): '200 303 303 303 303 303',
    ('GET', '/about'): '200 200 200 200 200 200',
    ('GET', '/safety'): '200 200 200 200 200 200',
    ('GET', '/healthz'): '200 200 200 200 200 200',
    ('GET', '/robots.txt'): '200 200 200 200 200 200',
    ('GET', '/static/:file'): '200 200 200 200 200 200',
    ('GET', '/media/:file'): '200 200 200 200 200 200',
    ('GET', '/register'): '200 303 303 303 303 S',
    ('POST', '/register'): 'ok ok ok ok ok S',
    ('GET', '/recovery-codes'): 'login 200 200 200 200 S',
    ('GET', '/login'): '200 303 303 303 303 S',
    ('POST', '/login'): 'ok ok ok ok ok S',
    ('POST', '/logout'): 'ok ok ok ok ok ok',
    ('GET', '/recover'): '200 200 200 200 200 S',
    ('POST', '/recover'): 'ok ok ok ok ok S',
    ('POST', '/statuses'): 'login ok ok ok ok S',
    ('GET', '/statuses/new'): 'login 200 200 200 200 S',
    ('GET', '/statuses/:id/edit'): 'login 403 200 403 403 S',
    ('POST', '/statuses/:id/edit'): 'login 403 ok 403 403 S',
    ('GET', '/statuses/:id/history'): 'login 403 200 200 200 S',
    ('POST', '/statuses/:id/history/:version/erase'): 'login 403 ok 403 403 S',
    ('GET', '/statuses/:id/delete'): 'login 403 200 403 403 S',
    ('POST', '/statuses/:id/delete'): 'login 403 ok ok ok S',
    ('POST', '/statuses/:id/:action'): 'login ok ok ok ok S',
    ('GET', '/@:name/:id'): '200 200 200 200 200 S',
    ('GET', '/home'): 'login 200 200 200 200 S',
    ('GET', '/local'): 'login 200 200 200 200 S',
    ('GET', '/tags/:tag'): '200 200 200 200 200 S',
    ('GET', '/bookmarks'): 'login 200 200 200 200 S',
    ('GET', '/@:name'): '200 200 200 200 200 S',
    ('GET', '/notifications'): 'login 200 200 200 200 S',
    ('POST', '/notifications/read'): 'login ok ok ok ok S',
    ('POST', '/@:name/follow'): 'login ok ok ok ok S',
    ('POST', '/@:name/unfollow'): 'login ok ok ok ok S',
    ('POST', '/@:name/block'): 'login ok ok ok ok S',
    ('POST', '/@:name/unblock'): 'login ok ok ok ok S',
    ('POST', '/@:name/mute'): 'login ok ok ok ok S',
    ('POST', '/@:name/unmute'): 'login ok ok ok ok S',
    ('GET', '/@:name/followers'): '200 200 200 200 200 S',
    ('GET', '/@:name/following'): '200 200 200 200 200 S',
    ('GET', '/blocks'): 'login 200 200 200 200 S',
    ('GET', '/mutes'): 'login 200 200 200 200 S',
    ('GET', '/follow_requests'): 'login 200 200 200 200 S',
    ('POST', '/follow_requests/:id/accept'): 'login 404 ok 404 404 S',
    ('POST', '/follow_requests/:id/reject'): 'login 404 ok 404 404 S',
    ('GET', '/settings'): 'login 200 200 200 200 S',
    ('POST', '/settings/profile'): 'login ok ok ok ok S',
    ('POST', '/settings/images'): 'login ok ok ok ok S',
    ('GET', '/settings/images'): '303 303 303 303 303 S',
    ('POST', '/settings/preferences'): 'login ok ok ok ok S',
    ('POST', '/settings/password'): 'login ok ok ok ok S',
    ('POST', '/settings/expiry'): 'login ok ok ok ok S',
    ('GET', '/settings/expiry'): '303 303 303 303 303 S',
    ('POST', '/settings/sessions/end'): 'login ok ok ok ok S',
    ('POST', '/settings/recovery-codes'): 'login ok ok ok ok S',
    ('GET', '/settings/profile'): '303 303 303 303 303 S',
    ('GET', '/settings/preferences'): '303 303 303 303 303 S',
    ('GET', '/settings/password'): '303 303 303 303 303 S',
    ('GET', '/settings/recovery-codes'): '303 303 303 303 303 S',
    ('GET', '/settings/sessions/end'): '303 303 303 303 303 S',
    ('POST', '/settings/sessions/:id/end'): 'login 404 ok 404 404 S',
    ('GET', '/login/code'): 'login login login login login S',
    ('POST', '/login/code'): 'login login login login login S',
    ('GET', '/settings/two-factor'): 'login 303 303 303 303 S',
    ('POST', '/settings/two-factor/start'): 'login ok ok ok ok S',
    ('POST', '/settings/two-factor/enable'): 'login ok ok ok ok S',
    ('POST', '/settings/two-factor/disable'): 'login ok ok ok ok S',
    ('GET', '/settings/two-factor/start'): '303 303 303 303 303 S',
    ('GET', '/settings/two-factor/enable'): '303 303 303 303 303 S',
    ('GET', '/settings/two-factor/disable'): '303 303 303 303 303 S',
    ('GET', '/settings/delete'): 'login 200 200 200 200 S',
    ('POST', '/settings/delete'): 'login ok ok ok ok S',
    ('GET', '/settings/export'): 'login 200 200 200 200 200',
    ('POST', '/settings/export'): 'login ok ok ok ok ok',
    ('GET', '/settings/aliases'): 'login 200 200 200 200 S',
    ('POST', '/settings/aliases'): 'login ok ok ok ok S',
    ('POST', '/settings/aliases/remove'): 'login ok ok ok ok S',
    ('GET', '/settings/move'): 'login 200 200 200 200 S',
    ('POST', '/settings/move'): 'login ok ok ok ok S',
    ('POST', '/settings/move/undo'): 'login ok ok ok ok S',
    ('GET', '/settings/import'): 'login 200 200 200 200 S',
    ('POST', '/settings/import'): 'login ok ok ok ok S',
    ('GET', '/admin/settings'): 'login 403 403 403 200 S',
    ('POST', '/admin/settings'): 'login 403 403 403 ok S',
    ('POST', '/admin/lockdown'): 'login 403 403 403 ok S',
    ('GET', '/admin/invites'): 'login 403 403 403 200 S',
    ('POST', '/admin/invites'): 'login 403 403 403 ok S',
    ('POST', '/admin/invites/:id/revoke'): 'login 403 403 403 ok S',
    ('GET', '/admin/applications'): 'login 403 403 200 200 S',
    ('POST', '/admin/applications/:id/approve'): 'login 403 403 ok ok S',
    ('POST', '/admin/applications/:id/decline'): 'login 403 403 ok ok S',
    ('GET', '/admin/rules'): 'login 403 403 200 200 S',
    ('POST', '/admin/rules'): 'login 403 403 ok ok S',
    ('POST', '/admin/rules/:id'): 'login 403 403 ok ok S',
    ('POST', '/admin/rules/:id/up'): 'login 403 403 ok ok S',
    ('POST', '/admin/rules/:id/down'): 'login 403 403 ok ok S',
    ('POST', '/admin/rules/:id/delete'): 'login 403 403 ok ok S',
    ('GET', '/admin/translations'): 'login 403 403 200 200 S',
    ('POST', '/admin/translations/rules'): 'login 403 403 ok ok S',
    ('POST', '/admin/translations/description'): 'login 403 403 403 ok S',
    ('GET', '/statuses/:id/report'): 'login 200 422 200 200 S',
    ('POST', '/statuses/:id/report'): 'login ok 422 ok ok S',
    ('GET', '/@:name/report'): 'login 200 422 200 200 S',
    ('POST', '/@:name/report'): 'login ok 422 ok ok S',
    ('POST', '/admin/reports/:id/forward'): 'login 403 403 ok ok S',
    ('GET', '/admin/queue'): 'login 403 403 200 200 S',
    ('GET', '/admin/queue/:id'): 'login 403 403 200 200 S',
    ('POST', '/admin/queue/:id/claim'): 'login 403 403 ok ok S',
    ('GET', '/admin/queue/:id/take-over'): 'login 403 403 303 303 S',
    ('POST', '/admin/queue/:id/act'): 'login 403 403 ok ok S',
    ('GET', '/admin/accounts/:id'): 'login 403 403 200 200 S',
    ('POST', '/admin/accounts/:id/act'): 'login 403 403 ok ok S',
    ('POST', '/admin/actions/:id/approve'): 'login 403 403 ok ok S',
    ('POST', '/admin/actions/:id/reject'): 'login 403 403 ok ok S',
    ('GET', '/admin/appeals'): 'login 403 403 200 200 S',
    ('POST', '/admin/appeals/:id'): 'login 403 403 ok ok S',
    ('GET', '/moderation/log'): 'login 200 200 200 200 S',
    ('GET', '/moderation/mine'): 'login 200 200 200 200 200',
    ('POST', '/moderation/actions/:id/appeal'): 'login 404 ok 404 404 404',
    ('GET', '/moderation/actions/:id/appeal'): '303 303 303 303 303 303',
    ('GET', '/admin/review-rules'): 'login 403 403 200 200 S',
    ('POST', '/admin/review-rules'): 'login 403 403 ok ok S',
    ('POST', '/admin/review-rules/:id/delete'): 'login 403 403 ok ok S',
    ('GET', '/moderation/review-rules'): 'login 200 200 200 200 S',
    ('GET', '/admin/roles'): 'login 403 403 403 200 S',
    ('POST', '/admin/roles'): 'login 403 403 403 ok S',
    ('POST', '/admin/roles/:id/revoke'): 'login 403 403 403 ok S',
    ('POST', '/admin/roles/support-workers'): 'login 403 403 403 ok S',
    ('POST', '/admin/roles/:id/support-worker/revoke'): 'login 403 403 403 ok S',
    ('GET', '/admin/peers'): 'login 403 403 403 200 S',
    ('POST', '/admin/peers'): 'login 403 403 403 ok S',
    ('POST', '/admin/peers/mode'): 'login 403 403 403 ok S',
    ('POST', '/admin/peers/:domain/remove'): 'login 403 403 403 ok S',
    ('GET', '/search'): '200 200 200 200 200 S',
    # the OAuth consent page (web/oauth.c): without an app's request, 400 for everyone
    ('GET', '/oauth/authorize'): '400 400 400 400 400 S',
    ('POST', '/oauth/authorize'): 'login 400 400 400 400 S',
    ('POST', '/settings/apps/:id/revoke'): 'login 404 ok 404 404 S',
    # bad-date alerts (web/alerts.c, web/alert_review.c): 404 to whoever may not see them,
    # as if they didn't exist; alice filed the alert (published by keeper)
    ('GET', '/alerts'): '404 200 200 200 200 404',
    ('POST', '/alerts'): '404 422 422 422 422 404',
    ('GET', '/alerts/new'): '404 200 200 200 200 404',
    ('GET', '/alerts/mine'): '404 200 200 200 200 404',
    ('GET', '/alerts/lookup'): '404 200 200 200 200 404',
    ('GET', '/alerts/digest'): '404 200 200 200 200 404',
    ('POST', '/alerts/areas'): '404 422 422 422 422 404',
    ('POST', '/alerts/areas/remove'): '404 404 404 404 404 404',
    ('GET', '/alerts/:id'): '404 200 200 200 200 404',
    ('GET', '/alerts/:id/edit'): '404 404 200 404 404 404',
    ('POST', '/alerts/:id/edit'): '404 404 422 404 404 404',
    ('POST', '/alerts/:id/withdraw'): '404 404 ok 404 404 404',
    ('POST', '/alerts/:id/reply'): '404 404 422 404 404 404',
    ('POST', '/alerts/:id/renew'): '404 ok ok ok ok 404',
    ('POST', '/alerts/:id/flag'): '404 ok ok ok ok 404',
    ('GET', '/admin/alerts'): '404 404 404 200 200 404',
    ('GET', '/admin/alerts/:id'): '404 404 404 200 200 404',
    ('POST', '/admin/alerts/:id/publish'): '404 404 404 ok ok 404',
    ('POST', '/admin/alerts/:id/ask'): '404 404 404 ok ok 404',
    ('POST', '/admin/alerts/:id/decline'): '404 404 404 ok ok 404',
    ('POST', '/admin/alerts/:id/claim'): '404 404 404 ok ok 404',
    ('POST', '/admin/alerts/:id/close-flags'): '404 404 404 ok ok 404',
    ('POST', '/admin/alerts/:id/renew'): '404 404 404 ok ok 404',
    ('GET', '/admin/alert-settings'): '404 404 404 404 200 404',
    ('POST', '/admin/alert-settings'): '404 404 404 404 ok 404',
    ('POST', '/admin/alert-partners'): '404 404 404 404 ok 404',
    ('GET', '/.well-known/webfinger'): '200 200 200 200 200 200',
    ('GET', '/.well-known/host-meta'): '200 200 200 200 200 200',
    ('GET', '/.well-known/nodeinfo'): '200 200 200 200 200 200',
    ('GET', '/nodeinfo/2.0'): '200 200 200 200 200 200',
    ('GET', '/nodeinfo/2.1'): '200 200 200 200 200 200',
    ('GET', '/users/:name'): '303 303 303 303 303 303',
    ('GET', '/actor'): '200 200 200 200 200 200',
    ('POST', '/inbox'): '401 401 401 401 401 401',
    ('POST', '/users/:name/inbox'): '401 401 401 401 401 401',
    ('POST', '/actor/inbox'): '401 401 401 401 401 401',
    ('GET', '/actor/alert-partner'): '401 401 401 401 401 401',
    ('GET', '/follows/:id'): '401 401 401 401 401 S',
    ('GET', '/users/:name/statuses/:id'): '303 303 303 303 303 303',
    ('GET', '/users/:name/outbox'): '303 303 303 303 303 303',
    ('GET', '/users/:name/followers'): '303 303 303 303 303 303',
    ('GET', '/users/:name/following'): '303 303 303 303 303 303',
    ('GET', '/users/:name/collections/featured'): '303 303 303 303 303 303',
    # The client API (server/api/): bearer tokens only, the browser's cookie is never read,
    # so every caller here is a visitor to it (test_api.py holds the token cases).
    ('GET', '/api/v1/instance'): '200 200 200 200 200 200',
    ('GET', '/api/v2/instance'): '200 200 200 200 200 200',
    ('GET', '/api/v1/instance/rules'): '200 200 200 200 200 200',
    ('GET', '/api/v1/custom_emojis'): '200 200 200 200 200 200',
    ('GET', '/api/v1/preferences'): '401 401 401 401 401 401',
    ('POST', '/api/v1/apps'): '422 422 422 422 422 422',
    ('POST', '/oauth/token'): '400 400 400 400 400 400',
    ('POST', '/oauth/revoke'): '401 401 401 401 401 401',
    ('GET', '/api/v1/accounts/verify_credentials'): '401 401 401 401 401 401',
    ('GET', '/api/v1/accounts/lookup'): '422 422 422 422 422 422',
    ('GET', '/api/v1/accounts/:id'): '200 200 200 200 200 200',
    ('GET', '/api/v1/accounts/:id/statuses'): '200 200 200 200 200 200',
    ('POST', '/api/v1/statuses'): '401 401 401 401 401 401',
    ('GET', '/api/v1/statuses/:id'): '200 200 200 200 200 200',
    ('DELETE', '/api/v1/statuses/:id'): '401 401 401 401 401 401',
    ('GET', '/api/v1/statuses/:id/context'): '200 200 200 200 200 200',
    ('POST', '/api/v1/statuses/:id/favourite'): '401 401 401 401 401 401',
    ('POST', '/api/v1/statuses/:id/unfavourite'): '401 401 401 401 401 401',
    ('POST', '/api/v1/statuses/:id/reblog'): '401 401 401 401 401 401',
    ('POST', '/api/v1/statuses/:id/unreblog'): '401 401 401 401 401 401',
    ('POST', '/api/v1/statuses/:id/bookmark'): '401 401 401 401 401 401',
    ('POST', '/api/v1/statuses/:id/unbookmark'): '401 401 401 401 401 401',
    ('POST', '/api/v1/statuses/:id/pin'): '401 401 401 401 401 401',
    ('POST', '/api/v1/statuses/:id/unpin'): '401 401 401 401 401 401',
    ('GET', '/api/v1/timelines/home'): '401 401 401 401 401 401',
    # closed to visitors unless the admins opened the local timeline (off here)
    ('GET', '/api/v1/timelines/public'): '401 401 401 401 401 401',
    ('GET', '/api/v1/timelines/tag/:tag'): '200 200 200 200 200 200',
    ('GET', '/api/v1/bookmarks'): '401 401 401 401 401 401',
    ('GET', '/api/v1/favourites'): '401 401 401 401 401 401',
    ('GET', '/api/v1/accounts/relationships'): '401 401 401 401 401 401',
    ('POST', '/api/v1/accounts/:id/follow'): '401 401 401 401 401 401',
    ('POST', '/api/v1/accounts/:id/unfollow'): '401 401 401 401 401 401',
    ('POST', '/api/v1/accounts/:id/block'): '401 401 401 401 401 401',
    ('POST', '/api/v1/accounts/:id/unblock'): '401 401 401 401 401 401',
    ('POST', '/api/v1/accounts/:id/mute'): '401 401 401 401 401 401',
    ('POST', '/api/v1/accounts/:id/unmute'): '401 401 401 401 401 401',
    ('GET', '/api/v1/notifications'): '401 401 401 401 401 401',
    ('POST', '/api/v1/media'): '401 401 401 401 401 401',
    ('POST', '/api/v2/media'): '401 401 401 401 401 401',
    ('GET', '/api/v1/media/:id'): '401 401 401 401 401 401',
    ('PUT', '/api/v1/media/:id'): '401 401 401 401 401 401',
    # open to visitors (exact usernames only, core/search.h); no q is a 422
    ('GET', '/api/v2/search'): '422 422 422 422 422 422',
    ('GET', '/api/v1/accounts/search'): '422 422 422 422 422 422',
    ('POST', '/api/v1/reports'): '401 401 401 401 401 401',
    ('PATCH', '/api/v1/accounts/update_credentials'): '401 401 401 401 401 401',
    ('GET', '/api/v1/notifications/:id'): '401 401 401 401 401 401',
    ('POST', '/api/v1/notifications/:id/dismiss'): '401 401 401 401 401 401',
    ('POST', '/api/v1/notifications/clear'): '401 401 401 401 401 401',
    ('PUT', '/api/v1/statuses/:id'): '401 401 401 401 401 401',
    ('GET', '/api/v1/statuses/:id/history'): '200 200 200 200 200 200',
    ('GET', '/api/v1/statuses/:id/source'): '401 401 401 401 401 401',
    ('GET', '/api/v1/statuses/:id/favourited_by'): '200 200 200 200 200 200',
    ('GET', '/api/v1/statuses/:id/reblogged_by'): '200 200 200 200 200 200',
    ('GET', '/api/v1/accounts/:id/followers'): '200 200 200 200 200 200',
    ('GET', '/api/v1/accounts/:id/following'): '200 200 200 200 200 200',
    ('GET', '/api/v1/follow_requests'): '401 401 401 401 401 401',
    ('POST', '/api/v1/follow_requests/:id/authorize'): '401 401 401 401 401 401',
    ('POST', '/api/v1/follow_requests/:id/reject'): '401 401 401 401 401 401',
    ('GET', '/api/v1/blocks'): '401 401 401 401 401 401',
    ('GET', '/api/v1/mutes'): '401 401 401 401 401 401',
    ('GET', '/api/v1/markers'): '401 401 401 401 401 401',
    ('POST', '/api/v1/markers'): '401 401 401 401 401 401',
    ('POST', '/api/v1/accounts'): '401 401 401 401 401 401',
    # streams need a member's token (cookies don't count); the health check is anyone's
    ('GET', '/api/v1/streaming'): '401 401 401 401 401 401',
    ('GET', '/api/v1/streaming/health'): '200 200 200 200 200 200',
    ('GET', '/api/v1/streaming/user'): '401 401 401 401 401 401',
    ('GET', '/api/v1/streaming/user/notification'): '401 401 401 401 401 401',
    ('GET', '/api/v1/streaming/public'): '401 401 401 401 401 401',
    ('GET', '/api/v1/streaming/public/local'): '401 401 401 401 401 401',
    ('GET', '/api/v1/streaming/hashtag'): '401 401 401 401 401 401',
    ('GET', '/api/v1/streaming/hashtag/local'): '401 401 401 401 401 401',
}

# Forms that would act if the caller were allowed (a refused POST must change nothing).
FORMS = {
    "/register": {"username": "newcomer", "password": harness.PASSWORD,
                  "password_confirm": harness.PASSWORD},
    # each caller signs in as who they are (a visitor as alice)
    "/login": {"username": "{me}", "password": harness.PASSWORD},
    "/recover": {"username": "alice", "code": "aaaa-bbbb", "password": "another long password"},
    "/statuses": {"text": "a post made through a hole", "visibility": "public"},
    "/statuses/:id/edit": {"text": "edited through a hole"},
    "/statuses/:id/report": {"comment": "reported through a hole", "rule": "{rule}"},
    "/@:name/report": {"comment": "reported through a hole", "rule": "{rule}"},
    "/settings/profile": {"display_name": "Changed through a hole", "bio": "hole"},
    "/settings/preferences": {"language": "zh-CN", "default_visibility": "private",
                              "time_zone": "Asia/Shanghai"},
    # the same password again: the form is checked, nothing else changes
    "/settings/password": {"current_password": harness.PASSWORD,
                           "new_password": harness.PASSWORD,
                           "confirm_password": harness.PASSWORD},
    "/settings/recovery-codes": {"recovery_password": harness.PASSWORD},
    "/login/code": {"code": "123456"},
    "/settings/two-factor/start": {"two_factor_password": harness.PASSWORD},
    "/settings/two-factor/enable": {"code": "123456"},
    # the right password: each caller deletes its account, after every other call (LAST)
    "/settings/delete": {"password": harness.PASSWORD},
    "/settings/export": {"password": harness.PASSWORD},
    # a server this node doesn't federate with: refused (422), nothing asked of any peer
    "/settings/aliases": {"handle": "nobody@moving.invalid"},
    "/settings/aliases/remove": {"uri": "https://moving.invalid/users/nobody"},
    "/settings/move": {"handle": "nobody@moving.invalid", "password": harness.PASSWORD},
    # no file part: refused on the form (422), nothing stored
    "/settings/import": {"kind": "following", "mode": "merge", "file": "alice"},
    "/settings/two-factor/disable": {"disable_password": harness.PASSWORD,
                                     "disable_code": "123456"},
    "/admin/settings": {"name": "Holed", "description": "through a hole",
                        "registration_mode": "open", "default_language": "en",
                        "default_visibility": "public", "time_zone": "UTC"},
    "/admin/lockdown": {"lockdown": "on", "reason": "through a hole"},
    "/settings/expiry": {"default_expiry": "1h", "auto_delete_amount": "1",
                         "auto_delete_unit": "days"},
    "/admin/invites": {"max_uses": "1", "expires_days": "1"},
    "/admin/rules": {"title": "A rule made through a hole", "text": ""},
    "/admin/rules/:id": {"title": "A rule changed through a hole", "text": ""},
    "/admin/translations/rules": {"lang": "zh-CN", "rule": "{rule}", "title": "hole"},
    "/admin/translations/description": {"lang": "zh-CN", "description": "hole"},
    "/admin/reports/:id/forward": {"forward_text": "hole"},
    "/admin/queue/:id/act": {"kind": "warn", "reason": "through a hole", "rule": "{rule}"},
    "/admin/accounts/:id/act": {"kind": "warn", "reason": "through a hole", "rule": "{rule}"},
    "/admin/appeals/:id": {"decision": "accept", "reason": "through a hole"},
    "/moderation/actions/:id/appeal": {"text": "appealed through a hole"},
    "/admin/review-rules": {"pattern": "hole", "kind": "phrase", "scope": "both",
                            "note": "through a hole"},
    "/admin/roles": {"username": "bea", "reason": "through a hole"},
    "/admin/roles/:id/revoke": {"reason": "through a hole"},
    "/admin/alerts/:id/claim": {"op": "claim"},
    "/admin/roles/support-workers": {"member": "bea", "reason": "through a hole"},
    "/admin/roles/:id/support-worker/revoke": {"reason": "through a hole"},
    "/admin/peers": {"domain": "hole.example", "note": "through a hole"},
    "/admin/peers/mode": {"federation_mode": "blocklist", "confirm": "yes"},
    "/admin/peers/:domain/remove": {"confirm": "yes"},
    "/admin/rules/:id/delete": {"confirm": "yes"},
    "/admin/invites/:id/revoke": {"confirm": "yes"},
    "/admin/actions/:id/approve": {"reason": "through a hole"},
    "/admin/actions/:id/reject": {"reason": "through a hole"},
}
# Allowed POSTs that end the caller's session or take away what other rows' paths name: sent
# after every other call, in this order.
LAST = ["/statuses/:id/history/:version/erase", "/admin/accounts/:id/act",
        "/admin/queue/:id/act", "/statuses/:id/delete", "/admin/peers/:domain/remove",
        "/admin/peers/mode", "/admin/roles/:id/revoke",
        # shuts visitors out of everything but signing in and out: after the others
        "/admin/lockdown"] + [
    # these end sessions: each caller makes them from a session of its own, signed in first
    "/settings/recovery-codes", "/settings/password", "/settings/sessions/:id/end",
    "/settings/sessions/end", "/logout", "/settings/delete"]
OWN_SESSION = LAST[-6:]


def routes():
    out = subprocess.run([harness.BIN, "routes"], capture_output=True, text=True, check=True,
                         env=harness.child_env()).stdout
    pairs = [tuple(line.split(" ", 2)[:2]) for line in out.splitlines() if line.strip()]
    assert len(pairs) > 50, "parasol routes listed %d routes" % len(pairs)
    return pairs


def account_id(name):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s' AND domain IS NULL" % name)


def setup():
    inst.setup()
    inst.start_server()
    c["admin"] = harness.member(inst, "root", role="admin")
    c["moderator"] = harness.member(inst, "keeper", role="moderator")
    c["owner"] = harness.member(inst, "alice")
    c["member"] = harness.member(inst, "bea")
    c["suspended"] = harness.member(inst, "dee")
    c["visitor"] = harness.WebClient(inst.port)
    harness.create_account(inst, "newbie")  # an application waiting for a moderator
    inst.psql("UPDATE accounts SET approved = false WHERE username = 'newbie'")
    harness.assert_status(c["moderator"].post("/admin/rules", {"title": "Be kind", "text": ""}),
                          303, "a rule")
    ids["rule"] = inst.scalar("SELECT id FROM rules ORDER BY id LIMIT 1")
    ids["post"] = harness.post_and_get_id(inst, c["owner"], "alice", "alice's post #perm")
    with open(os.path.join(harness.SRCDIR, "tests", "fixtures", "images", "photo.gif"), "rb") as f:
        harness.assert_status(c["owner"].post_multipart(
            "/statuses", {"text": "alice's image"}, [("image1", "a.gif", "image/gif", f.read())]),
            303, "posting an image")
    ids["media"] = inst.scalar("SELECT file_name FROM media LIMIT 1")
    harness.assert_status(c["owner"].post("/statuses/%s/edit" % ids["post"],
                                          {"text": "alice's post, edited #perm"}),
                          303, "alice edits her post")
    ids["version"] = inst.scalar("SELECT id FROM status_edits ORDER BY id LIMIT 1")
    # a follow request to alice, now locked
    inst.psql("UPDATE accounts SET locked = true WHERE username = 'alice'")
    harness.assert_status(c["member"].post("/@alice/follow", {}), 303, "bea asks to follow")
    ids["follow_request"] = inst.scalar("SELECT id FROM follow_requests LIMIT 1")
    # bea reports alice's post: a report and a queue item
    harness.assert_status(c["member"].post("/statuses/%s/report" % ids["post"],
                                           {"comment": "unkind", "rule": ids["rule"]}),
                          303, "bea reports")
    ids["report"] = inst.scalar("SELECT id FROM reports LIMIT 1")
    # a warning to alice, which she appeals
    harness.assert_status(c["moderator"].post(
        "/admin/accounts/%s/act" % account_id("alice"),
        {"kind": "warn", "reason": "unkind", "rule": ids["rule"]}), 303, "a warning")
    ids["action"] = inst.scalar("SELECT id FROM mod_actions WHERE kind = 'warn'")
    harness.assert_status(c["owner"].post("/moderation/actions/%s/appeal" % ids["action"],
                                          {"text": "I was kind"}), 303, "alice appeals")
    ids["appeal"] = inst.scalar("SELECT id FROM appeals LIMIT 1")
    harness.assert_status(c["admin"].post("/admin/invites", {}), 200, "an invite")
    ids["invite"] = inst.scalar("SELECT id FROM invites LIMIT 1")
    harness.assert_status(c["moderator"].post("/admin/review-rules",
                                              {"pattern": "perm", "note": "watch", "kind": "phrase",
                                               "scope": "both"}),
                          303, "a review rule")
    ids["review_rule"] = inst.scalar("SELECT id FROM review_rules LIMIT 1")
    harness.allow_peer(inst, "peer.example")
    ids["alice"] = account_id("alice")
    ids["keeper"] = account_id("keeper")
    ids["newbie"] = account_id("newbie")
    # an app alice authorised (Settings -> Authorised apps)
    app = json.loads(harness.request(inst.port, "POST", "/api/v1/apps", {
        "Content-Type": "application/json"}, json.dumps({
            "client_name": "perm app", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})).body)
    r = harness.request(inst.port, "POST", "/oauth/token", {
        "Content-Type": "application/x-www-form-urlencoded"}, urllib.parse.urlencode({
            "grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": "alice",
            "password": harness.PASSWORD, "scope": "read"}))
    assert r.status == 200, "alice's token: %r" % r
    ids["token"] = inst.scalar("SELECT id FROM oauth_tokens LIMIT 1")
    ids["session"] = inst.scalar("SELECT s.id FROM sessions s JOIN accounts a ON"
                                 " a.id = s.account_id WHERE a.username = 'alice' LIMIT 1")
    # alice's bad-date alert, published
    r = c["owner"].post("/alerts", [
        ("happened_on", time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))),
        ("area", "Hackney"), ("categories", "violence"), ("severity", "high"),
        ("summary", "Pushed me."), ("consent_members", "on")])
    harness.assert_status(r, 303, "alice files an alert")
    ids["alert"] = inst.scalar("SELECT id FROM alerts LIMIT 1")
    harness.assert_status(c["moderator"].post("/admin/alerts/%s/publish" % ids["alert"], {
        "area": "Hackney", "summary": "Pushed me."}), 303, "keeper publishes it")
    for who in ROLES:
        c[who].csrf()  # each token fetched before dee is suspended
    inst.psql("UPDATE accounts SET suspended_at = now() WHERE username = 'dee'")


def fill(pattern):
    """The path for pattern: every capture names alice's things (or the one of its kind)."""
    by_prefix = [("/statuses/:id", "post"), ("/@:name/:id", "post"),
                 ("/follow_requests/:id", "follow_request"), ("/settings/sessions/:id", "session"),
                 ("/admin/invites/:id", "invite"), ("/admin/applications/:id", "newbie"),
                 ("/admin/rules/:id", "rule"), ("/admin/reports/:id", "report"),
                 ("/admin/queue/:id", "report"), ("/admin/accounts/:id", "alice"),
                 ("/admin/actions/:id", "action"), ("/admin/appeals/:id", "appeal"),
                 ("/moderation/actions/:id", "action"), ("/admin/review-rules/:id", "review_rule"),
                 ("/admin/roles/:id", "keeper"), ("/users/:name/statuses/:id", "post"),
                 ("/follows/:id", "post"), ("/settings/apps/:id", "token"),
                 ("/api/v1/accounts/:id", "alice"), ("/api/v1/statuses/:id", "post"),
                 ("/api/v1/media/:id", "post"), ("/api/v1/follow_requests/:id", "alice"),
                 ("/api/v1/notifications/:id", "alice"), ("/alerts/:id", "alert"),
                 ("/admin/alerts/:id", "alert")]
    path = pattern
    for prefix, key in by_prefix:
        if pattern.startswith(prefix):
            path = path.replace(":id", str(ids[key]), 1)
    path = path.replace(":version", str(ids["version"])).replace(":name", "alice")
    path = path.replace(":action", "favourite").replace(":tag", "perm")
    path = path.replace("/media/:file", "/media/" + ids["media"])
    path = path.replace(":file", "parasol.css").replace(":domain", "peer.example")
    assert ":" not in path.split("?")[0].replace("/.well-known", ""), "unfilled " + path
    return path + {"/search": "?q=alice", "/.well-known/webfinger":
                   "?resource=acct:alice@127.0.0.1:%d" % inst.port}.get(pattern, "")


USERNAMES = {"visitor": "alice", "member": "bea", "owner": "alice", "moderator": "keeper",
             "admin": "root", "suspended": "dee"}


def form(who, pattern):
    fill = {"{rule}": str(ids["rule"]), "{me}": USERNAMES[who]}
    return {k: fill.get(v, v) for k, v in FORMS.get(pattern, {}).items()}


def answer(r):
    """The word of the table that r is."""
    if r.status == 303:
        return "login" if harness.location_path(r).startswith("/login") else "303"
    if r.status == 403 and "<h1>Your account is suspended</h1>" in r.text:
        return "S"
    return str(r.status)


def call(who, method, pattern):
    path = fill(pattern)
    if who == "visitor":
        c[who] = harness.WebClient(inst.port)  # never signed in, whatever it posted before
    if method == "GET":
        return c[who].get(path)
    return c[who].post(path, form(who, pattern))


def snapshot():
    """A digest of every table's rows, by table (one query), less VOLATILE."""
    if "tables" not in ids:
        ids["tables"] = [r[0] for r in inst.psql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    sql = " UNION ALL ".join(
        "SELECT '%s', md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
        " FROM %s t" % (name, name) for name in ids["tables"] if name not in VOLATILE)
    return dict((r[0], r[1]) for r in inst.psql(sql))


def changed(before, after):
    return sorted(k for k in before if before[k] != after.get(k))


VOLATILE = ()  # tables any request may touch (none today)


def row(method, pattern):
    words = TABLE[(method, pattern)].split()
    assert len(words) == len(ROLES), "%s %s: %d answers" % (method, pattern, len(words))
    return dict(zip(ROLES, words))


def let_through(word):
    """Whether an answer word means the caller got past the permission checks."""
    return word not in ("login", "403", "S") and not word.startswith("5")


@test
def test_every_route_has_a_row():
    """every route the router knows has a row in the table, and every row a route"""
    have = set(routes())
    missing = sorted(have - set(TABLE))
    extra = sorted(set(TABLE) - have)
    assert not missing, "routes without a row: %s" % missing
    assert not extra, "rows without a route: %s" % extra


@test
def test_get_answers():
    """every GET route answers each caller what the table says"""
    wrong = []
    for method, pattern in routes():
        if method != "GET":
            continue
        for who, want in row(method, pattern).items():
            got = answer(call(who, method, pattern))
            if got != want:
                wrong.append("GET %s (%s): %s, want %s" % (pattern, who, got, want))
    assert not wrong, "\n  ".join(["%d wrong answers:" % len(wrong)] + wrong)


@test
def test_refused_posts_change_nothing():
    """each POST the table refuses a caller gets that answer and leaves every table as it was,
    though its form would act if it were let through"""
    wrong = []
    before = snapshot()
    for method, pattern in routes():
        if method != "POST":
            continue
        for who, want in row(method, pattern).items():
            if want == "ok":
                continue
            got = answer(call(who, method, pattern))
            after = snapshot()
            touched, before = changed(before, after), after
            if got != want or touched:
                wrong.append("POST %s (%s): %s, want %s%s" % (
                    pattern, who, got, want, "; changed " + ", ".join(touched) if touched
                    else ""))
    assert not wrong, "\n  ".join(["%d holes:" % len(wrong)] + wrong)


@test
def test_allowed_posts_pass():
    """each POST the table lets a caller make gets past the permission checks (no sign-in
    redirect, no 403, no 5xx; a 404 or 409 is fine where an earlier call used up the thing
    the path names); the ones in LAST go last"""
    calls = [(pattern, who) for method, pattern in routes() if method == "POST"
             for who, want in row(method, pattern).items() if want == "ok"]
    calls.sort(key=lambda pw: LAST.index(pw[0]) + 1 if pw[0] in LAST else 0)
    wrong = []
    for pattern, who in calls:
        if pattern in OWN_SESSION and who != "visitor":
            c[who] = harness.member(inst, USERNAMES[who], create=False)
        r = call(who, "POST", pattern)
        if pattern == "/settings/sessions/end" and answer(r) == "login":
            continue  # signed out everywhere, this session too: sent to the sign-in form
        if not let_through(answer(r)):
            wrong.append("POST %s (%s): %s" % (pattern, who, answer(r)))
    assert not wrong, "\n  ".join(["%d refused:" % len(wrong)] + wrong)


harness.add_server_end_tests(suite, lambda: inst.server)


if __name__ == "__main__":
    sys.exit(suite.run(setup))
