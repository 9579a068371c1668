/* Tokens, stems and hashes. */
#include "text.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct text_stemmer {
	struct sb_stemmer *sb;
};

text_stemmer *text_stemmer_new(void)
{
	struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
	if (!sb)
		return NULL;
	text_stemmer *s = xmalloc(sizeof(*s));
	s->sb = sb;
	return s;
}

void text_stemmer_free(text_stemmer *s)
{
	if (!s)
		return;
	sb_stemmer_delete(s->sb);
	free(s);
}

const char *text_stem(text_stemmer *s, const char *word)
{
	const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)word, (int)strlen(word));
	return r ? (const char *)r : word;
}

static void push_byte(struct text_tokens *t, size_t *len, char c)
{
	xgrow(&t->buf, &t->cap_buf, *len + 2, 1);
	t->buf[(*len)++] = c;
}

/* Bytes in the UTF-8 sequence that starts with c (1 for a stray byte). */
static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
}

/* The same, never past the terminating NUL of a cut-off sequence. */
static size_t seq_len(const unsigned char *p)
{
	size_t k = utf8_len(*p), i = 1;
	while (i < k && p[i])
		i++;
	return i;
}

static int is_word_start(const unsigned char *p)
{
	if (*p < 0x80)
		return (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
	/* Letters outside ASCII: Latin-1 supplement and beyond, but not punctuation such as
	 * U+2019 (quotes), U+2026 (ellipsis), U+2013/2014 (dashes) or U+00A0. */
	if (p[0] == 0xe2 && p[1] == 0x80)
		return 0;
	if (p[0] == 0xc2)
		return 0;
	if (p[0] == 0xc3 && (p[1] == 0x97 || p[1] == 0xb7))
		return 0;	/* × and ÷ */
	return 1;
}

void text_tokenize(const char *s, struct text_tokens *t)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0;
	t->n = 0;
	while (*p) {
		if (!is_word_start(p)) {
			p += seq_len(p);
			continue;
		}
		size_t start = len;
		int digits = 0;
		for (;;) {
			if (*p && is_word_start(p)) {
				size_t k = seq_len(p);
				if (*p >= '0' && *p <= '9')
					digits = 1;
				for (size_t i = 0; i < k && p[i]; i++) {
					unsigned char c = p[i];
					if (c >= 'A' && c <= 'Z')
						c = (unsigned char)(c - 'A' + 'a');
					/* Latin-1 capitals U+00C0-U+00DE (not U+00D7 ×) are c3 80-9e */
					if (i == 1 && p[0] == 0xc3 && c >= 0x80 && c <= 0x9e && c != 0x97)
						c = (unsigned char)(c + 0x20);
					push_byte(t, &len, (char)c);
				}
				p += k;
				continue;
			}
			/* Inner apostrophes ("don't", "customer’s") and number punctuation
			 * ("1.5", "2,000") stay inside the token. */
			int apos = *p == '\'' ? 1 : (p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0x99) ? 3 : 0;
			if (apos && is_word_start(p + apos) && !(p[apos] >= '0' && p[apos] <= '9')) {
				push_byte(t, &len, '\'');
				p += apos;
				continue;
			}
			if ((*p == '.' || *p == ',') && digits && p[1] >= '0' && p[1] <= '9') {
				p++;
				continue;
			}
			break;
		}
		if (digits) {
			/* "$1.5k", "2026", "3rd": one number token. */
			len = start;
			push_byte(t, &len, '0');
		}
		push_byte(t, &len, '\0');
		xgrow(&t->off, &t->cap_off, t->n + 1, sizeof(*t->off));
		t->off[t->n++] = start;
	}
}

void text_tokens_free(struct text_tokens *t)
{
	free(t->buf);
	free(t->off);
	memset(t, 0, sizeof(*t));
}

uint32_t text_hash(const void *data, size_t n, uint32_t seed)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	/* murmur3's finaliser spreads the low bits FNV leaves weak. */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

uint32_t text_hash_pair(uint32_t a, uint32_t b)
{
	uint64_t x = ((uint64_t)a << 32 | b) * 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 32;
	return (uint32_t)x;
}

size_t text_char_ngrams(const char *word, int nmin, int nmax, uint32_t seed,
			void (*fn)(void *ctx, uint32_t h), void *ctx)
{
	char buf[128];
	size_t wl = strlen(word), count = 0;
	if (wl + 2 >= sizeof(buf))
		wl = sizeof(buf) - 3;
	buf[0] = '<';
	memcpy(buf + 1, word, wl);
	buf[wl + 1] = '>';
	size_t len = wl + 2;
	for (int n = nmin; n <= nmax; n++) {
		if ((size_t)n > len)
			break;
		for (size_t i = 0; i + (size_t)n <= len; i++) {
			/* Do not start or end an n-gram inside a UTF-8 sequence. */
			if (((unsigned char)buf[i] & 0xc0) == 0x80)
				continue;
			if (i + (size_t)n < len && ((unsigned char)buf[i + (size_t)n] & 0xc0) == 0x80)
				continue;
			fn(ctx, text_hash(buf + i, (size_t)n, seed));
			count++;
		}
	}
	return count;
}

size_t text_chars(const char *s, size_t n)
{
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	return chars;
}
