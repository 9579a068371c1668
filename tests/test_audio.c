/* audio: snippets cut from every format, playback captured through ALSA (paced by a
 * JACK dummy server for pause, seek, stop and speed), no device, demo recordings. */
#include "audio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jack/jack.h>
#include <sndfile.h>

#include "store.h"
#include "testhelp.h"

/* PortAudio, ALSA and JACK keep some memory for the life of the process. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libasound.so\nleak:libjack.so\nleak:libportaudio.so\nleak:libdbus\n";
}

static char tmpdir[1024];
static pid_t jack_pid;

/* ---------------------------------------------------------------- helpers */

static char *tpath(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A path in the test folder; it stays valid until the end (freed by free_paths). */
static char *paths[1024];
static size_t n_paths;

static char *tpath(const char *fmt, ...)
{
	char name[1024], *b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	b = malloc(strlen(tmpdir) + strlen(name) + 2);
	sprintf(b, "%s/%s", tmpdir, name);
	if (n_paths < sizeof(paths) / sizeof(paths[0]))
		paths[n_paths++] = b;
	return b;
}

static void free_paths(void)
{
	while (n_paths > 0)
		free(paths[--n_paths]);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

enum { NOISE, SINES, SINE440 };

/* A deterministic test signal: interleaved, channels wide. Each channel differs. */
static int16_t *make_signal(size_t frames, int channels, int rate, int kind, unsigned seed)
{
	int16_t *x = malloc(frames * (size_t)channels * sizeof(int16_t));
	uint32_t r = seed * 2654435761u + 1;
	double lp[8] = { 0 };
	size_t i;
	int c;

	for (i = 0; i < frames; i++) {
		for (c = 0; c < channels; c++) {
			double t = (double)i / rate, v;

			if (kind == NOISE) {
				r = r * 1664525u + 1013904223u;
				lp[c] = 0.6 * lp[c] + 0.4 * ((double)(r >> 8) / (1 << 24) - 0.5);
				v = lp[c] * 2.0 * 0.6;
			} else if (kind == SINES) {
				v = 0.25 * sin(2 * M_PI * (220 + 55 * c) * t) +
				    0.15 * sin(2 * M_PI * (587.3 + 31 * c) * t + 0.3) +
				    0.1 * sin(2 * M_PI * 1243.7 * t + c) *
				    (0.5 + 0.5 * sin(2 * M_PI * 0.7 * t));
			} else {
				v = 0.5 * sin(2 * M_PI * 440 * t);
			}
			x[i * channels + c] = (int16_t)lrint(v * 32767);
		}
	}
	return x;
}

static int write_audio(const char *path, int format, int rate, int channels,
		       const int16_t *x, size_t frames)
{
	SF_INFO info = { 0 };
	SNDFILE *f;
	size_t done = 0;

	float *fl = NULL;

	info.samplerate = rate;
	info.channels = channels;
	info.format = format;
	f = sf_open(path, SFM_WRITE, &info);
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, sf_strerror(NULL));
		return -1;
	}
	/* libsndfile 1.2.0 encodes 16-bit stereo MP3 wrongly; floats are fine */
	if ((format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG)
		fl = malloc(4096 * (size_t)channels * sizeof(float));
	while (done < frames) {
		size_t n = frames - done < 4096 ? frames - done : 4096, i;
		sf_count_t w;

		if (fl) {
			for (i = 0; i < n * (size_t)channels; i++)
				fl[i] = x[done * channels + i] / 32768.0f;
			w = sf_writef_float(f, fl, (sf_count_t)n);
		} else {
			w = sf_writef_short(f, x + done * channels, (sf_count_t)n);
		}
		if (w != (sf_count_t)n) {
			free(fl);
			sf_close(f);
			return -1;
		}
		done += n;
	}
	free(fl);
	return sf_close(f) == 0 ? 0 : -1;
}

/* The mono reference the audio part must give: mean rounded down, or one channel. */
static int16_t mono_of(const int16_t *fr, int channels, int channel)
{
	int32_t sum = 0;
	int c;

	if (channels == 1)
		return fr[0];
	if (channel >= 0)
		return fr[channel];
	for (c = 0; c < channels; c++)
		sum += fr[c];
	return (int16_t)floor((double)sum / channels);
}

/* Decodes a whole file front to back, as mono. */
static int16_t *decode_all(const char *path, int channel, size_t *frames, int *rate)
{
	SF_INFO info = { 0 };
	SNDFILE *f = sf_open(path, SFM_READ, &info);
	int16_t *buf, *out;
	sf_count_t got;
	size_t i;

	if (!f)
		return NULL;
	buf = malloc((size_t)info.frames * info.channels * sizeof(int16_t) + 16);
	out = malloc((size_t)info.frames * sizeof(int16_t) + 16);
	got = sf_readf_short(f, buf, info.frames);
	sf_close(f);
	for (i = 0; i < (size_t)(got < 0 ? 0 : got); i++)
		out[i] = mono_of(buf + i * info.channels, info.channels, channel);
	free(buf);
	*frames = (size_t)(got < 0 ? 0 : got);
	if (rate)
		*rate = info.samplerate;
	return out;
}

static int16_t *read_raw(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	int16_t *x;
	long len;

	*n = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	x = malloc((size_t)len + 2);
	*n = fread(x, 2, (size_t)len / 2, f);
	fclose(f);
	return x;
}

static long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static double rms(const int16_t *x, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return n ? sqrt(s / n) : 0;
}

static double rms_diff(const int16_t *a, const int16_t *b, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
	return n ? sqrt(s / n) : 0;
}

/* The lag (of b against a) in [-maxlag, maxlag] with the least squared error. */
static int best_lag(const int16_t *a, const int16_t *b, size_t n, int maxlag)
{
	double best = -1;
	int lag, best_lag = 0;

	for (lag = -maxlag; lag <= maxlag; lag++) {
		double s = 0;
		size_t i;

		for (i = (size_t)maxlag; i + (size_t)maxlag < n; i++) {
			double d = (double)a[i] - b[(long)i + lag];

			s += d * d;
		}
		if (best < 0 || s < best) {
			best = s;
			best_lag = lag;
		}
	}
	return best_lag;
}

/* Sign changes per second. */
static double crossings_hz(const int16_t *x, size_t n, int rate)
{
	size_t i, c = 0;

	for (i = 1; i < n; i++)
		if ((x[i - 1] < 0) != (x[i] < 0))
			c++;
	return n ? c / 2.0 / ((double)n / rate) : 0;
}

static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int count_tmp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".tmp-"))
			n++;
	closedir(d);
	return n;
}

/* Waits until the snapshot satisfies cond (or timeout_ms passes). */
#define WAIT_FOR(p, snap, cond, timeout_ms) do { double t_ = now_ms(); \
	for (;;) { \
		audio_player_snapshot((p), &(snap)); \
		if ((cond) || now_ms() - t_ > (timeout_ms)) \
			break; \
		sleep_ms(5); \
	} } while (0)

static void rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat sb;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_rf(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* ---------------------------------------------------------------- decoding */

struct fmt {
	const char *name;
	const char *ext;
	int format, rate, channels, lossy;
};

static const struct fmt formats[] = {
	{ "wav 16 kHz mono", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 0 },
	{ "wav 44.1 kHz stereo", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 0 },
	{ "flac 22.05 kHz mono", "flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 22050, 1, 0 },
	{ "flac 48 kHz stereo", "flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 2, 0 },
	{ "ogg vorbis 16 kHz mono", "ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 16000, 1, 1 },
	{ "ogg vorbis 44.1 kHz stereo", "ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 44100, 2, 1 },
	{ "ogg opus 16 kHz mono", "opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, 16000, 1, 1 },
	{ "ogg opus 48 kHz stereo", "opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, 48000, 2, 1 },
	{ "mp3 32 kHz mono", "mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 32000, 1, 1 },
	{ "mp3 44.1 kHz stereo", "mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 44100, 2, 1 },
};

struct region_case {
	const char *name;
	int64_t start, end;
	int lead_in, lead_out;
};

static const struct region_case regions[] = {
	{ "middle", 4000, 5200, 2000, 1000 },
	{ "clamped at the start", 700, 1500, 2000, 1000 },
	{ "clamped at the end", 9300, 9800, 2000, 1000 },
};

#define SRC_MS 10000

/* src: the interleaved original; seq: the file decoded front to back as mono (channel). */
static void check_region(const struct fmt *fm, const char *path, const int16_t *src,
			 const int16_t *seq, size_t seq_frames, const struct region_case *rc,
			 int channel)
{
	char name[256], err[512];
	struct audio_snippet *s = NULL;
	struct audio_region r = { rc->start, rc->end, rc->lead_in, rc->lead_out, channel };
	int64_t total = (int64_t)SRC_MS * fm->rate / 1000;
	int64_t first = (rc->start - rc->lead_in) * fm->rate / 1000;
	int64_t last = (rc->end + rc->lead_out) * fm->rate / 1000;
	int16_t *orig;
	size_t i, n, diffs = 0;

	if (first < 0)
		first = 0;
	if (last > total)
		last = total;
	snprintf(name, sizeof(name), "snippet: %s, %s%s: samples of [start - lead, end + lead] "
		 "match the source", fm->name, rc->name,
		 fm->channels == 1 ? "" : channel < 0 ? ", channels mixed" :
		 channel == 0 ? ", left channel" : ", right channel");
	TEST(name);
	CHECK_MSG(audio_snippet_read(path, &r, &s, err, sizeof(err)) == 0, "%s", err);
	if (!s)
		return;
	CHECK_INT(s->first_frame, first);
	CHECK_INT(s->frames, last - first);
	CHECK_INT(s->rate, fm->rate);
	CHECK_INT(s->source_channels, fm->channels);
	CHECK_INT(s->mark_start_ms, rc->start);
	CHECK_INT(s->mark_end_ms, rc->end);
	CHECK_INT(s->start_ms, first * 1000 / fm->rate);
	CHECK_INT(s->end_ms, last * 1000 / fm->rate);
	if ((int64_t)s->frames != last - first) {
		audio_snippet_free(s);
		return;
	}
	n = s->frames;
	orig = malloc(n * sizeof(int16_t));
	for (i = 0; i < n; i++)
		orig[i] = mono_of(src + (first + (int64_t)i) * fm->channels, fm->channels, channel);
	if (!fm->lossy) {
		for (i = 0; i < n; i++)
			diffs += s->samples[i] != orig[i];
		CHECK_MSG(diffs == 0, "%zu of %zu samples differ from the source", diffs, n);
	} else {
		double ref = rms(orig, n), d;

		/* a seek + read gives what decoding from the start gives at that place (an
		 * MP3 decoder needs a few frames after a seek to settle exactly) */
		CHECK((size_t)last <= seq_frames);
		if ((size_t)last <= seq_frames) {
			size_t settle = first > 0 ? (size_t)fm->rate / 10 : 0;

			d = rms_diff(s->samples, seq + first, n);
			CHECK_MSG(d <= 0.03 * ref, "differs from a front-to-back decode by %.1f "
				  "(rms), signal %.1f", d, ref);
			d = rms_diff(s->samples + settle, seq + first + settle, n - settle);
			CHECK_MSG(d <= 0.003 * ref, "after %zu frames, differs from a front-to-back "
				  "decode by %.1f (rms), signal %.1f", settle, d, ref);
		}
		/* and it lines up with the original, sample for sample */
		d = rms_diff(s->samples, orig, n);
		CHECK_MSG(d <= 0.15 * ref, "differs from the source by %.1f (rms), signal %.1f",
			  d, ref);
		CHECK_INT(best_lag(orig, s->samples, n, 24), 0);
	}
	free(orig);
	audio_snippet_free(s);
}

static void test_formats(void)
{
	size_t f, k;

	for (f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		const struct fmt *fm = &formats[f];
		size_t frames = (size_t)SRC_MS * fm->rate / 1000, seq_n[3] = { 0 };
		int16_t *src = make_signal(frames, fm->channels, fm->rate,
					   fm->lossy ? SINES : NOISE, (unsigned)f + 1);
		int16_t *seq[3] = { NULL };
		const char *path = tpath("src-%zu.%s", f, fm->ext);
		char name[256], err[512];
		int64_t ms = -1;
		int ch, made;

		made = write_audio(path, fm->format, fm->rate, fm->channels, src, frames) == 0;
		snprintf(name, sizeof(name), "probe: %s gives its length", fm->name);
		TEST(name);
		CHECK_MSG(made, "libsndfile cannot write %s", fm->name);
		if (!made) {
			free(src);
			continue;
		}
		CHECK_MSG(audio_probe(path, &ms, err, sizeof(err)) == 0, "%s", err);
		CHECK_INT(ms, SRC_MS);
		for (ch = -1; ch < fm->channels && (ch < 0 || fm->channels > 1); ch++)
			seq[ch + 1] = decode_all(path, ch, &seq_n[ch + 1], NULL);
		for (k = 0; k < sizeof(regions) / sizeof(regions[0]); k++) {
			check_region(fm, path, src, seq[0], seq_n[0], &regions[k], AUDIO_MIX);
			if (fm->channels == 2 && k == 0) {
				check_region(fm, path, src, seq[1], seq_n[1], &regions[k], 0);
				check_region(fm, path, src, seq[2], seq_n[2], &regions[k], 1);
			}
		}
		for (ch = 0; ch < 3; ch++)
			free(seq[ch]);
		free(src);
	}
}

static void test_snippet_errors(void)
{
	struct audio_snippet *s = NULL;
	struct audio_region r = { 1000, 2000, 500, 500, AUDIO_MIX };
	char err[512];
	int64_t ms;
	const char *missing = tpath("no-such.ogg");
	const char *junk = tpath("junk.wav");
	const char *src = tpath("src-0.wav");
	FILE *f;

	TEST("probe: a missing recording says its path and why");
	CHECK(audio_probe(missing, &ms, err, sizeof(err)) == -1);
	CHECK(strstr(err, missing) == err);
	CHECK(strstr(err, "No such file or directory") != NULL);

	TEST("probe: a file that is not audio says its path");
	f = fopen(junk, "w");
	fputs("this is not a recording\n", f);
	fclose(f);
	CHECK(audio_probe(junk, &ms, err, sizeof(err)) == -1);
	CHECK(strstr(err, junk) == err);

	TEST("probe: a directory, or an empty file, given as the recording says which it is");
	{
		const char *dir = tpath("rec-dir.wav"), *empty = tpath("empty.wav");
		char want[1024];

		mkdir(dir, 0755);
		f = fopen(empty, "w");
		fclose(f);
		CHECK(audio_probe(dir, &ms, err, sizeof(err)) == -1);
		snprintf(want, sizeof(want), "%s: Is a directory", dir);
		CHECK_STR(err, want);
		CHECK(audio_probe(empty, &ms, err, sizeof(err)) == -1);
		snprintf(want, sizeof(want), "%s: the file is empty", empty);
		CHECK_STR(err, want);
		CHECK(audio_snippet_read(dir, &r, &s, err, sizeof(err)) == -1);
		snprintf(want, sizeof(want), "%s: Is a directory", dir);
		CHECK_STR(err, want);
		rmdir(dir);
	}

	TEST("snippet: a region past the end of the recording is an error that says so");
	r.start_ms = 20000;
	r.end_ms = 21000;
	CHECK(audio_snippet_read(src, &r, &s, err, sizeof(err)) == -1);
	CHECK(s == NULL);
	CHECK(strstr(err, "past the end") != NULL);

	TEST("snippet: a sentence with no length, cut without leads, says so (not 'past the "
	     "end')");
	{
		struct audio_region z = { 1000, 1000, 0, 0, AUDIO_MIX };

		CHECK(audio_snippet_read(src, &z, &s, err, sizeof(err)) == -1);
		CHECK(s == NULL);
		CHECK_MSG(strstr(err, "past the end") == NULL, "%s", err);
		CHECK_MSG(strstr(err, "1000..1000 ms has no length") != NULL, "%s", err);
		/* with a lead it has some */
		z.lead_out_ms = 100;
		CHECK(audio_snippet_read(src, &z, &s, err, sizeof(err)) == 0);
		CHECK(s && s->frames == (size_t)(1100LL * s->rate / 1000 - 1000LL * s->rate / 1000));
		audio_snippet_free(s);
		s = NULL;
	}

	TEST("snippet: a channel the recording does not have is an error");
	r.start_ms = 1000;
	r.end_ms = 2000;
	r.channel = 1;
	CHECK(audio_snippet_read(src, &r, &s, err, sizeof(err)) == -1);
	CHECK(strstr(err, "no channel 2") != NULL);
}

/* The bytes of a file (owned by the caller), NULL when it cannot be read. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long len;

	*n = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)len + 1);
		*n = fread(b, 1, (size_t)len, f);
	}
	fclose(f);
	return b;
}

static void test_export(void)
{
	struct audio_region r = { 3000, 4000, 2000, 1000, AUDIO_MIX };
	struct audio_snippet *s = NULL;
	const char *src = tpath("src-1.wav");	/* 44.1 kHz stereo */
	const char *out = tpath("exported/snippet.wav");
	char err[512], buf[PATH_MAX];
	int16_t *back;
	size_t n;
	int rate;

	TEST("export: a snippet written as WAV reads back the same, at the same rate");
	CHECK_MSG(audio_export_wav(src, &r, out, err, sizeof(err)) == 0, "%s", err);
	CHECK(audio_snippet_read(src, &r, &s, err, sizeof(err)) == 0);
	back = decode_all(out, AUDIO_MIX, &n, &rate);
	CHECK(back != NULL);
	if (s && back) {
		CHECK_INT(n, s->frames);
		CHECK_INT(rate, 44100);
		CHECK(n == s->frames && memcmp(back, s->samples, n * sizeof(int16_t)) == 0);
	}
	CHECK_INT(count_tmp_files(tpath("exported")), 0);
	free(back);
	audio_snippet_free(s);

	TEST("export: an unwritable place says the path and why");
	CHECK(audio_export_wav(src, &r, "/proc/no/such/dir/x.wav", err, sizeof(err)) == -1);
	CHECK(strstr(err, "/proc/no") != NULL);

	TEST("export: a link is written through, a pipe is written into: neither is replaced "
	     "by a plain file (as /dev/stdout or /dev/null would have been)");
	{
		const char *target = tpath("exported/target.wav"), *link = tpath("exported/link.wav");
		const char *fifo = tpath("exported/pipe.wav"), *got = tpath("exported/from-pipe.wav");
		const char *plain = tpath("exported/plain.wav");
		char *a = NULL, *b = NULL;
		struct stat sb;
		size_t na = 0, nb = 0;
		pid_t pid;
		FILE *f;

		CHECK(audio_export_wav(src, &r, plain, err, sizeof(err)) == 0);
		f = fopen(target, "w");
		fputs("old", f);
		fclose(f);
		CHECK(symlink(target, link) == 0);
		CHECK_MSG(audio_export_wav(src, &r, link, err, sizeof(err)) == 0, "%s", err);
		CHECK(lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode));
		a = slurp(plain, &na);
		b = slurp(target, &nb);
		CHECK(a && b && na == nb && na > 44 && memcmp(a, b, na) == 0);
		free(b);
		b = NULL;

		CHECK(mkfifo(fifo, 0644) == 0);
		pid = fork();
		if (pid == 0) {
			/* the reader: what comes down the pipe goes to a file */
			char buf[4096];
			int in = open(fifo, O_RDONLY), out = open(got, O_WRONLY | O_CREAT |
								 O_TRUNC, 0644);
			ssize_t k;

			while (in >= 0 && (k = read(in, buf, sizeof(buf))) > 0)
				if (write(out, buf, (size_t)k) != k)
					break;
			_exit(0);
		}
		CHECK_MSG(audio_export_wav(src, &r, fifo, err, sizeof(err)) == 0, "%s", err);
		CHECK(lstat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode));
		if (pid > 0) {
			int st, i;

			for (i = 0; i < 100 && waitpid(pid, &st, WNOHANG) == 0; i++)
				sleep_ms(20);
			if (i == 100) {
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
			}
		}
		b = slurp(got, &nb);
		CHECK(a && b && na == nb && memcmp(a, b, na) == 0);
		free(a);
		free(b);
		CHECK_INT(count_tmp_files(tpath("exported")), 0);

		/* a link someone else left (in /tmp, at the fallback path) is not followed */
		{
			const char *victim = tpath("exported/victim.txt");
			const char *trap = tpath("exported/trap.wav");

			f = fopen(victim, "w");
			fputs("keep", f);
			fclose(f);
			CHECK(symlink(victim, trap) == 0);
			if (lchown(trap, 12345, 12345) == 0) {
				CHECK(audio_export_wav(src, &r, trap, err, sizeof(err)) == 0);
				CHECK(lstat(trap, &sb) == 0 && S_ISREG(sb.st_mode));
				b = slurp(victim, &nb);
				CHECK(b && nb == 4 && !memcmp(b, "keep", 4));
				free(b);
			}
		}
	}

	TEST("export: the fallback path names the sentence, in TMPDIR");
	setenv("TMPDIR", "/some/where", 1);
	CHECK_STR(audio_fallback_path(42, buf, sizeof(buf)), "/some/where/tracker-snippet-42.wav");
	unsetenv("TMPDIR");
	CHECK_STR(audio_fallback_path(7, buf, sizeof(buf)), "/tmp/tracker-snippet-7.wav");
	setenv("TMPDIR", tmpdir, 1);
}

/* ---------------------------------------------------------------- playback */

static audio_player *new_player(const char *device, int rate, int *rc)
{
	struct audio_player_options o = { device, rate, 0 };
	audio_player *p = NULL;
	char err[512];

	*rc = audio_player_new(&o, &p, err, sizeof(err));
	return p;
}

/* Plays req with the capture going to cap, waits for the end, returns the capture. */
static int16_t *play_capture(audio_player *p, const char *cap, const struct audio_play *req,
			     size_t *n, struct audio_snapshot *end)
{
	char err[512];

	setenv("APP_AUDIO_CAPTURE", cap, 1);
	unlink(cap);
	*n = 0;
	if (audio_player_play(p, req, err, sizeof(err)) != 0) {
		fprintf(stderr, "  play: %s\n", err);
		audio_player_snapshot(p, end);
		return NULL;
	}
	if (audio_player_wait(p, 60000) != 0)
		fprintf(stderr, "  play: still playing after 60 s\n");
	audio_player_snapshot(p, end);
	return read_raw(cap, n);
}

static struct audio_snippet *snippet_of(const char *path, int64_t from, int64_t to, int channel)
{
	struct audio_region r = { from, to, 0, 0, channel };
	struct audio_snippet *s = NULL;
	char err[512];

	if (audio_snippet_read(path, &r, &s, err, sizeof(err)) != 0)
		fprintf(stderr, "  snippet: %s\n", err);
	return s;
}

static void check_capture_equals(const int16_t *cap, size_t n, const struct audio_snippet *s,
				 int lossy)
{
	CHECK(cap != NULL);
	CHECK(s != NULL);
	if (!cap || !s)
		return;
	CHECK_INT(n, s->frames);
	if (n != s->frames)
		return;
	if (!lossy) {
		size_t i, diffs = 0;

		for (i = 0; i < n; i++)
			diffs += cap[i] != s->samples[i];
		CHECK_MSG(diffs == 0, "%zu of %zu captured samples differ", diffs, n);
	} else {
		double d = rms_diff(cap, s->samples, n), ref = rms(s->samples, n);

		CHECK_MSG(d <= 0.003 * ref, "capture differs by %.1f (rms), signal %.1f", d, ref);
	}
}

static void test_playback(void)
{
	struct audio_snapshot sn;
	struct audio_snippet *s;
	struct audio_play req;
	const char *cap = tpath("capture.raw");
	audio_player *p;
	char err[512];
	int16_t *c;
	size_t n;
	int rc;
	unsigned errs;

	p = new_player(NULL, 0, &rc);
	TEST("player: the capturing ALSA device is found");
	CHECK_INT(rc, 0);
	audio_player_snapshot(p, &sn);
	CHECK_INT(sn.state, AUDIO_IDLE);
	CHECK(sn.speed == 1.0);
	if (rc != 0) {
		audio_player_free(p);
		return;
	}

	TEST("player: wav 16 kHz mono: what reaches the device is the snippet, sample for sample");
	req = (struct audio_play){ tpath("src-0.wav"), 2000, 6200, 4000, 5200, AUDIO_MIX };
	c = play_capture(p, cap, &req, &n, &sn);
	s = snippet_of(req.path, 2000, 6200, AUDIO_MIX);
	check_capture_equals(c, n, s, 0);
	CHECK_STR(audio_state_name(sn.state), "done");
	CHECK_INT(sn.pos_ms, 6200);
	CHECK_INT(sn.from_ms, 2000);
	CHECK_INT(sn.to_ms, 6200);
	CHECK_INT(sn.mark_start_ms, 4000);
	CHECK_INT(sn.mark_end_ms, 5200);
	CHECK_INT(sn.file_rate, 16000);
	CHECK_INT(sn.device_rate, 16000);
	CHECK_INT(sn.serial, 1);
	CHECK_MSG(sn.first_sample_ms >= 0 && sn.first_sample_ms < 150,
		  "first sample after %.1f ms", sn.first_sample_ms);
	CHECK_STR(sn.error, "");
	free(c);
	audio_snippet_free(s);

	TEST("player: wav 44.1 kHz stereo plays both channels mixed");
	req = (struct audio_play){ tpath("src-1.wav"), 500, 2500, -1, -1, AUDIO_MIX };
	c = play_capture(p, cap, &req, &n, &sn);
	s = snippet_of(req.path, 500, 2500, AUDIO_MIX);
	check_capture_equals(c, n, s, 0);
	CHECK_INT(sn.device_rate, 44100);
	free(c);
	audio_snippet_free(s);

	TEST("player: a stereo recording's one channel alone");
	req = (struct audio_play){ tpath("src-1.wav"), 500, 2500, -1, -1, 1 };
	c = play_capture(p, cap, &req, &n, &sn);
	s = snippet_of(req.path, 500, 2500, 1);
	check_capture_equals(c, n, s, 0);
	free(c);
	audio_snippet_free(s);

	TEST("player: flac, ogg vorbis, ogg opus and mp3 play what the snippet holds");
	{
		static const int which[] = { 3, 4, 7, 8 };
		size_t k;

		for (k = 0; k < sizeof(which) / sizeof(which[0]); k++) {
			const struct fmt *fm = &formats[which[k]];

			req = (struct audio_play){ tpath("src-%d.%s", which[k], fm->ext), 3000,
						   5000, -1, -1, AUDIO_MIX };
			c = play_capture(p, cap, &req, &n, &sn);
			s = snippet_of(req.path, 3000, 5000, AUDIO_MIX);
			check_capture_equals(c, n, s, fm->lossy);
			CHECK_INT(sn.device_rate, fm->rate);
			free(c);
			audio_snippet_free(s);
		}
	}

	TEST("player: to_ms < 0 plays to the end of the recording");
	req = (struct audio_play){ tpath("src-0.wav"), 9000, -1, -1, -1, AUDIO_MIX };
	c = play_capture(p, cap, &req, &n, &sn);
	CHECK_INT(n, 16000);
	CHECK_INT(sn.to_ms, 10000);
	CHECK_MSG(sn.state == AUDIO_DONE, "%s: %s", audio_state_name(sn.state), sn.error);
	free(c);

	TEST("player: a missing recording fails with its path, as a new error");
	audio_player_snapshot(p, &sn);
	errs = sn.error_serial;
	req = (struct audio_play){ tpath("gone.ogg"), 0, 1000, -1, -1, AUDIO_MIX };
	c = play_capture(p, cap, &req, &n, &sn);
	CHECK_INT(sn.state, AUDIO_FAILED);
	CHECK(strstr(sn.error, req.path) == sn.error);
	CHECK(strstr(sn.error, "No such file") != NULL);
	CHECK_INT(sn.error_serial, errs + 1);
	free(c);

	TEST("player: a span past the end fails and says so");
	req = (struct audio_play){ tpath("src-0.wav"), 12000, 13000, -1, -1, AUDIO_MIX };
	c = play_capture(p, cap, &req, &n, &sn);
	CHECK_INT(sn.state, AUDIO_FAILED);
	CHECK_MSG(strstr(sn.error, "nothing to play") != NULL, "%s", sn.error);
	free(c);

	TEST("player: a span that ends before it starts is refused at once");
	req = (struct audio_play){ tpath("src-0.wav"), 3000, 2000, -1, -1, AUDIO_MIX };
	CHECK(audio_player_play(p, &req, err, sizeof(err)) == -1);
	CHECK(strstr(err, "before it starts") != NULL);
	req.path = NULL;
	CHECK(audio_player_play(p, &req, err, sizeof(err)) == -1);

	TEST("player: speed is clamped to 0.75..1.5 and steps by 0.25");
	CHECK(audio_player_set_speed(p, 3.0) == AUDIO_SPEED_MAX);
	CHECK(audio_player_set_speed(p, 0.1) == AUDIO_SPEED_MIN);
	CHECK(audio_player_step_speed(p, +1) == 1.0);
	CHECK(audio_player_step_speed(p, +1) == 1.25);
	CHECK(audio_player_step_speed(p, +1) == 1.5);
	CHECK(audio_player_step_speed(p, +1) == 1.5);
	CHECK(audio_player_step_speed(p, -1) == 1.25);
	CHECK(audio_player_set_speed(p, 1.0) == 1.0);
	audio_player_snapshot(p, &sn);
	CHECK(sn.speed == 1.0);
	audio_player_free(p);

	TEST("player: a device that cannot take the rate gets it resampled (16 -> 48 kHz)");
	{
		const char *sine = tpath("sine440.wav");
		int16_t *x = make_signal(48000, 1, 16000, SINE440, 0);

		write_audio(sine, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, x, 48000);
		free(x);
		p = new_player(NULL, 48000, &rc);
		req = (struct audio_play){ sine, 0, 3000, -1, -1, AUDIO_MIX };
		c = play_capture(p, cap, &req, &n, &sn);
		CHECK_INT(sn.file_rate, 16000);
		CHECK_INT(sn.device_rate, 48000);
		CHECK_MSG(n >= 144000 - 64 && n <= 144000 + 64, "%zu frames at 48 kHz", n);
		if (c && n > 4000)
			CHECK_MSG(fabs(crossings_hz(c + 1000, n - 2000, 48000) - 440) < 3,
				  "%.1f Hz", crossings_hz(c + 1000, n - 2000, 48000));
		free(c);

		TEST("player: resampled and stretched at once (1.25x, 16 -> 48 kHz) plays to "
		     "the end with the pitch kept");
		audio_player_set_speed(p, 1.25);
		c = play_capture(p, cap, &req, &n, &sn);
		CHECK_MSG(sn.state == AUDIO_DONE, "%s: %s", audio_state_name(sn.state), sn.error);
		CHECK_MSG(n >= 115200 - 64 && n <= 115200 + 64, "%zu frames at 48 kHz", n);
		if (c && n > 8000)
			CHECK_MSG(fabs(crossings_hz(c + 4000, n - 8000, 48000) - 440) < 5,
				  "%.1f Hz", crossings_hz(c + 4000, n - 8000, 48000));
		free(c);
		audio_player_free(p);
	}
}

/* ---------------------------------------------------------------- no device */

static void test_no_device(void)
{
	struct audio_snapshot sn;
	struct audio_play req = { tpath("src-0.wav"), 1000, 2000, -1, -1, AUDIO_MIX };
	struct audio_region r = { 1000, 2000, 500, 500, AUDIO_MIX };
	char err[512], out[PATH_MAX];
	audio_player *p;
	int rc;

	TEST("no device: a device name that does not exist gives a plain message");
	p = new_player("no-such-device", 0, &rc);
	CHECK_INT(rc, 1);
	audio_player_snapshot(p, &sn);
	CHECK_INT(sn.state, AUDIO_NO_DEVICE);
	CHECK(strstr(sn.error, "no output device named 'no-such-device'") != NULL);
	CHECK(sn.error_serial == 1);

	TEST("no device: play says so at once, and the snippet can be written as WAV instead");
	CHECK(audio_player_play(p, &req, err, sizeof(err)) == -1);
	CHECK_STR(err, sn.error);
	audio_player_pause(p, 1);
	audio_player_seek(p, 5000);
	audio_player_stop(p);
	audio_player_snapshot(p, &sn);
	CHECK_INT(sn.state, AUDIO_NO_DEVICE);
	audio_fallback_path(99, out, sizeof(out));
	CHECK(strncmp(out, tmpdir, strlen(tmpdir)) == 0);
	CHECK_MSG(audio_export_wav(req.path, &r, out, err, sizeof(err)) == 0, "%s", err);
	CHECK_INT(file_size(out), 44 + 2 * 16000 * 2);
	audio_player_free(p);
}

/* Run in a child before anything here starts ALSA: a machine whose only sound card
 * cannot be opened (as on CI, without the capture configuration). */
static void test_no_sound_card(void)
{
	char conf[PATH_MAX];
	pid_t pid;
	int status = -1;

	TEST("no device: without a sound card the player says so plainly, and WAV still works");
	CHECK(realpath("tests/audio_nodevice.conf", conf) != NULL);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct audio_snapshot sn;
		struct audio_region r = { 1000, 2000, 0, 0, AUDIO_MIX };
		char err[512];
		audio_player *p;
		int bad = 0;

		setenv("ALSA_CONFIG_PATH", conf, 1);
		{
			int16_t *x = make_signal(48000, 1, 16000, NOISE, 5);

			write_audio(tpath("nocard-src.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000,
				    1, x, 48000);
			free(x);
		}
		if (audio_player_new(NULL, &p, err, sizeof(err)) != 1)
			bad |= 1;
		if (!strstr(err, "no audio output device"))
			bad |= 2;
		audio_player_snapshot(p, &sn);
		if (sn.state != AUDIO_NO_DEVICE || strcmp(sn.error, err) != 0)
			bad |= 4;
		audio_player_free(p);
		if (audio_export_wav(tpath("nocard-src.wav"), &r, tpath("nocard.wav"), err,
				     sizeof(err)) != 0)
			bad |= 8;
		_exit(bad);
	}
	CHECK(pid > 0);
	waitpid(pid, &status, 0);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	CHECK_INT(file_size(tpath("nocard.wav")), 44 + 2 * 16000);
}

/* ---------------------------------------------------------------- paced by JACK */

static void stop_jack(void)
{
	if (jack_pid > 0) {
		kill(jack_pid, SIGTERM);
		waitpid(jack_pid, NULL, 0);
		jack_pid = 0;
	}
}

static void jack_quiet(const char *msg)
{
	(void)msg;
}

/* Starts a JACK server of our own (dummy driver, 16 kHz) and waits until it answers. */
static int start_jack(void)
{
	static char name[64];
	double t0;

	snprintf(name, sizeof(name), "audiotest-%ld", (long)getpid());
	setenv("JACK_DEFAULT_SERVER", name, 1);
	setenv("JACK_NO_AUDIO_RESERVATION", "1", 1);
	fflush(NULL);
	jack_pid = fork();
	if (jack_pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* goes with the suite, even when the suite crashes */
		prctl(PR_SET_PDEATHSIG, SIGTERM);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execlp("jackd", "jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", "16000",
		       "-p", "256", (char *)NULL);
		_exit(127);
	}
	if (jack_pid < 0)
		return -1;
	atexit(stop_jack);
	jack_set_error_function(jack_quiet);
	jack_set_info_function(jack_quiet);
	for (t0 = now_ms(); now_ms() - t0 < 15000; sleep_ms(50)) {
		jack_status_t st;
		jack_client_t *cl = jack_client_open("audiotest-probe",
						     JackNoStartServer | JackServerName, &st, name);
		int status;

		if (cl) {
			jack_client_close(cl);
			return 0;
		}
		if (waitpid(jack_pid, &status, WNOHANG) == jack_pid) {
			jack_pid = 0;
			return -1;
		}
	}
	return -1;
}

/* The first index where a and b differ (n when none). */
static size_t first_diff(const int16_t *a, const int16_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return n;
}

static void test_paced(void)
{
	struct audio_snapshot sn;
	struct audio_play req;
	const char *cap = tpath("paced.raw");
	const char *long_src = tpath("long-noise.wav");
	int16_t *src, *c;
	size_t n, srcn = 20 * 16000;
	audio_player *p;
	char err[512];
	double t0, took;
	int rc, threads0, threads_idle, threads_playing;

	TEST("paced: a JACK dummy server (jackd) starts");
	rc = start_jack();
	CHECK_MSG(rc == 0, "jackd did not start (is the jackd2 package installed?)");
	if (rc != 0)
		return;
	setenv("APP_AUDIO_SLAVE", "capjack", 1);
	src = make_signal(srcn, 1, 16000, NOISE, 99);
	write_audio(long_src, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, src, srcn);
	threads0 = count_threads();
	p = new_player(NULL, 0, &rc);
	CHECK_INT(rc, 0);
	threads_idle = count_threads();

	TEST("paced: a 2 s snippet takes 2 s and arrives sample for sample");
	req = (struct audio_play){ long_src, 3000, 5000, 3500, 4500, AUDIO_MIX };
	t0 = now_ms();
	c = play_capture(p, cap, &req, &n, &sn);
	took = now_ms() - t0;
	CHECK_MSG(took > 1800 && took < 4000, "took %.0f ms", took);
	CHECK_INT(n, 32000);
	CHECK(c && n == 32000 && memcmp(c, src + 48000, n * 2) == 0);
	CHECK_INT(sn.state, AUDIO_DONE);
	free(c);

	TEST("paced: the position line follows playback and marks the sentence");
	req = (struct audio_play){ long_src, 3000, 5000, 3500, 4500, AUDIO_MIX };
	setenv("APP_AUDIO_CAPTURE", cap, 1);
	CHECK(audio_player_play(p, &req, err, sizeof(err)) == 0);
	WAIT_FOR(p, sn, sn.pos_ms >= 3900, 5000);
	CHECK_INT(sn.state, AUDIO_PLAYING);
	CHECK_INT(sn.in_mark, 1);
	CHECK(sn.pos_ms < 4500);
	WAIT_FOR(p, sn, sn.state == AUDIO_DONE, 5000);
	CHECK_INT(sn.in_mark, 0);
	audio_player_wait(p, 5000);

	TEST("paced: pause holds the position and the output; resume goes on without a gap "
	     "or a repeat");
	req = (struct audio_play){ long_src, 1000, 5000, -1, -1, AUDIO_MIX };
	setenv("APP_AUDIO_CAPTURE", cap, 1);
	unlink(cap);
	t0 = now_ms();
	CHECK(audio_player_play(p, &req, err, sizeof(err)) == 0);
	WAIT_FOR(p, sn, sn.pos_ms >= 2200, 5000);
	audio_player_toggle_pause(p);
	WAIT_FOR(p, sn, sn.state == AUDIO_PAUSED, 2000);
	CHECK_INT(sn.state, AUDIO_PAUSED);
	{
		int64_t pos = sn.pos_ms;
		long size;

		sleep_ms(300);
		size = file_size(cap);
		sleep_ms(700);
		audio_player_snapshot(p, &sn);
		CHECK_INT(sn.pos_ms, pos);
		CHECK_INT(sn.state, AUDIO_PAUSED);
		CHECK_INT(file_size(cap), size);
		CHECK_MSG(size > 0 && size < 4000 * 32, "%ld bytes while paused", size);
	}
	audio_player_toggle_pause(p);
	audio_player_wait(p, 10000);
	took = now_ms() - t0;
	audio_player_snapshot(p, &sn);
	CHECK_INT(sn.state, AUDIO_DONE);
	c = read_raw(cap, &n);
	CHECK_INT(n, 64000);
	CHECK(c && n == 64000 && memcmp(c, src + 16000, n * 2) == 0);
	CHECK_MSG(took > 4900, "took %.0f ms with a 1 s pause", took);
	free(c);

	TEST("paced: seek +5 s then -5 s plays the expected sample ranges");
	req = (struct audio_play){ long_src, 0, 10000, -1, -1, AUDIO_MIX };
	setenv("APP_AUDIO_CAPTURE", cap, 1);
	unlink(cap);
	CHECK(audio_player_play(p, &req, err, sizeof(err)) == 0);
	WAIT_FOR(p, sn, sn.pos_ms >= 1500, 5000);
	audio_player_seek(p, +5000);
	WAIT_FOR(p, sn, sn.pos_ms >= 7200, 8000);
	audio_player_seek(p, -5000);
	audio_player_wait(p, 15000);
	c = read_raw(cap, &n);
	CHECK(c != NULL);
	if (c) {
		/* capture = src[0, b1) + src[b1 + 5 s, x2) + src[x2 - 5 s, 10 s), where b1
		 * and x2 are where the seeks were made; the second part ends at capture
		 * index b2 = x2 - 5 s, so the third part sits at the same index as in src */
		size_t b1 = first_diff(c, src, n), b2 = b1;

		CHECK_MSG(b1 >= 16000 && b1 <= 48000, "first seek at frame %zu", b1);
		if (b1 < n)
			b2 = b1 + first_diff(c + b1, src + b1 + 80000, n - b1);
		CHECK_MSG(b2 + 80000 >= 115200 && b2 + 80000 <= 152000,
			  "second seek at frame %zu of the source", b2 + 80000);
		CHECK_INT(n, 160000);
		if (n == 160000 && b2 < n)
			CHECK(memcmp(c + b2, src + b2, (n - b2) * 2) == 0);
	}
	free(c);

	TEST("paced: seeking back past the start of the span stops at its start");
	req = (struct audio_play){ long_src, 2000, 4000, -1, -1, AUDIO_MIX };
	setenv("APP_AUDIO_CAPTURE", cap, 1);
	unlink(cap);
	CHECK(audio_player_play(p, &req, err, sizeof(err)) == 0);
	WAIT_FOR(p, sn, sn.pos_ms >= 2600, 5000);
	audio_player_seek(p, -5000);
	audio_player_wait(p, 10000);
	c = read_raw(cap, &n);
	if (c) {
		size_t b = first_diff(c, src + 32000, n);

		CHECK_MSG(b >= 8000 && b < 32000, "seek at frame %zu", b);
		CHECK_INT(n, b + 32000);
		if (n == b + 32000)
			CHECK(memcmp(c + b, src + 32000, 32000 * 2) == 0);
	}
	free(c);

	TEST("paced: stop ends playback at once and leaves no thread or stream behind");
	req = (struct audio_play){ long_src, 0, 10000, -1, -1, AUDIO_MIX };
	setenv("APP_AUDIO_CAPTURE", cap, 1);
	unlink(cap);
	CHECK_INT(count_threads(), threads_idle);
	CHECK(audio_player_play(p, &req, err, sizeof(err)) == 0);
	WAIT_FOR(p, sn, sn.pos_ms >= 700, 5000);
	threads_playing = count_threads();
	CHECK_MSG(threads_playing > threads_idle, "%d threads playing, %d idle",
		  threads_playing, threads_idle);
	t0 = now_ms();
	audio_player_stop(p);
	audio_player_snapshot(p, &sn);
	CHECK_INT(sn.state, AUDIO_IDLE);
	CHECK_INT(audio_player_wait(p, 2000), 0);
	CHECK_MSG(now_ms() - t0 < 500, "the thread took %.0f ms to go", now_ms() - t0);
	CHECK_INT(count_threads(), threads_idle);
	{
		long size = file_size(cap);

		sleep_ms(300);
		CHECK_INT(file_size(cap), size);
		CHECK_MSG(size < 3 * 32000, "%ld bytes after a stop at 0.7 s", size);
	}
	audio_player_snapshot(p, &sn);
	CHECK_INT(sn.state, AUDIO_IDLE);

	TEST("paced: 1.5x takes two thirds of the time, keeps the pitch and the length right");
	{
		const char *sine = tpath("sine440.wav");

		audio_player_set_speed(p, 1.5);
		req = (struct audio_play){ sine, 0, 3000, -1, -1, AUDIO_MIX };
		t0 = now_ms();
		c = play_capture(p, cap, &req, &n, &sn);
		took = now_ms() - t0;
		CHECK_MSG(took > 1800 && took < 3200, "took %.0f ms", took);
		CHECK_MSG(n >= 32000 - 2 && n <= 32000 + 2, "%zu frames", n);
		if (c && n > 8000)
			CHECK_MSG(fabs(crossings_hz(c + 4000, n - 8000, 16000) - 440) < 5,
				  "%.1f Hz", crossings_hz(c + 4000, n - 8000, 16000));
		CHECK(sn.speed == 1.5);
		free(c);

		audio_player_set_speed(p, 0.75);
		c = play_capture(p, cap, &req, &n, &sn);
		CHECK_MSG(n >= 64000 - 2 && n <= 64000 + 2, "%zu frames at 0.75x", n);
		if (c && n > 8000)
			CHECK_MSG(fabs(crossings_hz(c + 4000, n - 8000, 16000) - 440) < 5,
				  "%.1f Hz at 0.75x", crossings_hz(c + 4000, n - 8000, 16000));
		free(c);
	}

	TEST("paced: changing speed while playing: exact up to the change, stretched after");
	audio_player_set_speed(p, 1.0);
	req = (struct audio_play){ long_src, 0, 4000, -1, -1, AUDIO_MIX };
	setenv("APP_AUDIO_CAPTURE", cap, 1);
	unlink(cap);
	CHECK(audio_player_play(p, &req, err, sizeof(err)) == 0);
	WAIT_FOR(p, sn, sn.pos_ms >= 1000, 5000);
	audio_player_set_speed(p, 0.75);
	audio_player_wait(p, 10000);
	c = read_raw(cap, &n);
	if (c) {
		size_t b = first_diff(c, src, n);
		double want = b + (64000.0 - b) / 0.75;

		CHECK_MSG(b >= 16000 && b < 40000, "change at frame %zu", b);
		CHECK_MSG(fabs((double)n - want) < 1600, "%zu frames, want about %.0f", n, want);
	}
	free(c);
	audio_player_set_speed(p, 1.0);

	TEST("paced: freeing the player leaves no thread behind");
	audio_player_free(p);
	CHECK_INT(count_threads(), threads0);
	free(src);
	unsetenv("APP_AUDIO_SLAVE");
	stop_jack();
}

/* ---------------------------------------------------------------- demo recordings */

static const char *const demo_text[] = {
	"Thanks for joining today, shall we start with pricing?",
	"Sure. Can you give us a discount if we sign this quarter?",
	"We might be able to do ten percent on the annual plan.",
	"Okay.",
	"Great, then let's talk about the onboarding timeline for your team.",
};

/* Slots as the demo generator plans them: ~62 ms a character, at least 300 ms, with
 * pauses between turns. */
static size_t demo_lines(struct audio_demo_line *l, int64_t *duration_ms)
{
	size_t i, n = sizeof(demo_text) / sizeof(demo_text[0]);
	int pos = 400;

	for (i = 0; i < n; i++) {
		int d = (int)strlen(demo_text[i]) * 62;

		if (d < 300)
			d = 300;
		l[i].party = (int)(i % 2);
		l[i].start_ms = pos;
		l[i].end_ms = pos + d;
		l[i].text = demo_text[i];
		pos += d + (i == 1 ? 450 : 700);
	}
	*duration_ms = pos + 300;
	return n;
}

/* RMS of the 10 ms window at ms. */
static double win_rms(const int16_t *x, size_t n, int rate, int64_t ms)
{
	size_t a = (size_t)(ms * rate / 1000), len = (size_t)rate / 100;

	if (a >= n)
		return 0;
	if (a + len > n)
		len = n - a;
	return rms(x + a, len);
}

/* RMS over [a_ms, b_ms). */
static double span_rms(const int16_t *x, size_t n, int rate, int64_t a_ms, int64_t b_ms)
{
	size_t a = (size_t)(a_ms * rate / 1000), b = (size_t)(b_ms * rate / 1000);

	if (b > n)
		b = n;
	return b > a ? rms(x + a, b - a) : 0;
}

/* Checks the recording holds each sentence in its slot, starting and ending within
 * 100 ms of it, and silence between. */
static void check_demo_recording(const char *path, const struct audio_demo_line *l, size_t nl,
				 int64_t duration_ms)
{
	int16_t *x;
	size_t n, i;
	int rate = 0;
	int64_t t;

	x = decode_all(path, AUDIO_MIX, &n, &rate);
	CHECK(x != NULL);
	if (!x)
		return;
	CHECK_INT(rate, 22050);
	CHECK_INT(n, (duration_ms * rate + 999) / 1000);
	for (i = 0; i < nl; i++) {
		int64_t a = l[i].start_ms, b = l[i].end_ms, on = -1, off = -1;
		double inner = span_rms(x, n, rate, a + 50, b - 50);

		CHECK_MSG(inner > 800, "sentence %zu: slot %lld..%lld ms holds rms %.0f", i + 1,
			  (long long)a, (long long)b, inner);
		for (t = a - 300; t < b + 300; t += 10) {
			if (t >= 0 && win_rms(x, n, rate, t) > 300) {
				if (on < 0)
					on = t;
				off = t + 10;
			}
		}
		CHECK_MSG(on >= a - 100 && on <= a + 100, "sentence %zu: speech starts at %lld ms, "
			  "its slot at %lld", i + 1, (long long)on, (long long)a);
		CHECK_MSG(off >= b - 100 && off <= b + 100, "sentence %zu: speech ends at %lld ms, "
			  "its slot at %lld", i + 1, (long long)off, (long long)b);
		if (i + 1 < nl) {
			int64_t ga = b + 60, gb = l[i + 1].start_ms - 60;

			if (gb > ga)
				CHECK_MSG(span_rms(x, n, rate, ga, gb) < 40,
					  "gap after sentence %zu is not silent (rms %.0f)", i + 1,
					  span_rms(x, n, rate, ga, gb));
		}
	}
	free(x);
}

static void test_demo_render(void)
{
	struct audio_demo_line l[8];
	int64_t duration, ms = -1;
	size_t n = demo_lines(l, &duration);
	const char *out = tpath("demo/call-render.ogg");
	char err[512];
	atomic_int cancel;
	int rc;

	TEST("demo voices: parties get different voices");
	CHECK(strcmp(audio_demo_voice(0), audio_demo_voice(1)) != 0);
	CHECK(strcmp(audio_demo_voice(1), audio_demo_voice(2)) != 0);
	CHECK_STR(audio_demo_voice(0), "en-us+m3");
	CHECK_STR(audio_demo_voice(1), "en+f3");

	TEST("demo recording: each sentence is heard in its slot (within 100 ms), silence "
	     "between, and the file decodes with the call's length");
	rc = audio_demo_render(l, n, duration, out, NULL, &ms, err, sizeof(err));
	CHECK_MSG(rc == 0, "%s", err);
	CHECK_INT(ms, duration);
	if (rc == 0)
		check_demo_recording(out, l, n, duration);
	CHECK_INT(count_tmp_files(tpath("demo")), 0);

	TEST("demo recording: a cancelled one leaves no file, not even a temporary one");
	atomic_init(&cancel, 1);
	rc = audio_demo_render(l, n, duration, tpath("demo/cancelled.ogg"), &cancel, &ms, err,
			       sizeof(err));
	CHECK_INT(rc, AUDIO_CANCELLED);
	CHECK(access(tpath("demo/cancelled.ogg"), F_OK) != 0);
	CHECK_INT(count_tmp_files(tpath("demo")), 0);

	TEST("demo recording: a bad slot is an error naming the sentence");
	l[2].end_ms = l[2].start_ms - 10;
	rc = audio_demo_render(l, n, duration, tpath("demo/bad.ogg"), NULL, &ms, err, sizeof(err));
	CHECK_INT(rc, -1);
	CHECK(strstr(err, "sentence 3") != NULL);
}

/* Puts a call into the workspace; sentences from demo_lines. */
static int64_t put_call_of(store *st, const char *ext_id, const char *audio, int audio_ok,
			   const char *name0, const char *name1)
{
	struct audio_demo_line l[8];
	struct store_party_in parties[2] = {
		{.ext_id = "p1", .name = (char *)name0, .side = STORE_COMPANY},
		{.ext_id = "p2", .name = (char *)name1, .side = STORE_CUSTOMER},
	};
	struct store_sentence_in sent[8];
	struct store_call_in c;
	int64_t duration, first = 0, id = 0;
	size_t n = demo_lines(l, &duration), i;
	char err[512];
	int replaced;

	for (i = 0; i < n; i++) {
		sent[i].party = l[i].party;
		sent[i].utt = (int)i;
		sent[i].start_ms = l[i].start_ms;
		sent[i].end_ms = l[i].end_ms;
		sent[i].text = (char *)l[i].text;
	}
	memset(&c, 0, sizeof(c));
	c.ext_id = (char *)ext_id;
	c.title = "Globex discovery call";
	c.started = "2026-03-02T15:00:00Z";
	c.started_unix = 1772463600;
	c.duration_ms = duration;
	c.scope = STORE_SCOPE_EXTERNAL;
	c.language = "en";
	c.audio = (char *)audio;
	c.audio_ok = audio_ok;
	c.parties = parties;
	c.n_parties = 2;
	c.sentences = sent;
	c.n_sentences = n;
	if (store_begin(st, err, sizeof(err)) != 0 ||
	    store_call_put(st, &c, &id, &first, &replaced, err, sizeof(err)) != 0 ||
	    store_commit(st, err, sizeof(err)) != 0) {
		fprintf(stderr, "  store: %s\n", err);
		store_rollback(st);
		return 0;
	}
	return id;
}

static int64_t put_call(store *st, const char *ext_id, const char *audio, int audio_ok)
{
	return put_call_of(st, ext_id, audio, audio_ok, "Dana Reyes", "Lee Park");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median pitch (Hz) of the voiced 40 ms frames of the party's sentences, by
 * autocorrelation between 70 and 400 Hz; 0 when none is voiced. */
static double party_pitch(const int16_t *x, size_t n, int rate, const struct audio_demo_line *l,
			  size_t nl, int party)
{
	size_t frame = (size_t)rate / 25, nf = 0, cap = 1024, i, k;
	int lo = rate / 400, hi = rate / 70, lag;
	double *f0 = malloc(cap * sizeof(double)), med;

	for (i = 0; i < nl; i++) {
		size_t a = (size_t)l[i].start_ms * (size_t)rate / 1000;
		size_t b = (size_t)l[i].end_ms * (size_t)rate / 1000;

		if (l[i].party != party)
			continue;
		for (; a + frame + (size_t)hi <= b && a + frame + (size_t)hi <= n; a += frame) {
			double e = 0, best = 0;
			int best_lag = 0;

			for (k = 0; k < frame; k++)
				e += (double)x[a + k] * x[a + k];
			if (e < frame * 300.0 * 300.0)
				continue;
			for (lag = lo; lag <= hi; lag++) {
				double c = 0;

				for (k = 0; k < frame; k++)
					c += (double)x[a + k] * x[a + k + (size_t)lag];
				if (c > best) {
					best = c;
					best_lag = lag;
				}
			}
			if (best_lag && best > 0.5 * e && nf < cap)
				f0[nf++] = (double)rate / best_lag;
		}
	}
	qsort(f0, nf, sizeof(*f0), cmp_double);
	med = nf ? f0[nf / 2] : 0;
	free(f0);
	return med;
}

static void progress_cb(void *ctx, size_t done, size_t total)
{
	size_t *calls = ctx;

	calls[0]++;
	calls[1] = done;
	calls[2] = total;
}

static void test_demo_store(void)
{
	const char *db = tpath("ws.db");
	struct audio_demo_line l[8];
	struct store_call *c = NULL;
	store *st = NULL;
	int64_t duration, made_id, none_id, junk_id, q[4];
	char err[512], why[512], *path = NULL;
	audio_prep *prep = NULL;
	size_t prog[3] = { 0 }, made = 0;
	FILE *f;
	int rc;

	demo_lines(l, &duration);
	TEST("demo store: a workspace opens");
	rc = store_open(db, &st, err, sizeof(err));
	CHECK_MSG(rc == 0, "%s", err);
	if (rc != 0)
		return;
	made_id = put_call(st, "call-0001", tpath("cache/call-0001.ogg"), -1);
	none_id = put_call(st, "call-0002", NULL, -1);
	f = fopen(tpath("cache/junk.ogg"), "w");
	if (!f) {
		mkdir(tpath("cache"), 0777);
		f = fopen(tpath("cache/junk.ogg"), "w");
	}
	fputs("not audio", f);
	fclose(f);
	junk_id = put_call(st, "call-0003", tpath("cache/junk.ogg"), -1);
	CHECK(made_id > 0 && none_id > 0 && junk_id > 0);

	TEST("demo store: a recording not made yet is made on first need and recorded");
	rc = audio_call_ensure(st, made_id, NULL, &path, err, sizeof(err));
	CHECK_MSG(rc == 0, "%s", err);
	CHECK_STR(path, tpath("cache/call-0001.ogg"));
	free(path);
	path = NULL;
	CHECK(store_call_get_id(st, made_id, &c, err, sizeof(err)) == 0 && c);
	if (c) {
		CHECK_INT(c->audio_ok, 1);
		CHECK_INT(c->audio_ms, duration);
		check_demo_recording(c->audio, l, sizeof(demo_text) / sizeof(demo_text[0]),
				     duration);
	}
	store_calls_free(c, c ? 1 : 0);
	c = NULL;

	TEST("demo store: a woman's name speaks with a woman's voice and a man's with a man's, "
	     "whichever party comes first");
	{
		const char *rec = tpath("cache/call-voices.ogg");
		int64_t id = put_call_of(st, "call-voices", rec, -1, "Nadia Chen", "Felix Bennett");
		size_t nx = 0, nl = sizeof(demo_text) / sizeof(demo_text[0]);
		int rate = 0;
		int16_t *x;

		CHECK_MSG(audio_call_ensure(st, id, NULL, NULL, err, sizeof(err)) == 0, "%s", err);
		x = decode_all(rec, AUDIO_MIX, &nx, &rate);
		CHECK(x != NULL);
		if (x) {
			double nadia = party_pitch(x, nx, rate, l, nl, 0);
			double felix = party_pitch(x, nx, rate, l, nl, 1);

			CHECK_MSG(nadia > 160 && felix > 0 && felix < 140,
				  "pitch: Nadia %.0f Hz, Felix %.0f Hz", nadia, felix);
		}
		free(x);
		unlink(rec);
	}

	TEST("demo store: asking again does not make it again");
	{
		struct stat a, b;

		stat(tpath("cache/call-0001.ogg"), &a);
		CHECK_INT(audio_call_ensure(st, made_id, NULL, NULL, err, sizeof(err)), 0);
		stat(tpath("cache/call-0001.ogg"), &b);
		CHECK(a.st_ino == b.st_ino && a.st_mtime == b.st_mtime);
	}

	TEST("demo store: a call without a recording says so");
	CHECK_INT(audio_call_ensure(st, none_id, NULL, &path, err, sizeof(err)), 1);
	CHECK_STR(err, "call call-0002 has no recording");
	CHECK(path == NULL);

	TEST("demo store: an unreadable recording is reported and marked unusable");
	CHECK_INT(audio_call_ensure(st, junk_id, NULL, NULL, err, sizeof(err)), 1);
	CHECK(strstr(err, "call call-0003: ") == err);
	CHECK(strstr(err, "junk.ogg") != NULL);
	CHECK(store_call_get_id(st, junk_id, &c, err, sizeof(err)) == 0 && c);
	if (c)
		CHECK_INT(c->audio_ok, 0);
	store_calls_free(c, c ? 1 : 0);
	c = NULL;

	TEST("preparer: calls queued are made by the worker; statuses say ready / no recording");
	q[0] = put_call(st, "call-0004", tpath("cache/call-0004.ogg"), -1);
	q[1] = put_call(st, "call-0005", tpath("cache/call-0005.ogg"), -1);
	q[2] = none_id;
	q[3] = made_id;
	CHECK(audio_prep_new(db, &prep, err, sizeof(err)) == 0);
	CHECK_INT(audio_prep_status(prep, q[0], why, sizeof(why)), AUDIO_PREP_UNKNOWN);
	audio_prep_add(prep, q, 4);
	rc = audio_prep_status(prep, q[0], NULL, 0);
	CHECK_MSG(rc == AUDIO_PREP_QUEUED || rc == AUDIO_PREP_MAKING || rc == AUDIO_PREP_READY,
		  "%s", audio_prep_status_name(rc));
	CHECK_INT(audio_prep_wait(prep, 60000), 0);
	CHECK_INT(audio_prep_status(prep, q[0], why, sizeof(why)), AUDIO_PREP_READY);
	CHECK_STR(why, "");
	CHECK_INT(audio_prep_status(prep, q[1], NULL, 0), AUDIO_PREP_READY);
	CHECK_INT(audio_prep_status(prep, q[2], why, sizeof(why)), AUDIO_PREP_NONE);
	CHECK_STR(why, "call call-0002 has no recording");
	CHECK_INT(audio_prep_status(prep, q[3], NULL, 0), AUDIO_PREP_READY);
	CHECK(store_call_get_id(st, q[1], &c, err, sizeof(err)) == 0 && c);
	if (c) {
		CHECK_INT(c->audio_ok, 1);
		CHECK(access(c->audio, R_OK) == 0);
	}
	store_calls_free(c, c ? 1 : 0);
	c = NULL;
	CHECK_INT(audio_prep_want(prep, q[0], NULL, 0), AUDIO_PREP_READY);

	TEST("preparer: a wanted call goes first; cancelling leaves no half file");
	q[0] = put_call(st, "call-0006", tpath("cache/call-0006.ogg"), -1);
	q[1] = put_call(st, "call-0007", tpath("cache/call-0007.ogg"), -1);
	q[2] = put_call(st, "call-0008", tpath("cache/call-0008.ogg"), -1);
	audio_prep_add(prep, q, 2);
	rc = audio_prep_want(prep, q[2], NULL, 0);
	CHECK_MSG(rc == AUDIO_PREP_QUEUED || rc == AUDIO_PREP_MAKING, "%s",
		  audio_prep_status_name(rc));
	{
		double t0 = now_ms();

		while (audio_prep_status(prep, q[2], NULL, 0) != AUDIO_PREP_READY &&
		       now_ms() - t0 < 30000)
			sleep_ms(5);
	}
	CHECK_INT(audio_prep_status(prep, q[2], NULL, 0), AUDIO_PREP_READY);
	/* the third asked for came first: at least one of the others is not done yet */
	CHECK(audio_prep_status(prep, q[1], NULL, 0) != AUDIO_PREP_READY ||
	      audio_prep_status(prep, q[0], NULL, 0) != AUDIO_PREP_READY);
	audio_prep_cancel(prep);
	CHECK_INT(audio_prep_wait(prep, 10000), 0);
	CHECK_INT(count_tmp_files(tpath("cache")), 0);
	rc = audio_prep_status(prep, q[1], NULL, 0);
	CHECK_MSG(rc == AUDIO_PREP_UNKNOWN || rc == AUDIO_PREP_READY, "%s",
		  audio_prep_status_name(rc));
	audio_prep_free(prep);
	prep = NULL;

	TEST("make all: every recording not made yet is made, with progress");
	q[0] = put_call(st, "call-0009", tpath("cache/call-0009.ogg"), -1);
	rc = audio_demo_make_all(db, 2, progress_cb, prog, NULL, &made, err, sizeof(err));
	CHECK_MSG(rc == 0, "%s", err);
	CHECK_MSG(made >= 2, "made %zu", made);
	CHECK_INT(prog[1], prog[2]);
	/* a start and the end at least; recordings two threads finish together may be
	 * reported at once */
	CHECK_MSG(prog[0] >= 2 && prog[0] <= prog[2] + 1, "%zu reports of %zu", prog[0], prog[2]);
	CHECK(store_call_get_id(st, q[0], &c, err, sizeof(err)) == 0 && c);
	if (c)
		CHECK_INT(c->audio_ok, 1);
	store_calls_free(c, c ? 1 : 0);
	c = NULL;
	rc = audio_demo_make_all(db, 2, progress_cb, prog, NULL, &made, err, sizeof(err));
	CHECK_INT(rc, 0);
	CHECK_INT(made, 0);
	CHECK_INT(prog[2], 0);

	TEST("preparer: freeing it while it works stops the worker");
	q[0] = put_call(st, "call-0010", tpath("cache/call-0010.ogg"), -1);
	CHECK(audio_prep_new(db, &prep, err, sizeof(err)) == 0);
	audio_prep_add(prep, q, 1);
	audio_prep_free(prep);
	CHECK_INT(count_tmp_files(tpath("cache")), 0);
	store_close(st);
}

/* ---------------------------------------------------------------- main */

/* ---------------------------------------------------------------- damaged recordings */

/* Bytes in f from offset on (f: a file fd 2 was pointed at). */
static long grew(const char *f, long from)
{
	long n = file_size(f);

	return n > from ? n - from : 0;
}

static void test_damaged(void)
{
	const char *mp3 = tpath("damaged.mp3"), *errf_ = tpath("stderr.txt");
	const char *cap = tpath("capture-damaged.raw");
	struct audio_region r = { 9500, 10500, 2000, 1000, AUDIO_MIX };
	struct audio_snippet *s = NULL;
	struct audio_snapshot sn;
	struct audio_play req = { mp3, 7500, 11500, 9500, 10500, AUDIO_MIX };
	size_t frames = 32000 * 20, i;
	int16_t *x = make_signal(frames, 1, 32000, 0, 5);
	char err[512];
	audio_player *p;
	FILE *f;
	long size;
	int saved, fd, rc, got;

	TEST("damaged mp3: cutting or playing its damaged part prints nothing over the screen "
	     "and fails with its path");
	CHECK(write_audio(mp3, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 32000, 1, x, frames) == 0);
	free(x);
	size = file_size(mp3);
	f = fopen(mp3, "r+b");
	CHECK(f != NULL && size > 40000);
	if (!f)
		return;
	/* garble a stretch in the middle: libmpg123 says "Illegal Audio-MPEG-Header" */
	fseek(f, size / 2, SEEK_SET);
	for (i = 0; i < 8000; i++)
		fputc(0x55, f);
	fclose(f);

	p = new_player(NULL, 0, &rc);
	setenv("APP_AUDIO_CAPTURE", cap, 1);
	fflush(stderr);
	saved = dup(2);
	fd = open(errf_, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 2);
	close(fd);
	got = audio_snippet_read(mp3, &r, &s, err, sizeof(err));
	if (rc == 0 && audio_player_play(p, &req, err, sizeof(err)) == 0)
		audio_player_wait(p, 10000);
	audio_player_snapshot(p, &sn);
	audio_player_free(p);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);

	CHECK_INT(got, -1);
	CHECK(s == NULL);
	CHECK_MSG(strstr(err, mp3) == err, "%s", err);
	CHECK_INT(rc, 0);
	CHECK_STR(audio_state_name(sn.state), "failed");
	CHECK_MSG(strstr(sn.error, mp3) == sn.error, "%s", sn.error);
	CHECK_MSG(grew(errf_, 0) == 0, "%ld bytes went to stderr", grew(errf_, 0));
	audio_snippet_free(s);

	TEST("cut-short flac: playing past where it stops says the recording is damaged or cut "
	     "short there, not 'No Error.'");
	{
		const char *flac = tpath("cut.flac"), *cut = tpath("cut-short.flac");
		char *buf;
		long n;

		x = make_signal(16000 * 20, 1, 16000, 0, 6);
		CHECK(write_audio(flac, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1, x,
				  16000 * 20) == 0);
		free(x);
		n = file_size(flac);
		buf = malloc((size_t)n);
		f = fopen(flac, "rb");
		CHECK(f && fread(buf, 1, (size_t)n, f) == (size_t)n);
		if (f)
			fclose(f);
		/* the header still says 20 s; the data stops about halfway */
		f = fopen(cut, "wb");
		CHECK(f && fwrite(buf, 1, (size_t)n / 2, f) == (size_t)n / 2);
		if (f)
			fclose(f);
		free(buf);
		p = new_player(NULL, 0, &rc);
		CHECK_INT(rc, 0);
		req = (struct audio_play){ cut, 0, -1, -1, -1, AUDIO_MIX };
		if (rc == 0 && audio_player_play(p, &req, err, sizeof(err)) == 0)
			audio_player_wait(p, 10000);
		audio_player_snapshot(p, &sn);
		audio_player_free(p);
		CHECK_STR(audio_state_name(sn.state), "failed");
		CHECK_MSG(strstr(sn.error, "No Error") == NULL, "%s", sn.error);
		CHECK_MSG(strstr(sn.error, cut) == sn.error &&
			  strstr(sn.error, "the recording is damaged or cut short there"), "%s",
			  sn.error);
	}

	TEST("damaged mp3: stderr works again afterwards");
	fflush(stderr);
	saved = dup(2);
	fd = open(errf_, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 2);
	close(fd);
	fputs("still here\n", stderr);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	CHECK_INT(grew(errf_, 0), 11);
}

int main(void)
{
	char conf[PATH_MAX];
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test-audio.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror(tmpdir);
		return 1;
	}
	setenv("TMPDIR", tmpdir, 1);
	/* before anything starts ALSA: a machine without a sound card */
	test_no_sound_card();
	if (!getenv("ALSA_CONFIG_PATH") && realpath("tests/asound.conf", conf))
		setenv("ALSA_CONFIG_PATH", conf, 1);
	unsetenv("APP_AUDIO_SLAVE");

	test_formats();
	test_snippet_errors();
	test_export();
	test_no_device();
	test_playback();
	test_damaged();
	test_paced();
	test_demo_render();
	test_demo_store();

	stop_jack();
	rm_rf(tmpdir);
	free_paths();
	return test_report("audio");
}
