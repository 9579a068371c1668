/* text: tokenising, normalising, stemming (Snowball English through libstemmer) and
 * feature hashing. Pure functions but for the stemmer, which is one per thread. */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Tokens of a text: lower-cased words (letters with inner apostrophes, curly ones made
 * straight), every number folded to "0". */
struct text_tokens {
	char *buf;		/* the tokens, each NUL-terminated (owned) */
	size_t *off;		/* start of token i in buf (owned) */
	size_t n;		/* number of tokens */
	size_t cap_buf, cap_off;
};

/* Splits s into tokens, reusing t's memory (zero-initialise t before first use). */
void text_tokenize(const char *s, struct text_tokens *t);
void text_tokens_free(struct text_tokens *t);
static inline const char *text_token(const struct text_tokens *t, size_t i)
{
	return t->buf + t->off[i];
}

typedef struct text_stemmer text_stemmer;

/* A Snowball English stemmer; NULL only if libstemmer lacks English. Not thread-safe:
 * one per thread. */
text_stemmer *text_stemmer_new(void);
void text_stemmer_free(text_stemmer *s);
/* The stem of a lower-case word, NUL-terminated, valid until the next call. */
const char *text_stem(text_stemmer *s, const char *word);

/* Characters (code points) in the n bytes of UTF-8 text s. */
size_t text_chars(const char *s, size_t n);

/* 32-bit hash (FNV-1a then a final mix) of n bytes with a seed; feature ids are hashes. */
uint32_t text_hash(const void *data, size_t n, uint32_t seed);
/* Combines two 32-bit ids into one (word pairs). */
uint32_t text_hash_pair(uint32_t a, uint32_t b);

/* Character n-grams of a word with boundary marks ("<word>"), n from nmin to nmax:
 * calls fn with each n-gram's hash. Returns how many. */
size_t text_char_ngrams(const char *word, int nmin, int nmax, uint32_t seed,
			void (*fn)(void *ctx, uint32_t h), void *ctx);

#endif
