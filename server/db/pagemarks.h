/* pagemarks.h - the check of a member's cached page (migrations/0032_page_marks.sql): one
 * statement that reads the marks the triggers move (the member's, the node's epoch), the
 * row versions (xmin) of the posts, their counters and images, and the accounts the page
 * shows, and the state and file of each remote image of the posts (a peer's image fetched
 * after the page was made changes it; "|r" and nothing after it when there is none). Equal answers at two moments prove that nothing the page shows changed between
 * them; any committed write that could change it changes the answer. */
#ifndef PARASOL_DB_PAGEMARKS_H
#define PARASOL_DB_PAGEMARKS_H

#include <stdint.h>

struct arena;
struct err;

/* The check's answer for a page of viewer_id showing the posts status_ids (text array
 * literals, db_id_array) and the accounts account_ids: a string in the arena, or NULL + err
 * (ERR_UNAVAILABLE, ERR_INTERNAL). One round trip. */
const char *db_pagemarks_token(struct arena *a, int64_t viewer_id, const char *status_ids,
			       const char *account_ids, struct err *err);

#endif
