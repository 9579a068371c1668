/* Benchmark: key press to first sample handed to the audio device, for a snippet in the
 * middle of a 60-minute Ogg Vorbis recording.
 *
 * usage: bench_audio [--runs N] [--file PATH] [--device NAME]
 *
 * The recording (16 kHz mono, speech-like bursts) is made once at PATH (default
 * build/bench-audio-60min.ogg) and reused. Without ALSA_CONFIG_PATH in the environment
 * the capture configuration of the tests is used (tests/asound.conf, capture to
 * /dev/null), so the figure is the app's own work: opening and seeking the recording,
 * starting the player thread, opening the device, the first write. Prints
 * "audio: first sample after N ms (median of R)" and the spread. */
#include "audio.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sndfile.h>

#define RATE 16000
#define MINUTES 60

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Speech-like: bursts of filtered noise and a wandering tone, with pauses. */
static int make_recording(const char *path)
{
	int64_t total = (int64_t)MINUTES * 60 * RATE, done = 0;
	SF_INFO info = { 0 };
	SNDFILE *f;
	int16_t buf[4096];
	uint32_t r = 12345;
	double lp = 0, phase = 0;
	char tmp[PATH_MAX];
	double q = 0.3;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	info.samplerate = RATE;
	info.channels = 1;
	info.format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
	f = sf_open(tmp, SFM_WRITE, &info);
	if (!f) {
		fprintf(stderr, "bench_audio: %s: %s\n", tmp, sf_strerror(NULL));
		return -1;
	}
	sf_command(f, SFC_SET_VBR_ENCODING_QUALITY, &q, sizeof(q));
	while (done < total) {
		int n = total - done < 4096 ? (int)(total - done) : 4096, i;

		for (i = 0; i < n; i++) {
			int64_t k = done + i;
			double t = (double)k / RATE;
			double env = fmod(t, 3.7) < 2.9 ? 0.5 + 0.5 * sin(2 * M_PI * 3.1 * t) : 0;

			r = r * 1664525u + 1013904223u;
			lp = 0.7 * lp + 0.3 * ((double)(r >> 8) / (1 << 24) - 0.5);
			phase += 2 * M_PI * (140 + 40 * sin(2 * M_PI * 0.3 * t)) / RATE;
			buf[i] = (int16_t)lrint(32767 * env * (0.25 * sin(phase) + 0.4 * lp));
		}
		if (sf_writef_short(f, buf, n) != n) {
			fprintf(stderr, "bench_audio: %s: %s\n", tmp, sf_strerror(f));
			sf_close(f);
			unlink(tmp);
			return -1;
		}
		done += n;
	}
	if (sf_close(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "bench_audio: %s: cannot finish it\n", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *file = "build/bench-audio-60min.ogg", *device = NULL;
	struct audio_player_options o = { 0 };
	struct audio_snapshot sn;
	audio_player *p;
	char err[512], conf[PATH_MAX];
	double *lat, *seen, t0;
	int64_t ms = 0;
	int runs = 20, i, ok = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--file") && i + 1 < argc)
			file = argv[++i];
		else if (!strcmp(argv[i], "--device") && i + 1 < argc)
			device = argv[++i];
		else {
			fprintf(stderr, "usage: bench_audio [--runs N] [--file PATH] "
				"[--device NAME]\n");
			return 2;
		}
	}
	if (runs < 1)
		runs = 1;
	if (!getenv("ALSA_CONFIG_PATH") && realpath("tests/asound.conf", conf)) {
		setenv("ALSA_CONFIG_PATH", conf, 1);
		setenv("APP_AUDIO_CAPTURE", "/dev/null", 1);
	}
	if (audio_probe(file, &ms, err, sizeof(err)) != 0 || ms < (int64_t)MINUTES * 60000) {
		char *slash = strrchr(file, '/');

		fprintf(stderr, "bench_audio: making a %d-minute Ogg Vorbis recording at %s\n",
			MINUTES, file);
		if (slash) {
			char dir[PATH_MAX];

			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
			mkdir(dir, 0777);
		}
		if (make_recording(file) != 0)
			return 1;
	}
	o.device = device;
	if (audio_player_new(&o, &p, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_audio: %s\n", err);
		audio_player_free(p);
		return 1;
	}
	lat = calloc((size_t)runs, sizeof(double));
	seen = calloc((size_t)runs, sizeof(double));
	srand(7);
	for (i = 0; i < runs; i++) {
		/* a sentence somewhere in minutes 25..35, with the default lead-in/out */
		int64_t start = 25 * 60000 + (int64_t)(rand() % (10 * 60000));
		struct audio_play req = { file, start - 2000, start + 3000 + 1000, start,
					  start + 3000, AUDIO_MIX };

		t0 = now_ms();
		if (audio_player_play(p, &req, err, sizeof(err)) != 0) {
			fprintf(stderr, "bench_audio: %s\n", err);
			break;
		}
		for (;;) {
			audio_player_snapshot(p, &sn);
			if (sn.first_sample_ms >= 0 || sn.state == AUDIO_FAILED)
				break;
			if (now_ms() - t0 > 5000)
				break;
			usleep(100);
		}
		if (sn.state == AUDIO_FAILED || sn.first_sample_ms < 0) {
			fprintf(stderr, "bench_audio: %s\n", sn.error[0] ? sn.error : "no sample");
			break;
		}
		lat[ok] = sn.first_sample_ms;
		seen[ok] = now_ms() - t0;
		ok++;
		audio_player_stop(p);
		audio_player_wait(p, -1);
	}
	audio_player_free(p);
	if (ok == 0) {
		free(lat);
		free(seen);
		return 1;
	}
	qsort(lat, (size_t)ok, sizeof(double), cmp_double);
	qsort(seen, (size_t)ok, sizeof(double), cmp_double);
	printf("audio: first sample after %.1f ms (median of %d)\n", lat[ok / 2], ok);
	printf("audio: min %.1f ms, max %.1f ms; seen by the caller after %.1f ms (median); "
	       "goal under 150 ms; %d-minute Ogg Vorbis, snippets at minutes 25-35\n",
	       lat[0], lat[ok - 1], seen[ok / 2], MINUTES);
	free(lat);
	free(seen);
	return 0;
}
