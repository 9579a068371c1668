/* text: the tokenizer, the stemmer and the hashes features are made of. The hash values
 * are pinned: stored models and indexes depend on them staying the same. */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"
#include "xmalloc.h"

/* The tokens of s joined by spaces. */
static char *tokens_of(struct text_tokens *t, const char *s)
{
	struct sbuf b = {0};
	text_tokenize(s, t);
	sbuf_add(&b, "");
	for (size_t i = 0; i < t->n; i++)
		sbuf_printf(&b, "%s%s", i ? " " : "", text_token(t, i));
	return sbuf_take(&b);
}

#define CHECK_TOKENS(s, want) do { char *got_ = tokens_of(&tk, s); CHECK_STR(got_, want); \
	free(got_); } while (0)

struct grams {
	uint32_t h[64];
	size_t n;
};

static void collect(void *ctx, uint32_t h)
{
	struct grams *g = ctx;
	if (g->n < 64)
		g->h[g->n] = h;
	g->n++;
}

static void test_tokenize(void)
{
	struct text_tokens tk = {0};

	TEST("tokenize: words are lower-cased and punctuation dropped");
	CHECK_TOKENS("Thanks for joining. Shall we START?", "thanks for joining shall we start");
	CHECK_TOKENS("pricing, discounts; (renewal) \"terms\" - ok!", "pricing discounts renewal terms ok");

	TEST("tokenize: inner apostrophes stay, curly ones made straight, outer ones dropped");
	CHECK_TOKENS("Don't you think it\xe2\x80\x99s cheaper?", "don't you think it's cheaper");
	CHECK_TOKENS("'quoted' words' end", "quoted words end");
	CHECK_TOKENS("rock'n'roll o'clock", "rock'n'roll o'clock");

	TEST("tokenize: every number is folded to 0, with its decimals, thousands and suffix");
	CHECK_TOKENS("It costs $1.5k or 2,000 dollars, the 3rd option, 12.5%.",
		     "it costs 0 or 0 dollars the 0 option 0");
	CHECK_TOKENS("x1 2026", "0 0");

	TEST("tokenize: letters beyond ASCII are kept and Latin-1 capitals lower-cased");
	CHECK_TOKENS("Caf\xc3\xa9 d\xc3\xa9j\xc3\xa0-vu", "caf\xc3\xa9 d\xc3\xa9j\xc3\xa0 vu");
	CHECK_TOKENS("\xc3\x89""COLE \xc3\x96L", "\xc3\xa9""cole \xc3\xb6l");
	CHECK_TOKENS("3\xc3\x97""4", "0 0");	/* the multiplication sign is not a letter */

	TEST("tokenize: dashes, ellipses and no-break spaces separate words");
	CHECK_TOKENS("yes\xe2\x80\x94no\xe2\x80\xa6maybe\xc2\xa0then", "yes no maybe then");

	TEST("tokenize: blank or punctuation-only text has no tokens");
	text_tokenize("", &tk);
	CHECK_INT(tk.n, 0);
	text_tokenize("  ... !? -- ", &tk);
	CHECK_INT(tk.n, 0);

	TEST("tokenize: memory is reused and earlier results replaced");
	text_tokenize("one two three four five six seven eight nine ten", &tk);
	CHECK_INT(tk.n, 10);
	text_tokenize("alpha", &tk);
	CHECK_INT(tk.n, 1);
	CHECK_STR(text_token(&tk, 0), "alpha");

	TEST("tokenize: a cut-off UTF-8 sequence at the end is not read past");
	{
		char cut[] = {'o', 'k', ' ', (char)0xe2, (char)0x80, 0};
		text_tokenize(cut, &tk);
		CHECK(tk.n >= 1);
		if (tk.n)
			CHECK_STR(text_token(&tk, 0), "ok");
		char cut2[] = {'a', (char)0xf0, 0};
		text_tokenize(cut2, &tk);
		CHECK_INT(tk.n, 1);
	}

	TEST("tokenize: a long text gives every token");
	{
		struct sbuf b = {0};
		for (int i = 0; i < 5000; i++)
			sbuf_add(&b, "word ");
		text_tokenize(b.s, &tk);
		CHECK_INT(tk.n, 5000);
		sbuf_free(&b);
	}
	text_tokens_free(&tk);
	text_tokens_free(&tk);	/* twice is fine: it was zeroed */
}

static void test_stem(void)
{
	text_stemmer *s = text_stemmer_new();
	TEST("stem: Snowball English");
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_STR(text_stem(s, "discounts"), "discount");
	CHECK_STR(text_stem(s, "discounted"), "discount");
	CHECK_STR(text_stem(s, "pricing"), "price");
	CHECK_STR(text_stem(s, "running"), "run");
	CHECK_STR(text_stem(s, "it's"), "it");
	CHECK_STR(text_stem(s, "cheaper"), "cheaper");

	TEST("stem: the result stays until the next call");
	{
		char first[32];
		snprintf(first, sizeof(first), "%s", text_stem(s, "negotiations"));
		CHECK_STR(first, "negoti");
		CHECK_STR(text_stem(s, "contracts"), "contract");
	}

	TEST("stem: empty and non-ASCII words do not break it");
	CHECK_STR(text_stem(s, ""), "");
	CHECK_STR(text_stem(s, "caf\xc3\xa9s"), "caf\xc3\xa9");
	text_stemmer_free(s);
	text_stemmer_free(NULL);
}

static void test_hash(void)
{
	TEST("hash: pinned values (stored models depend on them)");
	CHECK_INT(text_hash("", 0, 0), 0xab3e7c0bu);
	CHECK_INT(text_hash("discount", 8, 0), 0x893e6c55u);
	CHECK_INT(text_hash("discount", 8, 7), 0xf0243053u);
	CHECK_INT(text_hash_pair(1, 2), 0x5aed3e09u);
	CHECK_INT(text_hash_pair(2, 1), 0xe688f056u);

	TEST("hash: only the given bytes count");
	CHECK_INT(text_hash("discounts", 8, 0), text_hash("discount", 8, 0));

	TEST("hash: few collisions over many words and pairs");
	{
		enum { N = 20000 };
		uint32_t *h = xcalloc(N, sizeof(*h));
		char w[32];
		for (int i = 0; i < N; i++) {
			snprintf(w, sizeof(w), "word%d", i);
			h[i] = text_hash(w, strlen(w), 0);
		}
		/* 2^20 buckets: expect a few hundred shared buckets by chance, not thousands */
		unsigned char *seen = xcalloc(1 << 20, 1);
		int shared = 0;
		for (int i = 0; i < N; i++) {
			uint32_t b = h[i] & ((1u << 20) - 1);
			shared += seen[b];
			seen[b] = 1;
		}
		CHECK_MSG(shared < 400, "%d of %d share a bucket", shared, N);
		free(seen);
		free(h);
	}

	TEST("n-grams: the word with boundary marks, n from nmin to nmax");
	{
		struct grams g = {0};
		CHECK_INT(text_char_ngrams("ab", 2, 3, 0, collect, &g), 5);
		CHECK_INT(g.n, 5);
		if (g.n == 5) {
			CHECK_INT(g.h[0], text_hash("<a", 2, 0));
			CHECK_INT(g.h[1], text_hash("ab", 2, 0));
			CHECK_INT(g.h[2], text_hash("b>", 2, 0));
			CHECK_INT(g.h[3], text_hash("<ab", 3, 0));
			CHECK_INT(g.h[4], text_hash("ab>", 3, 0));
		}
	}

	TEST("n-grams: n larger than the word gives none");
	{
		struct grams g = {0};
		CHECK_INT(text_char_ngrams("a", 4, 6, 0, collect, &g), 0);
	}

	TEST("n-grams: none starts or ends inside a UTF-8 sequence");
	{
		struct grams g = {0};
		/* "<é>" is 4 bytes: of the 2-byte grams only "é" itself is whole */
		CHECK_INT(text_char_ngrams("\xc3\xa9", 2, 2, 0, collect, &g), 1);
		if (g.n == 1)
			CHECK_INT(g.h[0], text_hash("\xc3\xa9", 2, 0));
	}

	TEST("n-grams: a very long word is cut, not overrun");
	{
		char w[400];
		memset(w, 'a', sizeof(w) - 1);
		w[sizeof(w) - 1] = '\0';
		struct grams g = {0};
		size_t n = text_char_ngrams(w, 3, 3, 0, collect, &g);
		CHECK(n > 100 && n < 130);
	}
}

int main(void)
{
	test_tokenize();
	test_stem();
	test_hash();
	return test_report("test_text");
}
