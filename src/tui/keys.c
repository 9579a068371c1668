/* The key table: every binding of the app, once. The dispatcher looks keys up here,
 * the footer shows the rows with a brief label, and the help screen lists them. A help
 * text fits 57 columns, what the help screen has beside the keys on 80. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const struct tui_keydef tui_keys[] = {
	/* trackers (home) */
	{"trackers", '\n', ACT_OPEN, "open it at its stage: examples, round, overview, results", "open"},
	{"trackers", 'n', ACT_NEW, "create a tracker (settings form)", "new"},
	{"trackers", 'e', ACT_EDIT, "edit the tracker's settings", "edit"},
	{"trackers", 'x', ACT_EXAMPLES, "example sentences", "examples"},
	{"trackers", 't', ACT_TRAIN, "tag a round (train more)", "tag"},
	{"trackers", 'o', ACT_OVERVIEW, "performance overview", "overview"},
	{"trackers", 'a', ACT_ACTIVATE, "activate on upcoming (and past) calls", "activate"},
	{"trackers", 'p', ACT_PUBLISH, "publish unpublished changes of an active tracker", "publish"},
	{"trackers", 'r', ACT_RESULTS, "results of an active tracker", "results"},
	{"trackers", 'm', ACT_RATES, "detection rates per week, and the weeks that moved", "rates"},
	{"trackers", 'd', ACT_DELETE, "delete the tracker (asks first)", NULL},
	{"trackers", 'q', ACT_QUIT, "quit", "quit"},

	/* settings form */
	{"settings", '\t', ACT_NEXT_FIELD, "next field", "next"},
	{"settings", KEYFN(KEY_DOWN), ACT_NEXT_FIELD, "next field", NULL},
	{"settings", KEYFN(KEY_BTAB), ACT_PREV_FIELD, "previous field", NULL},
	{"settings", KEYFN(KEY_UP), ACT_PREV_FIELD, "previous field", NULL},
	{"settings", KEYFN(KEY_LEFT), ACT_LEFT, "previous choice (in a text field: cursor left)", NULL},
	{"settings", KEYFN(KEY_RIGHT), ACT_RIGHT, "next choice (in a text field: cursor right)", "choose"},
	{"settings", ' ', ACT_TOGGLE, "next choice (in a text field: a space)", NULL},
	{"settings", '\n', ACT_ENTER, "pick filter values; on Save, save; else next field", NULL},
	{"settings", KEY_CTRL('s'), ACT_SAVE, "save the settings", "save"},
	{"settings", KEY_ESC, ACT_BACK, "leave without saving", "cancel"},

	/* filter values */
	{"filter", ' ', ACT_TOGGLE, "select or unselect the value", "select"},
	{"filter", 'c', ACT_CLEAR, "clear: any value", "any"},
	{"filter", '\n', ACT_ENTER, "done", "done"},
	{"filter", KEY_ESC, ACT_BACK, "done", NULL},

	/* example sentences */
	{"examples", 'a', ACT_ADD, "add one example sentence", "add"},
	{"examples", 'b', ACT_BULK, "bulk add: paste up to 100 lines, one example a line", "bulk add"},
	{"examples", 'e', ACT_EDIT, "edit the selected example", "edit"},
	{"examples", 'd', ACT_DELETE, "delete the selected example (asks first)", "delete"},
	{"examples", 't', ACT_TRAIN, "tag the round under way, or the next (needs 5 examples)", "tag"},
	{"examples", '\n', ACT_TRAIN, "tag the round under way, or the next (needs 5 examples)", NULL},

	/* bulk add */
	{"bulk", '\n', ACT_ENTER, "end the line, start the next", NULL},
	{"bulk", KEY_CTRL('s'), ACT_SAVE, "add the lines as examples", "add all"},
	{"bulk", KEYFN(KEY_F(2)), ACT_SAVE, "add the lines as examples", NULL},
	{"bulk", KEYFN(KEY_UP), ACT_PREV_FIELD, "previous line", NULL},
	{"bulk", KEYFN(KEY_DOWN), ACT_NEXT_FIELD, "next line", NULL},
	{"bulk", KEY_ESC, ACT_BACK, "leave without adding", "cancel"},

	/* tagging round */
	{"tagging", 'y', ACT_TAG_YES, "YES: the bold sentence says the concept", "yes"},
	{"tagging", '1', ACT_TAG_YES, "YES: the bold sentence says the concept", NULL},
	{"tagging", 'n', ACT_TAG_NO, "NO: it does not", "no"},
	{"tagging", '2', ACT_TAG_NO, "NO: it does not", NULL},
	{"tagging", 'u', ACT_TAG_UNSURE, "NOT SURE", "not sure"},
	{"tagging", '3', ACT_TAG_UNSURE, "NOT SURE", NULL},
	{"tagging", KEYFN(KEY_BACKSPACE), ACT_UNDO, "undo the last tag of this round", "undo"},
	{"tagging", KEYFN(KEY_LEFT), ACT_PREV_ITEM, "previous item, without tagging", NULL},
	{"tagging", KEYFN(KEY_RIGHT), ACT_NEXT_ITEM, "next item, without tagging", "move"},
	{"tagging", 'c', ACT_CALL, "the whole call at this sentence", "call"},
	{"tagging", KEY_ESC, ACT_CANCEL, "cancel training (the tags are kept)", "cancel training"},
	{"tagging", 'q', ACT_BACK, "back to the trackers (the round is kept as far as it got)", "back"},

	/* playback, on screens that play */
	{"playback", 'p', ACT_PLAY, "play the sentence (with lead-in and lead-out)", "play"},
	{"playback", 'P', ACT_PLAY_CONTEXT, "play the whole context shown", NULL},
	{"playback", ' ', ACT_PAUSE, "pause or resume", NULL},
	{"playback", ',', ACT_SEEK_BACK, "back 5 seconds", NULL},
	{"playback", '.', ACT_SEEK_FWD, "forward 5 seconds", NULL},
	{"playback", 's', ACT_STOP, "stop playing", NULL},
	{"playback", '[', ACT_SLOWER, "slower (down to 0.75x)", NULL},
	{"playback", ']', ACT_FASTER, "faster (up to 1.5x)", NULL},
	{"playback", 'w', ACT_WRITE_WAV, "write the snippet to a WAV file", NULL},

	/* performance overview */
	{"overview", 'y', ACT_MARK_RIGHT, "mark the selected sentence right", "right"},
	{"overview", 'n', ACT_MARK_WRONG, "mark the selected sentence wrong", "wrong"},
	{"overview", '\n', ACT_CONTEXT, "show or hide the selected sentence's context", "context"},
	{"overview", 'c', ACT_CALL, "the whole call at the selected sentence", NULL},
	{"overview", 't', ACT_TRAIN, "train more: tag another round", "train more"},
	{"overview", 'a', ACT_ACTIVATE, "activate on upcoming (and past) calls", "activate"},
	{"overview", 'a', ACT_PUBLISH, "publish the draft: make it live and score the calls again", "publish"},
	{"overview", 'm', ACT_BUILD, "build the model now from the tags so far", "build model"},

	/* activate */
	{"activate", KEYFN(KEY_UP), ACT_UP, "upcoming calls only", NULL},
	{"activate", KEYFN(KEY_DOWN), ACT_DOWN, "upcoming and past calls", NULL},
	{"activate", KEYFN(KEY_LEFT), ACT_FEWER, "fewer months of past calls", NULL},
	{"activate", '-', ACT_FEWER, "fewer months of past calls", NULL},
	{"activate", KEYFN(KEY_RIGHT), ACT_MORE, "more months of past calls", "months"},
	{"activate", '+', ACT_MORE, "more months of past calls", NULL},
	{"activate", '\n', ACT_ENTER, "activate now", "start"},
	{"activate", KEY_ESC, ACT_CANCEL, "cancel scoring, or go back", "cancel"},

	/* publish */
	{"publish", '\n', ACT_ENTER, "publish the draft now", "publish"},
	{"publish", KEY_ESC, ACT_CANCEL, "cancel scoring, or go back", "cancel"},

	/* results */
	{"results", '\n', ACT_OPEN, "open the call with its detected sentences", "open call"},
	{"results", '/', ACT_SEARCH, "search: calls whose id, title, speaker or detected sentence has the text", "search"},
	{"results", 'm', ACT_RATES, "detection rates per week, and the weeks that moved", "rates"},

	/* rates */
	{"rates", 'b', ACT_SEGMENT, "by: team, the other metadata keys, all calls", "by"},
	{"rates", '\t', ACT_SEGMENT, "by: team, the other metadata keys, all calls", NULL},

	/* call transcript */
	{"call", 'n', ACT_NEXT_HIT, "next detected sentence", "next hit"},
	{"call", 'N', ACT_PREV_HIT, "previous detected sentence", NULL},

	/* moving in lists */
	{"list", KEYFN(KEY_UP), ACT_UP, "up", NULL},
	{"list", 'k', ACT_UP, "up", NULL},
	{"list", KEYFN(KEY_DOWN), ACT_DOWN, "down", NULL},
	{"list", 'j', ACT_DOWN, "down", NULL},
	{"list", KEYFN(KEY_PPAGE), ACT_PGUP, "page up", NULL},
	{"list", KEYFN(KEY_NPAGE), ACT_PGDN, "page down", NULL},
	{"list", KEYFN(KEY_HOME), ACT_HOME, "first", NULL},
	{"list", 'g', ACT_HOME, "first", NULL},
	{"list", KEYFN(KEY_END), ACT_END, "last", NULL},
	{"list", 'G', ACT_END, "last", NULL},

	/* a question */
	{"confirm", 'y', ACT_YES, "yes", "yes"},
	{"confirm", 'n', ACT_NO, "no", "no"},
	{"confirm", KEY_ESC, ACT_NO, "no", NULL},

	/* editing a line of text */
	{"input", '\n', ACT_ENTER, "accept", "accept"},
	{"input", KEY_ESC, ACT_BACK, "cancel", "cancel"},
	{"input", KEYFN(KEY_LEFT), ACT_EDITKEY, "cursor left", NULL},
	{"input", KEYFN(KEY_RIGHT), ACT_EDITKEY, "cursor right", NULL},
	{"input", KEYFN(KEY_HOME), ACT_EDITKEY, "start of the line", NULL},
	{"input", KEY_CTRL('a'), ACT_EDITKEY, "start of the line", NULL},
	{"input", KEYFN(KEY_END), ACT_EDITKEY, "end of the line", NULL},
	{"input", KEY_CTRL('e'), ACT_EDITKEY, "end of the line", NULL},
	{"input", KEYFN(KEY_BACKSPACE), ACT_EDITKEY, "delete before the cursor", NULL},
	{"input", KEYFN(KEY_DC), ACT_EDITKEY, "delete at the cursor", NULL},
	{"input", KEY_CTRL('u'), ACT_EDITKEY, "clear the line", NULL},

	/* help */
	{"help", 'q', ACT_BACK, "close the help", "close"},
	{"help", KEY_ESC, ACT_BACK, "close the help", NULL},
	{"help", '?', ACT_BACK, "close the help", NULL},

	/* everywhere */
	{"global", '?', ACT_HELP, "the keys of this screen", "help"},
	{"global", KEYFN(KEY_F(1)), ACT_HELP, "the keys of this screen", NULL},
	{"global", 'q', ACT_BACK, "back", "back"},
	{"global", KEY_ESC, ACT_CANCEL, "cancel long work, or go back", NULL},
	{"global", KEY_CTRL('l'), ACT_REFRESH, "reload and redraw the screen", NULL},
	{"global", KEY_CTRL('c'), ACT_QUIT, "quit the app: tags are kept, unsaved text is not", NULL},
	{"global", KEY_CTRL('z'), ACT_SUSPEND, "suspend the app (fg brings it back)", NULL},
	{NULL, 0, ACT_NONE, NULL, NULL},
};

int tui_key_lookup(const char *context, int key)
{
	for (const struct tui_keydef *k = tui_keys; k->context; k++)
		if (k->key == key && !strcmp(k->context, context))
			return k->action;
	return ACT_NONE;
}

const char *tui_key_name(int key)
{
	static char buf[16];
	switch (key) {
	case '\n': return "Enter";
	case '\t': return "Tab";
	case ' ': return "Space";
	case KEY_ESC: return "Esc";
	case KEYFN(KEY_UP): return "↑";
	case KEYFN(KEY_DOWN): return "↓";
	case KEYFN(KEY_LEFT): return "←";
	case KEYFN(KEY_RIGHT): return "→";
	case KEYFN(KEY_PPAGE): return "PgUp";
	case KEYFN(KEY_NPAGE): return "PgDn";
	case KEYFN(KEY_HOME): return "Home";
	case KEYFN(KEY_END): return "End";
	case KEYFN(KEY_BACKSPACE): return "Backspace";
	case KEYFN(KEY_DC): return "Delete";
	case KEYFN(KEY_BTAB): return "Shift-Tab";
	}
	if (key < 0 && -key >= KEY_F(1) && -key <= KEY_F(12)) {
		snprintf(buf, sizeof(buf), "F%d", -key - KEY_F0);
		return buf;
	}
	if (key > 0 && key < 27) {
		snprintf(buf, sizeof(buf), "Ctrl-%c", 'A' + key - 1);
		return buf;
	}
	if (key > 32 && key < 127) {
		snprintf(buf, sizeof(buf), "%c", key);
		return buf;
	}
	snprintf(buf, sizeof(buf), "key %d", key);
	return buf;
}

const char *tui_context_title(const char *context)
{
	static const struct {
		const char *context, *title;
	} titles[] = {
		{"trackers", "Trackers"}, {"settings", "Settings form"},
		{"filter", "Filter values"}, {"examples", "Example sentences"},
		{"bulk", "Bulk add"}, {"tagging", "Tagging"}, {"playback", "Listening"},
		{"overview", "Performance overview"}, {"activate", "Activate"}, {"publish", "Publish"},
		{"results", "Results"}, {"rates", "Rates"}, {"call", "Call transcript"}, {"list", "Moving"},
		{"confirm", "Questions"}, {"input", "Editing text"}, {"help", "Help"},
		{"global", "Everywhere"},
	};
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (!strcmp(titles[i].context, context))
			return titles[i].title;
	return context;
}
