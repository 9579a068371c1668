/* The demo workspace: calls built from the phrase grammar in assets/demo, with timing
 * that matches synthetic speech and the ground truth of which sentence says which
 * concept. */
#include "demo.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingest.h"
#include "internal.h"
#include "store.h"
#include "xmalloc.h"

#define DEFAULT_CALLS	600
#define MAX_PARTIES	4
#define INTERNAL_SHARE	0.12
#define ROSTER		8	/* people of our company in each team: every call of the team has
				 * its company side from them, as a sales team's calls do */

/* Speech timing: what espeak-ng at about 165 words a minute takes for a sentence. */
#define MS_PER_CHAR	62
#define MIN_SENTENCE_MS	300
#define SENTENCE_PAUSE_MS 180

/* An utterance grows by merging turns of the same speaker up to about this length. */
#define UTT_MERGE_CHARS	600

/* A concept is said at most this many times in one call. */
#define MAX_SAID	3

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---------------------------------------------------------------- assets folder */

static int is_dir(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *demo_assets_dir(void)
{
	static char buf[4096];
	const char *env = getenv("TRACKER_ASSETS");
	if (env && *env) {
		snprintf(buf, sizeof(buf), "%s/demo", env);
		return buf;
	}
#ifdef TRACKER_ASSETS
	snprintf(buf, sizeof(buf), "%s/demo", TRACKER_ASSETS);
	if (is_dir(buf))
		return buf;
#endif
	char exe[4000];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(buf, sizeof(buf), "%s/assets/demo", exe);
		return buf;
	}
	snprintf(buf, sizeof(buf), "assets/demo");
	return buf;
}

/* ---------------------------------------------------------------- women's names */

static pthread_once_t female_once = PTHREAD_ONCE_INIT;
static char **female;		/* sorted */
static size_t n_female;

static void load_female(void)
{
	struct demo_gram *g = NULL;
	char err[512];
	if (demo_gram_load(demo_assets_dir(), &g, err, sizeof(err)))
		return;
	int r = demo_gram_rule(g, "first_name.female");
	size_t n = r < 0 ? 0 : demo_gram_alts(g, r);
	female = xcalloc(n ? n : 1, sizeof(*female));
	for (size_t i = 0; i < n; i++)
		female[n_female++] = xstrdup(demo_gram_raw(g, r, i));
	qsort(female, n_female, sizeof(*female), cmp_strp);
	demo_gram_free(g);
}

int demo_name_is_female(const char *name)
{
	char first[64];
	size_t l;
	const char *key = first;
	if (!name)
		return 0;
	l = strcspn(name, " ");
	if (l == 0 || l >= sizeof(first))
		return 0;
	memcpy(first, name, l);
	first[l] = '\0';
	pthread_once(&female_once, load_female);
	return n_female && bsearch(&key, female, n_female, sizeof(*female), cmp_strp) != NULL;
}

/* ---------------------------------------------------------------- per-call state */

struct party {
	char first[64];
	char full[128];
	int side;
};

struct label {
	size_t start, end;	/* bytes of the utterance text */
	int concept;
};

struct utt {
	int party;
	struct sbuf text;
	struct label *labels;
	size_t n_labels, cap_labels;
};

/* A text piece of a turn: plain, or one concept wording. */
struct piece {
	char *text;
	int concept;		/* -1 when plain */
};

/* Something planned into the conversation at a place in the body. */
struct planned {
	double at;		/* share of the body done when it comes; <0 open, >1 close */
	int rule;
};

struct asr_pair {
	char *from, *to;
	size_t from_len;
};

/* What stays the same over all calls of one run. */
struct gen {
	const struct demo_gram *g;
	/* the rules it needs, by index ([0] external, [1] internal; [s] per stage) */
	int r_first, r_last, r_company, r_team, r_region, r_smalltalk, r_backchannel;
	int r_filler, r_filler_start, r_open[2], r_close[2], r_intro_rep2, r_intro_cust2;
	int r_agenda_internal, r_body_internal, r_title_internal;
	int r_title[16], r_agenda[16], r_body[16];
	int r_asr;
	struct asr_pair *asr;	/* sorted by lower-case first letter */
	size_t n_asr;
	size_t asr_from[27];	/* asr entries of letter c are [asr_from[c], asr_from[c + 1]) */
	char **names;		/* capitalised words of names, sorted */
	size_t n_names;
	struct party *roster;	/* ROSTER people a team, team by team (alternatives of @team) */
	size_t n_teams;
};

struct call {
	struct gen *gen;
	struct demo_rng rng;
	struct demo_expand x;
	struct party parties[MAX_PARTIES];
	int n_parties, n_company;
	int internal;
	int cur, prev;		/* current and previous speaker, -1 none */
	int sticky[6];		/* party of each speaker code in this exchange, -1 unset */
	struct utt *utts;
	size_t n_utts, cap_utts;
	int sentences;		/* approximate count so far */
	int said[256];		/* times each concept was said in the call */
	char namebuf[128];
};

/* ---------------------------------------------------------------- speakers */

static int first_customer(const struct call *c)
{
	return c->n_company < c->n_parties ? c->n_company : -1;
}

/* A party of the given side other than `not`, the lead (first) one with probability
 * lead_p; -1 when the side has none. */
static int pick_side(struct call *c, int side, int not, double lead_p)
{
	int cand[MAX_PARTIES], n = 0;
	for (int i = 0; i < c->n_parties; i++)
		if (c->parties[i].side == side && i != not)
			cand[n++] = i;
	if (!n)
		return -1;
	if (n == 1 || demo_rng_unit(&c->rng) < lead_p)
		return cand[0];
	return cand[1 + demo_rng_below(&c->rng, (uint64_t)n - 1)];
}

static int set_speaker(struct call *c, int p)
{
	if (p != c->cur) {
		c->prev = c->cur;
		c->cur = p;
	}
	return p;
}

static int speaker_cb(void *ctx, int code)
{
	struct call *c = ctx;
	int p = -1;
	if (code != DEMO_SPK_X && c->sticky[code] >= 0)
		return set_speaker(c, c->sticky[code]);
	switch (code) {
	case DEMO_SPK_R:
		p = pick_side(c, STORE_COMPANY, -1, c->internal ? 0.5 : 0.75);
		break;
	case DEMO_SPK_R2:
		if (c->sticky[DEMO_SPK_R] < 0)
			c->sticky[DEMO_SPK_R] = pick_side(c, STORE_COMPANY, -1, 0.75);
		p = pick_side(c, STORE_COMPANY, c->sticky[DEMO_SPK_R], 0.5);
		if (p < 0)
			p = c->sticky[DEMO_SPK_R];
		break;
	case DEMO_SPK_C:
	case DEMO_SPK_C2: {
		if (first_customer(c) < 0) {
			/* internal call: the other side of the talk is a colleague */
			if (c->sticky[DEMO_SPK_R] < 0)
				c->sticky[DEMO_SPK_R] = pick_side(c, STORE_COMPANY, -1, 0.5);
			int not = c->sticky[DEMO_SPK_R];
			if (code == DEMO_SPK_C2 && c->sticky[DEMO_SPK_C] >= 0 && c->n_parties > 2)
				not = c->sticky[DEMO_SPK_C];
			p = pick_side(c, STORE_COMPANY, not, 0.3);
			break;
		}
		if (code == DEMO_SPK_C) {
			p = pick_side(c, STORE_CUSTOMER, -1, 0.65);
		} else {
			if (c->sticky[DEMO_SPK_C] < 0)
				c->sticky[DEMO_SPK_C] = pick_side(c, STORE_CUSTOMER, -1, 0.65);
			p = pick_side(c, STORE_CUSTOMER, c->sticky[DEMO_SPK_C], 0.5);
			if (p < 0)
				p = c->sticky[DEMO_SPK_C];
		}
		break;
	}
	default: {
		/* anyone but the one talking, most often from the other side */
		int cur = c->cur >= 0 ? c->cur : 0;
		int other = c->parties[cur].side == STORE_COMPANY ? STORE_CUSTOMER : STORE_COMPANY;
		if (demo_rng_unit(&c->rng) < 0.8)
			p = pick_side(c, other, cur, 0.6);
		if (p < 0)
			p = pick_side(c, c->parties[cur].side, cur, 0.5);
		if (p < 0)
			p = pick_side(c, other, cur, 0.6);
		if (p < 0)
			p = cur;
		return set_speaker(c, p);
	}
	}
	if (p < 0)
		p = 0;
	c->sticky[code] = p;
	return set_speaker(c, p);
}

static const char *builtin_cb(void *ctx, const char *name)
{
	struct call *c = ctx;
	int full = 0;
	int p = -1;
	int cur = c->cur >= 0 ? c->cur : 0;
	size_t l = strlen(name);
	char base[32];
	if (l > 5 && !strcmp(name + l - 5, "_full")) {
		full = 1;
		l -= 5;
	}
	if (l >= sizeof(base))
		return NULL;
	memcpy(base, name, l);
	base[l] = '\0';
	int cust = first_customer(c);
	if (!strcmp(base, "me")) {
		p = cur;
	} else if (!strcmp(base, "you")) {
		p = c->prev;
		if (p < 0 || p == cur) {
			int side = c->parties[cur].side;
			int other = side == STORE_COMPANY ? STORE_CUSTOMER : STORE_COMPANY;
			p = pick_side(c, other, cur, 1);
			if (p < 0)
				p = pick_side(c, c->parties[cur].side, cur, 1);
		}
	} else if (!strcmp(base, "rep")) {
		p = 0;
	} else if (!strcmp(base, "rep2")) {
		p = c->n_company > 1 ? 1 : 0;
	} else if (!strcmp(base, "cust")) {
		p = cust >= 0 ? cust : (c->n_parties > 1 ? 1 : 0);
	} else if (!strcmp(base, "cust2")) {
		p = cust >= 0 && cust + 1 < c->n_parties ? cust + 1 : cust;
		if (p < 0)
			p = c->n_parties > 2 ? 2 : 0;
	} else {
		return NULL;
	}
	if (p < 0)
		p = 0;
	snprintf(c->namebuf, sizeof(c->namebuf), "%s",
		 full ? c->parties[p].full : c->parties[p].first);
	return c->namebuf;
}

static const struct demo_expand_ops expand_ops = { speaker_cb, builtin_cb };

/* ---------------------------------------------------------------- text clean-up */

static int is_end_punct(char c)
{
	return c == '.' || c == '?' || c == '!';
}

/* Collapses spaces, removes spaces before punctuation and doubled punctuation left by
 * empty optional parts, and capitalises sentence starts (the first one only when
 * at_start). Works in place. */
static void clean_text(char *s, int at_start)
{
	char *w = s;
	const char *r = s;
	while (*r == ' ' || *r == ',' || *r == ';')
		r++;
	for (; *r; r++) {
		char ch = *r;
		if (ch == ' ' || ch == '\t' || ch == '\n') {
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		if (ch == ',' || ch == '.' || ch == '?' || ch == '!' || ch == ';' || ch == ':') {
			if (w > s && w[-1] == ' ')
				w--;
			if (w > s && (w[-1] == ',' || w[-1] == ';') &&
			    (ch == ',' || is_end_punct(ch) || ch == ';')) {
				w[-1] = ch;	/* ", ." -> "." and ",," -> "," */
				continue;
			}
			if (w > s && is_end_punct(w[-1]) && (ch == ',' || ch == '.')) {
				continue;	/* "?." -> "?" and ".," -> "." */
			}
		}
		*w++ = ch;
	}
	while (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
	/* a trailing comma at the very end becomes a full stop */
	if (w > s && (w[-1] == ',' || w[-1] == ';'))
		w[-1] = '.';
	int cap = at_start;
	for (char *p = s; *p; p++) {
		if (cap && isalpha((unsigned char)*p)) {
			*p = (char)toupper((unsigned char)*p);
			cap = 0;
		} else if (cap && *p != ' ' && *p != '"' && *p != '(') {
			cap = 0;
		}
		if (is_end_punct(*p) && (p[1] == ' ' || p[1] == '\0'))
			cap = 1;
	}
}

/* ---------------------------------------------------------------- disfluencies */

static int word_in(const char *w, size_t len, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (strlen(set[i]) == len && !strncasecmp(set[i], w, len))
			return 1;
	return 0;
}

/* Lower-cases the first letter of a sentence's first word when something is put before
 * it, unless the word is a name (of a person, company, product, place, month ...). */
static void lower_first(const struct gen *gen, char *t)
{
	size_t l = strlen(t);
	while (l && !isalnum((unsigned char)t[l - 1]))
		l--;
	if (!l || !strcmp(t, "I") || !strncmp(t, "I'", 2))
		return;
	for (size_t i = 1; i < l; i++)
		if (isupper((unsigned char)t[i]))
			return;		/* SOC, HubSpot, CRM */
	char w[64];
	if (l >= sizeof(w))
		return;
	memcpy(w, t, l);
	w[l] = '\0';
	const char *key = w;
	if (bsearch(&key, gen->names, gen->n_names, sizeof(char *), cmp_strp))
		return;
	t[0] = (char)tolower((unsigned char)t[0]);
}

static const char *const restart_words[] = {
	"so", "we", "it", "the", "our", "do", "is", "can", "what", "how", "and", "but",
	"that", "they", "you", "if", "when", "there", NULL
};
static const char *const repeat_words[] = {
	"I", "we", "the", "to", "a", "it", "that", "our", "is", "and", "so", "you", "they",
	"like", "in", "on", "for", NULL
};
static const char *const drop_words[] = {
	"the", "a", "to", "of", "that", "just", "really", "is", "are", "an", "for", NULL
};

/* Token helpers: tokens are space-separated words with any punctuation attached. */
static int tok_plain(const char *t)
{
	size_t l = strlen(t);
	return l && isalpha((unsigned char)t[l - 1]);
}

static int tok_ends_sentence(const char *t)
{
	size_t l = strlen(t);
	return l && is_end_punct(t[l - 1]);
}

static void add_tok(struct sbuf *b, const char *t, size_t len)
{
	if (b->len)
		sbuf_addc(b, ' ');
	sbuf_addn(b, t, len);
}

/* Adds the ums, repeated words, restarts, dropped words and misheard words of speech
 * recognised by a machine. Returns a new string. */
static char *add_noise(struct call *c, const char *text, int strength)
{
	struct gen *gen = c->gen;
	char *copy = xstrdup(text);
	char **tok = NULL;
	size_t n = 0, cap = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		xgrow(&tok, &cap, n + 1, sizeof(*tok));
		tok[n++] = t;
	}
	struct sbuf out = {0};
	double k = strength ? 1.0 : 0.0;
	size_t i = 0;
	while (i < n) {
		/* one sentence: tokens [i, e) */
		size_t e = i;
		while (e < n && !tok_ends_sentence(tok[e]))
			e++;
		if (e < n)
			e++;
		size_t words = e - i;
		int restart = words >= 4 && demo_rng_unit(&c->rng) < 0.035 * k;
		int filler = words >= 4 && demo_rng_unit(&c->rng) < 0.12 * k;
		int repeat = words >= 4 && demo_rng_unit(&c->rng) < 0.05 * k;
		int drop = words >= 6 && demo_rng_unit(&c->rng) < 0.025 * k;
		size_t filler_at = i + (filler ? demo_rng_below(&c->rng, words - 1) : 0);
		size_t repeat_at = i + (repeat ? demo_rng_below(&c->rng, words - 1) : 0);
		size_t drop_at = i + 1 + (drop ? demo_rng_below(&c->rng, words - 2) : 0);
		if (restart && word_in(tok[i], strlen(tok[i]), restart_words)) {
			size_t m = 1 + (words >= 6 && demo_rng_unit(&c->rng) < 0.5);
			int ok = 1;
			for (size_t j = i; j < i + m; j++)
				ok &= tok_plain(tok[j]);
			if (ok) {
				for (size_t j = i; j < i + m; j++) {
					add_tok(&out, tok[j], strlen(tok[j]));
					if (j + 1 == i + m)
						sbuf_addc(&out, '-');
				}
				/* the restarted copy continues the sentence in lower case */
				lower_first(gen, tok[i]);
			}
		}
		for (size_t j = i; j < e; j++) {
			const char *t = tok[j];
			size_t tl = strlen(t);
			if (filler && j == filler_at && j == i) {
				/* before the sentence: "Um, so we ..." */
				const char *f = demo_gram_pick_raw(gen->g, gen->r_filler_start,
								   &c->rng);
				add_tok(&out, f, strlen(f));
				lower_first(gen, tok[j]);
			} else if (filler && j == filler_at) {
				const char *f = demo_gram_pick_raw(gen->g, gen->r_filler, &c->rng);
				add_tok(&out, f, strlen(f));
			}
			if (drop && j == drop_at && j + 1 < e && tok_plain(t) &&
			    word_in(t, tl, drop_words))
				continue;
			/* misheard words */
			size_t core = tl;
			while (core && !isalnum((unsigned char)t[core - 1]))
				core--;
			int swapped = 0;
			int letter = tolower((unsigned char)t[0]) - 'a';
			if (strength && core && letter >= 0 && letter < 26) {
				size_t hi = gen->asr_from[letter + 1];
				for (size_t a = gen->asr_from[letter]; a < hi; a++) {
					if (gen->asr[a].from_len != core ||
					    strncasecmp(gen->asr[a].from, t, core))
						continue;
					if (demo_rng_unit(&c->rng) < 0.12) {
						struct sbuf w = {0};
						sbuf_add(&w, gen->asr[a].to);
						if (isupper((unsigned char)t[0]))
							w.s[0] = (char)toupper(
								(unsigned char)w.s[0]);
						sbuf_addn(&w, t + core, tl - core);
						add_tok(&out, w.s, w.len);
						sbuf_free(&w);
						swapped = 1;
					}
					break;
				}
			}
			if (swapped)
				continue;
			add_tok(&out, t, tl);
			if (repeat && j == repeat_at && tok_plain(t) &&
			    word_in(t, tl, repeat_words))
				add_tok(&out, t, tl);
		}
		i = e;
	}
	free(tok);
	free(copy);
	return out.s ? sbuf_take(&out) : xstrdup("");
}

/* ---------------------------------------------------------------- turns and utterances */

static struct utt *new_utt(struct call *c, int party)
{
	xgrow(&c->utts, &c->cap_utts, c->n_utts + 1, sizeof(*c->utts));
	struct utt *u = &c->utts[c->n_utts++];
	memset(u, 0, sizeof(*u));
	u->party = party;
	return u;
}

static int count_sentences(const char *s)
{
	int n = 0;
	for (const char *p = s; *p; p++)
		if (is_end_punct(*p) && (p[1] == ' ' || p[1] == '\0'))
			n++;
	return n ? n : 1;
}

/* Appends one turn (its pieces) to the conversation, merging it into the last
 * utterance when the same party spoke it. */
static void add_turn(struct call *c, int party, struct piece *pc, size_t n)
{
	struct sbuf text = {0};
	struct label lab[16];
	size_t n_lab = 0;
	int at_start = 1;
	for (size_t i = 0; i < n; i++) {
		clean_text(pc[i].text, at_start);
		if (!*pc[i].text)
			continue;
		size_t words = 1;
		for (const char *p = pc[i].text; *p; p++)
			words += *p == ' ';
		char *noisy = add_noise(c, pc[i].text, words >= 4);
		clean_text(noisy, at_start);
		if (pc[i].concept >= 0) {
			size_t l = strlen(noisy);
			if (l && !is_end_punct(noisy[l - 1])) {
				noisy = xrealloc(noisy, l + 2);
				strcpy(noisy + l, ".");
			}
		}
		if (text.len)
			sbuf_addc(&text, ' ');
		if (pc[i].concept >= 0 && n_lab < 16) {
			lab[n_lab].start = text.len;
			lab[n_lab].end = text.len + strlen(noisy);
			lab[n_lab].concept = pc[i].concept;
			n_lab++;
		}
		sbuf_add(&text, noisy);
		at_start = is_end_punct(text.s[text.len - 1]);
		free(noisy);
	}
	if (!text.len) {
		sbuf_free(&text);
		return;
	}
	if (!is_end_punct(text.s[text.len - 1]))
		sbuf_addc(&text, '.');
	c->sentences += count_sentences(text.s);

	struct utt *u = c->n_utts ? &c->utts[c->n_utts - 1] : NULL;
	size_t shift = 0;
	if (u && u->party == party && u->text.len + text.len < UTT_MERGE_CHARS) {
		sbuf_addc(&u->text, ' ');
		shift = u->text.len;
		sbuf_addn(&u->text, text.s, text.len);
	} else {
		u = new_utt(c, party);
		sbuf_addn(&u->text, text.s, text.len);
	}
	for (size_t i = 0; i < n_lab; i++) {
		xgrow(&u->labels, &u->cap_labels, u->n_labels + 1, sizeof(*u->labels));
		u->labels[u->n_labels] = lab[i];
		u->labels[u->n_labels].start += shift;
		u->labels[u->n_labels].end += shift;
		u->n_labels++;
	}
	sbuf_free(&text);
}

/* A listener's "Mm-hmm." after a long stretch. */
static void maybe_backchannel(struct call *c, int speaker, int sentences)
{
	if (sentences < 3 || demo_rng_unit(&c->rng) > 0.3)
		return;
	int side = c->parties[speaker].side;
	int other = side == STORE_COMPANY ? STORE_CUSTOMER : STORE_COMPANY;
	int p = pick_side(c, other, speaker, 0.6);
	if (p < 0)
		p = pick_side(c, side, speaker, 0.5);
	if (p < 0)
		return;
	struct piece pc = { xstrdup(demo_gram_pick_raw(c->gen->g, c->gen->r_backchannel, &c->rng)),
			    -1 };
	add_turn(c, p, &pc, 1);
	free(pc.text);
	c->prev = c->cur;
	c->cur = p;
}

/* Splits the expander's output into turns and pieces and appends them. */
static void flush_output(struct call *c)
{
	char *s = c->x.out.s;
	size_t len = c->x.out.len;
	if (!s || !len)
		return;
	struct piece pcs[32];
	size_t n = 0;
	struct sbuf cur = {0};
	int party = -1, concept = -1, depth = 0;
	size_t i = 0;
	for (;;) {
		int end = i >= len;
		char ch = end ? 0 : s[i];
		if (end || ch == DEMO_MARK_TURN || (ch == DEMO_MARK_OPEN && !depth) ||
		    (ch == DEMO_MARK_CLOSE && depth == 1)) {
			/* close the current piece */
			if (cur.len && n < 32) {
				pcs[n].text = sbuf_take(&cur);
				pcs[n].concept = concept;
				n++;
			}
			sbuf_free(&cur);
			if (end || ch == DEMO_MARK_TURN) {
				if (n) {
					if (party < 0)
						party = speaker_cb(c, DEMO_SPK_X);
					int before = c->sentences;
					add_turn(c, party, pcs, n);
					for (size_t k = 0; k < n; k++)
						free(pcs[k].text);
					n = 0;
					if (!end)
						maybe_backchannel(c, party, c->sentences - before);
				}
				if (end)
					break;
				party = s[i + 1] - '0';
				i += 2;
				concept = -1;
				depth = 0;
				continue;
			}
			if (ch == DEMO_MARK_OPEN) {
				concept = (unsigned char)s[i + 1] - 1;
				depth = 1;
				i += 2;
				continue;
			}
			concept = -1;
			depth = 0;
			i++;
			continue;
		}
		if (ch == DEMO_MARK_OPEN) {
			depth++;	/* a concept inside a concept counts for the outer one */
			i += 2;
			continue;
		}
		if (ch == DEMO_MARK_CLOSE) {
			depth--;
			i++;
			continue;
		}
		size_t run = i + 1;
		while (run < len && s[run] != DEMO_MARK_TURN && s[run] != DEMO_MARK_OPEN &&
		       s[run] != DEMO_MARK_CLOSE)
			run++;
		sbuf_addn(&cur, s + i, run - i);
		i = run;
	}
	c->x.out.len = 0;
	c->x.out.s[0] = '\0';
}

/* Counts the concept wordings (outermost only) in the expander's output into cnt;
 * returns 1 when one of them would be said more than MAX_SAID times in the call. */
static int too_often(const struct call *c, int *cnt, size_t n_concepts)
{
	const char *s = c->x.out.s;
	int depth = 0;
	memset(cnt, 0, n_concepts * sizeof(*cnt));
	for (size_t i = 0; s && i < c->x.out.len; i++) {
		if (s[i] == DEMO_MARK_OPEN) {
			if (!depth++)
				cnt[(unsigned char)s[i + 1] - 1]++;
			i++;
		} else if (s[i] == DEMO_MARK_CLOSE) {
			depth--;
		} else if (s[i] == DEMO_MARK_TURN) {
			i++;
		}
	}
	for (size_t k = 0; k < n_concepts; k++)
		if (c->said[k] + cnt[k] > MAX_SAID)
			return 1;
	return 0;
}

/* Expands one exchange (a rule whose alternatives are turns) into the conversation.
 * An exchange that would say a concept too often is drawn again, and left out when
 * that keeps happening. */
static void exchange(struct call *c, int rule)
{
	if (rule < 0)
		return;
	size_t n_concepts = demo_gram_concepts(c->gen->g);
	int cnt[256];
	for (int attempt = 0; attempt < 6; attempt++) {
		for (size_t i = 0; i < sizeof(c->sticky) / sizeof(c->sticky[0]); i++)
			c->sticky[i] = -1;
		demo_expand_new_exchange(&c->x);
		c->x.out.len = 0;
		demo_expand_rule(&c->x, rule);
		if (!too_often(c, cnt, n_concepts)) {
			for (size_t k = 0; k < n_concepts; k++)
				c->said[k] += cnt[k];
			flush_output(c);
			return;
		}
	}
	c->x.out.len = 0;
	if (c->x.out.s)
		c->x.out.s[0] = '\0';
}

/* Expands a rule to plain text (a title, a name) into buf. */
static void expand_plain(struct call *c, int rule, char *buf, size_t size)
{
	size_t mark = c->x.out.len;
	demo_expand_rule(&c->x, rule);
	char *s = c->x.out.s ? c->x.out.s + mark : (char *)"";
	clean_text(s, 1);
	snprintf(buf, size, "%s", s);
	c->x.out.len = mark;
	if (c->x.out.s)
		c->x.out.s[mark] = '\0';
}

/* ---------------------------------------------------------------- one call */

struct slot {
	int64_t t;		/* start, unix seconds */
	int region;		/* alternative of @region */
};

static int cmp_planned(const void *a, const void *b)
{
	const struct planned *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

/* The people of our company, ROSTER a team, from their own stream of the seed: no two
 * share a first name, so that a name in a call says who it is. */
static void make_roster(struct gen *gen, uint64_t seed)
{
	struct demo_rng r;
	gen->n_teams = demo_gram_alts(gen->g, gen->r_team);
	size_t n = gen->n_teams * ROSTER;
	gen->roster = xcalloc(n, sizeof(*gen->roster));
	demo_rng_seed(&r, seed, 0x7ea3);
	for (size_t i = 0; i < n; i++) {
		struct party *p = &gen->roster[i];
		int again, tries = 0;
		do {
			snprintf(p->first, sizeof(p->first), "%s",
				 demo_gram_pick_raw(gen->g, gen->r_first, &r));
			again = 0;
			for (size_t j = 0; j < i; j++)
				again |= !strcmp(gen->roster[j].first, p->first);
		} while (again && ++tries < 1000);
		snprintf(p->full, sizeof(p->full), "%s %s", p->first,
			 demo_gram_pick_raw(gen->g, gen->r_last, &r));
		p->side = STORE_COMPANY;
	}
}

/* Our company's side of a call are people of its team: each party drawn for it becomes
 * the team's person its drawn name points to, another one when that first name is taken
 * in the call. */
static void use_roster(struct call *c, size_t team)
{
	const struct party *roster = c->gen->roster + team * ROSTER;
	for (int i = 0; i < c->n_company; i++) {
		struct party *p = &c->parties[i];
		uint64_t h = 1469598103934665603ull;
		for (const char *q = p->full; *q; q++)
			h = (h ^ (unsigned char)*q) * 1099511628211ull;
		for (int k = 0; k < ROSTER; k++) {
			const struct party *r = &roster[(h + (uint64_t)k) % ROSTER];
			int taken = 0;
			for (int j = 0; j < c->n_parties; j++)
				taken |= j != i && !strcmp(c->parties[j].first, r->first);
			if (!taken) {
				*p = *r;
				break;
			}
		}
	}
}

static void pick_parties(struct call *c)
{
	struct gen *gen = c->gen;
	int n;
	double u = demo_rng_unit(&c->rng);
	if (c->internal) {
		n = u < 0.5 ? 2 : u < 0.85 ? 3 : 4;
		c->n_company = n;
	} else {
		n = u < 0.45 ? 2 : u < 0.8 ? 3 : 4;
		double v = demo_rng_unit(&c->rng);
		if (n == 2)
			c->n_company = 1;
		else if (n == 3)
			c->n_company = v < 0.5 ? 1 : 2;
		else
			c->n_company = v < 0.6 ? 2 : v < 0.8 ? 1 : 3;
	}
	c->n_parties = n;
	for (int i = 0; i < n; i++) {
		struct party *p = &c->parties[i];
		int again;
		do {
			snprintf(p->first, sizeof(p->first), "%s",
				 demo_gram_pick_raw(gen->g, gen->r_first, &c->rng));
			again = 0;
			for (int j = 0; j < i; j++)
				again |= !strcmp(c->parties[j].first, p->first);
		} while (again);
		const char *last = demo_gram_pick_raw(gen->g, gen->r_last, &c->rng);
		size_t fl = strlen(p->first);
		memcpy(p->full, p->first, fl);
		p->full[fl] = ' ';
		snprintf(p->full + fl + 1, sizeof(p->full) - fl - 1, "%s", last);
		p->side = i < c->n_company ? STORE_COMPANY : STORE_CUSTOMER;
	}
}

/* What the concept plan gives: how many times each concept is said and the
 * near-misses, placed in the call. */
static size_t plan_concepts(struct call *c, int stage, struct planned *plan, size_t cap)
{
	const struct demo_gram *g = c->gen->g;
	size_t n = 0;
	for (size_t i = 0; i < demo_gram_concepts(g); i++) {
		const struct demo_concept *k = demo_gram_concept(g, i);
		int rule = c->internal ? k->exchange_internal : k->exchange;
		double p = k->calls * k->stage_weight[stage];
		if (p > 0.95)
			p = 0.95;
		if (c->internal && !k->internal)
			p = 0;
		int times = 0;
		if (rule >= 0 && demo_rng_unit(&c->rng) < p) {
			double u = demo_rng_unit(&c->rng);
			times = 1 + (u < 0.3) + (u < 0.08);
			if (times > k->max)
				times = k->max;
		}
		for (int t = 0; t < times && n < cap; t++) {
			double at = k->at_lo + (k->at_hi - k->at_lo) * demo_rng_unit(&c->rng);
			if (k->phase == DEMO_PHASE_OPEN)
				at = -1 + at * 0.5;
			else if (k->phase == DEMO_PHASE_CLOSE)
				at = 2 + at;
			plan[n].at = at;
			plan[n].rule = rule;
			n++;
		}
		if (!c->internal && k->near_rule >= 0 && demo_rng_unit(&c->rng) < k->near) {
			int m = 1 + (demo_rng_unit(&c->rng) < 0.3);
			for (int t = 0; t < m && n < cap; t++) {
				plan[n].at = 0.05 + 0.9 * demo_rng_unit(&c->rng);
				plan[n].rule = k->near_rule;
				n++;
			}
		}
	}
	qsort(plan, n, sizeof(*plan), cmp_planned);
	return n;
}

static void build_conversation(struct call *c, int stage)
{
	struct gen *gen = c->gen;
	struct planned plan[128];
	size_t n_plan = plan_concepts(c, stage, plan, 128), next = 0;
	/* sentences in the call: about 90 to 220, most near 155; internal meetings are
	 * shorter */
	int half = c->internal ? 36 : 66;
	int target = 92 + (int)demo_rng_below(&c->rng, (uint64_t)half) +
		     (int)demo_rng_below(&c->rng, (uint64_t)half);
	int scope = c->internal;

	exchange(c, gen->r_open[scope]);
	if (!c->internal && c->n_company > 1)
		exchange(c, gen->r_intro_rep2);
	if (!c->internal && c->n_parties - c->n_company > 1)
		exchange(c, gen->r_intro_cust2);
	while (next < n_plan && plan[next].at < 0)
		exchange(c, plan[next++].rule);
	int small = c->internal ? (int)demo_rng_below(&c->rng, 2)
				: 1 + (int)demo_rng_below(&c->rng, 3);
	for (int i = 0; i < small; i++)
		exchange(c, gen->r_smalltalk);
	exchange(c, c->internal ? gen->r_agenda_internal : gen->r_agenda[stage]);

	int body = c->internal ? gen->r_body_internal : gen->r_body[stage];
	int start = c->sentences;
	int reserve = 8;
	int span = target - start - reserve;
	if (span < 20)
		span = 20;
	for (;;) {
		double done = (double)(c->sentences - start) / span;
		while (next < n_plan && plan[next].at <= 1 && plan[next].at <= done)
			exchange(c, plan[next++].rule);
		if (done >= 1)
			break;
		exchange(c, body);
	}
	while (next < n_plan && plan[next].at <= 1)
		exchange(c, plan[next++].rule);
	while (next < n_plan)
		exchange(c, plan[next++].rule);
	exchange(c, gen->r_close[scope]);
}

static void free_conversation(struct call *c)
{
	for (size_t i = 0; i < c->n_utts; i++) {
		sbuf_free(&c->utts[i].text);
		free(c->utts[i].labels);
	}
	c->n_utts = 0;
}

static int estimate_ms(size_t chars)
{
	int ms = (int)chars * MS_PER_CHAR;
	return ms < MIN_SENTENCE_MS ? MIN_SENTENCE_MS : ms;
}

/* A label of the call, kept until its first sentence id is known. */
struct call_label {
	size_t idx;		/* sentence index in the call */
	int concept;
	size_t utt, start, end;	/* where its text is */
};

struct call_labels {
	struct call_label *v;
	size_t n, cap;
};

/* Times the utterances, splits them into sentences and maps the labels onto them.
 * *rows is owned by the caller (ingest_sentences_free). */
static int time_and_split(struct call *c, struct store_sentence_in **rows, size_t *n_rows,
			  int64_t *duration_ms, struct call_labels *cl, char *err, size_t errlen)
{
	const struct demo_gram *g = c->gen->g;
	struct ingest_utt *us = xcalloc(c->n_utts ? c->n_utts : 1, sizeof(*us));
	size_t total = 0;
	int64_t t = 400 + (int64_t)demo_rng_below(&c->rng, 2200);
	int rc = 0;
	for (size_t i = 0; i < c->n_utts; i++) {
		struct utt *u = &c->utts[i];
		struct ingest_span *sp = NULL;
		size_t k = ingest_split(u->text.s, u->text.len, &sp);
		int64_t dur = 0;
		for (size_t j = 0; j < k; j++)
			dur += estimate_ms(sp[j].end - sp[j].start) + (j ? SENTENCE_PAUSE_MS : 0);
		if (dur < MIN_SENTENCE_MS)
			dur = MIN_SENTENCE_MS;
		us[i].party = u->party;
		us[i].start_ms = (int)t;
		us[i].end_ms = (int)(t + dur);
		us[i].text = u->text.s;
		for (size_t l = 0; l < u->n_labels && !rc; l++) {
			const struct label *lb = &u->labels[l];
			size_t j = 0;
			while (j < k && !(sp[j].start == lb->start && sp[j].end == lb->end))
				j++;
			if (j == k) {
				rc = errf(err, errlen, "demo assets: a wording of concept %s "
					  "is not one sentence: \"%.*s\"",
					  demo_gram_concept(g, (size_t)lb->concept)->name,
					  (int)(lb->end - lb->start), u->text.s + lb->start);
				break;
			}
			xgrow(&cl->v, &cl->cap, cl->n + 1, sizeof(*cl->v));
			cl->v[cl->n].idx = total + j;
			cl->v[cl->n].concept = u->labels[l].concept;
			cl->v[cl->n].utt = i;
			cl->v[cl->n].start = u->labels[l].start;
			cl->v[cl->n].end = u->labels[l].end;
			cl->n++;
		}
		free(sp);
		total += k;
		t += dur;
		int gap = demo_rng_unit(&c->rng) < 0.06 ? demo_rng_range(&c->rng, 1200, 3500)
							   : demo_rng_range(&c->rng, 150, 900);
		if (i + 1 < c->n_utts)
			t += gap;
	}
	*duration_ms = t + demo_rng_range(&c->rng, 300, 1500);
	if (!rc) {
		ingest_sentences_from_utts(us, c->n_utts, rows, n_rows);
		if (*n_rows != total)
			rc = errf(err, errlen, "demo: %zu sentences split, %zu expected",
				  *n_rows, total);
		/* the splitter and the labels must agree on every labelled sentence */
		for (size_t l = 0; l < cl->n && !rc; l++) {
			const struct call_label *cv = &cl->v[l];
			const char *want = c->utts[cv->utt].text.s + cv->start;
			size_t wl = cv->end - cv->start;
			const char *got = (*rows)[cv->idx].text;
			if (strlen(got) != wl || memcmp(got, want, wl))
				rc = errf(err, errlen, "demo: sentence \"%s\" was expected to "
					  "be \"%.*s\"", got, (int)wl, want);
		}
	}
	free(us);
	return rc;
}

/* What a call's recording holds (who says what, when, and its length), folded to 32 bits
 * (FNV-1a). It names the recording, so that a recordings folder kept from another
 * workspace (another seed, other phrase material) never passes off its call of the same
 * id as this one's: a recording is reused only when it says the same. The people's names
 * count too: they pick the voices. */
static uint32_t speech_hash(const struct call *c, const struct store_sentence_in *rows,
			    size_t n, int64_t duration)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char num[64];
	int l = snprintf(num, sizeof(num), "%lld;", (long long)duration);
	for (int k = 0; k < l; k++)
		h = (h ^ (unsigned char)num[k]) * 0x100000001b3ULL;
	for (int p = 0; p < c->n_parties; p++) {
		for (const char *t = c->parties[p].full; *t; t++)
			h = (h ^ (unsigned char)*t) * 0x100000001b3ULL;
		h = (h ^ ';') * 0x100000001b3ULL;
	}
	for (size_t i = 0; i < n; i++) {
		l = snprintf(num, sizeof(num), "%d,%d,%d,", rows[i].party, rows[i].start_ms,
			     rows[i].end_ms);
		for (int k = 0; k < l; k++)
			h = (h ^ (unsigned char)num[k]) * 0x100000001b3ULL;
		for (const char *t = rows[i].text; t && *t; t++)
			h = (h ^ (unsigned char)*t) * 0x100000001b3ULL;
		h = (h ^ '\n') * 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* ---------------------------------------------------------------- setup */

/* The table entry's first letter as 0..25, or 26 for anything else. */
static int asr_letter(const struct asr_pair *p)
{
	int c = tolower((unsigned char)p->from[0]) - 'a';
	return c >= 0 && c < 26 ? c : 26;
}

static int cmp_asr(const void *a, const void *b)
{
	int x = asr_letter(a), y = asr_letter(b);
	return x != y ? x - y : strcmp(((const struct asr_pair *)a)->from,
				       ((const struct asr_pair *)b)->from);
}

static int need_rule(const struct demo_gram *g, const char *name, int *out,
		     char *err, size_t errlen)
{
	*out = demo_gram_rule(g, name);
	if (*out < 0)
		return errf(err, errlen, "demo assets: missing rule @%s", name);
	return 0;
}

static void gen_free(struct gen *gen)
{
	for (size_t i = 0; i < gen->n_asr; i++) {
		free(gen->asr[i].from);
		free(gen->asr[i].to);
	}
	free(gen->asr);
	for (size_t i = 0; i < gen->n_names; i++)
		free(gen->names[i]);
	free(gen->names);
	free(gen->roster);
}

static int gen_init(struct gen *gen, const struct demo_gram *g, char *err, size_t errlen)
{
	memset(gen, 0, sizeof(*gen));
	gen->g = g;
	static const struct { const char *name; size_t off; } need[] = {
		{"first_name", offsetof(struct gen, r_first)},
		{"last_name", offsetof(struct gen, r_last)},
		{"company", offsetof(struct gen, r_company)},
		{"team", offsetof(struct gen, r_team)},
		{"region", offsetof(struct gen, r_region)},
		{"smalltalk", offsetof(struct gen, r_smalltalk)},
		{"backchannel", offsetof(struct gen, r_backchannel)},
		{"filler", offsetof(struct gen, r_filler)},
		{"filler.start", offsetof(struct gen, r_filler_start)},
		{"open.external", offsetof(struct gen, r_open[0])},
		{"open.internal", offsetof(struct gen, r_open[1])},
		{"close.external", offsetof(struct gen, r_close[0])},
		{"close.internal", offsetof(struct gen, r_close[1])},
		{"intro.rep2", offsetof(struct gen, r_intro_rep2)},
		{"intro.cust2", offsetof(struct gen, r_intro_cust2)},
		{"agenda.internal", offsetof(struct gen, r_agenda_internal)},
		{"body.internal", offsetof(struct gen, r_body_internal)},
		{"title.internal", offsetof(struct gen, r_title_internal)},
		{"asr", offsetof(struct gen, r_asr)},
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (need_rule(g, need[i].name, (int *)((char *)gen + need[i].off), err, errlen))
			return -1;
	for (size_t s = 0; s < demo_gram_stages(g); s++) {
		char name[128];
		const char *key = demo_gram_stage_key(g, s);
		snprintf(name, sizeof(name), "title.%s", key);
		if (need_rule(g, name, &gen->r_title[s], err, errlen))
			return -1;
		snprintf(name, sizeof(name), "agenda.%s", key);
		if (need_rule(g, name, &gen->r_agenda[s], err, errlen))
			return -1;
		snprintf(name, sizeof(name), "body.%s", key);
		if (need_rule(g, name, &gen->r_body[s], err, errlen))
			return -1;
	}
	for (size_t i = 0; i < demo_gram_alts(g, gen->r_asr); i++) {
		const char *raw = demo_gram_raw(g, gen->r_asr, i);
		const char *arrow = strstr(raw, "=>");
		if (!arrow)
			return errf(err, errlen, "demo assets: @asr line \"%s\" is not "
				    "\"word => heard\"", raw);
		size_t fl = (size_t)(arrow - raw);
		while (fl && raw[fl - 1] == ' ')
			fl--;
		const char *to = arrow + 2;
		while (*to == ' ')
			to++;
		gen->asr = xrealloc(gen->asr, (gen->n_asr + 1) * sizeof(*gen->asr));
		gen->asr[gen->n_asr].from = xstrndup(raw, fl);
		gen->asr[gen->n_asr].from_len = fl;
		gen->asr[gen->n_asr].to = xstrdup(to);
		gen->n_asr++;
	}
	qsort(gen->asr, gen->n_asr, sizeof(*gen->asr), cmp_asr);
	for (int l = 0, a = 0; l <= 26; l++) {
		while ((size_t)a < gen->n_asr && asr_letter(&gen->asr[a]) < l)
			a++;
		gen->asr_from[l] = (size_t)a;
	}
	/* words that keep their capital: every word of these rules' lines */
	static const char *const name_rules[] = {
		"first_name", "last_name", "company.classic", "company.first", "company.kind",
		"us", "competitor", "system", "system.crm", "system.erp", "city", "weekday",
		"month", "role", "industry", NULL
	};
	size_t cap = 0;
	for (size_t k = 0; name_rules[k]; k++) {
		int r = demo_gram_rule(g, name_rules[k]);
		for (size_t i = 0; i < demo_gram_alts(g, r); i++) {
			char *line = xstrdup(demo_gram_raw(g, r, i));
			char *save = NULL;
			for (char *w = strtok_r(line, " ", &save); w;
			     w = strtok_r(NULL, " ", &save)) {
				if (!isupper((unsigned char)w[0]))
					continue;
				xgrow(&gen->names, &cap, gen->n_names + 1, sizeof(char *));
				gen->names[gen->n_names++] = xstrdup(w);
			}
			free(line);
		}
	}
	qsort(gen->names, gen->n_names, sizeof(char *), cmp_strp);
	return 0;
}

/* Regions are "Name|HH-HH": the name and the UTC hours in which its calls start. */
static void region_hours(const char *raw, char *name, size_t size, int *lo, int *hi)
{
	const char *bar = strchr(raw, '|');
	size_t l = bar ? (size_t)(bar - raw) : strlen(raw);
	while (l && raw[l - 1] == ' ')
		l--;
	snprintf(name, size, "%.*s", (int)l, raw);
	*lo = 9;
	*hi = 17;
	if (bar && sscanf(bar + 1, " %d-%d", lo, hi) == 2 && *lo >= 0 && *hi <= 23 && *lo <= *hi)
		return;
	*lo = 9;
	*hi = 17;
}

/* The start of every call: weekdays (mostly) in the 12 months before the anchor, in the
 * region's office hours, oldest first. */
static struct slot *plan_dates(const struct gen *gen, uint64_t seed, int64_t anchor, int n)
{
	struct demo_rng r;
	demo_rng_seed(&r, seed, 0);
	struct slot *s = xcalloc((size_t)n, sizeof(*s));
	int64_t day0 = anchor - ((anchor % 86400) + 86400) % 86400;
	size_t n_regions = demo_gram_alts(gen->g, gen->r_region);
	for (int i = 0; i < n; i++) {
		int64_t day;
		for (;;) {
			day = day0 - (int64_t)(1 + demo_rng_below(&r, 364)) * 86400;
			int dow = (int)(((day / 86400) % 7 + 4 + 7) % 7);	/* 0 Sunday */
			if ((dow != 0 && dow != 6) || demo_rng_unit(&r) < 0.03)
				break;
		}
		const char *raw = demo_gram_pick_raw(gen->g, gen->r_region, &r);
		size_t reg = 0;
		while (reg + 1 < n_regions && demo_gram_raw(gen->g, gen->r_region, reg) != raw)
			reg++;
		char name[64];
		int lo, hi;
		region_hours(raw, name, sizeof(name), &lo, &hi);
		int hour = demo_rng_range(&r, lo, hi);
		static const int minutes[] = { 0, 0, 0, 0, 15, 30, 30, 30, 45, 5, 10, 35 };
		int minute = minutes[demo_rng_below(&r, sizeof(minutes) / sizeof(minutes[0]))];
		if (demo_rng_unit(&r) < 0.2)
			minute += demo_rng_range(&r, 1, 4);
		s[i].t = day + hour * 3600 + minute * 60;
		s[i].region = (int)reg;
	}
	qsort(s, (size_t)n, sizeof(*s), cmp_slot);
	return s;
}

/* ---------------------------------------------------------------- the workspace */

int demo_generate(store *st, const struct demo_options *o, struct demo_report *rep,
		  char *err, size_t errlen)
{
	struct demo_report dummy;
	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	int n_calls = o->calls > 0 ? o->calls : DEFAULT_CALLS;
	int64_t anchor = o->anchor_unix > 0 ? o->anchor_unix : (int64_t)time(NULL);
	const char *dir = o->assets ? o->assets : demo_assets_dir();

	struct demo_gram *g = NULL;
	struct gen gen;
	memset(&gen, 0, sizeof(gen));
	struct slot *slots = NULL;
	FILE *lf = NULL;
	struct call c;
	memset(&c, 0, sizeof(c));
	struct call_labels cl = {0};
	int rc = -1, opened = 0;

	if (demo_gram_load(dir, &g, err, errlen))
		goto fail;
	if (gen_init(&gen, g, err, errlen))
		goto fail;
	if (o->labels && !(lf = fopen(o->labels, "w"))) {
		errf(err, errlen, "%s: %s", o->labels, strerror(errno));
		goto fail;
	}
	opened = lf != NULL;
	rep->concepts = demo_gram_concepts(g);
	slots = plan_dates(&gen, o->seed, anchor, n_calls);
	make_roster(&gen, o->seed);

	unsigned width = 4;
	for (int n = n_calls; n >= 10000 && width < 10; n /= 10)
		width++;
	size_t n_stages = demo_gram_stages(g);
	double stage_total = 0;
	for (size_t s = 0; s < n_stages; s++)
		stage_total += demo_gram_stage_weight(g, s);

	c.gen = &gen;
	c.x.g = g;
	c.x.rng = &c.rng;
	c.x.ops = &expand_ops;
	c.x.ctx = &c;
	for (int i = 0; i < n_calls; i++) {
		demo_rng_seed(&c.rng, o->seed, (uint64_t)i + 1);
		demo_expand_reset(&c.x);
		c.cur = c.prev = -1;
		c.sentences = 0;
		memset(c.said, 0, sizeof(c.said));
		c.internal = demo_rng_unit(&c.rng) < INTERNAL_SHARE;
		double u = demo_rng_unit(&c.rng) * stage_total;
		size_t stage = 0;
		while (stage + 1 < n_stages && u >= demo_gram_stage_weight(g, stage)) {
			u -= demo_gram_stage_weight(g, stage);
			stage++;
		}
		pick_parties(&c);

		char ext_id[48], title[256], started[32], team[128], region[64], audio[4096];
		snprintf(ext_id, sizeof(ext_id), "call-%0*d", (int)(width & 15), i + 1);
		expand_plain(&c, c.internal ? gen.r_title_internal : gen.r_title[stage],
			     title, sizeof(title));
		const char *team_raw = demo_gram_pick_raw(g, gen.r_team, &c.rng);
		snprintf(team, sizeof(team), "%s", team_raw);
		size_t ti = 0;
		while (ti + 1 < gen.n_teams && demo_gram_raw(g, gen.r_team, ti) != team_raw)
			ti++;
		use_roster(&c, ti);
		int lo, hi;
		region_hours(demo_gram_raw(g, gen.r_region, (size_t)slots[i].region),
			     region, sizeof(region), &lo, &hi);
		time_t tt = (time_t)slots[i].t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);

		build_conversation(&c, (int)stage);

		struct store_sentence_in *rows = NULL;
		size_t n_rows = 0;
		int64_t duration = 0;
		cl.n = 0;
		if (time_and_split(&c, &rows, &n_rows, &duration, &cl, err, errlen)) {
			ingest_sentences_free(rows, n_rows);
			goto fail;
		}

		/* a deal stage is the customer's: internal meetings (standups, pipeline
		 * reviews, coaching) belong to no deal */
		struct store_kv meta[3] = {
			{ (char *)"team", team },
			{ (char *)"region", region },
			{ (char *)"deal_stage", (char *)demo_gram_stage(g, stage) },
		};
		struct store_party_in parties[MAX_PARTIES];
		char pids[MAX_PARTIES][4];
		for (int p = 0; p < c.n_parties; p++) {
			pids[p][0] = 'p';
			pids[p][1] = (char)('1' + p);
			pids[p][2] = '\0';
			parties[p].ext_id = pids[p];
			parties[p].name = c.parties[p].full;
			parties[p].side = c.parties[p].side;
		}
		if (o->audio_dir)
			snprintf(audio, sizeof(audio), "%s/%s-%08x.ogg", o->audio_dir, ext_id,
				 speech_hash(&c, rows, n_rows, duration));
		struct store_call_in in = {
			.ext_id = ext_id,
			.title = title,
			.started = started,
			.started_unix = slots[i].t,
			.duration_ms = duration,
			.scope = c.internal ? STORE_SCOPE_INTERNAL : STORE_SCOPE_EXTERNAL,
			.language = (char *)"en",
			.audio = o->audio_dir ? audio : NULL,
			.audio_ok = o->audio_dir ? -1 : 0,
			.meta = meta,
			.n_meta = c.internal ? 2 : 3,
			.parties = parties,
			.n_parties = (size_t)c.n_parties,
			.sentences = rows,
			.n_sentences = n_rows,
		};
		int64_t first = 0;
		int replaced = 0;
		int prc = store_call_put(st, &in, NULL, &first, &replaced, err, errlen);
		ingest_sentences_free(rows, n_rows);
		free_conversation(&c);
		if (prc)
			goto fail;
		for (size_t l = 0; lf && l < cl.n; l++)
			fprintf(lf, "%lld\t%s\n", (long long)(first + (int64_t)cl.v[l].idx),
				demo_gram_concept(g, (size_t)cl.v[l].concept)->name);
		rep->calls++;
		rep->sentences += n_rows;
		rep->labelled += cl.n;
		if (o->progress && ((i + 1) % 16 == 0 || i + 1 == n_calls))
			o->progress(o->progress_ctx, (size_t)i + 1, (size_t)n_calls);
	}
	if (lf) {
		int bad = ferror(lf);
		if (fclose(lf) || bad) {
			lf = NULL;
			errf(err, errlen, "%s: %s", o->labels, strerror(errno ? errno : EIO));
			goto fail;
		}
		lf = NULL;
	}
	rc = 0;
fail:
	if (lf)
		fclose(lf);
	if (rc && opened)
		unlink(o->labels);	/* the caller rolls back: no half ground truth either */
	free_conversation(&c);
	free(c.utts);
	demo_expand_free(&c.x);
	free(cl.v);
	free(slots);
	gen_free(&gen);
	demo_gram_free(g);
	return rc;
}
