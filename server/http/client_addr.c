/* client_addr.c - the client behind a trusted reverse proxy (see client_addr.h). */
#include "client_addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static const char *const header_names[PROXY_HEADER__MAX] = {
	[PROXY_XFF] = "X-Forwarded-For",
	[PROXY_FORWARDED] = "Forwarded",
};

const char *
proxy_header_name(enum proxy_header h)
{
	return h < PROXY_HEADER__MAX ? header_names[h] : header_names[PROXY_XFF];
}

/* Parses the numeric address in s[0..n) into 16 bytes (IPv4 mapped). */
static bool
parse_addr(const char *s, size_t n, unsigned char out[16])
{
	char buf[INET6_ADDRSTRLEN + 1];
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	struct in_addr v4;
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, buf, out) == 1;
}

int
proxy_trust_parse(struct proxy_trust *t, const char *list, const char *header)
{
	memset(t, 0, sizeof *t);
	if (header == NULL || strcasecmp(header, "x-forwarded-for") == 0)
		t->header = PROXY_XFF;
	else if (strcasecmp(header, "forwarded") == 0)
		t->header = PROXY_FORWARDED;
	else
		return -1;
	const char *p = list ? list : "";
	while (*p) {
		p += strspn(p, ", \t");
		size_t n = strcspn(p, ", \t");
		if (n == 0)
			break;
		if (t->n == PROXY_TRUST_MAX || !parse_addr(p, n, t->addr[t->n]))
			return -1;
		t->n++;
		p += n;
	}
	return 0;
}

static bool
trusted(const struct proxy_trust *t, const unsigned char addr[16])
{
	for (size_t i = 0; i < t->n; i++)
		if (memcmp(t->addr[i], addr, 16) == 0)
			return true;
	return false;
}

/* The 16-byte form of a socket address; false for other families. */
static bool
sockaddr_bytes(const struct sockaddr *sa, unsigned char out[16])
{
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

bool
proxy_trusted(const struct proxy_trust *t, const struct sockaddr *sa)
{
	unsigned char addr[16];
	return t != NULL && t->n > 0 && sockaddr_bytes(sa, addr) && trusted(t, addr);
}

static void
set_addr(struct client_id *out, const unsigned char addr[16])
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(addr, mapped, 12) == 0) {
		out->bytes[0] = 4;
		memcpy(out->bytes + 1, addr + 12, 4);
		out->len = 5;
	} else {
		out->bytes[0] = 6;
		memcpy(out->bytes + 1, addr, 8); /* the /64 */
		out->len = 9;
	}
}

static void
set_text(struct client_id *out, const char *s, size_t n)
{
	out->bytes[0] = 0;
	if (n > sizeof out->bytes - 1)
		n = sizeof out->bytes - 1;
	memcpy(out->bytes + 1, s, n);
	out->len = n + 1;
}

/* One hop's node as written (trimmed, quotes and brackets and a port taken off) into s and n.
 * For Forwarded, the hop is "a=b;for=...;c=d": its for= value. false when it has none. */
static bool
hop_node(enum proxy_header h, const char *hop, size_t len, const char **s, size_t *n)
{
	while (len > 0 && (*hop == ' ' || *hop == '\t'))
		hop++, len--;
	while (len > 0 && (hop[len - 1] == ' ' || hop[len - 1] == '\t'))
		len--;
	if (h == PROXY_FORWARDED) {
		const char *end = hop + len, *p = hop;
		bool found = false;
		while (p < end) {
			const char *q = memchr(p, ';', (size_t)(end - p));
			if (q == NULL)
				q = end;
			while (p < q && (*p == ' ' || *p == '\t'))
				p++;
			if (q - p >= 4 && strncasecmp(p, "for=", 4) == 0) {
				hop = p + 4;
				len = (size_t)(q - hop);
				while (len > 0 && (hop[len - 1] == ' ' || hop[len - 1] == '\t'))
					len--;
				found = true;
				break;
			}
			p = q + 1;
		}
		if (!found)
			return false;
		if (len >= 2 && hop[0] == '"' && hop[len - 1] == '"')
			hop++, len -= 2;
	}
	if (len > 0 && hop[0] == '[') { /* [v6] or [v6]:port */
		const char *close = memchr(hop, ']', len);
		if (close != NULL) {
			*s = hop + 1;
			*n = (size_t)(close - hop - 1);
			return true;
		}
	}
	const char *colon = memchr(hop, ':', len);
	if (colon != NULL && memchr(colon + 1, ':', len - (size_t)(colon + 1 - hop)) == NULL)
		len = (size_t)(colon - hop); /* v4:port */
	*s = hop;
	*n = len;
	return len > 0;
}

void
client_addr_resolve(const struct proxy_trust *t, const struct sockaddr *peer,
		    const char *forwarded, struct client_id *out)
{
	unsigned char addr[16];
	memset(out, 0, sizeof *out);
	if (!sockaddr_bytes(peer, addr)) {
		out->len = 1; /* the same key for every unknown peer */
		return;
	}
	if (t == NULL || t->n == 0 || !trusted(t, addr) || forwarded == NULL) {
		set_addr(out, addr);
		return;
	}
	/* From the right: skip the trusted proxies' own hops; the first other one is the
	 * client. Remember the leftmost hop seen in case all are trusted. */
	const char *end = forwarded + strlen(forwarded), *leftmost = NULL;
	size_t leftmost_n = 0;
	while (end > forwarded) {
		const char *start = end;
		while (start > forwarded && start[-1] != ',')
			start--;
		const char *s;
		size_t n;
		if (hop_node(t->header, start, (size_t)(end - start), &s, &n)) {
			unsigned char hop[16];
			if (!parse_addr(s, n, hop)) {
				set_text(out, s, n);
				return;
			}
			if (!trusted(t, hop)) {
				set_addr(out, hop);
				return;
			}
			leftmost = s;
			leftmost_n = n;
		}
		end = start > forwarded ? start - 1 : start;
	}
	unsigned char hop[16];
	if (leftmost != NULL && parse_addr(leftmost, leftmost_n, hop))
		set_addr(out, hop);
	else
		set_addr(out, addr);
}
