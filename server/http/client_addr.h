/* client_addr.h - which client a request stands for, for rate limits only: the socket peer,
 * or, when the peer is a reverse proxy the configuration trusts (`trusted_proxy`), the hop
 * its forwarding header names. The result feeds a keyed hash (req_client_key) and is never
 * stored or logged. */
#ifndef PARASOL_CLIENT_ADDR_H
#define PARASOL_CLIENT_ADDR_H

#include <stdbool.h>
#include <stddef.h>

struct sockaddr;

#define PROXY_TRUST_MAX 16

/* Which header a trusted proxy writes the client's address into. */
enum proxy_header { PROXY_XFF, PROXY_FORWARDED, PROXY_HEADER__MAX };

/* The trusted proxies (numeric addresses, as 16 bytes with IPv4 mapped into IPv6) and the one
 * header they set. n == 0: no proxy is trusted and the socket peer is always the client. */
struct proxy_trust {
	size_t n;
	unsigned char addr[PROXY_TRUST_MAX][16];
	enum proxy_header header;
};

/* The header's name as it is sent ("X-Forwarded-For" or "Forwarded"). */
const char *proxy_header_name(enum proxy_header h);

/* Fills t from a list of numeric IPv4/IPv6 addresses separated by commas and/or spaces
 * ("" for none) and a header name ("x-forwarded-for" or "forwarded", any case). -1 when an
 * address is not numeric, there are more than PROXY_TRUST_MAX, or the header is unknown. */
int proxy_trust_parse(struct proxy_trust *t, const char *list, const char *header);

/* Whether sa (the socket peer) is one of t's proxies; false when t is NULL or empty. */
bool proxy_trusted(const struct proxy_trust *t, const struct sockaddr *sa);

/* What identifies a client: a family tag and its address (an IPv4 address whole, an IPv6
 * address by its /64, the block one subscriber usually holds), or, for a hop a proxy named
 * with something that is no address ("unknown", "_hidden"), that text. */
struct client_id {
	unsigned char bytes[64];
	size_t len;
};

/* The client behind peer (the socket's address; NULL when unknown). When peer is one of t's
 * proxies, forwarded (every instance of t's header, joined with ",", or NULL) is read from
 * the right: the first hop that is not a trusted proxy is the client — what the client
 * wrote itself sits to its left, out of reach. When peer is trusted but the header is
 * missing or names only trusted proxies, the leftmost hop, else the peer itself. */
void client_addr_resolve(const struct proxy_trust *t, const struct sockaddr *peer,
			 const char *forwarded, struct client_id *out);

#endif
