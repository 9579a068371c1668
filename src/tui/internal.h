/* tui internals: the screen contract, the driver's services, the key table, drawing
 * helpers, the background worker and playback glue. Used only inside src/tui/. */
#ifndef TUI_INTERNAL_H
#define TUI_INTERNAL_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "audio.h"
#include "learn.h"
#include "store.h"

struct config;
struct tui;

/* ================================================================ reactions */

/* What key() asks the driver to do; one loop turn acts on it and redraws. */
enum tui_reaction {
	TUI_NONE = 0,
	TUI_REDRAW = 1 << 0,	/* draw again (the loop always does after a key) */
	TUI_RELOAD = 1 << 1,	/* data changed: screens underneath reload when uncovered */
	TUI_PUSH = 1 << 2,	/* open the screen set with tui_next() on top */
	TUI_POP = 1 << 3,	/* close this screen */
	TUI_REPLACE = TUI_POP | TUI_PUSH,
	TUI_QUIT = 1 << 4,	/* leave the app */
	TUI_PASS = 1 << 5,	/* not handled here: the driver tries the global keys */
};

/* ================================================================ actions and keys */

enum tui_action {
	ACT_NONE = 0,
	/* global */
	ACT_HELP, ACT_BACK, ACT_CANCEL, ACT_QUIT, ACT_REFRESH, ACT_SUSPEND,
	/* movement, done by the driver on a screen's list */
	ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END,
	/* general */
	ACT_ENTER, ACT_LEFT, ACT_RIGHT, ACT_NEXT_FIELD, ACT_PREV_FIELD, ACT_TOGGLE, ACT_SAVE, ACT_CLEAR,
	ACT_EDITKEY,		/* a line-editing key: the editor reads the raw key */
	/* trackers */
	ACT_OPEN, ACT_NEW, ACT_EDIT, ACT_EXAMPLES, ACT_TRAIN, ACT_OVERVIEW, ACT_ACTIVATE, ACT_PUBLISH,
	ACT_RESULTS, ACT_RATES, ACT_DELETE,
	/* results */
	ACT_SEARCH,
	/* rates */
	ACT_SEGMENT,
	/* examples */
	ACT_ADD, ACT_BULK,
	/* tagging */
	ACT_TAG_YES, ACT_TAG_NO, ACT_TAG_UNSURE, ACT_UNDO, ACT_PREV_ITEM, ACT_NEXT_ITEM, ACT_CALL,
	/* playback */
	ACT_PLAY, ACT_PLAY_CONTEXT, ACT_PAUSE, ACT_SEEK_BACK, ACT_SEEK_FWD, ACT_STOP, ACT_SLOWER,
	ACT_FASTER, ACT_WRITE_WAV,
	/* overview */
	ACT_MARK_RIGHT, ACT_MARK_WRONG, ACT_CONTEXT, ACT_BUILD,
	/* activate */
	ACT_FEWER, ACT_MORE,
	/* call view */
	ACT_NEXT_HIT, ACT_PREV_HIT,
	/* confirm */
	ACT_YES, ACT_NO,
	/* events made by the driver, never bound to keys */
	ACT_RELOAD,		/* the screen is shown again, or Ctrl-L: reload its data */
	ACT_JOB_DONE,		/* a background job finished: take its result if it is yours */
	ACT_TEXT,			/* a key bound to nothing: typed text for editors */
};

/* A function key is stored negated so it never collides with a character. */
#define KEYFN(k) (-(k))
#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27

/* One row of THE key table: the dispatcher, the footer and the help screen read it. */
struct tui_keydef {
	const char *context;	/* "global", a screen's context, "list", "playback", ... */
	int key;		/* a character, or KEYFN(KEY_*) */
	int action;		/* enum tui_action */
	const char *help;	/* what it does, for the help screen */
	const char *brief;	/* short label for the footer, or NULL to leave it out */
};

extern const struct tui_keydef tui_keys[];

/* The action bound to key in context, or ACT_NONE. */
int tui_key_lookup(const char *context, int key);
/* The key's name as shown ("y", "Enter", "←", "Ctrl-S"). Returns a static string. */
const char *tui_key_name(int key);
/* Headings of contexts for the help screen ("Tagging", "Moving", "Everywhere"). */
const char *tui_context_title(const char *context);

/* An input event handed to key(). */
struct tui_event {
	int action;		/* enum tui_action, ACT_TEXT when no binding matched */
	int key;		/* the raw key: character (wide) or KEYFN(KEY_*); 0 for events */
};

/* ================================================================ lists */

/* A cursor over n rows that the driver moves (ACT_UP, ACT_DOWN, paging). */
struct tui_list {
	int n;			/* rows */
	int sel;		/* selected row, 0..n-1 (0 when empty) */
	int top;		/* first row shown */
	int page;		/* rows visible, set by draw() */
};

/* Applies a movement action; returns 1 when it was one. */
int tui_list_move(struct tui_list *l, int action);
/* Keeps the selection on screen given rows visible. */
void tui_list_scroll(struct tui_list *l, int rows);

/* ================================================================ screens */

struct screen;

/* A screen: one file in src/tui/ defines one of these. */
struct screen_ops {
	const char *name;		/* shown in the title bar */
	const char *const *contexts;	/* key contexts looked up before "global", NULL-ended */
	int plays;			/* 1 when the playback keys work here */
	/* Makes the screen's state from arg (owned by the screen from then on, or borrowed
	 * as its file says) and loads its data; NULL with tui_error() set when it cannot. */
	void *(*open)(struct tui *app, void *arg);
	/* Draws the state in the body rows; reads nothing from the store. */
	void (*draw)(void *state, struct tui *app);
	/* Handles an event and returns what must happen (enum tui_reaction). */
	int (*key)(void *state, struct tui *app, const struct tui_event *ev);
	/* Frees the state. */
	void (*close)(void *state, struct tui *app);
	/* How much an action means in the screen's state now, for the footer: 0 nothing
	 * (left out), 1 as usual, 2 it matters now (shown first). NULL: 1 for every one. */
	int (*offers)(void *state, int action);
	/* 1 when the screen reads the workspace again (ACT_RELOAD) as soon as another process
	 * changes it: what it shows is the workspace as it is now */
	int follows;
};

struct screen {
	const struct screen_ops *ops;
	void *state;
	struct tui_list *list;	/* (borrowed from state) moved by the driver, or NULL */
	const char *input_context;	/* (static) overrides the contexts while editing text */
	int stale;		/* needs ACT_RELOAD when it shows again */
};

extern const struct screen_ops screen_trackers, screen_settings, screen_filter, screen_examples,
	screen_bulk, screen_tagging, screen_overview, screen_activate, screen_publish,
	screen_results, screen_rates, screen_call, screen_help;

/* Arguments of some screens (copied by open). */
struct call_arg {
	int64_t call;		/* call row id */
	int64_t sentence;	/* sentence to start at, 0 for the top */
	int64_t tracker;	/* its detections are highlighted, 0 for none */
};
struct tagging_arg {
	int64_t tracker;
	int position;		/* item to resume at, -1 for the first untagged */
};
struct filter_arg {
	struct store_settings *s;	/* (borrowed) the settings form's settings */
	const char *key;		/* (borrowed) the metadata key */
};
struct activate_arg {
	int64_t tracker;
	int publish;		/* publish the draft instead of activating */
};

/* ================================================================ the app */

struct worker;
struct tui_play;

enum tui_color {
	C_NORMAL = 0, C_TITLE, C_DIM, C_YES, C_NO, C_UNSURE, C_WARN, C_ERROR, C_SEL, C_HIT,
	C_ACCENT, C_COUNT
};

struct tui {
	const struct config *cfg;	/* (borrowed) */
	const char *db;			/* (borrowed) workspace path */
	store *st;			/* the UI thread's handle */
	struct worker *worker;
	struct tui_play *play;
	int colors;			/* colour pairs in use */
	int rows, cols;			/* terminal size */
	int body_top, body_rows;	/* rows screens draw in */
	struct screen stack[16];
	int depth;
	const struct screen_ops *next_ops;	/* set by tui_next() */
	void *next_arg;
	char msg[512];			/* the message line */
	int msg_error;
	/* a question waiting for y/n; on yes the asking screen gets confirm_action */
	char confirm[256];
	int confirm_action;
	int confirm_screen;		/* stack index of the screen that asked */
	const learn_index *ix;		/* (borrowed from the worker) NULL until loaded */
};

/* Sets the screen the next TUI_PUSH opens (arg handed to its open()). */
void tui_next(struct tui *app, const struct screen_ops *ops, void *arg);
/* Sets the message line: info, or an error that says what and why. */
void tui_info(struct tui *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_error(struct tui *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Asks a y/n question on the message line; on y the current screen gets an event with
 * action `action`. */
void tui_confirm(struct tui *app, int action, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The screen asking (the top of the stack). */
struct screen *tui_top(struct tui *app);
/* Remembers where the admin is, so that reopening the app returns there
 * ("tagging TRACKER POSITION", or NULL for the trackers screen). Inside the caller's
 * transaction when one is open. */
int tui_resume_save(struct tui *app, int64_t tracker, int position, char *err, size_t errlen);

/* ================================================================ drawing */

/* Display width of UTF-8 text. */
int tui_width(const char *s);
/* Draws UTF-8 text at (y, x) in width w columns; text that does not fit is cut and ends
 * in "…" (blanks cut off need no mark). Returns columns used. */
int tui_put(int y, int x, int w, const char *s, attr_t attr, int color);
/* The same, cut without a mark: for text that scrolls, as in the line editor. */
int tui_put_clip(int y, int x, int w, const char *s, attr_t attr);
/* Draws a heading: name, then parts, joined by " · ", in w columns. Parts that do not
 * fit whole are left out from the last back, but the first `keep` always show: the name
 * gives way to them, ending in "…". Returns columns used. */
int tui_put_header(int y, int x, int w, const char *name, const char *const *parts, int n,
		   int keep, attr_t attr);
/* Draws text wrapped to width w from row y, at most maxrows rows; returns rows used
 * (rows it would use when draw is 0). */
int tui_wrap(int y, int x, int w, int maxrows, const char *s, attr_t attr, int color, int draw);
/* Fills a row from x with spaces in attr. */
void tui_fill(int y, int x, int w, attr_t attr, int color);
/* Attribute of a colour pair, or A_NORMAL without colours; C_SEL is reverse video always. */
attr_t tui_color(struct tui *app, int color);
/* "1:23" for milliseconds. */
void tui_clock(int64_t ms, char *buf, size_t len);
/* "2026-03-02" of an ISO time or unix seconds. */
void tui_date(const char *iso, int64_t unix_s, char *buf, size_t len);
/* 18081 as "18,081", as the screens write counts. */
void tui_thousands(int64_t v, char *buf, size_t len);
/* "90%" or "–" for NAN. */
void tui_pct(double x, char *buf, size_t len);
/* A metadata key as words: "deal_stage" as "Deal stage" (capital) or "deal stage". */
void tui_key_label(const char *key, int capital, char *buf, size_t len);
/* Value of a call's metadata key, or "". */
const char *tui_meta(const struct store_call *c, const char *key);

/* An example sentence in the form duplicates are recognised by (owned). */
char *tui_example_key(const char *s);
/* Sentences a text reads as. */
int tui_sentence_count(const char *s);

/* ================================================================ line editor */

struct tui_edit {
	char *text;		/* UTF-8 (owned) */
	size_t len, cap;
	size_t cur;		/* byte offset of the cursor */
	size_t max;		/* most bytes allowed */
};

void tui_edit_set(struct tui_edit *e, const char *s);
void tui_edit_free(struct tui_edit *e);
/* Handles a typed character or an editing key; returns 1 when it used the key. */
int tui_edit_key(struct tui_edit *e, int key);
/* Draws the text in w columns at (y, x), scrolled so the cursor shows; the cursor is
 * drawn in reverse when focused. */
void tui_edit_draw(const struct tui_edit *e, int y, int x, int w, int focused, attr_t attr);

/* ================================================================ background worker */

enum job_kind {
	JOB_INDEX, JOB_ROUND, JOB_TRAIN, JOB_OVERVIEW, JOB_ACTIVATE, JOB_PUBLISH, JOB_COMPARE
};

/* What a finished job left; owned pointers pass to whoever takes it. */
struct job_result {
	unsigned id;
	int kind;		/* enum job_kind */
	int64_t tracker;
	int rc;			/* 0 done, -1 failed (err), 1 cancelled */
	char err[512];
	struct store_round *round;	/* JOB_ROUND */
	int built;			/* JOB_ROUND: a new round was made */
	struct learn_overview *overview;	/* JOB_OVERVIEW */
	struct learn_compare *compare;		/* JOB_COMPARE */
	int version;			/* JOB_TRAIN */
	size_t detections;		/* JOB_ACTIVATE, JOB_PUBLISH */
};

/* What the UI draws from, copied under the worker's lock once per loop turn. */
struct worker_snapshot {
	int busy;		/* a job is running */
	int queued;		/* jobs waiting */
	unsigned job;		/* its id */
	int kind;		/* its kind */
	int64_t tracker;
	int cancellable;
	int cancelling;
	char stage[128];	/* what it is doing, in words */
	double fraction;	/* 0..1, or < 0 when unknown */
	int index_state;	/* 0 loading, 1 ready, -1 failed */
	char index_err[512];
	unsigned finished;	/* counts finished jobs: a change means results to take */
};

/* Starts the worker on the workspace at db (its own store handle) and queues the
 * index load. */
int worker_new(const char *db, struct worker **out, char *err, size_t errlen);
/* Cancels what runs, waits for the thread, frees results and the index. */
void worker_free(struct worker *w);
/* Queues a job; returns its id (never 0). months: JOB_ACTIVATE's backfill. */
unsigned worker_submit(struct worker *w, int kind, int64_t tracker, int months);
/* Asks the job to stop (when it can). */
void worker_cancel(struct worker *w, unsigned job);
void worker_snapshot(struct worker *w, struct worker_snapshot *out);
/* Moves a finished job's result into *out; returns 1 when there was one. */
int worker_take(struct worker *w, unsigned job, struct job_result *out);
void job_result_clear(struct job_result *r);
/* The loaded index, or NULL until the index job is done (shared, read-only). */
const learn_index *worker_index(struct worker *w);

/* ================================================================ playback */

int tui_play_new(struct tui *app);
void tui_play_free(struct tui *app);
/* Plays a sentence (context 0) or its shown context (2 before to 2 after). */
void tui_play_sentence(struct tui *app, int64_t sentence, int context);
/* Writes a sentence's snippet to a WAV file and says where. */
void tui_play_write(struct tui *app, int64_t sentence);
/* Handles the playback keys (pause, seek, stop, speed); returns 1 when it did. */
int tui_play_key(struct tui *app, int action);
/* Stops what plays (tagging stops the snippet). */
void tui_play_stop(struct tui *app);
/* Takes the player's snapshot and starts a play that waited for its recording. */
void tui_play_tick(struct tui *app);
/* 1 when something plays, waits or is being made (the loop polls faster). */
int tui_play_busy(struct tui *app);
/* Where playback is in call (ms), or -1 when that call is not playing. */
int64_t tui_play_heard(struct tui *app, int64_t call);
/* Draws the position line at row y; returns 0 when there is nothing to show. */
int tui_play_draw(struct tui *app, int y);
/* Starts making the recordings of these calls in the background. */
void tui_play_prepare(struct tui *app, const int64_t *calls, size_t n);

#endif
