/* admin.c - the admin command line: create-account, invite, make-admin, has-admin. */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"
#include "core/account.h"
#include "core/invite.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

void
admin_usage(void)
{
	fputs("admin commands:\n"
	      "  admin create-account USERNAME [--role member|moderator|admin]\n"
	      "        reads the password from standard input (one line)\n"
	      "  admin invite [--admin] [--uses N] [--days N]   prints a sign-up link\n"
	      "        (--admin: one use, and it expires after a day unless --days says)\n"
	      "  admin make-admin USERNAME\n"
	      "  admin has-admin          exit status 0 if an admin account exists, 1 if not\n",
	      stderr);
}

/* Reads one line from stdin without echo when it is a terminal; the caller frees. */
static char *
read_password(void)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fputs("Password: ", stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static int
cmd_create_account(struct arena *a, int argc, char **argv, struct err *err)
{
	enum role role = ROLE_MEMBER;
	if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--role") == 0 &&
			   role_parse(argv[3], &role) == 0))
		return 2;
	char *password = read_password();
	if (password == NULL) {
		fputs("no password on standard input\n", stderr);
		return 1;
	}
	int64_t id;
	int rc = account_create(a, argv[1], password, role, &id, err);
	explicit_bzero(password, strlen(password));
	free(password);
	if (rc != 0)
		return 1;
	char buf[ID_STRLEN];
	printf("created %s %s (id %s)\n", role_name(role), argv[1], id_format(id, buf));
	return 0;
}

static int
cmd_invite(struct arena *a, const struct config *cfg, int argc, char **argv, struct err *err)
{
	struct invite_opts opts = {.role = ROLE_MEMBER};
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--admin") == 0)
			opts.role = ROLE_ADMIN;
		else if (strcmp(argv[i], "--uses") == 0 && i + 1 < argc)
			opts.max_uses = atoi(argv[++i]);
		else if (strcmp(argv[i], "--days") == 0 && i + 1 < argc)
			opts.expires_days = atoi(argv[++i]);
		else
			return 2;
	}
	if (opts.max_uses < 0 || opts.expires_days < 0)
		return 2;
	if (opts.role == ROLE_ADMIN && opts.max_uses == 0)
		opts.max_uses = 1; /* an admin invite is always single-use */
	if (opts.role == ROLE_ADMIN && opts.expires_days == 0)
		opts.expires_days = INVITE_ADMIN_DAYS; /* and short-lived */
	char *code = invite_create(a, &opts, err);
	if (code == NULL)
		return 1;
	printf("%s\n", invite_url(a, cfg->base_url, code));
	return 0;
}

int
admin_main(const struct config *cfg, int argc, char **argv)
{
	if (argc < 1) {
		admin_usage();
		return 2;
	}
	db_init(cfg->database_url);
	struct arena *a = arena_new();
	struct err err = {0};
	int rc = 2;
	const char *cmd = argv[0];
	if (strcmp(cmd, "create-account") == 0) {
		rc = cmd_create_account(a, argc, argv, &err);
	} else if (strcmp(cmd, "invite") == 0) {
		rc = cmd_invite(a, cfg, argc, argv, &err);
	} else if (strcmp(cmd, "make-admin") == 0 && argc == 2) {
		rc = account_set_role(a, argv[1], ROLE_ADMIN, &err) == 0 ? 0 : 1;
		if (rc == 0)
			printf("%s is now an admin\n", argv[1]);
	} else if (strcmp(cmd, "has-admin") == 0 && argc == 1) {
		int n = account_admin_exists(a, &err);
		rc = n == 1 ? 0 : 1;
		if (n < 0)
			rc = 3;
	}
	if (rc == 2)
		admin_usage();
	else if (err.code != ERR_NONE)
		fprintf(stderr, "parasol admin %s: %s%s%s\n", cmd, err.safe,
			err.detail[0] ? " — " : "", err.detail);
	arena_free(a);
	db_thread_close();
	return rc;
}
