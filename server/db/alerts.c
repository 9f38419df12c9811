/* alerts.c - see alerts.h. */
#include "db/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/strbuf.h"

#define ISO(col) "COALESCE(to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"

/* Today's UTC midnight: when a reporter's answer or a member's flag came, as the moderators
 * may know it (the time of day would point at whoever was active then). */
#define DAY_OF_NOW "to_timestamp(floor(extract(epoch FROM now()) / 86400) * 86400)"

/* The columns every alert query returns, in the order row_read reads them; $1 is now. */
#define ALERT_COLUMNS                                                                          \
	"al.id, COALESCE(al.reporter_id, 0), al.for_member, al.state,"                         \
	" to_char(al.happened_on, 'YYYY-MM-DD'), al.part_of_day, al.area, al.area_key,"        \
	" array_to_string(al.categories, ','), al.severity, al.summary, al.phones, al.handles," \
	" al.emails, al.names, al.vehicle, al.plates, al.description, al.first_contact,"       \
	" al.consent_members, al.consent_partners, COALESCE(al.decline_reason, ''),"           \
	" " ISO("al.created_at") ", " ISO("al.published_at") ", " ISO("al.expires_at") ","     \
	" al.state = 'published' AND al.expires_at <= to_timestamp($1::bigint),"               \
	" COALESCE(r.username, ''),"                                                           \
	" (SELECT count(*) FROM alert_flags f WHERE f.alert_id = al.id AND f.closed_at IS NULL),"\
	" (SELECT count(*) FROM alert_messages m WHERE m.alert_id = al.id),"                   \
	" COALESCE(al.partner_domain, ''), COALESCE(al.share_id, ''),"                         \
	" COALESCE(al.claimed_by, 0), COALESCE(c.username, ''), " ISO("al.claimed_at")           \
	" FROM alerts al LEFT JOIN accounts r ON r.id = al.reporter_id"                        \
	" LEFT JOIN accounts c ON c.id = al.claimed_by"

static void
row_read(struct arena *a, const PGresult *r, int i, struct db_alert *o)
{
	int c = 0;
	o->id = db_int64(r, i, c++);
	o->reporter_id = db_int64(r, i, c++);
	o->for_member = db_bool(r, i, c++);
	o->state = db_value(r, i, c++);
	o->happened_on = db_value(r, i, c++);
	o->part_of_day = db_value(r, i, c++);
	o->area = db_value(r, i, c++);
	o->area_key = db_value(r, i, c++);
	char *cats = arena_strdup(a, db_value(r, i, c++));
	o->categories = arena_alloc(a, sizeof *o->categories * 9);
	o->ncategories = 0;
	for (char *save = NULL, *t = strtok_r(cats, ",", &save); t && o->ncategories < 8;
	     t = strtok_r(NULL, ",", &save))
		o->categories[o->ncategories++] = t;
	o->severity = db_value(r, i, c++);
	o->summary = db_value(r, i, c++);
	o->phones = db_value(r, i, c++);
	o->handles = db_value(r, i, c++);
	o->emails = db_value(r, i, c++);
	o->names = db_value(r, i, c++);
	o->vehicle = db_value(r, i, c++);
	o->plates = db_value(r, i, c++);
	o->description = db_value(r, i, c++);
	o->first_contact = db_value(r, i, c++);
	o->consent_members = db_bool(r, i, c++);
	o->consent_partners = db_bool(r, i, c++);
	o->decline_reason = db_value(r, i, c++);
	o->created_at = db_value(r, i, c++);
	o->published_at = db_value(r, i, c++);
	o->expires_at = db_value(r, i, c++);
	o->expired = db_bool(r, i, c++);
	o->reporter = db_value(r, i, c++);
	o->open_flags = (int)db_int64(r, i, c++);
	o->messages = (int)db_int64(r, i, c++);
	o->partner_domain = db_value(r, i, c++);
	o->share_id = db_value(r, i, c++);
	o->claimed_by = db_int64(r, i, c++);
	o->claimer = db_value(r, i, c++);
	o->claimed_at = db_value(r, i, c++);
	o->mine = false;
}

static int
rows_read(struct arena *a, PGresult *r, struct db_alert **out)
{
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		row_read(a, r, i, &(*out)[i]);
	return n;
}

/* categories as a text[] literal: the names were checked (core/alertcheck.h) */
static const char *
category_array(struct arena *a, const char **names, int n)
{
	struct strbuf sb;
	strbuf_init(&sb, a);
	strbuf_putc(&sb, '{');
	for (int i = 0; i < n; i++) {
		if (i > 0)
			strbuf_putc(&sb, ',');
		strbuf_puts(&sb, names[i]);
	}
	strbuf_putc(&sb, '}');
	return sb.data;
}

/* The fields as parameters $2..$20 of the insert and the update. */
#define FIELD_PARAMS 19
static void
field_params(struct arena *a, const struct db_alert_fields *f, const char **p)
{
	int i = 0;
	p[i++] = f->happened_on;
	p[i++] = f->part_of_day;
	p[i++] = f->area;
	p[i++] = f->area_key;
	p[i++] = category_array(a, f->categories, f->ncategories);
	p[i++] = f->severity;
	p[i++] = f->summary;
	p[i++] = f->phones;
	p[i++] = f->handles;
	p[i++] = f->emails;
	p[i++] = f->names;
	p[i++] = f->vehicle;
	p[i++] = f->plates;
	p[i++] = f->description;
	p[i++] = f->first_contact;
	p[i++] = f->consent_members ? "true" : "false";
	p[i++] = f->consent_partners ? "true" : "false";
	p[i++] = f->for_member ? "true" : "false";
	p[i++] = NULL; /* spare */
}

int
db_alert_insert(struct arena *a, int64_t id, int64_t reporter_id, int64_t filed_day,
		const struct db_alert_fields *f, struct err *err)
{
	char rb[ID_STRLEN], ib[ID_STRLEN], db[32];
	const char *p[3 + FIELD_PARAMS];
	p[0] = id_format(reporter_id, rb);
	field_params(a, f, p + 1);
	snprintf(db, sizeof db, "%lld", (long long)filed_day);
	p[19] = id_format(id, ib);
	p[20] = db;
	PGresult *r = db_query(
		a, err,
		"INSERT INTO alerts (reporter_id, happened_on, part_of_day, area, area_key,"
		" categories, severity, summary, phones, handles, emails, names, vehicle, plates,"
		" description, first_contact, consent_members, consent_partners, for_member, id,"
		" created_at)"
		" VALUES ($1::bigint, $2::date, $3, $4, $5, $6::text[], $7, $8, $9, $10, $11, $12,"
		" $13, $14, $15, $16, $17::boolean, $18::boolean, $19::boolean, $20::bigint,"
		" to_timestamp($21::bigint))",
		21, p);
	return r == NULL ? -1 : 0;
}

int
db_alert_update(struct arena *a, int64_t id, const struct db_alert_fields *f, bool to_pending,
		struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[1 + FIELD_PARAMS];
	p[0] = id_format(id, ib);
	field_params(a, f, p + 1);
	p[19] = to_pending ? "true" : "false";
	PGresult *r = db_query(
		a, err,
		"UPDATE alerts SET happened_on = $2::date, part_of_day = $3, area = $4,"
		" area_key = $5, categories = $6::text[], severity = $7, summary = $8, phones = $9,"
		" handles = $10, emails = $11, names = $12, vehicle = $13, plates = $14,"
		" description = $15, first_contact = $16, consent_members = $17::boolean,"
		" consent_partners = $18::boolean, for_member = $19::boolean,"
		" state = CASE WHEN $20::boolean THEN 'pending' ELSE state END"
		" WHERE id = $1::bigint",
		20, p);
	return r == NULL ? -1 : db_rows_changed(r) > 0;
}

int
db_alert_idents_set(struct arena *a, int64_t id, const char *const *kinds,
		    const char *const *digests, int n, struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib)};
	if (db_query(a, err, "DELETE FROM alert_identifiers WHERE alert_id = $1::bigint", 1, p) ==
	    NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *q[] = {p[0], kinds[i], digests[i]};
		if (db_query(a, err,
			     "INSERT INTO alert_identifiers (alert_id, kind, digest)"
			     " VALUES ($1::bigint, $2, $3) ON CONFLICT DO NOTHING",
			     3, q) == NULL)
			return -1;
	}
	return 0;
}

int
db_alert_get(struct arena *a, int64_t id, int64_t now, bool lock, struct db_alert *out,
	     struct err *err)
{
	char ib[ID_STRLEN], nb[32];
	snprintf(nb, sizeof nb, "%lld", (long long)now);
	const char *p[] = {nb, id_format(id, ib)};
	PGresult *r = db_query(a, err,
			       lock ? "SELECT " ALERT_COLUMNS " WHERE al.id = $2::bigint"
				      " FOR UPDATE OF al"
				    : "SELECT " ALERT_COLUMNS " WHERE al.id = $2::bigint",
			       2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	row_read(a, r, 0, out);
	return 1;
}

int
db_alerts_list(struct arena *a, enum db_alert_list which, int64_t reporter_id,
	       const char *area_key, const char *category, int64_t now, int64_t before,
	       int limit, struct db_alert **out, struct err *err)
{
	char nb[32], rb[ID_STRLEN], bb[ID_STRLEN], lb[16];
	snprintf(nb, sizeof nb, "%lld", (long long)now);
	snprintf(lb, sizeof lb, "%d", limit);
	const char *bound = before > 0 ? id_format(before, bb) : NULL;
	PGresult *r;
	if (which == DB_ALERTS_MINE) {
		const char *p[] = {nb, id_format(reporter_id, rb), bound, lb};
		r = db_query(a, err,
			     "SELECT " ALERT_COLUMNS " WHERE al.reporter_id = $2::bigint"
			     " AND al.id < COALESCE($3::bigint, 9223372036854775807)"
			     " ORDER BY al.id DESC LIMIT $4::int",
			     4, p);
	} else if (which == DB_ALERTS_PUBLISHED) {
		const char *p[] = {nb, area_key, category, bound, lb};
		r = db_query(a, err,
			     "SELECT " ALERT_COLUMNS " WHERE al.state = 'published'"
			     " AND al.expires_at > to_timestamp($1::bigint)"
			     " AND al.area_key = COALESCE($2, al.area_key)"
			     " AND ($3::text IS NULL OR $3 = ANY (al.categories))"
			     " AND al.id < COALESCE($4::bigint, 9223372036854775807)"
			     " ORDER BY al.id DESC LIMIT $5::int",
			     5, p);
	} else {
		const char *p[] = {nb, bound, lb};
		r = db_query(a, err,
			     "SELECT " ALERT_COLUMNS " WHERE (al.state = 'pending'"
			     " OR (al.state = 'published' AND EXISTS (SELECT 1 FROM alert_flags f"
			     " WHERE f.alert_id = al.id AND f.closed_at IS NULL)))"
			     " AND al.id > COALESCE($2::bigint, 0)"
			     " ORDER BY al.id LIMIT $3::int",
			     3, p);
	}
	return rows_read(a, r, out);
}

int
db_alerts_lookup(struct arena *a, const char *kind, const char *digest, int64_t now, int limit,
		 struct db_alert **out, struct err *err)
{
	char nb[32], lb[16];
	snprintf(nb, sizeof nb, "%lld", (long long)now);
	snprintf(lb, sizeof lb, "%d", limit);
	const char *p[] = {nb, kind, digest, lb};
	return rows_read(a,
			 db_query(a, err,
				  "SELECT " ALERT_COLUMNS " WHERE al.id IN (SELECT i.alert_id"
				  " FROM alert_identifiers i WHERE i.kind = $2 AND i.digest = $3)"
				  " AND al.state = 'published'"
				  " AND al.expires_at > to_timestamp($1::bigint)"
				  " ORDER BY al.id DESC LIMIT $4::int",
				  4, p),
			 out);
}

int
db_alert_areas(struct arena *a, int64_t now, const char ***keys, const char ***names,
	       int **counts, struct err *err)
{
	char nb[32];
	snprintf(nb, sizeof nb, "%lld", (long long)now);
	const char *p[] = {nb};
	PGresult *r = db_query(a, err,
			       "SELECT area_key, (array_agg(area ORDER BY id DESC))[1], count(*)"
			       " FROM alerts WHERE state = 'published'"
			       " AND expires_at > to_timestamp($1::bigint)"
			       " GROUP BY area_key ORDER BY area_key LIMIT 500",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*keys = arena_alloc(a, sizeof **keys * (size_t)(n + 1));
	*names = arena_alloc(a, sizeof **names * (size_t)(n + 1));
	*counts = arena_alloc(a, sizeof **counts * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		(*keys)[i] = db_value(r, i, 0);
		(*names)[i] = db_value(r, i, 1);
		(*counts)[i] = (int)db_int64(r, i, 2);
	}
	return n;
}

int
db_alert_set_state(struct arena *a, int64_t id, const char *state, const char *reason,
		   int64_t now, int64_t expires, struct err *err)
{
	char ib[ID_STRLEN], nb[32], eb[32];
	snprintf(nb, sizeof nb, "%lld", (long long)now);
	snprintf(eb, sizeof eb, "%lld", (long long)expires);
	const char *p[] = {id_format(id, ib), state, reason, nb, expires > 0 ? eb : NULL};
	PGresult *r = db_query(
		a, err,
		/* a decision ends the claim on it */
		"UPDATE alerts SET state = $2, decline_reason = $3, claimed_by = NULL,"
		" claimed_at = NULL,"
		" published_at = CASE WHEN $2 = 'published' AND published_at IS NULL"
		" THEN to_timestamp($4::bigint) ELSE published_at END,"
		/* a partner's alert never outlives what its partner said */
		" expires_at = CASE WHEN partner_domain IS NOT NULL AND expires_at IS NOT NULL"
		" THEN LEAST(expires_at, COALESCE(to_timestamp($5::bigint), expires_at))"
		" ELSE COALESCE(to_timestamp($5::bigint), expires_at) END"
		" WHERE id = $1::bigint",
		5, p);
	return r == NULL ? -1 : db_rows_changed(r) > 0;
}

int
db_alert_claim_set(struct arena *a, int64_t id, int64_t holder, struct err *err)
{
	char ib[ID_STRLEN], hb[ID_STRLEN];
	const char *p[] = {id_format(id, ib), holder ? id_format(holder, hb) : NULL};
	return db_query(a, err,
			"UPDATE alerts SET claimed_by = $2::bigint,"
			" claimed_at = CASE WHEN $2::bigint IS NULL THEN NULL ELSE now() END"
			" WHERE id = $1::bigint",
			2, p) == NULL
		   ? -1
		   : 0;
}

int
db_alert_keep_before(struct arena *a, int64_t id, int64_t moderator_id, struct err *err)
{
	char ib[ID_STRLEN], mb[ID_STRLEN];
	const char *p[] = {id_format(id, ib), id_format(moderator_id, mb)};
	PGresult *r = db_query(
		a, err,
		"INSERT INTO alert_redactions (alert_id, moderator_id, before)"
		" SELECT id, $2::bigint, jsonb_build_object('happened_on', happened_on,"
		" 'part_of_day', part_of_day, 'area', area, 'summary', summary, 'phones', phones,"
		" 'handles', handles, 'emails', emails, 'names', names, 'vehicle', vehicle,"
		" 'plates', plates, 'description', description, 'first_contact', first_contact)"
		" FROM alerts WHERE id = $1::bigint",
		2, p);
	return r == NULL ? -1 : 0;
}

int
db_alert_redactions(struct arena *a, int64_t id, const char ***before, const char ***at,
		    struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib)};
	PGresult *r = db_query(a, err,
			       "SELECT before::text, " ISO("created_at") " FROM alert_redactions"
			       " WHERE alert_id = $1::bigint ORDER BY id",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*before = arena_alloc(a, sizeof **before * (size_t)(n + 1));
	*at = arena_alloc(a, sizeof **at * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		(*before)[i] = db_value(r, i, 0);
		(*at)[i] = db_value(r, i, 1);
	}
	return n;
}

int
db_alert_log(struct arena *a, int64_t id, int64_t moderator_id, const char *action,
	     const char *reason, struct err *err)
{
	char ib[ID_STRLEN], mb[ID_STRLEN];
	const char *p[] = {id_format(id, ib), moderator_id ? id_format(moderator_id, mb) : NULL,
			   action, reason ? reason : ""};
	return db_query(a, err,
			"INSERT INTO alert_log (alert_id, moderator_id, action, reason)"
			" VALUES ($1::bigint, $2::bigint, $3, $4)",
			4, p) == NULL
		       ? -1
		       : 0;
}

static int
notes_read(struct arena *a, PGresult *r, struct db_alert_note **out)
{
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		(*out)[i] = (struct db_alert_note){db_value(r, i, 0), db_value(r, i, 1),
						   db_value(r, i, 2), db_value(r, i, 3)};
	return n;
}

int
db_alert_log_list(struct arena *a, int64_t id, struct db_alert_note **out, struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib)};
	return notes_read(a,
			  db_query(a, err,
				   "SELECT l.action, COALESCE(m.username, ''), l.reason, "
				   ISO("l.created_at") " FROM alert_log l"
				   " LEFT JOIN accounts m ON m.id = l.moderator_id"
				   " WHERE l.alert_id = $1::bigint ORDER BY l.id",
				   1, p),
			  out);
}

int
db_alert_message_add(struct arena *a, int64_t id, bool from_reporter, int64_t moderator_id,
		     const char *body, struct err *err)
{
	char ib[ID_STRLEN], mb[ID_STRLEN];
	const char *p[] = {id_format(id, ib), from_reporter ? "true" : "false",
			   moderator_id ? id_format(moderator_id, mb) : NULL, body};
	return db_query(a, err,
			"INSERT INTO alert_messages (alert_id, from_reporter, moderator_id, body,"
			" created_at) VALUES ($1::bigint, $2::boolean, $3::bigint, $4,"
			" CASE WHEN $2::boolean THEN " DAY_OF_NOW " ELSE now() END)",
			4, p) == NULL
		       ? -1
		       : 0;
}

int
db_alert_messages(struct arena *a, int64_t id, struct db_alert_note **out, struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib)};
	return notes_read(a,
			  db_query(a, err,
				   "SELECT CASE WHEN m.from_reporter THEN 'reporter'"
				   " ELSE 'moderator' END, COALESCE(a.username, ''), m.body, "
				   ISO("m.created_at") " FROM alert_messages m"
				   " LEFT JOIN accounts a ON a.id = m.moderator_id"
				   " WHERE m.alert_id = $1::bigint ORDER BY m.id",
				   1, p),
			  out);
}

int
db_alert_flag_add(struct arena *a, int64_t id, int64_t account_id, const char *reason,
		  struct err *err)
{
	char ib[ID_STRLEN], ab[ID_STRLEN];
	const char *p[] = {id_format(id, ib), id_format(account_id, ab), reason};
	return db_query(a, err,
			"INSERT INTO alert_flags (alert_id, account_id, reason, created_at)"
			" VALUES ($1::bigint, $2::bigint, $3, " DAY_OF_NOW ")",
			3, p) == NULL
		       ? -1
		       : 0;
}

int
db_alert_flags_open(struct arena *a, int64_t id, struct db_alert_note **out, struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib)};
	return notes_read(a,
			  db_query(a, err,
				   "SELECT 'flag', '', reason, " ISO("created_at")
				   " FROM alert_flags WHERE alert_id = $1::bigint"
				   " AND closed_at IS NULL ORDER BY id",
				   1, p),
			  out);
}

int
db_alert_flags_close(struct arena *a, int64_t id, struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib)};
	return db_query(a, err,
			"UPDATE alert_flags SET closed_at = now() WHERE alert_id = $1::bigint"
			" AND closed_at IS NULL",
			1, p) == NULL
		       ? -1
		       : 0;
}

int
db_alert_subscribe(struct arena *a, int64_t account_id, const char *area_key, struct err *err)
{
	char ab[ID_STRLEN];
	const char *p[] = {id_format(account_id, ab), area_key};
	return db_query(a, err,
			"INSERT INTO alert_subscriptions (account_id, area_key, seen_id)"
			" VALUES ($1::bigint, $2, COALESCE((SELECT max(id) FROM alerts"
			" WHERE area_key = $2), 0)) ON CONFLICT DO NOTHING",
			2, p) == NULL
		       ? -1
		       : 0;
}

int
db_alert_unsubscribe(struct arena *a, int64_t account_id, const char *area_key,
		     struct err *err)
{
	char ab[ID_STRLEN];
	const char *p[] = {id_format(account_id, ab), area_key};
	PGresult *r = db_query(a, err,
			       "DELETE FROM alert_subscriptions WHERE account_id = $1::bigint"
			       " AND area_key = $2",
			       2, p);
	return r == NULL ? -1 : db_rows_changed(r) > 0;
}

int
db_alert_subscriptions(struct arena *a, int64_t account_id, int64_t now, const char ***keys,
		       int **news, struct err *err)
{
	char ab[ID_STRLEN], nb[32];
	snprintf(nb, sizeof nb, "%lld", (long long)now);
	const char *p[] = {id_format(account_id, ab), nb};
	PGresult *r = db_query(a, err,
			       "SELECT s.area_key, (SELECT count(*) FROM alerts al"
			       " WHERE al.area_key = s.area_key AND al.state = 'published'"
			       " AND al.expires_at > to_timestamp($2::bigint) AND al.id > s.seen_id)"
			       " FROM alert_subscriptions s WHERE s.account_id = $1::bigint"
			       " ORDER BY s.area_key",
			       2, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*keys = arena_alloc(a, sizeof **keys * (size_t)(n + 1));
	*news = arena_alloc(a, sizeof **news * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		(*keys)[i] = db_value(r, i, 0);
		(*news)[i] = (int)db_int64(r, i, 1);
	}
	return n;
}

int
db_alert_subscription_seen(struct arena *a, int64_t account_id, const char *area_key,
			   struct err *err)
{
	char ab[ID_STRLEN];
	const char *p[] = {id_format(account_id, ab), area_key};
	return db_query(a, err,
			"UPDATE alert_subscriptions SET seen_id = COALESCE((SELECT max(id)"
			" FROM alerts WHERE area_key = $2 AND state = 'published'), seen_id)"
			" WHERE account_id = $1::bigint AND area_key = $2",
			2, p) == NULL
		       ? -1
		       : 0;
}

int
db_alerts_forget_account(struct arena *a, int64_t account_id, struct err *err)
{
	char ab[ID_STRLEN];
	const char *p[] = {id_format(account_id, ab)};
	if (db_query(a, err, "UPDATE alerts SET reporter_id = NULL WHERE reporter_id = $1::bigint",
		     1, p) == NULL ||
	    db_query(a, err,
		     "UPDATE alert_flags SET account_id = NULL WHERE account_id = $1::bigint", 1,
		     p) == NULL ||
	    db_query(a, err, "DELETE FROM alert_subscriptions WHERE account_id = $1::bigint", 1,
		     p) == NULL)
		return -1;
	return 0;
}

/* --- partners ---------------------------------------------------------------------- */

int
db_alert_partner_set(struct arena *a, const char *domain, bool on, struct err *err)
{
	const char *p[] = {domain};
	PGresult *r = db_query(a, err,
			       on ? "INSERT INTO alert_partners (domain) SELECT domain FROM peers"
				    " WHERE domain = $1 ON CONFLICT DO NOTHING"
				  : "DELETE FROM alert_partners WHERE domain = $1",
			       1, p);
	return r == NULL ? -1 : db_rows_changed(r) > 0;
}

int
db_alert_share_live(struct arena *a, const char *share_id, int64_t now, struct err *err)
{
	char nb[32];
	snprintf(nb, sizeof nb, "%lld", (long long)now);
	const char *p[] = {share_id, nb};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM alerts WHERE share_id = $1 AND state = 'published'"
			       " AND consent_partners AND partner_domain IS NULL"
			       " AND expires_at > to_timestamp($2::bigint)",
			       2, p);
	return r == NULL ? -1 : PQntuples(r) > 0;
}

int
db_alert_partner_forget(struct arena *a, const char *domain, struct err *err)
{
	const char *p[] = {domain};
	return db_query(a, err, "DELETE FROM alerts WHERE partner_domain = $1", 1, p) == NULL ? -1
											     : 0;
}

int
db_alert_partners(struct arena *a, const char ***out, struct err *err)
{
	return db_query_strings(a, err, "SELECT domain FROM alert_partners ORDER BY domain", 0,
				NULL, out);
}

int
db_alert_partner_is(struct arena *a, const char *domain, struct err *err)
{
	const char *p[] = {domain};
	PGresult *r = db_query(a, err, "SELECT 1 FROM alert_partners WHERE domain = $1", 1, p);
	return r == NULL ? -1 : PQntuples(r) > 0;
}

const char *
db_alert_share_id(struct arena *a, int64_t id, const char *token, struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib), token};
	PGresult *r = db_query(a, err,
			       "UPDATE alerts SET share_id = COALESCE(share_id, $2)"
			       " WHERE id = $1::bigint RETURNING share_id",
			       2, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		err_set(err, ERR_NOT_FOUND, NULL, "no alert %lld", (long long)id);
		return NULL;
	}
	return db_value(r, 0, 0);
}

int64_t
db_alert_by_partner_uri(struct arena *a, const char *domain, const char *uri, struct err *err)
{
	const char *p[] = {domain, uri};
	return db_query_int64(a, err,
			      "SELECT id FROM alerts WHERE partner_domain = $1 AND partner_uri = $2"
			      " FOR UPDATE",
			      2, p);
}

int
db_alert_partner_insert(struct arena *a, const char *domain, const char *uri,
			const struct db_alert_fields *f, int64_t expires, int64_t *id,
			struct err *err)
{
	char eb[32];
	snprintf(eb, sizeof eb, "%lld", (long long)expires);
	const char *p[] = {f->happened_on, f->part_of_day, f->area, f->area_key,
			   category_array(a, f->categories, f->ncategories), f->severity,
			   f->summary, f->phones, f->handles, f->emails, f->names, f->vehicle,
			   f->plates, f->description, f->first_contact, domain, uri, eb};
	PGresult *r = db_query(
		a, err,
		"INSERT INTO alerts (happened_on, part_of_day, area, area_key, categories,"
		" severity, summary, phones, handles, emails, names, vehicle, plates, description,"
		" first_contact, consent_members, partner_domain, partner_uri, expires_at)"
		" VALUES ($1::date, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11, $12, $13,"
		" $14, $15, true, $16, $17, to_timestamp($18::bigint)) RETURNING id",
		18, p);
	if (r == NULL)
		return -1;
	*id = db_int64(r, 0, 0);
	return 0;
}

int
db_alert_set_expiry(struct arena *a, int64_t id, int64_t expires, struct err *err)
{
	char ib[ID_STRLEN], eb[32];
	snprintf(eb, sizeof eb, "%lld", (long long)expires);
	const char *p[] = {id_format(id, ib), eb};
	return db_query(a, err,
			"UPDATE alerts SET expires_at = to_timestamp($2::bigint)"
			" WHERE id = $1::bigint",
			2, p) == NULL
		       ? -1
		       : 0;
}

int
db_alert_notify_subscribers(struct arena *a, int64_t id, struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib)};
	return db_query(a, err,
			"INSERT INTO notifications (account_id, type, alert_id)"
			" SELECT s.account_id, 'alert', al.id FROM alerts al"
			" JOIN alert_subscriptions s ON s.area_key = al.area_key"
			" JOIN accounts x ON x.id = s.account_id"
			" WHERE al.id = $1::bigint AND x.suspended_at IS NULL"
			" AND x.deleted_at IS NULL"
			" AND s.account_id IS DISTINCT FROM al.reporter_id",
			1, p) == NULL
		       ? -1
		       : 0;
}

int
db_alert_share_forget(struct arena *a, int64_t id, struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib)};
	return db_query(a, err, "UPDATE alerts SET share_id = NULL WHERE id = $1::bigint", 1, p) ==
			       NULL
		       ? -1
		       : 0;
}

int
db_alert_delete(struct arena *a, int64_t id, struct err *err)
{
	char ib[ID_STRLEN];
	const char *p[] = {id_format(id, ib)};
	return db_query(a, err, "DELETE FROM alerts WHERE id = $1::bigint", 1, p) == NULL ? -1 : 0;
}
