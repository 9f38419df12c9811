/* objects.h - what peers may fetch of a member beside the actor document: a post as a Note
 * (GET /users/:name/statuses/:id) and the outbox, followers, following and featured
 * collections (GET /users/:name/{outbox,followers,following,collections/featured}).
 *
 * Authorized fetch: every one of these needs a GET signed by an allowed peer (ap/verify.h:
 * 401 unsigned or badly signed, 403 not a peer), and what it shows is what the signer may
 * see (VISIBLE_TO with the signer's account): a Note is served only to those entitled to it
 * and is otherwise 404, whether or not it exists; members-only posts never; boosts are not
 * Notes. Collections hold public and unlisted posts only, newest first, in keyset pages of
 * 20 (?page=true, then ?max_id=ID&page=true). A member who hides their follower lists gets
 * followers / following collections with neither a count nor a first page (Mastodon reads a
 * collection without `first` as private).
 *
 * Browsers (no ActivityStreams Accept) are sent 303 to the page: the thread, the profile,
 * the follower lists. Unknown members are 404. */
#ifndef PARASOL_AP_OBJECTS_H
#define PARASOL_AP_OBJECTS_H

struct router;

/* Registers the routes above. 0, or -1 for a bad pattern. */
int ap_object_routes(struct router *r);

#endif
