/* Example sentences: the tracker's examples with the count against the minimum of 5
 * and the product's tips; add one at a time, edit, delete, or bulk add. An example
 * that reads as more than one sentence is flagged. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "text.h"
#include "xmalloc.h"

struct examples {
	int64_t tracker;
	char *name;
	int next_round;		/* the round t opens: the open one, else the next */
	int round_open;		/* that round is under way */
	int active;		/* tagging more makes a draft */
	struct store_example *ex;
	size_t n;
	int *nsent;		/* sentences each example reads as */
	struct tui_list list;
	int editing;		/* 0, or 1 adding, 2 editing edit_id */
	int64_t edit_id;
	struct tui_edit edit;
	char edit_err[600];
	int64_t delete_id;
};

/* Lower case, single spaces, no spaces at the ends: how duplicates are recognised. */
char *tui_example_key(const char *s)
{
	struct sbuf b = {0};
	int space = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isspace(c)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			sbuf_addc(&b, ' ');
		space = 0;
		sbuf_addc(&b, (char)tolower(c));
	}
	return sbuf_take(&b);
}

int tui_sentence_count(const char *s)
{
	struct ingest_span *sp = NULL;
	size_t n = ingest_split(s, strlen(s), &sp);
	free(sp);
	return (int)n;
}

static void unload(struct examples *e)
{
	store_examples_free(e->ex, e->n);
	free(e->nsent);
	e->ex = NULL;
	e->nsent = NULL;
	e->n = 0;
}

static int load(struct examples *e, struct tui *app)
{
	char err[512];
	unload(e);
	struct store_tracker *t;
	if (store_tracker_get(app->st, e->tracker, &t, err, sizeof(err)) != 0) {
		tui_error(app, "Cannot read the tracker: %s", err);
		return -1;
	}
	free(e->name);
	e->name = xstrdup(t->live.name);
	e->round_open = t->round_open;
	e->next_round = t->round_open ? t->rounds : t->rounds + 1;
	e->active = t->active;
	store_tracker_free(t);
	if (store_examples_list(app->st, e->tracker, &e->ex, &e->n, err, sizeof(err)) < 0) {
		tui_error(app, "Cannot read the examples: %s", err);
		e->ex = NULL;
		e->n = 0;
	}
	e->nsent = xcalloc(e->n + 1, sizeof(int));
	for (size_t i = 0; i < e->n; i++)
		e->nsent[i] = tui_sentence_count(e->ex[i].text);
	e->list.n = (int)e->n;
	if (e->list.sel >= e->list.n)
		e->list.sel = e->list.n ? e->list.n - 1 : 0;
	return 0;
}

/* arg: int64_t * tracker id, owned. */
static void *examples_open(struct tui *app, void *arg)
{
	struct examples *e = xcalloc(1, sizeof(*e));
	e->tracker = *(int64_t *)arg;
	free(arg);
	e->edit.max = 2000;
	if (load(e, app) < 0) {
		unload(e);
		free(e->name);
		free(e);
		return NULL;
	}
	tui_top(app)->list = &e->list;
	return e;
}

static void examples_close(void *state, struct tui *app)
{
	(void)app;
	struct examples *e = state;
	unload(e);
	free(e->name);
	tui_edit_free(&e->edit);
	free(e);
}

static void examples_draw(void *state, struct tui *app)
{
	struct examples *e = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[512];
	snprintf(line, sizeof(line), " Example sentences for \"%s\"", e->name);
	tui_put(y++, 0, w, line, A_NORMAL, 0);
	if (e->n >= LEARN_MIN_EXAMPLES) {
		/* what t does for this tracker now */
		char next[96];
		if (e->next_round == 1)
			snprintf(next, sizeof(next), "press t to start tagging: round 1");
		else if (e->active)
			snprintf(next, sizeof(next), "t trains more: round %d (a draft until published)",
				 e->next_round);
		else
			snprintf(next, sizeof(next), "t continues tagging: round %d%s", e->next_round,
				 e->round_open ? ", under way" : "");
		snprintf(line, sizeof(line), " %zu of at least %d ✓ (at most %d) · %s", e->n,
			 LEARN_MIN_EXAMPLES, LEARN_MAX_EXAMPLES, next);
		if (tui_width(line) > w)	/* what t does matters more than the most */
			snprintf(line, sizeof(line), " %zu of at least %d ✓ · %s", e->n,
				 LEARN_MIN_EXAMPLES, next);
	} else
		snprintf(line, sizeof(line), " %zu of at least %d: add %zu more before %s round",
			 e->n, LEARN_MIN_EXAMPLES, LEARN_MIN_EXAMPLES - e->n,
			 e->next_round == 1 ? "the first" : "the next");
	tui_put(y++, 0, w, line, e->n >= LEARN_MIN_EXAMPLES ? tui_color(app, C_YES)
							    : tui_color(app, C_WARN), 0);
	y += tui_wrap(y, 1, w - 2, 2, "Tips: keep each short and to one sentence, say it the way "
		      "people do in calls, vary the words from one example to the next, and be "
		      "specific to the concept.", tui_color(app, C_DIM), 0, 1);
	y++;
	int prompt_rows = e->editing ? 3 : 0;
	int rows = bottom - y - prompt_rows;
	if (!e->n) {
		tui_put(y, 2, w - 4, "No examples yet: press a to add one, or b to paste many.",
			A_NORMAL, 0);
	} else {
		tui_list_scroll(&e->list, rows);
		for (int i = e->list.top; i < (int)e->n && i < e->list.top + rows; i++, y++) {
			int sel = i == e->list.sel && !e->editing;
			attr_t a = sel ? tui_color(app, C_SEL) : A_NORMAL;
			if (sel)
				tui_fill(y, 0, w, a, 0);
			snprintf(line, sizeof(line), " %s%3d. ", sel ? "▸" : " ", i + 1);
			int x = tui_put(y, 0, w, line, a, 0);
			char flag[64] = "";
			if (e->nsent[i] > 1)
				snprintf(flag, sizeof(flag), "  ⚠ reads as %d sentences", e->nsent[i]);
			int fw = tui_width(flag);
			x += tui_put(y, x, w - x - fw, e->ex[i].text, a, 0);
			if (fw)
				tui_put(y, x, w - x, flag, tui_color(app, C_WARN) | (sel ? A_REVERSE : 0), 0);
		}
	}
	if (e->editing) {
		y = bottom - 3;
		tui_put(y, 1, w - 2, e->editing == 1 ? "Add an example (Enter adds, Esc stops):"
						     : "Edit the example (Enter saves, Esc cancels):",
			A_NORMAL, 0);
		tui_put(y + 1, 1, 2, "›", A_NORMAL, 0);
		tui_edit_draw(&e->edit, y + 1, 3, w - 4, 1, A_UNDERLINE);
		if (e->edit_err[0])
			tui_put(y + 2, 3, w - 4, e->edit_err, tui_color(app, C_ERROR), 0);
	}
}

/* Adds or changes the example in the editor; returns 0 when it was written. */
static int commit_edit(struct examples *e, struct tui *app)
{
	char err[512];
	const char *t = e->edit.text ? e->edit.text : "";
	char *key = tui_example_key(t);
	e->edit_err[0] = '\0';
	if (!*key) {
		snprintf(e->edit_err, sizeof(e->edit_err), "Type a sentence first (Esc stops).");
		free(key);
		return -1;
	}
	for (size_t i = 0; i < e->n; i++) {
		if (e->editing == 2 && e->ex[i].id == e->edit_id)
			continue;
		char *k2 = tui_example_key(e->ex[i].text);
		int same = !strcmp(k2, key);
		free(k2);
		if (same) {
			snprintf(e->edit_err, sizeof(e->edit_err), "Same as example %zu: say it in other "
				 "words.", i + 1);
			free(key);
			return -1;
		}
	}
	free(key);
	if (e->editing == 1 && e->n >= LEARN_MAX_EXAMPLES) {
		snprintf(e->edit_err, sizeof(e->edit_err), "A tracker takes at most %d examples.",
			 LEARN_MAX_EXAMPLES);
		return -1;
	}
	/* trim the ends */
	while (*t == ' ')
		t++;
	size_t len = strlen(t);
	while (len && t[len - 1] == ' ')
		len--;
	if (text_chars(t, len) > STORE_EXAMPLE_MAX) {
		/* as the command line has it */
		snprintf(e->edit_err, sizeof(e->edit_err), "That is %zu characters: an example is one "
			 "sentence (at most %d).", text_chars(t, len), STORE_EXAMPLE_MAX);
		return -1;
	}
	char *text = xstrndup(t, len);
	int rc = store_begin(app->st, err, sizeof(err));
	if (rc == 0)
		rc = e->editing == 1 ? store_example_add(app->st, e->tracker, text, NULL, err, sizeof(err))
				     : store_example_update(app->st, e->edit_id, text, err, sizeof(err));
	if (rc == 0)
		rc = store_commit(app->st, err, sizeof(err));
	if (rc < 0) {
		store_rollback(app->st);
		snprintf(e->edit_err, sizeof(e->edit_err), "Not saved: %s", err);
		free(text);
		return -1;
	}
	int ns = tui_sentence_count(text);
	free(text);
	load(e, app);
	if (ns > 1)
		tui_info(app, "Saved. It reads as %d sentences: an example works best as one.", ns);
	else if (e->editing == 1)
		tui_info(app, "Added: %zu of at least %d.", e->n, LEARN_MIN_EXAMPLES);
	else
		tui_info(app, "Saved.");
	return 0;
}

static void stop_editing(struct examples *e, struct tui *app)
{
	e->editing = 0;
	e->edit_err[0] = '\0';
	tui_top(app)->input_context = NULL;
}

static int examples_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct examples *e = state;
	char err[512];
	if (e->editing) {
		if (ev->action == ACT_JOB_DONE || ev->action == ACT_RELOAD)
			return TUI_NONE;
		if (ev->action == ACT_ENTER) {
			if (commit_edit(e, app) == 0) {
				if (e->editing == 1) {
					tui_edit_set(&e->edit, "");
					e->list.sel = e->list.n ? e->list.n - 1 : 0;
				} else {
					stop_editing(e, app);
				}
			}
			return TUI_REDRAW | TUI_RELOAD;
		}
		if (ev->action == ACT_BACK || ev->key == KEY_ESC) {
			stop_editing(e, app);
			return TUI_REDRAW;
		}
		if (ev->action == ACT_QUIT)
			return TUI_PASS;
		tui_edit_key(&e->edit, ev->key);
		e->edit_err[0] = '\0';
		return TUI_REDRAW;
	}
	switch (ev->action) {
	case ACT_RELOAD:
		load(e, app);
		return TUI_REDRAW;
	case ACT_JOB_DONE:
		return TUI_NONE;
	case ACT_ADD:
		e->editing = 1;
		tui_edit_set(&e->edit, "");
		tui_top(app)->input_context = "input";
		return TUI_REDRAW;
	case ACT_EDIT:
		if (!e->n) {
			tui_info(app, "No examples yet: a adds one, b pastes many.");
			return TUI_REDRAW;
		}
		e->editing = 2;
		e->edit_id = e->ex[e->list.sel].id;
		tui_edit_set(&e->edit, e->ex[e->list.sel].text);
		tui_top(app)->input_context = "input";
		return TUI_REDRAW;
	case ACT_DELETE:
		if (!e->n) {
			tui_info(app, "No examples yet: a adds one, b pastes many.");
			return TUI_REDRAW;
		}
		e->delete_id = e->ex[e->list.sel].id;
		tui_confirm(app, ACT_YES, "Delete example %d, \"%.60s\"?", e->list.sel + 1,
			    e->ex[e->list.sel].text);
		return TUI_REDRAW;
	case ACT_YES:
		if (!e->delete_id)
			return TUI_NONE;
		if (store_begin(app->st, err, sizeof(err)) < 0 ||
		    store_example_delete(app->st, e->delete_id, err, sizeof(err)) < 0 ||
		    store_commit(app->st, err, sizeof(err)) < 0) {
			store_rollback(app->st);
			tui_error(app, "Could not delete: %s", err);
		} else {
			tui_info(app, "Deleted.");
		}
		e->delete_id = 0;
		load(e, app);
		return TUI_REDRAW | TUI_RELOAD;
	case ACT_BULK: {
		int64_t *a = xmalloc(sizeof(*a));
		*a = e->tracker;
		tui_next(app, &screen_bulk, a);
		return TUI_PUSH;
	}
	case ACT_TRAIN: {
		if (e->n < LEARN_MIN_EXAMPLES) {
			tui_error(app, "A round needs %d examples: add %zu more (a, or b to paste many).",
				  LEARN_MIN_EXAMPLES, LEARN_MIN_EXAMPLES - e->n);
			return TUI_REDRAW;
		}
		struct tagging_arg *a = xmalloc(sizeof(*a));
		a->tracker = e->tracker;
		a->position = -1;
		tui_next(app, &screen_tagging, a);
		return TUI_REPLACE | TUI_RELOAD;
	}
	}
	return TUI_PASS;
}

/* The footer offers what the list allows: no edit or delete without an example, and
 * adding first while a round still needs more. */
static int examples_offers(void *state, int action)
{
	struct examples *e = state;
	switch (action) {
	case ACT_EDIT: case ACT_DELETE:
		return e->n ? 1 : 0;
	case ACT_ADD: case ACT_BULK:
		return e->n < LEARN_MIN_EXAMPLES ? 2 : 1;
	case ACT_TRAIN:
		return e->n < LEARN_MIN_EXAMPLES ? 0 : 1;
	}
	return 1;
}

static const char *const examples_contexts[] = {"examples", "list", NULL};

const struct screen_ops screen_examples = {
	.name = "Example sentences",
	.contexts = examples_contexts,
	.open = examples_open,
	.draw = examples_draw,
	.key = examples_key,
	.close = examples_close,
	.offers = examples_offers,
};
