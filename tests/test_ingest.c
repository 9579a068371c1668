/* ingest: the sentence splitter, sentence times, and importing JSON, JSON Lines and
 * WebVTT, including every malformed call the importer must name by file and line. */
#include "ingest.h"

#include <errno.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "testhelp.h"
#include "xmalloc.h"

/* ------------------------------------------------------------------ helpers */


static const char *write_file(const char *name, const char *text)
{
	const char *p = test_tpath(name);
	FILE *f = fopen(p, "wb");
	if (!f) {
		perror(p);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	return p;
}

/* A fresh workspace in the temp dir. */
static store *open_ws(const char *name)
{
	char err[1024];
	store *st;
	const char *p = test_tpath(name);
	unlink(p);
	if (store_open(p, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	return st;
}

/* Imports one file in its own transaction, committing on success and rolling back on
 * failure, as `tracker import` does. */
static int import1(store *st, const char *path, struct ingest_report *rep, char *err, size_t n)
{
	const char *paths[] = {path};
	char e2[256];
	if (store_begin(st, err, n) < 0)
		return -1;
	if (ingest_files(st, paths, 1, rep, err, n) < 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, e2, sizeof(e2));
}

static int64_t count_calls(store *st)
{
	struct store_summary s;
	char err[256];
	if (store_summary_get(st, &s, err, sizeof(err)) < 0)
		return -1;
	return s.calls;
}

static int64_t count_sentences(store *st)
{
	struct store_summary s;
	char err[256];
	if (store_summary_get(st, &s, err, sizeof(err)) < 0)
		return -1;
	return s.sentences;
}

/* Splits text and returns the sentences joined by " | ". */
static char *split_str(const char *text)
{
	struct ingest_span *sp;
	size_t n = ingest_split(text, strlen(text), &sp);
	struct sbuf b = {0};
	sbuf_add(&b, "");
	for (size_t i = 0; i < n; i++)
		sbuf_printf(&b, "%s%.*s", i ? " | " : "", (int)(sp[i].end - sp[i].start),
			    text + sp[i].start);
	free(sp);
	return sbuf_take(&b);
}

#define CHECK_SPLIT(text, want) do { char *got_ = split_str(text); CHECK_STR(got_, want); \
	free(got_); } while (0)

/* The 1-based line of the first occurrence of marker in text, 0 if none. */
static int line_of(const char *text, const char *marker)
{
	const char *m = strstr(text, marker);
	int line = 1;
	if (!m)
		return 0;
	for (const char *p = text; p < m; p++)
		line += *p == '\n';
	return line;
}

static int contains(const char *s, const char *part)
{
	return s && strstr(s, part) != NULL;
}

#define CHECK_HAS(s, part) CHECK_MSG(contains((s), (part)), "\"%s\" does not contain \"%s\"", \
	(s), (part))

/* One call as a line of JSON. transcript is the inside of the transcript array. */
static char *call_line(const char *id, const char *transcript)
{
	return xasprintf("{\"id\": \"%s\", \"title\": \"Call %s\", \"started\": \"2026-03-02T15:00:00Z\","
			 " \"scope\": \"external\", \"meta\": {\"team\": \"East\", \"deal_stage\": \"Discovery\"},"
			 " \"parties\": [{\"id\": \"p1\", \"name\": \"Dana Reyes\", \"affiliation\": \"company\"},"
			 " {\"id\": \"p2\", \"name\": \"Lee Park\", \"affiliation\": \"customer\"}],"
			 " \"transcript\": [%s]}", id, id, transcript);
}

#define GOOD_TR "{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 4000, \"text\": \"Thanks for joining. Shall we start?\"}," \
	" {\"speaker\": \"p2\", \"start_ms\": 4200, \"end_ms\": 6000, \"text\": \"Sure, go ahead.\"}"

/* ------------------------------------------------------------------ splitter */

static void test_split(void)
{
	TEST("split: titles (Mr., Mrs., Dr.) do not end a sentence");
	CHECK_SPLIT("Mr. Smith is here. Dr. Reyes joined too.", "Mr. Smith is here. | Dr. Reyes joined too.");
	CHECK_SPLIT("Mr. and Mrs. Smith came by.", "Mr. and Mrs. Smith came by.");

	TEST("split: e.g. and i.e. do not end a sentence, even before a capital");
	CHECK_SPLIT("Use a CRM, e.g. Salesforce. It works.", "Use a CRM, e.g. Salesforce. | It works.");
	CHECK_SPLIT("The big one, i.e. the enterprise plan. Yes.", "The big one, i.e. the enterprise plan. | Yes.");

	TEST("split: U.S. ends a sentence only before a word that starts one");
	CHECK_SPLIT("We sell in the U.S. and Canada. It works.", "We sell in the U.S. and Canada. | It works.");
	CHECK_SPLIT("We moved to the U.S. Then we grew.", "We moved to the U.S. | Then we grew.");
	CHECK_SPLIT("The U.S. Army buys it.", "The U.S. Army buys it.");
	CHECK_SPLIT("He's from the U.K. We're from France.", "He's from the U.K. | We're from France.");

	TEST("split: an initial does not end a sentence");
	CHECK_SPLIT("Talk to J. Smith about it.", "Talk to J. Smith about it.");
	CHECK_SPLIT("I'll take option A. Then we talk.", "I'll take option A. | Then we talk.");

	TEST("split: decimals, prices and percentages stay whole");
	CHECK_SPLIT("It costs $1.5k a month. That's 2.5% more.", "It costs $1.5k a month. | That's 2.5% more.");
	CHECK_SPLIT("The deal is worth $2.5M. Signed.", "The deal is worth $2.5M. | Signed.");
	CHECK_SPLIT("We grew 12.5 percent. Nice.", "We grew 12.5 percent. | Nice.");
	CHECK_SPLIT("It was 50%. Then 60%.", "It was 50%. | Then 60%.");

	TEST("split: domain names and version numbers stay whole");
	CHECK_SPLIT("Visit acme.com for details. Thanks.", "Visit acme.com for details. | Thanks.");
	CHECK_SPLIT("Version 2.0 is out. Good.", "Version 2.0 is out. | Good.");

	TEST("split: an ellipsis ends a sentence before a capital, not before a small letter");
	CHECK_SPLIT("Well... I don't know. Maybe.", "Well... | I don't know. | Maybe.");
	CHECK_SPLIT("So, um... yeah, that works.", "So, um... yeah, that works.");

	TEST("split: the unicode ellipsis counts as one");
	CHECK_SPLIT("Hmm\xe2\x80\xa6 I see. Right.", "Hmm\xe2\x80\xa6 | I see. | Right.");
	CHECK_SPLIT("Hmm\xe2\x80\xa6 right.", "Hmm\xe2\x80\xa6 right.");

	TEST("split: runs of ? and ! end one sentence");
	CHECK_SPLIT("Really?! Yes!! Wow?!?! OK.", "Really?! | Yes!! | Wow?!?! | OK.");
	CHECK_SPLIT("Wait... What?", "Wait... | What?");

	TEST("split: a missing final full stop keeps the last sentence");
	CHECK_SPLIT("no final punctuation here", "no final punctuation here");
	CHECK_SPLIT("First one. and then the rest", "First one. and then the rest");
	CHECK_SPLIT("Okay. Let's see", "Okay. | Let's see");

	TEST("split: closing quotes and brackets stay with their sentence");
	CHECK_SPLIT("He said \"stop.\" Then he left.", "He said \"stop.\" | Then he left.");
	CHECK_SPLIT("(That was great.) Next.", "(That was great.) | Next.");
	CHECK_SPLIT("She said \xe2\x80\x9cyes.\xe2\x80\x9d We signed.",
		    "She said \xe2\x80\x9cyes.\xe2\x80\x9d | We signed.");

	TEST("split: a quoted exclamation inside a sentence does not end it");
	CHECK_SPLIT("She said 'no way!' and left.", "She said 'no way!' and left.");

	TEST("split: 'No.' as an answer ends a sentence");
	CHECK_SPLIT("Yes. No. Maybe.", "Yes. | No. | Maybe.");
	CHECK_SPLIT("Our sales rep. He called.", "Our sales rep. | He called.");

	TEST("split: blank text has no sentences");
	{
		struct ingest_span *sp;
		CHECK_INT(ingest_split("", 0, &sp), 0);
		free(sp);
		CHECK_INT(ingest_split("  \t\n ", 5, &sp), 0);
		free(sp);
	}

	TEST("split: spans are trimmed and point into the text");
	{
		const char *t = "  Hello there.   How are you?  ";
		struct ingest_span *sp;
		size_t n = ingest_split(t, strlen(t), &sp);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_INT(sp[0].start, 2);
			CHECK_INT(sp[0].end, 14);
			CHECK_INT(sp[1].start, 17);
			CHECK_INT(sp[1].end, 29);
		}
		free(sp);
	}

	TEST("split: only the given length is read");
	{
		const char *t = "One. Two. Three.";
		struct ingest_span *sp;
		CHECK_INT(ingest_split(t, 9, &sp), 2);
		free(sp);
	}
}

/* ------------------------------------------------------------------ sentence times */

static void test_times(void)
{
	TEST("sentences: times are interpolated by character position");
	{
		/* 25 characters over 10 s: "Hello there." is characters 0-12, "How are you?" 13-25. */
		struct ingest_utt u = {.party = 1, .start_ms = 1000, .end_ms = 11000,
				       .text = "Hello there. How are you?"};
		struct store_sentence_in *s;
		size_t n;
		ingest_sentences_from_utts(&u, 1, &s, &n);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_STR(s[0].text, "Hello there.");
			CHECK_INT(s[0].start_ms, 1000);
			CHECK_INT(s[0].end_ms, 1000 + 10000 * 12 / 25);
			CHECK_STR(s[1].text, "How are you?");
			CHECK_INT(s[1].start_ms, 1000 + 10000 * 13 / 25);
			CHECK_INT(s[1].end_ms, 11000);
			CHECK(s[0].end_ms <= s[1].start_ms);
		}
		ingest_sentences_free(s, n);
	}

	TEST("sentences: a multi-byte character counts once");
	{
		/* "Café ok. Ja." is 12 characters (13 bytes); "Ja." starts at character 9. */
		struct ingest_utt u = {.party = 0, .start_ms = 0, .end_ms = 1200,
				       .text = "Caf\xc3\xa9 ok. Ja."};
		struct store_sentence_in *s;
		size_t n;
		ingest_sentences_from_utts(&u, 1, &s, &n);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_INT(s[0].end_ms, 800);
			CHECK_INT(s[1].start_ms, 900);
			CHECK_INT(s[1].end_ms, 1200);
		}
		ingest_sentences_free(s, n);
	}

	TEST("sentences: each keeps its speaker and utterance, in order");
	{
		struct ingest_utt u[3] = {
			{.party = 0, .start_ms = 0, .end_ms = 2000, .text = "Hi. Welcome."},
			{.party = 1, .start_ms = 2000, .end_ms = 3000, .text = "   "},
			{.party = 1, .start_ms = 3000, .end_ms = 5000, .text = "Thanks! Glad to be here"},
		};
		struct store_sentence_in *s;
		size_t n;
		ingest_sentences_from_utts(u, 3, &s, &n);
		CHECK_INT(n, 4);
		if (n == 4) {
			CHECK_INT(s[0].party, 0);
			CHECK_INT(s[0].utt, 0);
			CHECK_INT(s[1].utt, 0);
			CHECK_INT(s[2].party, 1);
			CHECK_INT(s[2].utt, 2);
			CHECK_STR(s[3].text, "Glad to be here");
			CHECK_INT(s[3].end_ms, 5000);
			for (size_t i = 1; i < n; i++)
				CHECK(s[i].start_ms >= s[i - 1].start_ms);
		}
		ingest_sentences_free(s, n);
	}

	TEST("sentences: a zero-length utterance gives zero-length sentences");
	{
		struct ingest_utt u = {.party = 0, .start_ms = 500, .end_ms = 500, .text = "One. Two."};
		struct store_sentence_in *s;
		size_t n;
		ingest_sentences_from_utts(&u, 1, &s, &n);
		CHECK_INT(n, 2);
		for (size_t i = 0; i < n; i++) {
			CHECK_INT(s[i].start_ms, 500);
			CHECK_INT(s[i].end_ms, 500);
		}
		ingest_sentences_free(s, n);
	}
}

/* ------------------------------------------------------------------ small parsers */

static void test_parsers(void)
{
	int64_t t;
	TEST("time: ISO 8601 with Z, offsets, fractions and a bare date");
	CHECK_INT(ingest_parse_time("2026-03-02T15:00:00Z", &t), 0);
	CHECK_INT(t, 1772463600);
	CHECK_INT(ingest_parse_time("2026-03-02T16:00:00+01:00", &t), 0);
	CHECK_INT(t, 1772463600);
	CHECK_INT(ingest_parse_time("2026-03-02T10:00:00-0500", &t), 0);
	CHECK_INT(t, 1772463600);
	CHECK_INT(ingest_parse_time("2026-03-02T15:00:00.250Z", &t), 0);
	CHECK_INT(t, 1772463600);
	CHECK_INT(ingest_parse_time("2026-03-02 15:00", &t), 0);
	CHECK_INT(t, 1772463600);
	CHECK_INT(ingest_parse_time("2026-03-02", &t), 0);
	CHECK_INT(t, 1772409600);

	TEST("time: anything else is refused");
	CHECK_INT(ingest_parse_time("yesterday", &t), -1);
	CHECK_INT(ingest_parse_time("2026-13-02T15:00:00Z", &t), -1);
	CHECK_INT(ingest_parse_time("2026-03-02T25:00:00Z", &t), -1);
	CHECK_INT(ingest_parse_time("2026-03-02T15:00:00Zjunk", &t), -1);
	CHECK_INT(ingest_parse_time("", &t), -1);
	CHECK_INT(ingest_parse_time(NULL, &t), -1);

	TEST("time: a day the month does not have is refused, 29 February of a leap year is not");
	CHECK_INT(ingest_parse_time("2026-02-30T00:00:00Z", &t), -1);
	CHECK_INT(ingest_parse_time("2026-04-31", &t), -1);
	CHECK_INT(ingest_parse_time("2026-02-29", &t), -1);
	CHECK_INT(ingest_parse_time("2100-02-29", &t), -1);
	CHECK_INT(ingest_parse_time("2028-02-29T12:00:00Z", &t), 0);
	CHECK_INT(t, 1835438400);
	CHECK_INT(ingest_parse_time("2000-02-29", &t), 0);
	CHECK_INT(ingest_parse_time("2026-12-31T23:59:59Z", &t), 0);

	TEST("utf8: valid text passes");
	CHECK(ingest_utf8_valid("plain", 5));
	CHECK(ingest_utf8_valid("caf\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x98\x80", 14));
	CHECK(ingest_utf8_valid("", 0));

	TEST("utf8: overlongs, surrogates, stray and truncated bytes fail");
	CHECK(!ingest_utf8_valid("\xc0\xaf", 2));
	CHECK(!ingest_utf8_valid("\xe0\x80\xaf", 3));
	CHECK(!ingest_utf8_valid("\xed\xa0\x80", 3));
	CHECK(!ingest_utf8_valid("\xf4\x90\x80\x80", 4));
	CHECK(!ingest_utf8_valid("\xff", 1));
	CHECK(!ingest_utf8_valid("ab\x80", 3));
	CHECK(!ingest_utf8_valid("caf\xc3", 4));
}

/* ------------------------------------------------------------------ importing good files */

static void test_import_json(void)
{
	char err[2048];
	struct ingest_report rep;
	store *st = open_ws("json.db");

	TEST("import json: one call with its metadata, parties and sentence times");
	{
		char *c = call_line("call-0001", GOOD_TR);
		const char *p = write_file("one.json", c);
		free(c);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), 0);
		CHECK_INT(rep.calls, 1);
		CHECK_INT(rep.sentences, 3);
		CHECK_INT(rep.replaced, 0);
		CHECK_INT(rep.n_call_ids, 1);
		ingest_report_free(&rep);
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "call-0001", &k, err, sizeof(err)), 0);
		if (k) {
			CHECK_STR(k->title, "Call call-0001");
			CHECK_STR(k->started, "2026-03-02T15:00:00Z");
			CHECK_INT(k->started_unix, 1772463600);
			CHECK_INT(k->scope, STORE_SCOPE_EXTERNAL);
			CHECK_STR(k->language, "en");
			CHECK_INT(k->duration_ms, 6000);
			CHECK_INT(k->n_meta, 2);
			if (k->n_meta == 2) {
				CHECK_STR(k->meta[0].key, "deal_stage");
				CHECK_STR(k->meta[1].value, "East");
			}
			CHECK_INT(k->n_parties, 2);
			if (k->n_parties == 2) {
				CHECK_STR(k->party_names[0], "Dana Reyes");
				CHECK_INT(k->party_sides[1], STORE_CUSTOMER);
			}
			CHECK(k->audio == NULL);
			struct store_sentence *s;
			size_t n;
			CHECK_INT(store_call_sentences(st, k->id, &s, &n, err, sizeof(err)), 0);
			CHECK_INT(n, 3);
			if (n == 3) {
				CHECK_STR(s[0].text, "Thanks for joining.");
				CHECK_STR(s[0].speaker, "Dana Reyes");
				CHECK_INT(s[0].side, STORE_COMPANY);
				CHECK_INT(s[0].start_ms, 0);
				CHECK_STR(s[1].text, "Shall we start?");
				CHECK_INT(s[1].end_ms, 4000);
				CHECK_STR(s[2].speaker, "Lee Park");
				CHECK_INT(s[2].side, STORE_CUSTOMER);
				CHECK_INT(s[2].start_ms, 4200);
				CHECK_INT(s[2].utt, 1);
			}
			store_sentences_free(s, n);
		}
		store_calls_free(k, k ? 1 : 0);
	}

	TEST("import json: an array of calls, pretty-printed");
	{
		char *a = call_line("arr-1", GOOD_TR), *b = call_line("arr-2", GOOD_TR);
		char *text = xasprintf("[\n  %s,\n\n  %s\n]\n", a, b);
		const char *p = write_file("array.json", text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), 0);
		CHECK_INT(rep.calls, 2);
		CHECK_INT(rep.sentences, 6);
		ingest_report_free(&rep);
		CHECK_INT(count_calls(st), 3);
		free(a);
		free(b);
		free(text);
	}

	TEST("import json: an empty array imports nothing");
	{
		const char *p = write_file("empty-array.json", "[ ]\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), 0);
		CHECK_INT(rep.calls, 0);
		ingest_report_free(&rep);
	}

	TEST("import jsonl: one call a line, blank lines skipped");
	{
		char *a = call_line("l-1", GOOD_TR), *b = call_line("l-2", GOOD_TR);
		char *text = xasprintf("%s\n\n%s\r\n   \n", a, b);
		const char *p = write_file("calls.jsonl", text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), 0);
		CHECK_INT(rep.calls, 2);
		ingest_report_free(&rep);
		CHECK_INT(count_calls(st), 5);
		free(a);
		free(b);
		free(text);
	}

	TEST("import json: numbers and booleans in meta become text; language and scope kept");
	{
		const char *p = write_file("meta.json",
			"{\"id\": 42, \"started\": \"2026-01-05\", \"scope\": \"internal\", \"language\": \"de\","
			" \"meta\": {\"seats\": 120, \"renewal\": true},"
			" \"parties\": [{\"id\": \"a\", \"affiliation\": \"company\"}],"
			" \"transcript\": [{\"speaker\": \"a\", \"start_ms\": 0, \"end_ms\": 900, \"text\": \"Hallo.\"}]}");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), 0);
		ingest_report_free(&rep);
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "42", &k, err, sizeof(err)), 0);
		if (k) {
			CHECK_INT(k->scope, STORE_SCOPE_INTERNAL);
			CHECK_STR(k->language, "de");
			CHECK_STR(k->title, "");
			CHECK_INT(k->n_meta, 2);
			if (k->n_meta == 2) {
				CHECK_STR(k->meta[0].key, "renewal");
				CHECK_STR(k->meta[0].value, "true");
				CHECK_STR(k->meta[1].value, "120");
			}
			CHECK_INT(k->n_parties, 1);
			if (k->n_parties == 1)
				CHECK_STR(k->party_names[0], "a");	/* no name: the id */
		}
		store_calls_free(k, k ? 1 : 0);
	}

	TEST("import: re-importing a call replaces it and says so");
	{
		int64_t before = count_sentences(st);
		char *c = call_line("call-0001",
			"{\"speaker\": \"p2\", \"start_ms\": 0, \"end_ms\": 1000, \"text\": \"Only this now.\"}");
		const char *p = write_file("again.jsonl", c);
		free(c);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), 0);
		CHECK_INT(rep.calls, 1);
		CHECK_INT(rep.replaced, 1);
		CHECK_INT(rep.n_notes, 1);
		if (rep.n_notes == 1) {
			CHECK_HAS(rep.notes[0], "again.jsonl:1: call call-0001: ");
			CHECK_HAS(rep.notes[0], "replaced");
		}
		ingest_report_free(&rep);
		CHECK_INT(count_calls(st), 6);
		CHECK_INT(count_sentences(st), before - 3 + 1);
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "call-0001", &k, err, sizeof(err)), 0);
		if (k) {
			CHECK_INT(k->n_sentences, 1);
			CHECK_INT(k->n_parties, 2);
		}
		store_calls_free(k, k ? 1 : 0);
	}

	TEST("import: several files in one go, in order");
	{
		char *a = call_line("m-1", GOOD_TR), *b = call_line("m-2", GOOD_TR);
		const char *pa = write_file("m1.json", a);
		char pa_copy[4200];
		snprintf(pa_copy, sizeof(pa_copy), "%s", pa);
		const char *pb = write_file("m2.jsonl", b);
		const char *paths[] = {pa_copy, pb};
		CHECK_INT(store_begin(st, err, sizeof(err)), 0);
		CHECK_INT(ingest_files(st, paths, 2, &rep, err, sizeof(err)), 0);
		CHECK_INT(store_commit(st, err, sizeof(err)), 0);
		CHECK_INT(rep.calls, 2);
		CHECK_INT(rep.n_call_ids, 2);
		if (rep.n_call_ids == 2)
			CHECK(rep.call_ids[0] < rep.call_ids[1]);
		ingest_report_free(&rep);
		free(a);
		free(b);
	}

	TEST("import: a party's channel of a stereo recording is kept with its sentences");
	{
		const char *text = "{\"id\": \"ch-1\", \"started\": \"2026-03-02T15:00:00Z\","
			" \"parties\": [{\"id\": \"p1\", \"name\": \"Dana\", \"affiliation\": \"company\","
			" \"channel\": \"left\"}, {\"id\": \"p2\", \"name\": \"Lee\", \"affiliation\":"
			" \"customer\", \"channel\": 2}, {\"id\": \"p3\", \"name\": \"Sam\", \"affiliation\":"
			" \"customer\"}], \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 900,"
			" \"text\": \"Hello.\"}, {\"speaker\": \"p2\", \"start_ms\": 1000, \"end_ms\": 1900,"
			" \"text\": \"Hi.\"}, {\"speaker\": \"p3\", \"start_ms\": 2000, \"end_ms\": 2900,"
			" \"text\": \"Hey.\"}]}\n";
		const char *p = write_file("channel.jsonl", text);
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		ingest_report_free(&rep);
		struct store_call *c = NULL;
		struct store_sentence *ss = NULL;
		size_t ns = 0;
		if (store_call_get(st, "ch-1", &c, err, sizeof(err)) == 0 &&
		    store_call_sentences(st, c->id, &ss, &ns, err, sizeof(err)) == 0 && ns == 3) {
			CHECK_INT(ss[0].channel, 1);
			CHECK_INT(ss[1].channel, 2);
			CHECK_INT(ss[2].channel, 0);
		} else {
			CHECK_MSG(0, "call ch-1 with 3 sentences: %s", err);
		}
		store_sentences_free(ss, ns);
		store_calls_free(c, c ? 1 : 0);
	}

	TEST("import: a channel that is not left, right or 1 to 8 names the party and line");
	{
		const char *text = "{\"id\": \"ch-2\", \"started\": \"2026-03-02T15:00:00Z\","
			" \"parties\": [{\"id\": \"p1\", \"name\": \"Dana\", \"affiliation\": \"company\","
			" \"channel\": \"middle\"}], \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0,"
			" \"end_ms\": 900, \"text\": \"Hello.\"}]}\n";
		const char *p = write_file("channel-bad.jsonl", text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_MSG(contains(err, "channel-bad.jsonl:1: call ch-2: party p1") && contains(err, "channel"),
			  "%s", err);
		ingest_report_free(&rep);
	}

	TEST("import: a byte order mark at the start is allowed");
	{
		char *c = call_line("bom-1", GOOD_TR);
		char *text = xasprintf("\xef\xbb\xbf%s\n", c);
		const char *p = write_file("bom.jsonl", text);
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		ingest_report_free(&rep);
		p = write_file("bom.json", text);
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		ingest_report_free(&rep);
		free(c);
		free(text);
	}
	store_close(st);
}

/* ------------------------------------------------------------------ recordings */

/* Writes a silent mono WAV of ms milliseconds. */
static const char *write_wav(const char *name, int ms)
{
	const char *p = test_tpath(name);
	SF_INFO info = {.samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
	SNDFILE *f = sf_open(p, SFM_WRITE, &info);
	if (!f) {
		fprintf(stderr, "%s: %s\n", p, sf_strerror(NULL));
		exit(2);
	}
	short *zero = xcalloc((size_t)ms * 8, sizeof(short));
	sf_write_short(f, zero, (sf_count_t)ms * 8);
	sf_close(f);
	free(zero);
	return p;
}

static char *call_with_audio(const char *id, const char *audio)
{
	return xasprintf("{\"id\": \"%s\", \"started\": \"2026-03-02T15:00:00Z\", \"audio\": \"%s\","
			 " \"parties\": [{\"id\": \"p1\", \"name\": \"Dana\", \"affiliation\": \"company\"}],"
			 " \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 1500,"
			 " \"text\": \"Hello.\"}]}\n", id, audio);
}

static void test_import_audio(void)
{
	char err[2048];
	struct ingest_report rep;
	store *st = open_ws("audio.db");
	mkdir(test_tpath("rec"), 0755);

	TEST("import: a missing recording is a note, not a failure");
	{
		char *c = call_with_audio("a-missing", "rec/nowhere.ogg");
		const char *p = write_file("missing-audio.jsonl", c);
		free(c);
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		CHECK_INT(rep.calls, 1);
		CHECK_INT(rep.n_notes, 1);
		if (rep.n_notes) {
			CHECK_HAS(rep.notes[0], "missing-audio.jsonl:1: call a-missing: warning: ");
			CHECK_HAS(rep.notes[0], "nowhere.ogg");
		}
		ingest_report_free(&rep);
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "a-missing", &k, err, sizeof(err)), 0);
		if (k) {
			CHECK_INT(k->audio_ok, 0);
			CHECK(k->audio && strstr(k->audio, "/rec/nowhere.ogg"));
		}
		store_calls_free(k, k ? 1 : 0);
	}

	TEST("import: an unreadable recording is a note, not a failure");
	{
		write_file("rec/garbage.wav", "this is not a recording\n");
		char *c = call_with_audio("a-garbage", "rec/garbage.wav");
		const char *p = write_file("garbage-audio.jsonl", c);
		free(c);
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		CHECK_INT(rep.calls, 1);
		CHECK_INT(rep.n_notes, 1);
		if (rep.n_notes)
			CHECK_HAS(rep.notes[0], "warning");
		ingest_report_free(&rep);
	}

	TEST("import: a usable recording, relative to the file, is checked and kept");
	{
		write_wav("rec/good.wav", 2000);
		char *c = call_with_audio("a-good", "rec/good.wav");
		const char *p = write_file("good-audio.jsonl", c);
		free(c);
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		CHECK_INT(rep.n_notes, 0);
		ingest_report_free(&rep);
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "a-good", &k, err, sizeof(err)), 0);
		if (k) {
			CHECK_INT(k->audio_ok, 1);
			CHECK_INT(k->audio_ms, 2000);
			CHECK_INT(k->duration_ms, 2000);
			CHECK_STR(k->audio, test_tpath("rec/good.wav"));
		}
		store_calls_free(k, k ? 1 : 0);
	}

	TEST("import: a recording shorter than the transcript is a note");
	{
		write_wav("rec/short.wav", 100);
		char *c = xasprintf("{\"id\": \"a-short\", \"started\": \"2026-03-02\", \"audio\": \"rec/short.wav\","
				    " \"parties\": [{\"id\": \"p1\", \"affiliation\": \"company\"}],"
				    " \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 60000,"
				    " \"text\": \"A long talk.\"}]}");
		const char *p = write_file("short-audio.json", c);
		free(c);
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		CHECK_INT(rep.n_notes, 1);
		if (rep.n_notes)
			CHECK_HAS(rep.notes[0], "call a-short: warning: recording is 0.1 s long");
		ingest_report_free(&rep);
	}
	store_close(st);
}

/* ------------------------------------------------------------------ WebVTT */

static void test_import_vtt(void)
{
	char err[2048];
	struct ingest_report rep;
	store *st = open_ws("vtt.db");

	TEST("import vtt: voices become parties and a sidecar NAME.meta.json adds the rest");
	{
		write_file("meeting.meta.json",
			"{\"id\": \"vtt-1\", \"title\": \"Globex discovery\", \"started\": \"2026-02-01T10:00:00Z\","
			" \"scope\": \"external\", \"meta\": {\"team\": \"West\"},"
			" \"parties\": [{\"name\": \"Dana Reyes\", \"affiliation\": \"company\"},"
			" {\"name\": \"Lee Park\", \"affiliation\": \"customer\"}]}");
		const char *p = write_file("meeting.vtt",
			"WEBVTT\n"
			"\n"
			"NOTE exported by a meeting tool\n"
			"this block is skipped\n"
			"\n"
			"1\n"
			"00:00:00.000 --> 00:00:04.000\n"
			"<v Dana Reyes>Thanks for joining. Shall we start?</v>\n"
			"\n"
			"2\n"
			"00:00:04.500 --> 00:00:06.000\n"
			"<v Lee Park>Sure &amp; thanks.\n"
			"\n"
			"00:01:00.000 --> 00:01:02.000\n"
			"<v.loud Dana Reyes>Great.\n");
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		CHECK_INT(rep.calls, 1);
		CHECK_INT(rep.sentences, 4);
		CHECK_INT(rep.n_notes, 0);
		ingest_report_free(&rep);
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "vtt-1", &k, err, sizeof(err)), 0);
		if (k) {
			CHECK_STR(k->title, "Globex discovery");
			CHECK_INT(k->started_unix, 1769940000);
			CHECK_INT(k->n_parties, 2);
			if (k->n_parties == 2) {
				CHECK_STR(k->party_names[0], "Dana Reyes");
				CHECK_INT(k->party_sides[0], STORE_COMPANY);
				CHECK_STR(k->party_names[1], "Lee Park");
				CHECK_INT(k->party_sides[1], STORE_CUSTOMER);
			}
			CHECK_INT(k->n_meta, 1);
			CHECK_INT(k->duration_ms, 62000);
			struct store_sentence *s;
			size_t n;
			CHECK_INT(store_call_sentences(st, k->id, &s, &n, err, sizeof(err)), 0);
			CHECK_INT(n, 4);
			if (n == 4) {
				CHECK_STR(s[0].text, "Thanks for joining.");
				CHECK_INT(s[0].start_ms, 0);
				CHECK_STR(s[2].text, "Sure & thanks.");
				CHECK_STR(s[2].speaker, "Lee Park");
				CHECK_INT(s[2].start_ms, 4500);
				CHECK_INT(s[2].end_ms, 6000);
				CHECK_STR(s[3].speaker, "Dana Reyes");
				CHECK_INT(s[3].start_ms, 60000);
			}
			store_sentences_free(s, n);
		}
		store_calls_free(k, k ? 1 : 0);
	}

	TEST("import vtt: without a sidecar the file name is the id and speakers are customers, noted");
	{
		const char *p = write_file("standup.vtt",
			"WEBVTT\r\n\r\n00:00.000 --> 00:02.000\r\n<v Ann>Hello all.\r\n\r\n"
			"00:02.000 --> 00:03.000\r\nStill Ann here.\r\n");
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		CHECK_INT(rep.calls, 1);
		CHECK_INT(rep.n_notes, 1);
		if (rep.n_notes)
			CHECK_HAS(rep.notes[0], "speaker \"Ann\" has no affiliation");
		ingest_report_free(&rep);
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "standup", &k, err, sizeof(err)), 0);
		if (k) {
			CHECK_INT(k->n_parties, 1);
			CHECK_INT(k->n_sentences, 2);
			if (k->n_parties)
				CHECK_INT(k->party_sides[0], STORE_CUSTOMER);
		}
		store_calls_free(k, k ? 1 : 0);
	}

	TEST("import vtt: several voices in one cue share its time by their length");
	{
		const char *p = write_file("two.vtt",
			"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v A>Yes.<v B>No!\n");
		CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s", err);
		ingest_report_free(&rep);
		struct store_call *k = NULL;
		CHECK_INT(store_call_get(st, "two", &k, err, sizeof(err)), 0);
		if (k) {
			struct store_sentence *s;
			size_t n;
			CHECK_INT(store_call_sentences(st, k->id, &s, &n, err, sizeof(err)), 0);
			CHECK_INT(n, 2);
			if (n == 2) {
				/* "Yes." is 4 characters of 7 */
				CHECK_STR(s[0].speaker, "A");
				CHECK_INT(s[0].end_ms, 2000 * 4 / 7);
				CHECK_STR(s[1].speaker, "B");
				CHECK_INT(s[1].start_ms, 2000 * 4 / 7);
				CHECK_INT(s[1].end_ms, 2000);
			}
			store_sentences_free(s, n);
		}
		store_calls_free(k, k ? 1 : 0);
	}

	TEST("import vtt: a file that is not WebVTT names the line");
	{
		const char *p = write_file("bad1.vtt", "hello\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "bad1.vtt:1: ");
		CHECK_HAS(err, "WEBVTT");
	}

	TEST("import vtt: a cue ending before it starts names its line");
	{
		const char *p = write_file("bad2.vtt",
			"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>One.\n\n"
			"00:00:05.000 --> 00:00:04.000\n<v A>Two.\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "bad2.vtt:6: call bad2: ");
		CHECK_HAS(err, "before it starts");
	}

	TEST("import vtt: cues going backwards name the line");
	{
		const char *p = write_file("bad3.vtt",
			"WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n<v A>One.\n\n"
			"00:00:01.000 --> 00:00:02.000\n<v A>Two.\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "bad3.vtt:6: call bad3: ");
		CHECK_HAS(err, "backwards");
	}

	TEST("import vtt: bad timing and an empty file say so");
	{
		const char *p = write_file("bad4.vtt", "WEBVTT\n\n00:00:xx.000 --> 00:00:02.000\nHi.\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "bad4.vtt:3: call bad4: bad cue timing");
		p = write_file("bad5.vtt", "WEBVTT\n\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "bad5.vtt:1: call bad5: empty transcript");
	}

	TEST("import vtt: a broken sidecar names its own line");
	{
		write_file("side.meta.json", "{\"id\": \"s-1\",\n \"title\": }\n");
		const char *p = write_file("side.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nHi.\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "side.meta.json:2: call s-1: JSON syntax error near '}'");
		write_file("side.meta.json", "[1]\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "side.meta.json:1: call side: the sidecar must be a JSON object");
	}

	TEST("import vtt: invalid UTF-8 names the line");
	{
		const char *p = write_file("bad6.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v A>caf\xc3(.\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "bad6.vtt:4: ");
		CHECK_HAS(err, "invalid UTF-8");
	}
	CHECK_INT(count_calls(st), 3);
	store_close(st);
}

/* ------------------------------------------------------------------ malformed calls */

struct bad_case {
	const char *name;	/* the behaviour */
	const char *id;		/* the call id the message names ("?" when it has none; NULL
				 * when the value is no call at all: the message names the item) */
	const char *json;	/* the bad call, one line */
	const char *says;	/* part of what is wrong */
};

#define PARTIES "\"parties\": [{\"id\": \"p1\", \"name\": \"Dana\", \"affiliation\": \"company\"}]"
#define STARTED "\"started\": \"2026-03-02T15:00:00Z\""

static const struct bad_case bad_cases[] = {
	{"missing id", "?",
	 "{" STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"Hi.\"}]}",
	 "missing \"id\""},
	{"speaker not in parties", "bad-speaker",
	 "{\"id\": \"bad-speaker\", " STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p9\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"Hi.\"}]}",
	 "speaker \"p9\" is not in parties"},
	{"end before start", "bad-end",
	 "{\"id\": \"bad-end\", " STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 500, \"end_ms\": 100, \"text\": \"Hi.\"}]}",
	 "ends (100 ms) before it starts (500 ms)"},
	{"negative time", "bad-neg",
	 "{\"id\": \"bad-neg\", " STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": -20, \"end_ms\": 100, \"text\": \"Hi.\"}]}",
	 "negative time"},
	{"times going backwards", "bad-back",
	 "{\"id\": \"bad-back\", " STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 5000, \"end_ms\": 6000, \"text\": \"Hi.\"},"
	 " {\"speaker\": \"p1\", \"start_ms\": 1000, \"end_ms\": 2000, \"text\": \"Bye.\"}]}",
	 "times must not go backwards"},
	{"invalid UTF-8", "bad-utf8",
	 "{\"id\": \"bad-utf8\", " STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"caf\xc3(\"}]}",
	 "invalid UTF-8 in \"text\""},
	{"empty transcript", "bad-empty",
	 "{\"id\": \"bad-empty\", " STARTED ", " PARTIES ", \"transcript\": []}",
	 "empty transcript"},
	{"a transcript with no words", "bad-blank",
	 "{\"id\": \"bad-blank\", " STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"  \"}]}",
	 "no words"},
	{"JSON syntax error", "bad-syntax",
	 "{\"id\": \"bad-syntax\", " STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\" \"start_ms\": 0}]}",
	 "JSON syntax error"},
	{"missing started", "bad-started",
	 "{\"id\": \"bad-started\", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"Hi.\"}]}",
	 "missing \"started\""},
	{"a date that is not ISO 8601", "bad-date",
	 "{\"id\": \"bad-date\", \"started\": \"March 2nd\", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"Hi.\"}]}",
	 "not an ISO 8601 date-time"},
	{"missing parties", "bad-parties",
	 "{\"id\": \"bad-parties\", " STARTED ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"Hi.\"}]}",
	 "missing \"parties\""},
	{"an unknown affiliation", "bad-aff",
	 "{\"id\": \"bad-aff\", " STARTED ", \"parties\": [{\"id\": \"p1\", \"affiliation\": \"vendor\"}], \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"Hi.\"}]}",
	 "affiliation must be company or customer, not \"vendor\""},
	{"an unknown scope", "bad-scope",
	 "{\"id\": \"bad-scope\", " STARTED ", \"scope\": \"partner\", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"Hi.\"}]}",
	 "\"scope\" must be external or internal"},
	{"a time that is not a number", "bad-num",
	 "{\"id\": \"bad-num\", " STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": \"0\", \"end_ms\": 10, \"text\": \"Hi.\"}]}",
	 "\"start_ms\" must be a number of milliseconds"},
	{"missing text", "bad-text",
	 "{\"id\": \"bad-text\", " STARTED ", " PARTIES ", \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10}]}",
	 "missing \"text\""},
	{"a call that is not an object", NULL,
	 "[1, 2]",
	 "a call must be a JSON object ({\"id\": …, \"transcript\": […]}), not a list of 2 items"},
};

#define N_BAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

/* Every bad case, in a .jsonl and in a .json array among good calls: the error names the
 * file, the line the bad call starts on and the call, and nothing is written. */
static void test_import_bad(void)
{
	char err[2048], name[128], want[512];
	struct ingest_report rep;
	store *st = open_ws("bad.db");
	char *good1 = call_line("good-1", GOOD_TR), *good2 = call_line("good-2", GOOD_TR);
	char *good0 = call_line("good-0", GOOD_TR);
	const char *p = write_file("seed.jsonl", good0);
	if (import1(st, p, &rep, err, sizeof(err)) < 0)
		fprintf(stderr, "seed: %s\n", err);
	ingest_report_free(&rep);
	int64_t calls0 = count_calls(st), sentences0 = count_sentences(st);

	for (size_t i = 0; i < N_BAD; i++) {
		const struct bad_case *bc = &bad_cases[i];
		/* .jsonl: the bad call on line 3. */
		snprintf(name, sizeof(name), "import jsonl: %s names the file, line and call", bc->name);
		TEST(name);
		char *text = xasprintf("%s\n\n%s\n%s\n", good1, bc->json, good2);
		char fname[64];
		snprintf(fname, sizeof(fname), "bad-%zu.jsonl", i);
		p = write_file(fname, text);
		free(text);
		memset(&rep, 0, sizeof(rep));
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		if (bc->id)
			snprintf(want, sizeof(want), "%s:3: call %s: ", p, bc->id);
		else
			snprintf(want, sizeof(want), "%s:3: a call must", p);
		CHECK_MSG(!strncmp(err, want, strlen(want)), "\"%s\" does not start with \"%s\"", err, want);
		CHECK_HAS(err, bc->says);
		ingest_report_free(&rep);
		CHECK_INT(count_calls(st), calls0);
		CHECK_INT(count_sentences(st), sentences0);

		/* .json: a pretty array with the bad call starting on line 4. */
		snprintf(name, sizeof(name), "import json array: %s names the file, line and call", bc->name);
		TEST(name);
		text = xasprintf("[\n  %s,\n\n  %s,\n  %s\n]\n", good1, bc->json, good2);
		snprintf(fname, sizeof(fname), "bad-%zu.json", i);
		p = write_file(fname, text);
		free(text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		if (bc->id)
			snprintf(want, sizeof(want), "%s:4: call %s: ", p, bc->id);
		else
			snprintf(want, sizeof(want), "%s:4: item 2 of the list: a call must", p);
		CHECK_MSG(!strncmp(err, want, strlen(want)), "\"%s\" does not start with \"%s\"", err, want);
		CHECK_HAS(err, bc->says);
		ingest_report_free(&rep);
		CHECK_INT(count_calls(st), calls0);
		CHECK_INT(count_sentences(st), sentences0);
	}

	TEST("import json: an error deep in a pretty-printed call names the entry's line too");
	{
		const char *text =
			"[\n"
			"  {\n"
			"    \"id\": \"deep\",\n"
			"    \"started\": \"2026-03-02T15:00:00Z\",\n"
			"    \"parties\": [\n"
			"      {\"id\": \"p1\", \"affiliation\": \"company\"}\n"
			"    ],\n"
			"    \"transcript\": [\n"
			"      {\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"Hi.\"},\n"
			"      {\"speaker\": \"p1\", \"start_ms\": 20, \"end_ms\": 30, \"text\": \"So.\"},\n"
			"      {\"speaker\": \"p7\", \"start_ms\": 40, \"end_ms\": 50, \"text\": \"Who?\"}\n"
			"    ]\n"
			"  }\n"
			"]\n";
		p = write_file("deep.json", text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:2: call deep: transcript[2] (line %d): speaker \"p7\""
			 " is not in parties",
			 p, line_of(text, "\"p7\""));
		CHECK_STR(err, want);
		CHECK_INT(count_calls(st), calls0);
	}

	TEST("import json: a syntax error names the line where the parser stopped");
	{
		const char *text = "[\n  {\"id\": \"s1\",\n   \"started\": \"2026-03-02\",,\n  }\n]\n";
		p = write_file("syntax.json", text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:3: call s1: JSON syntax error near ','", p);
		CHECK_STR(err, want);
	}

	TEST("import json: a file cut short says so");
	{
		char *text = xasprintf("[\n  %s,\n  {\"id\": \"cut\", \"tra", good1);
		p = write_file("cut.json", text);
		free(text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:3: call cut: JSON syntax error: the text ends too soon", p);
		CHECK_STR(err, want);
		/* cut after a comma, with no line end: cJSON names the last character then */
		text = xasprintf("%s\n{\"id\": \"cut2\", \"started\": \"2026-03-02\",", good1);
		p = write_file("cut.jsonl", text);
		free(text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:2: call cut2: JSON syntax error: the text ends too soon", p);
		CHECK_STR(err, want);
		/* a string with an escaped quote, still open at the end */
		p = write_file("cut-string.jsonl", "{\"id\": \"cut3\", \"title\": \"the \\\"big\\\" d");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:1: call cut3: JSON syntax error: the text ends too soon", p);
		CHECK_STR(err, want);
		/* a wrong last character is named, not taken for a cut */
		p = write_file("bad-last.jsonl", "{\"id\": \"bad\"]");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:1: call bad: JSON syntax error near ']'", p);
		CHECK_STR(err, want);
		text = xasprintf("[\n  %s\n", good1);
		p = write_file("unclosed.json", text);
		free(text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "no closing ']'");
		CHECK_INT(count_calls(st), calls0);
	}

	TEST("import: an empty file holds no calls, in either format, as an empty list does");
	{
		const char *names[] = {"empty.json", "blank.json", "empty.jsonl", "list.json"};
		const char *texts[] = {"", "\xef\xbb\xbf \n\n", "", " [ ]\n"};
		for (int i = 0; i < 4; i++) {
			p = write_file(names[i], texts[i]);
			memset(&rep, 0, sizeof(rep));
			CHECK_MSG(import1(st, p, &rep, err, sizeof(err)) == 0, "%s: %s", names[i], err);
			CHECK_INT(rep.calls, 0);
		}
		CHECK_INT(count_calls(st), calls0);
		p = write_file("open.json", "[\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:2: JSON syntax error: the list of calls has no closing ']'", p);
		CHECK_STR(err, want);
	}

	TEST("import json: text after the calls is an error");
	{
		char *text = xasprintf("%s\n%s\n", good1, good2);
		p = write_file("two-objects.json", text);
		free(text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:2: unexpected text after the calls", p);
		CHECK_STR(err, want);
	}

	TEST("import jsonl: a call spread over two lines is named by its first line");
	{
		char *text = xasprintf("%s\n{\"id\": \"split\",\n \"started\": \"2026-03-02\"}\n", good1);
		p = write_file("twolines.jsonl", text);
		free(text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:2: call split: JSON syntax error", p);
		CHECK_MSG(!strncmp(err, want, strlen(want)), "%s", err);
	}

	TEST("import: invalid UTF-8 in a key or a field not read is still found, with its line");
	{
		const char *text =
			"[\n  {\"id\": \"u1\", \"started\": \"2026-03-02\", " PARTIES ",\n"
			"   \"notes\": \"caf\xc3(\",\n"
			"   \"transcript\": [{\"speaker\": \"p1\", \"start_ms\": 0, \"end_ms\": 10, \"text\": \"Hi.\"}]}\n]\n";
		p = write_file("utf8-extra.json", text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:2: call u1: invalid UTF-8 (line 3)", p);
		CHECK_STR(err, want);
	}

	TEST("import: invalid UTF-8 in the id says so");
	{
		p = write_file("utf8-id.jsonl", "{\"id\": \"x\xff\", \"started\": \"2026-03-02\"}\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:1: call ?: invalid UTF-8 in \"id\"", p);
		CHECK_STR(err, want);
	}

	TEST("import: an unknown file type names the file");
	{
		p = write_file("calls.csv", "id,title\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		CHECK_HAS(err, "calls.csv: unknown file type");
	}

	TEST("import: a missing file names it and the reason");
	{
		p = test_tpath("nowhere.json");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: %s", p, strerror(ENOENT));
		CHECK_STR(err, want);
	}

	TEST("import: a bad file after a good one leaves the workspace as it was");
	{
		char *text = xasprintf("%s\n", good1);
		const char *pa = write_file("first-good.jsonl", text);
		char pa_copy[4200];
		snprintf(pa_copy, sizeof(pa_copy), "%s", pa);
		free(text);
		const char *pb = write_file("then-bad.jsonl", bad_cases[1].json);
		const char *paths[] = {pa_copy, pb};
		CHECK_INT(store_begin(st, err, sizeof(err)), 0);
		CHECK_INT(ingest_files(st, paths, 2, &rep, err, sizeof(err)), -1);
		store_rollback(st);
		CHECK_HAS(err, "then-bad.jsonl:1: call bad-speaker: ");
		ingest_report_free(&rep);
		CHECK_INT(count_calls(st), calls0);
		CHECK_INT(count_sentences(st), sentences0);
	}

	TEST("import json: a list of values that are not calls names the item and what it is");
	{
		p = write_file("numbers.json", "[1,2]\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:1: item 1 of the list: a call must be a JSON object "
			 "({\"id\": …, \"transcript\": […]}), not the number 1", p);
		CHECK_STR(err, want);
		char *text = xasprintf("[\n  %s,\n  \"call-7\"\n]\n", good1);
		p = write_file("a-string.json", text);
		free(text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:3: item 2 of the list: a call must be a JSON object "
			 "({\"id\": …, \"transcript\": […]}), not the text \"call-7\"", p);
		CHECK_STR(err, want);
		p = write_file("null.jsonl", "null\n");
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:1: a call must be a JSON object ({\"id\": …, "
			 "\"transcript\": […]}), not null", p);
		CHECK_STR(err, want);
		CHECK_INT(count_calls(st), calls0);
	}

	TEST("import jsonl: two calls with one id are refused, naming the file and both lines");
	{
		char *text = xasprintf("%s\n%s\n\n%s\n", good1, good2, good1);
		p = write_file("dup.jsonl", text);
		free(text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:4: call good-1: the same id as the call at line 1; "
			 "an import takes each call once", p);
		CHECK_STR(err, want);
		CHECK_INT(rep.calls, 0);
		CHECK_INT(count_calls(st), calls0);
		CHECK_INT(count_sentences(st), sentences0);
	}

	TEST("import json: two calls with one id in an array are refused at the second");
	{
		char *text = xasprintf("[\n  %s,\n  %s\n]\n", good2, good2);
		p = write_file("dup.json", text);
		free(text);
		CHECK_INT(import1(st, p, &rep, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:3: call good-2: the same id as the call at line 2; "
			 "an import takes each call once", p);
		CHECK_STR(err, want);
		CHECK_INT(count_calls(st), calls0);
	}

	TEST("import: one id in two files is refused, naming both files and lines");
	{
		char *text = xasprintf("%s\n", good1);
		const char *pa = write_file("one-a.jsonl", text);
		char pa_copy[4200];
		snprintf(pa_copy, sizeof(pa_copy), "%s", pa);
		const char *pb = write_file("one-b.jsonl", text);
		free(text);
		const char *paths[] = {pa_copy, pb};
		CHECK_INT(store_begin(st, err, sizeof(err)), 0);
		CHECK_INT(ingest_files(st, paths, 2, &rep, err, sizeof(err)), -1);
		store_rollback(st);
		char *both = xasprintf("%s:1: call good-1: the same id as the call at %s:1; "
				       "an import takes each call once", pb, pa_copy);
		CHECK_STR(err, both);
		free(both);
		CHECK_INT(count_calls(st), calls0);
	}

	TEST("import: a file named twice is refused before anything is read");
	{
		char *text = xasprintf("%s\n", good1);
		const char *pa = write_file("twice.jsonl", text);
		free(text);
		const char *paths[] = {pa, pa};
		CHECK_INT(store_begin(st, err, sizeof(err)), 0);
		CHECK_INT(ingest_files(st, paths, 2, &rep, err, sizeof(err)), -1);
		store_rollback(st);
		snprintf(want, sizeof(want), "%s: named twice; an import reads each file once", pa);
		CHECK_STR(err, want);
		CHECK_INT(count_calls(st), calls0);
	}
	free(good0);
	free(good1);
	free(good2);
	store_close(st);
}

int main(void)
{
	test_tmp_setup("test_ingest");
	test_split();
	test_times();
	test_parsers();
	test_import_json();
	test_import_audio();
	test_import_vtt();
	test_import_bad();
	test_tmp_cleanup();
	return test_report("test_ingest");
}
