/* export.h - Settings → "Export my data" (ap/archive.h): GET /settings/export says what the
 * archive holds and asks for the password (and a code when two-factor is on); POST
 * /settings/export answers with the zip itself. The archive is built for that answer in a
 * file that has no name on disk (O_TMPFILE in data_dir), gone when the answer ends. At most
 * two archives are made at once by a process (each holds a handler thread and a database
 * connection for seconds); a third request meanwhile gets 503 with Retry-After. A member has
 * one archive under way at a time, from the request until the answer has been sent (or the
 * client went away): another request of theirs meanwhile gets 429 with Retry-After. */
#ifndef PARASOL_WEB_EXPORT_H
#define PARASOL_WEB_EXPORT_H

struct router;

/* Registers the two routes. 0, or -1 for a bad pattern. */
int web_export_routes(struct router *r);

#endif
