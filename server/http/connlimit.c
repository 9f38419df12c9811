/* connlimit.c - an open-addressing table of (keyed address hash, open connections); a slot
 * whose count drops to zero is free again. */
#include "connlimit.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "http/client_addr.h"
#include "http/request.h"
#include "util/hash.h"

#define PROBES 16

struct slot {
	uint64_t key; /* 0: free */
	int count;
};

struct connlimit {
	pthread_mutex_t lock;
	struct slot *slots;
	size_t n;
	int per_address;
	const struct proxy_trust *exempt;
};

struct connlimit *
connlimit_new(size_t slots, int per_address, const struct proxy_trust *exempt)
{
	struct connlimit *cl = calloc(1, sizeof *cl);
	if (cl == NULL || slots == 0 || (cl->slots = calloc(slots, sizeof *cl->slots)) == NULL) {
		free(cl);
		return NULL;
	}
	pthread_mutex_init(&cl->lock, NULL);
	cl->n = slots;
	cl->per_address = per_address;
	cl->exempt = exempt;
	return cl;
}

void
connlimit_free(struct connlimit *cl)
{
	if (cl == NULL)
		return;
	pthread_mutex_destroy(&cl->lock);
	free(cl->slots);
	free(cl);
}

/* Whether sa is 127.0.0.1 or ::1, where a reverse proxy on this machine connects from. */
static bool
local_proxy(const struct sockaddr *sa)
{
	static const struct in6_addr v6_loopback = IN6ADDR_LOOPBACK_INIT;
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr ==
		       htonl(INADDR_LOOPBACK);
	if (sa->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			      &v6_loopback, sizeof v6_loopback) == 0;
	return false;
}

/* sa's key: 0 for a trusted proxy or this machine's loopback address (exempt), else a keyed
 * hash of the client's address. */
static uint64_t
key_of(const struct connlimit *cl, const struct sockaddr *sa)
{
	if (proxy_trusted(cl->exempt, sa) || local_proxy(sa))
		return 0;
	struct client_id id;
	client_addr_resolve(NULL, sa, NULL, &id);
	char hex[33];
	req_keyed_hash(id.bytes, id.len, hex);
	OPENSSL_cleanse(&id, sizeof id);
	uint64_t h = hash_str(hex);
	return h ? h : 1;
}

static struct slot *
find(struct connlimit *cl, uint64_t key, bool create)
{
	struct slot *free_slot = NULL;
	for (size_t i = 0; i < PROBES && i < cl->n; i++) {
		struct slot *s = &cl->slots[(key + i) % cl->n];
		if (s->key == key)
			return s;
		if (s->key == 0 && free_slot == NULL)
			free_slot = s;
	}
	if (create && free_slot != NULL) {
		free_slot->key = key;
		free_slot->count = 0;
		return free_slot;
	}
	return NULL;
}

bool
connlimit_allowed(struct connlimit *cl, const struct sockaddr *sa)
{
	uint64_t key = key_of(cl, sa);
	if (key == 0)
		return true;
	pthread_mutex_lock(&cl->lock);
	struct slot *s = find(cl, key, false);
	bool ok = s == NULL || s->count < cl->per_address;
	pthread_mutex_unlock(&cl->lock);
	return ok;
}

uint64_t
connlimit_open(struct connlimit *cl, const struct sockaddr *sa)
{
	uint64_t key = key_of(cl, sa);
	if (key == 0)
		return 0;
	pthread_mutex_lock(&cl->lock);
	struct slot *s = find(cl, key, true);
	if (s != NULL)
		s->count++;
	pthread_mutex_unlock(&cl->lock);
	return s != NULL ? key : 0;
}

void
connlimit_release(struct connlimit *cl, uint64_t key)
{
	if (key == 0)
		return;
	pthread_mutex_lock(&cl->lock);
	struct slot *s = find(cl, key, false);
	if (s != NULL && --s->count <= 0) {
		s->key = 0;
		s->count = 0;
	}
	pthread_mutex_unlock(&cl->lock);
}

int
connlimit_count(struct connlimit *cl, const struct sockaddr *sa)
{
	uint64_t key = key_of(cl, sa);
	if (key == 0)
		return 0;
	pthread_mutex_lock(&cl->lock);
	struct slot *s = find(cl, key, false);
	int n = s ? s->count : 0;
	pthread_mutex_unlock(&cl->lock);
	return n;
}
