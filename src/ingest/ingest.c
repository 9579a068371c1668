/* Importing calls: JSON (one call or an array), JSON Lines and WebVTT. */
#include "ingest.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "audio.h"
#include "internal.h"
#include "xmalloc.h"

/* ------------------------------------------------------------------ helpers */

int ingest_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		/* Eight ASCII bytes at a time: most of a transcript is ASCII. */
		while (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			if (w & 0x8080808080808080ull)
				break;
			p += 8;
		}
		if (p >= end)
			break;
		if (*p < 0x80) {
			p++;
			continue;
		}
		int len = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		if (!len || end - p < len || (*p == 0xc0 || *p == 0xc1) || *p > 0xf4)
			return 0;
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		if (len == 3 && *p == 0xe0 && p[1] < 0xa0)
			return 0;	/* overlong */
		if (len == 3 && *p == 0xed && p[1] >= 0xa0)
			return 0;	/* surrogates */
		if (len == 4 && ((*p == 0xf0 && p[1] < 0x90) || (*p == 0xf4 && p[1] >= 0x90)))
			return 0;
		p += len;
	}
	return 1;
}

int ingest_parse_time(const char *s, int64_t *unix_out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
	struct tm tm = {0};
	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
		return -1;
	const char *p = s + used;
	if (*p == 'T' || *p == ' ') {
		int n2 = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &n2) != 2 || n2 != 5)
			return -1;
		p += 1 + n2;
		if (*p == ':') {
			if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
				return -1;
			sec = (p[1] - '0') * 10 + (p[2] - '0');
			p += 3;
			if (*p == '.')
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
	}
	long offset = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om = 0, n3 = 0;
		if (sscanf(p + 1, "%2d%n", &oh, &n3) != 1 || n3 != 2)
			return -1;
		const char *q = p + 3;
		if (*q == ':')
			q++;
		if (isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1])) {
			om = (q[0] - '0') * 10 + (q[1] - '0');
			q += 2;
		}
		offset = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
		p = q;
	}
	if (*p)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	/* a day the month does not have (2026-02-30) is a mistake, not 2 March */
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*unix_out = (int64_t)timegm(&tm) - offset;
	return 0;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	if (!f) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(f);
		errf(err, errlen, "%s: %s", path, strerror(EISDIR));
		return NULL;
	}
	/* One read of the size stat gives, then whatever more there is (pipes, growing files). */
	size_t cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 65536, n = 0;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		cap *= 2;
		buf = xrealloc(buf, cap + 1);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errf(err, errlen, "%s: read error", path);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void note(struct ingest_report *r, char *text)
{
	r->notes = xrealloc(r->notes, (r->n_notes + 1) * sizeof(*r->notes));
	r->notes[r->n_notes++] = text;
}

void ingest_report_free(struct ingest_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->call_ids);
	for (size_t i = 0; i < r->n_ignored; i++)
		free(r->ignored[i]);
	free(r->ignored);
	memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------ building a call */

/* A call being read, with the strings it owns. */
struct build {
	struct store_call_in c;
	struct ingest_utt *utts;
	size_t n_utts, cap_utts;
	size_t cap_parties, cap_meta;
	char **owned;		/* strings to free with the build */
	size_t n_owned, cap_owned;
	struct ingest_sentbuf sents;	/* c.sentences point into it */
};

static char *own(struct build *b, char *s)
{
	xgrow(&b->owned, &b->cap_owned, b->n_owned + 1, sizeof(char *));
	b->owned[b->n_owned++] = s;
	return s;
}

/* Empties b for the next call, keeping its arrays. */
static void build_reset(struct build *b)
{
	for (size_t i = 0; i < b->n_owned; i++)
		free(b->owned[i]);
	b->n_owned = 0;
	b->n_utts = 0;
	struct store_party_in *parties = b->c.parties;
	struct store_kv *meta = b->c.meta;
	memset(&b->c, 0, sizeof(b->c));
	b->c.parties = parties;
	b->c.meta = meta;
}

static void build_free(struct build *b)
{
	build_reset(b);
	ingest_sentbuf_free(&b->sents);
	free(b->owned);
	free(b->utts);
	free(b->c.parties);
	free(b->c.meta);
	memset(b, 0, sizeof(*b));
}

/* A party's "channel": "left" 1, "right" 2, a number 1 to 8, absent 0 (all); -1 when
 * it is something else. */
static int party_channel(const cJSON *ch)
{
	if (!ch || cJSON_IsNull(ch))
		return 0;
	if (cJSON_IsString(ch))
		return !strcmp(ch->valuestring, "left") ? 1 : !strcmp(ch->valuestring, "right") ? 2 : -1;
	if (cJSON_IsNumber(ch) && ch->valuedouble >= 1 && ch->valuedouble <= 8 &&
	    ch->valuedouble == (int)ch->valuedouble)
		return (int)ch->valuedouble;
	return -1;
}

static int add_party(struct build *b, const char *ext_id, const char *name, int side)
{
	xgrow(&b->c.parties, &b->cap_parties, b->c.n_parties + 1, sizeof(*b->c.parties));
	struct store_party_in *p = &b->c.parties[b->c.n_parties];
	p->ext_id = own(b, xstrdup(ext_id));
	p->name = own(b, xstrdup(name));
	p->side = side;
	p->channel = 0;
	return (int)b->c.n_parties++;
}

static void add_meta(struct build *b, const char *key, const char *value)
{
	for (size_t i = 0; i < b->c.n_meta; i++)
		if (!strcmp(b->c.meta[i].key, key)) {
			b->c.meta[i].value = own(b, xstrdup(value));
			return;
		}
	xgrow(&b->c.meta, &b->cap_meta, b->c.n_meta + 1, sizeof(*b->c.meta));
	b->c.meta[b->c.n_meta].key = own(b, xstrdup(key));
	b->c.meta[b->c.n_meta].value = own(b, xstrdup(value));
	b->c.n_meta++;
}

static void add_utt(struct build *b, int party, int start, int end, const char *text)
{
	xgrow(&b->utts, &b->cap_utts, b->n_utts + 1, sizeof(*b->utts));
	b->utts[b->n_utts].party = party;
	b->utts[b->n_utts].start_ms = start;
	b->utts[b->n_utts].end_ms = end;
	b->utts[b->n_utts].text = text;
	b->n_utts++;
}

static int parse_side(const char *s)
{
	if (!strcmp(s, "company") || !strcmp(s, "internal"))
		return STORE_COMPANY;
	if (!strcmp(s, "customer") || !strcmp(s, "external"))
		return STORE_CUSTOMER;
	return -1;
}

/* Resolves a recording path against the folder of the file that names it. */
static char *audio_path(const char *file, const char *audio)
{
	if (audio[0] == '/')
		return xstrdup(audio);
	const char *slash = strrchr(file, '/');
	if (!slash)
		return xstrdup(audio);
	return xasprintf("%.*s/%s", (int)(slash - file), file, audio);
}

/* Checks the recording once: a problem is a note and the call is kept without it. */
static void check_audio(struct build *b, const char *where, struct ingest_report *rep)
{
	char aerr[512];
	int64_t ms = 0;
	if (!b->c.audio)
		return;
	if (audio_probe(b->c.audio, &ms, aerr, sizeof(aerr)) < 0) {
		note(rep, xasprintf("%s: call %s: warning: recording not usable (%s); imported "
				    "without it", where, b->c.ext_id, aerr));
		b->c.audio_ok = 0;
		return;
	}
	int64_t last = 0;
	for (size_t i = 0; i < b->n_utts; i++)
		if (b->utts[i].end_ms > last)
			last = b->utts[i].end_ms;
	if (ms + 1500 < last) {
		note(rep, xasprintf("%s: call %s: warning: recording is %.1f s long but the "
				    "transcript runs to %.1f s; imported without it", where,
				    b->c.ext_id, ms / 1000.0, last / 1000.0));
		b->c.audio_ok = 0;
		return;
	}
	b->c.audio_ok = 1;
	b->c.audio_ms = ms;
}

/* ------------------------------------------------------------------ ids seen */

/* The calls one import has read so far, by id, with where each was: two calls with the
 * same id in one import would leave one of them, so the second is an error. */
struct seen {
	struct seen_call {
		char *id;	/* the call's id (owned), NULL for an empty slot */
		char *where;	/* "FILE:LINE" it was read at (owned) */
	} *slot;
	size_t cap, n;
};

static uint64_t id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The slot of id: where it is, or the empty one it would take. */
static struct seen_call *seen_slot(struct seen *t, const char *id)
{
	size_t i = (size_t)id_hash(id) & (t->cap - 1);
	while (t->slot[i].id && strcmp(t->slot[i].id, id))
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

/* Where the call id was read before in this import, or NULL; remembers it at where
 * when it is new. */
static const char *seen_add(struct seen *t, const char *id, const char *where)
{
	if (2 * (t->n + 1) > t->cap) {
		struct seen old = *t;
		t->cap = t->cap ? t->cap * 2 : 64;
		t->slot = xcalloc(t->cap, sizeof(*t->slot));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slot[i].id)
				*seen_slot(t, old.slot[i].id) = old.slot[i];
		free(old.slot);
	}
	struct seen_call *c = seen_slot(t, id);
	if (c->id)
		return c->where;
	c->id = xstrdup(id);
	c->where = xstrdup(where);
	t->n++;
	return NULL;
}

static void seen_free(struct seen *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->slot[i].id);
		free(t->slot[i].where);
	}
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* "line 3" when where and first ("FILE:LINE") name the same file, else first whole. */
static void earlier_place(const char *where, const char *first, char *buf, size_t cap)
{
	const char *a = strrchr(where, ':'), *b = strrchr(first, ':');
	if (a && b && a - where == b - first && !strncmp(where, first, (size_t)(a - where)))
		snprintf(buf, cap, "line %s", b + 1);
	else
		snprintf(buf, cap, "%s", first);
}

/* ------------------------------------------------------------------ writing a call */

/* Splits, times and writes the call. */
static int write_call(store *st, struct build *b, const char *where, struct ingest_report *rep,
		      struct seen *seen, char *err, size_t errlen)
{
	const char *before = seen_add(seen, b->c.ext_id, where);
	if (before) {
		char at[4096 + 32];
		earlier_place(where, before, at, sizeof(at));
		return errf(err, errlen, "%s: call %s: the same id as the call at %s; an import "
			    "takes each call once", where, b->c.ext_id, at);
	}
	int64_t first, call_id, last_end = 0;
	int replaced;
	ingest_sentences_into(b->utts, b->n_utts, &b->sents);
	b->c.sentences = b->sents.v;
	b->c.n_sentences = b->sents.n;
	if (b->c.n_sentences == 0)
		return errf(err, errlen, "%s: call %s: the transcript has no words", where, b->c.ext_id);
	for (size_t i = 0; i < b->n_utts; i++)
		if (b->utts[i].end_ms > last_end)
			last_end = b->utts[i].end_ms;
	if (b->c.duration_ms < last_end)
		b->c.duration_ms = last_end;
	if (b->c.audio_ok == 1 && b->c.audio_ms > b->c.duration_ms)
		b->c.duration_ms = b->c.audio_ms;
	if (store_call_put(st, &b->c, &call_id, &first, &replaced, err, errlen) < 0)
		return -1;
	rep->calls++;
	rep->sentences += b->c.n_sentences;
	if (replaced) {
		rep->replaced++;
		int64_t kept, dropped;
		store_call_put_carried(st, &kept, &dropped);
		if (dropped)
			note(rep, xasprintf("%s: call %s: replaced the call with the same id; %lld of its "
					    "%lld tag%s went with sentences it no longer has", where,
					    b->c.ext_id, (long long)dropped, (long long)(kept + dropped),
					    kept + dropped == 1 ? "" : "s"));
		else if (kept)
			note(rep, xasprintf("%s: call %s: replaced the call with the same id, keeping "
					    "its %lld tag%s", where, b->c.ext_id, (long long)kept,
					    kept == 1 ? "" : "s"));
		else
			note(rep, xasprintf("%s: call %s: replaced the call with the same id", where,
					    b->c.ext_id));
	}
	rep->call_ids = xrealloc(rep->call_ids, (rep->n_call_ids + 1) * sizeof(*rep->call_ids));
	rep->call_ids[rep->n_call_ids++] = call_id;
	return 0;
}

/* ------------------------------------------------------------------ JSON calls */

#define FAIL(...) do { errf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* Where a call came from: its text, for naming the line of a bad entry inside it. */
struct src {
	const char *file;
	const char *text;	/* the whole file */
	const char *obj, *end;	/* the call's JSON text */
	int line;		/* line of obj */
	int item;		/* 1-based place of obj in the file's list of calls, 0 outside one */
	int utf8_ok;		/* obj..end is valid UTF-8: strings need no check */
};

static int line_of(const char *text, const char *pos)
{
	int line = 1;
	for (const char *p = text; p < pos; p++)
		line += *p == '\n';
	return line;
}

/* A tiny JSON walker over text cJSON has accepted (or rejected part-way): enough to find
 * where a member or an element starts. Each returns NULL when it cannot. */
static const char *jw_ws(const char *p, const char *end)
{
	while (p && p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *jw_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

static const char *jw_value(const char *p, const char *end)
{
	int depth = 0;
	p = jw_ws(p, end);
	while (p && p < end) {
		if (*p == '"') {
			p = jw_string(p, end);
		} else if (*p == '{' || *p == '[') {
			depth++;
			p++;
		} else if (*p == '}' || *p == ']') {
			if (depth == 0)
				return p;
			depth--;
			p++;
		} else if (*p == ',' && depth == 0) {
			return p;
		} else {
			p++;
		}
		if (depth == 0 && p && p < end && (p[-1] == '"' || p[-1] == '}' || p[-1] == ']'))
			return p;
	}
	return p;
}

/* The value of member key of the object at obj. */
static const char *jw_member(const char *obj, const char *end, const char *key)
{
	size_t kl = strlen(key);
	const char *p = jw_ws(obj, end);
	if (!p || p >= end || *p != '{')
		return NULL;
	p++;
	for (;;) {
		p = jw_ws(p, end);
		if (!p || p >= end || *p != '"')
			return NULL;
		const char *k = p + 1, *q = jw_string(p, end);
		if (!q)
			return NULL;
		int match = (size_t)(q - 1 - k) == kl && !memcmp(k, key, kl);
		p = jw_ws(q, end);
		if (!p || p >= end || *p != ':')
			return NULL;
		p = jw_ws(p + 1, end);
		if (match)
			return p;
		p = jw_ws(jw_value(p, end), end);
		if (!p || p >= end || *p != ',')
			return NULL;
		p++;
	}
}

/* Element k of the array at arr. */
static const char *jw_element(const char *arr, const char *end, size_t k)
{
	const char *p = jw_ws(arr, end);
	if (!p || p >= end || *p != '[')
		return NULL;
	p = jw_ws(p + 1, end);
	for (size_t i = 0; p && p < end && *p != ']'; i++) {
		if (i == k)
			return p;
		p = jw_ws(jw_value(p, end), end);
		if (!p || p >= end || *p != ',')
			return NULL;
		p = jw_ws(p + 1, end);
	}
	return NULL;
}

/* " (line N)" for element k of the call's array member key, when that is not the line the
 * call starts on; "" otherwise. */
static const char *entry_line(const struct src *S, const char *key, size_t k, char *buf, size_t cap)
{
	const char *a = S->obj ? jw_member(S->obj, S->end, key) : NULL;
	const char *e = a ? jw_element(a, S->end, k) : NULL;
	buf[0] = '\0';
	if (e) {
		int line = S->line + line_of(S->obj, e) - 1;
		if (line != S->line)
			snprintf(buf, cap, " (line %d)", line);
	}
	return buf;
}

static const char *str_field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int checked_str(const cJSON *o, const char *key, const char *where, const char *id,
		       const char **out, int required, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			FAIL("%s: call %s: missing \"%s\"", where, id, key);
		return 0;
	}
	if (!cJSON_IsString(v))
		FAIL("%s: call %s: \"%s\" must be a string", where, id, key);
	if (!ingest_utf8_valid(v->valuestring, strlen(v->valuestring)))
		FAIL("%s: call %s: invalid UTF-8 in \"%s\"", where, id, key);
	*out = v->valuestring;
	return 0;
}

/* A time in milliseconds: v is the member named key of transcript[k], or NULL. */
static int ms_field(const cJSON *v, const char *key, const struct src *S, const char *where,
		    const char *id, size_t k, int *out, char *err, size_t errlen)
{
	char at[32];
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 2e9) {
		*out = (int)v->valuedouble;
		return 0;
	}
	entry_line(S, "transcript", k, at, sizeof(at));
	if (!cJSON_IsNumber(v))
		FAIL("%s: call %s: transcript[%zu]%s: \"%s\" must be a number of milliseconds",
		     where, id, k, at, key);
	if (v->valuedouble < 0)
		FAIL("%s: call %s: transcript[%zu]%s: negative time: %s is %.15g", where, id, k, at,
		     key, v->valuedouble);
	FAIL("%s: call %s: transcript[%zu]%s: time %s = %.15g is out of range (at most "
	     "2000000000 ms, about 23 days)", where, id, k, at, key, v->valuedouble);
}

/* The line of the first byte of s[0, n) that is not valid UTF-8. */
static int bad_utf8_line(const struct src *S)
{
	const char *p = S->obj;
	while (p < S->end) {
		const char *nl = memchr(p, '\n', (size_t)(S->end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(S->end - p);
		if (!ingest_utf8_valid(p, n))
			break;
		p += n + 1;
	}
	return S->line + line_of(S->obj, p < S->end ? p : S->end) - 1;
}

/* A field the format does not have is ignored, with a warning the first time a name is
 * met in an import: a misspelt "meta" would otherwise leave every call without its team,
 * and trackers filtering on it without calls, unseen. */
static void note_unknown_fields(const cJSON *o, const char *where, const char *id,
				struct ingest_report *rep)
{
	static const char *const known[] = {
		"id", "title", "started", "scope", "language", "audio", "meta", "parties",
		"transcript", NULL,
	};
	const cJSON *f;
	cJSON_ArrayForEach(f, o) {
		int ok = 0;
		for (int k = 0; known[k] && !ok; k++)
			ok = !strcmp(f->string, known[k]);
		for (size_t i = 0; i < rep->n_ignored && !ok; i++)
			ok = !strcmp(rep->ignored[i], f->string);
		if (ok)
			continue;
		rep->ignored = xrealloc(rep->ignored, (rep->n_ignored + 1) * sizeof(char *));
		rep->ignored[rep->n_ignored++] = xstrdup(f->string);
		note(rep, xasprintf("%s: call %s: warning: \"%.60s\" is not a field of the import "
				    "format and is ignored in every call (the fields: id, title, "
				    "started, scope, language, audio, meta, parties, transcript)",
				    where, id, f->string));
	}
}

/* What is wrong with a call id, or NULL: an id is what `tracker show` takes, and every
 * listing prints it on one line. */
static const char *id_problem(const char *id)
{
	if (strspn(id, " ") == strlen(id))
		return "is only spaces";
	for (const char *q = id; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			return "must be one line of text, without tabs or line breaks";
	return NULL;
}

/* Reads one call object (a JSON object: import_value checks) into b. where is
 * "FILE:LINE" of the call. */
static int parse_call(const cJSON *o, const struct src *S, const char *where, struct build *b,
		      struct ingest_report *rep, char *err, size_t errlen)
{
	const char *s;
	char idbuf[64], at[32];
	const cJSON *idv = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (cJSON_IsNumber(idv)) {
		/* a number is the id as written only when it is whole and a double holds it
		 * exactly: 1.5 would become "2" and 12345678901234567890 lose its last digits */
		double v = idv->valuedouble;
		if (v != floor(v) || fabs(v) > 9007199254740992.0) {
			const char *lit = S->obj ? jw_member(S->obj, S->end, "id") : NULL;
			size_t n = lit ? strspn(lit, "+-0123456789.eE") : 0;
			FAIL("%s: call ?: \"id\" %.*s is not a whole number an id can be; write it "
			     "as a string (\"%.*s\")", where, (int)(n ? n : 1), n ? lit : "?",
			     (int)(n ? n : 1), n ? lit : "?");
		}
		snprintf(idbuf, sizeof(idbuf), "%.0f", v);
		b->c.ext_id = own(b, xstrdup(idbuf));
	} else if (cJSON_IsString(idv) && *idv->valuestring) {
		if (!S->utf8_ok && !ingest_utf8_valid(idv->valuestring, strlen(idv->valuestring)))
			FAIL("%s: call ?: invalid UTF-8 in \"id\"", where);
		b->c.ext_id = own(b, xstrdup(idv->valuestring));
	} else if (idv && !cJSON_IsNull(idv) && !cJSON_IsString(idv)) {
		FAIL("%s: call ?: \"id\" must be a string", where);
	} else {
		FAIL("%s: call ?: missing \"id\"", where);
	}
	const char *id = b->c.ext_id;
	if (id_problem(id))
		FAIL("%s: call ?: \"id\" %s", where, id_problem(id));
	note_unknown_fields(o, where, id, rep);

	if (checked_str(o, "title", where, id, &s, 0, err, errlen) < 0)
		return -1;
	b->c.title = own(b, xstrdup(s ? s : ""));
	if (checked_str(o, "started", where, id, &s, 1, err, errlen) < 0)
		return -1;
	if (ingest_parse_time(s, &b->c.started_unix) < 0)
		FAIL("%s: call %s: \"started\" is not an ISO 8601 date-time: \"%s\"", where, id, s);
	b->c.started = own(b, xstrdup(s));
	if (checked_str(o, "scope", where, id, &s, 0, err, errlen) < 0)
		return -1;
	if (!s || !strcmp(s, "external"))
		b->c.scope = STORE_SCOPE_EXTERNAL;
	else if (!strcmp(s, "internal"))
		b->c.scope = STORE_SCOPE_INTERNAL;
	else
		FAIL("%s: call %s: \"scope\" must be external or internal, not \"%s\"", where, id, s);
	if (checked_str(o, "language", where, id, &s, 0, err, errlen) < 0)
		return -1;
	b->c.language = own(b, xstrdup(s ? s : "en"));
	if (checked_str(o, "audio", where, id, &s, 0, err, errlen) < 0)
		return -1;
	b->c.audio = s && *s ? own(b, audio_path(S->file, s)) : NULL;
	b->c.audio_ok = 0;

	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(o, "meta");
	if (meta && !cJSON_IsNull(meta)) {
		if (!cJSON_IsObject(meta))
			FAIL("%s: call %s: \"meta\" must be an object of strings", where, id);
		const cJSON *m;
		cJSON_ArrayForEach(m, meta) {
			char num[64];
			const char *v = NULL;
			if (cJSON_IsString(m))
				v = m->valuestring;
			else if (cJSON_IsNumber(m))
				snprintf(num, sizeof(num), "%g", m->valuedouble), v = num;
			else if (cJSON_IsBool(m))
				v = cJSON_IsTrue(m) ? "true" : "false";
			else
				FAIL("%s: call %s: meta \"%s\" must be a string", where, id, m->string);
			if (!ingest_utf8_valid(m->string, strlen(m->string)) ||
			    !ingest_utf8_valid(v, strlen(v)))
				FAIL("%s: call %s: invalid UTF-8 in meta \"%s\"", where, id, m->string);
			if (strpbrk(m->string, "\t\n=") || !*m->string)
				FAIL("%s: call %s: meta key \"%s\" must be a word without '=', tabs or "
				     "line breaks", where, id, m->string);
			if (strpbrk(v, "\t\n"))
				FAIL("%s: call %s: meta \"%s\" holds a tab or line break", where, id, m->string);
			add_meta(b, m->string, v);
		}
	}

	const cJSON *parties = cJSON_GetObjectItemCaseSensitive(o, "parties");
	if (!cJSON_IsArray(parties) || cJSON_GetArraySize(parties) == 0)
		FAIL("%s: call %s: missing \"parties\" (a list of who speaks)", where, id);
	const cJSON *p;
	size_t k = 0;
	cJSON_ArrayForEach(p, parties) {
		const char *pid = str_field(p, "id"), *name = str_field(p, "name");
		const char *aff = str_field(p, "affiliation");
		if (!pid || !*pid)
			FAIL("%s: call %s: parties[%zu]%s: missing \"id\"", where, id, k,
			     entry_line(S, "parties", k, at, sizeof(at)));
		if (!name || strspn(name, " \t\r\n") == strlen(name))
			name = pid;	/* a speaker is shown by name: a blank one by its id */
		if (!ingest_utf8_valid(pid, strlen(pid)) || !ingest_utf8_valid(name, strlen(name)))
			FAIL("%s: call %s: parties[%zu]%s: invalid UTF-8", where, id, k,
			     entry_line(S, "parties", k, at, sizeof(at)));
		if (!aff)
			FAIL("%s: call %s: party %s%s: missing \"affiliation\" (company or customer)",
			     where, id, pid, entry_line(S, "parties", k, at, sizeof(at)));
		int side = parse_side(aff);
		if (side < 0)
			FAIL("%s: call %s: party %s%s: affiliation must be company or customer, not \"%s\"",
			     where, id, pid, entry_line(S, "parties", k, at, sizeof(at)), aff);
		for (size_t j = 0; j < b->c.n_parties; j++)
			if (!strcmp(b->c.parties[j].ext_id, pid))
				FAIL("%s: call %s: party id %s%s appears twice", where, id, pid,
				     entry_line(S, "parties", k, at, sizeof(at)));
		/* Optional: the channel of a stereo recording that carries this party. */
		int channel = party_channel(cJSON_GetObjectItemCaseSensitive(p, "channel"));
		if (channel < 0)
			FAIL("%s: call %s: party %s%s: \"channel\" must be \"left\", \"right\" or a "
			     "channel number from 1 to 8", where, id, pid,
			     entry_line(S, "parties", k, at, sizeof(at)));
		int at_party = add_party(b, pid, name, side);
		b->c.parties[at_party].channel = channel;
		k++;
	}

	const cJSON *tr = cJSON_GetObjectItemCaseSensitive(o, "transcript");
	if (!tr || cJSON_IsNull(tr))
		FAIL("%s: call %s: missing \"transcript\"", where, id);
	if (!cJSON_IsArray(tr))
		FAIL("%s: call %s: \"transcript\" must be a list", where, id);
	if (!tr->child)
		FAIL("%s: call %s: empty transcript", where, id);
	const cJSON *e;
	int prev_start = -1;
	k = 0;
	cJSON_ArrayForEach(e, tr) {
		/* One pass over the entry's members instead of a lookup for each. */
		const char *spk = NULL;
		const cJSON *tv = NULL, *sv = NULL, *ev = NULL, *m;
		int start, end, party = -1;
		if (cJSON_IsObject(e)) {
			cJSON_ArrayForEach(m, e) {
				const char *key = m->string;
				if (!key)
					continue;
				if (!spk && !strcmp(key, "speaker"))
					spk = cJSON_IsString(m) ? m->valuestring : NULL;
				else if (!tv && !strcmp(key, "text"))
					tv = m;
				else if (!sv && !strcmp(key, "start_ms"))
					sv = m;
				else if (!ev && !strcmp(key, "end_ms"))
					ev = m;
			}
		}
#define AT entry_line(S, "transcript", k, at, sizeof(at))
		if (!cJSON_IsObject(e))
			FAIL("%s: call %s: transcript[%zu]%s must be an object", where, id, k, AT);
		if (!spk)
			FAIL("%s: call %s: transcript[%zu]%s: missing \"speaker\"", where, id, k, AT);
		for (size_t j = 0; j < b->c.n_parties && party < 0; j++)
			if (!strcmp(b->c.parties[j].ext_id, spk))
				party = (int)j;
		if (party < 0)
			FAIL("%s: call %s: transcript[%zu]%s: speaker \"%s\" is not in parties",
			     where, id, k, AT, spk);
		if (!cJSON_IsString(tv))
			FAIL("%s: call %s: transcript[%zu]%s: missing \"text\"", where, id, k, AT);
		if (!S->utf8_ok && !ingest_utf8_valid(tv->valuestring, strlen(tv->valuestring)))
			FAIL("%s: call %s: transcript[%zu]%s: invalid UTF-8 in \"text\"", where, id, k, AT);
		if (ms_field(sv, "start_ms", S, where, id, k, &start, err, errlen) < 0 ||
		    ms_field(ev, "end_ms", S, where, id, k, &end, err, errlen) < 0)
			return -1;
		if (end < start)
			FAIL("%s: call %s: transcript[%zu]%s: ends (%d ms) before it starts (%d ms)",
			     where, id, k, AT, end, start);
		if (start < prev_start)
			FAIL("%s: call %s: transcript[%zu]%s: starts at %d ms, before the previous "
			     "entry (%d ms): times must not go backwards", where, id, k, AT, start,
			     prev_start);
#undef AT
		prev_start = start;
		add_utt(b, party, start, end, tv->valuestring);
		k++;
	}
	/* A bad byte somewhere no field check looked (a key, a field not read). */
	if (!S->utf8_ok)
		FAIL("%s: call %s: invalid UTF-8 (line %d)", where, id, bad_utf8_line(S));
	check_audio(b, where, rep);
	return 0;
}

/* Where cJSON stopped, as a short excerpt for the message. */
static void near(const char *pos, const char *end, char *buf, size_t cap)
{
	size_t n = 0;
	while (pos < end && *pos && *pos != '\n' && *pos != '\r' && n + 1 < cap && n < 24)
		buf[n++] = *pos++;
	buf[n] = '\0';
}

/* "call ID: " when the id of a call cJSON could not parse can still be read, else "". */
static void id_of_broken(const char *obj, const char *end, char *buf, size_t cap)
{
	const char *v = jw_member(obj, end, "id");
	buf[0] = '\0';
	if (v && v < end && *v == '"') {
		const char *q = jw_string(v, end);
		if (q && q - v - 2 > 0 && q - v - 2 < 64 && !memchr(v + 1, '\\', (size_t)(q - v - 2)) &&
		    ingest_utf8_valid(v + 1, (size_t)(q - v - 2)))
			snprintf(buf, cap, "call %.*s: ", (int)(q - v - 2), v + 1);
	}
}

static int syntax_error(const char *file, const char *text, const char *obj, const char *at,
			const char *end, char *err, size_t errlen)
{
	char ex[32], who[96];
	/* Nothing but blanks from where cJSON stopped: the text was cut short. cJSON names
	 * the last character when it ran out of text; with a blank more it would stop past
	 * it then, and on that character when it is the mistake. */
	const char *rest = at;
	while (rest < end && isspace((unsigned char)*rest))
		rest++;
	int cut = rest >= end;
	/* a string still open when the text ends: cJSON names its start */
	if (!cut && at > obj && at < end && at[-1] == '"') {
		int open = 0, opened_at = 0;
		for (const char *c = obj; c < end; c++) {
			if (c == at)
				opened_at = open;
			if (*c == '\\' && open)
				c++;
			else if (*c == '"')
				open = !open;
		}
		cut = opened_at && open;
	}
	if (!cut && at == end - 1 && at > obj) {
		size_t n = (size_t)(end - obj);
		char *more = xmalloc(n + 1);
		memcpy(more, obj, n);
		more[n] = ' ';
		const char *stop = NULL;
		cJSON *o = cJSON_ParseWithLengthOpts(more, n + 1, &stop, 0);
		cut = !o && stop && stop >= more + n;
		cJSON_Delete(o);
		free(more);
	}
	/* cJSON may stop past the bad token, on the blank after it: name the token. */
	while (at > obj && at <= end && (at == end || isspace((unsigned char)*at)) &&
	       isspace((unsigned char)at[-1]))
		at--;
	if (at > obj && at < end && isspace((unsigned char)*at))
		at--;
	near(at, end, ex, sizeof(ex));
	id_of_broken(obj, at, who, sizeof(who));
	if (cut || at >= end || !*ex)
		return errf(err, errlen, "%s:%d: %sJSON syntax error: the text ends too soon", file,
			    line_of(text, at), who);
	return errf(err, errlen, "%s:%d: %sJSON syntax error near '%s'", file, line_of(text, at),
		    who, ex);
}

/* A JSON value that is not an object, in words: "the number 1", "a list of 2 items". */
static void value_words(const cJSON *o, char *buf, size_t cap)
{
	if (cJSON_IsNumber(o)) {
		snprintf(buf, cap, "the number %.15g", o->valuedouble);
	} else if (cJSON_IsString(o)) {
		const char *v = o->valuestring;
		size_t n = strlen(v), cut = n;
		if (n > 32) {
			cut = 31;
			while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
				cut--;	/* not inside a UTF-8 character */
		}
		snprintf(buf, cap, "the text \"%.*s%s\"", (int)cut, v, cut < n ? "…" : "");
	} else if (cJSON_IsArray(o)) {
		int n = cJSON_GetArraySize(o);
		snprintf(buf, cap, "a list of %d item%s", n, n == 1 ? "" : "s");
	} else if (cJSON_IsBool(o)) {
		snprintf(buf, cap, "%s", cJSON_IsTrue(o) ? "true" : "false");
	} else {
		snprintf(buf, cap, "null");
	}
}

/* Parses, checks and writes one call whose JSON text is S->obj .. S->end. */
static int import_value(store *st, const cJSON *o, struct src *S, struct build *b,
			struct ingest_report *rep, struct seen *seen, char *err, size_t errlen)
{
	char where[4096 + 32];
	snprintf(where, sizeof(where), "%s:%d", S->file, S->line);
	if (!cJSON_IsObject(o)) {
		char what[96], item[48] = "";
		value_words(o, what, sizeof(what));
		if (S->item)
			snprintf(item, sizeof(item), "item %d of the list: ", S->item);
		return errf(err, errlen, "%s: %sa call must be a JSON object ({\"id\": …, "
			    "\"transcript\": […]}), not %s", where, item, what);
	}
	S->utf8_ok = ingest_utf8_valid(S->obj, (size_t)(S->end - S->obj));
	int rc = parse_call(o, S, where, b, rep, err, errlen);
	if (rc == 0)
		rc = write_call(st, b, where, rep, seen, err, errlen);
	build_reset(b);
	return rc;
}

static int import_json(store *st, const char *file, struct ingest_report *rep,
		       struct seen *seen, char *err, size_t errlen)
{
	size_t len;
	char *text = read_file(file, &len, err, errlen);
	if (!text)
		return -1;
	const char *end = text + len, *p = text;
	struct build b = {0};
	struct src S = { .file = file, .text = text };
	int rc = -1, line = 1;
	const char *line_at = text;
	/* A byte order mark is allowed. */
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	p = jw_ws(p, end);
	int array = p < end && *p == '[';
	if (array)
		p = jw_ws(p + 1, end);
	/* An empty file holds no calls, as an empty list or an empty .jsonl does. */
	while (p < end) {
		if (array && *p == ']') {
			p++;
			array = 0;
			break;
		}
		const char *stop = NULL;
		cJSON *o = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), &stop, 0);
		if (!o) {
			syntax_error(file, text, p, stop ? stop : p, end, err, errlen);
			goto out;
		}
		/* Lines are counted from the last call on, not from the top each time. */
		line += line_of(line_at, p) - 1;
		line_at = p;
		S.obj = p;
		S.end = stop;
		S.line = line;
		S.item = array ? S.item + 1 : 0;
		int r = import_value(st, o, &S, &b, rep, seen, err, errlen);
		cJSON_Delete(o);
		if (r < 0)
			goto out;
		p = jw_ws(stop, end);
		if (!array || p >= end)
			break;
		if (*p == ',') {
			p = jw_ws(p + 1, end);
			continue;
		}
		if (*p == ']') {
			p++;
			array = 0;
			break;
		}
		errf(err, errlen, "%s:%d: JSON syntax error: expected ',' or ']' after the call",
		     file, line_of(text, p));
		goto out;
	}
	if (array) {
		errf(err, errlen, "%s:%d: JSON syntax error: the list of calls has no closing ']'",
		     file, line_of(text, end));
		goto out;
	}
	p = jw_ws(p, end);
	if (p < end) {
		errf(err, errlen, "%s:%d: unexpected text after the calls", file, line_of(text, p));
		goto out;
	}
	rc = 0;
out:
	build_free(&b);
	free(text);
	return rc;
}

static int import_jsonl(store *st, const char *file, struct ingest_report *rep,
			struct seen *seen, char *err, size_t errlen)
{
	size_t len;
	char *text = read_file(file, &len, err, errlen);
	if (!text)
		return -1;
	const char *p = text, *end = text + len;
	struct build b = {0};
	struct src S = { .file = file, .text = text };
	int line = 0, rc = 0;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		line++;
		const char *q = jw_ws(p, eol);
		if (q < eol) {
			const char *stop = NULL;
			cJSON *o = cJSON_ParseWithLengthOpts(q, (size_t)(eol - q), &stop, 0);
			const char *after = o ? jw_ws(stop, eol) : NULL;
			if (!o || after < eol) {
				const char *at = o ? after : stop ? stop : q;
				char ex[32], who[96];
				near(at, eol, ex, sizeof(ex));
				id_of_broken(q, at, who, sizeof(who));
				if (o)
					rc = errf(err, errlen, "%s:%d: %sunexpected text after the call: "
						  "'%s' (one call a line)", file, line, who, ex);
				else if (!*ex && at >= eol)
					rc = errf(err, errlen, "%s:%d: %sJSON syntax error: the line ends "
						  "too soon (one call a line)", file, line, who);
				else
					rc = syntax_error(file, text, q, at, eol, err, errlen);
				cJSON_Delete(o);
				break;
			}
			S.obj = q;
			S.end = stop;
			S.line = line;
			rc = import_value(st, o, &S, &b, rep, seen, err, errlen);
			cJSON_Delete(o);
		}
		p = eol + 1;
	}
	build_free(&b);
	free(text);
	return rc;
}

/* ------------------------------------------------------------------ WebVTT */

/* "hh:mm:ss.ttt" or "mm:ss.ttt" into ms; -1 when it is not a timestamp. */
static long vtt_time(const char *s, const char **after)
{
	long parts[3] = {0};
	int np = 0;
	const char *p = s;
	for (;;) {
		if (!isdigit((unsigned char)*p))
			return -1;
		long v = 0;
		while (isdigit((unsigned char)*p))
			v = v * 10 + (*p++ - '0');
		if (np == 3)
			return -1;
		parts[np++] = v;
		if (*p == ':')
			p++;
		else
			break;
	}
	if (*p != '.' && *p != ',')
		return -1;
	p++;
	long ms = 0;
	int digits = 0;
	while (isdigit((unsigned char)*p) && digits < 3)
		ms = ms * 10 + (*p++ - '0'), digits++;
	if (digits != 3 || np < 2)
		return -1;
	*after = p;
	long h = np == 3 ? parts[0] : 0, m = parts[np - 2], sec = parts[np - 1];
	if (m > 59 || sec > 59)
		return -1;
	return ((h * 60 + m) * 60 + sec) * 1000 + ms;
}

static int vtt_party(struct build *b, const char *name, const cJSON *side_info,
		     struct ingest_report *rep, const char *where)
{
	for (size_t j = 0; j < b->c.n_parties; j++)
		if (!strcmp(b->c.parties[j].name, name))
			return (int)j;
	int side = -1, channel = 0;
	const cJSON *p;
	cJSON_ArrayForEach(p, side_info) {
		const char *n = str_field(p, "name"), *aff = str_field(p, "affiliation");
		if (!n || strcmp(n, name))
			continue;
		if (aff)
			side = parse_side(aff);
		channel = party_channel(cJSON_GetObjectItemCaseSensitive(p, "channel"));
		if (channel < 0) {
			note(rep, xasprintf("%s: call %s: speaker \"%s\": warning: \"channel\" must be "
					    "\"left\", \"right\" or 1 to 8; all channels are played",
					    where, b->c.ext_id, name));
			channel = 0;
		}
	}
	if (side < 0) {
		side = STORE_CUSTOMER;
		note(rep, xasprintf("%s: call %s: speaker \"%s\" has no affiliation in a sidecar "
				    ".meta.json; taken as customer", where, b->c.ext_id, name));
	}
	char pid[32];
	snprintf(pid, sizeof(pid), "v%zu", b->c.n_parties + 1);
	int k = add_party(b, pid, name, side);
	b->c.parties[k].channel = channel;
	return k;
}

/* Removes markup from cue text: voice and class tags, timestamps, entities. */
static char *vtt_plain(const char *s, size_t n)
{
	struct sbuf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<') {
			const char *gt = memchr(s + i, '>', n - i);
			if (gt) {
				i = (size_t)(gt - s);
				continue;
			}
		}
		if (s[i] == '&') {
			static const struct { const char *e; char c; } ents[] = {
				{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&nbsp;", ' '},
				{"&quot;", '"'}, {"&apos;", '\''},
			};
			int done = 0;
			for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]) && !done; k++) {
				size_t el = strlen(ents[k].e);
				if (n - i >= el && !strncmp(s + i, ents[k].e, el)) {
					sbuf_addc(&b, ents[k].c);
					i += el - 1;
					done = 1;
				}
			}
			if (done)
				continue;
		}
		sbuf_addc(&b, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
	}
	return sbuf_take(&b);
}

/* The line at *p (its length without the line break in *n); *p moves past it. */
static const char *next_line(const char **p, const char *end, size_t *n)
{
	const char *l = *p, *nl = memchr(l, '\n', (size_t)(end - l));
	*n = nl ? (size_t)(nl - l) : (size_t)(end - l);
	*p = nl ? nl + 1 : end;
	if (*n && l[*n - 1] == '\r')
		(*n)--;
	return l;
}

static int import_vtt(store *st, const char *file, struct ingest_report *rep,
		      struct seen *seen, char *err, size_t errlen)
{
	size_t len;
	char *text = read_file(file, &len, err, errlen), *side = NULL;
	cJSON *meta = NULL;
	struct build b = {0};
	int rc = -1;
	char where[4096 + 32];
	if (!text)
		return -1;
	if (!ingest_utf8_valid(text, len)) {
		const char *q = text, *e = text + len, *base = strrchr(file, '/');
		size_t n;
		int line = 0;
		base = base ? base + 1 : file;
		while (q < e) {
			const char *l = next_line(&q, e, &n);
			line++;
			if (!ingest_utf8_valid(l, n))
				break;
		}
		errf(err, errlen, "%s:%d: call %.*s: invalid UTF-8", file, line,
		     (int)(strlen(base) - 4), base);
		goto out;
	}
	const char *p = text;
	if (len >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb)
		p += 3;
	if (strncmp(p, "WEBVTT", 6) != 0) {
		errf(err, errlen, "%s:1: not a WebVTT file (it must start with WEBVTT)", file);
		goto out;
	}

	/* The sidecar NAME.meta.json adds id, title, started, scope, meta, parties, audio. */
	const char *dot = strrchr(file, '.');
	side = xasprintf("%.*s.meta.json", dot ? (int)(dot - file) : (int)strlen(file), file);
	struct stat sb;
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	b.c.ext_id = own(&b, xstrndup(base, strlen(base) - 4));
	b.c.title = own(&b, xstrdup(b.c.ext_id));
	b.c.language = own(&b, xstrdup("en"));
	b.c.scope = STORE_SCOPE_EXTERNAL;
	if (stat(file, &sb) == 0)
		b.c.started_unix = (int64_t)sb.st_mtime;
	{
		char iso[32];
		time_t t = (time_t)b.c.started_unix;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		b.c.started = own(&b, xstrdup(iso));
	}
	const cJSON *sparties = NULL;
	if (stat(side, &sb) == 0) {
		size_t slen;
		char *stext = read_file(side, &slen, err, errlen);
		if (!stext)
			goto out;
		const char *stop = NULL;
		meta = cJSON_ParseWithLengthOpts(stext, slen, &stop, 0);
		if (!meta) {
			syntax_error(side, stext, stext, stop ? stop : stext, stext + slen, err, errlen);
			free(stext);
			goto out;
		}
		if (!cJSON_IsObject(meta)) {
			errf(err, errlen, "%s:1: call %s: the sidecar must be a JSON object", side,
			     b.c.ext_id);
			free(stext);
			goto out;
		}
		free(stext);
		const char *s;
		snprintf(where, sizeof(where), "%s:1", side);
		if (checked_str(meta, "id", where, b.c.ext_id, &s, 0, err, errlen) < 0)
			goto out;
		if (s && *s && id_problem(s)) {
			errf(err, errlen, "%s: call ?: \"id\" %s", where, id_problem(s));
			goto out;
		}
		if (s && *s)
			b.c.ext_id = own(&b, xstrdup(s));
		if (checked_str(meta, "title", where, b.c.ext_id, &s, 0, err, errlen) < 0)
			goto out;
		if (s)
			b.c.title = own(&b, xstrdup(s));
		if (checked_str(meta, "started", where, b.c.ext_id, &s, 0, err, errlen) < 0)
			goto out;
		if (s) {
			if (ingest_parse_time(s, &b.c.started_unix) < 0) {
				errf(err, errlen, "%s: call %s: \"started\" is not an ISO 8601 date-time",
				     where, b.c.ext_id);
				goto out;
			}
			b.c.started = own(&b, xstrdup(s));
		}
		if (checked_str(meta, "scope", where, b.c.ext_id, &s, 0, err, errlen) < 0)
			goto out;
		if (s && !strcmp(s, "internal"))
			b.c.scope = STORE_SCOPE_INTERNAL;
		else if (s && strcmp(s, "external")) {
			errf(err, errlen, "%s: call %s: \"scope\" must be external or internal", where,
			     b.c.ext_id);
			goto out;
		}
		if (checked_str(meta, "language", where, b.c.ext_id, &s, 0, err, errlen) < 0)
			goto out;
		if (s)
			b.c.language = own(&b, xstrdup(s));
		if (checked_str(meta, "audio", where, b.c.ext_id, &s, 0, err, errlen) < 0)
			goto out;
		if (s && *s)
			b.c.audio = own(&b, audio_path(side, s));
		const cJSON *m, *mo = cJSON_GetObjectItemCaseSensitive(meta, "meta");
		cJSON_ArrayForEach(m, mo)
			if (cJSON_IsString(m))
				add_meta(&b, m->string, m->valuestring);
		sparties = cJSON_GetObjectItemCaseSensitive(meta, "parties");
	}

	/* Cues: optional identifier line, timing line, text lines up to a blank line. */
	int line = 1;
	const char *end = text + len;
	size_t n;
	p = next_line(&p, end, &n) ? p : end;
	int last_party = -1;
	while (p < end) {
		const char *l = next_line(&p, end, &n);
		line++;
		const char *arrow = memmem(l, n, "-->", 3);
		if (!arrow) {
			if (!strncmp(l, "NOTE", 4) || !strncmp(l, "STYLE", 5) || !strncmp(l, "REGION", 6)) {
				/* the block goes on to a blank line */
				while (p < end) {
					next_line(&p, end, &n);
					line++;
					if (n == 0)
						break;
				}
			}
			continue;	/* a cue identifier, a header line or a blank */
		}
		snprintf(where, sizeof(where), "%s:%d", file, line);
		const char *after;
		const char *q = l;
		while (q < arrow && isspace((unsigned char)*q))
			q++;
		long start = vtt_time(q, &after);
		q = arrow + 3;
		while (q < l + n && isspace((unsigned char)*q))
			q++;
		long stop = start >= 0 ? vtt_time(q, &after) : -1;
		if (start < 0 || stop < 0) {
			errf(err, errlen, "%s: call %s: bad cue timing (want hh:mm:ss.ttt --> hh:mm:ss.ttt)",
			     where, b.c.ext_id);
			goto out;
		}
		if (stop < start) {
			errf(err, errlen, "%s: call %s: cue ends (%ld ms) before it starts (%ld ms)",
			     where, b.c.ext_id, stop, start);
			goto out;
		}
		if (b.n_utts && start < b.utts[b.n_utts - 1].start_ms) {
			errf(err, errlen, "%s: call %s: cue starts at %ld ms, before the previous cue "
			     "(%d ms): times must not go backwards", where, b.c.ext_id, start,
			     b.utts[b.n_utts - 1].start_ms);
			goto out;
		}
		/* The cue text, possibly several voices, up to a blank line. */
		struct sbuf cue = {0};
		while (p < end) {
			const char *t = next_line(&p, end, &n);
			line++;
			if (n == 0)
				break;
			if (cue.len)
				sbuf_addc(&cue, '\n');
			sbuf_addn(&cue, t, n);
		}
		/* Split the cue at each <v Name> into voiced pieces. */
		const char *c = cue.s ? cue.s : "";
		size_t clen = cue.len;
		struct { int party; char *text; } pieces[32];
		int np = 0;
		size_t i = 0;
		int cur = last_party;
		size_t piece_start = 0;
		while (i <= clen) {
			int at_voice = i < clen && !strncmp(c + i, "<v", 2) && (c[i + 2] == ' ' || c[i + 2] == '.');
			if (i == clen || at_voice) {
				char *plain = vtt_plain(c + piece_start, i - piece_start);
				char *t = plain;
				while (isspace((unsigned char)*t))
					t++;
				if (*t && np < 32) {
					if (cur < 0) {
						cur = vtt_party(&b, "Unknown speaker", sparties, rep, where);
					}
					pieces[np].party = cur;
					pieces[np].text = own(&b, xstrdup(t));
					np++;
				}
				free(plain);
				if (i == clen)
					break;
				const char *gt = memchr(c + i, '>', clen - i);
				if (!gt) {
					sbuf_free(&cue);
					errf(err, errlen, "%s: call %s: unclosed <v tag", where, b.c.ext_id);
					goto out;
				}
				const char *nm = c + i + 2;
				while (*nm != ' ' && nm < gt)
					nm++;	/* skip classes: <v.loud Name> */
				while (nm < gt && *nm == ' ')
					nm++;
				char *name = xstrndup(nm, (size_t)(gt - nm));
				cur = vtt_party(&b, *name ? name : "Unknown speaker", sparties, rep, where);
				free(name);
				i = (size_t)(gt - c) + 1;
				piece_start = i;
				continue;
			}
			i++;
		}
		last_party = cur;
		/* Share the cue's time between its pieces by length. */
		size_t total = 0;
		for (int k = 0; k < np; k++)
			total += strlen(pieces[k].text);
		long t0 = start;
		size_t done = 0;
		for (int k = 0; k < np; k++) {
			done += strlen(pieces[k].text);
			long t1 = start + (long)((double)(stop - start) * (double)done / (double)(total ? total : 1));
			add_utt(&b, pieces[k].party, (int)t0, (int)t1, pieces[k].text);
			t0 = t1;
		}
		sbuf_free(&cue);
	}
	snprintf(where, sizeof(where), "%s:1", file);
	if (b.n_utts == 0) {
		errf(err, errlen, "%s: call %s: empty transcript (no cues)", where, b.c.ext_id);
		goto out;
	}
	check_audio(&b, where, rep);
	rc = write_call(st, &b, where, rep, seen, err, errlen);
out:
	build_free(&b);
	cJSON_Delete(meta);
	free(side);
	free(text);
	return rc;
}

/* ------------------------------------------------------------------ entry */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

int ingest_files(store *st, const char *const *paths, size_t n, struct ingest_report *rep,
		 char *err, size_t errlen)
{
	struct seen seen = {0};
	memset(rep, 0, sizeof(*rep));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(paths[i], paths[j]))
				return errf(err, errlen, "%s: named twice; an import reads each file once",
					    paths[i]);
	for (size_t i = 0; i < n; i++) {
		const char *f = paths[i];
		int rc;
		if (ends_with(f, ".jsonl") || ends_with(f, ".ndjson"))
			rc = import_jsonl(st, f, rep, &seen, err, errlen);
		else if (ends_with(f, ".json"))
			rc = import_json(st, f, rep, &seen, err, errlen);
		else if (ends_with(f, ".vtt"))
			rc = import_vtt(st, f, rep, &seen, err, errlen);
		else
			rc = errf(err, errlen, "%s: unknown file type (want .json, .jsonl or .vtt)", f);
		if (rc < 0) {
			ingest_report_free(rep);	/* nothing of it was written */
			seen_free(&seen);
			return -1;
		}
	}
	seen_free(&seen);
	return 0;
}
