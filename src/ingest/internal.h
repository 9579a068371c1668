/* Internal to ingest: the splitter's reusable form, for the importers. */
#ifndef INGEST_INTERNAL_H
#define INGEST_INTERNAL_H

#include <stddef.h>

#include "ingest.h"

/* Sentences of one call, kept between calls so that importing allocates little. */
struct ingest_sentbuf {
	struct store_sentence_in *v;	/* the sentences; texts point into text */
	size_t n, cap;
	char *text;			/* the sentence texts, each NUL-terminated */
	size_t text_len, cap_text;
	struct ingest_span *spans;	/* scratch for the splitter */
	size_t cap_spans;
};

/* Like ingest_sentences_from_utts, into sb (emptied first; zero-initialise before first
 * use). The sentences stay valid until the next call or ingest_sentbuf_free. */
void ingest_sentences_into(const struct ingest_utt *u, size_t n, struct ingest_sentbuf *sb);
void ingest_sentbuf_free(struct ingest_sentbuf *sb);

#endif
