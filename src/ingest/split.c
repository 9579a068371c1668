/* Sentence splitting for spoken transcripts, and times for each sentence. */
#include "ingest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

/* Words that end in a full stop without ending a sentence, even before a capital. */
static const char *const titles[] = {
	"mr", "mrs", "ms", "dr", "prof", "st", "mt", "sen", "rep", "gov", "gen", "capt",
	"lt", "col", "sgt", "jr", "sr", "vs", "no", "nos", "vol", "fig", "approx", "dept",
	"inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
	"sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

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
}

static int is_title(const char *w)
{
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (!strcmp(w, titles[i]))
			return 1;
	return 0;
}

/* The first letter after position i (skipping spaces and opening quotes); 0 at the end. */
static unsigned char next_visible(const char *s, size_t i, size_t len)
{
	while (i < len && (is_space((unsigned char)s[i]) || s[i] == '"' || s[i] == '\'' || s[i] == '(' ||
			   utf8_at(s, i, len, 0x9c) || utf8_at(s, i, len, 0x98))) {
		if ((unsigned char)s[i] == 0xe2)
			i += 3;
		else
			i++;
	}
	return i < len ? (unsigned char)s[i] : 0;
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

size_t ingest_split(const char *s, size_t len, struct ingest_span **out)
{
	size_t n = 0, cap = 0, start = 0, i = 0;
	*out = NULL;
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
		unsigned char next = next_visible(s, end, len);
		int boundary = 1;
		if (!strong && dots == 1) {
			char w[32];
			int letters;
			word_before(s, i, w, sizeof(w), &letters);
			if (next && (islower(next) || isdigit(next) || next == ','))
				boundary = 0;	/* "e.g. this", "approx. 10", "p.m. tomorrow" */
			else if (next && (is_title(w) || letters))
				boundary = 0;	/* "Dr. Reyes", "the U.S. Army", "J. Smith" */
		} else if (!strong && dots >= 2) {
			/* An ellipsis ends a sentence only before a capital or at the end. */
			if (next && !isupper(next))
				boundary = 0;
		}
		if (boundary) {
			push(out, &n, &cap, s, start, end);
			start = end;
		}
		i = end > run ? end : run;
	}
	push(out, &n, &cap, s, start, len);
	return n;
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

void ingest_sentences_from_utts(const struct ingest_utt *u, size_t n,
				struct store_sentence_in **out, size_t *nout)
{
	size_t cap = 0;
	*out = NULL;
	*nout = 0;
	for (size_t k = 0; k < n; k++) {
		struct ingest_span *sp = NULL;
		size_t len = strlen(u[k].text);
		size_t ns = ingest_split(u[k].text, len, &sp);
		size_t total = chars(u[k].text, len);
		int dur = u[k].end_ms - u[k].start_ms;
		for (size_t j = 0; j < ns; j++) {
			xgrow(out, &cap, *nout + 1, sizeof(**out));
			struct store_sentence_in *x = &(*out)[(*nout)++];
			size_t a = chars(u[k].text, sp[j].start);
			size_t b = chars(u[k].text, sp[j].end);
			x->party = u[k].party;
			x->utt = (int)k;
			x->start_ms = u[k].start_ms + (total ? (int)((int64_t)dur * (int64_t)a / (int64_t)total) : 0);
			x->end_ms = u[k].start_ms + (total ? (int)((int64_t)dur * (int64_t)b / (int64_t)total) : dur);
			if (x->end_ms < x->start_ms)
				x->end_ms = x->start_ms;
			x->text = xstrndup(u[k].text + sp[j].start, sp[j].end - sp[j].start);
		}
		free(sp);
	}
}

void ingest_sentences_free(struct store_sentence_in *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].text);
	free(s);
}
