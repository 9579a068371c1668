/* Settings form: name, description, who says it, which calls (scope and metadata
 * filters, with the number of matching calls shown live), which part of the call, and
 * the source. Validation shows next to the field. Creates a tracker, or saves the
 * settings of one (as a draft when it is active). */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest.h"
#include "text.h"
#include "xmalloc.h"

#define NAME_MAX_CHARS 60
#define MAX_FIELDS 40

enum field_kind { F_NAME, F_DESC, F_BY, F_SCOPE, F_FILTER, F_PART, F_MINUTES, F_SOURCE, F_SAVE };

struct field {
	int kind;
	int key;		/* F_FILTER: index into keys */
	char err[160];		/* shown under the field, "" when fine */
};

struct settings_form {
	int64_t tracker;	/* 0 for a new one */
	int active;		/* saving makes a draft */
	struct store_settings s;	/* the settings being edited (filters live here) */
	struct tui_edit name, desc, minutes;
	char **keys;		/* metadata keys of the workspace */
	size_t nkeys;
	char **names;		/* other trackers' names, for uniqueness */
	size_t nnames;
	struct field f[MAX_FIELDS];
	int nf;
	int focus;
	int64_t matching;	/* calls the settings select, -1 when unknown */
	int64_t all_calls;
	char count_err[256];
};

/* Order of the choices as shown. */
static const int by_order[] = {STORE_BY_COMPANY, STORE_BY_CUSTOMER, STORE_BY_ANY};
static const char *const by_label[] = {"our company", "the customer", "anyone"};
static const int scope_order[] = {STORE_SCOPE_EXTERNAL, STORE_SCOPE_INTERNAL, STORE_SCOPE_ALL};
static const char *const scope_label[] = {"external calls", "internal calls", "all calls"};
static const int part_order[] = {STORE_PART_ANYTIME, STORE_PART_FIRST, STORE_PART_LAST};
static const char *const part_label[] = {"anytime", "first N minutes", "last N minutes"};
static const char *const source_label[] = {"calls only", "calls and emails"};

static int index_of(const int *order, int v)
{
	for (int i = 0; i < 3; i++)
		if (order[i] == v)
			return i;
	return 0;
}

static void recount(struct settings_form *f, struct tui *app)
{
	struct store_call_span *sp = NULL;
	size_t n = 0;
	char err[256];
	f->count_err[0] = '\0';
	if (store_calls_matching(app->st, &f->s, 0, &sp, &n, err, sizeof(err)) < 0) {
		f->matching = -1;
		snprintf(f->count_err, sizeof(f->count_err), "%s", err);
	} else {
		f->matching = (int64_t)n;
	}
	free(sp);
}

static struct field *field_of(struct settings_form *f, int kind)
{
	for (int i = 0; i < f->nf; i++)
		if (f->f[i].kind == kind)
			return &f->f[i];
	return NULL;
}

/* Checks one field; fills its err. */
static void validate(struct settings_form *f, struct field *fl)
{
	fl->err[0] = '\0';
	switch (fl->kind) {
	case F_NAME: {
		const char *n = f->name.text ? f->name.text : "";
		size_t len = strlen(n);
		while (len && n[len - 1] == ' ')
			len--;
		if (len == 0 || strspn(n, " ") == strlen(n)) {
			snprintf(fl->err, sizeof(fl->err), "A tracker needs a name.");
		} else if (text_chars(n, strlen(n)) > NAME_MAX_CHARS) {
			/* characters, as it says: a wide letter is one */
			snprintf(fl->err, sizeof(fl->err), "Keep the name short: at most %d characters "
				 "(it has %zu).", NAME_MAX_CHARS, text_chars(n, strlen(n)));
		} else if (strspn(n, "0123456789") == strlen(n)) {
			snprintf(fl->err, sizeof(fl->err), "A name cannot be only digits (ids are).");
		} else if (!ingest_utf8_valid(n, strlen(n))) {
			snprintf(fl->err, sizeof(fl->err), "The name is not valid UTF-8 text.");
		} else {
			for (size_t i = 0; i < f->nnames; i++)
				if (!strcasecmp(f->names[i], n))
					snprintf(fl->err, sizeof(fl->err), "Another tracker is called '%s': "
						 "names are unique.", f->names[i]);
		}
		break;
	}
	case F_MINUTES: {
		if (f->s.part == STORE_PART_ANYTIME)
			break;
		const char *m = f->minutes.text ? f->minutes.text : "";
		char *end;
		long v = strtol(m, &end, 10);
		if (!*m || *end || v < 1 || v > 600)
			snprintf(fl->err, sizeof(fl->err), "Give the minutes as a number from 1 to 600.");
		break;
	}
	case F_FILTER:
	case F_SCOPE:
		if (f->matching == 0)
			snprintf(fl->err, sizeof(fl->err), "No call matches these settings: widen "
				 "the scope or the filters.");
		break;
	}
}

static int validate_all(struct settings_form *f)
{
	int bad = -1;
	for (int i = 0; i < f->nf; i++) {
		validate(f, &f->f[i]);
		if (f->f[i].err[0] && bad < 0)
			bad = i;
	}
	return bad;
}

static void add_field(struct settings_form *f, int kind, int key)
{
	if (f->nf < MAX_FIELDS)
		f->f[f->nf++] = (struct field){.kind = kind, .key = key};
}

/* arg: int64_t * tracker id (0: a new tracker), owned. */
static void *settings_open(struct tui *app, void *arg)
{
	int64_t id = *(int64_t *)arg;
	free(arg);
	char err[512];
	struct settings_form *f = xcalloc(1, sizeof(*f));
	f->tracker = id;
	f->name.max = 240;
	f->desc.max = 1000;
	f->minutes.max = 3;
	if (id) {
		struct store_tracker *t;
		if (store_tracker_get(app->st, id, &t, err, sizeof(err)) != 0) {
			tui_error(app, "Cannot open the settings: %s", err);
			free(f);
			return NULL;
		}
		f->active = t->active;
		store_settings_copy(&f->s, t->has_draft_settings ? &t->draft : &t->live);
		store_tracker_free(t);
	} else {
		f->s.by = STORE_BY_ANY;
		f->s.scope = STORE_SCOPE_EXTERNAL;
		f->s.part = STORE_PART_ANYTIME;
		f->s.name = xstrdup("");
		f->s.description = xstrdup("");
	}
	tui_edit_set(&f->name, f->s.name);
	tui_edit_set(&f->desc, f->s.description);
	if (f->s.part != STORE_PART_ANYTIME) {
		char m[16];
		snprintf(m, sizeof(m), "%d", f->s.part_minutes);
		tui_edit_set(&f->minutes, m);
	} else {
		tui_edit_set(&f->minutes, "5");
	}
	if (store_meta_keys(app->st, &f->keys, &f->nkeys, err, sizeof(err)) < 0) {
		f->keys = NULL;
		f->nkeys = 0;
	}
	struct store_tracker *all;
	size_t n;
	if (store_trackers_list(app->st, &all, &n, err, sizeof(err)) == 0) {
		f->names = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			if (all[i].id != id)
				f->names[f->nnames++] = xstrdup(all[i].live.name);
		store_trackers_free(all, n);
	}
	struct store_summary sum;
	if (store_summary_get(app->st, &sum, err, sizeof(err)) == 0)
		f->all_calls = sum.calls;
	add_field(f, F_NAME, 0);
	add_field(f, F_DESC, 0);
	add_field(f, F_BY, 0);
	add_field(f, F_SCOPE, 0);
	for (size_t i = 0; i < f->nkeys && f->nf < MAX_FIELDS - 5; i++)
		add_field(f, F_FILTER, (int)i);
	add_field(f, F_PART, 0);
	add_field(f, F_MINUTES, 0);
	add_field(f, F_SOURCE, 0);
	add_field(f, F_SAVE, 0);
	recount(f, app);
	tui_top(app)->input_context = "settings";
	return f;
}

static void settings_close(void *state, struct tui *app)
{
	(void)app;
	struct settings_form *f = state;
	store_settings_clear(&f->s);
	tui_edit_free(&f->name);
	tui_edit_free(&f->desc);
	tui_edit_free(&f->minutes);
	store_strings_free(f->keys, f->nkeys);
	store_strings_free(f->names, f->nnames);
	free(f);
}

static int is_text(int kind)
{
	return kind == F_NAME || kind == F_DESC || kind == F_MINUTES;
}

static int hidden(const struct settings_form *f, int i)
{
	return f->f[i].kind == F_MINUTES && f->s.part == STORE_PART_ANYTIME;
}

static void filter_text(const struct settings_form *f, const char *key, char *buf, size_t len)
{
	struct sbuf b = {0};
	for (size_t i = 0; i < f->s.n_filters; i++)
		if (!strcmp(f->s.filters[i].key, key))
			sbuf_printf(&b, "%s%s", b.len ? ", " : "", f->s.filters[i].value);
	snprintf(buf, len, "%s", b.len ? b.s : "any");
	sbuf_free(&b);
}

static int draw_choices(struct tui *app, int y, int x, int w, const char *const *labels, int n,
			int cur, int focused)
{
	for (int i = 0; i < n && x < w; i++) {
		char c[80];
		snprintf(c, sizeof(c), "%s %s", i == cur ? "(•)" : "( )", labels[i]);
		attr_t a = i == cur && focused ? A_REVERSE : A_NORMAL;
		x += tui_put(y, x, w - x, c, a, 0);
		x += tui_put(y, x, w - x, "  ", A_NORMAL, 0);
	}
	(void)app;
	return x;
}

static void settings_draw(void *state, struct tui *app)
{
	struct settings_form *f = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	const int lx = 2, vx = 20;
	char line[512], label[64];
	tui_put(y++, 1, w - 2, f->tracker ? (f->active ? "Edit the settings (the tracker is active: "
						 "saving makes a draft to publish)"
					       : "Edit the settings")
					    : "New tracker: what it looks for and where",
		A_NORMAL, 0);
	if (f->matching >= 0)
		snprintf(line, sizeof(line), "Calls matching: %lld of %lld", (long long)f->matching,
			 (long long)f->all_calls);
	else
		snprintf(line, sizeof(line), "Calls matching: unknown (%s)", f->count_err);
	tui_put(y++, 1, w - 2, line, f->matching == 0 ? tui_color(app, C_ERROR)
						       : tui_color(app, C_ACCENT), 0);
	y++;
	for (int i = 0; i < f->nf && y < bottom; i++) {
		if (hidden(f, i))
			continue;
		struct field *fl = &f->f[i];
		int focused = i == f->focus;
		attr_t la = focused ? A_REVERSE : A_NORMAL;
		switch (fl->kind) {
		case F_NAME:
			tui_put(y, lx, vx - lx, "Name", la, 0);
			tui_put(y, vx, 1, "[", A_NORMAL, 0);
			tui_edit_draw(&f->name, y, vx + 1, w - vx - 4 > 50 ? 50 : w - vx - 4, focused,
				      A_UNDERLINE);
			break;
		case F_DESC:
			tui_put(y, lx, vx - lx, "Description", la, 0);
			tui_put(y, vx, 1, "[", A_NORMAL, 0);
			tui_edit_draw(&f->desc, y, vx + 1, w - vx - 3, focused, A_UNDERLINE);
			break;
		case F_BY:
			tui_put(y, lx, vx - lx, "Mentioned by", la, 0);
			draw_choices(app, y, vx, w, by_label, 3, index_of(by_order, f->s.by), focused);
			break;
		case F_SCOPE:
			tui_put(y, lx, vx - lx, "Calls", la, 0);
			draw_choices(app, y, vx, w, scope_label, 3, index_of(scope_order, f->s.scope),
				     focused);
			break;
		case F_FILTER:
			tui_key_label(f->keys[fl->key], 1, label, sizeof(label));
			tui_put(y, lx, vx - lx, label, la, 0);
			filter_text(f, f->keys[fl->key], line, sizeof(line));
			{
				int x = vx + tui_put(y, vx, w - vx - 20, line, focused ? A_REVERSE : A_NORMAL, 0);
				if (focused)
					tui_put(y, x + 2, w - x - 2, "Enter: choose values", tui_color(app, C_DIM), 0);
			}
			break;
		case F_PART:
			tui_put(y, lx, vx - lx, "Part of the call", la, 0);
			draw_choices(app, y, vx, w, part_label, 3, index_of(part_order, f->s.part), focused);
			break;
		case F_MINUTES:
			tui_put(y, lx, vx - lx, "Minutes (N)", la, 0);
			tui_put(y, vx, 1, "[", A_NORMAL, 0);
			tui_edit_draw(&f->minutes, y, vx + 1, 5, focused, A_UNDERLINE);
			break;
		case F_SOURCE: {
			tui_put(y, lx, vx - lx, "Source", la, 0);
			int x = draw_choices(app, y, vx, w, source_label, 2, 0, focused);
			tui_put(y, x, w - x, w - x >= 32 ? "(no emails in the workspace yet)"
							 : "(no emails yet)", tui_color(app, C_DIM), 0);
			break;
		}
		case F_SAVE:
			y++;
			tui_put(y, vx, w - vx, f->tracker ? "[ Save ]" : "[ Create ]",
				focused ? A_REVERSE : A_NORMAL, 0);
			tui_put(y, vx + 12, w - vx - 12, "Ctrl-S saves from any field · Esc leaves",
				tui_color(app, C_DIM), 0);
			break;
		}
		y++;
		if (fl->err[0] && y < bottom) {
			/* what is wrong shows whole: on a second row when it needs one */
			snprintf(line, sizeof(line), "↑ %s", fl->err);
			y += tui_wrap(y, vx, w - vx - 1, bottom - y < 2 ? 1 : 2, line,
				      tui_color(app, C_ERROR), 0, 1);
		}
	}
}

static void move_focus(struct settings_form *f, int dir)
{
	int i = f->focus;
	do {
		i = (i + dir + f->nf) % f->nf;
	} while (hidden(f, i) && i != f->focus);
	f->focus = i;
}

static void cycle(struct settings_form *f, struct tui *app, int dir)
{
	struct field *fl = &f->f[f->focus];
	int i;
	switch (fl->kind) {
	case F_BY:
		i = (index_of(by_order, f->s.by) + dir + 3) % 3;
		f->s.by = by_order[i];
		break;
	case F_SCOPE:
		i = (index_of(scope_order, f->s.scope) + dir + 3) % 3;
		f->s.scope = scope_order[i];
		recount(f, app);
		validate(f, fl);
		break;
	case F_PART:
		i = (index_of(part_order, f->s.part) + dir + 3) % 3;
		f->s.part = part_order[i];
		validate(f, field_of(f, F_MINUTES));
		break;
	case F_SOURCE:
		snprintf(fl->err, sizeof(fl->err), "Emails are not in the workspace yet: a tracker "
			 "looks at calls only for now.");
		break;
	}
}

/* Builds the settings from the fields and writes them. Returns the reaction. */
static int save(struct settings_form *f, struct tui *app)
{
	char err[512];
	recount(f, app);
	int bad = validate_all(f);
	if (bad >= 0) {
		f->focus = bad;
		tui_error(app, "Fix the field marked in red first.");
		return TUI_REDRAW;
	}
	/* trim the name's spaces */
	const char *n = f->name.text;
	while (*n == ' ')
		n++;
	size_t len = strlen(n);
	while (len && n[len - 1] == ' ')
		len--;
	free(f->s.name);
	f->s.name = xstrndup(n, len);
	free(f->s.description);
	f->s.description = xstrdup(f->desc.text ? f->desc.text : "");
	f->s.part_minutes = f->s.part == STORE_PART_ANYTIME ? 0 : atoi(f->minutes.text);
	int64_t id = f->tracker;
	int rc = store_begin(app->st, err, sizeof(err));
	if (rc == 0)
		rc = id ? store_tracker_set_settings(app->st, id, &f->s, f->active, err, sizeof(err))
			: store_tracker_create(app->st, &f->s, &id, err, sizeof(err));
	if (rc == 0)
		rc = store_commit(app->st, err, sizeof(err));
	if (rc < 0) {
		store_rollback(app->st);
		tui_error(app, "Could not save: %s", err);
		return TUI_REDRAW;
	}
	if (f->tracker) {
		struct store_tracker *t = NULL;
		int draft = f->active && store_tracker_get(app->st, id, &t, err, sizeof(err)) == 0 &&
			    t->has_draft_settings;
		store_tracker_free(t);
		tui_info(app, draft ? "Saved as a draft: press p on the trackers screen to publish."
			 : f->active ? "Saved: the settings are those live, so there is no draft of "
				       "them to publish."
				     : "Settings saved.");
		return TUI_POP | TUI_RELOAD;
	}
	tui_info(app, "Created '%s'. Now give it at least %d example sentences.", f->s.name,
		 LEARN_MIN_EXAMPLES);
	int64_t *a = xmalloc(sizeof(*a));
	*a = id;
	tui_next(app, &screen_examples, a);
	return TUI_REPLACE | TUI_RELOAD;
}

/* While a text field has the focus, printable keys are text: the key lookup, the
 * footer and the help follow the form's own keys only. */
static void sync_input(struct settings_form *f, struct tui *app)
{
	tui_top(app)->input_context = is_text(f->f[f->focus].kind) ? "settings" : NULL;
}

static int settings_key_(struct settings_form *f, struct tui *app, const struct tui_event *ev);

static int settings_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct settings_form *f = state;
	int r = settings_key_(f, app, ev);
	if (!(r & TUI_POP))
		sync_input(f, app);
	return r;
}

static int settings_key_(struct settings_form *f, struct tui *app, const struct tui_event *ev)
{
	struct field *fl = &f->f[f->focus];
	if (ev->action == ACT_RELOAD) {
		recount(f, app);
		for (int i = 0; i < f->nf; i++)
			if (f->f[i].kind == F_FILTER || f->f[i].kind == F_SCOPE)
				validate(f, &f->f[i]);
		return TUI_REDRAW;
	}
	if (ev->action == ACT_JOB_DONE)
		return TUI_NONE;
	if (is_text(fl->kind)) {
		struct tui_edit *e = fl->kind == F_NAME ? &f->name : fl->kind == F_DESC ? &f->desc
											 : &f->minutes;
		int k = ev->key;
		int printable = k >= 32 && k != 127;
		if (fl->kind == F_MINUTES && printable && !(k >= '0' && k <= '9')) {
			snprintf(fl->err, sizeof(fl->err), "Only digits here: the number of minutes.");
			return TUI_REDRAW;
		}
		if (printable || k == KEYFN(KEY_BACKSPACE) || k == KEYFN(KEY_DC) ||
		    k == KEYFN(KEY_LEFT) || k == KEYFN(KEY_RIGHT) || k == KEYFN(KEY_HOME) ||
		    k == KEYFN(KEY_END) || k == KEY_CTRL('u') || k == KEY_CTRL('a') ||
		    k == KEY_CTRL('e')) {
			tui_edit_key(e, k);
			validate(f, fl);
			return TUI_REDRAW;
		}
	}
	switch (ev->action) {
	case ACT_NEXT_FIELD:
		move_focus(f, 1);
		return TUI_REDRAW;
	case ACT_PREV_FIELD:
		move_focus(f, -1);
		return TUI_REDRAW;
	case ACT_LEFT:
		cycle(f, app, -1);
		return TUI_REDRAW;
	case ACT_RIGHT:
	case ACT_TOGGLE:
		cycle(f, app, 1);
		return TUI_REDRAW;
	case ACT_SAVE:
		return save(f, app);
	case ACT_ENTER:
		if (fl->kind == F_SAVE)
			return save(f, app);
		if (fl->kind == F_FILTER) {
			struct filter_arg *a = xmalloc(sizeof(*a));
			a->s = &f->s;
			a->key = f->keys[fl->key];
			tui_next(app, &screen_filter, a);
			return TUI_PUSH;
		}
		move_focus(f, 1);
		return TUI_REDRAW;
	case ACT_BACK:
		tui_info(app, "Left without saving.");
		return TUI_POP;
	}
	return TUI_PASS;
}

static const char *const settings_contexts[] = {"settings", NULL};

const struct screen_ops screen_settings = {
	.name = "Settings",
	.contexts = settings_contexts,
	.open = settings_open,
	.draw = settings_draw,
	.key = settings_key,
	.close = settings_close,
};
