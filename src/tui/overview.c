/* Performance overview: estimated precision and hit rate with their ranges and the
 * counts behind them, in plain words; the audit's check and whether more rounds would
 * help; and the 20 sentences the model surfaces, which the admin marks right or wrong
 * against the usual bar of 15 of 20. Train more, activate, or go back. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Right answers out of the 20 samples that usually justify activating. */
#define USUAL_BAR 15

struct overview {
	int64_t tracker;
	char *name;
	int active, draft;
	int live_version;	/* the published model's version, 0 when none */
	int draft_settings;	/* edited settings wait to be published */
	unsigned job;		/* the overview being computed */
	unsigned train_job;	/* a model being built (m) */
	char err[600];
	struct learn_overview *o;
	signed char *mark;	/* per sample: -1 unmarked, 1 right, 0 wrong */
	struct tui_list list;
	int show_ctx;
	struct store_sentence *ctx;	/* context of ctx_for */
	size_t nctx, tctx;
	int64_t ctx_for;
};

static void marks_key(const struct overview *v, char *buf, size_t len)
{
	snprintf(buf, len, "tui.marks.%lld.%d", (long long)v->tracker, v->o->model_version);
}

static void load_marks(struct overview *v, struct tui *app)
{
	char key[64], err[256], *val = NULL;
	free(v->mark);
	v->mark = xcalloc(v->o->n_samples + 1, 1);
	memset(v->mark, -1, v->o->n_samples);
	marks_key(v, key, sizeof(key));
	if (store_state_get(app->st, key, &val, err, sizeof(err)) != 0)
		return;
	for (char *p = val; p && *p;) {
		long long sid;
		int m, used;
		if (sscanf(p, "%lld:%d%n", &sid, &m, &used) != 2)
			break;
		for (size_t i = 0; i < v->o->n_samples; i++)
			if (v->o->samples[i].sentence == sid)
				v->mark[i] = (signed char)(m ? 1 : 0);
		p += used;
		while (*p == ',')
			p++;
	}
	free(val);
}

static int save_marks(struct overview *v, struct tui *app)
{
	char key[64], err[256];
	struct sbuf b = {0};
	for (size_t i = 0; i < v->o->n_samples; i++)
		if (v->mark[i] >= 0)
			sbuf_printf(&b, "%s%lld:%d", b.len ? "," : "", (long long)v->o->samples[i].sentence,
				    v->mark[i]);
	marks_key(v, key, sizeof(key));
	int rc = store_state_set(app->st, key, b.s ? b.s : "", err, sizeof(err));
	sbuf_free(&b);
	if (rc < 0)
		tui_error(app, "Could not keep the mark: %s", err);
	return rc;
}

static void load_tracker(struct overview *v, struct tui *app)
{
	char err[512];
	struct store_tracker *t;
	if (store_tracker_get(app->st, v->tracker, &t, err, sizeof(err)) != 0)
		return;
	free(v->name);
	v->name = xstrdup(t->live.name);
	v->active = t->active;
	v->draft = learn_has_draft(t);
	v->live_version = t->active ? t->live_version : 0;
	v->draft_settings = t->active && t->has_draft_settings;
	store_tracker_free(t);
}

static void request(struct overview *v, struct tui *app)
{
	v->job = worker_submit(app->worker, JOB_OVERVIEW, v->tracker, 0);
}

/* arg: int64_t * tracker id, owned. */
static void *overview_open(struct tui *app, void *arg)
{
	struct overview *v = xcalloc(1, sizeof(*v));
	v->tracker = *(int64_t *)arg;
	free(arg);
	load_tracker(v, app);
	if (!v->name) {
		tui_error(app, "There is no tracker %lld.", (long long)v->tracker);
		free(v);
		return NULL;
	}
	request(v, app);
	tui_top(app)->list = &v->list;
	return v;
}

static void drop_ctx(struct overview *v)
{
	store_sentences_free(v->ctx, v->nctx);
	v->ctx = NULL;
	v->nctx = 0;
	v->ctx_for = 0;
}

static void overview_close(void *state, struct tui *app)
{
	struct overview *v = state;
	if (v->job)
		worker_cancel(app->worker, v->job);
	learn_overview_free(v->o);
	free(v->mark);
	drop_ctx(v);
	free(v->name);
	free(v);
}

/* Rows of the context view: the surfaced sentence whole (up to this many rows), its
 * neighbours on one row each. */
#define CTX_TARGET_ROWS 3

/* Draws context sentence j from row y in at most maxrows rows (0: only measures);
 * returns the rows it takes. The surfaced sentence is bold, its neighbours plain, as
 * on the tagging screen. */
static int ctx_draw(const struct overview *v, size_t j, int y, int w, int maxrows)
{
	char line[600], clock[16];
	int target = j == v->tctx;
	tui_clock(v->ctx[j].start_ms, clock, sizeof(clock));
	snprintf(line, sizeof(line), "%s %s: %s", clock, v->ctx[j].speaker, v->ctx[j].text);
	int limit = target ? CTX_TARGET_ROWS : 1;
	if (!maxrows)
		return tui_wrap(0, 0, w - 9, limit, line, A_NORMAL, 0, 0);
	return tui_wrap(y, 8, w - 9, limit < maxrows ? limit : maxrows, line,
			target ? A_BOLD : A_NORMAL, 0, 1);
}

static void overview_draw(void *state, struct tui *app)
{
	struct overview *v = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[600], a[16], b[16], c[16];
	const struct learn_overview *o = v->o;
	if (!o) {
		snprintf(line, sizeof(line), " %s", v->name);
		tui_put(y, 0, w, line, A_NORMAL, 0);
		if (v->err[0])
			tui_wrap(y + 2, 2, w - 4, 4, v->err, tui_color(app, C_ERROR), 0, 1);
		else
			tui_put(y + 2, 2, w - 4, v->train_job ? "Building the model…" :
				!app->ix ? "Loading the workspace index, then the estimates…" :
				"Estimating precision and hit rate on held-out calls…", A_NORMAL, 0);
		return;
	}
	if (!o->model_version) {
		const char *none[] = {"no model yet"};
		tui_put_header(y++, 1, w - 1, v->name, none, 1, 1, A_NORMAL);
		y++;
		if (o->examples < LEARN_MIN_EXAMPLES)
			/* neither a round nor a model can be made yet */
			snprintf(line, sizeof(line), "%lld example sentence%s: a round or a model needs "
				 "%d. Add them on the examples screen (x on the trackers screen), then "
				 "tag the first round.", (long long)o->examples,
				 o->examples == 1 ? "" : "s", LEARN_MIN_EXAMPLES);
		else
			snprintf(line, sizeof(line), "%lld YES, %lld NO and %lld NOT SURE tags after %d "
				 "round%s. The first model is built after round %d: press t to tag a "
				 "round, or m to build a provisional model now.", (long long)o->yes,
				 (long long)o->no, (long long)o->unsure, o->rounds,
				 o->rounds == 1 ? "" : "s", LEARN_FIRST_MODEL_ROUND);
		tui_wrap(y, 2, w - 4, 4, line, A_NORMAL, 0, 1);
		return;
	}
	{
		/* the model and whether it is live always show; what it was built from gives
		 * way on a narrow terminal */
		char model[64], state[64] = "", tags[96], ex[48], rounds[32];
		snprintf(model, sizeof(model), "model version %d%s", o->model_version,
			 o->provisional ? " (provisional)" : "");
		if (v->active && o->model_version != v->live_version && v->live_version)
			snprintf(state, sizeof(state), "a draft, not published (v%d is live)",
				 v->live_version);
		else if (v->draft_settings)
			snprintf(state, sizeof(state), "edited settings not published");
		snprintf(tags, sizeof(tags), "from %lld YES and %lld NO tags", (long long)o->yes,
			 (long long)o->no);
		snprintf(ex, sizeof(ex), "%lld example%s", (long long)o->examples,
			 o->examples == 1 ? "" : "s");
		snprintf(rounds, sizeof(rounds), "%d round%s", o->rounds, o->rounds == 1 ? "" : "s");
		const char *parts[] = {model, state, tags, ex, rounds};
		if (*state) {
			tui_put_header(y++, 1, w - 1, v->name, parts, 5, 2, A_NORMAL);
		} else {
			parts[1] = model;
			tui_put_header(y++, 1, w - 1, v->name, parts + 1, 4, 1, A_NORMAL);
		}
	}
	if (!isnan(o->precision)) {
		tui_pct(o->precision, a, sizeof(a));
		tui_pct(o->precision_lo, b, sizeof(b));
		tui_pct(o->precision_hi, c, sizeof(c));
		snprintf(line, sizeof(line), " Precision %4s  (%s–%s)", a, b, c);
		int x = tui_put(y, 0, w, line, tui_color(app, C_ACCENT), 0);
		snprintf(line, sizeof(line), "of every 10 detections, about %.0f are right",
			 o->precision * 10);
		tui_put(y++, x < 28 ? 28 : x + 2, w - 28, line, A_NORMAL, 0);
		tui_pct(o->recall, a, sizeof(a));
		tui_pct(o->recall_lo, b, sizeof(b));
		tui_pct(o->recall_hi, c, sizeof(c));
		snprintf(line, sizeof(line), " Hit rate  %4s  (%s–%s)", a, b, c);
		x = tui_put(y, 0, w, line, tui_color(app, C_ACCENT), 0);
		snprintf(line, sizeof(line), "it finds about %.0f of every 10 times it is said",
			 o->recall * 10);
		tui_put(y++, x < 28 ? 28 : x + 2, w - 28, line, A_NORMAL, 0);
		char held[32], det[32], scope[32];
		tui_thousands(o->held_out, held, sizeof(held));
		tui_thousands((int64_t)llround(o->est_detections), det, sizeof(det));
		tui_thousands(o->scope_sentences, scope, sizeof(scope));
		snprintf(line, sizeof(line), "From %d held-out splits scoring %s tagged sentences; "
			 "it would detect about %s of the %s sentences in its calls.", o->splits,
			 held, det, scope);
		y += tui_wrap(y, 1, w - 2, 2, line, tui_color(app, C_DIM), 0, 1);
	} else {
		snprintf(line, sizeof(line), " %s", o->estimate_note ? o->estimate_note :
			 "Too few YES and NO tags for estimates yet: tag another round.");
		y += tui_wrap(y, 1, w - 2, 2, line, tui_color(app, C_WARN), 0, 1);
	}
	if (o->audit_note) {
		snprintf(line, sizeof(line), " %s", o->audit_note);
		y += tui_wrap(y, 1, w - 2, 2, line, o->audit_disagrees ? tui_color(app, C_WARN)
								 : tui_color(app, C_DIM), 0, 1);
	}
	if (o->advice) {
		/* whether more rounds help is the point of the sentence: it ends whole */
		snprintf(line, sizeof(line), " %s", o->advice);
		y += tui_wrap(y, 1, w - 2, 2, line, tui_color(app, C_DIM), 0, 1);
	}
	int right = 0, wrong = 0;
	for (size_t i = 0; i < o->n_samples; i++) {
		right += v->mark[i] == 1;
		wrong += v->mark[i] == 0;
	}
	snprintf(line, sizeof(line), " Surfaced sentences: %d of %zu right, %d wrong · usual bar to "
		 "activate: %d of 20", right, o->n_samples, wrong, USUAL_BAR);
	tui_put(y++, 0, w, line, right >= USUAL_BAR ? tui_color(app, C_YES) : A_UNDERLINE, 0);
	if (!o->n_samples) {
		tui_put(y, 2, w - 4, "The model surfaces no sentence in this tracker's calls.",
			A_NORMAL, 0);
		return;
	}
	int ctx_rows = 0;
	if (v->show_ctx && v->ctx && v->ctx_for == o->samples[v->list.sel].sentence)
		for (size_t j = 0; j < v->nctx; j++)
			ctx_rows += ctx_draw(v, j, 0, w, 0);
	int rows = bottom - y - ctx_rows;
	if (rows < 3) {
		ctx_rows = 0;
		rows = bottom - y;
	}
	tui_list_scroll(&v->list, rows);
	for (int i = v->list.top; i < (int)o->n_samples && i < v->list.top + rows && y < bottom; i++) {
		int sel = i == v->list.sel;
		attr_t at = sel ? tui_color(app, C_SEL) : A_NORMAL;
		if (sel)
			tui_fill(y, 0, w, at, 0);
		const char *m = v->mark[i] == 1 ? "✓" : v->mark[i] == 0 ? "✗" : " ";
		snprintf(line, sizeof(line), " %s %2d. %s %.2f  ", sel ? "▸" : " ", i + 1, m,
			 o->samples[i].score);
		int x = tui_put(y, 0, w, line, at, 0);
		tui_put(y, x, w - x, o->samples[i].text, at, 0);
		y++;
		if (sel && ctx_rows)
			for (size_t j = 0; j < v->nctx && y < bottom; j++)
				y += ctx_draw(v, j, y, w, bottom - y);
	}
}

static void load_ctx(struct overview *v, struct tui *app)
{
	char err[256];
	int64_t sid = v->o->samples[v->list.sel].sentence;
	if (v->ctx_for == sid)
		return;
	drop_ctx(v);
	if (store_sentence_context(app->st, sid, 2, 2, &v->ctx, &v->nctx, &v->tctx, err,
				   sizeof(err)) == 0)
		v->ctx_for = sid;
	else
		v->ctx = NULL, v->nctx = 0;
}

/* Says why neither a round nor a model can be made yet; returns 1 when that is so. */
static int too_few_examples(const struct overview *v, struct tui *app)
{
	if (!v->o || v->o->examples >= LEARN_MIN_EXAMPLES)
		return 0;
	tui_error(app, "A round or a model needs %d example sentences; %s has %lld (x on the "
		  "trackers screen adds them).", LEARN_MIN_EXAMPLES, v->name,
		  (long long)v->o->examples);
	return 1;
}

static int overview_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct overview *v = state;
	struct job_result r;
	int have = v->o && v->o->n_samples;
	switch (ev->action) {
	case ACT_JOB_DONE:
		if (v->job && worker_take(app->worker, v->job, &r)) {
			v->job = 0;
			if (r.rc == 0) {
				learn_overview_free(v->o);
				v->o = r.overview;
				r.overview = NULL;
				v->err[0] = '\0';
				v->list.n = (int)v->o->n_samples;
				load_marks(v, app);
				drop_ctx(v);
			} else {
				snprintf(v->err, sizeof(v->err), "No overview: %s", r.err);
			}
			job_result_clear(&r);
		}
		if (v->train_job && worker_take(app->worker, v->train_job, &r)) {
			v->train_job = 0;
			if (r.rc == 0)
				tui_info(app, "Model version %d built.", r.version);
			else
				tui_error(app, "No model: %s", r.err);
			job_result_clear(&r);
			request(v, app);
			return TUI_REDRAW | TUI_RELOAD;
		}
		return TUI_REDRAW;
	case ACT_RELOAD:
		load_tracker(v, app);
		if (v->show_ctx && have)
			load_ctx(v, app);
		return TUI_REDRAW;
	case ACT_MARK_RIGHT:
	case ACT_MARK_WRONG:
		if (!have)
			return TUI_REDRAW;
		v->mark[v->list.sel] = ev->action == ACT_MARK_RIGHT ? 1 : 0;
		save_marks(v, app);
		if (v->list.sel < v->list.n - 1)
			v->list.sel++;
		if (v->show_ctx)
			load_ctx(v, app);
		return TUI_REDRAW;
	case ACT_CONTEXT:
		if (!have)
			return TUI_REDRAW;
		v->show_ctx = !v->show_ctx;
		if (v->show_ctx)
			load_ctx(v, app);
		return TUI_REDRAW;
	case ACT_CALL:
		if (!have)
			return TUI_REDRAW;
		{
			struct call_arg *a = xcalloc(1, sizeof(*a));
			a->call = v->o->samples[v->list.sel].call;
			a->sentence = v->o->samples[v->list.sel].sentence;
			tui_next(app, &screen_call, a);
		}
		return TUI_PUSH;
	case ACT_PLAY:
	case ACT_PLAY_CONTEXT:
	case ACT_WRITE_WAV:
		if (!have)
			return TUI_REDRAW;
		if (ev->action == ACT_WRITE_WAV)
			tui_play_write(app, v->o->samples[v->list.sel].sentence);
		else
			tui_play_sentence(app, v->o->samples[v->list.sel].sentence,
					  ev->action == ACT_PLAY_CONTEXT);
		return TUI_REDRAW;
	case ACT_TRAIN: {
		if (too_few_examples(v, app))
			return TUI_REDRAW;
		struct tagging_arg *a = xmalloc(sizeof(*a));
		a->tracker = v->tracker;
		a->position = -1;
		tui_next(app, &screen_tagging, a);
		return TUI_REPLACE;
	}
	case ACT_BUILD:
		if (v->train_job || too_few_examples(v, app))
			return TUI_REDRAW;
		v->train_job = worker_submit(app->worker, JOB_TRAIN, v->tracker, 0);
		learn_overview_free(v->o);
		v->o = NULL;
		return TUI_REDRAW;
	case ACT_ACTIVATE:
	case ACT_PUBLISH:
		if (!v->o || !v->o->model_version) {
			tui_error(app, "There is no model to activate yet.");
			return TUI_REDRAW;
		}
		if (v->active && !v->draft) {
			tui_info(app, "%s is active already.", v->name);
			return TUI_REDRAW;
		}
		{
			struct activate_arg *a = xcalloc(1, sizeof(*a));
			a->tracker = v->tracker;
			a->publish = v->active;
			tui_next(app, a->publish ? &screen_publish : &screen_activate, a);
		}
		return TUI_PUSH;
	}
	if (ev->action >= ACT_UP && ev->action <= ACT_END) {
		if (v->show_ctx && have)
			load_ctx(v, app);
		return TUI_REDRAW;
	}
	if (ev->action == ACT_CANCEL && v->show_ctx && have) {
		v->show_ctx = 0;	/* Esc closes the context before it leaves the screen */
		return TUI_REDRAW;
	}
	return TUI_PASS;
}

/* The footer says what a names here: activating a tracker that is not active yet,
 * publishing the draft of one that is, nothing when it is active and up to date. */
static int overview_offers(void *state, int action)
{
	struct overview *v = state;
	int model = v->o && v->o->model_version;
	int samples = v->o && v->o->n_samples;
	switch (action) {
	case ACT_ACTIVATE:
		return model && !v->active ? 1 : 0;
	case ACT_PUBLISH:
		return v->active && v->draft ? 2 : 0;
	case ACT_BUILD:
		/* no model yet: building one now is what this screen can do, from 5 examples */
		return v->o && !model && v->o->examples >= LEARN_MIN_EXAMPLES ? 2 : 0;
	case ACT_TRAIN:
		return v->o && v->o->examples < LEARN_MIN_EXAMPLES ? 0 : 1;
	case ACT_MARK_RIGHT: case ACT_MARK_WRONG: case ACT_CONTEXT: case ACT_CALL:
	case ACT_PLAY: case ACT_PLAY_CONTEXT:
		/* they act on the surfaced sentences */
		return samples ? 1 : 0;
	}
	return 1;
}

static const char *const overview_contexts[] = {"overview", "list", NULL};

const struct screen_ops screen_overview = {
	.name = "Performance overview",
	.contexts = overview_contexts,
	.plays = 1,
	.open = overview_open,
	.draw = overview_draw,
	.key = overview_key,
	.close = overview_close,
	.offers = overview_offers,
};
