/* Trackers (home): the workspace at a glance and every tracker with its state, tags,
 * estimates and last change; from here a tracker is created, opened, edited, trained,
 * activated, published or deleted. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Fewer calls than this in scope and the estimates are shaky. */
#define FEW_CALLS 500

struct trackers {
	struct store_summary sum;
	struct store_tracker *t;
	size_t n;
	int64_t *in_scope;	/* calls matching each tracker's settings */
	struct tui_list list;
	int64_t delete_id;	/* waiting for the confirmation */
	char err[512];		/* why the list could not be read */
};

static void unload(struct trackers *s)
{
	store_trackers_free(s->t, s->n);
	free(s->in_scope);
	s->t = NULL;
	s->in_scope = NULL;
	s->n = 0;
}

static void load(struct trackers *s, struct tui *app)
{
	char err[512];
	int64_t keep = s->n && s->list.sel < (int)s->n ? s->t[s->list.sel].id : 0;
	unload(s);
	s->err[0] = '\0';
	if (store_summary_get(app->st, &s->sum, err, sizeof(err)) < 0 ||
	    store_trackers_list(app->st, &s->t, &s->n, err, sizeof(err)) < 0) {
		snprintf(s->err, sizeof(s->err), "%s", err);
		s->n = 0;
		s->t = NULL;
	}
	s->in_scope = xcalloc(s->n + 1, sizeof(int64_t));
	for (size_t i = 0; i < s->n; i++) {
		struct store_call_span *sp = NULL;
		size_t k = 0;
		if (store_calls_matching(app->st, &s->t[i].live, 0, &sp, &k, err, sizeof(err)) == 0)
			s->in_scope[i] = (int64_t)k;
		else
			s->in_scope[i] = -1;
		free(sp);
	}
	s->list.n = (int)s->n;
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].id == keep)
			s->list.sel = (int)i;
	if (s->list.sel >= s->list.n)
		s->list.sel = s->list.n ? s->list.n - 1 : 0;
}

/* arg: unused. */
static void *trackers_open(struct tui *app, void *arg)
{
	(void)arg;
	struct trackers *s = xcalloc(1, sizeof(*s));
	load(s, app);
	tui_top(app)->list = &s->list;
	return s;
}

static void trackers_close(void *state, struct tui *app)
{
	(void)app;
	struct trackers *s = state;
	unload(s);
	free(s);
}

static void settings_line(const struct store_settings *st, char *buf, size_t len)
{
	static const char *by[] = {"anyone", "our company", "the customer"};
	static const char *scope[] = {"external calls", "internal calls", "all calls"};
	struct sbuf b = {0};
	sbuf_printf(&b, "Said by %s · %s", by[st->by >= 0 && st->by <= 2 ? st->by : 0],
		    scope[st->scope >= 0 && st->scope <= 2 ? st->scope : 0]);
	for (size_t i = 0; i < st->n_filters; i++)
		sbuf_printf(&b, "%s%s", i == 0 || strcmp(st->filters[i - 1].key, st->filters[i].key)
					    ? (i ? "; " : " · ") : ", ",
			    st->filters[i].value);
	if (st->part == STORE_PART_FIRST)
		sbuf_printf(&b, " · first %d minutes", st->part_minutes);
	else if (st->part == STORE_PART_LAST)
		sbuf_printf(&b, " · last %d minutes", st->part_minutes);
	else
		sbuf_printf(&b, " · anytime in the call");
	snprintf(buf, len, "%s", b.s);
	sbuf_free(&b);
}

/* The estimates the list shows: the live model's once a tracker is active (a draft's
 * wait in the details), else the newest model's. */
static double shown_precision(const struct store_tracker *t)
{
	return t->active && t->live_version ? t->live_precision : t->latest_precision;
}

static double shown_recall(const struct store_tracker *t)
{
	return t->active && t->live_version ? t->live_recall : t->latest_recall;
}

/* Rows of the details pane for tracker t. */
/* The selected tracker in more words: up to 6 lines of text with their colour. */
#define DETAIL_LINES 6
struct detail {
	char text[DETAIL_LINES][600];
	attr_t attr[DETAIL_LINES];
	int n;
};

static void details(const struct trackers *s, struct tui *app, struct detail *d)
{
	const struct store_tracker *t = &s->t[s->list.sel];
	char line[512];
	d->n = 0;
	if (t->live.description && *t->live.description)
		snprintf(d->text[d->n], sizeof(d->text[0]), "%s: %s", t->live.name,
			 t->live.description);
	else
		snprintf(d->text[d->n], sizeof(d->text[0]), "%s", t->live.name);
	d->attr[d->n++] = A_NORMAL;
	settings_line(&t->live, d->text[d->n], sizeof(d->text[0]));
	d->attr[d->n++] = tui_color(app, C_DIM);
	char model[48] = "no model";
	if (t->active && t->live_version)
		snprintf(model, sizeof(model), "live model v%d", t->live_version);
	else if (t->latest_version)
		snprintf(model, sizeof(model), "model v%d", t->latest_version);
	long long scope = (long long)s->in_scope[s->list.sel];
	/* rounds done, as the overview counts them; the one under way apart */
	int done = t->rounds - (t->round_open ? 1 : 0);
	char rounds[48];
	snprintf(rounds, sizeof(rounds), "%d round%s%s", done, done == 1 ? "" : "s",
		 t->round_open ? " done, 1 under way" : "");
	snprintf(d->text[d->n], sizeof(d->text[0]), "%lld example%s · %s · %s · %lld "
		 "detection%s · %lld call%s in scope", (long long)t->n_examples,
		 t->n_examples == 1 ? "" : "s", rounds, model,
		 (long long)t->n_detections, t->n_detections == 1 ? "" : "s", scope,
		 scope == 1 ? "" : "s");
	d->attr[d->n++] = tui_color(app, C_DIM);
	if (learn_has_draft(t)) {
		/* what publishing would change, labelled as the draft it is */
		char p[16], r[16];
		if (t->latest_model != t->live_model) {
			tui_pct(t->latest_precision, p, sizeof(p));
			tui_pct(t->latest_recall, r, sizeof(r));
			snprintf(d->text[d->n], sizeof(d->text[0]), "Draft, not published: model v%d, "
				 "precision %s, hit rate %s · p publishes it", t->latest_version, p, r);
		} else {
			snprintf(d->text[d->n], sizeof(d->text[0]), "Draft, not published: edited "
				 "settings · p publishes them");
		}
		d->attr[d->n++] = tui_color(app, C_WARN);
		if (t->has_draft_settings) {
			settings_line(&t->draft, line, sizeof(line));
			snprintf(d->text[d->n], sizeof(d->text[0]), "Draft settings: %s", line);
			d->attr[d->n++] = tui_color(app, C_WARN);
		}
	}
	if (scope >= 0 && scope < FEW_CALLS) {
		snprintf(d->text[d->n], sizeof(d->text[0]), "⚠ %lld call%s in this tracker's scope: "
			 "fewer than %d, so its estimates are rough.", scope, scope == 1 ? "" : "s",
			 FEW_CALLS);
		d->attr[d->n++] = tui_color(app, C_WARN);
	}
}

/* Rows the details take with each line on at most maxrows rows. */
static int detail_rows(const struct detail *d, int w, int maxrows)
{
	int rows = 0;
	for (int i = 0; i < d->n; i++)
		rows += tui_wrap(0, 1, w - 2, maxrows, d->text[i], d->attr[i], 0, 0);
	return rows;
}

static void trackers_draw(void *state, struct tui *app)
{
	struct trackers *s = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[512], a[32], b[32], calls[32], sents[32];
	const char *base = strrchr(app->db, '/');
	base = base ? base + 1 : app->db;
	tui_thousands(s->sum.calls, calls, sizeof(calls));
	tui_thousands(s->sum.sentences, sents, sizeof(sents));
	tui_date(NULL, s->sum.first_unix, a, sizeof(a));
	tui_date(NULL, s->sum.last_unix, b, sizeof(b));
	snprintf(line, sizeof(line), " Workspace %s: %s call%s (%lld external, %lld internal) · %s "
		 "sentence%s · %s to %s", base, calls, s->sum.calls == 1 ? "" : "s",
		 (long long)s->sum.external_calls, (long long)s->sum.internal_calls, sents,
		 s->sum.sentences == 1 ? "" : "s", a, b);
	y += tui_wrap(y, 1, w - 2, 2, line, A_NORMAL, 0, 1);
	if (s->sum.external_calls < FEW_CALLS) {
		snprintf(line, sizeof(line), " ⚠ Only %lld external call%s in scope: trackers learn "
			 "and estimate better with %d or more.", (long long)s->sum.external_calls,
			 s->sum.external_calls == 1 ? "" : "s", FEW_CALLS);
		y += tui_wrap(y, 1, w - 2, 2, line, tui_color(app, C_WARN), 0, 1);
	}
	if (s->err[0]) {
		tui_wrap(y + 1, 1, w - 2, 3, s->err, tui_color(app, C_ERROR), 0, 1);
		return;
	}
	y++;
	if (s->n == 0) {
		tui_put(y + 1, 2, w - 4, "No trackers yet. Press n to create one.", A_NORMAL, 0);
		return;
	}
	/* the last change as a full date, or month-day when narrow */
	int wide = w >= 100, date_w = wide ? 11 : 6;
	int name_w = w - 2 - 28 - 11 - 6 - 6 - date_w;
	/* header */
	int x = 2;
	attr_t h = A_UNDERLINE;
	tui_put(y, x, name_w, "Name", h, 0);
	x += name_w;
	tui_put(y, x, 28, "State", h, 0);
	x += 28;
	tui_put(y, x, 11, "Y/N/?", h, 0);
	x += 11;
	tui_put(y, x, 6, "Prec", h, 0);
	x += 6;
	tui_put(y, x, 6, "Hit", h, 0);
	x += 6;
	tui_put(y, x, date_w - 1, wide ? "Changed" : "Chg", h, 0);
	y++;
	/* the details wrap onto a second row when the list keeps 3 rows or more */
	struct detail d = {.n = 0};
	int detail_max = 2, detail_h = 0;
	if (s->list.sel < (int)s->n) {
		details(s, app, &d);
		detail_h = detail_rows(&d, w, detail_max);
		if (bottom - y - detail_h < 3) {
			detail_max = 1;
			detail_h = detail_rows(&d, w, detail_max);
		}
	}
	int rows = bottom - y - detail_h;
	if (rows < 3)
		rows = bottom - y;
	tui_list_scroll(&s->list, rows);
	for (int i = s->list.top; i < (int)s->n && y < bottom && i < s->list.top + rows; i++, y++) {
		const struct store_tracker *t = &s->t[i];
		int sel = i == s->list.sel;
		attr_t at = sel ? tui_color(app, C_SEL) : A_NORMAL;
		if (sel)
			tui_fill(y, 0, w, at, 0);
		tui_put(y, 0, 2, sel ? "▸" : " ", at, 0);
		x = 2;
		tui_put(y, x, name_w - 1, t->live.name, at, 0);
		x += name_w;
		tui_put(y, x, 27, learn_state_name(t), at, 0);
		x += 28;
		snprintf(line, sizeof(line), "%lld/%lld/%lld", (long long)t->n_yes, (long long)t->n_no,
			 (long long)t->n_unsure);
		tui_put(y, x, 10, line, at, 0);
		x += 11;
		/* the figures of the model in use; the state says when a draft waits */
		tui_pct(shown_precision(t), a, sizeof(a));
		tui_put(y, x, 5, a, at, 0);
		x += 6;
		tui_pct(shown_recall(t), a, sizeof(a));
		tui_put(y, x, 5, a, at, 0);
		x += 6;
		tui_date(NULL, t->updated, a, sizeof(a));
		tui_put(y, x, date_w - 1, wide ? a : a + 5, at, 0);
	}
	if (rows == bottom - y || s->list.sel >= (int)s->n)
		return;
	/* the selected tracker in more words */
	y = bottom - detail_h;
	for (int i = 0; i < d.n; i++)
		y += tui_wrap(y, 1, w - 2, detail_max, d.text[i], d.attr[i], 0, 1);
}

static int open_screen(struct tui *app, const struct screen_ops *ops, int64_t tracker)
{
	if (ops == &screen_tagging) {
		struct tagging_arg *a = xmalloc(sizeof(*a));
		a->tracker = tracker;
		a->position = -1;
		tui_next(app, ops, a);
	} else if (ops == &screen_activate) {
		struct activate_arg *a = xcalloc(1, sizeof(*a));
		a->tracker = tracker;
		tui_next(app, ops, a);
	} else {
		int64_t *a = xmalloc(sizeof(*a));
		*a = tracker;
		tui_next(app, ops, a);
	}
	return TUI_PUSH;
}

static int trackers_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct trackers *s = state;
	char err[512];
	const struct store_tracker *t = s->n ? &s->t[s->list.sel] : NULL;
	switch (ev->action) {
	case ACT_RELOAD:
		load(s, app);
		return TUI_REDRAW;
	case ACT_JOB_DONE:
		return TUI_NONE;
	case ACT_NEW:
		return open_screen(app, &screen_settings, 0);
	case ACT_QUIT:
		return TUI_QUIT;
	case ACT_YES:
		if (!s->delete_id)
			return TUI_NONE;
		if (store_begin(app->st, err, sizeof(err)) < 0 ||
		    store_tracker_delete(app->st, s->delete_id, err, sizeof(err)) < 0 ||
		    store_commit(app->st, err, sizeof(err)) < 0) {
			store_rollback(app->st);
			tui_error(app, "Could not delete: %s", err);
		} else {
			tui_info(app, "Deleted.");
		}
		s->delete_id = 0;
		load(s, app);
		return TUI_REDRAW;
	}
	if (!t) {
		switch (ev->action) {
		case ACT_OPEN: case ACT_EDIT: case ACT_EXAMPLES: case ACT_TRAIN: case ACT_OVERVIEW:
		case ACT_ACTIVATE: case ACT_PUBLISH: case ACT_RESULTS: case ACT_RATES: case ACT_DELETE:
			tui_info(app, "No trackers yet: n makes a new tracker.");
			return TUI_REDRAW;
		}
		return TUI_PASS;
	}
	int64_t id = t->id;
	int done_rounds = t->rounds - (t->round_open ? 1 : 0);
	switch (ev->action) {
	case ACT_OPEN:
		if (t->n_examples < LEARN_MIN_EXAMPLES)
			return open_screen(app, &screen_examples, id);
		if (t->active)
			return open_screen(app, &screen_results, id);
		if (t->latest_model && done_rounds >= LEARN_FIRST_MODEL_ROUND && !t->round_open)
			return open_screen(app, &screen_overview, id);
		return open_screen(app, &screen_tagging, id);
	case ACT_EDIT:
		return open_screen(app, &screen_settings, id);
	case ACT_EXAMPLES:
		return open_screen(app, &screen_examples, id);
	case ACT_TRAIN:
		if (t->n_examples < LEARN_MIN_EXAMPLES) {
			tui_error(app, "%s has %lld example sentences; a round needs %d (press x to add "
				  "them).", t->live.name, (long long)t->n_examples, LEARN_MIN_EXAMPLES);
			return TUI_REDRAW;
		}
		return open_screen(app, &screen_tagging, id);
	case ACT_OVERVIEW:
		return open_screen(app, &screen_overview, id);
	case ACT_ACTIVATE:
		if (!t->latest_model) {
			tui_error(app, "%s has no model yet: tag %d rounds first (press t).", t->live.name,
				  LEARN_FIRST_MODEL_ROUND);
			return TUI_REDRAW;
		}
		if (t->active && !learn_has_draft(t)) {
			tui_info(app, "%s is active already; press r for its results.", t->live.name);
			return TUI_REDRAW;
		}
		if (t->active) {
			struct activate_arg *a = xcalloc(1, sizeof(*a));
			a->tracker = id;
			a->publish = 1;
			tui_next(app, &screen_publish, a);
			return TUI_PUSH;
		}
		return open_screen(app, &screen_activate, id);
	case ACT_PUBLISH:
		if (!t->active || !learn_has_draft(t)) {
			tui_info(app, "%s has no unpublished changes.", t->live.name);
			return TUI_REDRAW;
		}
		{
			struct activate_arg *a = xcalloc(1, sizeof(*a));
			a->tracker = id;
			a->publish = 1;
			tui_next(app, &screen_publish, a);
		}
		return TUI_PUSH;
	case ACT_RESULTS:
		if (!t->active && !t->n_detections) {
			tui_info(app, "%s is not active yet: it has no results (press a to activate).",
				 t->live.name);
			return TUI_REDRAW;
		}
		return open_screen(app, &screen_results, id);
	case ACT_RATES:
		/* a tracker not active opens too: the screen says what it takes */
		return open_screen(app, &screen_rates, id);
	case ACT_DELETE:
		s->delete_id = id;
		{
			long long ne = (long long)t->n_examples;
			long long nt = (long long)(t->n_yes + t->n_no + t->n_unsure);
			tui_confirm(app, ACT_YES, "Delete tracker '%s' with its %lld example%s, %lld "
				    "tag%s, models and detections?", t->live.name, ne, ne == 1 ? "" : "s",
				    nt, nt == 1 ? "" : "s");
		}
		return TUI_REDRAW;
	}
	return TUI_PASS;
}

/* The footer offers what the selected tracker can do now: publishing first when it
 * has unpublished changes; only n with no tracker at all. */
static int trackers_offers(void *state, int action)
{
	struct trackers *s = state;
	const struct store_tracker *t = s->n ? &s->t[s->list.sel] : NULL;
	switch (action) {
	case ACT_NEW:
		return t ? 1 : 2;
	case ACT_QUIT:
		return 1;
	case ACT_OPEN: case ACT_EDIT: case ACT_EXAMPLES: case ACT_TRAIN: case ACT_OVERVIEW:
	case ACT_DELETE:
		return t ? 1 : 0;
	case ACT_PUBLISH:
		return t && learn_has_draft(t) ? 2 : 0;
	case ACT_ACTIVATE:
		return t && t->latest_model && !t->active ? 1 : 0;
	case ACT_RESULTS:
		return t && (t->active || t->n_detections) ? 1 : 0;
	case ACT_RATES:
		return t && t->active ? 1 : 0;
	}
	return 1;
}

static const char *const trackers_contexts[] = {"trackers", "list", NULL};

const struct screen_ops screen_trackers = {
	.name = "Trackers",
	.contexts = trackers_contexts,
	.open = trackers_open,
	.draw = trackers_draw,
	.key = trackers_key,
	.close = trackers_close,
	.offers = trackers_offers,
	.follows = 1,
};
