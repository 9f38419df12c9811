/* test_config.c - defaults, the "key = value" parser and its error messages, PARASOL_*
 * environment overrides, and config_load on real files (the documented example among them). */
#include "config.h"
#include "util/err.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every key's environment variable, cleared around each test so the caller's environment
 * (or an earlier test without CK_FORK) cannot leak in. */
static const char *const env_vars[] = {
    "PARASOL_LISTEN_ADDRESS",	"PARASOL_PORT",		 "PARASOL_BASE_URL",
    "PARASOL_DATABASE_URL",	"PARASOL_INSTANCE_NAME", "PARASOL_INSTANCE_DESCRIPTION",
    "PARASOL_DEFAULT_LANGUAGE", "PARASOL_DATA_DIR",	 "PARASOL_LOG_LEVEL",
    "PARASOL_AUTO_MIGRATE",	"PARASOL_BODY_LIMIT",	 "PARASOL_CONNECTION_TIMEOUT",
    "PARASOL_THREADS",		"PARASOL_TEMPLATES_DIR", "PARASOL_STATIC_DIR",
    "PARASOL_MIGRATIONS_DIR",	"PARASOL_LOCALE_DIR",
};

static struct config cfg;
static struct err err;
static char tmpdir[64];

static void
clear_env(void)
{
	for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
		unsetenv(env_vars[i]);
}

static void
setup(void)
{
	clear_env();
	err_clear(&err);
	config_defaults(&cfg);
	snprintf(tmpdir, sizeof tmpdir, "/tmp/parasol-cfg-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	config_free(&cfg);
	clear_env();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Writes text to a file in the test's directory and returns its path (static buffer). */
static const char *
write_file(const char *name, const char *text)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* Parses text expecting a failure whose message has every one of the (NULL-ended) parts. */
static void
expect_error(const char *text, const char *part1, const char *part2, const char *part3)
{
	err_clear(&err);
	ck_assert_msg(config_parse(&cfg, text, "t.conf", &err) == -1, "accepted: %s", text);
	ck_assert_int_eq(err.code, ERR_INVALID);
	const char *parts[] = {part1, part2, part3};
	for (int i = 0; i < 3; i++)
		if (parts[i] != NULL)
			ck_assert_msg(strstr(err.safe, parts[i]) != NULL,
				      "'%s' not in \"%s\" (for %s)", parts[i], err.safe, text);
}

/* --- defaults ----------------------------------------------------------------------------- */

START_TEST(test_defaults)
{
	ck_assert_str_eq(cfg.listen_address, "127.0.0.1");
	ck_assert_int_eq(cfg.port, 8080);
	ck_assert_str_eq(cfg.base_url, "http://127.0.0.1:8080");
	ck_assert_str_eq(cfg.database_url, "dbname=parasol");
	ck_assert_str_eq(cfg.instance_name, "parasol");
	ck_assert_str_eq(cfg.instance_description, "A community-run microblog.");
	ck_assert_int_eq(cfg.default_language, LANG_EN);
	ck_assert_str_eq(cfg.data_dir, "/var/lib/parasol");
	ck_assert_int_eq(cfg.log_level, LOG_INFO);
	ck_assert(cfg.auto_migrate);
	ck_assert_int_eq(cfg.body_limit, 1048576);
	ck_assert_int_eq(cfg.connection_timeout, 30);
	ck_assert_int_eq(cfg.header_timeout, 20);
	ck_assert_int_eq(cfg.body_min_rate, 500);
	ck_assert_int_eq(cfg.threads, 0);
	ck_assert_str_eq(cfg.templates_dir, PARASOL_DATADIR "/templates");
	ck_assert_str_eq(cfg.static_dir, PARASOL_DATADIR "/static");
	ck_assert_str_eq(cfg.migrations_dir, PARASOL_DATADIR "/migrations");
	ck_assert_str_eq(cfg.locale_dir, PARASOL_LOCALEDIR);
}
END_TEST

/* --- parsing ------------------------------------------------------------------------------ */

START_TEST(test_parse_values)
{
	const char *text = "# a comment\n"
			   "\n"
			   "   \t\n"
			   "port=9090\n"
			   "  listen_address   =   0.0.0.0   \n"
			   "base_url = https://social.example:8443 # trailing comment\n"
			   "instance_name = My  Place\n"
			   "instance_description =\n"
			   "default_language = zh-CN\n"
			   "log_level = debug\n"
			   "auto_migrate = no\n"
			   "body_limit = 2048\n"
			   "connection_timeout = 3600\n"
			   "threads = 256\n"
			   "database_url = host=/run/pg dbname=x\n"
			   "\t# indented comment = not a key\n"
			   "data_dir = /srv/parasol"; /* no final newline */
	ck_assert_int_eq(config_parse(&cfg, text, "t.conf", &err), 0);
	ck_assert_int_eq(cfg.port, 9090);
	ck_assert_str_eq(cfg.listen_address, "0.0.0.0");
	ck_assert_str_eq(cfg.base_url, "https://social.example:8443");
	ck_assert_str_eq(cfg.instance_name, "My  Place");
	ck_assert_str_eq(cfg.instance_description, "");
	ck_assert_int_eq(cfg.default_language, LANG_ZH_CN);
	ck_assert_int_eq(cfg.log_level, LOG_DEBUG);
	ck_assert(!cfg.auto_migrate);
	ck_assert_int_eq(cfg.body_limit, 2048);
	ck_assert_int_eq(cfg.connection_timeout, 3600);
	ck_assert_int_eq(cfg.threads, 256);
	ck_assert_str_eq(cfg.database_url, "host=/run/pg dbname=x");
	ck_assert_str_eq(cfg.data_dir, "/srv/parasol");
	/* Keys not in the text keep their defaults. */
	ck_assert_str_eq(cfg.templates_dir, PARASOL_DATADIR "/templates");
}
END_TEST

START_TEST(test_parse_empty_and_crlf)
{
	ck_assert_int_eq(config_parse(&cfg, "", "t.conf", &err), 0);
	ck_assert_int_eq(config_parse(&cfg, "\n\n# only comments\n", "t.conf", &err), 0);
	ck_assert_int_eq(cfg.port, 8080);
	ck_assert_int_eq(config_parse(&cfg, "port = 81\r\nthreads = 2\r\n", "t.conf", &err), 0);
	ck_assert_int_eq(cfg.port, 81);
	ck_assert_int_eq(cfg.threads, 2);
}
END_TEST

START_TEST(test_bools)
{
	static const char *const yes[] = {"true", "yes", "1"}, *const no[] = {"false", "no", "0"};
	char line[64];
	for (int i = 0; i < 3; i++) {
		snprintf(line, sizeof line, "auto_migrate = %s", no[i]);
		ck_assert_int_eq(config_parse(&cfg, line, "t.conf", &err), 0);
		ck_assert(!cfg.auto_migrate);
		snprintf(line, sizeof line, "auto_migrate = %s", yes[i]);
		ck_assert_int_eq(config_parse(&cfg, line, "t.conf", &err), 0);
		ck_assert(cfg.auto_migrate);
	}
}
END_TEST

START_TEST(test_later_overrides)
{
	ck_assert_int_eq(config_parse(&cfg,
				      "port = 1000\ninstance_name = first\nport = 2000\n"
				      "instance_name = second\n",
				      "t.conf", &err),
			 0);
	ck_assert_int_eq(cfg.port, 2000);
	ck_assert_str_eq(cfg.instance_name, "second");
}
END_TEST

START_TEST(test_unknown_key)
{
	expect_error("port = 1\n\n# c\nprot = 2\n", "t.conf:4:", "prot", NULL);
	expect_error("   \n = 5\n", "t.conf:2:", NULL, NULL);
	expect_error("port 8080\n", "t.conf:1:", NULL, NULL);	  /* no '=' */
	expect_error("Port = 8080\n", "t.conf:1:", "Port", NULL); /* keys are lower case */
}
END_TEST

/* Each bad value names its key and its line, and changes nothing. */
START_TEST(test_bad_values)
{
	static const struct {
		const char *text, *key, *where;
	} cases[] = {
	    {"port = abc", "port", "t.conf:1:"},
	    {"# x\nport = 80a", "port", "t.conf:2:"},
	    {"\n\nport =", "port", "t.conf:3:"},
	    {"port = 0", "port", "t.conf:1:"},
	    {"port = 65536", "port", "t.conf:1:"},
	    {"port = -1", "port", "t.conf:1:"},
	    {"port = 99999999999999999999999", "port", "t.conf:1:"},
	    {"port = 1.5", "port", "t.conf:1:"},
	    {"body_limit = 1023", "body_limit", "t.conf:1:"},
	    {"body_limit = 1073741825", "body_limit", "t.conf:1:"},
	    {"connection_timeout = 3601", "connection_timeout", "t.conf:1:"},
	    {"threads = 257", "threads", "t.conf:1:"},
	    {"auto_migrate = maybe", "auto_migrate", "t.conf:1:"},
	    {"auto_migrate =", "auto_migrate", "t.conf:1:"},
	    {"base_url = https://example.com/", "base_url", "t.conf:1:"},
	    {"base_url = https://example.com/social", "base_url", "t.conf:1:"},
	    {"base_url = https://example.com?x=1", "base_url", "t.conf:1:"},
	    {"base_url = https://user@example.com", "base_url", "t.conf:1:"},
	    {"base_url = ftp://example.com", "base_url", "t.conf:1:"},
	    {"base_url = example.com", "base_url", "t.conf:1:"},
	    {"base_url = https://", "base_url", "t.conf:1:"},
	    {"base_url =", "base_url", "t.conf:1:"},
	    {"log_level = verbose", "log_level", "t.conf:1:"},
	    {"log_level = INFO", "log_level", "t.conf:1:"},
	    {"default_language = fr", "default_language", "t.conf:1:"},
	    {"default_language = zh-TW", "default_language", "t.conf:1:"},
	    {"listen_address =", "listen_address", "t.conf:1:"},
	    {"instance_name = ", "instance_name", "t.conf:1:"},
	    {"database_url = # nothing", "database_url", "t.conf:1:"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		expect_error(cases[i].text, cases[i].where, cases[i].key, NULL);
		ck_assert_int_eq(cfg.port, 8080);
	}
	ck_assert_str_eq(cfg.base_url, "http://127.0.0.1:8080");
	ck_assert_int_eq(cfg.log_level, LOG_INFO);
	ck_assert_int_eq(cfg.default_language, LANG_EN);
	ck_assert(cfg.auto_migrate);
	ck_assert_str_eq(cfg.instance_name, "parasol");
	ck_assert_int_eq(cfg.body_limit, 1048576);
	/* Integer errors give the range. */
	expect_error("port = 70000", "1 to 65535", NULL, NULL);
}
END_TEST

/* scheme://host[:port]: a host is required, so ":8080" alone is not one. */
START_TEST(test_base_url_needs_host)
{
	expect_error("base_url = http://:8080", "t.conf:1:", "base_url", NULL);
}
END_TEST

START_TEST(test_good_base_urls)
{
	static const char *const urls[] = {"http://localhost", "https://parasol.example",
					   "http://127.0.0.1:8080", "https://xn--bcher-kva.example",
					   "http://[::1]:8080"};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		char line[128];
		snprintf(line, sizeof line, "base_url = %s", urls[i]);
		ck_assert_msg(config_parse(&cfg, line, "t.conf", &err) == 0, "%s: %s", urls[i],
			      err.safe);
		ck_assert_str_eq(cfg.base_url, urls[i]);
	}
}
END_TEST

/* The first bad line stops parsing; lines before it stay applied. */
START_TEST(test_stops_at_first_error)
{
	expect_error("port = 1111\nport = x\nthreads = 7\nbogus = 1\n", "t.conf:2:", "port", NULL);
	ck_assert_int_eq(cfg.port, 1111);
	ck_assert_int_eq(cfg.threads, 0);
	ck_assert_ptr_null(strstr(err.safe, "bogus"));
}
END_TEST

/* --- environment -------------------------------------------------------------------------- */

START_TEST(test_env_overrides_file)
{
	const char *path = write_file("p.conf", "port = 8081\ninstance_name = from file\n"
						"log_level = warn\n");
	setenv("PARASOL_PORT", "9191", 1);
	setenv("PARASOL_AUTO_MIGRATE", "false", 1);
	setenv("PARASOL_DEFAULT_LANGUAGE", "zh-CN", 1);
	setenv("PARASOL_BODY_LIMIT", "4096", 1);
	config_free(&cfg);
	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.safe);
	ck_assert_int_eq(cfg.port, 9191);
	ck_assert_str_eq(cfg.instance_name, "from file");
	ck_assert_int_eq(cfg.log_level, LOG_WARN);
	ck_assert(!cfg.auto_migrate);
	ck_assert_int_eq(cfg.default_language, LANG_ZH_CN);
	ck_assert_int_eq(cfg.body_limit, 4096);
}
END_TEST

START_TEST(test_env_bad_value)
{
	static const struct {
		const char *var, *value, *key;
	} cases[] = {
	    {"PARASOL_PORT", "eighty", "port"},
	    {"PARASOL_THREADS", "-1", "threads"},
	    {"PARASOL_BASE_URL", "https://x.example/", "base_url"},
	    {"PARASOL_LOG_LEVEL", "loud", "log_level"},
	    {"PARASOL_AUTO_MIGRATE", "sometimes", "auto_migrate"},
	    {"PARASOL_DATA_DIR", "", "data_dir"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		clear_env();
		setenv(cases[i].var, cases[i].value, 1);
		err_clear(&err);
		ck_assert_msg(config_apply_env(&cfg, &err) == -1, "%s", cases[i].var);
		ck_assert_int_eq(err.code, ERR_INVALID);
		ck_assert_msg(strstr(err.safe, cases[i].var) != NULL, "%s", err.safe);
		ck_assert_msg(strstr(err.safe, cases[i].key) != NULL, "%s", err.safe);
	}
	/* config_load reports it too. */
	clear_env();
	setenv("PARASOL_CONNECTION_TIMEOUT", "0", 1);
	config_free(&cfg);
	ck_assert_int_eq(config_load(&cfg, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.safe, "PARASOL_CONNECTION_TIMEOUT"));
	ck_assert_int_eq(cfg.connection_timeout, 30); /* unchanged and still valid */
}
END_TEST

START_TEST(test_env_strings)
{
	setenv("PARASOL_DATABASE_URL", "postgresql:///parasol?host=/tmp", 1);
	setenv("PARASOL_INSTANCE_DESCRIPTION", "", 1);
	ck_assert_int_eq(config_apply_env(&cfg, &err), 0);
	ck_assert_str_eq(cfg.database_url, "postgresql:///parasol?host=/tmp");
	ck_assert_str_eq(cfg.instance_description, "");
}
END_TEST

/* --- files -------------------------------------------------------------------------------- */

START_TEST(test_load_missing_file)
{
	char path[128];
	snprintf(path, sizeof path, "%s/nope.conf", tmpdir);
	config_free(&cfg);
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.safe, "nope.conf"));
	/* cfg still holds valid values. */
	ck_assert_int_eq(cfg.port, 8080);
	ck_assert_str_eq(cfg.listen_address, "127.0.0.1");
}
END_TEST

START_TEST(test_load_error_names_file)
{
	const char *path = write_file("bad.conf", "port = 1\n\nthreads = many\n");
	config_free(&cfg);
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	char want[160];
	snprintf(want, sizeof want, "%s:3:", path);
	ck_assert_msg(strstr(err.safe, want) != NULL, "%s", err.safe);
	ck_assert_ptr_nonnull(strstr(err.safe, "threads"));
	ck_assert_int_eq(cfg.port, 1);
}
END_TEST

START_TEST(test_load_null_path)
{
	setenv("PARASOL_PORT", "7070", 1);
	config_free(&cfg);
	ck_assert_int_eq(config_load(&cfg, NULL, &err), 0);
	ck_assert_int_eq(cfg.port, 7070);
	ck_assert_str_eq(cfg.instance_name, "parasol");
}
END_TEST

/* The documented example must always load. */
START_TEST(test_load_example)
{
	const char *srcdir = getenv("PARASOL_SRCDIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/etc/parasol.conf.example", srcdir ? srcdir : ".");
	config_free(&cfg);
	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.safe);
	ck_assert_str_eq(cfg.base_url, "https://parasol.example");
	ck_assert_int_eq(cfg.port, 8080);
}
END_TEST

START_TEST(test_free_and_reuse)
{
	ck_assert_int_eq(config_parse(&cfg, "instance_name = x\nbase_url = http://a", "t", &err),
			 0);
	config_free(&cfg);
	ck_assert_ptr_null(cfg.instance_name);
	ck_assert_ptr_null(cfg.base_url);
	config_free(&cfg); /* twice is harmless */
	config_defaults(&cfg);
	ck_assert_str_eq(cfg.instance_name, "parasol");
	ck_assert_int_eq(config_parse(&cfg, "instance_name = y", "t", &err), 0);
	ck_assert_str_eq(cfg.instance_name, "y");
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_parse_values);
	tcase_add_test(tc, test_parse_empty_and_crlf);
	tcase_add_test(tc, test_bools);
	tcase_add_test(tc, test_later_overrides);
	tcase_add_test(tc, test_unknown_key);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_base_url_needs_host);
	tcase_add_test(tc, test_good_base_urls);
	tcase_add_test(tc, test_stops_at_first_error);
	suite_add_tcase(s, tc);

	TCase *env = tcase_create("env");
	tcase_add_checked_fixture(env, setup, teardown);
	tcase_add_test(env, test_env_overrides_file);
	tcase_add_test(env, test_env_bad_value);
	tcase_add_test(env, test_env_strings);
	suite_add_tcase(s, env);

	TCase *files = tcase_create("files");
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_test(files, test_load_missing_file);
	tcase_add_test(files, test_load_error_names_file);
	tcase_add_test(files, test_load_null_path);
	tcase_add_test(files, test_load_example);
	tcase_add_test(files, test_free_and_reuse);
	suite_add_tcase(s, files);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	srunner_run_all(sr, CK_ENV);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
