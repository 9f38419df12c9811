/* qr.h - a QR code (libqrencode) as an SVG path: one "M x y h1v1h-1z" square per dark
 * module, in module units, for a template to put into an inline <svg> (escaped like any
 * attribute: it holds only letters, digits, spaces and minus signs). Drawn by the server, so
 * no script and no outside service ever sees what it encodes. */
#ifndef PARASOL_QR_H
#define PARASOL_QR_H

struct arena;
struct err;

#define QR_QUIET 4 /* the blank border, in modules, that readers need */

/* Encodes text (8-bit, error correction M) into *path (arena) and *size, the side of the
 * square in modules with the quiet zone on each side. 0, or -1 + ERR_INTERNAL. */
int qr_svg_path(struct arena *a, const char *text, char **path, int *size, struct err *err);

#endif
