/* Playback glue shared by the screens that play: finds a sentence's recording, has it
 * made when the demo has not yet, plays it through the audio player (or writes a WAV
 * when there is no device), and draws the position line from the player's snapshot. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "xmalloc.h"

struct tui_play {
	audio_player *player;
	int device;		/* -1 not tried yet, 0 none, 1 there is one */
	char no_device[256];	/* why there is none */
	int no_device_said;
	audio_prep *prep;
	struct audio_snapshot snap;
	unsigned error_seen;	/* the player's error_serial already shown */
	/* a play (or write) waiting for its recording to be made */
	int pending;
	int pending_write;
	int64_t pending_call;
	int64_t pending_sentence;
	char pending_name[64];
	struct audio_play req;	/* path NULL while pending */
	int64_t playing_call;	/* call of what was last asked to play */
};

int tui_play_new(struct tui *app)
{
	app->play = xcalloc(1, sizeof(*app->play));
	app->play->device = -1;
	return 0;
}

void tui_play_free(struct tui *app)
{
	struct tui_play *p = app->play;
	if (!p)
		return;
	audio_player_free(p->player);
	audio_prep_free(p->prep);
	free((char *)p->req.path);
	free(p);
	app->play = NULL;
}

static void ensure_player(struct tui *app)
{
	struct tui_play *p = app->play;
	if (p->device >= 0)
		return;
	struct audio_player_options o = {
		.device = app->cfg->audio_device,
	};
	char err[256];
	int rc = audio_player_new(&o, &p->player, err, sizeof(err));
	p->device = rc == 0;
	if (rc != 0)
		snprintf(p->no_device, sizeof(p->no_device), "%s", err);
	if (p->player)
		audio_player_snapshot(p->player, &p->snap);
	p->error_seen = p->snap.error_serial;
}

static audio_prep *ensure_prep(struct tui *app)
{
	struct tui_play *p = app->play;
	char err[256];
	if (!p->prep && audio_prep_new(app->db, &p->prep, err, sizeof(err)) < 0)
		p->prep = NULL;
	return p->prep;
}

void tui_play_prepare(struct tui *app, const int64_t *calls, size_t n)
{
	audio_prep *prep = n ? ensure_prep(app) : NULL;
	if (prep)
		audio_prep_add(prep, calls, n);
}

/* Writes the region of req to the sentence's fallback WAV and says where. */
static void write_wav(struct tui *app, const struct audio_play *req, int64_t sentence,
		      const char *why)
{
	char path[512], err[512];
	struct audio_region r = {
		.start_ms = req->mark_start_ms, .end_ms = req->mark_end_ms,
		.lead_in_ms = (int)(req->mark_start_ms - req->from_ms),
		.lead_out_ms = (int)(req->to_ms - req->mark_end_ms),
		.channel = req->channel,
	};
	audio_fallback_path(sentence, path, sizeof(path));
	if (audio_export_wav(req->path, &r, path, err, sizeof(err)) != 0) {
		tui_error(app, "Could not write the snippet: %s", err);
		return;
	}
	if (why)
		tui_info(app, "%s. The snippet was written to %s instead (w writes one any time).",
			 why, path);
	else
		tui_info(app, "Snippet written to %s", path);
}

/* Plays (or writes) now that the recording is there. */
static void start(struct tui *app, const struct audio_play *req, int64_t sentence, int write)
{
	struct tui_play *p = app->play;
	char err[512];
	if (!write)
		ensure_player(app);
	if (write || p->device == 0) {
		const char *why = NULL;
		if (!write && !p->no_device_said) {
			why = p->no_device[0] ? p->no_device : "no sound: no audio output device";
			p->no_device_said = 1;
		} else if (!write) {
			why = "No sound device";
		}
		char cap[300];
		if (why) {
			snprintf(cap, sizeof(cap), "%s", why);
			if (cap[0] >= 'a' && cap[0] <= 'z')
				cap[0] = (char)(cap[0] - 'a' + 'A');
		}
		write_wav(app, req, sentence, why ? cap : NULL);
		return;
	}
	if (audio_player_play(p->player, req, err, sizeof(err)) < 0) {
		tui_error(app, "Cannot play: %s", err);
		return;
	}
	audio_player_snapshot(p->player, &p->snap);
	p->error_seen = p->snap.error_serial;
}

static void request(struct tui *app, int64_t sentence, int context, int write)
{
	struct tui_play *p = app->play;
	struct store_sentence *s = NULL;
	struct store_call *call = NULL;
	size_t n = 0, t = 0;
	char err[512];
	int rc = store_sentence_context(app->st, sentence, context ? 2 : 0, context ? 2 : 0, &s, &n,
					&t, err, sizeof(err));
	if (rc != 0) {
		tui_error(app, "Cannot play sentence %lld: %s", (long long)sentence,
			  rc < 0 ? err : "there is no such sentence");
		return;
	}
	if (store_call_get_id(app->st, s[t].call, &call, err, sizeof(err)) != 0) {
		tui_error(app, "Cannot play sentence %lld: its call is missing", (long long)sentence);
		goto out;
	}
	if (!call->audio || !*call->audio) {
		tui_info(app, "Call %s has no recording.", call->ext_id);
		goto out;
	}
	if (call->audio_ok == 0) {
		tui_error(app, "Call %s: its recording %s is missing or cannot be read.", call->ext_id,
			  call->audio);
		goto out;
	}
	if (!write && p->player)
		audio_player_stop(p->player);
	p->pending = 0;
	free((char *)p->req.path);
	p->req = (struct audio_play){
		.path = xstrdup(call->audio),
		.from_ms = s[0].start_ms - (int64_t)app->cfg->lead_in_ms,
		.to_ms = s[n - 1].end_ms + (int64_t)app->cfg->lead_out_ms,
		.mark_start_ms = s[t].start_ms,
		.mark_end_ms = s[t].end_ms,
		/* One sentence in the speaker's own channel when the import said which; its
		 * context, several speakers, in all of them. */
		.channel = !context && s[t].channel > 0 ? s[t].channel - 1 : AUDIO_MIX,
	};
	if (p->req.from_ms < 0)
		p->req.from_ms = 0;
	p->playing_call = call->id;
	if (call->audio_ok == 1 && access(call->audio, R_OK) == 0) {
		start(app, &p->req, sentence, write);
		goto out;
	}
	/* not made yet (demo) or not checked: the preparer makes or checks it */
	audio_prep *prep = ensure_prep(app);
	char why[256] = "";
	int st = prep ? audio_prep_want(prep, call->id, why, sizeof(why)) : AUDIO_PREP_FAILED;
	if (st == AUDIO_PREP_READY) {
		start(app, &p->req, sentence, write);
	} else if (st == AUDIO_PREP_NONE || st == AUDIO_PREP_FAILED) {
		tui_error(app, "Call %s: %s", call->ext_id, why[0] ? why : "no usable recording");
	} else {
		p->pending = 1;
		p->pending_write = write;
		p->pending_call = call->id;
		p->pending_sentence = sentence;
		snprintf(p->pending_name, sizeof(p->pending_name), "%s", call->ext_id);
		tui_info(app, "Making the recording of call %s… it %s when it is ready.", call->ext_id,
			 write ? "is written" : "plays");
	}
out:
	store_calls_free(call, call ? 1 : 0);
	store_sentences_free(s, n);
}

void tui_play_sentence(struct tui *app, int64_t sentence, int context)
{
	request(app, sentence, context, 0);
}

void tui_play_write(struct tui *app, int64_t sentence)
{
	request(app, sentence, 0, 1);
}

void tui_play_stop(struct tui *app)
{
	struct tui_play *p = app->play;
	p->pending = 0;
	if (p->player && (p->snap.state == AUDIO_PLAYING || p->snap.state == AUDIO_PAUSED ||
			  p->snap.state == AUDIO_STARTING)) {
		audio_player_stop(p->player);
		audio_player_snapshot(p->player, &p->snap);
	}
}

int tui_play_key(struct tui *app, int action)
{
	struct tui_play *p = app->play;
	int active = p->player && (p->snap.state == AUDIO_PLAYING || p->snap.state == AUDIO_PAUSED ||
				   p->snap.state == AUDIO_STARTING);
	switch (action) {
	case ACT_PAUSE:
		if (!active)
			return 0;
		audio_player_toggle_pause(p->player);
		break;
	case ACT_SEEK_BACK:
	case ACT_SEEK_FWD:
		if (!active)
			return 0;
		audio_player_seek(p->player, action == ACT_SEEK_BACK ? -5000 : 5000);
		break;
	case ACT_STOP:
		if (p->pending) {
			p->pending = 0;
			tui_info(app, "Stopped waiting for the recording.");
			return 1;
		}
		if (!active)
			return 0;
		audio_player_stop(p->player);
		break;
	case ACT_SLOWER:
	case ACT_FASTER:
		ensure_player(app);
		if (!p->player)
			return 0;
		tui_info(app, "Playback speed %.2fx",
			 audio_player_step_speed(p->player, action == ACT_SLOWER ? -1 : 1));
		break;
	default:
		return 0;
	}
	audio_player_snapshot(p->player, &p->snap);
	return 1;
}

void tui_play_tick(struct tui *app)
{
	struct tui_play *p = app->play;
	if (p->player) {
		audio_player_snapshot(p->player, &p->snap);
		if (p->snap.error_serial != p->error_seen) {
			p->error_seen = p->snap.error_serial;
			if (p->snap.error[0] && p->snap.state == AUDIO_FAILED)
				tui_error(app, "Cannot play: %s", p->snap.error);
		}
	}
	if (p->pending && p->prep) {
		char why[256] = "";
		int st = audio_prep_status(p->prep, p->pending_call, why, sizeof(why));
		if (st == AUDIO_PREP_READY) {
			p->pending = 0;
			app->msg[0] = '\0';
			start(app, &p->req, p->pending_sentence, p->pending_write);
		} else if (st == AUDIO_PREP_NONE || st == AUDIO_PREP_FAILED) {
			p->pending = 0;
			tui_error(app, "Call %s: %s", p->pending_name,
				  why[0] ? why : "the recording could not be made");
		}
	}
}

int tui_play_busy(struct tui *app)
{
	struct tui_play *p = app->play;
	return p->pending || (p->player && (p->snap.state == AUDIO_PLAYING ||
					    p->snap.state == AUDIO_PAUSED ||
					    p->snap.state == AUDIO_STARTING));
}

int64_t tui_play_heard(struct tui *app, int64_t call)
{
	struct tui_play *p = app->play;
	if (!p->player || p->playing_call != call ||
	    (p->snap.state != AUDIO_PLAYING && p->snap.state != AUDIO_PAUSED))
		return -1;
	return p->snap.pos_ms;
}

int tui_play_draw(struct tui *app, int y)
{
	struct tui_play *p = app->play;
	char a[16], b[16], line[160];
	int w = app->cols;
	if (p->pending) {
		snprintf(line, sizeof(line), " ♪ Making the recording of call %s…", p->pending_name);
		tui_put(y, 0, w, line, tui_color(app, C_ACCENT), 0);
		return 1;
	}
	if (!p->player)
		return 0;
	const struct audio_snapshot *s = &p->snap;
	if (s->state == AUDIO_STARTING) {
		tui_put(y, 0, w, " ♪ Starting…", tui_color(app, C_ACCENT), 0);
		return 1;
	}
	if (s->state != AUDIO_PLAYING && s->state != AUDIO_PAUSED)
		return 0;
	tui_clock(s->pos_ms - s->from_ms, a, sizeof(a));
	tui_clock(s->to_ms - s->from_ms, b, sizeof(b));
	snprintf(line, sizeof(line), " %s %s / %s ", s->state == AUDIO_PAUSED ? "‖" : "▶", a, b);
	int x = tui_put(y, 0, w, line, tui_color(app, C_ACCENT), 0);
	char tail[64];
	snprintf(tail, sizeof(tail), " %.2fx%s", s->speed, s->in_mark ? " · the sentence" : "");
	int bar = w - x - tui_width(tail) - 1;
	if (bar > 60)
		bar = 60;
	int64_t span = s->to_ms - s->from_ms;
	if (bar > 4 && span > 0) {
		for (int i = 0; i < bar; i++) {
			int64_t at = s->from_ms + span * i / bar;
			int64_t at2 = s->from_ms + span * (i + 1) / bar;
			int mark = s->mark_start_ms >= 0 && at2 > s->mark_start_ms && at < s->mark_end_ms;
			int here = s->pos_ms >= at && s->pos_ms < at2;
			const char *ch = here ? "●" : mark ? "━" : "─";
			tui_put(y, x + i, 1, ch, mark ? A_BOLD | tui_color(app, C_ACCENT)
						     : tui_color(app, C_DIM), 0);
		}
		x += bar;
	}
	tui_put(y, x, w - x, tail, tui_color(app, C_ACCENT), 0);
	return 1;
}
