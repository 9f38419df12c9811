/* model.h - the row types db/ returns and core/ works with: accounts, roles, visibility.
 * They live here, below core/, so that layers keep pointing one way (core -> db). Strings in
 * these structs are owned by the arena of the query that loaded them. */
#ifndef PARASOL_MODEL_H
#define PARASOL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

enum role { ROLE_MEMBER, ROLE_MODERATOR, ROLE_ADMIN, ROLE__MAX };

/* "member", "moderator", "admin". */
const char *role_name(enum role r);

/* Parses a role name; 0 or -1. */
int role_parse(const char *s, enum role *out);

enum visibility {
	VIS_PUBLIC,   /* everyone, in public timelines */
	VIS_UNLISTED, /* everyone, but not in public timelines */
	VIS_PRIVATE,  /* followers only */
	VIS_MEMBERS,  /* this node's members only; never leaves the node */
	VIS_DIRECT,   /* the mentioned accounts only */
	VIS__MAX
};

/* "public", "unlisted", "private", "members", "direct" (the stored and API names). */
const char *visibility_name(enum visibility v);

/* Parses a stored/API name; 0 or -1. */
int visibility_parse(const char *s, enum visibility *out);

#define ACCOUNT_MAX_FIELDS 4
#define ACCOUNT_DISPLAY_NAME_MAX 100
#define ACCOUNT_BIO_MAX 2000
#define ACCOUNT_FIELD_MAX 255

struct account_field {
	const char *name;
	const char *value;
};

/* A member as the pages and the API see them; strings owned by the arena that loaded it. */
struct account {
	int64_t id;
	const char *username;
	const char *display_name; /* "" when unset: show the username */
	const char *bio;
	struct account_field fields[ACCOUNT_MAX_FIELDS];
	int nfields;
	bool locked;	       /* follow requests need approval */
	bool hide_collections; /* follower and following lists hidden */
	enum role role;
	const char *language; /* "en", "zh-CN" or NULL (from the browser) */
	enum visibility default_visibility;
	bool approved; /* false while an application waits (approval mode) */
	const char *created_at; /* ISO 8601, UTC */
	const char *domain;	/* NULL for this node's members, else the peer's host */
	const char *uri;	/* remote accounts: the ActivityPub actor id; NULL locally */
	const char *url;	/* remote accounts: their profile page; NULL locally */
	bool discoverable;	/* opted in to directories and account search elsewhere */
	bool indexable;		/* opted in to full-text search of public posts elsewhere */
	bool limited;		/* a moderator limited it: posts for followers only */
	bool suspended;		/* a moderator suspended it: nothing of it is shown */
	const char *suspended_until; /* ISO 8601 end of a timed suspension; NULL otherwise */
	const char *time_zone;	     /* a tz database name, or NULL for the node's */
};

/* An application waiting for a moderator (approval mode). */
struct application {
	int64_t account_id;
	const char *username;
	const char *note;
	const char *created_at;
};

#endif
