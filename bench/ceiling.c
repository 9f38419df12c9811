/* ceiling.c - the bare libmicrohttpd server ./dev bench compares parasol with: the same daemon
 * options as server/http/server.c (internal polling thread + epoll, a thread pool, a 64 KB
 * connection memory limit, the same idle timeout), answering every request with one fixed
 * 14 KB HTML page. What parasol reaches divided by what this reaches is the share of the
 * machine's HTTP ceiling a page gets.
 *
 *     bench/ceiling [--port N] [--threads N] [--timeout S] [--bytes N]
 *
 * Listens on 127.0.0.1 (port 8191 by default) until SIGINT or SIGTERM; threads defaults to
 * one per core (what parasol does with threads = 0). Exits 1 when it cannot listen.
 * Needs nothing of parasol: only libmicrohttpd. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *page;
static size_t page_len;

/* Fills page with a plausible HTML document of exactly len bytes (a timeline of posts). */
static void
make_page(size_t len)
{
	static const char head[] = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
				   "<title>ceiling</title></head><body><main>\n";
	static const char post[] = "<article class=\"status\"><header><a href=\"/@rose\">Rose</a> "
				   "<time>2025-01-01</time></header><p>The market is open this "
				   "weekend, thanks everyone who came out.</p></article>\n";
	static const char tail[] = "</main></body></html>\n";
	page = malloc(len + 1);
	if (page == NULL)
		exit(1);
	size_t n = 0, hl = strlen(head), pl = strlen(post), tl = strlen(tail);
	memcpy(page, head, hl);
	n = hl;
	while (n + pl + tl <= len) {
		memcpy(page + n, post, pl);
		n += pl;
	}
	memset(page + n, ' ', len - n - tl); /* pad to the exact size */
	memcpy(page + len - tl, tail, tl);
	page_len = len;
}

/* Answers every request, whatever its method or path, with the page (a new response per
 * request, as parasol makes one). */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	(void)cls, (void)url, (void)method, (void)version, (void)upload_data;
	if (*con_cls == NULL) { /* first call: headers only */
		*con_cls = conn;
		return MHD_YES;
	}
	if (*upload_size != 0) { /* a body: ignore it */
		*upload_size = 0;
		return MHD_YES;
	}
	struct MHD_Response *r =
		MHD_create_response_from_buffer(page_len, page, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
	enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	unsigned port = 8191, timeout = 30;
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	size_t bytes = 14 * 1024;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			port = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--threads") == 0)
			threads = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--timeout") == 0)
			timeout = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--bytes") == 0)
			bytes = (size_t)atol(argv[i + 1]);
		else {
			fprintf(stderr, "usage: %s [--port N] [--threads N] [--timeout S] [--bytes N]\n",
				argv[0]);
			return 2;
		}
	}
	if (threads < 1)
		threads = 1;
	if (bytes < 256)
		bytes = 256;
	make_page(bytes);

	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* The options of server/http/server.c, in its order; bound to loopback like parasol. */
	struct sockaddr_in in4 = {0};
	in4.sin_family = AF_INET;
	in4.sin_port = htons((uint16_t)port);
	in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)port,
		NULL, NULL, on_request, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&in4,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
		MHD_OPTION_CONNECTION_TIMEOUT, timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "ceiling: cannot listen on 127.0.0.1:%u\n", port);
		return 1;
	}
	fprintf(stderr, "ceiling: listening on port %u with %ld threads, %zu-byte page\n", port,
		threads, bytes);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	free(page);
	return 0;
}
