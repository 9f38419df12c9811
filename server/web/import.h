/* import.h - Settings → "Import follows, blocks and mutes" (core/import.h):
 *   GET  /settings/import   the form (what the file lists, the file, merge or overwrite) and
 *                           the member's recent imports with their progress and failures;
 *                           reloading the page (a link on it) shows the progress so far
 *   POST /settings/import   a multipart form: kind, file, mode, confirm (overwrite only);
 *                           a refused file is shown on the form (422, or 409 while another
 *                           import runs) and nothing is stored */
#ifndef PARASOL_WEB_IMPORT_H
#define PARASOL_WEB_IMPORT_H

struct router;

int web_import_routes(struct router *r);

#endif
