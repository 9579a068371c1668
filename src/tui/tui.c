/* The app's driver: opens the terminal, keeps the stack of screens, reads keys and
 * looks them up in the key table, hands screens what happened, acts on what they
 * return, and draws every frame (title, body, activity, message and footer lines). */
#include "tui.h"

#include "internal.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "xmalloc.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define RESUME_KEY "tui.resume"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* ================================================================ services for screens */

void tui_next(struct tui *app, const struct screen_ops *ops, void *arg)
{
	app->next_ops = ops;
	app->next_arg = arg;
}

static void vmsg(struct tui *app, int error, const char *fmt, va_list ap)
{
	vsnprintf(app->msg, sizeof(app->msg), fmt, ap);
	app->msg_error = error;
}

void tui_info(struct tui *app, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(app, 0, fmt, ap);
	va_end(ap);
}

void tui_error(struct tui *app, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(app, 1, fmt, ap);
	va_end(ap);
}

void tui_confirm(struct tui *app, int action, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(app->confirm, sizeof(app->confirm), fmt, ap);
	va_end(ap);
	app->confirm_action = action;
	app->confirm_screen = app->depth - 1;
}

struct screen *tui_top(struct tui *app)
{
	return app->depth ? &app->stack[app->depth - 1] : NULL;
}

int tui_resume_save(struct tui *app, int64_t tracker, int position, char *err, size_t errlen)
{
	char v[64] = "";
	if (tracker)
		snprintf(v, sizeof(v), "tagging %lld %d", (long long)tracker, position);
	return store_state_set(app->st, RESUME_KEY, v, err, errlen);
}

/* ================================================================ the stack */

static int push(struct tui *app, const struct screen_ops *ops, void *arg)
{
	if (app->depth == (int)(sizeof(app->stack) / sizeof(app->stack[0]))) {
		tui_error(app, "Too many screens open: go back first.");
		return -1;
	}
	struct screen *s = &app->stack[app->depth];
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	app->depth++;
	s->state = ops->open(app, arg);
	if (!s->state) {
		app->depth--;
		return -1;
	}
	return 0;
}

static void pop(struct tui *app)
{
	struct screen *s = tui_top(app);
	if (!s)
		return;
	s->ops->close(s->state, app);
	app->depth--;
	if (app->confirm[0] && app->confirm_screen >= app->depth)
		app->confirm[0] = '\0';
}

/* ================================================================ lists */

int tui_list_move(struct tui_list *l, int action)
{
	int page = l->page > 1 ? l->page - 1 : 1;
	switch (action) {
	case ACT_UP: l->sel--; break;
	case ACT_DOWN: l->sel++; break;
	case ACT_PGUP: l->sel -= page; break;
	case ACT_PGDN: l->sel += page; break;
	case ACT_HOME: l->sel = 0; break;
	case ACT_END: l->sel = l->n - 1; break;
	default: return 0;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < 0)
		l->sel = 0;
	return 1;
}

void tui_list_scroll(struct tui_list *l, int rows)
{
	l->page = rows;
	if (l->sel >= l->n)
		l->sel = l->n ? l->n - 1 : 0;
	if (l->sel < 0)
		l->sel = 0;
	if (l->top > l->sel)
		l->top = l->sel;
	if (rows > 0 && l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
	if (l->top > 0 && l->n - l->top < rows)
		l->top = l->n > rows ? l->n - rows : 0;
	if (l->top < 0)
		l->top = 0;
}

/* ================================================================ key lookup */

/* Contexts of the top screen, most specific first, "global" last. */
static int contexts(struct tui *app, const char **out, int max)
{
	int n = 0;
	struct screen *s = tui_top(app);
	if (app->confirm[0]) {
		out[n++] = "confirm";
		return n;
	}
	if (s && s->input_context) {
		out[n++] = s->input_context;
	} else if (s) {
		for (int i = 0; s->ops->contexts && s->ops->contexts[i] && n < max - 2; i++)
			out[n++] = s->ops->contexts[i];
		if (s->ops->plays)
			out[n++] = "playback";
	}
	out[n++] = "global";
	return n;
}

static int lookup(struct tui *app, int key)
{
	const char *ctx[12];
	int n = contexts(app, ctx, 12);
	struct screen *s = tui_top(app);
	int editing = s && s->input_context;
	for (int i = 0; i < n; i++) {
		/* while text is typed, printable keys are text, not commands */
		if (editing && !strcmp(ctx[i], "global") && key >= 32)
			break;
		int a = tui_key_lookup(ctx[i], key);
		if (a)
			return a;
	}
	return ACT_TEXT;
}

/* ================================================================ drawing the frame */

static void draw_title(struct tui *app)
{
	struct screen *s = tui_top(app);
	char left[256];
	const char *base = strrchr(app->db, '/');
	base = base ? base + 1 : app->db;
	snprintf(left, sizeof(left), " tracker · %s · %s", base, s ? s->ops->name : "");
	attr_t a = tui_color(app, C_TITLE);
	tui_fill(0, 0, app->cols, a, 0);
	tui_put(0, 0, app->cols, left, a, 0);
}

/* The footer: the keys that matter here, from the key table, most specific first;
 * "? help" always fits at the end. */
static void draw_footer(struct tui *app)
{
	const char *ctx[12];
	int n = contexts(app, ctx, 12);
	int y = app->rows - 1, x = 1;
	int shown_actions[64], nshown = 0, shown_keys[64], nkeys = 0;
	struct screen *s = tui_top(app);
	int editing = s && s->input_context && !app->confirm[0];
	const struct tui_keydef *help = NULL;
	tui_fill(y, 0, app->cols, A_NORMAL, 0);
	for (const struct tui_keydef *k = tui_keys; k->context && !app->confirm[0]; k++)
		if (!strcmp(k->context, "global") && k->action == ACT_HELP && k->brief &&
		    !(editing && k->key >= 32))
			help = k;
	for (int i = 0; help && i < n; i++)
		if (strcmp(ctx[i], "global") && tui_key_lookup(ctx[i], help->key))
			help = NULL;
	int reserve = help ? tui_width(tui_key_name(help->key)) + tui_width(help->brief) + 3 : 0;
	/* what the screen says matters now goes first, then the rest in table order */
	int (*offers)(void *, int) = s && !app->confirm[0] && !editing ? s->ops->offers : NULL;
	for (int pass = offers ? 2 : 1; pass >= 1; pass--) {
		nkeys = 0;
		for (int i = 0; i < n; i++) {
			for (const struct tui_keydef *k = tui_keys; k->context; k++) {
				if (strcmp(k->context, ctx[i]) || !k->brief || k == help)
					continue;
				if (editing && !strcmp(ctx[i], "global") && k->key >= 32)
					continue;
				int dup = 0;
				for (int j = 0; j < nshown && !dup; j++)
					dup = shown_actions[j] == k->action;
				for (int j = 0; j < nkeys && !dup; j++)
					dup = shown_keys[j] == k->key;
				if (dup || nshown == 64)
					continue;
				int o = offers ? offers(s->state, k->action) : 1;
				if (o == 0 || (pass == 2 && o < 2))
					continue;
				shown_actions[nshown++] = k->action;
				const char *name = tui_key_name(k->key);
				int need = tui_width(name) + 1 + tui_width(k->brief) + 2;
				if (x + need > app->cols - reserve)
					continue;
				x += tui_put(y, x, app->cols - x, name, A_REVERSE, 0);
				x += tui_put(y, x, app->cols - x, " ", A_NORMAL, 0);
				x += tui_put(y, x, app->cols - x, k->brief, A_NORMAL, 0);
				x += 2;
			}
			/* keys bound in this context hide the same keys further out */
			for (const struct tui_keydef *k = tui_keys; k->context; k++)
				if (!strcmp(k->context, ctx[i]) && nkeys < 64)
					shown_keys[nkeys++] = k->key;
		}
	}
	if (help) {
		x += tui_put(y, x, app->cols - x, tui_key_name(help->key), A_REVERSE, 0);
		x += tui_put(y, x, app->cols - x, " ", A_NORMAL, 0);
		tui_put(y, x, app->cols - x, help->brief, A_NORMAL, 0);
	}
}

/* Draws the progress of long work, or else the playback line; returns 0 when the row
 * is free. */
static int draw_activity(struct tui *app, const struct worker_snapshot *ws)
{
	int y = app->rows - 3;
	tui_fill(y, 0, app->cols, A_NORMAL, 0);
	if (ws->busy && ws->kind != JOB_ROUND && ws->kind != JOB_OVERVIEW) {
		char line[256], pct[16] = "";
		if (ws->fraction >= 0)
			snprintf(pct, sizeof(pct), " %3.0f%%", ws->fraction * 100);
		snprintf(line, sizeof(line), " ⟳ %s…", ws->stage);
		int x = tui_put(y, 0, app->cols, line, tui_color(app, C_ACCENT), 0);
		if (ws->fraction >= 0 && app->cols - x > 40) {
			int bar = 20, full = (int)(ws->fraction * bar + 0.5);
			x += tui_put(y, x, 2, "  ", A_NORMAL, 0);
			for (int i = 0; i < bar; i++)
				x += tui_put(y, x, 1, i < full ? "█" : "░", tui_color(app, C_ACCENT), 0);
			x += tui_put(y, x, app->cols - x, pct, A_NORMAL, 0);
		}
		if (ws->cancellable)
			tui_put(y, x, app->cols - x, ws->cancelling ? "  cancelling…" : "  Esc cancels",
				tui_color(app, C_DIM), 0);
		return 1;
	}
	return tui_play_draw(app, y);
}

/* The message line; a long message takes the activity row too when that is free. */
static void draw_message(struct tui *app, int two_rows)
{
	int y = app->rows - 2;
	tui_fill(y, 0, app->cols, A_NORMAL, 0);
	if (app->confirm[0]) {
		char q[300];
		attr_t a = tui_color(app, C_WARN) | A_REVERSE;
		snprintf(q, sizeof(q), "%s (y/n)", app->confirm);
		if (two_rows && tui_width(q) > app->cols - 2) {
			tui_fill(y - 1, 0, app->cols, a, 0);
			tui_fill(y, 0, app->cols, a, 0);
			tui_wrap(y - 1, 1, app->cols - 2, 2, q, a, 0, 1);
			return;
		}
		tui_fill(y, 0, app->cols, a, 0);
		tui_put(y, 1, app->cols - 1, q, a, 0);
		return;
	}
	if (app->msg[0]) {
		attr_t a = app->msg_error ? tui_color(app, C_ERROR) : tui_color(app, C_ACCENT);
		if (two_rows && tui_width(app->msg) > app->cols - 2 &&
		    tui_wrap(0, 0, app->cols - 2, 3, app->msg, a, 0, 0) == 2) {
			tui_fill(y - 1, 0, app->cols, A_NORMAL, 0);
			tui_wrap(y - 1, 1, app->cols - 2, 2, app->msg, a, 0, 1);
			return;
		}
		tui_put(y, 1, app->cols - 1, app->msg, a, 0);
	}
}

/* Draws s centred from row y, wrapped at spaces to the terminal's width (draw = 0 only
 * counts); returns the rows it takes. */
static int put_centred(struct tui *app, int y, const char *s, int draw)
{
	char row[128];
	int rows = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t take = 0;
		for (const char *q = s; *q;) {
			while (*q == ' ')
				q++;
			while (*q && *q != ' ')
				q++;
			size_t n = (size_t)(q - s);
			if (n >= sizeof(row))
				break;
			memcpy(row, s, n);
			row[n] = '\0';
			if (take && tui_width(row) > app->cols)
				break;
			take = n;
			if (tui_width(row) > app->cols)
				break;	/* one word wider than the terminal: cut */
		}
		if (!take)
			break;
		memcpy(row, s, take);
		row[take] = '\0';
		int w = tui_width(row);
		if (draw && y + rows < app->rows)
			tui_put(y + rows, w < app->cols ? (app->cols - w) / 2 : 0, app->cols, row,
				A_NORMAL, 0);
		rows++;
		s += take;
	}
	return rows;
}

static void draw_too_small(struct tui *app)
{
	char a[96], b[96];
	snprintf(a, sizeof(a), "The terminal is %d×%d.", app->cols, app->rows);
	snprintf(b, sizeof(b), "tracker needs at least %d×%d: make the window larger.", MIN_COLS,
		 MIN_ROWS);
	const char *lines[3] = {a, b, "(Ctrl-C quits)"};
	int rows = 0;
	for (int i = 0; i < 3; i++)
		rows += put_centred(app, 0, lines[i], 0);
	/* as many rows above as below; from the top when they do not all fit */
	int y = (app->rows - rows + 1) / 2;
	if (y < 0)
		y = 0;
	for (int i = 0; i < 3; i++)
		y += put_centred(app, y, lines[i], 1);
}

static void draw_frame(struct tui *app, const struct worker_snapshot *ws)
{
	getmaxyx(stdscr, app->rows, app->cols);
	erase();
	if (app->rows < MIN_ROWS || app->cols < MIN_COLS) {
		draw_too_small(app);
		refresh();
		return;
	}
	app->body_top = 1;
	app->body_rows = app->rows - 4;
	draw_title(app);
	struct screen *s = tui_top(app);
	if (s)
		s->ops->draw(s->state, app);
	int busy_row = draw_activity(app, ws);
	draw_message(app, !busy_row);
	draw_footer(app);
	refresh();
}

/* ================================================================ events */

static int deliver(struct tui *app, struct screen *s, int action, int key)
{
	struct tui_event ev = {action, key};
	return s->ops->key(s->state, app, &ev);
}

/* Acts on a screen's reaction. Returns 1 to quit. */
static int react(struct tui *app, int r)
{
	if (r & TUI_QUIT)
		return 1;
	if (r & TUI_RELOAD)
		for (int i = 0; i < app->depth - 1; i++)
			app->stack[i].stale = 1;
	if (r & TUI_POP) {
		pop(app);
		if (!(r & TUI_PUSH) && app->depth) {
			struct screen *top = tui_top(app);
			top->stale = 0;
			react(app, deliver(app, top, ACT_RELOAD, 0) & ~TUI_POP);
		}
	}
	if (r & TUI_PUSH) {
		const struct screen_ops *ops = app->next_ops;
		void *arg = app->next_arg;
		app->next_ops = NULL;
		app->next_arg = NULL;
		if (ops && push(app, ops, arg) < 0 && (r & TUI_POP) && app->depth) {
			/* the replacement could not open: show what is underneath again */
			react(app, deliver(app, tui_top(app), ACT_RELOAD, 0) & ~TUI_POP);
		}
	}
	return app->depth == 0;
}

/* Reads the workspace again on the top screen when another process has changed it and
 * the screen follows it (not while a question waits for its answer, nor while text is
 * typed, as in the results' search). A change made meanwhile, or while the top screen
 * does not follow, waits until it can be shown. */
static void follow_workspace(struct tui *app, int64_t *seen, int *have)
{
	int64_t v;
	char err[256];
	if (store_data_version(app->st, &v, err, sizeof(err)) != 0)
		return;
	if (!*have) {
		*seen = v;
		*have = 1;
		return;
	}
	if (v == *seen || !app->depth || app->confirm[0] || !tui_top(app)->ops->follows ||
	    tui_top(app)->input_context)
		return;
	react(app, deliver(app, tui_top(app), ACT_RELOAD, 0) & ~TUI_POP);
	*seen = v;
}

/* The driver's own handling of global actions a screen passed on. Returns 1 to quit. */
static int global_action(struct tui *app, int action)
{
	struct screen *s = tui_top(app);
	switch (action) {
	case ACT_HELP:
		tui_next(app, &screen_help, s);
		return react(app, TUI_PUSH);
	case ACT_BACK:
		return react(app, TUI_POP);
	case ACT_CANCEL:
		return app->depth > 1 ? react(app, TUI_POP) : 0;
	case ACT_QUIT:
		return 1;
	case ACT_REFRESH:
		clearok(curscr, TRUE);
		return react(app, deliver(app, s, ACT_RELOAD, 0));
	case ACT_SUSPEND:
		def_prog_mode();
		endwin();
		raise(SIGTSTP);
		reset_prog_mode();
		refresh();
		return 0;
	}
	return 0;
}

static int handle_key(struct tui *app, int key)
{
	struct screen *s = tui_top(app);
	if (app->confirm[0]) {
		int a = tui_key_lookup("confirm", key);
		if (a == ACT_YES) {
			int action = app->confirm_action;
			app->confirm[0] = '\0';
			return react(app, deliver(app, s, action, 0));
		}
		if (a == ACT_NO) {
			app->confirm[0] = '\0';
			tui_info(app, "Nothing was changed.");
		} else if (key == KEY_CTRL('c')) {
			return 1;
		}
		return 0;
	}
	int action = lookup(app, key);
	if (!s->input_context && s->list && tui_list_move(s->list, action)) {
		/* moved; the screen hears of it in case it shows more of the selection */
		int r = deliver(app, s, action, key);
		return r & TUI_PASS ? 0 : react(app, r);
	}
	if (s->ops->plays && !s->input_context && tui_play_key(app, action))
		return 0;
	int r = deliver(app, s, action, key);
	if (r & TUI_PASS)
		return global_action(app, action);
	return react(app, r);
}

/* Reads one key: a character or KEYFN(code); 0 when none came (timeout). */
static int read_key(void)
{
	wint_t wc;
	int rc = get_wch(&wc);
	if (rc == ERR)
		return 0;
	if (rc == KEY_CODE_YES) {
		if (wc == KEY_ENTER)
			return '\n';
		return KEYFN((int)wc);
	}
	if (wc == '\r')
		return '\n';
	if (wc == 127 || wc == 8)
		return KEYFN(KEY_BACKSPACE);
	return (int)wc;
}

/* ================================================================ running */

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void setup_colors(struct tui *app)
{
	const char *no = getenv("NO_COLOR");
	int want = app->cfg->colors == CONFIG_COLORS_ALWAYS ||
		   (app->cfg->colors == CONFIG_COLORS_AUTO && !(no && *no));
	if (!want || !has_colors())
		return;
	start_color();
	use_default_colors();
	init_pair(C_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(C_DIM, -1, -1);
	init_pair(C_YES, COLOR_GREEN, -1);
	init_pair(C_NO, COLOR_RED, -1);
	init_pair(C_UNSURE, COLOR_YELLOW, -1);
	init_pair(C_WARN, COLOR_YELLOW, -1);
	init_pair(C_ERROR, COLOR_RED, -1);
	init_pair(C_HIT, COLOR_MAGENTA, -1);
	init_pair(C_ACCENT, COLOR_CYAN, -1);
	app->colors = 1;
}

/* Reopens where the admin was: the tagging screen of a tracker, at the same item. A
 * workspace opened read-only, where nothing can be tagged, opens on the trackers. */
static void resume(struct tui *app)
{
	char *v = NULL, err[256];
	long long id;
	int pos;
	if (store_readonly(app->st))
		return;
	if (store_state_get(app->st, RESUME_KEY, &v, err, sizeof(err)) != 0)
		return;
	if (sscanf(v, "tagging %lld %d", &id, &pos) == 2) {
		struct store_tracker *t = NULL;
		if (store_tracker_get(app->st, id, &t, err, sizeof(err)) == 0) {
			struct tagging_arg *a = xmalloc(sizeof(*a));
			a->tracker = id;
			a->position = pos;
			push(app, &screen_tagging, a);
		}
		store_tracker_free(t);
	}
	free(v);
}

int tui_run(const struct config *cfg, const char *db)
{
	char err[1024];
	struct tui app;
	SCREEN *term = NULL;
	FILE *trace = NULL;
	int rc = 1;

	memset(&app, 0, sizeof(app));
	app.cfg = cfg;
	app.db = db;
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "tracker: the app needs a terminal; for scripts use the commands "
			"(`tracker --help`)\n");
		return 1;
	}
	if (!db || !*db) {
		fprintf(stderr, "tracker: no workspace: give --db PATH or set [workspace] path in "
			"tracker.conf\n");
		return 1;
	}
	if (access(db, F_OK) != 0) {
		fprintf(stderr, "tracker: %s: %s (make one with `tracker demo --db %s` or "
			"`tracker import --db %s FILE...`)\n", db, strerror(errno), db, db);
		return 1;
	}
	if (store_open(db, &app.st, err, sizeof(err)) < 0) {
		fprintf(stderr, "tracker: %s\n", err);
		return 1;
	}
	const char *tp = getenv("TRACKER_TUI_TRACE");
	if (tp && *tp && !(trace = fopen(tp, "a"))) {
		fprintf(stderr, "tracker: %s: %s\n", tp, strerror(errno));
		goto out;
	}
	if (worker_new(db, &app.worker, err, sizeof(err)) < 0) {
		fprintf(stderr, "tracker: %s\n", err);
		goto out;
	}
	tui_play_new(&app);

	term = newterm(NULL, stdout, stdin);
	if (!term) {
		const char *t = getenv("TERM");
		fprintf(stderr, "tracker: cannot use the terminal (TERM=%s)\n", t ? t : "unset");
		goto out;
	}
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	setup_colors(&app);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (push(&app, &screen_trackers, NULL) < 0) {
		endwin();
		fprintf(stderr, "tracker: %s\n", app.msg);
		goto out;
	}
	resume(&app);
	if (store_readonly(app.st))
		tui_info(&app, "Read-only: %s cannot be changed (%s).", db, store_readonly(app.st));

	struct worker_snapshot ws;
	unsigned finished_seen = 0;
	int64_t data_version = 0, followed_ns = 0;
	int have_version = 0;	/* the workspace as the screens last read it */
	/* from the start: a change before the first idle moment is one to follow too */
	follow_workspace(&app, &data_version, &have_version);
	int index_seen = 0, first = 1, keyed = 0, last_key = 0;
	rc = 0;
	for (;;) {
		worker_snapshot(app.worker, &ws);
		if (ws.index_state != index_seen) {
			index_seen = ws.index_state;
			if (ws.index_state == 1)
				app.ix = worker_index(app.worker);
			else if (ws.index_state < 0)
				tui_error(&app, "The workspace index could not be loaded: %s", ws.index_err);
		}
		if (ws.finished != finished_seen) {
			finished_seen = ws.finished;
			int quit = 0;
			for (int i = app.depth - 1; i >= 0 && !quit; i--) {
				if (i >= app.depth)
					continue;
				int r = deliver(&app, &app.stack[i], ACT_JOB_DONE, 0);
				if (i == app.depth - 1)
					quit = react(&app, r);
			}
			if (quit)
				break;
		}
		tui_play_tick(&app);
		draw_frame(&app, &ws);
		if (trace && (first || keyed)) {
			fprintf(trace, "%lld %s %d\n", (long long)now_ns(), first ? "first" : "key",
				last_key);
			fflush(trace);
		}
		first = keyed = 0;
		if (got_signal)
			break;
		timeout(ws.busy || ws.queued || tui_play_busy(&app) ? 30 : 1000);
		int key = read_key();
		if (got_signal)
			break;
		/* when idle, and at least once a second however keys come */
		int64_t t = now_ns();
		if (!key || t - followed_ns >= 1000000000) {
			follow_workspace(&app, &data_version, &have_version);
			followed_ns = t;
		}
		if (!key)
			continue;
		if (key == KEYFN(KEY_RESIZE)) {
			clearok(curscr, TRUE);
			continue;
		}
		keyed = 1;
		last_key = key;
		app.msg[0] = '\0';
		getmaxyx(stdscr, app.rows, app.cols);
		if (app.rows < MIN_ROWS || app.cols < MIN_COLS) {
			if (key == KEY_CTRL('c'))
				break;
			continue;
		}
		if (handle_key(&app, key))
			break;
		if (app.depth == 0)
			break;
	}
	while (app.depth)
		pop(&app);
	endwin();
out:
	tui_play_free(&app);
	worker_free(app.worker);
	if (term)
		delscreen(term);
	if (trace)
		fclose(trace);
	store_close(app.st);
	return rc;
}
