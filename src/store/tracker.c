/* Trackers, their settings, examples, rounds and tags. */
#include "store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "xmalloc.h"

/* ------------------------------------------------------------------ settings */

void store_settings_clear(struct store_settings *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->description);
	store_kvs_free(s->filters, s->n_filters);
	memset(s, 0, sizeof(*s));
}

void store_settings_copy(struct store_settings *d, const struct store_settings *s)
{
	*d = *s;
	d->name = xstrdup(s->name ? s->name : "");
	d->description = xstrdup(s->description ? s->description : "");
	d->filters = s->n_filters ? xcalloc(s->n_filters, sizeof(*d->filters)) : NULL;
	for (size_t i = 0; i < s->n_filters; i++) {
		d->filters[i].key = xstrdup(s->filters[i].key);
		d->filters[i].value = xstrdup(s->filters[i].value);
	}
}

static int check_settings(const struct store_settings *s, char *err, size_t errlen)
{
	if (!s->name || !*s->name)
		return errf(err, errlen, "a tracker needs a name");
	for (size_t i = 0; i < s->n_filters; i++)
		if (strpbrk(s->filters[i].key, "\t\n") || strpbrk(s->filters[i].value, "\t\n"))
			return errf(err, errlen, "filter '%s' holds a tab or a line break",
				    s->filters[i].key);
	return 0;
}

/* Binds the six settings columns from index i. */
static void bind_settings(sqlite3_stmt *q, int i, const struct store_settings *s, char **filters)
{
	*filters = store_filters_encode(s->filters, s->n_filters);
	sqlite3_bind_text(q, i, s->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, i + 1, s->description ? s->description : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, i + 2, s->by);
	sqlite3_bind_int(q, i + 3, s->scope);
	sqlite3_bind_int(q, i + 4, s->part);
	sqlite3_bind_int(q, i + 5, s->part_minutes);
	sqlite3_bind_text(q, i + 6, *filters, -1, SQLITE_TRANSIENT);
}

static void settings_from_row(sqlite3_stmt *q, int i, struct store_settings *s)
{
	s->name = store_col_str(q, i);
	s->description = store_col_str(q, i + 1);
	s->by = sqlite3_column_int(q, i + 2);
	s->scope = sqlite3_column_int(q, i + 3);
	s->part = sqlite3_column_int(q, i + 4);
	s->part_minutes = sqlite3_column_int(q, i + 5);
	store_filters_decode((const char *)sqlite3_column_text(q, i + 6), &s->filters, &s->n_filters);
}

static int name_taken(store *st, const char *name, int64_t except, int *taken,
		      char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "SELECT 1 FROM trackers WHERE name = ? AND id != ?"
				     " UNION ALL SELECT 1 FROM tracker_drafts WHERE name = ?"
				     " COLLATE NOCASE AND tracker != ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, except);
	sqlite3_bind_text(q, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, except);
	*taken = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return 0;
}

/* ------------------------------------------------------------------ trackers */

int store_tracker_create(store *st, const struct store_settings *s, int64_t *id,
			 char *err, size_t errlen)
{
	int taken;
	char *filters = NULL;
	if (check_settings(s, err, errlen) < 0 || name_taken(st, s->name, 0, &taken, err, errlen) < 0)
		return -1;
	if (taken)
		return errf(err, errlen, "a tracker named '%s' already exists", s->name);
	sqlite3_stmt *q = store_prep(st, "INSERT INTO trackers (name, description, by, scope, part,"
				     " part_minutes, filters, created, updated)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	bind_settings(q, 1, s, &filters);
	sqlite3_bind_int64(q, 8, store_now());
	sqlite3_bind_int64(q, 9, store_now());
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	free(filters);
	if (rc != SQLITE_DONE)
		return store_fail(st, "create tracker", err, errlen);
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_tracker_find(store *st, const char *ref, int64_t *id, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	int digits = *ref != '\0' && strspn(ref, "0123456789") == strlen(ref);
	if (digits) {
		q = store_prep(st, "SELECT id FROM trackers WHERE id = ?", err, errlen);
		if (!q)
			return -1;
		sqlite3_bind_int64(q, 1, strtoll(ref, NULL, 10));
		int found = sqlite3_step(q) == SQLITE_ROW;
		if (found)
			*id = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		if (found)
			return 0;
	}
	q = store_prep(st, "SELECT id FROM trackers WHERE name = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, ref, -1, SQLITE_STATIC);
	int found = sqlite3_step(q) == SQLITE_ROW;
	if (found)
		*id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return found ? 0 : 1;
}

void store_tracker_free(struct store_tracker *t)
{
	store_trackers_free(t, t ? 1 : 0);
}

void store_trackers_free(struct store_tracker *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++) {
		store_settings_clear(&t[i].live);
		store_settings_clear(&t[i].draft);
	}
	free(t);
}

#define TRACKER_SQL \
	"SELECT t.id, t.name, t.description, t.by, t.scope, t.part, t.part_minutes, t.filters," \
	" d.name, d.description, d.by, d.scope, d.part, d.part_minutes, d.filters," \
	" t.created, t.updated, t.active, t.backfill_months, t.activated_at, t.live_model," \
	" (SELECT COUNT(*) FROM examples e WHERE e.tracker = t.id)," \
	" (SELECT COUNT(*) FROM tags g WHERE g.tracker = t.id AND g.label = 1)," \
	" (SELECT COUNT(*) FROM tags g WHERE g.tracker = t.id AND g.label = 0)," \
	" (SELECT COUNT(*) FROM tags g WHERE g.tracker = t.id AND g.label = 2)," \
	" (SELECT COUNT(*) FROM rounds r WHERE r.tracker = t.id)," \
	" (SELECT r.completed = 0 FROM rounds r WHERE r.tracker = t.id ORDER BY r.number DESC LIMIT 1)," \
	" m.id, m.version, m.precision, m.recall," \
	" (SELECT COUNT(*) FROM detections x WHERE x.tracker = t.id)," \
	" l.version, l.precision, l.recall" \
	" FROM trackers t LEFT JOIN tracker_drafts d ON d.tracker = t.id" \
	" LEFT JOIN models m ON m.id = (SELECT MAX(id) FROM models WHERE tracker = t.id)" \
	" LEFT JOIN models l ON l.id = t.live_model AND l.tracker = t.id"

static void tracker_from_row(sqlite3_stmt *q, struct store_tracker *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(q, 0);
	settings_from_row(q, 1, &t->live);
	t->has_draft_settings = sqlite3_column_type(q, 8) != SQLITE_NULL;
	if (t->has_draft_settings)
		settings_from_row(q, 8, &t->draft);
	t->created = sqlite3_column_int64(q, 15);
	t->updated = sqlite3_column_int64(q, 16);
	t->active = sqlite3_column_int(q, 17);
	t->backfill_months = sqlite3_column_int(q, 18);
	t->activated_at = sqlite3_column_int64(q, 19);
	t->live_model = sqlite3_column_int64(q, 20);
	t->n_examples = sqlite3_column_int64(q, 21);
	t->n_yes = sqlite3_column_int64(q, 22);
	t->n_no = sqlite3_column_int64(q, 23);
	t->n_unsure = sqlite3_column_int64(q, 24);
	t->rounds = sqlite3_column_int(q, 25);
	t->round_open = sqlite3_column_int(q, 26);
	t->latest_model = sqlite3_column_int64(q, 27);
	t->latest_version = sqlite3_column_int(q, 28);
	t->latest_precision = sqlite3_column_type(q, 29) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 29);
	t->latest_recall = sqlite3_column_type(q, 30) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 30);
	t->n_detections = sqlite3_column_int64(q, 31);
	t->live_version = sqlite3_column_int(q, 32);
	t->live_precision = sqlite3_column_type(q, 33) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 33);
	t->live_recall = sqlite3_column_type(q, 34) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 34);
}

int store_tracker_get(store *st, int64_t id, struct store_tracker **out, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, TRACKER_SQL " WHERE t.id = ?", err, errlen);
	*out = NULL;
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*out = xmalloc(sizeof(**out));
		tracker_from_row(q, *out);
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? errf(err, errlen, "no tracker %lld", (long long)id)
				 : store_fail(st, "get tracker", err, errlen);
}

int store_trackers_list(store *st, struct store_tracker **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, TRACKER_SQL " ORDER BY t.id", err, errlen);
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (!q)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		xgrow(out, &cap, *n + 1, sizeof(**out));
		tracker_from_row(q, &(*out)[(*n)++]);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "list trackers", err, errlen);
}

int store_tracker_set_settings(store *st, int64_t id, const struct store_settings *s, int draft,
			       char *err, size_t errlen)
{
	int taken, rc;
	char *filters = NULL;
	if (check_settings(s, err, errlen) < 0 || name_taken(st, s->name, id, &taken, err, errlen) < 0)
		return -1;
	if (taken)
		return errf(err, errlen, "a tracker named '%s' already exists", s->name);
	sqlite3_stmt *q = store_prep(st, draft ?
		"INSERT OR REPLACE INTO tracker_drafts (name, description, by, scope, part,"
		" part_minutes, filters, tracker) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" :
		"UPDATE trackers SET name = ?, description = ?, by = ?, scope = ?, part = ?,"
		" part_minutes = ?, filters = ?, updated = strftime('%s') WHERE id = ?", err, errlen);
	if (!q)
		return -1;
	bind_settings(q, 1, s, &filters);
	sqlite3_bind_int64(q, 8, id);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	free(filters);
	if (rc != SQLITE_DONE)
		return store_fail(st, "save settings", err, errlen);
	if (draft) {
		/* a draft the same as the live settings is no change to publish */
		char sql[640];
		snprintf(sql, sizeof(sql),
			 "DELETE FROM tracker_drafts WHERE tracker = %lld AND EXISTS (SELECT 1 FROM"
			 " trackers t WHERE t.id = %lld AND t.name IS tracker_drafts.name AND"
			 " t.description IS tracker_drafts.description AND t.by IS tracker_drafts.by"
			 " AND t.scope IS tracker_drafts.scope AND t.part IS tracker_drafts.part AND"
			 " t.part_minutes IS tracker_drafts.part_minutes AND"
			 " t.filters IS tracker_drafts.filters)", (long long)id, (long long)id);
		if (store_exec(st, sql, err, errlen) < 0)
			return -1;
	}
	return store_tracker_touch(st, id, err, errlen);
}

int store_tracker_publish_settings(store *st, int64_t id, char *err, size_t errlen)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "UPDATE trackers SET (name, description, by, scope, part, part_minutes, filters) ="
		 " (SELECT name, description, by, scope, part, part_minutes, filters"
		 "  FROM tracker_drafts WHERE tracker = %lld)"
		 " WHERE id = %lld AND EXISTS (SELECT 1 FROM tracker_drafts WHERE tracker = %lld);"
		 "DELETE FROM tracker_drafts WHERE tracker = %lld;",
		 (long long)id, (long long)id, (long long)id, (long long)id);
	if (store_exec(st, sql, err, errlen) < 0)
		return -1;
	return store_tracker_touch(st, id, err, errlen);
}

static int exec_id(store *st, const char *sql, int64_t id, const char *op, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, sql, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, op, err, errlen);
}

int store_tracker_delete(store *st, int64_t id, char *err, size_t errlen)
{
	return exec_id(st, "DELETE FROM trackers WHERE id = ?", id, "delete tracker", err, errlen);
}

int store_tracker_touch(store *st, int64_t id, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "UPDATE trackers SET updated = ? WHERE id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, store_now());
	sqlite3_bind_int64(q, 2, id);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "update tracker", err, errlen);
}

int store_tracker_set_active(store *st, int64_t id, int active, int backfill_months,
			     char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "UPDATE trackers SET active = ?, backfill_months = ?,"
				     " activated_at = ?, updated = ? WHERE id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, active);
	sqlite3_bind_int(q, 2, backfill_months);
	sqlite3_bind_int64(q, 3, active ? store_now() : 0);
	sqlite3_bind_int64(q, 4, store_now());
	sqlite3_bind_int64(q, 5, id);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "activate tracker", err, errlen);
}

int store_tracker_set_live_model(store *st, int64_t id, int64_t model, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "UPDATE trackers SET live_model = ?, updated = ? WHERE id = ?",
				     err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, model);
	sqlite3_bind_int64(q, 2, store_now());
	sqlite3_bind_int64(q, 3, id);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "set live model", err, errlen);
}

int store_calls_matching(store *st, const struct store_settings *s, int64_t since_unix,
			 struct store_call_span **out, size_t *n, char *err, size_t errlen)
{
	struct sbuf sql = {0};
	size_t cap = 0, nf = s ? s->n_filters : 0;
	*out = NULL;
	*n = 0;
	sbuf_add(&sql, "SELECT c.id, c.first_sentence, c.n_sentences, c.started_unix, c.duration_ms,"
		 " c.scope, c.imported_at FROM calls c WHERE c.started_unix >= ?1");
	if (s && s->scope != STORE_SCOPE_ALL)
		sbuf_printf(&sql, " AND c.scope = %d", s->scope);
	/* Filters: values of one key are alternatives, different keys must all hold. */
	for (size_t i = 0; i < nf; i++) {
		int first = 1;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->filters[j].key, s->filters[i].key))
				first = 0;
		if (!first)
			continue;
		sbuf_printf(&sql, " AND EXISTS (SELECT 1 FROM call_meta m WHERE m.call = c.id"
			    " AND m.key = ?%zu AND m.value IN (", i + 2);
		int k = 0;
		for (size_t j = i; j < nf; j++)
			if (!strcmp(s->filters[j].key, s->filters[i].key))
				sbuf_printf(&sql, "%s?%zu", k++ ? ", " : "", nf + j + 2);
		sbuf_add(&sql, "))");
	}
	sbuf_add(&sql, " ORDER BY c.id");
	sqlite3_stmt *q = store_prep(st, sql.s, err, errlen);
	sbuf_free(&sql);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, since_unix);
	for (size_t i = 0; i < nf; i++) {
		sqlite3_bind_text(q, (int)i + 2, s->filters[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, (int)(nf + i) + 2, s->filters[i].value, -1, SQLITE_STATIC);
	}
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		xgrow(out, &cap, *n + 1, sizeof(**out));
		struct store_call_span *x = &(*out)[(*n)++];
		x->call = sqlite3_column_int64(q, 0);
		x->first = sqlite3_column_int64(q, 1);
		x->n = sqlite3_column_int64(q, 2);
		x->started_unix = sqlite3_column_int64(q, 3);
		x->duration_ms = sqlite3_column_int64(q, 4);
		x->scope = sqlite3_column_int(q, 5);
		x->imported_unix = sqlite3_column_int64(q, 6);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "match calls", err, errlen);
}

/* ------------------------------------------------------------------ examples */

int store_example_add(store *st, int64_t tracker, const char *text, int64_t *id,
		      char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "INSERT INTO examples (tracker, text, created) VALUES (?, ?, ?)",
				     err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	sqlite3_bind_text(q, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, store_now());
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "add example", err, errlen);
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return store_tracker_touch(st, tracker, err, errlen);
}

int store_example_update(store *st, int64_t example, const char *text, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "UPDATE examples SET text = ? WHERE id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, example);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "edit example", err, errlen);
}

int store_example_delete(store *st, int64_t example, char *err, size_t errlen)
{
	return exec_id(st, "DELETE FROM examples WHERE id = ?", example, "delete example", err, errlen);
}

int store_examples_list(store *st, int64_t tracker, struct store_example **out, size_t *n,
			char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "SELECT id, text, created FROM examples WHERE tracker = ?"
				     " ORDER BY id", err, errlen);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	while (sqlite3_step(q) == SQLITE_ROW) {
		xgrow(out, &cap, *n + 1, sizeof(**out));
		(*out)[*n].id = sqlite3_column_int64(q, 0);
		(*out)[*n].text = store_col_str(q, 1);
		(*out)[*n].created = sqlite3_column_int64(q, 2);
		(*n)++;
	}
	sqlite3_finalize(q);
	return 0;
}

void store_examples_free(struct store_example *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		free(e[i].text);
	free(e);
}

/* ------------------------------------------------------------------ rounds */

void store_round_free(struct store_round *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_items; i++)
		free(r->items[i].method);
	free(r->items);
	free(r);
}

int store_round_latest(store *st, int64_t tracker, struct store_round **out,
		       char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "SELECT id, number, created, completed FROM rounds"
				     " WHERE tracker = ? ORDER BY number DESC LIMIT 1", err, errlen);
	*out = NULL;
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return 1;
	}
	struct store_round *r = xcalloc(1, sizeof(*r));
	r->id = sqlite3_column_int64(q, 0);
	r->tracker = tracker;
	r->number = sqlite3_column_int(q, 1);
	r->created = sqlite3_column_int64(q, 2);
	r->completed = sqlite3_column_int64(q, 3);
	sqlite3_finalize(q);
	q = store_prep(st, "SELECT i.sentence, i.position, i.method, i.prob, i.audit,"
		       " COALESCE(g.label, -1) FROM round_items i"
		       " LEFT JOIN tags g ON g.tracker = ? AND g.sentence = i.sentence"
		       " WHERE i.round = ? ORDER BY i.position", err, errlen);
	if (!q) {
		store_round_free(r);
		return -1;
	}
	sqlite3_bind_int64(q, 1, tracker);
	sqlite3_bind_int64(q, 2, r->id);
	size_t cap = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		xgrow(&r->items, &cap, r->n_items + 1, sizeof(*r->items));
		struct store_round_item *it = &r->items[r->n_items++];
		it->sentence = sqlite3_column_int64(q, 0);
		it->position = sqlite3_column_int(q, 1);
		it->method = store_col_str(q, 2);
		it->prob = sqlite3_column_double(q, 3);
		it->audit = sqlite3_column_int(q, 4);
		it->tag = sqlite3_column_int(q, 5);
	}
	sqlite3_finalize(q);
	*out = r;
	return 0;
}

int store_round_create(store *st, int64_t tracker, int number,
		       const struct store_round_item *items, size_t n, int64_t *round_id,
		       char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "INSERT INTO rounds (tracker, number, created) VALUES (?, ?, ?)",
				     err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	sqlite3_bind_int(q, 2, number);
	sqlite3_bind_int64(q, 3, store_now());
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "create round", err, errlen);
	int64_t rid = sqlite3_last_insert_rowid(st->db);
	q = store_prep(st, "INSERT INTO round_items (round, position, sentence, method, prob, audit)"
		       " VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, rid);
		sqlite3_bind_int(q, 2, (int)i);
		sqlite3_bind_int64(q, 3, items[i].sentence);
		sqlite3_bind_text(q, 4, items[i].method ? items[i].method : "", -1, SQLITE_STATIC);
		sqlite3_bind_double(q, 5, items[i].prob);
		sqlite3_bind_int(q, 6, items[i].audit);
		if (sqlite3_step(q) != SQLITE_DONE) {
			sqlite3_finalize(q);
			return store_fail(st, "add round item", err, errlen);
		}
	}
	sqlite3_finalize(q);
	if (round_id)
		*round_id = rid;
	return store_tracker_touch(st, tracker, err, errlen);
}

/* ------------------------------------------------------------------ tags */

/* Marks the round complete when no item is left untagged, or open again when one is. */
static int round_refresh(store *st, int64_t tracker, int64_t round, int *completed,
			 char *err, size_t errlen)
{
	sqlite3_stmt *q = store_q(st, Q_ROUND_LEFT,
		"SELECT COUNT(*) FROM round_items i WHERE i.round = ?1 AND NOT EXISTS"
		" (SELECT 1 FROM tags g WHERE g.tracker = ?2 AND g.sentence = i.sentence)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, round);
	sqlite3_bind_int64(q, 2, tracker);
	int64_t left = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_reset(q);
	if (left < 0)
		return store_fail(st, "count round items", err, errlen);
	sqlite3_stmt *u = store_prep(st, left == 0 ?
		"UPDATE rounds SET completed = ?2 WHERE id = ?1 AND completed = 0" :
		"UPDATE rounds SET completed = 0 WHERE id = ?1 AND ?2 >= 0", err, errlen);
	if (!u)
		return -1;
	sqlite3_bind_int64(u, 1, round);
	sqlite3_bind_int64(u, 2, store_now());
	int rc = sqlite3_step(u);
	int changed = sqlite3_changes(st->db);
	sqlite3_finalize(u);
	if (rc != SQLITE_DONE)
		return store_fail(st, "complete round", err, errlen);
	if (completed)
		*completed = left == 0 && changed > 0;
	return 0;
}

int store_tag_set(store *st, int64_t tracker, int64_t sentence, int label, int *completed,
		  char *err, size_t errlen)
{
	int exists;
	if (completed)
		*completed = 0;
	if (label != STORE_TAG_YES && label != STORE_TAG_NO && label != STORE_TAG_UNSURE)
		return errf(err, errlen, "a tag is yes, no or unsure");
	if (store_sentence_exists(st, sentence, &exists, err, errlen) < 0)
		return -1;
	if (!exists)
		return errf(err, errlen, "no sentence %lld in the workspace", (long long)sentence);
	/* The round the sentence was asked in, the newest if several. */
	sqlite3_stmt *q = store_q(st, Q_TAG_ROUND,
		"SELECT r.id FROM round_items i JOIN rounds r ON r.id = i.round"
		" WHERE r.tracker = ? AND i.sentence = ? ORDER BY r.number DESC LIMIT 1", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	sqlite3_bind_int64(q, 2, sentence);
	int64_t round = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (round) {
		/* Remember what the tag replaces, for undo; the same tag again changes nothing. */
		q = store_q(st, Q_TAG_PREV, "SELECT label FROM tags WHERE tracker = ? AND sentence = ?",
			    err, errlen);
		if (!q)
			return -1;
		sqlite3_bind_int64(q, 1, tracker);
		sqlite3_bind_int64(q, 2, sentence);
		int had = sqlite3_step(q) == SQLITE_ROW;
		int prev = had ? sqlite3_column_int(q, 0) : STORE_TAG_NONE;
		sqlite3_reset(q);
		if (!had || prev != label) {
			q = store_q(st, Q_TAG_CHANGE, "INSERT INTO tag_changes (tracker, round, sentence,"
				    " prev_label) VALUES (?, ?, ?, ?)", err, errlen);
			if (!q)
				return -1;
			sqlite3_bind_int64(q, 1, tracker);
			sqlite3_bind_int64(q, 2, round);
			sqlite3_bind_int64(q, 3, sentence);
			if (had)
				sqlite3_bind_int(q, 4, prev);
			else
				sqlite3_bind_null(q, 4);
			int rc = sqlite3_step(q);
			sqlite3_reset(q);
			if (rc != SQLITE_DONE)
				return store_fail(st, "remember the tag for undo", err, errlen);
		}
	}
	/* REPLACE gives a changed tag a new seq, so undo takes the latest change. */
	q = store_q(st, Q_TAG_SET, "INSERT OR REPLACE INTO tags (tracker, sentence, label, tagged_at, round)"
		    " VALUES (?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	sqlite3_bind_int64(q, 2, sentence);
	sqlite3_bind_int(q, 3, label);
	sqlite3_bind_int64(q, 4, store_now());
	if (round)
		sqlite3_bind_int64(q, 5, round);
	else
		sqlite3_bind_null(q, 5);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_fail(st, "tag", err, errlen);
	if (round && round_refresh(st, tracker, round, completed, err, errlen) < 0)
		return -1;
	return store_tracker_touch(st, tracker, err, errlen);
}

int store_tag_undo(store *st, int64_t tracker, int64_t *sentence, int *label, char *err,
		   size_t errlen)
{
	struct store_round *r = NULL;
	*sentence = 0;
	if (label)
		*label = STORE_TAG_NONE;
	int rc = store_round_latest(st, tracker, &r, err, errlen);
	if (rc)
		return rc < 0 ? -1 : 0;
	int64_t round = r->id;
	store_round_free(r);
	/* The latest change of the round: its sentence gets the tag it had before. */
	sqlite3_stmt *q = store_prep(st, "SELECT id, sentence, prev_label FROM tag_changes"
				     " WHERE round = ? ORDER BY id DESC LIMIT 1", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, round);
	if (sqlite3_step(q) == SQLITE_ROW) {
		int64_t change = sqlite3_column_int64(q, 0);
		int64_t sid = sqlite3_column_int64(q, 1);
		int had = sqlite3_column_type(q, 2) != SQLITE_NULL;
		int prev = had ? sqlite3_column_int(q, 2) : STORE_TAG_NONE;
		sqlite3_finalize(q);
		q = store_prep(st, had ? "UPDATE tags SET label = ?3 WHERE tracker = ?1 AND sentence = ?2"
				       : "DELETE FROM tags WHERE tracker = ?1 AND sentence = ?2", err, errlen);
		if (!q)
			return -1;
		sqlite3_bind_int64(q, 1, tracker);
		sqlite3_bind_int64(q, 2, sid);
		if (had)
			sqlite3_bind_int(q, 3, prev);
		rc = sqlite3_step(q);
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE)
			return store_fail(st, "undo tag", err, errlen);
		if (exec_id(st, "DELETE FROM tag_changes WHERE id = ?", change, "undo tag", err,
			    errlen) < 0)
			return -1;
		*sentence = sid;
		if (label)
			*label = prev;
	} else {
		/* Tags made before changes were remembered: the latest one goes. */
		sqlite3_finalize(q);
		q = store_prep(st, "SELECT seq, sentence FROM tags WHERE tracker = ? AND round = ?"
			       " ORDER BY seq DESC LIMIT 1", err, errlen);
		if (!q)
			return -1;
		sqlite3_bind_int64(q, 1, tracker);
		sqlite3_bind_int64(q, 2, round);
		if (sqlite3_step(q) != SQLITE_ROW) {
			sqlite3_finalize(q);
			return 0;
		}
		int64_t seq = sqlite3_column_int64(q, 0);
		*sentence = sqlite3_column_int64(q, 1);
		sqlite3_finalize(q);
		if (exec_id(st, "DELETE FROM tags WHERE seq = ?", seq, "undo tag", err, errlen) < 0)
			return -1;
	}
	if (round_refresh(st, tracker, round, NULL, err, errlen) < 0)
		return -1;
	return store_tracker_touch(st, tracker, err, errlen);
}

int store_tags_list(store *st, int64_t tracker, struct store_tag **out, size_t *n,
		    char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st,
		"SELECT g.seq, g.sentence, g.label, g.tagged_at, COALESCE(g.round, 0), i.method,"
		" COALESCE(i.prob, 0), COALESCE(i.audit, 0), s.call"
		" FROM tags g JOIN sentences s ON s.id = g.sentence"
		" LEFT JOIN round_items i ON i.round = g.round AND i.sentence = g.sentence"
		" WHERE g.tracker = ? ORDER BY g.seq", err, errlen);
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		xgrow(out, &cap, *n + 1, sizeof(**out));
		struct store_tag *t = &(*out)[(*n)++];
		t->seq = sqlite3_column_int64(q, 0);
		t->sentence = sqlite3_column_int64(q, 1);
		t->label = sqlite3_column_int(q, 2);
		t->tagged_at = sqlite3_column_int64(q, 3);
		t->round = sqlite3_column_int64(q, 4);
		t->method = sqlite3_column_type(q, 5) == SQLITE_NULL ? NULL : store_col_str(q, 5);
		t->prob = sqlite3_column_double(q, 6);
		t->audit = sqlite3_column_int(q, 7);
		t->call = sqlite3_column_int64(q, 8);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "list tags", err, errlen);
}

void store_tags_free(struct store_tag *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		free(t[i].method);
	free(t);
}
