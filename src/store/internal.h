/* Internal to store: the handle and statement helpers shared by its files. */
#ifndef STORE_INTERNAL_H
#define STORE_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Cached statements, one slot each. */
enum {
	Q_CALL_FIND, Q_CALL_SET_ASIDE, Q_CALL_INSERT, Q_META_INSERT, Q_PARTY_INSERT,
	Q_SENTENCE_INSERT, Q_SENTENCE_INSERT_N, Q_MAX_SENTENCE, Q_TAG_ROUND, Q_TAG_SET, Q_TAG_PREV,
	Q_TAG_CHANGE, Q_ROUND_LEFT, Q_DETECTION_INSERT, Q_NEXT_SENTENCE_SET, Q_COUNT
};

struct store {
	sqlite3 *db;
	char *path;
	char *ro_why;			/* why it was opened read-only; NULL when writable */
	int depth;			/* nesting of store_begin */
	sqlite3_stmt *q[Q_COUNT];	/* cached statements, prepared on first use */
	int64_t carried_tags, dropped_tags;	/* by the last store_call_put that replaced */
};

/* Prepares a cached statement (reset and unbound) or a fresh one; NULL with err set.
 * store_q with sql NULL only returns the slot's statement if there is one. */
sqlite3_stmt *store_q(store *st, int slot, const char *sql, char *err, size_t errlen);
sqlite3_stmt *store_prep(store *st, const char *sql, char *err, size_t errlen);
/* Fills err with "store: op: <sqlite message>" and returns -1. */
int store_fail(store *st, const char *op, char *err, size_t errlen);
/* Runs SQL with no results. */
int store_exec(store *st, const char *sql, char *err, size_t errlen);
/* A column as a new string (never NULL). */
char *store_col_str(sqlite3_stmt *s, int col);
int64_t store_now(void);

/* Settings as text: filters as "key\tvalue\n" lines. */
char *store_filters_encode(const struct store_kv *f, size_t n);
void store_filters_decode(const char *text, struct store_kv **f, size_t *n);

#endif
