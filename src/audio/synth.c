/* Demo recordings: every sentence spoken by espeak-ng in its party's voice, fitted into
 * the slot the demo generator planned for it, the whole encoded as Ogg Vorbis. */
#include "audio.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <espeak-ng/speak_lib.h>
#include <rubberband/rubberband-c.h>
#include <sndfile.h>

#include "internal.h"
#include "xmalloc.h"

/* Demo recordings are at espeak-ng's own rate (nothing to resample), mono. */
#define OUT_RATE 22050
/* espeak-ng's speed the demo's slots were planned for (~62 ms a character). */
#define BASE_WPM 165
#define MIN_WPM 80
#define MAX_WPM 450
/* Speech quieter than this (of full scale) counts as silence when trimming. */
#define TRIM_LEVEL 0.01f
/* The stretch Rubber Band is asked for, at most; a slot longer than that ends in
 * silence. */
#define MAX_STRETCH 1.6
/* Vorbis quality (0..1 in libsndfile terms): about 1.8 MB for a 9-minute call. */
#define VORBIS_QUALITY 0.1

/* American men and British women ("en" is espeak-ng's British English voice; the
 * library does not take "en-gb" with a variant). */
static const char *const voices[] = {
	"en-us+m3", "en+f3", "en-us+m1", "en+f2",
	"en-us+m5", "en+f4", "en-us+m7", "en+f1",
};

const char *audio_demo_voice(int party)
{
	size_t n = sizeof(voices) / sizeof(voices[0]);

	return voices[(size_t)(party < 0 ? 0 : party) % n];
}

/* ---------------------------------------------------------------- espeak-ng */

/* libespeak-ng keeps global state: one synthesis at a time in the process. */
static pthread_mutex_t espeak_lock = PTHREAD_MUTEX_INITIALIZER;
static int espeak_started;		/* 1 ready, -1 failed, 0 not yet */

struct take {
	int16_t *pcm;
	size_t n, cap;
};

static struct take *taking;		/* where the callback puts samples (espeak_lock) */

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
	(void)events;
	if (wav && n > 0 && taking) {
		if (taking->n + (size_t)n > taking->cap) {
			taking->cap = (taking->n + (size_t)n) * 2;
			taking->pcm = xrealloc(taking->pcm, taking->cap * sizeof(int16_t));
		}
		memcpy(taking->pcm + taking->n, wav, (size_t)n * sizeof(int16_t));
		taking->n += (size_t)n;
	}
	return 0;
}

/* Speaks text with libespeak-ng; *out gets the speech at OUT_RATE as floats. */
static int speak(const char *voice, int wpm, const char *text, float **out, size_t *n,
		 char *err, size_t errlen)
{
	struct take t = { NULL, 0, 0 };
	espeak_ERROR e;
	size_t i;
	int rc = 0;

	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&espeak_lock);
	if (!espeak_started) {
		int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, 0);

		espeak_started = rate == OUT_RATE ? 1 : -1;
		if (espeak_started > 0)
			espeak_SetSynthCallback(on_samples);
	}
	if (espeak_started < 0) {
		rc = errf(err, errlen, "espeak-ng: cannot start (is espeak-ng-data installed?)");
		goto out;
	}
	if (espeak_SetVoiceByName(voice) != EE_OK) {
		espeak_VOICE sel;

		memset(&sel, 0, sizeof(sel));
		sel.languages = voice;
		if (espeak_SetVoiceByProperties(&sel) != EE_OK) {
			rc = errf(err, errlen, "espeak-ng: no voice '%s'", voice);
			goto out;
		}
	}
	espeak_SetParameter(espeakRATE, wpm, 0);
	taking = &t;
	e = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL,
			 NULL);
	if (e == EE_OK)
		e = espeak_Synchronize();
	taking = NULL;
	if (e != EE_OK)
		rc = errf(err, errlen, "espeak-ng: cannot speak \"%.40s\" (error %d)", text, (int)e);
out:
	pthread_mutex_unlock(&espeak_lock);
	if (rc == 0) {
		*out = xmalloc((t.n ? t.n : 1) * sizeof(float));
		for (i = 0; i < t.n; i++)
			(*out)[i] = t.pcm[i] / 32768.0f;
		*n = t.n;
	}
	free(t.pcm);
	return rc;
}

/* Cuts the silence espeak puts before and after the speech. */
static void trim(float *x, size_t *n)
{
	size_t a = 0, b = *n;

	while (a < b && fabsf(x[a]) < TRIM_LEVEL)
		a++;
	while (b > a && fabsf(x[b - 1]) < TRIM_LEVEL)
		b--;
	if (a > 0)
		memmove(x, x + a, (b - a) * sizeof(float));
	*n = b - a;
}

/* Time-stretches x (n frames) by ratio with Rubber Band, offline, into a new buffer of
 * about n * ratio frames. The input goes in blocks and the output is taken after each:
 * Rubber Band stops processing while its output buffer is full. */
static float *stretch(const float *x, size_t n, double ratio, size_t *nout)
{
	enum { BLOCK = 1024 };
	RubberBandState rb;
	size_t cap = (size_t)(n * ratio) + 4096, len = 0, off;
	float *out = xmalloc(cap * sizeof(float));
	int avail, idle = 0;

	rb = rubberband_new(OUT_RATE, 1,
			    RubberBandOptionProcessOffline | RubberBandOptionEngineFaster |
			    RubberBandOptionTransientsMixed | RubberBandOptionThreadingNever,
			    ratio, 1.0);
	rubberband_set_expected_input_duration(rb, (unsigned)n);
	rubberband_set_max_process_size(rb, BLOCK);
	for (off = 0; off < n; off += BLOCK) {
		const float *in = x + off;
		size_t k = n - off < BLOCK ? n - off : BLOCK;

		rubberband_study(rb, &in, (unsigned)k, off + k >= n);
	}
	for (off = 0; ; ) {
		const float *in = x + off;
		size_t k = n - off < BLOCK ? n - off : BLOCK;

		if (off < n || idle) {
			rubberband_process(rb, &in, (unsigned)k, off + k >= n);
			off += k;
		}
		avail = rubberband_available(rb);
		if (avail < 0)
			break;
		if (avail == 0) {
			/* all input given: keep it processing until it says it is done */
			if (off >= n && ++idle > 1000)
				break;
			continue;
		}
		idle = 0;
		while ((avail = rubberband_available(rb)) > 0) {
			float *o;

			if (len + (size_t)avail > cap) {
				cap = (len + (size_t)avail) * 2;
				out = xrealloc(out, cap * sizeof(float));
			}
			o = out + len;
			len += rubberband_retrieve(rb, &o, (unsigned)avail);
		}
		if (avail < 0)
			break;
	}
	rubberband_delete(rb);
	*nout = len;
	return out;
}

/* Speaks text so that it fills slot frames: espeak's speed first (its pauses and
 * phrasing stay natural; its length is about proportional to 1/speed, so two tries come
 * close), then, unless it is within CLOSE of the slot, a time stretch for the rest.
 * *n is at most slot. */
static int fit(const char *voice, const char *text, size_t slot, float **out, size_t *n,
	       char *err, size_t errlen)
{
	enum { CLOSE = OUT_RATE / 10 };		/* 100 ms */
	float *x, *y;
	size_t nx, ny;
	double ratio, wpm = BASE_WPM;
	int try;

	*out = NULL;
	*n = 0;
	if (speak(voice, BASE_WPM, text, &x, &nx, err, errlen) != 0)
		return -1;
	trim(x, &nx);
	if (nx == 0 || slot == 0) {
		free(x);
		return 0;
	}
	for (try = 0; try < 2; try++) {
		float *x2;
		size_t nx2;
		double w;

		if (nx <= slot && slot - nx <= CLOSE)
			break;
		w = wpm * nx / slot;
		if (w < MIN_WPM)
			w = MIN_WPM;
		if (w > MAX_WPM)
			w = MAX_WPM;
		if (lrint(w) == lrint(wpm))
			break;
		if (speak(voice, (int)lrint(w), text, &x2, &nx2, err, errlen) != 0) {
			free(x);
			return -1;
		}
		trim(x2, &nx2);
		/* keep whichever is closer, preferring one that fits */
		if (nx2 > 0 && (nx2 <= slot ? slot - nx2 : 2 * (nx2 - slot)) <
			       (nx <= slot ? slot - nx : 2 * (nx - slot))) {
			free(x);
			x = x2;
			nx = nx2;
			wpm = w;
		} else {
			free(x2);
			break;
		}
	}
	ratio = (double)slot / nx;
	if (ratio > MAX_STRETCH)
		ratio = MAX_STRETCH;
	if (nx <= slot && slot - nx <= CLOSE) {
		y = x;
		ny = nx;
	} else {
		y = stretch(x, nx, ratio, &ny);
		free(x);
	}
	if (ny > slot)
		ny = slot;
	*out = y;
	*n = ny;
	return 0;
}

/* ---------------------------------------------------------------- rendering */

int audio_demo_render(const struct audio_demo_line *lines, size_t n, int64_t duration_ms,
		      const char *out_path, const atomic_int *cancel, int64_t *audio_ms,
		      char *err, size_t errlen)
{
	/* rounded up, so that the file's length in ms is duration_ms exactly */
	int64_t total = duration_ms > 0 ? (duration_ms * OUT_RATE + 999) / 1000 : 0;
	int16_t *pcm;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		int64_t end = audio_frame_of(lines[i].end_ms, OUT_RATE);

		if (lines[i].end_ms < lines[i].start_ms || lines[i].start_ms < 0)
			return errf(err, errlen, "sentence %zu: bad slot %d..%d ms", i + 1,
				    lines[i].start_ms, lines[i].end_ms);
		if (end > total)
			total = end;
	}
	if (total <= 0)
		return errf(err, errlen, "%s: nothing to record", out_path);
	pcm = xcalloc((size_t)total, sizeof(int16_t));
	for (i = 0; i < n; i++) {
		int64_t a = audio_frame_of(lines[i].start_ms, OUT_RATE);
		int64_t b = audio_frame_of(lines[i].end_ms, OUT_RATE);
		float *x;
		size_t nx, k;
		char why[256];

		if (cancel && atomic_load(cancel)) {
			free(pcm);
			errf(err, errlen, "%s: cancelled", out_path);
			return AUDIO_CANCELLED;
		}
		if (!lines[i].text || b <= a)
			continue;
		if (fit(audio_demo_voice(lines[i].party), lines[i].text, (size_t)(b - a), &x, &nx,
			why, sizeof(why)) != 0) {
			free(pcm);
			return errf(err, errlen, "%s: sentence %zu: %s", out_path, i + 1, why);
		}
		/* slots do not overlap in the demo; if they do, the voices are mixed */
		for (k = 0; k < nx; k++) {
			int v = pcm[a + (int64_t)k] + audio_f2s(x[k]);

			pcm[a + (int64_t)k] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
		}
		free(x);
	}
	rc = audio_write_file(out_path, SF_FORMAT_OGG | SF_FORMAT_VORBIS, OUT_RATE, pcm,
			      (size_t)total, VORBIS_QUALITY, cancel, err, errlen);
	free(pcm);
	if (rc != 0)
		return rc;
	if (audio_ms)
		*audio_ms = audio_ms_of(total, OUT_RATE);
	return 0;
}
