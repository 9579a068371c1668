/* Sentence splitting for spoken transcripts, and times for each sentence. */
#include "ingest.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "xmalloc.h"

/* Abbreviations that never end a sentence, whatever follows: "Dr. Reyes", "e.g. Salesforce". */
static const char *const never_final[] = {
	"mr", "mrs", "ms", "mx", "dr", "prof", "st", "mt", "sen", "gov", "gen", "capt", "lt",
	"col", "sgt", "vs", "e.g", "i.e", "cf", "viz", "approx",
};

/* Abbreviations that may end a sentence: they do before a word that usually starts one
 * ("we're based in the U.S. Then ..."), not before others ("the U.S. Army",
 * "Acme Inc. Europe", "J. Smith"). */
static const char *const maybe_final[] = {
	"jr", "sr", "inc", "ltd", "co", "corp", "dept", "fig", "vol", "jan", "feb", "apr",
	"jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed",
	"thu", "thurs", "fri",
};

/* Words that usually start a sentence in conversation, lower-case. */
static const char *const starters[] = {
	"i", "i'm", "i'll", "i've", "i'd", "we", "we're", "we'll", "we've", "you", "you're",
	"you'll", "they", "they're", "he", "he's", "she", "she's", "it", "it's", "the", "this",
	"that", "that's", "these", "those", "there", "there's", "then", "so", "and", "but", "or",
	"our", "my", "your", "their", "his", "her", "what", "what's", "how", "why", "when",
	"where", "who", "which", "is", "are", "was", "were", "do", "does", "did", "can", "could",
	"would", "will", "should", "let", "let's", "yes", "yeah", "no", "okay", "ok", "well",
	"thanks", "thank", "right", "sure", "also", "now", "if", "a", "an", "all", "any",
	"anyway", "just", "maybe", "great", "good", "because", "since", "after", "before",
	"here", "hi", "hello", "sorry", "please", "not",
};

static int in_list(const char *const *list, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w, list[i]))
			return 1;
	return 0;
}

#define IN_LIST(list, w) in_list(list, sizeof(list) / sizeof(list[0]), w)

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_closer(unsigned char c)
{
	return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}';
}

/* U+2026 HORIZONTAL ELLIPSIS is e2 80 a6; U+201D/2019 closing quotes e2 80 9d / 99. */
static int utf8_at(const char *s, size_t i, size_t len, unsigned char b3)
{
	return i + 2 < len && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
	       (unsigned char)s[i + 2] == b3;
}

/* The word just before position dot (letters and inner dots), lower-cased into buf. */
static void word_before(const char *s, size_t dot, char *buf, size_t cap, int *single_letters)
{
	size_t b = dot;
	while (b > 0 && (isalpha((unsigned char)s[b - 1]) || s[b - 1] == '.'))
		b--;
	size_t n = dot - b;
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)s[b + i]);
	buf[n] = '\0';
	/* "U.S", "U.K": capital letters joined by dots ("a.m. Then" still ends a sentence). */
	*single_letters = n >= 3 && isupper((unsigned char)s[b]);
	for (size_t i = 0; i < n && *single_letters; i++)
		if ((i % 2 == 0) != (isalpha((unsigned char)buf[i]) != 0))
			*single_letters = 0;
	if (n == 1 && isupper((unsigned char)s[b]))
		*single_letters = 1;	/* an initial: "J. Smith" */
	if (b > 0 && isalnum((unsigned char)s[b - 1]))
		*single_letters = 0;	/* "$2.5M." is an amount, not an initial */
}

/* The position of the first letter after position i (skipping spaces and opening
 * quotes); len at the end. */
static size_t next_visible(const char *s, size_t i, size_t len)
{
	while (i < len && (is_space((unsigned char)s[i]) || s[i] == '"' || s[i] == '\'' || s[i] == '(' ||
			   utf8_at(s, i, len, 0x9c) || utf8_at(s, i, len, 0x98))) {
		if ((unsigned char)s[i] == 0xe2)
			i += 3;
		else
			i++;
	}
	return i;
}

/* 1 when the word at s[i] usually starts a sentence. */
static int starts_sentence(const char *s, size_t i, size_t len)
{
	char w[16];
	size_t n = 0;
	while (i + n < len && n + 1 < sizeof(w) &&
	       (isalpha((unsigned char)s[i + n]) || s[i + n] == '\''))
		n++;
	if (n == 0 || n + 1 >= sizeof(w) || (i + n < len && isalpha((unsigned char)s[i + n])))
		return 0;
	for (size_t k = 0; k < n; k++)
		w[k] = (char)tolower((unsigned char)s[i + k]);
	w[n] = '\0';
	return IN_LIST(starters, w);
}

static void push(struct ingest_span **out, size_t *n, size_t *cap, const char *s, size_t a, size_t b)
{
	while (a < b && is_space((unsigned char)s[a]))
		a++;
	while (b > a && is_space((unsigned char)s[b - 1]))
		b--;
	if (a >= b)
		return;
	xgrow(out, cap, *n + 1, sizeof(**out));
	(*out)[*n].start = a;
	(*out)[*n].end = b;
	(*n)++;
}

/* The splitter proper, into *out holding *cap spans (grown as needed). */
static size_t split(const char *s, size_t len, struct ingest_span **out, size_t *capp)
{
	size_t n = 0, start = 0, i = 0;
	size_t cap = *capp;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		int ellipsis = utf8_at(s, i, len, 0xa6);
		if (c != '.' && c != '?' && c != '!' && !ellipsis) {
			i++;
			continue;
		}
		/* The run of terminators: "?!", "...", "…", "!!!". */
		size_t run = i;
		int dots = 0, strong = 0;
		while (run < len) {
			if (s[run] == '.') {
				dots++;
				run++;
			} else if (s[run] == '?' || s[run] == '!') {
				strong = 1;
				run++;
			} else if (utf8_at(s, run, len, 0xa6)) {
				dots += 3;
				run += 3;
			} else {
				break;
			}
		}
		size_t end = run;
		while (end < len && (is_closer((unsigned char)s[end]) || utf8_at(s, end, len, 0x9d) ||
				     utf8_at(s, end, len, 0x99)))
			end += (unsigned char)s[end] == 0xe2 ? 3 : 1;
		/* Only whitespace or the end closes a sentence: "2.5", "acme.com", "$1.5k" do not. */
		if (end < len && !is_space((unsigned char)s[end])) {
			i = run;
			continue;
		}
		size_t at = next_visible(s, end, len);
		unsigned char next = at < len ? (unsigned char)s[at] : 0;
		int boundary = 1;
		if (!strong && dots == 1) {
			char w[32];
			int letters;
			word_before(s, i, w, sizeof(w), &letters);
			if (next && (islower(next) || isdigit(next) || next == ','))
				boundary = 0;	/* "e.g. this", "approx. 10", "p.m. tomorrow" */
			else if (next && IN_LIST(never_final, w))
				boundary = 0;	/* "Dr. Reyes", "e.g. Salesforce" */
			else if (next && (letters || IN_LIST(maybe_final, w)))
				boundary = starts_sentence(s, at, len);	/* "the U.S. Army" */
		} else if (!strong && dots >= 2) {
			/* An ellipsis ends a sentence only before a capital or at the end. */
			if (next && !isupper(next))
				boundary = 0;
		} else if (strong && end > run && next && islower(next)) {
			boundary = 0;	/* a quoted question or exclamation: 'she said "no!" and left' */
		}
		if (boundary) {
			push(out, &n, &cap, s, start, end);
			start = end;
		}
		i = end > run ? end : run;
	}
	push(out, &n, &cap, s, start, len);
	*capp = cap;
	return n;
}

size_t ingest_split(const char *s, size_t len, struct ingest_span **out)
{
	size_t cap = 0;
	*out = NULL;
	return split(s, len, out, &cap);
}

/* Characters (not bytes) in s[0, n): times are spread by what is said, not by encoding. */
static size_t chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	return k;
}

void ingest_sentences_into(const struct ingest_utt *u, size_t n, struct ingest_sentbuf *sb)
{
	sb->n = 0;
	sb->text_len = 0;
	for (size_t k = 0; k < n; k++) {
		size_t len = strlen(u[k].text);
		size_t ns = split(u[k].text, len, &sb->spans, &sb->cap_spans);
		size_t total = chars(u[k].text, len), a = 0, pos = 0;
		int64_t dur = u[k].end_ms - u[k].start_ms;
		xgrow(&sb->v, &sb->cap, sb->n + ns, sizeof(*sb->v));
		xgrow(&sb->text, &sb->cap_text, sb->text_len + len + ns, 1);
		for (size_t j = 0; j < ns; j++) {
			const struct ingest_span *sp = &sb->spans[j];
			struct store_sentence_in *x = &sb->v[sb->n++];
			/* Characters are counted once, from where the last span ended. */
			a += chars(u[k].text + pos, sp->start - pos);
			size_t b = a + chars(u[k].text + sp->start, sp->end - sp->start);
			pos = sp->end;
			x->party = u[k].party;
			x->utt = (int)k;
			x->start_ms = u[k].start_ms + (total ? (int)(dur * (int64_t)a / (int64_t)total) : 0);
			x->end_ms = u[k].start_ms + (total ? (int)(dur * (int64_t)b / (int64_t)total) : (int)dur);
			if (x->end_ms < x->start_ms)
				x->end_ms = x->start_ms;
			/* The offset for now: the buffer may still move. */
			x->text = (char *)(uintptr_t)sb->text_len;
			memcpy(sb->text + sb->text_len, u[k].text + sp->start, sp->end - sp->start);
			sb->text_len += sp->end - sp->start;
			sb->text[sb->text_len++] = '\0';
			a = b;
		}
	}
	for (size_t i = 0; i < sb->n; i++)
		sb->v[i].text = sb->text + (uintptr_t)sb->v[i].text;
}

void ingest_sentbuf_free(struct ingest_sentbuf *sb)
{
	free(sb->v);
	free(sb->text);
	free(sb->spans);
	memset(sb, 0, sizeof(*sb));
}

void ingest_sentences_from_utts(const struct ingest_utt *u, size_t n,
				struct store_sentence_in **out, size_t *nout)
{
	struct ingest_sentbuf sb = {0};
	ingest_sentences_into(u, n, &sb);
	*out = sb.n ? xcalloc(sb.n, sizeof(**out)) : NULL;
	*nout = sb.n;
	for (size_t i = 0; i < sb.n; i++) {
		(*out)[i] = sb.v[i];
		(*out)[i].text = xstrdup(sb.v[i].text);
	}
	ingest_sentbuf_free(&sb);
}

void ingest_sentences_free(struct store_sentence_in *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].text);
	free(s);
}
