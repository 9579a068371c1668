/* Results: the calls where an active tracker detected its concept, newest first, with
 * the count per call; a call opens with its detected sentences highlighted. / searches
 * them: the calls whose id or title, or a detected sentence or its speaker, has the text. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "xmalloc.h"

struct results {
	int64_t tracker;
	char *name;
	int active;
	int64_t activated_at;
	int backfill;
	struct store_call_count *c;
	size_t n;
	struct store_detection *d;	/* every detection, for the first one of a call */
	size_t nd;
	int64_t total;
	struct tui_list list;
	/* the search: the text, whether it is being typed, and what it keeps */
	struct tui_edit q;
	int searching;
	size_t *shown;		/* indices into c of the calls listed */
	int64_t *shown_hits;	/* and their detections that match */
	size_t n_shown;
	int64_t found;		/* detections that match, in those calls */
};

/* The next character of s, lower-cased (any alphabet the locale knows); a byte that is
 * not UTF-8 stands for itself. *len gets its bytes. */
static wint_t folded(const char *s, size_t *len)
{
	unsigned char c = (unsigned char)*s;
	if (c < 0x80) {
		*len = 1;
		return (wint_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	wchar_t wc;
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	size_t k = mbrtowc(&wc, s, strnlen(s, 4), &ps);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		*len = 1;
		return 0x110000 + c;	/* outside Unicode: equal only to the same byte */
	}
	*len = k;
	return towlower((wint_t)wc);
}

/* 1 when hay holds needle, letters in either case ("MÜLLER" finds "Müller"). */
static int has_text(const char *hay, const char *needle)
{
	if (!*needle)
		return 1;
	for (; hay && *hay; hay++) {
		if (((unsigned char)*hay & 0xC0) == 0x80)
			continue;	/* within a character */
		const char *h = hay, *n = needle;
		while (*n && *h) {
			size_t kh, kn;
			if (folded(h, &kh) != folded(n, &kn))
				break;
			h += kh;
			n += kn;
		}
		if (!*n)
			return 1;
	}
	return 0;
}

static int detection_matches(const struct store_detection *d, const char *q)
{
	return has_text(d->text, q) || has_text(d->speaker, q) || has_text(d->call_ext_id, q) ||
	       has_text(d->call_title, q);
}

struct call_at {
	int64_t call;
	size_t i;
};

static int cmp_call_at(const void *a, const void *b)
{
	int64_t x = ((const struct call_at *)a)->call, y = ((const struct call_at *)b)->call;
	return x < y ? -1 : x > y;
}

/* Lists the calls with a detection the search text matches (every call without one). */
static void apply_search(struct results *r)
{
	const char *q = r->q.text ? r->q.text : "";
	free(r->shown);
	free(r->shown_hits);
	r->shown = xmalloc((r->n + 1) * sizeof(size_t));
	r->shown_hits = xmalloc((r->n + 1) * sizeof(int64_t));
	r->n_shown = 0;
	r->found = 0;
	int64_t *hits = xcalloc(r->n + 1, sizeof(int64_t));
	if (*q) {
		struct call_at *at = xmalloc((r->n + 1) * sizeof(*at));
		for (size_t i = 0; i < r->n; i++)
			at[i] = (struct call_at){r->c[i].call, i};
		qsort(at, r->n, sizeof(*at), cmp_call_at);
		for (size_t k = 0; k < r->nd; k++) {
			struct call_at key = {r->d[k].call, 0};
			struct call_at *c = bsearch(&key, at, r->n, sizeof(*at), cmp_call_at);
			if (c && detection_matches(&r->d[k], q))
				hits[c->i]++;
		}
		free(at);
	} else {
		for (size_t i = 0; i < r->n; i++)
			hits[i] = r->c[i].count;
	}
	for (size_t i = 0; i < r->n; i++)
		if (hits[i]) {
			r->shown_hits[r->n_shown] = hits[i];
			r->shown[r->n_shown++] = i;
			r->found += hits[i];
		}
	free(hits);
	r->list.n = (int)r->n_shown;
	if (r->list.sel >= r->list.n)
		r->list.sel = r->list.n ? r->list.n - 1 : 0;
}

static void unload(struct results *r)
{
	store_call_counts_free(r->c, r->n);
	store_detections_free(r->d, r->nd);
	r->c = NULL;
	r->d = NULL;
	r->n = r->nd = 0;
}

static int load(struct results *r, struct tui *app)
{
	char err[512];
	struct store_tracker *t;
	unload(r);
	if (store_tracker_get(app->st, r->tracker, &t, err, sizeof(err)) != 0) {
		tui_error(app, "Cannot open the tracker: %s", err);
		return -1;
	}
	free(r->name);
	r->name = xstrdup(t->live.name);
	r->active = t->active;
	r->activated_at = t->activated_at;
	r->backfill = t->backfill_months;
	store_tracker_free(t);
	if (store_detection_counts(app->st, r->tracker, &r->c, &r->n, err, sizeof(err)) < 0 ||
	    store_detections_list(app->st, r->tracker, &r->d, &r->nd, err, sizeof(err)) < 0) {
		tui_error(app, "Cannot read the results: %s", err);
		unload(r);
	}
	r->total = 0;
	for (size_t i = 0; i < r->n; i++)
		r->total += r->c[i].count;
	apply_search(r);
	return 0;
}

/* arg: int64_t * tracker id, owned. */
static void *results_open(struct tui *app, void *arg)
{
	struct results *r = xcalloc(1, sizeof(*r));
	r->tracker = *(int64_t *)arg;
	free(arg);
	if (load(r, app) < 0) {
		free(r);
		return NULL;
	}
	tui_top(app)->list = &r->list;
	return r;
}

static void results_close(void *state, struct tui *app)
{
	(void)app;
	struct results *r = state;
	unload(r);
	free(r->name);
	free(r->shown);
	free(r->shown_hits);
	tui_edit_free(&r->q);
	free(r);
}

/* The call's first detection the search matches (the first of all without a search). */
static int64_t first_hit(const struct results *r, int64_t call)
{
	const char *q = r->q.text ? r->q.text : "";
	for (size_t i = 0; i < r->nd; i++)
		if (r->d[i].call == call && detection_matches(&r->d[i], q))
			return r->d[i].sentence;
	return 0;
}

static void results_draw(void *state, struct tui *app)
{
	struct results *r = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[512], date[32];
	tui_date(NULL, r->activated_at, date, sizeof(date));
	char months[32] = " only";
	if (r->backfill == 1)
		snprintf(months, sizeof(months), " and the past month");
	else if (r->backfill)
		snprintf(months, sizeof(months), " and the past %d months", r->backfill);
	/* which calls it runs on always shows whole: a long name gives way */
	if (r->active)
		snprintf(line, sizeof(line), "active since %s on upcoming calls%s", date, months);
	else
		snprintf(line, sizeof(line), "not active");
	const char *state_part[] = {line};
	tui_put_header(y++, 1, w - 1, r->name, state_part, 1, 1, A_NORMAL);
	const char *q = r->q.text ? r->q.text : "";
	if (*q || r->searching)
		snprintf(line, sizeof(line), " %lld of %lld detection%s, in %zu of %zu call%s, match:",
			 (long long)r->found, (long long)r->total, r->total == 1 ? "" : "s",
			 r->n_shown, r->n, r->n == 1 ? "" : "s");
	else
		snprintf(line, sizeof(line), " %lld detection%s in %zu call%s, newest call first",
			 (long long)r->total, r->total == 1 ? "" : "s", r->n, r->n == 1 ? "" : "s");
	int x = tui_put(y, 0, w, line, tui_color(app, C_ACCENT), 0);
	if (*q || r->searching)
		tui_edit_draw(&r->q, y, x + 1, w - x - 2, r->searching, A_BOLD);
	y += 2;
	if (!r->n) {
		tui_put(y, 2, w - 4, r->active ? "No detections yet: calls are scored as they are "
			"imported." : "No detections: activate the tracker first.", A_NORMAL, 0);
		return;
	}
	if (!r->n_shown) {
		tui_put(y, 2, w - 4, "No call matches: / changes the search, an empty one shows every call.",
			A_NORMAL, 0);
		return;
	}
	tui_put(y, 2, 11, "Date", A_UNDERLINE, 0);
	tui_put(y, 14, 12, "Call", A_UNDERLINE, 0);
	tui_put(y, 27, w - 27 - 8, "Title", A_UNDERLINE, 0);
	tui_put(y, w - 7, 6, "Found", A_UNDERLINE, 0);
	y++;
	tui_list_scroll(&r->list, bottom - y);
	for (int i = r->list.top; i < (int)r->n_shown && y < bottom; i++, y++) {
		int sel = i == r->list.sel;
		const struct store_call_count *c = &r->c[r->shown[i]];
		attr_t a = sel ? tui_color(app, C_SEL) : A_NORMAL;
		if (sel)
			tui_fill(y, 0, w, a, 0);
		tui_put(y, 0, 2, sel ? "▸" : " ", a, 0);
		tui_date(c->started, 0, date, sizeof(date));
		tui_put(y, 2, 11, date, a, 0);
		tui_put(y, 14, 12, c->ext_id, a, 0);
		tui_put(y, 27, w - 27 - 8, c->title, a, 0);
		snprintf(line, sizeof(line), "%5lld", (long long)r->shown_hits[i]);
		tui_put(y, w - 7, 6, line, a, 0);
	}
}

static int results_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct results *r = state;
	if (r->searching) {
		if (ev->action == ACT_JOB_DONE || ev->action == ACT_RELOAD)
			return TUI_NONE;
		if (ev->action == ACT_QUIT)
			return TUI_PASS;
		if (ev->action == ACT_BACK || ev->key == KEY_ESC)
			tui_edit_set(&r->q, "");	/* Esc: no search */
		else if (ev->action != ACT_ENTER)
			tui_edit_key(&r->q, ev->key);
		if (ev->action == ACT_BACK || ev->key == KEY_ESC || ev->action == ACT_ENTER) {
			r->searching = 0;
			tui_top(app)->input_context = NULL;
		}
		r->list.sel = 0;
		r->list.top = 0;
		apply_search(r);
		return TUI_REDRAW;
	}
	switch (ev->action) {
	case ACT_RELOAD: {
		/* the same call stays selected when calls come or go around it */
		int64_t call = r->n_shown ? r->c[r->shown[r->list.sel]].call : 0;
		load(r, app);
		for (size_t i = 0; call && i < r->n_shown; i++)
			if (r->c[r->shown[i]].call == call)
				r->list.sel = (int)i;
		return TUI_REDRAW;
	}
	case ACT_JOB_DONE:
		return TUI_NONE;
	case ACT_SEARCH:
		if (!r->n)
			return TUI_REDRAW;
		r->searching = 1;
		tui_top(app)->input_context = "input";
		return TUI_REDRAW;
	case ACT_OPEN:
		if (!r->n_shown)
			return TUI_REDRAW;
		{
			struct call_arg *a = xcalloc(1, sizeof(*a));
			a->call = r->c[r->shown[r->list.sel]].call;
			a->sentence = first_hit(r, a->call);
			a->tracker = r->tracker;
			tui_next(app, &screen_call, a);
		}
		return TUI_PUSH;
	case ACT_RATES: {
		int64_t *a = xmalloc(sizeof(*a));
		*a = r->tracker;
		tui_next(app, &screen_rates, a);
		return TUI_PUSH;
	}
	case ACT_PLAY:
	case ACT_PLAY_CONTEXT:
	case ACT_WRITE_WAV: {
		if (!r->n_shown)
			return TUI_REDRAW;
		int64_t sid = first_hit(r, r->c[r->shown[r->list.sel]].call);
		if (!sid)
			return TUI_REDRAW;
		if (ev->action == ACT_WRITE_WAV)
			tui_play_write(app, sid);
		else
			tui_play_sentence(app, sid, ev->action == ACT_PLAY_CONTEXT);
		return TUI_REDRAW;
	}
	}
	return TUI_PASS;
}

/* Opening, playing and searching are offered when there are calls to act on. */
static int results_offers(void *state, int action)
{
	struct results *r = state;
	switch (action) {
	case ACT_OPEN: case ACT_PLAY: case ACT_PLAY_CONTEXT:
		return r->n_shown ? 1 : 0;
	case ACT_SEARCH:
		return r->n ? 1 : 0;
	}
	return 1;
}

static const char *const results_contexts[] = {"results", "list", NULL};

const struct screen_ops screen_results = {
	.name = "Results",
	.contexts = results_contexts,
	.plays = 1,
	.open = results_open,
	.draw = results_draw,
	.key = results_key,
	.close = results_close,
	.offers = results_offers,
	.follows = 1,
};
