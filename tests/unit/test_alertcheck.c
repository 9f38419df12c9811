/* test_alertcheck.c - bad-date alerts' checks before the database (core/alertcheck.h): the
 * area refuses coordinates and street addresses and keeps coarse places; identifiers of one
 * person written differently normalise to one value; a draft's dates, categories, severities
 * and lengths. */
#include <check.h>
#include <string.h>

#include "core/alertcheck.h"
#include "util/arena.h"
#include "util/err.h"

static struct arena *a;

static void
setup(void)
{
	a = arena_new();
}

static void
teardown(void)
{
	arena_free(a);
}

/* 2026-12-06 12:00 UTC */
#define NOW 1796558400LL

static const char *
norm(enum alert_ident_kind k, const char *v, const char *country)
{
	return alert_ident_normalise(a, k, v, country);
}

START_TEST(phones_in_every_spelling_are_one)
{
	const char *same[] = {"+44 7700 900123", "07700 900123", "447700900123",
			      "0044 7700 900123", "(07700) 900-123", "+447700900123"};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		ck_assert_str_eq(norm(ALERT_ID_PHONE, same[i], "GB"), "+447700900123");
	/* another country's default: the national form is read there */
	ck_assert_str_eq(norm(ALERT_ID_PHONE, "(202) 555-0123", "US"), "+12025550123");
	ck_assert_str_eq(norm(ALERT_ID_PHONE, "1 202 555 0123", "US"), "+12025550123");
	ck_assert_str_eq(norm(ALERT_ID_PHONE, "+1 202 555 0123", "GB"), "+12025550123");
	ck_assert_str_eq(norm(ALERT_ID_PHONE, "06 1234 5678", "IT"), "+390612345678");
	ck_assert_str_eq(norm(ALERT_ID_PHONE, "138 1234 5678", "CN"), "+8613812345678");
	/* not numbers */
	ck_assert_ptr_null(norm(ALERT_ID_PHONE, "07700 900123 ext 4", "GB"));
	ck_assert_ptr_null(norm(ALERT_ID_PHONE, "123", "GB"));
	ck_assert_ptr_null(norm(ALERT_ID_PHONE, "+1234567890123456", "GB"));
	ck_assert_ptr_null(norm(ALERT_ID_PHONE, "", "GB"));
	ck_assert_ptr_null(norm(ALERT_ID_PHONE, "0+7700900123", "GB"));
}
END_TEST

START_TEST(handles_emails_plates)
{
	ck_assert_str_eq(norm(ALERT_ID_HANDLE, "@BadDate99", "GB"), "baddate99");
	ck_assert_str_eq(norm(ALERT_ID_HANDLE, " baddate99 ", "GB"), "baddate99");
	ck_assert_str_eq(norm(ALERT_ID_HANDLE, "@Rose@Example.Org", "GB"), "rose@example.org");
	ck_assert_ptr_null(norm(ALERT_ID_HANDLE, "@", "GB"));
	ck_assert_ptr_null(norm(ALERT_ID_HANDLE, "two words", "GB"));
	ck_assert_str_eq(norm(ALERT_ID_EMAIL, " John.Doe@Mail.Example ", "GB"),
			 "john.doe@mail.example");
	ck_assert_ptr_null(norm(ALERT_ID_EMAIL, "john.doe", "GB"));
	ck_assert_ptr_null(norm(ALERT_ID_EMAIL, "a@b@c", "GB"));
	ck_assert_ptr_null(norm(ALERT_ID_EMAIL, "@mail.example", "GB"));
	ck_assert_str_eq(norm(ALERT_ID_PLATE, "ab12 cde", "GB"), "AB12CDE");
	ck_assert_str_eq(norm(ALERT_ID_PLATE, "AB-12-CDE", "GB"), "AB12CDE");
	ck_assert_ptr_null(norm(ALERT_ID_PLATE, "AB12/CDE", "GB"));
	ck_assert_ptr_null(norm(ALERT_ID_PLATE, "A", "GB"));
}
END_TEST

START_TEST(area_refuses_coordinates_and_addresses)
{
	const char *coordinates[] = {"51.5074, -0.1278", "near 51.50 -0.12", "51°30'N 0°7'W",
				     "https://maps.example/place", "lat 51 lng 0", "geo:51,0"};
	for (size_t i = 0; i < sizeof coordinates / sizeof coordinates[0]; i++)
		ck_assert_msg(alert_area_problem(coordinates[i]) != NULL, "%s", coordinates[i]);
	/* what names a spot as well as coordinates do, however it is typed: the ordinal and ring
	 * signs for degrees, fullwidth digits, a plus code, a what3words address */
	const char *spots[] = {"51º30'N 0º7'W",	      "51˚30'N",
			       "５１．５０７４，－０．１２７８", "9C3XGV8C+XQ",
			       "GV8C+XQ Hackney",	      "near gv8c+xq",
			       "9C3X0000+",		      "///filled.count.soap",
			       "filled.count.soap",	      "Dalston, index.home.raft"};
	for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++)
		ck_assert_msg(alert_area_problem(spots[i]) != NULL, "%s", spots[i]);
	ck_assert_msg(alert_area_problem("１２ High Street") != NULL, "fullwidth house number");
	ck_assert_str_eq(alert_area_problem("51.5074, -0.1278"),
			 "Write the area in words, without coordinates or map links: a "
			 "neighbourhood, district or town.");
	const char *addresses[] = {"12 High Street",	"221B Baker St, Marylebone",
				   "flat 3, Hackney",	"Leeds LS1 4AP",
				   "SW1A1AA",		"14 rue de Rivoli",
				   "中山路12号",	"Kings Cross, 5 Caledonian Road"};
	for (size_t i = 0; i < sizeof addresses / sizeof addresses[0]; i++)
		ck_assert_msg(alert_area_problem(addresses[i]) != NULL, "%s", addresses[i]);
	ck_assert_str_eq(alert_area_problem("12 High Street"),
			 "Leave out house numbers, streets and full postcodes: name the "
			 "neighbourhood, district or town instead.");
	const char *fine[] = {"Hackney",	    "Kings Cross, London", "Leeds LS1",
			      "Zone 2, south London", "Long Eaton",	   "Platt Fields",
			      "朝阳区",		    "Holloway Road area",  "M1 near the station",
			      "St. Pauls",	    "Soho+Mayfair",	   "U.S. embassy area",
			      "Hackney/Dalston",    "Zone 1-2",		   "Bow, E3"};
	for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
		ck_assert_msg(alert_area_problem(fine[i]) == NULL, "%s: %s", fine[i],
			      alert_area_problem(fine[i]));
	ck_assert_str_eq(alert_area_key(a, "  Kings   CROSS,\tLondon "), "kings cross, london");
}
END_TEST

static struct alert_draft
good_draft(void)
{
	static const char *cats[] = {"violence", "robbery"};
	return (struct alert_draft){.happened_on = "2026-11-30",
				    .part_of_day = "night",
				    .area = " Hackney ",
				    .categories = cats,
				    .ncategories = 2,
				    .severity = "high",
				    .summary = "Refused to pay and pushed me.",
				    .phones = "07700 900123, +44 7700 900456",
				    .handles = "@BadDate99",
				    .emails = "",
				    .plates = "ab12 cde"};
}

START_TEST(draft_checked_and_normalised)
{
	struct alert_draft d = good_draft();
	struct alert_checked c;
	const char *field;
	struct err err;
	ck_assert_int_eq(alert_draft_check(a, &d, NOW, "GB", &c, &field, &err), 0);
	ck_assert_str_eq(c.d.area, "Hackney");
	ck_assert_uint_eq(c.categories, (1u << ALERT_VIOLENCE) | (1u << ALERT_ROBBERY));
	ck_assert_int_eq(c.nidents, 4);
	ck_assert_str_eq(c.idents[0].value, "+447700900123");
	ck_assert_str_eq(c.idents[1].value, "+447700900456");
	ck_assert_int_eq(c.idents[2].kind, ALERT_ID_HANDLE);
	ck_assert_str_eq(c.idents[2].value, "baddate99");
	ck_assert_str_eq(c.idents[3].value, "AB12CDE");
}
END_TEST

/* Checks d after change; returns the field refused (NULL when accepted). */
static const char *
refused(struct alert_draft d)
{
	struct alert_checked c;
	const char *field = NULL;
	struct err err;
	err_clear(&err);
	if (alert_draft_check(a, &d, NOW, "GB", &c, &field, &err) == 0)
		return NULL;
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_ptr_nonnull(field);
	return field;
}

START_TEST(draft_refusals)
{
	struct alert_draft d = good_draft();
	d.happened_on = "2026-12-31";
	ck_assert_str_eq(refused(d), "happened_on"); /* the future */
	d.happened_on = "2026-02-30";
	ck_assert_str_eq(refused(d), "happened_on");
	d.happened_on = "2020-01-01";
	ck_assert_str_eq(refused(d), "happened_on"); /* too old */
	d.happened_on = "yesterday";
	ck_assert_str_eq(refused(d), "happened_on");
	d = good_draft();
	d.part_of_day = "dawn";
	ck_assert_str_eq(refused(d), "part_of_day");
	d = good_draft();
	d.area = "51.5074, -0.1278";
	ck_assert_str_eq(refused(d), "area");
	d.area = "x";
	ck_assert_str_eq(refused(d), "area");
	d = good_draft();
	static const char *unknown[] = {"violence", "rudeness"};
	d.categories = unknown;
	ck_assert_str_eq(refused(d), "categories");
	d.ncategories = 0;
	ck_assert_str_eq(refused(d), "categories");
	d = good_draft();
	d.severity = "extreme";
	ck_assert_str_eq(refused(d), "severity");
	d = good_draft();
	d.summary = "   ";
	ck_assert_str_eq(refused(d), "summary");
	char big[ALERT_SUMMARY_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	d.summary = big;
	ck_assert_str_eq(refused(d), "summary");
	big[ALERT_SUMMARY_MAX] = '\0';
	ck_assert_ptr_null(refused(d)); /* exactly the limit */
	d = good_draft();
	d.vehicle = big;
	ck_assert_str_eq(refused(d), "vehicle");
	d = good_draft();
	d.phones = "call me maybe";
	ck_assert_str_eq(refused(d), "phones");
	d = good_draft();
	d.phones = "07700900001,07700900002,07700900003,07700900004,07700900005,07700900006,"
		   "07700900007,07700900008,07700900009,07700900010,07700900011";
	ck_assert_str_eq(refused(d), "phones");
	d = good_draft();
	d.emails = "not an email";
	ck_assert_str_eq(refused(d), "emails");
	d = good_draft();
	d.summary = "bad \xff utf-8";
	ck_assert_str_eq(refused(d), "summary");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alertcheck");
	TCase *tc = tcase_create("alertcheck");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, phones_in_every_spelling_are_one);
	tcase_add_test(tc, handles_emails_plates);
	tcase_add_test(tc, area_refuses_coordinates_and_addresses);
	tcase_add_test(tc, draft_checked_and_normalised);
	tcase_add_test(tc, draft_refusals);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
