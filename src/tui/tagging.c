/* Tagging round: the round's sentences one at a time, the target in bold with two
 * sentences before and after it, tagged YES / NO / NOT SURE with one key. Every tag is
 * written (and committed) before the next sentence shows. When the round completes the
 * next round is built, or from round 4 on the model is trained in the background and
 * the overview follows. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "xmalloc.h"

enum mode {
	M_WAIT,			/* the round is being prepared */
	M_TAG,
	M_TRAIN,		/* the round is complete and the model trains */
	M_ERROR,		/* no round: why is in note */
};

struct item {
	struct store_sentence *ctx;	/* the sentence with its neighbours */
	size_t n, t;			/* how many, and which is the target */
	struct store_call *call;
};

struct tagging {
	int64_t tracker;
	char *name;
	int mode;
	unsigned job;
	struct store_round *round;
	struct item *items;
	int pos;
	int want_pos;		/* position to resume at, -1 for the first untagged */
	int64_t yes, no, unsure;
	int done_round;		/* the round just completed, for the waiting text */
	char note[600];
};

static const char *label_word(int label)
{
	switch (label) {
	case STORE_TAG_YES: return "YES";
	case STORE_TAG_NO: return "NO";
	case STORE_TAG_UNSURE: return "NOT SURE";
	}
	return "not tagged yet";
}

static void free_round(struct tagging *g)
{
	if (g->round)
		for (size_t i = 0; i < g->round->n_items; i++) {
			store_sentences_free(g->items[i].ctx, g->items[i].n);
			store_calls_free(g->items[i].call, g->items[i].call ? 1 : 0);
		}
	free(g->items);
	store_round_free(g->round);
	g->items = NULL;
	g->round = NULL;
}

static void count(struct tagging *g, int label, int delta)
{
	if (label == STORE_TAG_YES)
		g->yes += delta;
	else if (label == STORE_TAG_NO)
		g->no += delta;
	else if (label == STORE_TAG_UNSURE)
		g->unsure += delta;
}

static int tagged(const struct tagging *g)
{
	int k = 0;
	for (size_t i = 0; g->round && i < g->round->n_items; i++)
		k += g->round->items[i].tag != STORE_TAG_NONE;
	return k;
}

/* The next untagged item after pos (wrapping), or -1 when every item has a tag. */
static int next_untagged(const struct tagging *g, int pos)
{
	int n = (int)g->round->n_items;
	for (int k = 1; k <= n; k++) {
		int i = (pos + k) % n;
		if (g->round->items[i].tag == STORE_TAG_NONE)
			return i;
	}
	return -1;
}

static void want_round(struct tagging *g, struct tui *app)
{
	g->mode = M_WAIT;
	g->job = worker_submit(app->worker, JOB_ROUND, g->tracker, 0);
}

static void autoplay(struct tagging *g, struct tui *app)
{
	if (app->cfg->autoplay && g->mode == M_TAG)
		tui_play_sentence(app, g->round->items[g->pos].sentence, 0);
}

static void save_position(struct tagging *g, struct tui *app)
{
	char err[256];
	if (tui_resume_save(app, g->tracker, g->pos, err, sizeof(err)) < 0)
		tui_error(app, "Could not remember the position: %s", err);
}

/* Takes the round the worker made and loads what every item shows. */
static void install(struct tagging *g, struct tui *app, struct store_round *r)
{
	char err[512];
	free_round(g);
	g->round = r;
	g->items = xcalloc(r->n_items + 1, sizeof(*g->items));
	int64_t *calls = xcalloc(r->n_items + 1, sizeof(int64_t));
	size_t ncalls = 0;
	for (size_t i = 0; i < r->n_items; i++) {
		struct item *it = &g->items[i];
		if (store_sentence_context(app->st, r->items[i].sentence, 2, 2, &it->ctx, &it->n, &it->t,
					   err, sizeof(err)) != 0) {
			it->ctx = NULL;
			it->n = 0;
			continue;
		}
		if (store_call_get_id(app->st, it->ctx[it->t].call, &it->call, err, sizeof(err)) != 0)
			it->call = NULL;
		calls[ncalls++] = it->ctx[it->t].call;
	}
	g->pos = -1;
	if (g->want_pos >= 0 && g->want_pos < (int)r->n_items)
		g->pos = g->want_pos;
	g->want_pos = -1;
	if (g->pos < 0) {
		g->pos = next_untagged(g, (int)r->n_items - 1);
		if (g->pos < 0)
			g->pos = 0;
	}
	/* prepare recordings starting with the item shown */
	int64_t *order = xcalloc(ncalls + 1, sizeof(int64_t));
	size_t k = 0;
	for (size_t i = 0; i < r->n_items; i++) {
		size_t j = ((size_t)g->pos + i) % r->n_items;
		if (g->items[j].n)
			order[k++] = g->items[j].ctx[g->items[j].t].call;
	}
	tui_play_prepare(app, order, k);
	free(order);
	free(calls);
	g->mode = M_TAG;
	g->done_round = 0;
	save_position(g, app);
}

/* arg: struct tagging_arg *, owned. */
static void *tagging_open(struct tui *app, void *arg)
{
	struct tagging_arg *a = arg;
	char err[512];
	struct store_tracker *t;
	if (store_tracker_get(app->st, a->tracker, &t, err, sizeof(err)) != 0) {
		tui_error(app, "Cannot open the tracker: %s", err);
		free(a);
		return NULL;
	}
	struct tagging *g = xcalloc(1, sizeof(*g));
	g->tracker = a->tracker;
	g->want_pos = a->position;
	free(a);
	g->name = xstrdup(t->live.name);
	g->yes = t->n_yes;
	g->no = t->n_no;
	g->unsure = t->n_unsure;
	/* a round from 4 on completed without its model (the app was stopped while it
	 * trained): train first */
	struct store_round *last = NULL;
	struct store_model *m = NULL;
	int stale = 0;
	if (!t->round_open && t->rounds >= LEARN_FIRST_MODEL_ROUND &&
	    store_round_latest(app->st, g->tracker, &last, err, sizeof(err)) == 0) {
		int hm = store_model_latest(app->st, g->tracker, &m, err, sizeof(err));
		stale = hm == 1 || (hm == 0 && m->created < last->completed);
		g->done_round = last->number;
	}
	store_round_free(last);
	store_model_free(m);
	store_tracker_free(t);
	if (stale) {
		g->mode = M_TRAIN;
		g->job = worker_submit(app->worker, JOB_TRAIN, g->tracker, 0);
	} else {
		g->done_round = 0;
		want_round(g, app);
	}
	return g;
}

static void tagging_close(void *state, struct tui *app)
{
	(void)app;
	struct tagging *g = state;
	free_round(g);
	free(g->name);
	free(g);
}

static const char *side_word(int side)
{
	return side == STORE_COMPANY ? "our company" : "customer";
}

/* Rows one context sentence takes: a header and its text. */
static int sentence_rows(const struct store_sentence *s, int w, int max)
{
	return 1 + tui_wrap(0, 0, w, max, s->text, 0, 0, 0);
}

static void draw_item(struct tagging *g, struct tui *app, int y, int bottom)
{
	int w = app->cols;
	struct item *it = &g->items[g->pos];
	char line[512], date[32], clock[16];
	if (!it->n) {
		tui_put(y, 2, w - 4, "This sentence is no longer in the workspace.",
			tui_color(app, C_ERROR), 0);
		return;
	}
	const struct store_call *c = it->call;
	tui_date(c ? c->started : NULL, 0, date, sizeof(date));
	snprintf(line, sizeof(line), " Call: %s · %s%s%s%s%s", c ? c->title : "?", date,
		 c && *tui_meta(c, "team") ? " · " : "", c ? tui_meta(c, "team") : "",
		 c && *tui_meta(c, "deal_stage") ? " · " : "", c ? tui_meta(c, "deal_stage") : "");
	tui_put(y++, 0, w, line, tui_color(app, C_ACCENT), 0);
	for (int x = 1; x < w - 1; x++)
		tui_put(y, x, 1, "─", tui_color(app, C_DIM), 0);
	y++;
	int status_row = bottom - 1;
	int room = status_row - y - 1;
	int tw = w - 8;
	/* which neighbours fit: drop the outermost first */
	size_t first = 0, last = it->n - 1;
	int max_ctx = 2, max_target = 4;
	for (;;) {
		int need = 0;
		for (size_t j = first; j <= last; j++)
			need += sentence_rows(&it->ctx[j], tw, j == it->t ? max_target : max_ctx);
		if (need <= room || (first == it->t && last == it->t))
			break;
		if (max_ctx > 1) {
			max_ctx = 1;
			continue;
		}
		if (it->t - first >= last - it->t && first < it->t)
			first++;
		else if (last > it->t)
			last--;
		else
			first++;
	}
	int64_t heard = c ? tui_play_heard(app, c->id) : -1;
	for (size_t j = first; j <= last && y < status_row; j++) {
		const struct store_sentence *s = &it->ctx[j];
		int target = j == it->t;
		tui_clock(s->start_ms, clock, sizeof(clock));
		snprintf(line, sizeof(line), "%s %s · %s · %s", target ? "▶" : " ", s->speaker,
			 side_word(s->side), clock);
		tui_put(y, 2, w - 4, line, target ? tui_color(app, C_ACCENT) : tui_color(app, C_DIM), 0);
		if (heard >= s->start_ms && heard < s->end_ms)
			tui_put(y, 1, 1, "♪", tui_color(app, C_ACCENT), 0);
		y++;
		y += tui_wrap(y, 6, tw, target ? max_target : max_ctx, s->text,
			      target ? A_BOLD : A_NORMAL, 0, 1);
	}
	int tag = g->round->items[g->pos].tag;
	snprintf(line, sizeof(line), " This item: %s", label_word(tag));
	tui_put(status_row, 0, w, line, tag == STORE_TAG_YES ? tui_color(app, C_YES) :
		tag == STORE_TAG_NO ? tui_color(app, C_NO) : tag == STORE_TAG_UNSURE ?
		tui_color(app, C_UNSURE) : A_NORMAL, 0);
}

/* Columns of the tracker's name the header keeps before it drops the tag counts. */
#define MIN_NAME_COLS 12

static void tagging_draw(void *state, struct tui *app)
{
	struct tagging *g = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[512], right[96], prog[128] = "";
	if (g->round && g->mode == M_TAG)
		snprintf(prog, sizeof(prog), " · round %d · item %d of %zu · %d/%zu tagged",
			 g->round->number, g->pos + 1, g->round->n_items, tagged(g),
			 g->round->n_items);
	/* Where the round stands always shows in full: on a narrow terminal the counts get
	 * shorter, then the name gives way (with an ellipsis), then the counts go. */
	int pw = tui_width(prog), nw = tui_width(g->name);
	/* the tracker's tags in all rounds, said apart from this round's progress */
	snprintf(right, sizeof(right), "all tags: YES %lld  NO %lld  NOT SURE %lld ",
		 (long long)g->yes, (long long)g->no, (long long)g->unsure);
	if (1 + nw + pw + 1 + tui_width(right) > w)
		snprintf(right, sizeof(right), "all: Y %lld  N %lld  ? %lld ", (long long)g->yes,
			 (long long)g->no, (long long)g->unsure);
	int rw = tui_width(right);
	if (1 + (nw < MIN_NAME_COLS ? nw : MIN_NAME_COLS) + pw + 1 + rw > w)
		rw = 0;
	int name_w = w - 1 - pw - (rw ? rw + 1 : 0);
	int x = 1;
	if (name_w > 1)
		x += tui_put(y, x, name_w, g->name, A_NORMAL, 0);
	tui_put(y, x, w - x - (rw ? rw + 1 : 0), prog, A_NORMAL, 0);
	if (rw)
		tui_put(y, w - rw, rw, right, A_NORMAL, 0);
	y++;
	if (g->mode == M_TAG) {
		/* one cell per item: its tag, the current one reversed */
		int x = 1;
		for (size_t i = 0; i < g->round->n_items && x + 2 < w; i++) {
			int tg = g->round->items[i].tag;
			const char *c = tg == STORE_TAG_YES ? "y" : tg == STORE_TAG_NO ? "n" :
					tg == STORE_TAG_UNSURE ? "?" : "·";
			attr_t a = tg == STORE_TAG_YES ? tui_color(app, C_YES) : tg == STORE_TAG_NO ?
				   tui_color(app, C_NO) : tg == STORE_TAG_UNSURE ? tui_color(app, C_UNSURE)
				   : tui_color(app, C_DIM);
			if ((int)i == g->pos)
				a |= A_REVERSE;
			tui_put(y, x, 1, c, a, 0);
			x += 2;
		}
		y++;
		draw_item(g, app, y, bottom);
		return;
	}
	y++;
	switch (g->mode) {
	case M_WAIT:
		if (g->done_round)
			snprintf(line, sizeof(line), "Round %d complete ✓ — preparing round %d…",
				 g->done_round, g->done_round + 1);
		else if (!app->ix)
			snprintf(line, sizeof(line), "Loading the workspace index, then the round…");
		else
			snprintf(line, sizeof(line), "Preparing the round…");
		tui_put(y + 1, 2, w - 4, line, A_NORMAL, 0);
		break;
	case M_TRAIN:
		snprintf(line, sizeof(line), "Round %d complete ✓ — training the model on %lld YES and "
			 "%lld NO tags. The overview follows.", g->done_round, (long long)g->yes,
			 (long long)g->no);
		tui_wrap(y + 1, 2, w - 4, 3, line, A_NORMAL, 0, 1);
		tui_put(y + 4, 2, w - 4, "Esc cancels the training (every tag is kept).",
			tui_color(app, C_DIM), 0);
		break;
	case M_ERROR:
		tui_wrap(y + 1, 2, w - 4, 4, g->note, tui_color(app, C_ERROR), 0, 1);
		tui_put(y + 6, 2, w - 4, "q goes back.", tui_color(app, C_DIM), 0);
		break;
	}
}

/* Writes a tag for the current item; returns the reaction. */
static int tag(struct tagging *g, struct tui *app, int label)
{
	char err[512];
	if (g->mode != M_TAG) {
		tui_info(app, g->mode == M_TRAIN ? "The model is training: wait, or Esc to cancel." :
			 "The round is not ready yet.");
		return TUI_REDRAW;
	}
	struct store_round_item *ri = &g->round->items[g->pos];
	int prev = ri->tag;
	int left = (int)g->round->n_items - tagged(g);
	int completes = prev == STORE_TAG_NONE && left == 1;
	int train = completes && g->round->number >= LEARN_FIRST_MODEL_ROUND;
	tui_play_stop(app);
	int rc = store_begin(app->st, err, sizeof(err));
	struct learn_tag_result res = {0};
	if (rc == 0) {
		/* the training that completing this round starts runs in the background, after
		 * the tag itself is committed */
		if (train || !app->ix)
			rc = store_tag_set(app->st, g->tracker, ri->sentence, label,
					   &res.round_completed, err, sizeof(err));
		else
			rc = learn_tag(app->st, app->ix, g->tracker, ri->sentence, label, &res, err,
				       sizeof(err));
	}
	int next = rc == 0 ? next_untagged(g, g->pos) : -1;
	if (next == g->pos)
		next = -1;
	if (rc == 0)
		rc = tui_resume_save(app, g->tracker, next >= 0 && !completes ? next : g->pos, err,
				     sizeof(err));
	if (rc == 0)
		rc = store_commit(app->st, err, sizeof(err));
	if (rc < 0) {
		store_rollback(app->st);
		/* deleted from the command line while this screen was open */
		struct store_tracker *t = NULL;
		char e2[256];
		if (store_tracker_get(app->st, g->tracker, &t, e2, sizeof(e2)) != 0)
			tui_error(app, "The tag was not saved: this tracker was deleted meanwhile (q goes "
				  "back).");
		else
			tui_error(app, "The tag was not saved: %s", err);
		store_tracker_free(t);
		return TUI_REDRAW;
	}
	ri->tag = label;
	count(g, prev, -1);
	count(g, label, +1);
	if (res.round_completed || completes) {
		g->done_round = g->round->number;
		if (train || (res.round_completed && g->round->number >= LEARN_FIRST_MODEL_ROUND &&
			      !res.trained)) {
			g->mode = M_TRAIN;
			g->job = worker_submit(app->worker, JOB_TRAIN, g->tracker, 0);
		} else if (res.trained) {
			int64_t *a = xmalloc(sizeof(*a));
			*a = g->tracker;
			tui_next(app, &screen_overview, a);
			return TUI_REPLACE | TUI_RELOAD;
		} else {
			tui_info(app, "Round %d complete: %d to go before the first model.",
				 g->round->number, LEARN_FIRST_MODEL_ROUND - g->round->number);
			want_round(g, app);
		}
		return TUI_REDRAW | TUI_RELOAD;
	}
	if (next >= 0)
		g->pos = next;
	autoplay(g, app);
	return TUI_REDRAW | TUI_RELOAD;
}

static int undo(struct tagging *g, struct tui *app)
{
	char err[512];
	int64_t sid = 0;
	int now = STORE_TAG_NONE;
	if (g->mode != M_TAG)
		return TUI_REDRAW;
	int rc = store_begin(app->st, err, sizeof(err));
	if (rc == 0)
		rc = store_tag_undo(app->st, g->tracker, &sid, &now, err, sizeof(err));
	int at = -1;
	for (size_t i = 0; sid && i < g->round->n_items; i++)
		if (g->round->items[i].sentence == sid)
			at = (int)i;
	if (rc == 0 && at >= 0)
		rc = tui_resume_save(app, g->tracker, at, err, sizeof(err));
	if (rc == 0)
		rc = store_commit(app->st, err, sizeof(err));
	if (rc < 0) {
		store_rollback(app->st);
		tui_error(app, "Could not undo: %s", err);
		return TUI_REDRAW;
	}
	if (!sid) {
		tui_info(app, "Nothing to undo in this round.");
		return TUI_REDRAW;
	}
	if (at < 0) {
		tui_info(app, "Took back a tag of an earlier round.");
		return TUI_REDRAW | TUI_RELOAD;
	}
	int was = g->round->items[at].tag;
	g->round->items[at].tag = now;
	count(g, was, -1);
	count(g, now, +1);
	g->pos = at;
	if (now == STORE_TAG_NONE)
		tui_info(app, "Took back the %s on item %d.", label_word(was), at + 1);
	else
		tui_info(app, "Took back the %s on item %d: it is %s again.", label_word(was), at + 1,
			 label_word(now));
	return TUI_REDRAW | TUI_RELOAD;
}

static int job_done(struct tagging *g, struct tui *app)
{
	struct job_result r;
	if (!g->job || !worker_take(app->worker, g->job, &r))
		return TUI_NONE;
	g->job = 0;
	if (r.kind == JOB_ROUND) {
		if (r.rc == 0) {
			install(g, app, r.round);
			r.round = NULL;
			autoplay(g, app);
		} else {
			g->mode = M_ERROR;
			snprintf(g->note, sizeof(g->note), "No round to tag: %s", r.err);
		}
	} else if (r.kind == JOB_TRAIN) {
		if (r.rc == 0)
			/* from every tag so far, not the round's alone */
			tui_info(app, "Round %d complete: model version %d built from every tag so "
				 "far.", g->done_round, r.version);
		else if (r.rc == 1)
			tui_info(app, "Training cancelled: every tag is kept. Press m to build the "
				 "model now.");
		else
			tui_error(app, "Training failed: %s", r.err);
		job_result_clear(&r);
		char err[256];
		tui_resume_save(app, 0, 0, err, sizeof(err));
		int64_t *a = xmalloc(sizeof(*a));
		*a = g->tracker;
		tui_next(app, &screen_overview, a);
		return TUI_REPLACE | TUI_RELOAD;
	}
	job_result_clear(&r);
	return TUI_REDRAW;
}

/* Ctrl-L, or the screen shown again: the round's tags and the counts as the workspace
 * has them now, which the command line (or another window) may have changed; a round
 * completed there gives way to the next. */
static int reload_round(struct tagging *g, struct tui *app)
{
	char err[512];
	struct store_tracker *t = NULL;
	struct store_round *r = NULL;
	if (g->mode != M_TAG)
		return TUI_REDRAW;
	if (store_tracker_get(app->st, g->tracker, &t, err, sizeof(err)) != 0) {
		g->mode = M_ERROR;
		snprintf(g->note, sizeof(g->note), "This tracker was deleted meanwhile.");
		return TUI_REDRAW;
	}
	g->yes = t->n_yes;
	g->no = t->n_no;
	g->unsure = t->n_unsure;
	store_tracker_free(t);
	if (store_round_latest(app->st, g->tracker, &r, err, sizeof(err)) != 0) {
		tui_error(app, "Cannot read the round: %s", err);
		return TUI_REDRAW;
	}
	if (r->id != g->round->id || r->completed) {
		store_round_free(r);
		tui_info(app, "Round %d was completed meanwhile: on to the next.", g->round->number);
		g->want_pos = -1;
		want_round(g, app);
		return TUI_REDRAW;
	}
	for (size_t i = 0; i < g->round->n_items; i++)
		for (size_t j = 0; j < r->n_items; j++)
			if (r->items[j].sentence == g->round->items[i].sentence)
				g->round->items[i].tag = r->items[j].tag;
	store_round_free(r);
	return TUI_REDRAW;
}

static int tagging_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct tagging *g = state;
	char err[256];
	switch (ev->action) {
	case ACT_JOB_DONE:
		return job_done(g, app);
	case ACT_RELOAD:
		return reload_round(g, app);
	case ACT_TAG_YES:
		return tag(g, app, STORE_TAG_YES);
	case ACT_TAG_NO:
		return tag(g, app, STORE_TAG_NO);
	case ACT_TAG_UNSURE:
		return tag(g, app, STORE_TAG_UNSURE);
	case ACT_UNDO:
		return undo(g, app);
	case ACT_PREV_ITEM:
	case ACT_NEXT_ITEM:
		if (g->mode != M_TAG)
			return TUI_REDRAW;
		g->pos += ev->action == ACT_NEXT_ITEM ? 1 : -1;
		if (g->pos < 0)
			g->pos = 0;
		if (g->pos >= (int)g->round->n_items)
			g->pos = (int)g->round->n_items - 1;
		save_position(g, app);
		autoplay(g, app);
		return TUI_REDRAW;
	case ACT_CALL:
		if (g->mode != M_TAG || !g->items[g->pos].n)
			return TUI_REDRAW;
		{
			struct call_arg *a = xcalloc(1, sizeof(*a));
			a->call = g->items[g->pos].ctx[g->items[g->pos].t].call;
			a->sentence = g->round->items[g->pos].sentence;
			tui_next(app, &screen_call, a);
		}
		return TUI_PUSH;
	case ACT_PLAY:
	case ACT_PLAY_CONTEXT:
	case ACT_WRITE_WAV:
		if (g->mode != M_TAG)
			return TUI_REDRAW;
		if (ev->action == ACT_WRITE_WAV)
			tui_play_write(app, g->round->items[g->pos].sentence);
		else
			tui_play_sentence(app, g->round->items[g->pos].sentence,
					  ev->action == ACT_PLAY_CONTEXT);
		return TUI_REDRAW;
	case ACT_CANCEL:
		if (g->mode == M_TRAIN) {
			worker_cancel(app->worker, g->job);
			tui_info(app, "Cancelling the training…");
			return TUI_REDRAW;
		}
		if (g->mode == M_WAIT)
			return TUI_REDRAW;
		/* fall through */
	case ACT_BACK:
		if (g->mode == M_TRAIN) {
			tui_info(app, "The model is training: wait, or Esc to cancel.");
			return TUI_REDRAW;
		}
		tui_play_stop(app);
		if (tui_resume_save(app, 0, 0, err, sizeof(err)) < 0)
			tui_error(app, "%s", err);
		else if (g->round && g->mode == M_TAG)
			tui_info(app, "Round %d kept: %d of %zu tagged.", g->round->number, tagged(g),
				 g->round->n_items);
		return TUI_POP | TUI_RELOAD;
	}
	return TUI_PASS;
}

/* The footer shows the tags, undo, playing and leaving first: on 80 columns moving
 * without tagging and opening the call give way (? lists them). While the model trains
 * only Esc does something; while the round is prepared, or when there is none, q. */
static int tagging_offers(void *state, int action)
{
	struct tagging *g = state;
	if (g->mode == M_TRAIN)
		return action == ACT_CANCEL ? 2 : 0;
	if (g->mode != M_TAG)
		return action == ACT_BACK ? 2 : 0;
	if (action == ACT_CANCEL)
		return 0;	/* Esc goes back, as q does */
	return action == ACT_NEXT_ITEM || action == ACT_PREV_ITEM || action == ACT_CALL ? 1 : 2;
}

static const char *const tagging_contexts[] = {"tagging", NULL};

const struct screen_ops screen_tagging = {
	.name = "Tagging",
	.contexts = tagging_contexts,
	.plays = 1,
	.open = tagging_open,
	.draw = tagging_draw,
	.key = tagging_key,
	.close = tagging_close,
	.offers = tagging_offers,
};
