/* The workspace file: opening, schema migrations, transactions, calls and sentences. */
#include "store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "xmalloc.h"

/* ------------------------------------------------------------------ schema */

/* Forward migrations: migrations[i] takes user_version i to i + 1. Never edit one that
 * has shipped; add a new one. */
static const char *const migrations[] = {
	/* 0 -> 1: the whole first schema */
	"CREATE TABLE calls ("
	"  id INTEGER PRIMARY KEY,"
	"  ext_id TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL DEFAULT '',"
	"  started TEXT NOT NULL,"
	"  started_unix INTEGER NOT NULL,"
	"  duration_ms INTEGER NOT NULL,"
	"  scope INTEGER NOT NULL,"
	"  language TEXT NOT NULL DEFAULT '',"
	"  audio TEXT,"
	"  audio_ok INTEGER NOT NULL DEFAULT 0,"
	"  audio_ms INTEGER NOT NULL DEFAULT 0,"
	"  first_sentence INTEGER NOT NULL DEFAULT 0,"
	"  n_sentences INTEGER NOT NULL DEFAULT 0,"
	"  imported_at INTEGER NOT NULL);"
	"CREATE INDEX calls_started ON calls(started_unix);"
	"CREATE INDEX calls_scope ON calls(scope, started_unix);"
	"CREATE TABLE call_meta ("
	"  call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (call, key)) WITHOUT ROWID;"
	"CREATE INDEX call_meta_kv ON call_meta(key, value);"
	"CREATE TABLE parties ("
	"  id INTEGER PRIMARY KEY,"
	"  call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL,"
	"  ext_id TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  side INTEGER NOT NULL,"
	"  UNIQUE (call, idx));"
	"CREATE TABLE sentences ("
	"  id INTEGER PRIMARY KEY,"
	"  call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
	"  party INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL,"
	"  utt INTEGER NOT NULL,"
	"  side INTEGER NOT NULL,"
	"  start_ms INTEGER NOT NULL,"
	"  end_ms INTEGER NOT NULL,"
	"  text TEXT NOT NULL);"
	"CREATE UNIQUE INDEX sentences_call ON sentences(call, idx);"
	"CREATE INDEX sentences_party ON sentences(party);"
	"CREATE INDEX sentences_side ON sentences(side, call);"
	"CREATE TABLE trackers ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  by INTEGER NOT NULL,"
	"  scope INTEGER NOT NULL,"
	"  part INTEGER NOT NULL,"
	"  part_minutes INTEGER NOT NULL,"
	"  filters TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 0,"
	"  backfill_months INTEGER NOT NULL DEFAULT 0,"
	"  activated_at INTEGER NOT NULL DEFAULT 0,"
	"  live_model INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE tracker_drafts ("
	"  tracker INTEGER PRIMARY KEY REFERENCES trackers(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  description TEXT NOT NULL,"
	"  by INTEGER NOT NULL,"
	"  scope INTEGER NOT NULL,"
	"  part INTEGER NOT NULL,"
	"  part_minutes INTEGER NOT NULL,"
	"  filters TEXT NOT NULL);"
	"CREATE TABLE examples ("
	"  id INTEGER PRIMARY KEY,"
	"  tracker INTEGER NOT NULL REFERENCES trackers(id) ON DELETE CASCADE,"
	"  text TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX examples_tracker ON examples(tracker);"
	"CREATE TABLE rounds ("
	"  id INTEGER PRIMARY KEY,"
	"  tracker INTEGER NOT NULL REFERENCES trackers(id) ON DELETE CASCADE,"
	"  number INTEGER NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  completed INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (tracker, number));"
	"CREATE TABLE round_items ("
	"  round INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  sentence INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,"
	"  method TEXT NOT NULL,"
	"  prob REAL NOT NULL,"
	"  audit INTEGER NOT NULL,"
	"  PRIMARY KEY (round, position)) WITHOUT ROWID;"
	"CREATE INDEX round_items_sentence ON round_items(sentence);"
	"CREATE TABLE tags ("
	"  seq INTEGER PRIMARY KEY,"
	"  tracker INTEGER NOT NULL REFERENCES trackers(id) ON DELETE CASCADE,"
	"  sentence INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,"
	"  label INTEGER NOT NULL,"
	"  tagged_at INTEGER NOT NULL,"
	"  round INTEGER REFERENCES rounds(id) ON DELETE SET NULL,"
	"  UNIQUE (tracker, sentence));"
	"CREATE INDEX tags_sentence ON tags(sentence);"
	"CREATE INDEX tags_round ON tags(round);"
	"CREATE TABLE models ("
	"  id INTEGER PRIMARY KEY,"
	"  tracker INTEGER NOT NULL REFERENCES trackers(id) ON DELETE CASCADE,"
	"  version INTEGER NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  threshold REAL NOT NULL,"
	"  n_tags INTEGER NOT NULL,"
	"  provisional INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  precision REAL,"
	"  recall REAL,"
	"  blob BLOB NOT NULL,"
	"  report TEXT NOT NULL DEFAULT '{}',"
	"  UNIQUE (tracker, version));"
	"CREATE TABLE detections ("
	"  tracker INTEGER NOT NULL REFERENCES trackers(id) ON DELETE CASCADE,"
	"  sentence INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,"
	"  call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
	"  model INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
	"  score REAL NOT NULL,"
	"  PRIMARY KEY (tracker, sentence)) WITHOUT ROWID;"
	"CREATE INDEX detections_call ON detections(call, tracker);"
	"CREATE INDEX detections_sentence ON detections(sentence);"
	"CREATE INDEX detections_model ON detections(model);"
	"CREATE TABLE blobs ("
	"  name TEXT PRIMARY KEY,"
	"  data BLOB NOT NULL);"
	"CREATE TABLE state ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);",

	/* 1 -> 2: sentences.party loses its foreign key and index. Parties and sentences
	 * only ever go together with their call, and the index cost a sixth of import
	 * time. Runs with foreign keys off (see migrate()). The next sentence id is kept
	 * from here on. */
	"CREATE TABLE sentences_v2 ("
	"  id INTEGER PRIMARY KEY,"
	"  call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
	"  party INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  utt INTEGER NOT NULL,"
	"  side INTEGER NOT NULL,"
	"  start_ms INTEGER NOT NULL,"
	"  end_ms INTEGER NOT NULL,"
	"  text TEXT NOT NULL);"
	"INSERT INTO sentences_v2 (id, call, party, idx, utt, side, start_ms, end_ms, text)"
	"  SELECT id, call, party, idx, utt, side, start_ms, end_ms, text FROM sentences;"
	"DROP TABLE sentences;"
	"ALTER TABLE sentences_v2 RENAME TO sentences;"
	"CREATE UNIQUE INDEX sentences_call ON sentences(call, idx);"
	"CREATE INDEX sentences_side ON sentences(side, call);"
	/* Sentence ids are not reused from here on (see store_call_put). */
	"INSERT OR REPLACE INTO state (key, value)"
	"  SELECT 'store.next_sentence', COALESCE(MAX(id), 0) + 1 FROM sentences;",

	/* 2 -> 3: which channel of a stereo recording carries a party (0: all). */
	"ALTER TABLE parties ADD COLUMN channel INTEGER NOT NULL DEFAULT 0;",

	/* 3 -> 4: each tag set or changed in a round, with the tag it replaced (NULL:
	 * none), so that undo puts a changed tag back instead of removing it. */
	"CREATE TABLE tag_changes ("
	"  id INTEGER PRIMARY KEY,"
	"  tracker INTEGER NOT NULL REFERENCES trackers(id) ON DELETE CASCADE,"
	"  round INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
	"  sentence INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,"
	"  prev_label INTEGER);"
	"CREATE INDEX tag_changes_round ON tag_changes(round, id);"
	"CREATE INDEX tag_changes_tracker ON tag_changes(tracker);"
	"CREATE INDEX tag_changes_sentence ON tag_changes(sentence);",
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int store_schema_version(void)
{
	return N_MIGRATIONS;
}

/* ------------------------------------------------------------------ helpers */

/* What to do about the last error when it is one the user can do something about: the
 * workspace was kept busy by another process beyond the wait, or cannot be written. */
static const char *hint(store *st)
{
	int code = st && st->db ? sqlite3_errcode(st->db) & 0xff : SQLITE_OK;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return " (another tracker command or the app kept the workspace busy; nothing was "
		       "written: try again when it is done)";
	if (code == SQLITE_READONLY && st->ro_why)
		return " (it can only be read as it is, and SQLite would have to write to read it: "
		       "open it once with write access, or copy it somewhere you can write)";
	if (code == SQLITE_READONLY)
		return " (tracker writes the workspace file and, beside it, its -wal and -shm "
		       "files: check the permissions of the file and its folder)";
	return "";
}

/* 1 when the last error is a change refused because the workspace was opened read-only. */
static int refused_readonly(store *st)
{
	return st && st->ro_why && st->db && (sqlite3_errcode(st->db) & 0xff) == SQLITE_READONLY;
}

int store_fail(store *st, const char *op, char *err, size_t errlen)
{
	if (refused_readonly(st))
		return store_writable(st, err, errlen);
	return errf(err, errlen, "store: %s: %s%s", op,
		    st && st->db ? sqlite3_errmsg(st->db) : "no database", hint(st));
}

sqlite3_stmt *store_prep(store *st, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_fail(st, "prepare", err, errlen);
		return NULL;
	}
	return s;
}

sqlite3_stmt *store_q(store *st, int slot, const char *sql, char *err, size_t errlen)
{
	if (!st->q[slot]) {
		if (!sql)
			return NULL;
		st->q[slot] = store_prep(st, sql, err, errlen);
		return st->q[slot];
	}
	sqlite3_reset(st->q[slot]);
	sqlite3_clear_bindings(st->q[slot]);
	return st->q[slot];
}

int store_exec(store *st, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (refused_readonly(st))
			store_writable(st, err, errlen);
		else
			errf(err, errlen, "store: %s%s", msg ? msg : sqlite3_errmsg(st->db), hint(st));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

char *store_col_str(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return xstrdup(t ? (const char *)t : "");
}

int64_t store_now(void)
{
	const char *fake = getenv("TRACKER_NOW");	/* fixed clock for reproducible tests */
	if (fake && *fake)
		return strtoll(fake, NULL, 10);
	return (int64_t)time(NULL);
}

const char *store_label_name(int label)
{
	switch (label) {
	case STORE_TAG_YES: return "yes";
	case STORE_TAG_NO: return "no";
	case STORE_TAG_UNSURE: return "unsure";
	default: return "none";
	}
}

int store_label_parse(const char *s)
{
	if (!s)
		return STORE_TAG_NONE;
	if (!strcmp(s, "yes"))
		return STORE_TAG_YES;
	if (!strcmp(s, "no"))
		return STORE_TAG_NO;
	if (!strcmp(s, "unsure") || !strcmp(s, "not-sure"))
		return STORE_TAG_UNSURE;
	return STORE_TAG_NONE;
}

const char *store_side_name(int side)
{
	return side == STORE_CUSTOMER ? "customer" : "company";
}

const char *store_by_name(int by)
{
	return by == STORE_BY_COMPANY ? "company" : by == STORE_BY_CUSTOMER ? "customer" : "any";
}

const char *store_scope_name(int scope)
{
	return scope == STORE_SCOPE_INTERNAL ? "internal" : scope == STORE_SCOPE_ALL ? "all" : "external";
}

char *store_filters_encode(const struct store_kv *f, size_t n)
{
	struct sbuf b = {0};
	for (size_t i = 0; i < n; i++)
		sbuf_printf(&b, "%s\t%s\n", f[i].key, f[i].value);
	return sbuf_take(&b);
}

void store_filters_decode(const char *text, struct store_kv **f, size_t *n)
{
	size_t cap = 0;
	*f = NULL;
	*n = 0;
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		const char *tab = memchr(text, '\t', len);
		if (tab) {
			xgrow(f, &cap, *n + 1, sizeof(**f));
			(*f)[*n].key = xstrndup(text, (size_t)(tab - text));
			(*f)[*n].value = xstrndup(tab + 1, len - (size_t)(tab - text) - 1);
			(*n)++;
		}
		text += len + (nl ? 1 : 0);
	}
}

void store_strings_free(char **s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i]);
	free(s);
}

void store_kvs_free(struct store_kv *kv, size_t n)
{
	for (size_t i = 0; kv && i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

/* ------------------------------------------------------------------ open and close */

static int migrate(store *st, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "PRAGMA user_version", err, errlen);
	if (!s)
		return -1;
	int version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	if (version > N_MIGRATIONS)
		return errf(err, errlen, "%s: workspace schema version %d is newer than this "
			    "tracker understands (%d); use a newer tracker", st->path, version,
			    N_MIGRATIONS);
	if (version == N_MIGRATIONS)
		return 0;
	if (st->ro_why && version == 0)
		return errf(err, errlen, "%s: not a tracker workspace: it has no tracker tables, and it "
			    "is read-only (%s)", st->path, st->ro_why);
	if (st->ro_why)
		return errf(err, errlen, "%s: the workspace was made by an older tracker (schema %d; "
			    "this one needs %d) and is read-only (%s), so it cannot be upgraded: open "
			    "it once with write access, which upgrades it, or copy it somewhere you "
			    "can write", st->path, version, N_MIGRATIONS, st->ro_why);
	/* Tables are rebuilt with foreign keys off, so that dropping the old one does not
	 * cascade; the check before COMMIT proves nothing was left dangling. The pragma
	 * only takes effect outside a transaction. */
	if (store_exec(st, "PRAGMA foreign_keys = OFF", err, errlen) < 0 ||
	    store_exec(st, "BEGIN IMMEDIATE", err, errlen) < 0)
		goto fail;
	for (int v = version; v < N_MIGRATIONS; v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if (store_exec(st, migrations[v], err, errlen) < 0 ||
		    store_exec(st, pragma, err, errlen) < 0) {
			store_exec(st, "ROLLBACK", NULL, 0);
			goto fail;
		}
	}
	s = store_prep(st, "PRAGMA foreign_key_check", err, errlen);
	if (!s) {
		store_exec(st, "ROLLBACK", NULL, 0);
		goto fail;
	}
	int dangling = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (dangling) {
		store_exec(st, "ROLLBACK", NULL, 0);
		errf(err, errlen, "%s: upgrading the workspace to schema %d would break its "
		     "references; it was left at version %d", st->path, N_MIGRATIONS, version);
		goto fail;
	}
	if (store_exec(st, "COMMIT", err, errlen) < 0) {
		store_exec(st, "ROLLBACK", NULL, 0);
		goto fail;
	}
	return store_exec(st, "PRAGMA foreign_keys = ON", err, errlen);
fail:
	store_exec(st, "PRAGMA foreign_keys = ON", NULL, 0);
	return -1;
}

/* What stops writing path: "" when nothing does, else a phrase from errno, in buf. */
static const char *cannot_write(const char *path, const char *what, char *buf, size_t cap)
{
	if (access(path, W_OK) == 0)
		return "";
	switch (errno) {
	case EROFS:
		snprintf(buf, cap, "it is on a read-only file system");
		break;
	case EACCES:
		snprintf(buf, cap, "you may not write %s", what);
		break;
	case EPERM:
		snprintf(buf, cap, "%s is marked immutable", what);
		break;
	default:
		snprintf(buf, cap, "%s cannot be written: %s", what, strerror(errno));
		break;
	}
	return buf;
}

/* Whether the workspace at path must be opened read-only: *why gets the reason (to
 * free), or NULL when it can be written or is not there yet (it is made). *immutable is
 * set when it is to be read as the file is, making nothing beside it (see below).
 * Returns -1 with err set when it cannot be read: changes still in its -wal file that a
 * reader cannot get at. */
static int readonly_check(const char *path, char **why, int *immutable, char *err, size_t errlen)
{
	struct stat sb;
	*why = NULL;
	*immutable = 0;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 0;	/* made, or sqlite says what is wrong */
	/* SQLite puts the -wal and -shm files beside the file a link leads to */
	char *real = realpath(path, NULL), *dir;
	const char *file = real ? real : path, *slash = strrchr(file, '/');
	if (!slash)
		dir = xstrdup(".");
	else
		dir = xstrndup(file, slash == file ? 1 : (size_t)(slash - file));
	char *wal = xasprintf("%s-wal", file), *shm = xasprintf("%s-shm", file);
	struct stat wst;
	int has_wal = stat(wal, &wst) == 0, has_shm = access(shm, F_OK) == 0, rc = 0;
	char buf[512];
	const char *r = cannot_write(file, "the file", buf, sizeof(buf));
	if (!*r)
		r = cannot_write(dir, "its folder, where its -wal and -shm files go", buf, sizeof(buf));
	if (!*r && has_wal)
		r = cannot_write(wal, "its -wal file", buf, sizeof(buf));
	if (!*r && has_shm)
		r = cannot_write(shm, "its -shm file", buf, sizeof(buf));
	if (*r) {
		/* With both files there (the workspace is open elsewhere, or was), SQLite reads
		 * through them. Without, a reader would have to make them and could not remove
		 * them: they would stay, the reader's, and could stop the owner from writing.
		 * So the file is read as it is, unless a -wal file holds changes not in it yet:
		 * those need the -shm file made, which needs a folder that can be written. */
		if (!(has_wal && has_shm)) {
			if (!has_wal || wst.st_size == 0)
				*immutable = 1;
			else if (access(dir, W_OK) != 0)
				rc = errf(err, errlen, "%s is read-only (%s), and changes to it are "
					  "still in %s, which cannot be read without a -shm file "
					  "beside it: copy the workspace with its -wal file to a "
					  "folder you can write", path, r, wal);
		}
		if (rc == 0)
			*why = xstrdup(r);
	}
	free(wal);
	free(shm);
	free(dir);
	free(real);
	return rc;
}

/* The SQLite URI that opens path read-only ("file:/w%20s/x.db?mode=ro"). */
static char *readonly_uri(const char *path, int immutable)
{
	struct sbuf b = {0};
	char *real = realpath(path, NULL);
	sbuf_add(&b, "file:");
	for (const unsigned char *p = (const unsigned char *)(real ? real : path); *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/._-~", *p))
			sbuf_addc(&b, (char)*p);
		else
			sbuf_printf(&b, "%%%02X", *p);
	}
	sbuf_add(&b, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
	free(real);
	return sbuf_take(&b);
}

const char *store_readonly(const store *st)
{
	return st ? st->ro_why : NULL;
}

int store_writable(const store *st, char *err, size_t errlen)
{
	if (!st || !st->ro_why)
		return 0;
	return errf(err, errlen, "%s is read-only (%s), so nothing can be changed in it", st->path,
		    st->ro_why);
}

/* 1 with err set when path cannot be made because its folder is not there, or is not a
 * folder: SQLite only says it is "unable to open database file". */
static int no_folder(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	if (stat(path, &sb) == 0 || (errno != ENOENT && errno != ENOTDIR))
		return 0;
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	char *dir = xstrndup(path, (size_t)(slash - path));
	int rc = 0;
	if (stat(dir, &sb) != 0) {
		errf(err, errlen, "%s: the folder %s is not there: make it first, or give a path in a "
		     "folder that is", path, dir);
		rc = 1;
	} else if (!S_ISDIR(sb.st_mode)) {
		errf(err, errlen, "%s: %s is not a folder", path, dir);
		rc = 1;
	}
	free(dir);
	return rc;
}

int store_open(const char *path, store **out, char *err, size_t errlen)
{
	store *st = xcalloc(1, sizeof(*st));
	int immutable, rc;
	st->path = xstrdup(path);
	*out = NULL;
	if (readonly_check(path, &st->ro_why, &immutable, err, errlen) < 0)
		goto fail;
	if (st->ro_why) {
		char *uri = readonly_uri(path, immutable);
		rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
				     SQLITE_OPEN_NOMUTEX, NULL);
		free(uri);
	} else {
		rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX, NULL);
	}
	if (rc != SQLITE_OK) {
		if (!no_folder(path, err, errlen))
			errf(err, errlen, "%s: %s", path,
			     st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	/* A file that is not a database shows here, on the first read; one opened read-only
	 * is read as it is, in whatever journal mode it has. */
	const char *first = st->ro_why ? "SELECT COUNT(*) FROM sqlite_master"
				       : "PRAGMA journal_mode = WAL";
	if (store_exec(st, first, err, errlen) < 0) {
		int code = sqlite3_errcode(st->db) & 0xff;
		if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
			errf(err, errlen, "%s: not a tracker workspace (%s)", path,
			     sqlite3_errmsg(st->db));
		else	/* a workspace that cannot be written or is busy is still one */
			errf(err, errlen, "%s: cannot open the workspace: %s%s", path,
			     sqlite3_errmsg(st->db), hint(st));
		goto fail;
	}
	if (store_exec(st, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
		       "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536", err, errlen) < 0)
		goto fail;
	if (migrate(st, err, errlen) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(st);
	return -1;
}

void store_close(store *st)
{
	if (!st)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	if (st->db) {
		if (st->depth > 0)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(st->db);
	}
	free(st->path);
	free(st->ro_why);
	free(st);
}

int store_begin(store *st, char *err, size_t errlen)
{
	if (st->depth == 0 && st->ro_why)
		return store_writable(st, err, errlen);
	if (st->depth++ > 0)
		return 0;
	if (store_exec(st, "BEGIN IMMEDIATE", err, errlen) < 0) {
		st->depth = 0;
		return -1;
	}
	return 0;
}

int store_commit(store *st, char *err, size_t errlen)
{
	if (st->depth == 0)
		return 0;
	if (--st->depth > 0)
		return 0;
	if (store_exec(st, "COMMIT", err, errlen) < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void store_rollback(store *st)
{
	if (!st || st->depth == 0)
		return;
	st->depth = 0;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ------------------------------------------------------------------ calls */

static int bind_text(sqlite3_stmt *s, int i, const char *t)
{
	return t ? sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

#define SENTENCE_ROWS 16

/* INSERT of n sentence rows: ?1 is the call, then 8 parameters a row from ?2. */
static char *sentence_rows_sql(int n)
{
	struct sbuf b = {0};
	sbuf_add(&b, "INSERT INTO sentences (id, call, party, idx, utt, side, start_ms, end_ms, text) VALUES ");
	for (int r = 0; r < n; r++) {
		int k = 2 + r * 8;
		sbuf_printf(&b, "%s(?%d, ?1, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d)", r ? ", " : "", k, k + 1,
			    k + 2, k + 3, k + 4, k + 5, k + 6, k + 7);
	}
	return sbuf_take(&b);
}

/* Binds sentence i of c to the 8 parameters from k. */
static void bind_sentence(sqlite3_stmt *s, int k, const struct store_call_in *c, size_t i,
			  int64_t first, const int64_t *party_ids)
{
	const struct store_sentence_in *x = &c->sentences[i];
	sqlite3_bind_int64(s, k, first + (int64_t)i);
	sqlite3_bind_int64(s, k + 1, party_ids[x->party]);
	sqlite3_bind_int(s, k + 2, (int)i);
	sqlite3_bind_int(s, k + 3, x->utt);
	sqlite3_bind_int(s, k + 4, c->parties[x->party].side);
	sqlite3_bind_int(s, k + 5, x->start_ms);
	sqlite3_bind_int(s, k + 6, x->end_ms);
	sqlite3_bind_text(s, k + 7, x->text ? x->text : "", -1, SQLITE_STATIC);
}

/* Runs one statement with ?1 bound to id. */
static int store_exec_id(store *st, const char *sql, int64_t id, const char *op, char *err,
			 size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, sql, err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, op, err, errlen);
}

/* The new call's sentence for an old one: the same text at the same place, else the
 * nearest one with the same text not taken yet; -1 when none. */
static long same_sentence(const struct store_call_in *c, const uint8_t *taken, long idx,
			  const char *text)
{
	long n = (long)c->n_sentences;
	for (long d = 0; idx - d >= 0 || idx + d < n; d++) {
		long at[2] = {idx - d, idx + d};
		for (int k = 0; k < (d ? 2 : 1); k++)
			if (at[k] >= 0 && at[k] < n && !taken[at[k]] &&
			    !strcmp(c->sentences[at[k]].text ? c->sentences[at[k]].text : "", text))
				return at[k];
	}
	return -1;
}

/* Where the tagged sentences of replaced calls went (old id -> id now). Made the first
 * time a replaced call had any, so that workspaces that never had one stay as they were
 * and open read-only at any schema version; readers take its absence for "none moved". */
#define SENTENCE_MOVES_TABLE \
	"CREATE TABLE IF NOT EXISTS sentence_moves (" \
	"  old INTEGER PRIMARY KEY," \
	"  new INTEGER NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS sentence_moves_new ON sentence_moves(new);"

int store_sentences_follow(store *st, int64_t *ids, size_t n, size_t *moved, char *err,
			   size_t errlen)
{
	*moved = 0;
	sqlite3_stmt *q = store_prep(st, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
				     " AND name = 'sentence_moves'", err, errlen);
	if (!q)
		return -1;
	int have = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	if (!have || !n)
		return 0;
	if (!(q = store_prep(st, "SELECT new FROM sentence_moves WHERE old = ?1", err, errlen)))
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, ids[i]);
		int r = sqlite3_step(q);
		if (r == SQLITE_ROW) {
			ids[i] = sqlite3_column_int64(q, 0);
			++*moved;
		} else if (r != SQLITE_DONE) {
			rc = store_fail(st, "read where sentences went", err, errlen);
			break;
		}
	}
	sqlite3_finalize(q);
	return rc;
}

struct old_sentence {
	int64_t id, idx, tags;
	char *text;
};

/* Moves what refers to the old call's sentences onto the new call's (first id next). */
static int carry_tags(store *st, int64_t old, const struct store_call_in *c, int64_t next,
		      char *err, size_t errlen)
{
	static const char *const moves[] = {
		"UPDATE tags SET sentence = ?2 WHERE sentence = ?1",
		"UPDATE round_items SET sentence = ?2 WHERE sentence = ?1",
		"UPDATE tag_changes SET sentence = ?2 WHERE sentence = ?1",
		/* a model keeps the ids it was trained on: where they went, in one step */
		"UPDATE sentence_moves SET new = ?2 WHERE new = ?1",
		"INSERT OR REPLACE INTO sentence_moves (old, new) VALUES (?1, ?2)",
	};
	enum { N_MOVES = sizeof(moves) / sizeof(moves[0]) };
	sqlite3_stmt *q = store_prep(st,
		"SELECT s.id, s.idx, s.text, (SELECT COUNT(*) FROM tags t WHERE t.sentence = s.id)"
		" FROM sentences s WHERE s.call = ?1 AND (s.id IN (SELECT sentence FROM tags)"
		" OR s.id IN (SELECT sentence FROM round_items)"
		" OR s.id IN (SELECT sentence FROM tag_changes)) ORDER BY s.idx", err, errlen);
	if (!q)
		return -1;
	struct old_sentence *o = NULL;
	size_t n = 0, cap = 0;
	sqlite3_bind_int64(q, 1, old);
	while (sqlite3_step(q) == SQLITE_ROW) {
		xgrow(&o, &cap, n + 1, sizeof(*o));
		o[n].id = sqlite3_column_int64(q, 0);
		o[n].idx = sqlite3_column_int64(q, 1);
		o[n].text = store_col_str(q, 2);
		o[n].tags = sqlite3_column_int64(q, 3);
		n++;
	}
	sqlite3_finalize(q);
	sqlite3_stmt *m[N_MOVES] = {NULL};
	uint8_t *taken = xcalloc(c->n_sentences + 1, 1);
	int rc = n ? store_exec(st, SENTENCE_MOVES_TABLE, err, errlen) : 0;
	for (int k = 0; k < N_MOVES && rc == 0 && n; k++)
		if (!(m[k] = store_prep(st, moves[k], err, errlen)))
			rc = -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		long to = same_sentence(c, taken, (long)o[i].idx, o[i].text);
		if (to < 0) {
			st->dropped_tags += o[i].tags;
			continue;
		}
		taken[to] = 1;
		st->carried_tags += o[i].tags;
		for (int k = 0; k < N_MOVES && rc == 0; k++) {
			sqlite3_reset(m[k]);
			sqlite3_bind_int64(m[k], 1, o[i].id);
			sqlite3_bind_int64(m[k], 2, next + to);
			if (sqlite3_step(m[k]) != SQLITE_DONE)
				rc = store_fail(st, "keep the tags of a replaced call", err, errlen);
		}
	}
	for (int k = 0; k < N_MOVES; k++)
		sqlite3_finalize(m[k]);
	for (size_t i = 0; i < n; i++)
		free(o[i].text);
	free(o);
	free(taken);
	return rc;
}

void store_call_put_carried(store *st, int64_t *kept, int64_t *dropped)
{
	*kept = st->carried_tags;
	*dropped = st->dropped_tags;
}

/* Sentence ids are never reused, even when the newest call is replaced: the trainer's
 * index keeps what it learnt about an id. The next free id is kept in the state table. */
#define NEXT_SENTENCE_KEY "store.next_sentence"

int store_call_put(store *st, const struct store_call_in *c, int64_t *call_idp,
		   int64_t *first_id, int *replaced, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int64_t call_id = 0, *party_ids = NULL, next, old = 0;
	*replaced = 0;

	for (size_t i = 0; i < c->n_sentences; i++)
		if (c->sentences[i].party < 0 || (size_t)c->sentences[i].party >= c->n_parties)
			return errf(err, errlen, "store: sentence %zu of call %s has no party", i,
				    c->ext_id);

	s = store_q(st, Q_CALL_FIND, "SELECT id FROM calls WHERE ext_id = ?", err, errlen);
	if (!s)
		return -1;
	bind_text(s, 1, c->ext_id);
	st->carried_tags = st->dropped_tags = 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		old = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		/* The old call stays, under another name, until its tags have moved. */
		s = store_q(st, Q_CALL_SET_ASIDE, "UPDATE calls SET ext_id = ?1 || id WHERE id = ?2",
			    err, errlen);
		if (!s)
			return -1;
		bind_text(s, 1, "\x01replaced ");
		sqlite3_bind_int64(s, 2, old);
		if (sqlite3_step(s) != SQLITE_DONE)
			return store_fail(st, "replace call", err, errlen);
		*replaced = 1;
	}
	sqlite3_reset(s);

	/* A call's sentence ids are consecutive: the trainer's index addresses them by range. */
	s = store_q(st, Q_MAX_SENTENCE,
		    "SELECT MAX((SELECT COALESCE(MAX(id), 0) + 1 FROM sentences),"
		    " COALESCE((SELECT CAST(value AS INTEGER) FROM state WHERE key = '"
		    NEXT_SENTENCE_KEY "'), 1))", err, errlen);
	if (!s)
		return -1;
	if (sqlite3_step(s) != SQLITE_ROW)
		return store_fail(st, "next sentence id", err, errlen);
	next = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (first_id)
		*first_id = next;

	s = store_q(st, Q_CALL_INSERT,
		    "INSERT INTO calls (ext_id, title, started, started_unix, duration_ms, scope,"
		    " language, audio, audio_ok, audio_ms, imported_at, first_sentence, n_sentences)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err, errlen);
	if (!s)
		return -1;
	bind_text(s, 1, c->ext_id);
	bind_text(s, 2, c->title ? c->title : "");
	bind_text(s, 3, c->started ? c->started : "");
	sqlite3_bind_int64(s, 4, c->started_unix);
	sqlite3_bind_int64(s, 5, c->duration_ms);
	sqlite3_bind_int(s, 6, c->scope);
	bind_text(s, 7, c->language ? c->language : "");
	bind_text(s, 8, c->audio);
	sqlite3_bind_int(s, 9, c->audio_ok);
	sqlite3_bind_int64(s, 10, c->audio_ms);
	sqlite3_bind_int64(s, 11, store_now());
	sqlite3_bind_int64(s, 12, next);
	sqlite3_bind_int64(s, 13, (int64_t)c->n_sentences);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "insert call", err, errlen);
	call_id = sqlite3_last_insert_rowid(st->db);
	if (call_idp)
		*call_idp = call_id;

	s = store_q(st, Q_META_INSERT,
		    "INSERT OR REPLACE INTO call_meta (call, key, value) VALUES (?, ?, ?)", err, errlen);
	if (!s)
		return -1;
	for (size_t i = 0; i < c->n_meta; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, call_id);
		bind_text(s, 2, c->meta[i].key);
		bind_text(s, 3, c->meta[i].value);
		if (sqlite3_step(s) != SQLITE_DONE)
			return store_fail(st, "insert call metadata", err, errlen);
	}
	sqlite3_reset(s);

	int64_t party_buf[8];
	party_ids = c->n_parties <= 8 ? party_buf : xcalloc(c->n_parties, sizeof(*party_ids));
	s = store_q(st, Q_PARTY_INSERT,
		    "INSERT INTO parties (call, idx, ext_id, name, side, channel) VALUES (?, ?, ?, ?, ?, ?)",
		    err, errlen);
	if (!s)
		goto fail;
	for (size_t i = 0; i < c->n_parties; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, call_id);
		sqlite3_bind_int(s, 2, (int)i);
		bind_text(s, 3, c->parties[i].ext_id ? c->parties[i].ext_id : "");
		bind_text(s, 4, c->parties[i].name ? c->parties[i].name : "");
		sqlite3_bind_int(s, 5, c->parties[i].side);
		sqlite3_bind_int(s, 6, c->parties[i].channel);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_fail(st, "insert party", err, errlen);
			goto fail;
		}
		party_ids[i] = sqlite3_last_insert_rowid(st->db);
	}
	sqlite3_reset(s);

	/* Rows go SENTENCE_ROWS to a statement: a third less time per row than one by one. */
	size_t i = 0;
	if (c->n_sentences >= SENTENCE_ROWS) {
		if (!st->q[Q_SENTENCE_INSERT_N]) {
			char *sql = sentence_rows_sql(SENTENCE_ROWS);
			st->q[Q_SENTENCE_INSERT_N] = store_prep(st, sql, err, errlen);
			free(sql);
		}
		s = store_q(st, Q_SENTENCE_INSERT_N, NULL, err, errlen);
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, call_id);
		for (; i + SENTENCE_ROWS <= c->n_sentences; i += SENTENCE_ROWS) {
			sqlite3_reset(s);
			for (int r = 0; r < SENTENCE_ROWS; r++)
				bind_sentence(s, 2 + r * 8, c, i + (size_t)r, next, party_ids);
			if (sqlite3_step(s) != SQLITE_DONE) {
				store_fail(st, "insert sentence", err, errlen);
				goto fail;
			}
		}
		sqlite3_reset(s);
	}
	if (i < c->n_sentences) {
		s = store_q(st, Q_SENTENCE_INSERT, NULL, err, errlen);
		if (!s && !st->q[Q_SENTENCE_INSERT]) {
			char *sql = sentence_rows_sql(1);
			s = st->q[Q_SENTENCE_INSERT] = store_prep(st, sql, err, errlen);
			free(sql);
		}
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, call_id);
		for (; i < c->n_sentences; i++) {
			sqlite3_reset(s);
			bind_sentence(s, 2, c, i, next, party_ids);
			if (sqlite3_step(s) != SQLITE_DONE) {
				store_fail(st, "insert sentence", err, errlen);
				goto fail;
			}
		}
		sqlite3_reset(s);
	}

	s = store_q(st, Q_NEXT_SENTENCE_SET,
		    "INSERT OR REPLACE INTO state (key, value) VALUES ('" NEXT_SENTENCE_KEY "', ?)",
		    err, errlen);
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, next + (int64_t)c->n_sentences);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, "next sentence id", err, errlen);
		goto fail;
	}
	if (old && (carry_tags(st, old, c, next, err, errlen) < 0 ||
		    store_exec_id(st, "DELETE FROM calls WHERE id = ?", old, "replace call", err, errlen) < 0))
		goto fail;
	if (party_ids != party_buf)
		free(party_ids);
	return 0;
fail:
	if (party_ids != party_buf)
		free(party_ids);
	return -1;
}

static void call_free_fields(struct store_call *c)
{
	free(c->ext_id);
	free(c->title);
	free(c->started);
	free(c->language);
	free(c->audio);
	store_kvs_free(c->meta, c->n_meta);
	store_strings_free(c->party_names, c->n_parties);
	free(c->party_sides);
}

void store_calls_free(struct store_call *calls, size_t n)
{
	for (size_t i = 0; calls && i < n; i++)
		call_free_fields(&calls[i]);
	free(calls);
}

#define CALL_COLUMNS "c.id, c.ext_id, c.title, c.started, c.started_unix, c.duration_ms," \
	" c.scope, c.language, c.audio, c.audio_ok, c.audio_ms," \
	" c.n_sentences, c.first_sentence"

static void call_from_row(sqlite3_stmt *s, struct store_call *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	c->ext_id = store_col_str(s, 1);
	c->title = store_col_str(s, 2);
	c->started = store_col_str(s, 3);
	c->started_unix = sqlite3_column_int64(s, 4);
	c->duration_ms = sqlite3_column_int64(s, 5);
	c->scope = sqlite3_column_int(s, 6);
	c->language = store_col_str(s, 7);
	c->audio = sqlite3_column_type(s, 8) == SQLITE_NULL ? NULL : store_col_str(s, 8);
	c->audio_ok = sqlite3_column_int(s, 9);
	c->audio_ms = sqlite3_column_int64(s, 10);
	c->n_sentences = sqlite3_column_int64(s, 11);
	c->first_sentence = sqlite3_column_int64(s, 12);
}

/* Loads metadata and parties of calls already read. */
static int call_details(store *st, struct store_call *c, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "SELECT key, value FROM call_meta WHERE call = ? ORDER BY key",
				     err, errlen);
	size_t cap = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, c->id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		xgrow(&c->meta, &cap, c->n_meta + 1, sizeof(*c->meta));
		c->meta[c->n_meta].key = store_col_str(s, 0);
		c->meta[c->n_meta].value = store_col_str(s, 1);
		c->n_meta++;
	}
	sqlite3_finalize(s);
	s = store_prep(st, "SELECT name, side FROM parties WHERE call = ? ORDER BY idx", err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, c->id);
	size_t cap2 = 0, cap3 = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		xgrow(&c->party_names, &cap2, c->n_parties + 1, sizeof(char *));
		xgrow(&c->party_sides, &cap3, c->n_parties + 1, sizeof(int));
		c->party_names[c->n_parties] = store_col_str(s, 0);
		c->party_sides[c->n_parties] = sqlite3_column_int(s, 1);
		c->n_parties++;
	}
	sqlite3_finalize(s);
	return 0;
}

int store_calls_list(store *st, struct store_call **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "SELECT " CALL_COLUMNS " FROM calls c"
				     " ORDER BY c.started_unix DESC, c.ext_id", err, errlen);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow(out, &cap, *n + 1, sizeof(**out));
		call_from_row(s, &(*out)[(*n)++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "list calls", err, errlen);
	for (size_t i = 0; i < *n; i++)
		if (call_details(st, &(*out)[i], err, errlen) < 0)
			return -1;
	return 0;
}

static int call_get_where(store *st, const char *where, const char *text, int64_t id,
			  struct store_call **out, char *err, size_t errlen)
{
	char sql[512];
	snprintf(sql, sizeof(sql), "SELECT " CALL_COLUMNS " FROM calls c WHERE %s", where);
	sqlite3_stmt *s = store_prep(st, sql, err, errlen);
	*out = NULL;
	if (!s)
		return -1;
	if (text)
		sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? 1 : store_fail(st, "get call", err, errlen);
	}
	struct store_call *c = xmalloc(sizeof(*c));
	call_from_row(s, c);
	sqlite3_finalize(s);
	if (call_details(st, c, err, errlen) < 0) {
		store_calls_free(c, 1);
		return -1;
	}
	*out = c;
	return 0;
}

int store_call_get(store *st, const char *ext_id, struct store_call **out, char *err, size_t errlen)
{
	return call_get_where(st, "c.ext_id = ?", ext_id, 0, out, err, errlen);
}

int store_call_get_id(store *st, int64_t id, struct store_call **out, char *err, size_t errlen)
{
	return call_get_where(st, "c.id = ?", NULL, id, out, err, errlen);
}

int store_call_set_audio(store *st, int64_t call, const char *path, int audio_ok,
			 int64_t audio_ms, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "UPDATE calls SET audio = ?, audio_ok = ?, audio_ms = ?"
				     " WHERE id = ?", err, errlen);
	if (!s)
		return -1;
	bind_text(s, 1, path);
	sqlite3_bind_int(s, 2, audio_ok);
	sqlite3_bind_int64(s, 3, audio_ms);
	sqlite3_bind_int64(s, 4, call);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "set recording", err, errlen);
}

/* ------------------------------------------------------------------ sentences */

void store_sentences_free(struct store_sentence *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].speaker);
		free(s[i].text);
	}
	free(s);
}

#define SENTENCE_COLUMNS "s.id, s.call, s.idx, s.utt, s.start_ms, s.end_ms, s.side, p.name, s.text," \
	" p.channel"

static void sentence_from_row(sqlite3_stmt *s, struct store_sentence *x)
{
	x->id = sqlite3_column_int64(s, 0);
	x->call = sqlite3_column_int64(s, 1);
	x->idx = sqlite3_column_int(s, 2);
	x->utt = sqlite3_column_int(s, 3);
	x->start_ms = sqlite3_column_int(s, 4);
	x->end_ms = sqlite3_column_int(s, 5);
	x->side = sqlite3_column_int(s, 6);
	x->speaker = store_col_str(s, 7);
	x->text = store_col_str(s, 8);
	x->channel = sqlite3_column_int(s, 9);
}

static int sentences_query(store *st, sqlite3_stmt *s, struct store_sentence **out, size_t *n,
			   char *err, size_t errlen)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow(out, &cap, *n + 1, sizeof(**out));
		sentence_from_row(s, &(*out)[(*n)++]);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "read sentences", err, errlen);
}

int store_call_sentences(store *st, int64_t call, struct store_sentence **out, size_t *n,
			 char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "SELECT " SENTENCE_COLUMNS " FROM sentences s"
				     " JOIN parties p ON p.id = s.party WHERE s.call = ? ORDER BY s.idx",
				     err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, call);
	return sentences_query(st, s, out, n, err, errlen);
}

int store_sentence_context(store *st, int64_t id, int before, int after,
			   struct store_sentence **out, size_t *n, size_t *target,
			   char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "SELECT " SENTENCE_COLUMNS " FROM sentences s"
				     " JOIN parties p ON p.id = s.party"
				     " JOIN sentences t ON t.call = s.call AND t.id = ?"
				     " WHERE s.idx BETWEEN t.idx - ? AND t.idx + ? ORDER BY s.idx",
				     err, errlen);
	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, before);
	sqlite3_bind_int(s, 3, after);
	if (sentences_query(st, s, out, n, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i].id == id) {
			*target = i;
			return 0;
		}
	store_sentences_free(*out, *n);
	*out = NULL;
	*n = 0;
	return 1;
}

int store_sentences_scan(store *st, int64_t after_id,
			 int (*fn)(void *ctx, const struct store_sentence_row *row), void *ctx,
			 char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "SELECT id, call, idx, side, start_ms, end_ms, text"
				     " FROM sentences WHERE id > ? ORDER BY id", err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, after_id);
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_sentence_row r = {
			.id = sqlite3_column_int64(s, 0),
			.call = sqlite3_column_int64(s, 1),
			.idx = sqlite3_column_int(s, 2),
			.side = sqlite3_column_int(s, 3),
			.start_ms = sqlite3_column_int(s, 4),
			.end_ms = sqlite3_column_int(s, 5),
			.text = (const char *)sqlite3_column_text(s, 6),
		};
		if (!r.text)
			r.text = "";
		stop = fn(ctx, &r);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite3_finalize(s);
		return store_fail(st, "scan sentences", err, errlen);
	}
	sqlite3_finalize(s);
	return stop;
}

int store_sentence_exists(store *st, int64_t id, int *exists, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "SELECT 1 FROM sentences WHERE id = ?", err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	*exists = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return 0;
}

static int64_t scalar(store *st, const char *sql, int *ok)
{
	sqlite3_stmt *s = NULL;
	int64_t v = 0;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		*ok = 0;
		return 0;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else
		*ok = 0;
	sqlite3_finalize(s);
	return v;
}

int store_data_version(store *st, int64_t *v, char *err, size_t errlen)
{
	sqlite3_stmt *q = store_prep(st, "PRAGMA data_version", err, errlen);
	if (!q)
		return -1;
	int rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		store_fail(st, "data version", err, errlen);
		sqlite3_finalize(q);
		return -1;
	}
	*v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return 0;
}

int store_summary_get(store *st, struct store_summary *o, char *err, size_t errlen)
{
	int ok = 1;
	memset(o, 0, sizeof(*o));
	o->calls = scalar(st, "SELECT COUNT(*) FROM calls", &ok);
	o->external_calls = scalar(st, "SELECT COUNT(*) FROM calls WHERE scope = 0", &ok);
	o->internal_calls = scalar(st, "SELECT COUNT(*) FROM calls WHERE scope = 1", &ok);
	o->sentences = scalar(st, "SELECT COUNT(*) FROM sentences", &ok);
	o->max_sentence = scalar(st, "SELECT COALESCE(MAX(id), 0) FROM sentences", &ok);
	o->first_unix = scalar(st, "SELECT COALESCE(MIN(started_unix), 0) FROM calls", &ok);
	o->last_unix = scalar(st, "SELECT COALESCE(MAX(started_unix), 0) FROM calls", &ok);
	o->trackers = scalar(st, "SELECT COUNT(*) FROM trackers", &ok);
	o->active_trackers = scalar(st, "SELECT COUNT(*) FROM trackers WHERE active", &ok);
	return ok ? 0 : store_fail(st, "summary", err, errlen);
}

int store_meta_keys(store *st, char ***keys, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "SELECT DISTINCT key FROM call_meta ORDER BY key", err, errlen);
	size_t cap = 0;
	*keys = NULL;
	*n = 0;
	if (!s)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		xgrow(keys, &cap, *n + 1, sizeof(char *));
		(*keys)[(*n)++] = store_col_str(s, 0);
	}
	sqlite3_finalize(s);
	return 0;
}

int store_meta_values(store *st, const char *key, struct store_kv **values, size_t *n,
		      char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prep(st, "SELECT value, COUNT(*) FROM call_meta WHERE key = ?"
				     " GROUP BY value ORDER BY value", err, errlen);
	size_t cap = 0;
	*values = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		xgrow(values, &cap, *n + 1, sizeof(**values));
		(*values)[*n].key = store_col_str(s, 0);
		(*values)[*n].value = store_col_str(s, 1);
		(*n)++;
	}
	sqlite3_finalize(s);
	return 0;
}
