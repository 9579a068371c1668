/* store: the workspace, one SQLite file (WAL). The only part that speaks SQL.
 *
 * Every function returns 0 on success or -1 on failure with a message in err
 * (`store: <operation>: <sqlite message>` or a plain sentence for state errors),
 * unless its comment says otherwise. Result structs are owned by the caller and
 * freed with the matching *_free(), which accepts NULL. A store handle is used by one
 * thread at a time. */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

/* Which side of the call a party is on. */
enum store_side { STORE_COMPANY = 0, STORE_CUSTOMER = 1 };

/* Who must say a tracker's concept. */
enum store_by { STORE_BY_ANY = 0, STORE_BY_COMPANY = 1, STORE_BY_CUSTOMER = 2 };

/* Which calls a tracker looks at by scope. */
enum store_scope { STORE_SCOPE_EXTERNAL = 0, STORE_SCOPE_INTERNAL = 1, STORE_SCOPE_ALL = 2 };

/* Which part of a call a tracker looks at. */
enum store_part { STORE_PART_ANYTIME = 0, STORE_PART_FIRST = 1, STORE_PART_LAST = 2 };

/* Tag labels, as stored. */
enum store_label { STORE_TAG_NONE = -1, STORE_TAG_NO = 0, STORE_TAG_YES = 1, STORE_TAG_UNSURE = 2 };

/* Names of labels ("yes", "no", "unsure") and back; store_label_parse returns
 * STORE_TAG_NONE for anything else. */
const char *store_label_name(int label);
int store_label_parse(const char *s);
const char *store_side_name(int side);		/* "company" / "customer" */
const char *store_by_name(int by);		/* "any" / "company" / "customer" */
const char *store_scope_name(int scope);	/* "external" / "internal" / "all" */

struct store_kv {
	char *key;
	char *value;
};

/* ---------------------------------------------------------------- opening */

/* Opens (creating if missing) the workspace at path, turns on WAL, foreign keys and a
 * busy timeout, and migrates the schema forward. *out is owned by the caller.
 *
 * A workspace that exists but cannot be written (the file, or its folder where the -wal
 * and -shm files go, or one of those files) opens read-only: nothing is written at open,
 * everything reads, and every change fails with "PATH is read-only (why), so nothing can
 * be changed in it". One that would need its schema upgraded cannot be opened read-only:
 * the error says to open it once with write access. */
int store_open(const char *path, store **out, char *err, size_t errlen);
void store_close(store *st);

/* Why the workspace was opened read-only ("you may not write the file", "it is on a
 * read-only file system", ...), or NULL when it can be changed. */
const char *store_readonly(const store *st);
/* 0 when the workspace can be changed; -1 with the read-only message in err when not.
 * store_begin checks it, and a change made outside a transaction fails with it too. */
int store_writable(const store *st, char *err, size_t errlen);

/* The schema version this build writes (PRAGMA user_version). */
int store_schema_version(void);

/* One transaction per command. begin/commit nest: only the outermost pair touches the
 * database. rollback undoes the whole outermost transaction and is safe to call when
 * none is open. */
int store_begin(store *st, char *err, size_t errlen);
int store_commit(store *st, char *err, size_t errlen);
void store_rollback(store *st);

/* ---------------------------------------------------------------- calls */

struct store_party_in {
	char *ext_id;		/* the id used in the import file (borrowed) */
	char *name;		/* display name (borrowed) */
	int side;		/* enum store_side */
	int channel;		/* the recording's channel that carries this party, from 1;
				 * 0 when all channels are theirs (mixed to play) */
};

struct store_sentence_in {
	int party;		/* index into the call's parties */
	int utt;		/* index of the utterance it came from */
	int start_ms, end_ms;	/* times inside the recording */
	char *text;		/* (borrowed) */
};

/* A call to insert. Every pointer is borrowed for the duration of the call. */
struct store_call_in {
	char *ext_id;		/* the import id, unique in the workspace */
	char *title;
	char *started;		/* ISO 8601 UTC, as imported */
	int64_t started_unix;	/* the same instant in seconds */
	int64_t duration_ms;	/* length of the call */
	int scope;		/* STORE_SCOPE_EXTERNAL or STORE_SCOPE_INTERNAL */
	char *language;
	char *audio;		/* path of the recording, or NULL */
	int audio_ok;		/* 1 checked and usable, 0 missing or unreadable, -1 not checked */
	int64_t audio_ms;	/* the recording's length when audio_ok is 1 */
	struct store_kv *meta;
	size_t n_meta;
	struct store_party_in *parties;
	size_t n_parties;
	struct store_sentence_in *sentences;
	size_t n_sentences;
};

/* Inserts a call, replacing one with the same ext_id. The tags, round items and tag
 * changes on the old call's sentences move to the new sentence with the same text (the
 * one at the same place, else the nearest); those on a sentence the new call no longer
 * has go with the old call, as its detections do (store_call_put_carried() counts both).
 * *call_id gets the call's row id; its sentence ids are consecutive from *first_id
 * (either pointer may be NULL). *replaced is set to 1 when a call was replaced. Needs an
 * open transaction. */
int store_call_put(store *st, const struct store_call_in *c, int64_t *call_id,
		   int64_t *first_id, int *replaced, char *err, size_t errlen);
/* Tags the last store_call_put that replaced a call kept on the new call's sentences,
 * and tags it dropped with sentences the new call no longer has. */
void store_call_put_carried(store *st, int64_t *kept, int64_t *dropped);
/* Sentence ids as they are now: each of ids[n] whose call was replaced since, and whose
 * sentence the new call has too (its tags were carried), becomes that sentence's id; the
 * others stay. *moved gets how many changed. Models name the sentences they were
 * trained on by the ids of then. */
int store_sentences_follow(store *st, int64_t *ids, size_t n, size_t *moved, char *err,
			   size_t errlen);

/* A call as listed. */
struct store_call {
	int64_t id;		/* row id */
	char *ext_id, *title, *started, *language, *audio;
	int64_t started_unix, duration_ms;
	int scope;
	int audio_ok;
	int64_t audio_ms;
	struct store_kv *meta;
	size_t n_meta;
	char **party_names;	/* in party order */
	int *party_sides;
	size_t n_parties;
	int64_t n_sentences;
	int64_t first_sentence;	/* smallest sentence id of the call */
};

/* Every call, newest first. */
int store_calls_list(store *st, struct store_call **out, size_t *n, char *err, size_t errlen);
void store_calls_free(struct store_call *calls, size_t n);

/* One call by import id or row id; returns 1 (and *out NULL) when there is none. */
int store_call_get(store *st, const char *ext_id, struct store_call **out,
		   char *err, size_t errlen);
int store_call_get_id(store *st, int64_t id, struct store_call **out, char *err, size_t errlen);

/* Sets what checking a call's recording found (audio_ok as in store_call_in). */
int store_call_set_audio(store *st, int64_t call, const char *path, int audio_ok,
			 int64_t audio_ms, char *err, size_t errlen);

/* ---------------------------------------------------------------- sentences */

struct store_sentence {
	int64_t id;
	int64_t call;		/* call row id */
	int idx;		/* position in the call, from 0 */
	int utt;		/* utterance it came from */
	int start_ms, end_ms;
	int side;		/* enum store_side */
	char *speaker;		/* party name */
	char *text;
	int channel;		/* the speaker's channel of the recording, from 1; 0: all */
};

void store_sentences_free(struct store_sentence *s, size_t n);

/* The sentences of a call in order. */
int store_call_sentences(store *st, int64_t call, struct store_sentence **out, size_t *n,
			 char *err, size_t errlen);

/* One sentence with up to `before` and `after` neighbours from the same call, in order;
 * *target is the index of the sentence itself in *out. Returns 1 when there is no such
 * sentence. */
int store_sentence_context(store *st, int64_t id, int before, int after,
			   struct store_sentence **out, size_t *n, size_t *target,
			   char *err, size_t errlen);

/* A row handed to a scan callback; every pointer is borrowed until the callback returns. */
struct store_sentence_row {
	int64_t id, call;
	int idx, side, start_ms, end_ms;
	const char *text;
};

/* Calls fn for every sentence with id > after_id, in id order, until fn returns
 * non-zero (which ends the scan and is returned). */
int store_sentences_scan(store *st, int64_t after_id,
			 int (*fn)(void *ctx, const struct store_sentence_row *row), void *ctx,
			 char *err, size_t errlen);

/* Counts and bounds of the workspace. */
struct store_summary {
	int64_t calls, sentences, external_calls, internal_calls;
	int64_t first_unix, last_unix;	/* start of the oldest and newest call; 0 if none */
	int64_t max_sentence;		/* largest sentence id */
	int64_t trackers, active_trackers;
};
int store_summary_get(store *st, struct store_summary *out, char *err, size_t errlen);
/* A number that changes when another connection (another process, or the app's worker)
 * commits a change to the workspace, and not for this one's own: a screen showing the
 * workspace knows when to read it again. */
int store_data_version(store *st, int64_t *v, char *err, size_t errlen);

/* Distinct metadata keys of the workspace, and the values of one key with the number of
 * calls that have each. Free keys with store_strings_free, values with store_kvs_free
 * (value holds the count as text). */
int store_meta_keys(store *st, char ***keys, size_t *n, char *err, size_t errlen);
int store_meta_values(store *st, const char *key, struct store_kv **values, size_t *n,
		      char *err, size_t errlen);
void store_strings_free(char **s, size_t n);
void store_kvs_free(struct store_kv *kv, size_t n);

/* ---------------------------------------------------------------- trackers */

/* What a tracker looks at. Filters are metadata key=value pairs; several values of one
 * key mean any of them, different keys must all hold. */
struct store_settings {
	char *name;
	char *description;
	int by;			/* enum store_by */
	int scope;		/* enum store_scope */
	int part;		/* enum store_part */
	int part_minutes;	/* N for first/last N minutes */
	struct store_kv *filters;
	size_t n_filters;
};

void store_settings_clear(struct store_settings *s);
void store_settings_copy(struct store_settings *dst, const struct store_settings *src);

struct store_tracker {
	int64_t id;
	struct store_settings live;	/* the settings in force */
	int has_draft_settings;		/* edited after activation, not yet published */
	struct store_settings draft;	/* valid when has_draft_settings */
	int64_t created, updated;	/* unix seconds */
	int active;			/* activated */
	int backfill_months;		/* 0 for upcoming calls only */
	int64_t activated_at;
	int64_t n_examples;
	int64_t n_yes, n_no, n_unsure;	/* tags */
	int rounds;			/* rounds created */
	int round_open;			/* the last round still has untagged items */
	int64_t live_model;		/* model row id in use, 0 when none */
	int64_t latest_model;		/* newest model row id, 0 when none */
	int latest_version;		/* its version number */
	double latest_precision;	/* its estimates, NAN when none */
	double latest_recall;
	int live_version;		/* version of live_model, 0 when none */
	double live_precision;		/* its estimates, NAN when none */
	double live_recall;
	int64_t n_detections;
};

void store_tracker_free(struct store_tracker *t);
void store_trackers_free(struct store_tracker *t, size_t n);

/* Creates a tracker; the name must be unique. */
int store_tracker_create(store *st, const struct store_settings *s, int64_t *id,
			 char *err, size_t errlen);

/* Finds a tracker by id (all digits) or by name; returns 1 when there is none. */
int store_tracker_find(store *st, const char *ref, int64_t *id, char *err, size_t errlen);

int store_tracker_get(store *st, int64_t id, struct store_tracker **out, char *err, size_t errlen);
int store_trackers_list(store *st, struct store_tracker **out, size_t *n, char *err, size_t errlen);

/* Replaces the live settings (draft = 0) or the draft settings (draft = 1); a draft the
 * same as the live settings is dropped, leaving none. */
int store_tracker_set_settings(store *st, int64_t id, const struct store_settings *s, int draft,
			       char *err, size_t errlen);
/* Makes the draft settings live. */
int store_tracker_publish_settings(store *st, int64_t id, char *err, size_t errlen);
int store_tracker_delete(store *st, int64_t id, char *err, size_t errlen);
/* Marks a tracker active (months of backfill, 0 for upcoming only) or inactive. */
int store_tracker_set_active(store *st, int64_t id, int active, int backfill_months,
			     char *err, size_t errlen);
/* Sets the live model row id. */
int store_tracker_set_live_model(store *st, int64_t id, int64_t model, char *err, size_t errlen);
int store_tracker_touch(store *st, int64_t id, char *err, size_t errlen);

/* Where a call's sentences are: ids first .. first + n - 1 (consecutive). */
struct store_call_span {
	int64_t call;		/* call row id */
	int64_t first;		/* first sentence id */
	int64_t n;		/* number of sentences */
	int64_t started_unix;
	int64_t duration_ms;
	int64_t imported_unix;	/* when it was imported */
	int scope;
};

/* Spans of the calls that match settings' scope and filters (settings NULL: every
 * call), optionally only those started at or after since_unix (0: all), by call id.
 * *out is owned by the caller (free()). */
int store_calls_matching(store *st, const struct store_settings *s, int64_t since_unix,
			 struct store_call_span **out, size_t *n, char *err, size_t errlen);

/* ---------------------------------------------------------------- examples */

struct store_example {
	int64_t id;
	char *text;
	int64_t created;
};

/* The longest example sentence, in characters (text_chars): an example is one sentence. */
#define STORE_EXAMPLE_MAX 500

int store_example_add(store *st, int64_t tracker, const char *text, int64_t *id,
		      char *err, size_t errlen);
int store_example_update(store *st, int64_t example, const char *text, char *err, size_t errlen);
int store_example_delete(store *st, int64_t example, char *err, size_t errlen);
int store_examples_list(store *st, int64_t tracker, struct store_example **out, size_t *n,
			char *err, size_t errlen);
void store_examples_free(struct store_example *e, size_t n);

/* ---------------------------------------------------------------- rounds and tags */

struct store_round_item {
	int64_t sentence;
	int position;		/* 0-based place in the round */
	char *method;		/* how it was chosen ("near-example", "boundary", "audit", ...) */
	double prob;		/* probability it had of being drawn, 0 when not sampled */
	int audit;		/* drawn at random from the scope, never trained on */
	int tag;		/* enum store_label, STORE_TAG_NONE when untagged */
};

struct store_round {
	int64_t id;
	int64_t tracker;
	int number;		/* 1-based */
	int64_t created;
	int64_t completed;	/* unix seconds, 0 while open */
	struct store_round_item *items;
	size_t n_items;
};

void store_round_free(struct store_round *r);

/* The tracker's latest round (completed or not); returns 1 when it has none. */
int store_round_latest(store *st, int64_t tracker, struct store_round **out,
		       char *err, size_t errlen);
/* Creates round number `number` with its items (sentence, position, method, prob, audit
 * are read from items; tag is ignored). */
int store_round_create(store *st, int64_t tracker, int number,
		       const struct store_round_item *items, size_t n, int64_t *round_id,
		       char *err, size_t errlen);

struct store_tag {
	int64_t seq;		/* order in which tags were set */
	int64_t sentence;
	int label;		/* enum store_label */
	int64_t tagged_at;	/* unix seconds */
	int64_t round;		/* round row id, 0 for none */
	char *method;		/* from the round item, or NULL */
	double prob;		/* from the round item, 0 when none */
	int audit;
	int64_t call;		/* the sentence's call row id */
};

/* Sets (or changes) the tag of a sentence. When the sentence is an item of the
 * tracker's latest open round and every item now has a tag, the round is marked
 * complete and *completed is set to 1 (completed may be NULL). */
int store_tag_set(store *st, int64_t tracker, int64_t sentence, int label, int *completed,
		  char *err, size_t errlen);
/* Undoes the most recent tag set or changed in the tracker's latest round: a changed
 * tag gets its earlier label back, a new one is removed. *sentence gets the sentence it
 * was on, or 0 when there was nothing to undo; *label (may be NULL) the tag the sentence
 * has now, STORE_TAG_NONE for none. */
int store_tag_undo(store *st, int64_t tracker, int64_t *sentence, int *label, char *err,
		   size_t errlen);
int store_tags_list(store *st, int64_t tracker, struct store_tag **out, size_t *n,
		    char *err, size_t errlen);
void store_tags_free(struct store_tag *t, size_t n);
/* 1 when the sentence exists, 0 when not. */
int store_sentence_exists(store *st, int64_t id, int *exists, char *err, size_t errlen);

/* ---------------------------------------------------------------- models */

enum store_model_state { STORE_MODEL_DRAFT = 0, STORE_MODEL_PUBLISHED = 1 };

struct store_model {
	int64_t id;
	int64_t tracker;
	int version;		/* 1, 2, ... per tracker */
	int64_t created;
	double threshold;	/* operating threshold on the score */
	int n_tags;		/* tags it was trained on */
	int provisional;	/* built before round 4 */
	int state;		/* enum store_model_state */
	double precision;	/* estimated precision and recall, NAN when unknown */
	double recall;
	void *blob;		/* the trainer's serialised model (owned) */
	size_t blob_len;
	char *report;		/* the trainer's estimates as JSON text (owned) */
};

void store_model_free(struct store_model *m);
/* Stores a new version (version, created and id are assigned). */
int store_model_put(store *st, struct store_model *m, char *err, size_t errlen);
/* The newest model of a tracker; returns 1 when it has none. */
int store_model_latest(store *st, int64_t tracker, struct store_model **out,
		       char *err, size_t errlen);
int store_model_get(store *st, int64_t id, struct store_model **out, char *err, size_t errlen);
int store_model_set_state(store *st, int64_t id, int state, char *err, size_t errlen);

/* ---------------------------------------------------------------- detections */

struct store_detection_in {
	int64_t sentence;
	int64_t call;
	float score;
};

/* Removes all detections of a tracker and inserts the given ones, made by model. */
int store_detections_replace(store *st, int64_t tracker, int64_t model,
			     const struct store_detection_in *d, size_t n,
			     char *err, size_t errlen);
/* Adds detections (for newly imported calls). */
int store_detections_add(store *st, int64_t tracker, int64_t model,
			 const struct store_detection_in *d, size_t n, char *err, size_t errlen);

struct store_detection {
	int64_t sentence;
	int64_t call;
	char *call_ext_id, *call_title, *started;
	int64_t started_unix;
	int start_ms, end_ms;
	char *speaker;
	int side;
	char *text;
	double score;
	int model_version;
};
/* Detections of a tracker, newest call first, then in call order. */
int store_detections_list(store *st, int64_t tracker, struct store_detection **out, size_t *n,
			  char *err, size_t errlen);
void store_detections_free(struct store_detection *d, size_t n);

/* Detection counts per call (call row id, ext id, title, started, count), newest first. */
struct store_call_count {
	int64_t call;
	char *ext_id, *title, *started;
	int64_t count;
};
int store_detection_counts(store *st, int64_t tracker, struct store_call_count **out,
			   size_t *n, char *err, size_t errlen);
void store_call_counts_free(struct store_call_count *c, size_t n);

/* Detection rate per segment (a metadata key's value, or "" for all) and ISO week:
 * calls in scope and calls with at least one detection, oldest week first. */
struct store_rate_row {
	char *segment;
	char week[12];		/* "2026-W09" */
	int64_t calls;
	int64_t calls_detected;
	int64_t detections;
};
int store_detection_rates(store *st, int64_t tracker, const char *segment_key,
			  struct store_rate_row **out, size_t *n, char *err, size_t errlen);
void store_rate_rows_free(struct store_rate_row *r, size_t n);

/* ---------------------------------------------------------------- blobs */

/* Named binary blobs (the trainer's workspace index, …). get returns 1 when absent;
 * *data is owned by the caller. */
int store_blob_put(store *st, const char *name, const void *data, size_t len,
		   char *err, size_t errlen);
int store_blob_get(store *st, const char *name, void **data, size_t *len,
		   char *err, size_t errlen);
int store_blob_delete(store *st, const char *name, char *err, size_t errlen);

/* Workspace-wide key/value settings (e.g. index versions). get returns 1 when absent;
 * *value is owned by the caller. */
int store_state_set(store *st, const char *key, const char *value, char *err, size_t errlen);
int store_state_get(store *st, const char *key, char **value, char *err, size_t errlen);

#endif
