/* ingest: reading calls from files (JSON, JSON Lines, WebVTT) into the store, and the
 * sentence splitter they share with the demo generator. Never prints. */
#ifndef INGEST_H
#define INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* A sentence's place in the text it was cut from: bytes [start, end), trimmed. */
struct ingest_span {
	size_t start, end;
};

/* Splits text into sentences. Knows abbreviations (Mr., Dr., e.g., U.S.), decimals and
 * prices ($1.5k, 2.5%), ellipses, runs of ?! and a missing final full stop. *out is
 * owned by the caller (free()); returns the number of spans (0 for blank text). */
size_t ingest_split(const char *text, size_t len, struct ingest_span **out);

/* One utterance of a transcript. */
struct ingest_utt {
	int party;		/* index into the call's parties */
	int start_ms, end_ms;
	const char *text;	/* (borrowed) */
};

/* Splits utterances into sentences, each with start/end ms interpolated inside its
 * utterance by character position. *out and every text in it are owned by the caller:
 * free with ingest_sentences_free. */
void ingest_sentences_from_utts(const struct ingest_utt *u, size_t n,
				struct store_sentence_in **out, size_t *nout);
void ingest_sentences_free(struct store_sentence_in *s, size_t n);

/* What an import did. */
struct ingest_report {
	size_t calls;		/* calls written */
	size_t replaced;	/* of which replaced an existing call */
	size_t sentences;	/* sentences written */
	char **notes;		/* lines to show the user: replacements and warnings */
	size_t n_notes;
	int64_t *call_ids;	/* row ids of the calls written, in order */
	size_t n_call_ids;
	char **ignored;		/* call fields not in the import format, each noted once */
	size_t n_ignored;
};

void ingest_report_free(struct ingest_report *r);

/* Imports files by extension (.json: one call or an array; .jsonl: one call a line;
 * .vtt: WebVTT with <v Name> voice tags and an optional NAME.meta.json sidecar).
 * Writes inside the caller's transaction. On the first malformed call returns -1 with
 * err as "FILE:LINE: call ID: what is wrong" (the caller rolls back) and rep emptied. A
 * missing or unreadable recording is a note, not a failure. rep is owned by the caller
 * (ingest_report_free). */
int ingest_files(store *st, const char *const *paths, size_t n, struct ingest_report *rep,
		 char *err, size_t errlen);

/* 1 when s[0, n) is well-formed UTF-8 (no overlongs, surrogates or bytes past U+10FFFF). */
int ingest_utf8_valid(const char *s, size_t n);

/* Parses an ISO 8601 date-time ("2026-03-02T15:00:00Z", offsets and a bare date
 * accepted) into unix seconds; returns -1 when it is not one. */
int ingest_parse_time(const char *s, int64_t *unix_out);

#endif
