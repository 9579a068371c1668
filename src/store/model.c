/* Model versions, detections, detection rates, blobs and workspace state. */
#include "store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "xmalloc.h"

/* ------------------------------------------------------------------ models */

void store_model_free(struct store_model *m)
{
	if (!m)
		return;
	free(m->blob);
	free(m->report);
	free(m);
}

int store_model_put(store *st, struct store_model *m, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st,
		"INSERT INTO models (tracker, version, created, threshold, n_tags, provisional, state,"
		" precision, recall, blob, report)"
		" VALUES (?1, (SELECT COALESCE(MAX(version), 0) + 1 FROM models WHERE tracker = ?1),"
		" ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", err, errlen);
	if (!q)
		return -1;
	m->created = store_now();
	sqlite3_bind_int64(q, 1, m->tracker);
	sqlite3_bind_int64(q, 2, m->created);
	sqlite3_bind_double(q, 3, m->threshold);
	sqlite3_bind_int(q, 4, m->n_tags);
	sqlite3_bind_int(q, 5, m->provisional);
	sqlite3_bind_int(q, 6, m->state);
	if (isnan(m->precision))
		sqlite3_bind_null(q, 7);
	else
		sqlite3_bind_double(q, 7, m->precision);
	if (isnan(m->recall))
		sqlite3_bind_null(q, 8);
	else
		sqlite3_bind_double(q, 8, m->recall);
	sqlite3_bind_blob(q, 9, m->blob ? m->blob : "", (int)m->blob_len, SQLITE_STATIC);
	sqlite3_bind_text(q, 10, m->report ? m->report : "{}", -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "save model", err, errlen);
	m->id = sqlite3_last_insert_rowid(st->db);
	q = store_prep(st, "SELECT version FROM models WHERE id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, m->id);
	if (sqlite3_step(q) == SQLITE_ROW)
		m->version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return store_tracker_touch(st, m->tracker, err, errlen);
}

static int model_where(store *st, const char *where, int64_t arg, struct store_model **out,
		       char *err, size_t errlen)
{
	char sql[512];
	snprintf(sql, sizeof(sql), "SELECT id, tracker, version, created, threshold, n_tags,"
		 " provisional, state, precision, recall, blob, report FROM models WHERE %s", where);
	sqlite3_stmt *q = store_prep(st, sql, err, errlen);
	*out = NULL;
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, arg);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(q);
		return rc == SQLITE_DONE ? 1 : store_fail(st, "read model", err, errlen);
	}
	struct store_model *m = xcalloc(1, sizeof(*m));
	m->id = sqlite3_column_int64(q, 0);
	m->tracker = sqlite3_column_int64(q, 1);
	m->version = sqlite3_column_int(q, 2);
	m->created = sqlite3_column_int64(q, 3);
	m->threshold = sqlite3_column_double(q, 4);
	m->n_tags = sqlite3_column_int(q, 5);
	m->provisional = sqlite3_column_int(q, 6);
	m->state = sqlite3_column_int(q, 7);
	m->precision = sqlite3_column_type(q, 8) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 8);
	m->recall = sqlite3_column_type(q, 9) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 9);
	m->blob_len = (size_t)sqlite3_column_bytes(q, 10);
	m->blob = xmalloc(m->blob_len);
	if (m->blob_len)
		memcpy(m->blob, sqlite3_column_blob(q, 10), m->blob_len);
	m->report = store_col_str(q, 11);
	sqlite3_finalize(q);
	*out = m;
	return 0;
}

int store_model_latest(store *st, int64_t tracker, struct store_model **out,
		       char *err, size_t errlen)
{
	return model_where(st, "tracker = ? ORDER BY version DESC LIMIT 1", tracker, out, err, errlen);
}

int store_model_get(store *st, int64_t id, struct store_model **out, char *err, size_t errlen)
{
	return model_where(st, "id = ?", id, out, err, errlen);
}

int store_model_set_state(store *st, int64_t id, int state, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "UPDATE models SET state = ? WHERE id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, state);
	sqlite3_bind_int64(q, 2, id);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "set model state", err, errlen);
}

/* ------------------------------------------------------------------ detections */

int store_detections_add(store *st, int64_t tracker, int64_t model,
			 const struct store_detection_in *d, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *q = store_q(st, Q_DETECTION_INSERT,
			"INSERT OR REPLACE INTO detections (tracker, sentence, call, model, score)"
			" VALUES (?, ?, ?, ?, ?)", err, errlen);
		if (!q)
			return -1;
		sqlite3_bind_int64(q, 1, tracker);
		sqlite3_bind_int64(q, 2, d[i].sentence);
		sqlite3_bind_int64(q, 3, d[i].call);
		sqlite3_bind_int64(q, 4, model);
		sqlite3_bind_double(q, 5, d[i].score);
		if (sqlite3_step(q) != SQLITE_DONE)
			return store_fail(st, "save detection", err, errlen);
	}
	return 0;
}

int store_detections_replace(store *st, int64_t tracker, int64_t model,
			     const struct store_detection_in *d, size_t n,
			     char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "DELETE FROM detections WHERE tracker = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "clear detections", err, errlen);
	return store_detections_add(st, tracker, model, d, n, err, errlen);
}

int store_detections_list(store *st, int64_t tracker, struct store_detection **out, size_t *n,
			  char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st,
		"SELECT d.sentence, d.call, c.ext_id, c.title, c.started, c.started_unix,"
		" s.start_ms, s.end_ms, p.name, s.side, s.text, d.score, m.version"
		" FROM detections d JOIN sentences s ON s.id = d.sentence"
		" JOIN calls c ON c.id = d.call JOIN parties p ON p.id = s.party"
		" JOIN models m ON m.id = d.model"
		" WHERE d.tracker = ? ORDER BY c.started_unix DESC, c.id, s.idx", err, errlen);
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		xgrow(out, &cap, *n + 1, sizeof(**out));
		struct store_detection *x = &(*out)[(*n)++];
		x->sentence = sqlite3_column_int64(q, 0);
		x->call = sqlite3_column_int64(q, 1);
		x->call_ext_id = store_col_str(q, 2);
		x->call_title = store_col_str(q, 3);
		x->started = store_col_str(q, 4);
		x->started_unix = sqlite3_column_int64(q, 5);
		x->start_ms = sqlite3_column_int(q, 6);
		x->end_ms = sqlite3_column_int(q, 7);
		x->speaker = store_col_str(q, 8);
		x->side = sqlite3_column_int(q, 9);
		x->text = store_col_str(q, 10);
		x->score = sqlite3_column_double(q, 11);
		x->model_version = sqlite3_column_int(q, 12);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "list detections", err, errlen);
}

void store_detections_free(struct store_detection *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++) {
		free(d[i].call_ext_id);
		free(d[i].call_title);
		free(d[i].started);
		free(d[i].speaker);
		free(d[i].text);
	}
	free(d);
}

int store_detection_counts(store *st, int64_t tracker, struct store_call_count **out,
			   size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st,
		"SELECT c.id, c.ext_id, c.title, c.started, COUNT(*) FROM detections d"
		" JOIN calls c ON c.id = d.call WHERE d.tracker = ?"
		" GROUP BY c.id ORDER BY c.started_unix DESC, c.id", err, errlen);
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, tracker);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		xgrow(out, &cap, *n + 1, sizeof(**out));
		struct store_call_count *x = &(*out)[(*n)++];
		x->call = sqlite3_column_int64(q, 0);
		x->ext_id = store_col_str(q, 1);
		x->title = store_col_str(q, 2);
		x->started = store_col_str(q, 3);
		x->count = sqlite3_column_int64(q, 4);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "count detections", err, errlen);
}

void store_call_counts_free(struct store_call_count *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].ext_id);
		free(c[i].title);
		free(c[i].started);
	}
	free(c);
}

int store_detection_rates(store *st, int64_t tracker, const char *segment_key,
			  struct store_rate_row **out, size_t *n, char *err, size_t errlen)
{
	struct store_tracker *t = NULL;
	struct store_call_span *calls = NULL;
	size_t nc = 0, cap = 0;
	*out = NULL;
	*n = 0;
	if (store_tracker_get(st, tracker, &t, err, errlen) < 0)
		return -1;
	int64_t since = 0;
	if (t->active && t->backfill_months == 0)
		since = t->activated_at;
	else if (t->active)
		since = t->activated_at - (int64_t)t->backfill_months * 2629746;
	int rc = store_calls_matching(st, &t->live, since, &calls, &nc, err, errlen);
	store_tracker_free(t);
	if (rc < 0)
		return -1;
	/* The calls in scope go to a temporary table so the grouping is one query. */
	if (store_exec(st, "CREATE TEMP TABLE IF NOT EXISTS rate_calls (call INTEGER PRIMARY KEY);"
		       "DELETE FROM rate_calls;", err, errlen) < 0)
		goto fail;
	sqlite3_stmt *q = store_prep(st, "INSERT INTO rate_calls VALUES (?)", err, errlen);
	if (!q)
		goto fail;
	for (size_t i = 0; i < nc; i++) {
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, calls[i].call);
		sqlite3_step(q);
	}
	sqlite3_finalize(q);
	q = store_prep(st,
		"SELECT COALESCE(m.value, ''),"
		/* ISO 8601 week: the year and week of the Thursday of the call's week */
		" strftime('%Y', c.started_unix, 'unixepoch', '-3 days', 'weekday 4') || '-W' ||"
		" printf('%02d', (strftime('%j', c.started_unix, 'unixepoch', '-3 days', 'weekday 4') - 1) / 7 + 1),"
		" COUNT(*), SUM(EXISTS (SELECT 1 FROM detections d WHERE d.tracker = ?1 AND d.call = c.id)),"
		" SUM((SELECT COUNT(*) FROM detections d WHERE d.tracker = ?1 AND d.call = c.id))"
		" FROM rate_calls r JOIN calls c ON c.id = r.call"
		" LEFT JOIN call_meta m ON m.call = c.id AND m.key = ?2"
		" GROUP BY 1, 2 ORDER BY 2, 1", err, errlen);
	if (!q)
		goto fail;
	sqlite3_bind_int64(q, 1, tracker);
	sqlite3_bind_text(q, 2, segment_key ? segment_key : "", -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		xgrow(out, &cap, *n + 1, sizeof(**out));
		struct store_rate_row *r = &(*out)[(*n)++];
		r->segment = store_col_str(q, 0);
		snprintf(r->week, sizeof(r->week), "%s", (const char *)sqlite3_column_text(q, 1));
		r->calls = sqlite3_column_int64(q, 2);
		r->calls_detected = sqlite3_column_int64(q, 3);
		r->detections = sqlite3_column_int64(q, 4);
	}
	sqlite3_finalize(q);
	free(calls);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "detection rates", err, errlen);
fail:
	free(calls);
	return -1;
}

void store_rate_rows_free(struct store_rate_row *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		free(r[i].segment);
	free(r);
}

/* ------------------------------------------------------------------ blobs and state */

int store_blob_put(store *st, const char *name, const void *data, size_t len,
		   char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "INSERT OR REPLACE INTO blobs (name, data) VALUES (?, ?)",
				     err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(q, 2, len ? data : "", len, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "save blob", err, errlen);
}

int store_blob_get(store *st, const char *name, void **data, size_t *len,
		   char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "SELECT data FROM blobs WHERE name = ?", err, errlen);
	*data = NULL;
	*len = 0;
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(q);
		return rc == SQLITE_DONE ? 1 : store_fail(st, "read blob", err, errlen);
	}
	*len = (size_t)sqlite3_column_bytes(q, 0);
	*data = xmalloc(*len);
	if (*len)
		memcpy(*data, sqlite3_column_blob(q, 0), *len);
	sqlite3_finalize(q);
	return 0;
}

int store_blob_delete(store *st, const char *name, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "DELETE FROM blobs WHERE name = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "delete blob", err, errlen);
}

int store_state_set(store *st, const char *key, const char *value, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)",
				     err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "save state", err, errlen);
}

int store_state_get(store *st, const char *key, char **value, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "SELECT value FROM state WHERE key = ?", err, errlen);
	*value = NULL;
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*value = store_col_str(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : store_fail(st, "read state", err, errlen);
}
