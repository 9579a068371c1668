/* Playback: a player thread reads the recording, time-stretches (Rubber Band) and
 * resamples (libsamplerate) when it must, and hands 16-bit frames to a blocking PortAudio
 * stream. The screen only posts requests and copies a snapshot; nothing here waits on the
 * device in the caller's thread. */
#include "audio.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <alsa/asoundlib.h>
#include <jack/jack.h>
#include <portaudio.h>
#include <rubberband/rubberband-c.h>
#include <samplerate.h>
#include <sndfile.h>

#include "internal.h"
#include "xmalloc.h"

/* Each blocking write holds this much audio, so requests are seen within about it. */
#define CHUNK_MS 20

struct audio_player {
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* to the player thread: a request came */
	pthread_cond_t gone;		/* to waiters: the player thread finished */
	pthread_t thread;
	int thread_alive;		/* the thread runs and will look at requests */
	int thread_joinable;		/* a thread handle to join */

	/* requests, under lock */
	int req_play;			/* req holds a play request not taken yet */
	struct audio_play req;		/* path owned */
	struct timespec req_time;	/* when it was asked */
	int req_stop;			/* stop the snippet being played */
	int req_pause;			/* the wanted paused state */
	int64_t req_seek_ms;		/* seeks not applied yet, summed */
	double speed;

	struct audio_snapshot snap;	/* published, under lock */

	/* fixed once made */
	int pa_up;			/* Pa_Terminate is due */
	PaDeviceIndex device;
	int opt_rate;
	double latency;
};

/* One snippet being played, owned by the player thread. */
struct session {
	audio_player *p;
	unsigned serial;
	struct audio_play req;		/* path owned */
	struct timespec t0;
	SNDFILE *f;
	SF_INFO info;
	int64_t from, to, pos;		/* frames of the recording */
	int out_rate, out_channels;
	PaStream *stream;
	int started;			/* the stream runs */
	int paused;
	double speed;
	RubberBandState rb;
	long rb_discard;		/* output frames still to drop after a (re)start */
	double rb_expected;		/* output frames the input fed since then should give */
	double rb_out;			/* output frames handed on since then */
	SRC_STATE *src;
	double src_ratio;
	size_t chunk;			/* frames read at a time */
	int16_t *in, *scratch, *out, *conv;
	float *fin, *frb, *fsrc;
	size_t out_cap, conv_cap, frb_cap, fsrc_cap;
	signed long capacity;		/* frames the device buffer holds */
	int flushed;			/* the stretcher and resampler were flushed */
	int wrote;			/* the first samples went out */
};

enum { GO = 0, END_STOP, END_REPLACED, END_FAILED };

/* ---------------------------------------------------------------- helpers */

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void set_error_locked(audio_player *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error_locked(audio_player *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->snap.error, sizeof(p->snap.error), fmt, ap);
	va_end(ap);
	p->snap.error_serial++;
}

static void update_in_mark_locked(audio_player *p)
{
	struct audio_snapshot *s = &p->snap;

	s->in_mark = s->mark_start_ms >= 0 && s->mark_end_ms >= s->mark_start_ms &&
		     s->pos_ms >= s->mark_start_ms && s->pos_ms < s->mark_end_ms;
}

const char *audio_state_name(int state)
{
	switch (state) {
	case AUDIO_IDLE: return "idle";
	case AUDIO_STARTING: return "starting";
	case AUDIO_PLAYING: return "playing";
	case AUDIO_PAUSED: return "paused";
	case AUDIO_DONE: return "done";
	case AUDIO_FAILED: return "failed";
	case AUDIO_NO_DEVICE: return "no device";
	}
	return "?";
}

/* ---------------------------------------------------------------- quiet start */

static void alsa_quiet(const char *file, int line, const char *function, int err,
		       const char *fmt, ...)
{
	(void)file; (void)line; (void)function; (void)err; (void)fmt;
}

static void jack_quiet(const char *msg)
{
	(void)msg;
}

/* ALSA and JACK print a screenful while PortAudio probes them, more when a stream fails to
 * open: route their messages nowhere, and keep stderr shut while PortAudio starts (some
 * lines come from places the handlers do not cover). */
static PaError quiet_initialize(void)
{
	PaError e;

	snd_lib_error_set_handler(alsa_quiet);
	jack_set_error_function(jack_quiet);
	jack_set_info_function(jack_quiet);
	audio_quiet_begin();
	e = Pa_Initialize();
	audio_quiet_end();
	/* PortAudio's JACK host sets its own handlers: ours again */
	jack_set_error_function(jack_quiet);
	jack_set_info_function(jack_quiet);
	return e;
}

/* ---------------------------------------------------------------- the player */

static PaDeviceIndex find_device(const char *name)
{
	PaDeviceIndex i, n = Pa_GetDeviceCount();

	if (!name || !*name || strcmp(name, "default") == 0)
		return Pa_GetDefaultOutputDevice();
	for (i = 0; i < n; i++) {
		const PaDeviceInfo *d = Pa_GetDeviceInfo(i);

		if (d && d->maxOutputChannels > 0 && strcmp(d->name, name) == 0)
			return i;
	}
	for (i = 0; i < n; i++) {
		const PaDeviceInfo *d = Pa_GetDeviceInfo(i);

		if (d && d->maxOutputChannels > 0 && strstr(d->name, name))
			return i;
	}
	return paNoDevice;
}

int audio_player_new(const struct audio_player_options *o, audio_player **out,
		     char *err, size_t errlen)
{
	audio_player *p = xcalloc(1, sizeof(*p));
	const char *name = o ? o->device : NULL;
	PaError e;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	pthread_cond_init(&p->gone, NULL);
	p->speed = 1.0;
	p->device = paNoDevice;
	p->opt_rate = o && o->rate > 0 ? o->rate : 0;
	p->latency = o && o->latency > 0 ? o->latency : 0;
	p->snap.state = AUDIO_IDLE;
	p->snap.speed = 1.0;
	p->snap.mark_start_ms = p->snap.mark_end_ms = -1;
	p->snap.first_sample_ms = -1;
	*out = p;

	e = quiet_initialize();
	if (e != paNoError) {
		p->snap.state = AUDIO_NO_DEVICE;
		set_error_locked(p, "no sound: PortAudio cannot start (%s)", Pa_GetErrorText(e));
		return errf(err, errlen, "%s", p->snap.error), 1;
	}
	p->pa_up = 1;
	p->device = find_device(name);
	if (p->device == paNoDevice) {
		p->snap.state = AUDIO_NO_DEVICE;
		if (name && *name && strcmp(name, "default") != 0)
			set_error_locked(p, "no sound: there is no output device named '%s'", name);
		else
			set_error_locked(p, "no sound: this machine has no audio output device");
		Pa_Terminate();
		p->pa_up = 0;
		errf(err, errlen, "%s", p->snap.error);
		return 1;
	}
	return 0;
}

static void join_locked(audio_player *p)
{
	if (p->thread_joinable && !p->thread_alive) {
		pthread_join(p->thread, NULL);
		p->thread_joinable = 0;
	}
}

int audio_player_wait(audio_player *p, int timeout_ms)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	if (timeout_ms >= 0) {
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&p->lock);
	while (p->thread_alive) {
		if (timeout_ms < 0) {
			pthread_cond_wait(&p->gone, &p->lock);
		} else if (pthread_cond_timedwait(&p->gone, &p->lock, &until) == ETIMEDOUT) {
			rc = p->thread_alive ? 1 : 0;
			break;
		}
	}
	if (!rc)
		join_locked(p);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void audio_player_free(audio_player *p)
{
	if (!p)
		return;
	audio_player_stop(p);
	audio_player_wait(p, -1);
	if (p->pa_up)
		Pa_Terminate();
	free((char *)p->req.path);
	pthread_cond_destroy(&p->gone);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static void *player_main(void *arg);

int audio_player_play(audio_player *p, const struct audio_play *req, char *err, size_t errlen)
{
	int rc = 0;

	if (!req || !req->path || !*req->path)
		return errf(err, errlen, "nothing to play: no recording path");
	if (req->to_ms >= 0 && req->to_ms < req->from_ms)
		return errf(err, errlen, "%s: span ends (%lld ms) before it starts (%lld ms)",
			    req->path, (long long)req->to_ms, (long long)req->from_ms);
	pthread_mutex_lock(&p->lock);
	if (p->snap.state == AUDIO_NO_DEVICE) {
		errf(err, errlen, "%s", p->snap.error);
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	free((char *)p->req.path);
	p->req = *req;
	p->req.path = xstrdup(req->path);
	clock_gettime(CLOCK_MONOTONIC, &p->req_time);
	p->req_play = 1;
	p->req_stop = 0;
	p->req_pause = 0;
	p->req_seek_ms = 0;
	p->snap.serial++;
	p->snap.state = AUDIO_STARTING;
	p->snap.from_ms = req->from_ms > 0 ? req->from_ms : 0;
	p->snap.to_ms = req->to_ms;
	p->snap.pos_ms = p->snap.from_ms;
	p->snap.mark_start_ms = req->mark_start_ms;
	p->snap.mark_end_ms = req->mark_end_ms;
	p->snap.file_rate = p->snap.device_rate = 0;
	p->snap.first_sample_ms = -1;
	update_in_mark_locked(p);
	if (!p->thread_alive) {
		join_locked(p);
		if (pthread_create(&p->thread, NULL, player_main, p) != 0) {
			p->req_play = 0;
			p->snap.state = AUDIO_FAILED;
			set_error_locked(p, "cannot start the player thread: %s", strerror(errno));
			errf(err, errlen, "%s", p->snap.error);
			rc = -1;
		} else {
			p->thread_alive = 1;
			p->thread_joinable = 1;
		}
	} else {
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void audio_player_pause(audio_player *p, int on)
{
	pthread_mutex_lock(&p->lock);
	if (p->snap.state == AUDIO_PLAYING || p->snap.state == AUDIO_PAUSED ||
	    p->snap.state == AUDIO_STARTING) {
		p->req_pause = on ? 1 : 0;
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
}

void audio_player_toggle_pause(audio_player *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->snap.state == AUDIO_PLAYING || p->snap.state == AUDIO_PAUSED ||
	    p->snap.state == AUDIO_STARTING) {
		p->req_pause = !p->req_pause;
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
}

void audio_player_seek(audio_player *p, int64_t delta_ms)
{
	pthread_mutex_lock(&p->lock);
	if (p->snap.state == AUDIO_PLAYING || p->snap.state == AUDIO_PAUSED ||
	    p->snap.state == AUDIO_STARTING) {
		p->req_seek_ms += delta_ms;
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
}

void audio_player_stop(audio_player *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->snap.state != AUDIO_NO_DEVICE) {
		if (p->req_play) {
			free((char *)p->req.path);
			p->req.path = NULL;
			p->req_play = 0;
		}
		p->req_stop = 1;
		p->req_pause = 0;
		if (p->snap.state == AUDIO_STARTING || p->snap.state == AUDIO_PLAYING ||
		    p->snap.state == AUDIO_PAUSED)
			p->snap.state = AUDIO_IDLE;
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
}

double audio_player_set_speed(audio_player *p, double speed)
{
	if (!(speed >= AUDIO_SPEED_MIN))	/* NaN too */
		speed = AUDIO_SPEED_MIN;
	if (speed > AUDIO_SPEED_MAX)
		speed = AUDIO_SPEED_MAX;
	pthread_mutex_lock(&p->lock);
	p->speed = speed;
	p->snap.speed = speed;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	return speed;
}

double audio_player_step_speed(audio_player *p, int dir)
{
	double s;

	pthread_mutex_lock(&p->lock);
	s = p->speed;
	pthread_mutex_unlock(&p->lock);
	/* snap to the grid of steps so that repeated steps land on 0.75, 1, 1.25, 1.5 */
	s = round(s / AUDIO_SPEED_STEP) * AUDIO_SPEED_STEP + (dir < 0 ? -1 : dir > 0 ? 1 : 0) *
	    AUDIO_SPEED_STEP;
	return audio_player_set_speed(p, s);
}

void audio_player_snapshot(audio_player *p, struct audio_snapshot *out)
{
	pthread_mutex_lock(&p->lock);
	*out = p->snap;
	pthread_mutex_unlock(&p->lock);
}

/* ---------------------------------------------------------------- the player thread */

/* Whether the session is still the one asked for; a stop or a newer play ends it. */
static int session_gone_locked(struct session *s)
{
	audio_player *p = s->p;

	if (p->snap.serial != s->serial)
		return END_REPLACED;
	if (p->req_stop)
		return END_STOP;
	return GO;
}

static int session_fail(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int session_fail(struct session *s, const char *fmt, ...)
{
	audio_player *p = s->p;
	char msg[sizeof(p->snap.error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&p->lock);
	if (session_gone_locked(s) == GO) {
		p->snap.state = AUDIO_FAILED;
		snprintf(p->snap.error, sizeof(p->snap.error), "%s", msg);
		p->snap.error_serial++;
	}
	pthread_mutex_unlock(&p->lock);
	return END_FAILED;
}

static void publish_pos(struct session *s)
{
	audio_player *p = s->p;

	pthread_mutex_lock(&p->lock);
	if (session_gone_locked(s) == GO) {
		p->snap.pos_ms = audio_ms_of(s->pos, s->info.samplerate);
		update_in_mark_locked(p);
	}
	pthread_mutex_unlock(&p->lock);
}

static float *grow_f(float *b, size_t *cap, size_t need)
{
	if (need > *cap) {
		*cap = need * 2;
		b = xrealloc(b, *cap * sizeof(float));
	}
	return b;
}

static int write_s16(struct session *s, const int16_t *x, size_t n)
{
	const int16_t *buf = x;
	PaError e;
	size_t i;

	if (n == 0)
		return GO;
	if (s->out_channels == 2) {
		if (2 * n > s->out_cap) {
			s->out_cap = 4 * n;
			s->out = xrealloc(s->out, s->out_cap * sizeof(int16_t));
		}
		for (i = 0; i < n; i++)
			s->out[2 * i] = s->out[2 * i + 1] = x[i];
		buf = s->out;
	}
	e = Pa_WriteStream(s->stream, buf, (unsigned long)n);
	if (e != paNoError && e != paOutputUnderflowed)
		return session_fail(s, "audio output: %s", Pa_GetErrorText(e));
	if (!s->wrote) {
		audio_player *p = s->p;

		s->wrote = 1;
		pthread_mutex_lock(&p->lock);
		if (session_gone_locked(s) == GO)
			p->snap.first_sample_ms = elapsed_ms(&s->t0);
		pthread_mutex_unlock(&p->lock);
	}
	return GO;
}

static int write_f(struct session *s, const float *x, size_t n)
{
	size_t i;

	if (n > s->conv_cap) {
		s->conv_cap = 2 * n;
		s->conv = xrealloc(s->conv, s->conv_cap * sizeof(int16_t));
	}
	for (i = 0; i < n; i++)
		s->conv[i] = audio_f2s(x[i]);
	return write_s16(s, s->conv, n);
}

/* Resamples (when the device rate differs) and writes float frames. */
static int resample_write(struct session *s, const float *x, size_t n, int final)
{
	static const float none[1];
	SRC_DATA d;
	int rc;

	if (!s->src)
		return write_f(s, x, n);
	memset(&d, 0, sizeof(d));
	d.src_ratio = s->src_ratio;
	d.end_of_input = final;
	d.data_in = x ? x : none;	/* libsamplerate wants a pointer even for nothing */
	d.input_frames = (long)n;
	for (;;) {
		size_t cap = (size_t)(n * s->src_ratio) + 256;

		s->fsrc = grow_f(s->fsrc, &s->fsrc_cap, cap);
		d.data_out = s->fsrc;
		d.output_frames = (long)s->fsrc_cap;
		if (src_process(s->src, &d) != 0)
			return session_fail(s, "resampling: %s", src_strerror(src_error(s->src)));
		rc = write_f(s, s->fsrc, (size_t)d.output_frames_gen);
		if (rc != GO)
			return rc;
		d.data_in += d.input_frames_used;
		d.input_frames -= d.input_frames_used;
		if (d.input_frames <= 0 && (!final || d.output_frames_gen == 0))
			break;
	}
	return GO;
}

static int stretch_drain(struct session *s, int final)
{
	int avail, rc;

	while ((avail = rubberband_available(s->rb)) > 0) {
		unsigned got;
		float *out;

		s->frb = grow_f(s->frb, &s->frb_cap, (size_t)avail);
		out = s->frb;
		got = rubberband_retrieve(s->rb, &out, (unsigned)avail);
		if (s->rb_discard > 0) {
			long drop = (long)got < s->rb_discard ? (long)got : s->rb_discard;

			s->rb_discard -= drop;
			out += drop;
			got -= (unsigned)drop;
		}
		/* the flush pads the end: hand on no more than the input stretched */
		if (s->rb_out + got > floor(s->rb_expected + 0.5))
			got = s->rb_out >= floor(s->rb_expected + 0.5) ? 0 :
			      (unsigned)(floor(s->rb_expected + 0.5) - s->rb_out);
		s->rb_out += got;
		rc = resample_write(s, out, got, 0);
		if (rc != GO)
			return rc;
	}
	return final ? resample_write(s, NULL, 0, 1) : GO;
}

/* Feeds Rubber Band what comes before frame `at` (silence before the recording's start),
 * as it asks for, so its output starts aligned on `at`. */
static void stretch_preroll(struct session *s, int64_t at)
{
	unsigned pad = rubberband_get_preferred_start_pad(s->rb);
	int64_t real = at < (int64_t)pad ? at : (int64_t)pad;
	size_t zeros = pad - (size_t)real, i;
	float *in;

	while (zeros > 0) {
		size_t n = zeros < s->chunk ? zeros : s->chunk;

		memset(s->fin, 0, n * sizeof(float));
		in = s->fin;
		rubberband_process(s->rb, (const float *const *)&in, (unsigned)n, 0);
		zeros -= n;
	}
	if (real > 0 && audio_sf_seek(s->f, at - real) == at - real) {
		while (real > 0) {
			size_t n = real < (int64_t)s->chunk ? (size_t)real : s->chunk;
			sf_count_t got = audio_read_mono(s->f, s->info.channels, s->req.channel,
							 s->in, (sf_count_t)n, s->scratch);

			if (got <= 0)
				break;
			for (i = 0; i < (size_t)got; i++)
				s->fin[i] = s->in[i] / 32768.0f;
			in = s->fin;
			rubberband_process(s->rb, (const float *const *)&in, (unsigned)got, 0);
			real -= got;
		}
	}
	audio_sf_seek(s->f, at);
	s->rb_discard = (long)rubberband_get_start_delay(s->rb);
	s->rb_expected = 0;
	s->rb_out = 0;
	/* what the preroll produced is all before `at` */
	while (rubberband_available(s->rb) > 0 && s->rb_discard > 0) {
		int avail = rubberband_available(s->rb);
		unsigned n = (unsigned)(avail < s->rb_discard ? avail : s->rb_discard);
		float *out;

		s->frb = grow_f(s->frb, &s->frb_cap, n);
		out = s->frb;
		n = rubberband_retrieve(s->rb, &out, n);
		s->rb_discard -= (long)n;
	}
}

static void stretch_start(struct session *s)
{
	s->rb = rubberband_new((unsigned)s->info.samplerate, 1,
			       RubberBandOptionProcessRealTime | RubberBandOptionEngineFiner |
			       RubberBandOptionWindowShort | RubberBandOptionThreadingNever,
			       1.0 / s->speed, 1.0);
	rubberband_set_max_process_size(s->rb, (unsigned)s->chunk);
	stretch_preroll(s, s->pos);
}

/* Hands n frames read from the recording to the device, through the stretcher and the
 * resampler when they are in use. */
static int process(struct session *s, size_t n, int final)
{
	size_t i;
	float *in;

	if (final)
		s->flushed = 1;
	if (!s->rb && !s->src)
		return write_s16(s, s->in, n);
	for (i = 0; i < n; i++)
		s->fin[i] = s->in[i] / 32768.0f;
	if (!s->rb)
		return resample_write(s, s->fin, n, final);
	in = s->fin;
	rubberband_process(s->rb, (const float *const *)&in, (unsigned)n, final);
	s->rb_expected += n / s->speed;
	return stretch_drain(s, final);
}

static void apply_seek(struct session *s, int64_t delta_ms)
{
	int64_t target = s->pos + delta_ms * s->info.samplerate / 1000;

	if (target < s->from)
		target = s->from;
	if (target > s->to)
		target = s->to;
	if (target == s->pos)
		return;
	if (audio_sf_seek(s->f, target) != target)
		return;
	s->pos = target;
	if (s->src)
		src_reset(s->src);
	if (s->rb) {
		rubberband_reset(s->rb);
		stretch_preroll(s, s->pos);
	}
	publish_pos(s);
}

/* Lets what the device holds play out, giving up early when the session ends; then stops
 * the stream (which waits for the last period). */
static int drain(struct session *s)
{
	audio_player *p = s->p;
	struct timespec until;
	int rc, i;

	for (i = 0; i < 400; i++) {
		signed long avail = Pa_GetStreamWriteAvailable(s->stream);

		if (avail < 0 || avail + s->capacity / 4 >= s->capacity)
			break;
		pthread_mutex_lock(&p->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 5 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		rc = session_gone_locked(s);
		if (rc == GO)
			pthread_cond_timedwait(&p->wake, &p->lock, &until);
		rc = session_gone_locked(s);
		pthread_mutex_unlock(&p->lock);
		if (rc != GO)
			return rc;
	}
	Pa_StopStream(s->stream);
	s->started = 0;
	return GO;
}

/* Looks at the requests: pause, seek, speed. Returns GO, or why the session ends. */
static int poll_requests(struct session *s)
{
	audio_player *p = s->p;
	int rc, want_pause;
	int64_t seek;
	double speed;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		rc = session_gone_locked(s);
		want_pause = p->req_pause;
		seek = p->req_seek_ms;
		p->req_seek_ms = 0;
		speed = p->speed;
		if (rc == GO && want_pause && s->paused) {
			/* paused: sleep until something is asked */
			if (seek == 0)
				pthread_cond_wait(&p->wake, &p->lock);
			pthread_mutex_unlock(&p->lock);
			if (seek)
				apply_seek(s, seek);
			continue;
		}
		if (rc == GO && !want_pause && s->paused) {
			p->snap.state = AUDIO_PLAYING;
			s->paused = 0;
			pthread_mutex_unlock(&p->lock);
			if (!s->started) {
				PaError e = Pa_StartStream(s->stream);

				if (e != paNoError)
					return session_fail(s, "audio output: %s", Pa_GetErrorText(e));
				s->started = 1;
			}
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		if (rc != GO)
			return rc;
		if (seek)
			apply_seek(s, seek);
		if (speed != s->speed) {
			s->speed = speed;
			if (s->rb)
				rubberband_set_time_ratio(s->rb, 1.0 / speed);
			else
				stretch_start(s);
		}
		if (want_pause && !s->paused) {
			/* what the device holds plays out: nothing is lost or repeated */
			if (s->started) {
				Pa_StopStream(s->stream);
				s->started = 0;
			}
			s->paused = 1;
			pthread_mutex_lock(&p->lock);
			if (session_gone_locked(s) == GO)
				p->snap.state = AUDIO_PAUSED;
			pthread_mutex_unlock(&p->lock);
			continue;
		}
		return GO;
	}
}

/* Opens the output stream: at the recording's rate when the device takes it (else at the
 * device's own rate), mono when it can (else two channels). Opening is tried directly:
 * asking first (Pa_IsFormatSupported) opens the device once more, which costs as much. */
static int open_stream(struct session *s)
{
	audio_player *p = s->p;
	const PaDeviceInfo *d = Pa_GetDeviceInfo(p->device);
	PaStreamParameters op;
	PaError e = paNoError;
	int rates[2], nrates = 0, i, ch;

	if (!d)
		return session_fail(s, "audio output: the device is gone");
	memset(&op, 0, sizeof(op));
	op.device = p->device;
	op.sampleFormat = paInt16;
	op.suggestedLatency = p->latency > 0 ? p->latency : d->defaultLowOutputLatency;
	if (op.suggestedLatency < 0.05)
		op.suggestedLatency = 0.05;
	if (p->opt_rate > 0) {
		rates[nrates++] = p->opt_rate;
	} else {
		rates[nrates++] = s->info.samplerate;
		if ((int)d->defaultSampleRate != s->info.samplerate)
			rates[nrates++] = (int)d->defaultSampleRate;
	}
	for (i = 0; i < nrates; i++) {
		for (ch = 1; ch <= 2 && ch <= d->maxOutputChannels; ch++) {
			op.channelCount = ch;
			e = Pa_OpenStream(&s->stream, NULL, &op, rates[i],
					  paFramesPerBufferUnspecified, paClipOff | paDitherOff,
					  NULL, NULL);
			if (e == paNoError) {
				s->out_rate = rates[i];
				s->out_channels = ch;
				return GO;
			}
			s->stream = NULL;
		}
	}
	return session_fail(s, "audio output: cannot open %s at %d Hz: %s", d->name, rates[0],
			    Pa_GetErrorText(e));
}

static int session_open(struct session *s)
{
	audio_player *p = s->p;
	PaError e;
	int rc, err;

	s->f = audio_sf_open_read(s->req.path, &s->info);
	if (!s->f) {
		char why[sizeof(p->snap.error)];

		audio_open_error(s->req.path, why, sizeof(why));
		return session_fail(s, "%s", why);
	}
	if (s->req.channel >= s->info.channels)
		return session_fail(s, "%s: has no channel %d", s->req.path, s->req.channel + 1);
	s->from = audio_frame_of(s->req.from_ms, s->info.samplerate);
	s->to = s->req.to_ms < 0 ? s->info.frames : audio_frame_of(s->req.to_ms, s->info.samplerate);
	if (s->to > s->info.frames)
		s->to = s->info.frames;
	if (s->from >= s->to)
		return session_fail(s, "%s: nothing to play at %lld ms (the recording is %lld ms)",
				    s->req.path, (long long)s->req.from_ms,
				    (long long)audio_ms_of(s->info.frames, s->info.samplerate));
	if (audio_sf_seek(s->f, s->from) != s->from)
		return session_fail(s, "%s: cannot seek to %lld ms", s->req.path,
				    (long long)s->req.from_ms);
	s->pos = s->from;
	s->chunk = (size_t)s->info.samplerate * CHUNK_MS / 1000;
	if (s->chunk < 64)
		s->chunk = 64;
	s->in = xmalloc(s->chunk * sizeof(int16_t));
	if (s->info.channels > 1)
		s->scratch = xmalloc(s->chunk * (size_t)s->info.channels * sizeof(int16_t));
	s->fin = xmalloc(s->chunk * sizeof(float));

	rc = open_stream(s);
	if (rc != GO)
		return rc;
	if (s->out_rate != s->info.samplerate) {
		s->src = src_new(SRC_SINC_FASTEST, 1, &err);
		if (!s->src)
			return session_fail(s, "resampling: %s", src_strerror(err));
		s->src_ratio = (double)s->out_rate / s->info.samplerate;
	}
	pthread_mutex_lock(&p->lock);
	s->speed = p->speed;
	if (session_gone_locked(s) == GO) {
		p->snap.file_rate = s->info.samplerate;
		p->snap.device_rate = s->out_rate;
		p->snap.from_ms = audio_ms_of(s->from, s->info.samplerate);
		p->snap.to_ms = audio_ms_of(s->to, s->info.samplerate);
		p->snap.pos_ms = p->snap.from_ms;
		update_in_mark_locked(p);
	}
	pthread_mutex_unlock(&p->lock);
	if (s->speed != 1.0)
		stretch_start(s);
	e = Pa_StartStream(s->stream);
	if (e != paNoError)
		return session_fail(s, "audio output: %s", Pa_GetErrorText(e));
	s->started = 1;
	s->capacity = Pa_GetStreamWriteAvailable(s->stream);
	pthread_mutex_lock(&p->lock);
	if (session_gone_locked(s) == GO)
		p->snap.state = AUDIO_PLAYING;
	pthread_mutex_unlock(&p->lock);
	return GO;
}

static int session_run(struct session *s)
{
	audio_player *p = s->p;
	int rc;

	rc = session_open(s);
	if (rc != GO)
		return rc;
	for (;;) {
		size_t n;
		sf_count_t got;

		rc = poll_requests(s);
		if (rc != GO)
			return rc;
		if (s->pos >= s->to)
			break;
		n = s->to - s->pos < (int64_t)s->chunk ? (size_t)(s->to - s->pos) : s->chunk;
		got = audio_read_mono(s->f, s->info.channels, s->req.channel, s->in,
				      (sf_count_t)n, s->scratch);
		if (got <= 0)
			return session_fail(s, "%s: cannot read at %lld ms: %s", s->req.path,
					    (long long)audio_ms_of(s->pos, s->info.samplerate),
					    audio_read_why(s->f));
		s->pos += got;
		rc = process(s, (size_t)got, s->pos >= s->to);
		if (rc != GO)
			return rc;
		publish_pos(s);
	}
	if ((s->rb || s->src) && !s->flushed) {
		/* a seek landed on the end: flush what the stretcher and resampler hold */
		rc = process(s, 0, 1);
		if (rc != GO)
			return rc;
	}
	rc = drain(s);
	if (rc != GO)
		return rc;
	pthread_mutex_lock(&p->lock);
	if (session_gone_locked(s) == GO) {
		p->snap.state = AUDIO_DONE;
		p->snap.pos_ms = audio_ms_of(s->to, s->info.samplerate);
		update_in_mark_locked(p);
	}
	pthread_mutex_unlock(&p->lock);
	return GO;
}

static void session_close(struct session *s)
{
	if (s->stream) {
		if (s->started)
			Pa_AbortStream(s->stream);
		Pa_CloseStream(s->stream);
	}
	if (s->rb)
		rubberband_delete(s->rb);
	if (s->src)
		src_delete(s->src);
	if (s->f)
		sf_close(s->f);
	free(s->in);
	free(s->scratch);
	free(s->out);
	free(s->conv);
	free(s->fin);
	free(s->frb);
	free(s->fsrc);
	free((char *)s->req.path);
}

static void *player_main(void *arg)
{
	audio_player *p = arg;

	pthread_mutex_lock(&p->lock);
	while (p->req_play) {
		struct session s;

		memset(&s, 0, sizeof(s));
		s.p = p;
		s.serial = p->snap.serial;
		s.req = p->req;
		s.t0 = p->req_time;
		p->req.path = NULL;
		p->req_play = 0;
		pthread_mutex_unlock(&p->lock);
		session_run(&s);
		session_close(&s);
		pthread_mutex_lock(&p->lock);
	}
	p->thread_alive = 0;
	pthread_cond_broadcast(&p->gone);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}
