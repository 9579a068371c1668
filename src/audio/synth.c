/* Demo recordings: every sentence spoken by espeak-ng in its party's voice, fitted into
 * the slot the demo generator planned for it, the whole encoded as Ogg Vorbis. */
#include "audio.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rubberband/rubberband-c.h>
#include <samplerate.h>
#include <sndfile.h>

#include "internal.h"
#include "xmalloc.h"

extern char **environ;

/* Demo recordings are telephone-like: 16 kHz mono. */
#define OUT_RATE 16000
/* espeak-ng's speed the demo's slots were planned for (~62 ms a character). */
#define BASE_WPM 165
#define MIN_WPM 80
#define MAX_WPM 450
/* Speech quieter than this (of full scale) counts as silence when trimming. */
#define TRIM_LEVEL 0.01f
/* The stretch Rubber Band is asked for, at most; a slot longer than that ends in
 * silence. */
#define MAX_STRETCH 1.6
/* Vorbis quality (0..1 in libsndfile terms): small files, clear speech. */
#define VORBIS_QUALITY 0.3

static const char *const voices[] = {
	"en-us+m3", "en-gb+f3", "en-us+m1", "en-gb+f2",
	"en-us+m5", "en-gb+f4", "en-us+m7", "en-gb+f1",
};

const char *audio_demo_voice(int party)
{
	size_t n = sizeof(voices) / sizeof(voices[0]);

	return voices[(size_t)(party < 0 ? 0 : party) % n];
}

/* ---------------------------------------------------------------- espeak-ng */

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* espeak-ng --stdout writes a streaming WAV: its sizes are placeholders, the data runs
 * to the end. Returns the samples (mono 16-bit) and the rate. */
static int parse_wav(const unsigned char *b, size_t len, const int16_t **pcm, size_t *n,
		     int *rate, char *err, size_t errlen)
{
	size_t off = 12;
	int have_fmt = 0;

	if (len < 12 || memcmp(b, "RIFF", 4) != 0 || memcmp(b + 8, "WAVE", 4) != 0)
		return errf(err, errlen, "espeak-ng: its output is not WAV");
	while (off + 8 <= len) {
		uint32_t size = le32(b + off + 4);

		if (memcmp(b + off, "fmt ", 4) == 0 && off + 8 + 16 <= len) {
			if (le16(b + off + 8) != 1 || le16(b + off + 10) != 1 ||
			    le16(b + off + 22) != 16)
				return errf(err, errlen, "espeak-ng: expected 16-bit mono PCM");
			*rate = (int)le32(b + off + 12);
			have_fmt = 1;
		} else if (memcmp(b + off, "data", 4) == 0) {
			if (!have_fmt)
				break;
			*pcm = (const int16_t *)(b + off + 8);
			*n = (len - off - 8) / 2;
			return 0;
		}
		if (size > len - off - 8)
			break;
		off += 8 + size + (size & 1);
	}
	return errf(err, errlen, "espeak-ng: its output has no audio");
}

/* Runs espeak-ng and returns its speech as floats at OUT_RATE. */
static int speak(const char *voice, int wpm, const char *text, float **out, size_t *n,
		 char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	char wpm_s[16], *arg_text;
	char *argv[10];
	int fds[2], status, rc, rate = 0;
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, nin = 0;
	const int16_t *pcm = NULL;
	pid_t pid;
	float *in;
	SRC_DATA d;

	*out = NULL;
	*n = 0;
	if (pipe2(fds, O_CLOEXEC) != 0)
		return errf(err, errlen, "espeak-ng: pipe: %s", strerror(errno));
	snprintf(wpm_s, sizeof(wpm_s), "%d", wpm);
	/* a leading space: a sentence starting with '-' is not taken for an option */
	arg_text = xasprintf(" %s", text);
	argv[0] = "espeak-ng";
	argv[1] = "-v";
	argv[2] = (char *)voice;
	argv[3] = "-s";
	argv[4] = wpm_s;
	argv[5] = "--stdout";
	argv[6] = arg_text;
	argv[7] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "espeak-ng", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	free(arg_text);
	if (rc != 0) {
		close(fds[0]);
		if (rc == ENOENT)
			return errf(err, errlen, "espeak-ng: not found (install the espeak-ng package)");
		return errf(err, errlen, "espeak-ng: %s", strerror(rc));
	}
	for (;;) {
		ssize_t got;

		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 262144;
			buf = xrealloc(buf, cap);
		}
		got = read(fds[0], buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(buf);
		return errf(err, errlen, "espeak-ng -v %s: failed (status %d)", voice,
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	if (parse_wav(buf, len, &pcm, &nin, &rate, err, errlen) != 0) {
		free(buf);
		return -1;
	}
	in = xmalloc((nin ? nin : 1) * sizeof(float));
	src_short_to_float_array(pcm, in, (int)nin);
	free(buf);
	if (rate == OUT_RATE || nin == 0) {
		*out = in;
		*n = nin;
		return 0;
	}
	memset(&d, 0, sizeof(d));
	d.src_ratio = (double)OUT_RATE / rate;
	d.data_in = in;
	d.input_frames = (long)nin;
	d.output_frames = (long)(nin * d.src_ratio) + 64;
	d.data_out = xmalloc((size_t)d.output_frames * sizeof(float));
	rc = src_simple(&d, SRC_SINC_MEDIUM_QUALITY, 1);
	free(in);
	if (rc != 0) {
		free(d.data_out);
		return errf(err, errlen, "resampling speech: %s", src_strerror(rc));
	}
	*out = d.data_out;
	*n = (size_t)d.output_frames_gen;
	return 0;
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
			    RubberBandOptionProcessOffline | RubberBandOptionEngineFiner |
			    RubberBandOptionWindowShort | RubberBandOptionThreadingNever,
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
 * phrasing stay natural), then a time stretch for the rest. *n is at most slot. */
static int fit(const char *voice, const char *text, size_t slot, float **out, size_t *n,
	       char *err, size_t errlen)
{
	float *x, *y;
	size_t nx, ny;
	double ratio;

	*out = NULL;
	*n = 0;
	if (speak(voice, BASE_WPM, text, &x, &nx, err, errlen) != 0)
		return -1;
	trim(x, &nx);
	if (nx == 0 || slot == 0) {
		free(x);
		return 0;
	}
	ratio = (double)slot / nx;
	if (ratio < 0.85 || ratio > 1.3) {
		/* aim a little short of the slot: stretching out sounds better than
		 * squeezing */
		int wpm = (int)lrint(BASE_WPM / ratio * 1.05);

		if (wpm < MIN_WPM)
			wpm = MIN_WPM;
		if (wpm > MAX_WPM)
			wpm = MAX_WPM;
		if (wpm != BASE_WPM) {
			float *x2;
			size_t nx2;

			if (speak(voice, wpm, text, &x2, &nx2, err, errlen) != 0) {
				free(x);
				return -1;
			}
			trim(x2, &nx2);
			if (nx2 > 0) {
				free(x);
				x = x2;
				nx = nx2;
			} else {
				free(x2);
			}
		}
	}
	ratio = (double)slot / nx;
	if (ratio > MAX_STRETCH)
		ratio = MAX_STRETCH;
	if (fabs(ratio - 1.0) < 0.005) {
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
	int64_t total = audio_frame_of(duration_ms, OUT_RATE);
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
