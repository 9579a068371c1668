/* audio: call recordings — checking them, cutting snippets, playing them, and making the
 * demo workspace's recordings. Never prints.
 *
 * Functions return 0 on success or a negative code with "what: why" in the caller's err
 * buffer, unless their comment says otherwise. Times are milliseconds from the start of a
 * recording; a time becomes a frame as ms * rate / 1000, rounded down. */
#ifndef AUDIO_H
#define AUDIO_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Mix all channels (channel argument of a region or a play request). */
#define AUDIO_MIX (-1)

/* Returned when a cancel flag stopped the work. */
#define AUDIO_CANCELLED (-2)

/* Opens a recording and reads its header: *duration_ms gets its length. Returns 0, or
 * -1 with "PATH: what is wrong" in err when it is missing or cannot be decoded. */
int audio_probe(const char *path, int64_t *duration_ms, char *err, size_t errlen);

/* ---------------------------------------------------------------- snippets */

/* The part of a recording around a sentence. */
struct audio_region {
	int64_t start_ms, end_ms;	/* the sentence (or span) itself */
	int lead_in_ms, lead_out_ms;	/* added before and after, then clamped to the file */
	int channel;			/* AUDIO_MIX, or a 0-based channel to take alone */
};

/* Samples cut from a recording: mono, 16-bit, at the recording's own rate. */
struct audio_snippet {
	int16_t *samples;		/* frames samples (owned) */
	size_t frames;
	int rate;			/* the recording's sample rate */
	int source_channels;		/* channels in the recording */
	int64_t first_frame;		/* frame of the recording the snippet starts at */
	int64_t start_ms, end_ms;	/* the span actually cut, after clamping */
	int64_t mark_start_ms, mark_end_ms;	/* the sentence itself (region's start/end) */
};

/* Cuts [start_ms - lead_in_ms, end_ms + lead_out_ms] out of the recording at path,
 * clamped to [0, length]: frames first..last-1 with first = frame(max(0, start - lead_in))
 * and last = min(frames, frame(end + lead_out)). Several channels are mixed as their
 * mean rounded down, or one of them is taken alone. Sample-exact (seek, then read).
 * *out is owned by the caller (audio_snippet_free). Errors: "PATH: why", a channel the
 * file does not have, end before start, a region past the end of the recording, or one
 * with no length (start = end and no leads). */
int audio_snippet_read(const char *path, const struct audio_region *r,
		       struct audio_snippet **out, char *err, size_t errlen);
void audio_snippet_free(struct audio_snippet *s);

/* Writes the snippet as a 16-bit PCM WAV file (a temporary name, then renamed: never a
 * half file). A path that is a pipe, a device or a link (/dev/stdout) of the user's or
 * root's is written into instead, never replaced; one of someone else's is replaced, not
 * followed. Errors: "PATH: why". */
int audio_snippet_write_wav(const struct audio_snippet *s, const char *path,
			    char *err, size_t errlen);

/* Both of the above: cuts the region out of recording and writes it to out_path. */
int audio_export_wav(const char *recording, const struct audio_region *r,
		     const char *out_path, char *err, size_t errlen);

/* A path for a sentence's snippet when there is no device to play it:
 * "$TMPDIR/tracker-snippet-ID.wav" ("/tmp" when TMPDIR is unset). Returns buf. */
char *audio_fallback_path(int64_t sentence, char *buf, size_t len);

/* ---------------------------------------------------------------- playback */

/* A player plays one snippet at a time through PortAudio from a thread of its own. Every
 * audio_player_* call returns at once (it only posts a request and signals the player
 * thread) and may be made from any thread; the screen reads what is happening with
 * audio_player_snapshot() once per loop turn. The player thread exists only while a
 * snippet is starting, playing or paused; the output stream is open only then too.
 * Make one player per process (PortAudio is not safe to drive from two).
 *
 * A screen maps its keys like this (lead-in/out from the configuration):
 *   p      audio_player_play(from = start - lead_in, to = end + lead_out,
 *                            marks = the sentence's start/end)
 *   P      the same over the context shown: from the first sentence's start - lead_in
 *          to the last one's end + lead_out, marks = the target sentence
 *   space  audio_player_toggle_pause      , / .  audio_player_seek(-5000 / +5000)
 *   s      audio_player_stop (tagging stops it too)
 *   [ / ]  audio_player_step_speed(-1 / +1)
 * and draws pos_ms between from_ms and to_ms with the marks, state and speed from the
 * snapshot; a new error_serial means an error to show once. With AUDIO_NO_DEVICE it
 * offers audio_export_wav() to audio_fallback_path() instead. For a demo call whose
 * recording is not made yet (audio_ok -1) it asks an audio_prep first (see below). */
typedef struct audio_player audio_player;

struct audio_player_options {
	const char *device;	/* PortAudio device name (exact, else the first containing
				 * it); NULL or "default" for the default output */
	int rate;		/* 0: play at the recording's rate when the device takes it,
				 * else at the device's default rate; > 0: always play at this
				 * rate. Any other rate than the recording's is resampled. */
	double latency;		/* suggested output latency in seconds; 0: the device's
				 * default low latency, at least 50 ms */
};

enum audio_state {
	AUDIO_IDLE = 0,		/* nothing asked yet, or stopped */
	AUDIO_STARTING,		/* asked to play: opening the recording and the device */
	AUDIO_PLAYING,
	AUDIO_PAUSED,
	AUDIO_DONE,		/* played to its end */
	AUDIO_FAILED,		/* the last request failed: error says why */
	AUDIO_NO_DEVICE,	/* no usable output device: error says why; snippets can only
				 * be written to files (audio_export_wav) */
};

/* Lowest and highest playback speed; a speed step of [ and ]. */
#define AUDIO_SPEED_MIN 0.75
#define AUDIO_SPEED_MAX 1.5
#define AUDIO_SPEED_STEP 0.25

/* What to play. */
struct audio_play {
	const char *path;	/* the recording (copied) */
	int64_t from_ms, to_ms;	/* what to play, clamped to the recording; to_ms < 0: to the
				 * end */
	int64_t mark_start_ms, mark_end_ms;	/* the target sentence inside it, shown in
						 * the position line; -1 when none */
	int channel;		/* AUDIO_MIX or a 0-based channel */
};

/* What a screen draws: a copy made under the player's lock. */
struct audio_snapshot {
	int state;		/* enum audio_state */
	unsigned serial;	/* counts play requests: a new value is a new snippet */
	int64_t pos_ms;		/* where in the recording playback is: the end of what has
				 * been handed to the device */
	int64_t from_ms, to_ms;	/* the span being played (clamped once the file is open) */
	int64_t mark_start_ms, mark_end_ms;	/* as requested; -1 when none */
	int in_mark;		/* pos_ms is inside the marks */
	double speed;		/* playback speed (kept from one snippet to the next) */
	int file_rate;		/* the recording's rate, 0 until it is open */
	int device_rate;	/* the rate the device is played at, 0 until open */
	double first_sample_ms;	/* request to first samples handed to the device, for the
				 * current snippet; -1 until then */
	unsigned error_serial;	/* changes each time a new error is set: show it once */
	char error[256];	/* the last error, "" when none */
};

/* Starts PortAudio (with ALSA's and JACK's messages kept off stderr, so call it before
 * or after curses alike) and picks the output device. Always makes a player (*out,
 * owned by the caller: audio_player_free). Returns 0 when there is a device; 1 when
 * there is none or it cannot be used: the player is then in AUDIO_NO_DEVICE and err
 * (and the snapshot's error) says why, plainly. */
int audio_player_new(const struct audio_player_options *o, audio_player **out,
		     char *err, size_t errlen);

/* Stops playing, waits for the player thread, closes PortAudio, frees. NULL is fine. */
void audio_player_free(audio_player *p);

/* Plays a span (replacing whatever plays). Returns 0 when the request was taken; what
 * happens next is in the snapshot (AUDIO_STARTING, then AUDIO_PLAYING or AUDIO_FAILED
 * with "PATH: why"). Returns -1 at once when there is no device or the request is
 * wrong (no path, to before from). */
int audio_player_play(audio_player *p, const struct audio_play *req, char *err, size_t errlen);

/* Pauses (on = 1) or resumes (on = 0) a playing snippet; toggle_pause flips it. Pausing
 * lets what the device holds play out, so nothing is lost or repeated. */
void audio_player_pause(audio_player *p, int on);
void audio_player_toggle_pause(audio_player *p);

/* Moves the position by delta_ms (e.g. -5000 / +5000), clamped to the span; moving past
 * its end finishes the snippet. What the device holds still plays first. */
void audio_player_seek(audio_player *p, int64_t delta_ms);

/* Stops playing at once; the snapshot says AUDIO_IDLE from now on. The thread and the
 * stream go away shortly after (audio_player_wait waits for that). */
void audio_player_stop(audio_player *p);

/* Sets the playback speed, clamped to [AUDIO_SPEED_MIN, AUDIO_SPEED_MAX]; pitch is kept.
 * Applies to the playing snippet and the next ones. Returns the speed set. step_speed
 * moves by AUDIO_SPEED_STEP (dir -1 slower, +1 faster). */
double audio_player_set_speed(audio_player *p, double speed);
double audio_player_step_speed(audio_player *p, int dir);

/* Copies the published state. */
void audio_player_snapshot(audio_player *p, struct audio_snapshot *out);

/* Blocks until the player thread has finished (stopped, done or failed) and is gone, at
 * most timeout_ms (< 0: no limit). Returns 0 when it is gone, 1 on timeout. For tests,
 * the headless commands and shutdown; a screen never needs it. */
int audio_player_wait(audio_player *p, int timeout_ms);

/* The name of a state ("idle", "starting", "playing", ...). */
const char *audio_state_name(int state);

/* ---------------------------------------------------------------- demo recordings */

/* The demo generator stores each demo call's recording path with audio_ok -1 ("not made
 * yet") and sentence times planned for espeak-ng. These functions make such a recording:
 * each sentence is synthesised with a voice of its party (libespeak-ng), its silence
 * trimmed, fitted exactly into its [start_ms, end_ms] slot (espeak's speed, then a Rubber
 * Band time stretch unless it is within 100 ms), silence between; the whole is encoded as
 * Ogg Vorbis, 22050 Hz mono (espeak's rate), written under a temporary name and
 * renamed. */

/* One sentence to speak. */
struct audio_demo_line {
	int party;		/* picks the voice (audio_demo_voice): the call's
				 * recording gives even ones to men, odd ones to women */
	int start_ms, end_ms;	/* its slot */
	const char *text;	/* (borrowed) */
};

/* The espeak-ng voice of a voice index: a man's for even ones ("en-us+m3", "en-us+m1",
 * ...), a woman's for odd ones ("en+f3", "en+f2", ...). Static string. */
const char *audio_demo_voice(int party);

/* Renders lines into an Ogg Vorbis file at out_path, duration_ms long (at least the last
 * slot's end). *audio_ms gets the file's length. cancel may be NULL; when it becomes
 * non-zero the work stops with AUDIO_CANCELLED and leaves no file. Thread-safe. */
int audio_demo_render(const struct audio_demo_line *lines, size_t n, int64_t duration_ms,
		      const char *out_path, const atomic_int *cancel, int64_t *audio_ms,
		      char *err, size_t errlen);

/* Makes sure a call's recording can be played. A recording not made yet (audio_ok -1 and
 * no file at its path) is rendered from the call's sentences and recorded with
 * store_call_set_audio (audio_ok 1, its length); an unchecked file that exists is probed
 * and recorded. *path (may be NULL) gets the recording's path, owned by the caller.
 * Returns 0 when it is playable; 1 when the call has no usable recording (err says why:
 * "call ID has no recording" or "call ID: PATH: why"); AUDIO_CANCELLED; -1 on errors. */
int audio_call_ensure(store *st, int64_t call, const atomic_int *cancel, char **path,
		      char *err, size_t errlen);

/* Makes every recording of the workspace at db_path that is not made yet, with up to
 * `threads` workers (each with its own store handle; < 1 means one per core).
 * progress (may be NULL) is called from the calling thread after each call, and once
 * at the start with done = 0. *made (may be NULL) gets how many were made. A failed call
 * does not stop the others: the return is then -1 with "N of M recordings failed; first:
 * call ID: why". cancel as above. */
int audio_demo_make_all(const char *db_path, int threads,
			void (*progress)(void *ctx, size_t done, size_t total), void *ctx,
			const atomic_int *cancel, size_t *made, char *err, size_t errlen);

/* ---------------------------------------------------------------- background preparer */

/* Makes recordings in a worker thread so that they are ready when a screen wants them
 * (e.g. the calls of a tagging round). The worker opens its own store handle on db_path
 * and exists only while there is work. Every audio_prep_* call returns at once and may be
 * made from any thread. */
typedef struct audio_prep audio_prep;

enum audio_prep_status {
	AUDIO_PREP_UNKNOWN = 0,	/* never asked for */
	AUDIO_PREP_QUEUED,	/* waiting for the worker */
	AUDIO_PREP_MAKING,	/* the recording is being made */
	AUDIO_PREP_READY,	/* playable: the store says audio_ok 1 */
	AUDIO_PREP_NONE,	/* the call has no usable recording (why says so) */
	AUDIO_PREP_FAILED,	/* making it failed (why says so) */
};

/* db_path is copied. *out is owned by the caller (audio_prep_free). */
int audio_prep_new(const char *db_path, audio_prep **out, char *err, size_t errlen);

/* Stops the worker (the recording being made is abandoned, leaving no file), waits for
 * it and frees. NULL is fine. */
void audio_prep_free(audio_prep *p);

/* Queues calls (row ids) at the back, skipping those already known, and starts the
 * worker when needed. */
void audio_prep_add(audio_prep *p, const int64_t *calls, size_t n);

/* Asks for one call now: it moves to the front of the queue (failed ones are tried
 * again). Returns its status, as audio_prep_status. */
int audio_prep_want(audio_prep *p, int64_t call, char *why, size_t whylen);

/* The status of a call (enum audio_prep_status); why (may be NULL) gets the reason for
 * AUDIO_PREP_NONE and AUDIO_PREP_FAILED, "" otherwise. */
int audio_prep_status(audio_prep *p, int64_t call, char *why, size_t whylen);

/* Empties the queue and abandons the recording being made; calls not made go back to
 * AUDIO_PREP_UNKNOWN. */
void audio_prep_cancel(audio_prep *p);

/* Blocks until the queue is empty and the worker is gone, at most timeout_ms (< 0: no
 * limit). Returns 0 when idle, 1 on timeout. For tests and the headless commands. */
int audio_prep_wait(audio_prep *p, int timeout_ms);

const char *audio_prep_status_name(int status);

#endif
