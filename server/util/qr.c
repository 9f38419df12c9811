/* qr.c - see qr.h. */
#include "qr.h"

#include <qrencode.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"

int
qr_svg_path(struct arena *a, const char *text, char **path, int *size, struct err *err)
{
	QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (qr == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "QR encoding failed");
	struct strbuf b;
	strbuf_init(&b, a);
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				strbuf_printf(&b, "M%d %dh1v1h-1z", x + QR_QUIET, y + QR_QUIET);
	*size = qr->width + 2 * QR_QUIET;
	*path = b.data;
	QRcode_free(qr);
	return 0;
}
