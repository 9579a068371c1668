/* store: the workspace file. Opening and migrating, transactions, calls and sentences,
 * trackers and their drafts, examples, rounds and tags, models, detections, blobs and
 * state, and which calls a tracker's settings match. The file itself is inspected with
 * a second SQLite connection where only the schema can tell. */
#include "store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testhelp.h"
#include "xmalloc.h"

/* ------------------------------------------------------------------ helpers */

static store *open_ws(const char *name)
{
	char err[1024];
	store *st = NULL;
	if (store_open(test_tpath(name), &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	return st;
}

/* One integer from a query on a separate connection to the file. */
static long long peek(const char *file, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;
	if (sqlite3_open(test_tpath(file), &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

static int poke(const char *file, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	if (sqlite3_open(test_tpath(file), &db) != SQLITE_OK)
		return -1;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "poke: %s\n", msg);
	sqlite3_free(msg);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static int contains(const char *s, const char *part)
{
	return s && strstr(s, part) != NULL;
}

#define CHECK_HAS(s, part) CHECK_MSG(contains((s), (part)), "\"%s\" does not contain \"%s\"", \
	(s), (part))

/* A call to put: n sentences spoken in turn by a company rep and a customer. */
struct call_fixture {
	struct store_call_in c;
	struct store_party_in parties[2];
	struct store_sentence_in s[64];
	struct store_kv meta[4];
	char texts[64][48];
};

static void fixture(struct call_fixture *f, const char *id, int64_t started, int scope,
		    const char *team, const char *stage, int n)
{
	memset(f, 0, sizeof(*f));
	f->parties[0] = (struct store_party_in){.ext_id = "p1", .name = "Dana Reyes", .side = STORE_COMPANY};
	f->parties[1] = (struct store_party_in){.ext_id = "p2", .name = "Lee Park", .side = STORE_CUSTOMER};
	size_t nm = 0;
	if (team)
		f->meta[nm++] = (struct store_kv){"team", (char *)team};
	if (stage)
		f->meta[nm++] = (struct store_kv){"deal_stage", (char *)stage};
	for (int i = 0; i < n && i < 64; i++) {
		snprintf(f->texts[i], sizeof(f->texts[i]), "%s sentence %d.", id, i);
		f->s[i] = (struct store_sentence_in){.party = i % 2, .utt = i, .start_ms = i * 1000,
						     .end_ms = i * 1000 + 900, .text = f->texts[i]};
	}
	f->c = (struct store_call_in){
		.ext_id = (char *)id, .title = "A call", .started = "2026-03-02T15:00:00Z",
		.started_unix = started, .duration_ms = n * 1000, .scope = scope, .language = "en",
		.audio = NULL, .audio_ok = 0, .meta = f->meta, .n_meta = nm, .parties = f->parties,
		.n_parties = 2, .sentences = f->s, .n_sentences = (size_t)n,
	};
}

/* Puts a call in its own transaction; returns its row id (first sentence in *first). */
static int64_t put(store *st, const char *id, int64_t started, int scope, const char *team,
		   const char *stage, int n, int64_t *first, int *replaced)
{
	struct call_fixture f;
	char err[1024];
	int64_t call = 0, fs = 0;
	int rep = 0;
	fixture(&f, id, started, scope, team, stage, n);
	if (store_begin(st, err, sizeof(err)) < 0 ||
	    store_call_put(st, &f.c, &call, &fs, &rep, err, sizeof(err)) < 0 ||
	    store_commit(st, err, sizeof(err)) < 0) {
		fprintf(stderr, "put %s: %s\n", id, err);
		store_rollback(st);
		return 0;
	}
	if (first)
		*first = fs;
	if (replaced)
		*replaced = rep;
	return call;
}

static int64_t make_tracker(store *st, const char *name, int scope)
{
	struct store_settings s = {.name = (char *)name, .description = "", .scope = scope};
	int64_t id = 0;
	char err[1024];
	if (store_tracker_create(st, &s, &id, err, sizeof(err)) < 0)
		fprintf(stderr, "create %s: %s\n", name, err);
	return id;
}

/* ------------------------------------------------------------------ opening */

static void test_open(void)
{
	char err[1024];
	store *st;

	TEST("open: a new workspace gets the current schema version");
	st = open_ws("new.db");
	CHECK(st != NULL);
	CHECK(store_schema_version() >= 2);
	CHECK_INT(peek("new.db", "PRAGMA user_version"), store_schema_version());
	store_close(st);

	TEST("open: the workspace is in WAL mode");
	{
		sqlite3 *db;
		sqlite3_stmt *s;
		const unsigned char *mode = NULL;
		char got[16] = "";
		sqlite3_open(test_tpath("new.db"), &db);
		sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL);
		if (sqlite3_step(s) == SQLITE_ROW && (mode = sqlite3_column_text(s, 0)))
			snprintf(got, sizeof(got), "%s", mode);
		sqlite3_finalize(s);
		sqlite3_close(db);
		CHECK_STR(got, "wal");
	}

	TEST("open: the tables and indexes the app asks with exist");
	CHECK_INT(peek("new.db", "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('calls', 'parties',"
		       " 'sentences', 'trackers', 'tracker_drafts', 'examples', 'rounds', 'round_items', 'tags',"
		       " 'models', 'detections', 'blobs', 'state', 'call_meta')"), 14);
	CHECK_INT(peek("new.db", "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN"
		       " ('sentences_call', 'sentences_side', 'calls_started', 'calls_scope', 'call_meta_kv')"), 5);

	TEST("open: reopening keeps the data and does not migrate again");
	st = open_ws("new.db");
	CHECK_INT(put(st, "c1", 1000, STORE_SCOPE_EXTERNAL, NULL, NULL, 2, NULL, NULL) > 0, 1);
	store_close(st);
	st = open_ws("new.db");
	{
		struct store_summary s;
		CHECK_INT(store_summary_get(st, &s, err, sizeof(err)), 0);
		CHECK_INT(s.calls, 1);
	}
	store_close(st);

	TEST("open: foreign keys are on (deleting a call takes its sentences)");
	st = open_ws("fk.db");
	put(st, "gone", 1000, STORE_SCOPE_EXTERNAL, "East", NULL, 5, NULL, NULL);
	store_close(st);
	CHECK_INT(poke("fk.db", "PRAGMA foreign_keys = ON; DELETE FROM calls"), 0);
	CHECK_INT(peek("fk.db", "SELECT COUNT(*) FROM sentences"), 0);
	CHECK_INT(peek("fk.db", "SELECT COUNT(*) FROM parties"), 0);
	CHECK_INT(peek("fk.db", "SELECT COUNT(*) FROM call_meta"), 0);
	{
		/* and the handle itself enforces them: a tag on a sentence that is not there */
		st = open_ws("fk.db");
		int64_t t = make_tracker(st, "fk", STORE_SCOPE_ALL);
		store_begin(st, err, sizeof(err));
		CHECK_INT(store_tag_set(st, t, 12345, STORE_TAG_YES, NULL, err, sizeof(err)), -1);
		CHECK_HAS(err, "no sentence 12345");
		struct store_detection_in d = {.sentence = 999, .call = 999, .score = 0.5f};
		CHECK_INT(store_detections_add(st, t, 999, &d, 1, err, sizeof(err)), -1);
		CHECK_HAS(err, "store: save detection: FOREIGN KEY constraint failed");
		store_rollback(st);
		store_close(st);
	}

	TEST("open: a workspace of schema 1 is migrated forward with its data");
	{
		st = open_ws("v1.db");
		int64_t first = 0;
		put(st, "old", 5000, STORE_SCOPE_EXTERNAL, "East", NULL, 3, &first, NULL);
		int64_t t = make_tracker(st, "old tracker", STORE_SCOPE_ALL);
		store_begin(st, err, sizeof(err));
		store_tag_set(st, t, first + 1, STORE_TAG_YES, NULL, err, sizeof(err));
		store_commit(st, err, sizeof(err));
		store_close(st);
		/* Put the sentences table back the way schema 1 made it. */
		CHECK_INT(poke("v1.db",
			"PRAGMA foreign_keys = OFF; BEGIN;"
			"CREATE TABLE s1 (id INTEGER PRIMARY KEY,"
			" call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
			" party INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,"
			" idx INTEGER NOT NULL, utt INTEGER NOT NULL, side INTEGER NOT NULL,"
			" start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, text TEXT NOT NULL);"
			"INSERT INTO s1 SELECT * FROM sentences; DROP TABLE sentences;"
			"ALTER TABLE s1 RENAME TO sentences;"
			"CREATE UNIQUE INDEX sentences_call ON sentences(call, idx);"
			"CREATE INDEX sentences_party ON sentences(party);"
			"CREATE INDEX sentences_side ON sentences(side, call);"
			"ALTER TABLE parties DROP COLUMN channel;"
			"DROP TABLE tag_changes;"
			"DELETE FROM state; PRAGMA user_version = 1; COMMIT;"), 0);
		CHECK_INT(peek("v1.db", "PRAGMA user_version"), 1);
		st = open_ws("v1.db");
		CHECK_INT(peek("v1.db", "PRAGMA user_version"), store_schema_version());
		CHECK_INT(peek("v1.db", "SELECT COUNT(*) FROM sentences"), 3);
		CHECK_INT(peek("v1.db", "SELECT COUNT(*) FROM tags"), 1);
		CHECK_INT(peek("v1.db", "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sentences_party'"), 0);
		CHECK_INT(peek("v1.db", "SELECT COUNT(*) FROM pragma_foreign_key_list('sentences')"), 1);
		CHECK_INT(peek("v1.db", "SELECT COUNT(*) FROM pragma_table_info('parties') WHERE name = 'channel'"), 1);
		CHECK_INT(peek("v1.db", "SELECT COUNT(*) FROM sqlite_master WHERE name = 'tag_changes'"), 1);
		/* and works as before: replacing the call with one that no longer has the tagged
		 * sentence takes the tag with it */
		int rep = 0;
		int64_t first2 = 0;
		put(st, "old", 5000, STORE_SCOPE_EXTERNAL, "East", NULL, 1, &first2, &rep);
		CHECK_INT(rep, 1);
		CHECK(first2 > first + 2);
		CHECK_INT(peek("v1.db", "SELECT COUNT(*) FROM tags"), 0);
		CHECK_INT(peek("v1.db", "SELECT COUNT(*) FROM sentences"), 1);
		store_close(st);
	}

	TEST("open: a workspace from a newer tracker is refused, untouched");
	CHECK_INT(poke("v1.db", "PRAGMA user_version = 99"), 0);
	st = NULL;
	CHECK_INT(store_open(test_tpath("v1.db"), &st, err, sizeof(err)), -1);
	CHECK(st == NULL);
	CHECK_HAS(err, "v1.db: workspace schema version 99 is newer");
	CHECK_INT(peek("v1.db", "PRAGMA user_version"), 99);

	TEST("open: a file that is not a workspace says so");
	{
		FILE *f = fopen(test_tpath("notes.txt"), "w");
		fputs("these are not the calls you are looking for, not at all, no no no no no no no\n", f);
		fclose(f);
		CHECK_INT(store_open(test_tpath("notes.txt"), &st, err, sizeof(err)), -1);
		CHECK_HAS(err, "notes.txt: not a tracker workspace");
	}

	TEST("open: a folder that does not exist names the path");
	CHECK_INT(store_open(test_tpath("no/such/dir/w.db"), &st, err, sizeof(err)), -1);
	CHECK_HAS(err, "no/such/dir/w.db: ");

	TEST("transactions: begin/commit nest and rollback undoes the outermost");
	st = open_ws("tx.db");
	CHECK_INT(store_begin(st, err, sizeof(err)), 0);
	CHECK_INT(store_begin(st, err, sizeof(err)), 0);
	CHECK_INT(store_state_set(st, "a", "1", err, sizeof(err)), 0);
	CHECK_INT(store_commit(st, err, sizeof(err)), 0);	/* inner: nothing yet */
	CHECK_INT(peek("tx.db", "SELECT COUNT(*) FROM state WHERE key = 'a'"), 0);
	CHECK_INT(store_commit(st, err, sizeof(err)), 0);
	CHECK_INT(peek("tx.db", "SELECT COUNT(*) FROM state WHERE key = 'a'"), 1);
	CHECK_INT(store_begin(st, err, sizeof(err)), 0);
	CHECK_INT(store_begin(st, err, sizeof(err)), 0);
	CHECK_INT(store_state_set(st, "b", "2", err, sizeof(err)), 0);
	CHECK_INT(store_commit(st, err, sizeof(err)), 0);
	store_rollback(st);
	store_rollback(st);	/* safe with none open */
	{
		char *v = NULL;
		CHECK_INT(store_state_get(st, "b", &v, err, sizeof(err)), 1);
		free(v);
	}
	CHECK_INT(store_commit(st, err, sizeof(err)), 0);	/* none open: nothing to do */

	TEST("transactions: a reader is not blocked by an open write (WAL)");
	{
		store *other = open_ws("tx.db");
		CHECK_INT(store_begin(st, err, sizeof(err)), 0);
		CHECK_INT(store_state_set(st, "a", "2", err, sizeof(err)), 0);
		char *v = NULL;
		CHECK_INT(store_state_get(other, "a", &v, err, sizeof(err)), 0);
		CHECK_STR(v, "1");
		free(v);
		store_rollback(st);
		store_close(other);
	}
	store_close(st);

	TEST("close: NULL is fine");
	store_close(NULL);
}

/* ------------------------------------------------------------------ calls and sentences */

/* Counts the rows of a scan, checking their order; stops with 7 after stop_at rows. */
struct scan { int64_t seen, last; int stop_at; };

static int scan_fn(void *ctx, const struct store_sentence_row *r)
{
	struct scan *sc = ctx;
	if (sc->last && r->id != sc->last + 1)
		return -100;	/* out of order */
	sc->seen++;
	sc->last = r->id;
	if (!r->text || !*r->text)
		return -101;
	return sc->stop_at && sc->seen == sc->stop_at ? 7 : 0;
}

static void test_calls(void)
{
	char err[1024];
	store *st = open_ws("calls.db");
	int64_t f1 = 0, f2 = 0, f3 = 0;
	int rep = -1;

	TEST("calls: a call's sentence ids are consecutive, the next call's follow");
	int64_t c1 = put(st, "c1", 1000, STORE_SCOPE_EXTERNAL, "East", "Discovery", 5, &f1, &rep);
	int64_t c2 = put(st, "c2", 3000, STORE_SCOPE_INTERNAL, "West", NULL, 3, &f2, NULL);
	int64_t c3 = put(st, "c3", 2000, STORE_SCOPE_EXTERNAL, "West", "Negotiation", 4, &f3, NULL);
	CHECK(c1 > 0 && c2 > 0 && c3 > 0);
	CHECK_INT(rep, 0);
	CHECK_INT(f1, 1);
	CHECK_INT(f2, f1 + 5);
	CHECK_INT(f3, f2 + 3);
	{
		struct store_sentence *s;
		size_t n;
		CHECK_INT(store_call_sentences(st, c1, &s, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 5);
		for (size_t i = 0; i < n; i++) {
			CHECK_INT(s[i].id, f1 + (int64_t)i);
			CHECK_INT(s[i].idx, (int)i);
			CHECK_INT(s[i].call, c1);
		}
		if (n == 5) {
			CHECK_STR(s[0].speaker, "Dana Reyes");
			CHECK_INT(s[0].side, STORE_COMPANY);
			CHECK_STR(s[1].speaker, "Lee Park");
			CHECK_INT(s[1].side, STORE_CUSTOMER);
			CHECK_STR(s[4].text, "c1 sentence 4.");
			CHECK_INT(s[4].start_ms, 4000);
			CHECK_INT(s[4].end_ms, 4900);
			CHECK_INT(s[3].utt, 3);
		}
		store_sentences_free(s, n);
	}

	TEST("calls: listed newest first with metadata, parties and counts");
	{
		struct store_call *k;
		size_t n;
		CHECK_INT(store_calls_list(st, &k, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 3);
		if (n == 3) {
			CHECK_STR(k[0].ext_id, "c2");
			CHECK_STR(k[1].ext_id, "c3");
			CHECK_STR(k[2].ext_id, "c1");
			CHECK_INT(k[2].n_sentences, 5);
			CHECK_INT(k[2].first_sentence, f1);
			CHECK_INT(k[2].n_meta, 2);
			if (k[2].n_meta == 2) {
				CHECK_STR(k[2].meta[0].key, "deal_stage");	/* by key */
				CHECK_STR(k[2].meta[1].value, "East");
			}
			CHECK_INT(k[2].n_parties, 2);
			CHECK_INT(k[0].scope, STORE_SCOPE_INTERNAL);
			CHECK_STR(k[0].title, "A call");
			CHECK_INT(k[0].duration_ms, 3000);
		}
		store_calls_free(k, n);
	}

	TEST("calls: found by import id or row id; 1 when there is none");
	{
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "c3", &k, err, sizeof(err)), 0);
		CHECK(k && k->id == c3);
		store_calls_free(k, k ? 1 : 0);
		CHECK_INT(store_call_get_id(st, c2, &k, err, sizeof(err)), 0);
		CHECK(k && !strcmp(k->ext_id, "c2"));
		store_calls_free(k, k ? 1 : 0);
		CHECK_INT(store_call_get(st, "nope", &k, err, sizeof(err)), 1);
		CHECK(k == NULL);
		CHECK_INT(store_call_get_id(st, 999, &k, err, sizeof(err)), 1);
	}

	TEST("calls: the recording's state can be set");
	{
		struct store_call *k = NULL;
		CHECK_INT(store_call_set_audio(st, c1, "/rec/c1.ogg", 1, 4321, err, sizeof(err)), 0);
		store_call_get_id(st, c1, &k, err, sizeof(err));
		if (k) {
			CHECK_STR(k->audio, "/rec/c1.ogg");
			CHECK_INT(k->audio_ok, 1);
			CHECK_INT(k->audio_ms, 4321);
		}
		store_calls_free(k, k ? 1 : 0);
	}

	TEST("sentences: context gives neighbours from the same call only");
	{
		struct store_sentence *s;
		size_t n, t;
		CHECK_INT(store_sentence_context(st, f1 + 2, 1, 1, &s, &n, &t, err, sizeof(err)), 0);
		CHECK_INT(n, 3);
		CHECK_INT(t, 1);
		if (n == 3)
			CHECK_INT(s[t].id, f1 + 2);
		store_sentences_free(s, n);
		/* the last sentence of c1: nothing after it from c2 */
		CHECK_INT(store_sentence_context(st, f1 + 4, 2, 2, &s, &n, &t, err, sizeof(err)), 0);
		CHECK_INT(n, 3);
		CHECK_INT(t, 2);
		for (size_t i = 0; i < n; i++)
			CHECK_INT(s[i].call, c1);
		store_sentences_free(s, n);
		CHECK_INT(store_sentence_context(st, 9999, 2, 2, &s, &n, &t, err, sizeof(err)), 1);
		CHECK_INT(n, 0);
	}

	TEST("sentences: a scan goes in id order from an id and stops when asked");
	{
		struct scan sc = {0, 0, 0};
		CHECK_INT(store_sentences_scan(st, f2 - 1, scan_fn, &sc, err, sizeof(err)), 0);
		CHECK_INT(sc.seen, 7);
		CHECK_INT(sc.last, f3 + 3);
		sc = (struct scan){0, 0, 2};
		CHECK_INT(store_sentences_scan(st, 0, scan_fn, &sc, err, sizeof(err)), 7);
		CHECK_INT(sc.seen, 2);
	}

	TEST("sentences: existence");
	{
		int e = -1;
		CHECK_INT(store_sentence_exists(st, f1, &e, err, sizeof(err)), 0);
		CHECK_INT(e, 1);
		CHECK_INT(store_sentence_exists(st, 777, &e, err, sizeof(err)), 0);
		CHECK_INT(e, 0);
	}

	TEST("calls: the summary counts calls, sides, sentences and dates");
	{
		struct store_summary s;
		CHECK_INT(store_summary_get(st, &s, err, sizeof(err)), 0);
		CHECK_INT(s.calls, 3);
		CHECK_INT(s.external_calls, 2);
		CHECK_INT(s.internal_calls, 1);
		CHECK_INT(s.sentences, 12);
		CHECK_INT(s.max_sentence, f3 + 3);
		CHECK_INT(s.first_unix, 1000);
		CHECK_INT(s.last_unix, 3000);
		CHECK_INT(s.trackers, 0);
	}

	TEST("calls: metadata keys and the values of one with their counts");
	{
		char **keys;
		size_t n;
		CHECK_INT(store_meta_keys(st, &keys, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_STR(keys[0], "deal_stage");
			CHECK_STR(keys[1], "team");
		}
		store_strings_free(keys, n);
		struct store_kv *v;
		CHECK_INT(store_meta_values(st, "team", &v, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_STR(v[0].key, "East");
			CHECK_STR(v[0].value, "1");
			CHECK_STR(v[1].key, "West");
			CHECK_STR(v[1].value, "2");
		}
		store_kvs_free(v, n);
	}

	TEST("calls: replacing a call keeps the tags and round items of the sentences it still has; its detections go");
	{
		int64_t t = make_tracker(st, "replace", STORE_SCOPE_ALL);
		struct store_round_item items[2] = {{.sentence = f1 + 1, .method = "near-example"},
						    {.sentence = f2, .method = "audit", .audit = 1}};
		struct store_model m = {.tracker = t, .threshold = 0.5, .precision = NAN, .recall = NAN};
		CHECK_INT(store_begin(st, err, sizeof(err)), 0);
		CHECK_INT(store_round_create(st, t, 1, items, 2, NULL, err, sizeof(err)), 0);
		CHECK_INT(store_tag_set(st, t, f1 + 1, STORE_TAG_YES, NULL, err, sizeof(err)), 0);
		CHECK_INT(store_tag_set(st, t, f2, STORE_TAG_NO, NULL, err, sizeof(err)), 0);
		CHECK_INT(store_model_put(st, &m, err, sizeof(err)), 0);
		struct store_detection_in d[2] = {{f1 + 1, c1, 0.9f}, {f2, c2, 0.8f}};
		CHECK_INT(store_detections_replace(st, t, m.id, d, 2, err, sizeof(err)), 0);
		CHECK_INT(store_commit(st, err, sizeof(err)), 0);
		CHECK_INT(peek("calls.db", "SELECT COUNT(*) FROM tags"), 2);

		int64_t nf = 0;
		int64_t c1b = put(st, "c1", 1500, STORE_SCOPE_EXTERNAL, "North", NULL, 2, &nf, &rep);
		CHECK_INT(rep, 1);
		CHECK(c1b != c1);
		/* "c1 sentence 1" is in the new transcript too: its tag and item move onto it */
		CHECK_INT(peek("calls.db", "SELECT COUNT(*) FROM tags"), 2);
		CHECK_INT(peek("calls.db", "SELECT COUNT(*) FROM round_items"), 2);
		char q[160];
		snprintf(q, sizeof(q), "SELECT COUNT(*) FROM tags WHERE sentence = %lld AND label = %d",
			 (long long)(nf + 1), STORE_TAG_YES);
		CHECK_INT(peek("calls.db", q), 1);
		snprintf(q, sizeof(q), "SELECT COUNT(*) FROM round_items WHERE sentence = %lld",
			 (long long)(nf + 1));
		CHECK_INT(peek("calls.db", q), 1);
		int64_t kept = -1, dropped = -1;
		store_call_put_carried(st, &kept, &dropped);
		CHECK_INT(kept, 1);
		CHECK_INT(dropped, 0);
		/* detections belong to the model that scored the old sentences */
		CHECK_INT(peek("calls.db", "SELECT COUNT(*) FROM detections"), 1);
		CHECK_INT(peek("calls.db", "SELECT COUNT(*) FROM sentences"), 9);
		CHECK_INT(peek("calls.db", "SELECT COUNT(*) FROM call_meta WHERE value = 'East'"), 0);
		CHECK_INT(peek("calls.db", "SELECT COUNT(*) FROM parties"), 6);
		/* the new sentences are consecutive and after every id used so far */
		CHECK_INT(nf, f3 + 4);
		struct store_call *k = NULL;
		store_call_get(st, "c1", &k, err, sizeof(err));
		if (k) {
			CHECK_INT(k->first_sentence, nf);
			CHECK_INT(k->n_sentences, 2);
			CHECK_INT(k->started_unix, 1500);
		}
		store_calls_free(k, k ? 1 : 0);

		/* a model names the ids it was trained on: they lead to where the tags went */
		int64_t ids[3] = {f1 + 1, f2, 777};
		size_t moved = 9;
		CHECK_INT(store_sentences_follow(st, ids, 3, &moved, err, sizeof(err)), 0);
		CHECK_INT(moved, 1);
		CHECK_INT(ids[0], nf + 1);
		CHECK_INT(ids[1], f2);
		CHECK_INT(ids[2], 777);
		/* replaced again (with a sentence more): the first id leads to the newest, in one step */
		int64_t nf2 = 0;
		put(st, "c1", 1500, STORE_SCOPE_EXTERNAL, "North", NULL, 3, &nf2, &rep);
		CHECK_INT(rep, 1);
		ids[0] = f1 + 1;
		CHECK_INT(store_sentences_follow(st, ids, 1, &moved, err, sizeof(err)), 0);
		CHECK_INT(moved, 1);
		char q2[160];
		snprintf(q2, sizeof(q2), "SELECT COUNT(*) FROM tags WHERE sentence = %lld", (long long)ids[0]);
		CHECK_INT(peek("calls.db", q2), 1);
		CHECK_INT(ids[0], nf2 + 1);
		CHECK_INT(peek("calls.db", "SELECT COUNT(*) FROM sentence_moves WHERE new < (SELECT MIN(id) FROM sentences WHERE call = (SELECT id FROM calls WHERE ext_id = 'c1'))"), 0);
	}

	TEST("calls: a workspace where no call was replaced has no moved sentences");
	{
		store *fresh = open_ws("unmoved.db");
		int64_t ids[2] = {1, 2};
		size_t moved = 9;
		CHECK_INT(store_sentences_follow(fresh, ids, 2, &moved, err, sizeof(err)), 0);
		CHECK_INT(moved, 0);
		CHECK_INT(ids[0], 1);
		CHECK_INT(ids[1], 2);
		store_close(fresh);
	}

	TEST("calls: replacing the newest call does not reuse its sentence ids");
	{
		int64_t a = 0, b = 0;
		put(st, "last", 9000, STORE_SCOPE_EXTERNAL, NULL, NULL, 3, &a, NULL);
		put(st, "last", 9000, STORE_SCOPE_EXTERNAL, NULL, NULL, 3, &b, &rep);
		CHECK_INT(rep, 1);
		CHECK_INT(b, a + 3);
		store_close(st);
		st = open_ws("calls.db");	/* and not after reopening either */
		put(st, "last", 9000, STORE_SCOPE_EXTERNAL, NULL, NULL, 3, &a, &rep);
		CHECK_INT(a, b + 3);
	}

	TEST("calls: a sentence whose party is not in the call is refused");
	{
		struct call_fixture f;
		int64_t id;
		fixture(&f, "orphan", 100, STORE_SCOPE_EXTERNAL, NULL, NULL, 2);
		f.s[1].party = 5;
		store_begin(st, err, sizeof(err));
		CHECK_INT(store_call_put(st, &f.c, &id, NULL, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "sentence 1 of call orphan has no party");
		store_rollback(st);
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "orphan", &k, err, sizeof(err)), 1);
	}

	TEST("calls: a call with no sentences is kept with an empty span");
	{
		int64_t a = 0;
		int64_t id = put(st, "silent", 50, STORE_SCOPE_EXTERNAL, NULL, NULL, 0, &a, NULL);
		CHECK(id > 0);
		struct store_call *k = NULL;
		store_call_get_id(st, id, &k, err, sizeof(err));
		if (k)
			CHECK_INT(k->n_sentences, 0);
		store_calls_free(k, k ? 1 : 0);
	}
	store_close(st);
}

/* ------------------------------------------------------------------ trackers */

static void test_trackers(void)
{
	char err[1024];
	store *st = open_ws("trackers.db");
	struct store_kv filters[3] = {{"team", "East"}, {"team", "West"}, {"deal_stage", "Discovery"}};
	struct store_settings s = {
		.name = "Asking for a discount", .description = "customer asks for a lower price",
		.by = STORE_BY_CUSTOMER, .scope = STORE_SCOPE_EXTERNAL, .part = STORE_PART_LAST,
		.part_minutes = 10, .filters = filters, .n_filters = 3,
	};
	int64_t id = 0, id2 = 0, found = 0;

	TEST("trackers: created with all their settings");
	CHECK_INT(store_tracker_create(st, &s, &id, err, sizeof(err)), 0);
	CHECK(id > 0);
	{
		struct store_tracker *t = NULL;
		CHECK_INT(store_tracker_get(st, id, &t, err, sizeof(err)), 0);
		if (t) {
			CHECK_STR(t->live.name, "Asking for a discount");
			CHECK_STR(t->live.description, "customer asks for a lower price");
			CHECK_INT(t->live.by, STORE_BY_CUSTOMER);
			CHECK_INT(t->live.scope, STORE_SCOPE_EXTERNAL);
			CHECK_INT(t->live.part, STORE_PART_LAST);
			CHECK_INT(t->live.part_minutes, 10);
			CHECK_INT(t->live.n_filters, 3);
			if (t->live.n_filters == 3) {
				CHECK_STR(t->live.filters[1].key, "team");
				CHECK_STR(t->live.filters[1].value, "West");
				CHECK_STR(t->live.filters[2].key, "deal_stage");
			}
			CHECK_INT(t->has_draft_settings, 0);
			CHECK_INT(t->active, 0);
			CHECK_INT(t->rounds, 0);
			CHECK_INT(t->latest_model, 0);
			CHECK(isnan(t->latest_precision));
			CHECK_INT(t->n_examples, 0);
		}
		store_tracker_free(t);
	}

	TEST("trackers: names are unique, whatever their case");
	s.name = "asking FOR a discount";
	CHECK_INT(store_tracker_create(st, &s, &id2, err, sizeof(err)), -1);
	CHECK_HAS(err, "a tracker named 'asking FOR a discount' already exists");
	s.name = "";
	CHECK_INT(store_tracker_create(st, &s, &id2, err, sizeof(err)), -1);
	CHECK_HAS(err, "needs a name");

	TEST("trackers: a filter holding a tab or line break is refused");
	{
		struct store_kv bad = {"team", "East\tWest"};
		struct store_settings b = {.name = "tabs", .filters = &bad, .n_filters = 1};
		CHECK_INT(store_tracker_create(st, &b, &id2, err, sizeof(err)), -1);
		CHECK_HAS(err, "tab or a line break");
	}

	TEST("trackers: found by id or by name; 1 when there is none");
	CHECK_INT(store_tracker_find(st, "1", &found, err, sizeof(err)), 0);
	CHECK_INT(found, id);
	CHECK_INT(store_tracker_find(st, "Asking for a discount", &found, err, sizeof(err)), 0);
	CHECK_INT(found, id);
	CHECK_INT(store_tracker_find(st, "nothing", &found, err, sizeof(err)), 1);
	CHECK_INT(store_tracker_find(st, "42", &found, err, sizeof(err)), 1);
	CHECK_INT(store_tracker_get(st, 42, &(struct store_tracker *){NULL}, err, sizeof(err)), -1);
	CHECK_HAS(err, "no tracker 42");

	TEST("trackers: settings changed live");
	{
		struct store_settings e;
		store_settings_copy(&e, &s);
		free(e.name);
		e.name = xstrdup("Discount ask");
		e.by = STORE_BY_ANY;
		e.n_filters = 1;
		CHECK_INT(store_tracker_set_settings(st, id, &e, 0, err, sizeof(err)), 0);
		e.n_filters = 3;
		store_settings_clear(&e);
		CHECK(e.name == NULL);
		struct store_tracker *t = NULL;
		store_tracker_get(st, id, &t, err, sizeof(err));
		if (t) {
			CHECK_STR(t->live.name, "Discount ask");
			CHECK_INT(t->live.by, STORE_BY_ANY);
			CHECK_INT(t->live.n_filters, 1);
			CHECK_INT(t->has_draft_settings, 0);
		}
		store_tracker_free(t);
	}

	TEST("trackers: a draft waits beside the live settings until published");
	{
		s.name = "Discount ask v2";
		s.n_filters = 0;
		CHECK_INT(store_tracker_set_settings(st, id, &s, 1, err, sizeof(err)), 0);
		struct store_tracker *t = NULL;
		store_tracker_get(st, id, &t, err, sizeof(err));
		if (t) {
			CHECK_STR(t->live.name, "Discount ask");
			CHECK_INT(t->has_draft_settings, 1);
			CHECK_STR(t->draft.name, "Discount ask v2");
		}
		store_tracker_free(t);
		/* the draft's name is taken too */
		struct store_settings o = {.name = "discount ask V2"};
		CHECK_INT(store_tracker_create(st, &o, &id2, err, sizeof(err)), -1);
		CHECK_INT(store_tracker_publish_settings(st, id, err, sizeof(err)), 0);
		store_tracker_get(st, id, &t, err, sizeof(err));
		if (t) {
			CHECK_STR(t->live.name, "Discount ask v2");
			CHECK_INT(t->live.n_filters, 0);
			CHECK_INT(t->has_draft_settings, 0);
		}
		store_tracker_free(t);
		/* publishing with no draft changes nothing */
		CHECK_INT(store_tracker_publish_settings(st, id, err, sizeof(err)), 0);
		store_tracker_get(st, id, &t, err, sizeof(err));
		if (t)
			CHECK_STR(t->live.name, "Discount ask v2");
		store_tracker_free(t);
	}

	TEST("trackers: activation and the live model are recorded");
	setenv("TRACKER_NOW", "1770000000", 1);
	CHECK_INT(store_tracker_set_active(st, id, 1, 12, err, sizeof(err)), 0);
	CHECK_INT(store_tracker_set_live_model(st, id, 77, err, sizeof(err)), 0);
	{
		struct store_tracker *t = NULL;
		store_tracker_get(st, id, &t, err, sizeof(err));
		if (t) {
			CHECK_INT(t->active, 1);
			CHECK_INT(t->backfill_months, 12);
			CHECK_INT(t->activated_at, 1770000000);
			CHECK_INT(t->updated, 1770000000);
			CHECK_INT(t->live_model, 77);
		}
		store_tracker_free(t);
		struct store_summary sum;
		store_summary_get(st, &sum, err, sizeof(err));
		CHECK_INT(sum.trackers, 1);
		CHECK_INT(sum.active_trackers, 1);
	}
	unsetenv("TRACKER_NOW");

	TEST("trackers: listed in id order");
	{
		struct store_settings o = {.name = "Pricing objection"};
		CHECK_INT(store_tracker_create(st, &o, &id2, err, sizeof(err)), 0);
		struct store_tracker *t;
		size_t n;
		CHECK_INT(store_trackers_list(st, &t, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_INT(t[0].id, id);
			CHECK_STR(t[1].live.name, "Pricing objection");
			CHECK_STR(t[1].live.description, "");
		}
		store_trackers_free(t, n);
	}

	TEST("examples: added, listed in order, changed and deleted");
	{
		int64_t e1, e2, e3;
		CHECK_INT(store_example_add(st, id, "Can you do better on the price?", &e1, err, sizeof(err)), 0);
		CHECK_INT(store_example_add(st, id, "Is there a discount for two years?", &e2, err, sizeof(err)), 0);
		CHECK_INT(store_example_add(st, id2, "That's too expensive.", &e3, err, sizeof(err)), 0);
		CHECK_INT(store_example_update(st, e2, "Any discount for a two-year deal?", err, sizeof(err)), 0);
		struct store_example *ex;
		size_t n;
		CHECK_INT(store_examples_list(st, id, &ex, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_INT(ex[0].id, e1);
			CHECK_STR(ex[1].text, "Any discount for a two-year deal?");
		}
		store_examples_free(ex, n);
		CHECK_INT(store_example_delete(st, e1, err, sizeof(err)), 0);
		CHECK_INT(store_examples_list(st, id, &ex, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 1);
		store_examples_free(ex, n);
		struct store_tracker *t = NULL;
		store_tracker_get(st, id, &t, err, sizeof(err));
		if (t)
			CHECK_INT(t->n_examples, 1);
		store_tracker_free(t);
	}

	TEST("trackers: deleting one takes its examples and leaves the others");
	CHECK_INT(store_tracker_delete(st, id, err, sizeof(err)), 0);
	CHECK_INT(store_tracker_find(st, "Discount ask v2", &found, err, sizeof(err)), 1);
	CHECK_INT(peek("trackers.db", "SELECT COUNT(*) FROM examples"), 1);
	CHECK_INT(peek("trackers.db", "SELECT COUNT(*) FROM trackers"), 1);

	TEST("settings: copy is deep and clear accepts NULL");
	{
		struct store_settings a = {0}, b;
		a.name = "x";
		a.filters = filters;
		a.n_filters = 2;
		store_settings_copy(&b, &a);
		CHECK(b.name != a.name);
		CHECK_STR(b.name, "x");
		CHECK_STR(b.description, "");
		CHECK(b.filters != a.filters);
		CHECK_STR(b.filters[1].value, "West");
		store_settings_clear(&b);
		store_settings_clear(NULL);
	}

	TEST("names: labels, sides, scopes and who says it");
	CHECK_STR(store_label_name(STORE_TAG_YES), "yes");
	CHECK_STR(store_label_name(STORE_TAG_NO), "no");
	CHECK_STR(store_label_name(STORE_TAG_UNSURE), "unsure");
	CHECK_INT(store_label_parse("yes"), STORE_TAG_YES);
	CHECK_INT(store_label_parse("no"), STORE_TAG_NO);
	CHECK_INT(store_label_parse("unsure"), STORE_TAG_UNSURE);
	CHECK_INT(store_label_parse("maybe"), STORE_TAG_NONE);
	CHECK_INT(store_label_parse(NULL), STORE_TAG_NONE);
	CHECK_STR(store_side_name(STORE_CUSTOMER), "customer");
	CHECK_STR(store_side_name(STORE_COMPANY), "company");
	CHECK_STR(store_by_name(STORE_BY_ANY), "any");
	CHECK_STR(store_scope_name(STORE_SCOPE_ALL), "all");
	CHECK_STR(store_scope_name(STORE_SCOPE_INTERNAL), "internal");
	store_close(st);
}

/* ------------------------------------------------------------------ rounds and tags */

static void test_rounds(void)
{
	char err[1024];
	store *st = open_ws("rounds.db");
	int64_t f = 0;
	put(st, "r1", 1000, STORE_SCOPE_EXTERNAL, NULL, NULL, 10, &f, NULL);
	int64_t t = make_tracker(st, "rounds", STORE_SCOPE_ALL);
	int completed = -1;
	int64_t rid = 0, undone = -1;

	TEST("rounds: none yet is 1");
	{
		struct store_round *r = NULL;
		CHECK_INT(store_round_latest(st, t, &r, err, sizeof(err)), 1);
		CHECK(r == NULL);
	}

	TEST("rounds: created with their items, methods and draw probabilities");
	{
		struct store_round_item items[3] = {
			{.sentence = f, .method = "near-example", .prob = 0.25},
			{.sentence = f + 1, .method = "boundary", .prob = 0.5},
			{.sentence = f + 2, .method = "audit", .prob = 0.01, .audit = 1},
		};
		setenv("TRACKER_NOW", "1770000100", 1);
		CHECK_INT(store_round_create(st, t, 1, items, 3, &rid, err, sizeof(err)), 0);
		struct store_round *r = NULL;
		CHECK_INT(store_round_latest(st, t, &r, err, sizeof(err)), 0);
		if (r) {
			CHECK_INT(r->id, rid);
			CHECK_INT(r->number, 1);
			CHECK_INT(r->created, 1770000100);
			CHECK_INT(r->completed, 0);
			CHECK_INT(r->n_items, 3);
			if (r->n_items == 3) {
				CHECK_INT(r->items[0].sentence, f);
				CHECK_STR(r->items[1].method, "boundary");
				CHECK(fabs(r->items[1].prob - 0.5) < 1e-9);
				CHECK_INT(r->items[2].audit, 1);
				CHECK_INT(r->items[2].position, 2);
				CHECK_INT(r->items[0].tag, STORE_TAG_NONE);
			}
		}
		store_round_free(r);
		CHECK_INT(store_round_create(st, t, 1, items, 1, NULL, err, sizeof(err)), -1);	/* number taken */
	}

	TEST("tags: a round completes when each item has a tag (NOT SURE counts)");
	CHECK_INT(store_tag_set(st, t, f, STORE_TAG_YES, &completed, err, sizeof(err)), 0);
	CHECK_INT(completed, 0);
	CHECK_INT(store_tag_set(st, t, f + 1, STORE_TAG_UNSURE, &completed, err, sizeof(err)), 0);
	CHECK_INT(completed, 0);
	CHECK_INT(store_tag_set(st, t, f + 2, STORE_TAG_NO, &completed, err, sizeof(err)), 0);
	CHECK_INT(completed, 1);
	{
		struct store_round *r = NULL;
		store_round_latest(st, t, &r, err, sizeof(err));
		if (r) {
			CHECK_INT(r->completed, 1770000100);
			CHECK_INT(r->items[1].tag, STORE_TAG_UNSURE);
		}
		store_round_free(r);
		struct store_tracker *tr = NULL;
		store_tracker_get(st, t, &tr, err, sizeof(err));
		if (tr) {
			CHECK_INT(tr->n_yes, 1);
			CHECK_INT(tr->n_no, 1);
			CHECK_INT(tr->n_unsure, 1);
			CHECK_INT(tr->rounds, 1);
			CHECK_INT(tr->round_open, 0);
		}
		store_tracker_free(tr);
	}

	TEST("tags: changing a tag of a complete round keeps it complete, not completed again");
	CHECK_INT(store_tag_set(st, t, f + 1, STORE_TAG_YES, &completed, err, sizeof(err)), 0);
	CHECK_INT(completed, 0);

	TEST("tags: undo of a changed tag puts the earlier tag back, the round stays complete");
	{
		int now = -5;
		CHECK_INT(store_tag_undo(st, t, &undone, &now, err, sizeof(err)), 0);
		CHECK_INT(undone, f + 1);	/* changed last */
		CHECK_INT(now, STORE_TAG_UNSURE);
		struct store_round *r = NULL;
		store_round_latest(st, t, &r, err, sizeof(err));
		if (r) {
			CHECK_INT(r->completed, 1770000100);
			CHECK_INT(r->items[1].tag, STORE_TAG_UNSURE);
		}
		store_round_free(r);
	}

	TEST("tags: undo again removes the tags in the order they were set, reopening the round");
	{
		int now = -5;
		CHECK_INT(store_tag_undo(st, t, &undone, &now, err, sizeof(err)), 0);
		CHECK_INT(undone, f + 2);
		CHECK_INT(now, STORE_TAG_NONE);
		CHECK_INT(store_tag_undo(st, t, &undone, NULL, err, sizeof(err)), 0);
		CHECK_INT(undone, f + 1);
		struct store_round *r = NULL;
		store_round_latest(st, t, &r, err, sizeof(err));
		if (r) {
			CHECK_INT(r->completed, 0);
			CHECK_INT(r->items[0].tag, STORE_TAG_YES);
			CHECK_INT(r->items[1].tag, STORE_TAG_NONE);
			CHECK_INT(r->items[2].tag, STORE_TAG_NONE);
		}
		store_round_free(r);
	}
	CHECK_INT(store_tag_set(st, t, f + 2, STORE_TAG_NO, &completed, err, sizeof(err)), 0);
	CHECK_INT(completed, 0);
	CHECK_INT(store_tag_set(st, t, f + 1, STORE_TAG_NO, &completed, err, sizeof(err)), 0);
	CHECK_INT(completed, 1);

	TEST("tags: a sentence outside any round is tagged with no round");
	CHECK_INT(store_tag_set(st, t, f + 7, STORE_TAG_YES, &completed, err, sizeof(err)), 0);
	CHECK_INT(completed, 0);
	{
		struct store_tag *g;
		size_t n;
		CHECK_INT(store_tags_list(st, t, &g, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 4);
		if (n == 4) {
			CHECK_INT(g[0].sentence, f);
			CHECK_INT(g[0].round, rid);
			CHECK_STR(g[0].method, "near-example");
			CHECK(fabs(g[0].prob - 0.25) < 1e-9);
			CHECK_INT(g[1].sentence, f + 2);
			CHECK_INT(g[1].audit, 1);
			CHECK_INT(g[2].sentence, f + 1);	/* retagged: a new place in the order */
			CHECK_INT(g[2].label, STORE_TAG_NO);
			CHECK_INT(g[3].round, 0);
			CHECK(g[3].method == NULL);
			CHECK_INT(g[3].call, g[0].call);
			for (size_t i = 1; i < n; i++)
				CHECK(g[i].seq > g[i - 1].seq);
		}
		store_tags_free(g, n);
	}

	TEST("tags: a bad label or an unknown sentence says so");
	CHECK_INT(store_tag_set(st, t, f, 7, NULL, err, sizeof(err)), -1);
	CHECK_HAS(err, "yes, no or unsure");
	CHECK_INT(store_tag_set(st, t, 5000, STORE_TAG_YES, NULL, err, sizeof(err)), -1);
	CHECK_HAS(err, "no sentence 5000");

	TEST("tags: undo with nothing in the round to undo gives 0");
	{
		struct store_round_item items[1] = {{.sentence = f + 5, .method = "near-example"}};
		CHECK_INT(store_round_create(st, t, 2, items, 1, NULL, err, sizeof(err)), 0);
		CHECK_INT(store_tag_undo(st, t, &undone, NULL, err, sizeof(err)), 0);
		CHECK_INT(undone, 0);
		struct store_tracker *tr = NULL;
		store_tracker_get(st, t, &tr, err, sizeof(err));
		if (tr) {
			CHECK_INT(tr->rounds, 2);
			CHECK_INT(tr->round_open, 1);
		}
		store_tracker_free(tr);
	}
	unsetenv("TRACKER_NOW");

	TEST("trackers: deleting one takes its rounds and tags");
	CHECK_INT(store_tracker_delete(st, t, err, sizeof(err)), 0);
	CHECK_INT(peek("rounds.db", "SELECT COUNT(*) FROM tags"), 0);
	CHECK_INT(peek("rounds.db", "SELECT COUNT(*) FROM rounds"), 0);
	CHECK_INT(peek("rounds.db", "SELECT COUNT(*) FROM round_items"), 0);
	store_close(st);
}

/* ------------------------------------------------------------------ models and detections */

static void test_models(void)
{
	char err[1024];
	store *st = open_ws("models.db");
	int64_t fa = 0, fb = 0;
	/* two calls a week apart; ISO weeks 2026-W09 and 2026-W10 */
	int64_t ca = put(st, "a", 1772463600, STORE_SCOPE_EXTERNAL, "East", NULL, 4, &fa, NULL);
	int64_t cb = put(st, "b", 1772463600 + 7 * 86400, STORE_SCOPE_EXTERNAL, "West", NULL, 4, &fb, NULL);
	put(st, "c", 1772463600 + 7 * 86400, STORE_SCOPE_EXTERNAL, "West", NULL, 2, NULL, NULL);
	int64_t t = make_tracker(st, "models", STORE_SCOPE_EXTERNAL);

	TEST("models: versions count up per tracker and keep the blob and report");
	struct store_model m1 = {.tracker = t, .threshold = 0.4, .n_tags = 100, .provisional = 1,
				 .precision = NAN, .recall = NAN, .blob = "abc", .blob_len = 3,
				 .report = "{\"x\": 1}"};
	struct store_model m2 = {.tracker = t, .threshold = 0.6, .n_tags = 125, .precision = 0.8,
				 .recall = 0.7, .blob = "\0\1\2\3", .blob_len = 4};
	CHECK_INT(store_model_put(st, &m1, err, sizeof(err)), 0);
	CHECK_INT(store_model_put(st, &m2, err, sizeof(err)), 0);
	CHECK_INT(m1.version, 1);
	CHECK_INT(m2.version, 2);
	{
		struct store_model *m = NULL;
		CHECK_INT(store_model_latest(st, t, &m, err, sizeof(err)), 0);
		if (m) {
			CHECK_INT(m->id, m2.id);
			CHECK_INT(m->blob_len, 4);
			CHECK(!memcmp(m->blob, "\0\1\2\3", 4));
			CHECK(fabs(m->precision - 0.8) < 1e-9);
			CHECK_INT(m->n_tags, 125);
			CHECK_INT(m->provisional, 0);
			CHECK_STR(m->report, "{}");
			CHECK_INT(m->state, STORE_MODEL_DRAFT);
		}
		store_model_free(m);
		CHECK_INT(store_model_get(st, m1.id, &m, err, sizeof(err)), 0);
		if (m) {
			CHECK(isnan(m->precision));
			CHECK(isnan(m->recall));
			CHECK_INT(m->provisional, 1);
			CHECK_STR(m->report, "{\"x\": 1}");
		}
		store_model_free(m);
		CHECK_INT(store_model_set_state(st, m1.id, STORE_MODEL_PUBLISHED, err, sizeof(err)), 0);
		CHECK_INT(store_model_get(st, m1.id, &m, err, sizeof(err)), 0);
		if (m)
			CHECK_INT(m->state, STORE_MODEL_PUBLISHED);
		store_model_free(m);
		CHECK_INT(store_model_get(st, 999, &m, err, sizeof(err)), 1);
		CHECK_INT(store_model_latest(st, 999, &m, err, sizeof(err)), 1);
		store_model_free(NULL);
	}
	{
		struct store_tracker *tr = NULL;
		store_tracker_get(st, t, &tr, err, sizeof(err));
		if (tr) {
			CHECK_INT(tr->latest_model, m2.id);
			CHECK_INT(tr->latest_version, 2);
			CHECK(fabs(tr->latest_recall - 0.7) < 1e-9);
		}
		store_tracker_free(tr);
	}

	TEST("detections: replaced, added, listed newest call first with their sentences");
	{
		struct store_detection_in d[3] = {{fa + 1, ca, 0.9f}, {fa + 3, ca, 0.7f}, {fb, cb, 0.95f}};
		CHECK_INT(store_detections_replace(st, t, m1.id, d, 3, err, sizeof(err)), 0);
		CHECK_INT(store_detections_replace(st, t, m2.id, d, 2, err, sizeof(err)), 0);
		CHECK_INT(store_detections_add(st, t, m2.id, d + 2, 1, err, sizeof(err)), 0);
		CHECK_INT(store_detections_add(st, t, m2.id, d + 2, 1, err, sizeof(err)), 0);	/* again: one */
		struct store_detection *x;
		size_t n;
		CHECK_INT(store_detections_list(st, t, &x, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 3);
		if (n == 3) {
			CHECK_STR(x[0].call_ext_id, "b");
			CHECK_INT(x[0].sentence, fb);
			CHECK_STR(x[0].speaker, "Dana Reyes");
			CHECK_INT(x[1].sentence, fa + 1);
			CHECK_STR(x[1].text, "a sentence 1.");
			CHECK_INT(x[1].start_ms, 1000);
			CHECK_INT(x[1].side, STORE_CUSTOMER);
			CHECK_INT(x[1].model_version, 2);
			CHECK(fabs(x[2].score - 0.7) < 1e-6);
		}
		store_detections_free(x, n);
		struct store_call_count *cc;
		CHECK_INT(store_detection_counts(st, t, &cc, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_STR(cc[0].ext_id, "b");
			CHECK_INT(cc[0].count, 1);
			CHECK_INT(cc[1].count, 2);
		}
		store_call_counts_free(cc, n);
	}

	TEST("detections: rates per segment and ISO week count calls in scope and calls detected");
	{
		struct store_rate_row *r;
		size_t n;
		CHECK_INT(store_detection_rates(st, t, "team", &r, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_STR(r[0].segment, "East");
			CHECK_STR(r[0].week, "2026-W10");
			CHECK_INT(r[0].calls, 1);
			CHECK_INT(r[0].calls_detected, 1);
			CHECK_INT(r[0].detections, 2);
			CHECK_STR(r[1].segment, "West");
			CHECK_STR(r[1].week, "2026-W11");
			CHECK_INT(r[1].calls, 2);
			CHECK_INT(r[1].calls_detected, 1);
		}
		store_rate_rows_free(r, n);
		CHECK_INT(store_detection_rates(st, t, NULL, &r, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		if (n)
			CHECK_STR(r[0].segment, "");
		store_rate_rows_free(r, n);
		CHECK_INT(store_detection_rates(st, 999, "team", &r, &n, err, sizeof(err)), -1);
	}

	TEST("detections: weeks at the turn of the year follow ISO 8601");
	{
		store *w = open_ws("weeks.db");
		put(w, "w1", 1798761600, STORE_SCOPE_EXTERNAL, NULL, NULL, 1, NULL, NULL);	/* Fri 2027-01-01 */
		put(w, "w2", 1735516800, STORE_SCOPE_EXTERNAL, NULL, NULL, 1, NULL, NULL);	/* Mon 2024-12-30 */
		put(w, "w3", 1767484800, STORE_SCOPE_EXTERNAL, NULL, NULL, 1, NULL, NULL);	/* Sun 2026-01-04 */
		int64_t wt = make_tracker(w, "weeks", STORE_SCOPE_ALL);
		struct store_rate_row *r;
		size_t n;
		CHECK_INT(store_detection_rates(w, wt, NULL, &r, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 3);
		if (n == 3) {
			CHECK_STR(r[0].week, "2025-W01");
			CHECK_STR(r[1].week, "2026-W01");
			CHECK_STR(r[2].week, "2026-W53");
			CHECK_INT(r[2].calls_detected, 0);
		}
		store_rate_rows_free(r, n);
		store_close(w);
	}

	TEST("detections: deleting the model or the tracker takes them");
	CHECK_INT(peek("models.db", "SELECT COUNT(*) FROM detections"), 3);
	CHECK_INT(store_tracker_delete(st, t, err, sizeof(err)), 0);
	CHECK_INT(peek("models.db", "SELECT COUNT(*) FROM detections"), 0);
	CHECK_INT(peek("models.db", "SELECT COUNT(*) FROM models"), 0);

	TEST("blobs: stored, read back, replaced and deleted; 1 when absent");
	{
		void *data;
		size_t len;
		char big[70000];
		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (char)(i * 7);
		CHECK_INT(store_blob_put(st, "learn.index", big, sizeof(big), err, sizeof(err)), 0);
		CHECK_INT(store_blob_get(st, "learn.index", &data, &len, err, sizeof(err)), 0);
		CHECK_INT(len, sizeof(big));
		CHECK(data && !memcmp(data, big, sizeof(big)));
		free(data);
		CHECK_INT(store_blob_put(st, "learn.index", "x", 1, err, sizeof(err)), 0);
		CHECK_INT(store_blob_get(st, "learn.index", &data, &len, err, sizeof(err)), 0);
		CHECK_INT(len, 1);
		free(data);
		CHECK_INT(store_blob_put(st, "empty", NULL, 0, err, sizeof(err)), 0);
		CHECK_INT(store_blob_get(st, "empty", &data, &len, err, sizeof(err)), 0);
		CHECK_INT(len, 0);
		free(data);
		CHECK_INT(store_blob_delete(st, "learn.index", err, sizeof(err)), 0);
		CHECK_INT(store_blob_get(st, "learn.index", &data, &len, err, sizeof(err)), 1);
		CHECK(data == NULL);
	}

	TEST("state: set, replaced and read; 1 when absent");
	{
		char *v = NULL;
		CHECK_INT(store_state_set(st, "index.version", "3", err, sizeof(err)), 0);
		CHECK_INT(store_state_set(st, "index.version", "4", err, sizeof(err)), 0);
		CHECK_INT(store_state_get(st, "index.version", &v, err, sizeof(err)), 0);
		CHECK_STR(v, "4");
		free(v);
		CHECK_INT(store_state_get(st, "nothing", &v, err, sizeof(err)), 1);
		CHECK(v == NULL);
	}
	store_close(st);
}

/* ------------------------------------------------------------------ which calls match */

static int spans_have(const struct store_call_span *sp, size_t n, int64_t call)
{
	for (size_t i = 0; i < n; i++)
		if (sp[i].call == call)
			return 1;
	return 0;
}

static void test_matching(void)
{
	char err[1024];
	store *st = open_ws("match.db");
	int64_t f1 = 0;
	setenv("TRACKER_NOW", "1770000200", 1);
	int64_t c1 = put(st, "m1", 1000, STORE_SCOPE_EXTERNAL, "East", "Discovery", 3, &f1, NULL);
	int64_t c2 = put(st, "m2", 2000, STORE_SCOPE_EXTERNAL, "West", "Discovery", 2, NULL, NULL);
	int64_t c3 = put(st, "m3", 3000, STORE_SCOPE_INTERNAL, "East", NULL, 2, NULL, NULL);
	int64_t c4 = put(st, "m4", 4000, STORE_SCOPE_EXTERNAL, "North", "Negotiation", 2, NULL, NULL);
	unsetenv("TRACKER_NOW");
	struct store_call_span *sp;
	size_t n;

	TEST("matching: no settings is every call, in call order, with spans");
	CHECK_INT(store_calls_matching(st, NULL, 0, &sp, &n, err, sizeof(err)), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(sp[0].call, c1);
		CHECK_INT(sp[0].first, f1);
		CHECK_INT(sp[0].n, 3);
		CHECK_INT(sp[0].started_unix, 1000);
		CHECK_INT(sp[0].duration_ms, 3000);
		CHECK_INT(sp[0].imported_unix, 1770000200);
		CHECK_INT(sp[1].first, f1 + 3);
		CHECK_INT(sp[2].scope, STORE_SCOPE_INTERNAL);
	}
	free(sp);

	TEST("matching: scope external, internal or all");
	{
		struct store_settings s = {.name = "s", .scope = STORE_SCOPE_EXTERNAL};
		CHECK_INT(store_calls_matching(st, &s, 0, &sp, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 3);
		CHECK(!spans_have(sp, n, c3));
		free(sp);
		s.scope = STORE_SCOPE_INTERNAL;
		CHECK_INT(store_calls_matching(st, &s, 0, &sp, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 1);
		CHECK(spans_have(sp, n, c3));
		free(sp);
		s.scope = STORE_SCOPE_ALL;
		CHECK_INT(store_calls_matching(st, &s, 0, &sp, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 4);
		free(sp);
	}

	TEST("matching: values of one key are alternatives, different keys must all hold");
	{
		struct store_kv f[3] = {{"team", "East"}, {"deal_stage", "Discovery"}, {"team", "West"}};
		struct store_settings s = {.name = "s", .scope = STORE_SCOPE_ALL, .filters = f, .n_filters = 1};
		CHECK_INT(store_calls_matching(st, &s, 0, &sp, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);	/* m1, m3 */
		CHECK(spans_have(sp, n, c1) && spans_have(sp, n, c3));
		free(sp);
		s.n_filters = 2;	/* East and Discovery */
		CHECK_INT(store_calls_matching(st, &s, 0, &sp, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 1);
		CHECK(spans_have(sp, n, c1));
		free(sp);
		s.n_filters = 3;	/* (East or West) and Discovery */
		CHECK_INT(store_calls_matching(st, &s, 0, &sp, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		CHECK(spans_have(sp, n, c1) && spans_have(sp, n, c2));
		free(sp);
		struct store_kv none = {"team", "Nowhere"};
		s.filters = &none;
		s.n_filters = 1;
		CHECK_INT(store_calls_matching(st, &s, 0, &sp, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 0);
		free(sp);
	}

	TEST("matching: since keeps calls started at or after it");
	{
		struct store_settings s = {.name = "s", .scope = STORE_SCOPE_EXTERNAL};
		CHECK_INT(store_calls_matching(st, &s, 2000, &sp, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		CHECK(spans_have(sp, n, c2) && spans_have(sp, n, c4));
		free(sp);
		CHECK_INT(store_calls_matching(st, NULL, 5000, &sp, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 0);
		free(sp);
	}
	store_close(st);
}

static void test_data_version(void)
{
	char err[1024];
	store *a = open_ws("version.db"), *b = open_ws("version.db");
	int64_t a0, a1, a2, b0, b1;
	int64_t id;
	struct store_settings s = {.name = "version", .scope = STORE_SCOPE_EXTERNAL};

	TEST("data version: moves for another connection's commit, not for one's own");
	CHECK_INT(store_data_version(a, &a0, err, sizeof(err)), 0);
	CHECK_INT(store_data_version(b, &b0, err, sizeof(err)), 0);
	CHECK_INT(store_begin(b, err, sizeof(err)), 0);
	CHECK_INT(store_tracker_create(b, &s, &id, err, sizeof(err)), 0);
	CHECK_INT(store_commit(b, err, sizeof(err)), 0);
	CHECK_INT(store_data_version(a, &a1, err, sizeof(err)), 0);
	CHECK_INT(store_data_version(b, &b1, err, sizeof(err)), 0);
	CHECK(a1 != a0);
	CHECK(b1 == b0);
	CHECK_INT(store_data_version(a, &a2, err, sizeof(err)), 0);
	CHECK(a2 == a1);	/* nothing new since */
	store_close(a);
	store_close(b);
}

int main(void)
{
	test_tmp_setup("test_store");
	unsetenv("TRACKER_NOW");
	test_open();
	test_calls();
	test_trackers();
	test_rounds();
	test_models();
	test_matching();
	test_data_version();
	test_tmp_cleanup();
	return test_report("test_store");
}
