/* Reading recordings: probing, cutting snippets, writing them as files. */
#include "audio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#include "internal.h"
#include "xmalloc.h"

/* Frames written per sf_writef call: one huge Vorbis write crashes libsndfile 1.2. */
#define WRITE_CHUNK 4096

int64_t audio_frame_of(int64_t ms, int rate)
{
	if (ms <= 0 || rate <= 0)
		return 0;
	return ms * rate / 1000;
}

int64_t audio_ms_of(int64_t frame, int rate)
{
	if (frame <= 0 || rate <= 0)
		return 0;
	return frame * 1000 / rate;
}

int16_t audio_f2s(float x)
{
	float v = x * 32768.0f;

	if (v >= 32767.0f)
		return 32767;
	if (v <= -32768.0f)
		return -32768;
	return (int16_t)lrintf(v);
}

/* ---------------------------------------------------------------- quiet decoding */

/* libsndfile's MP3 decoder (libmpg123) prints to stderr when a stream is damaged ("Note:
 * Illegal Audio-MPEG-Header ... Trying to resync..."), which would draw over the app's
 * screen. While any thread decodes, fd 2 points at /dev/null; the first to start saves
 * the real one, the last to finish puts it back. */
static pthread_mutex_t quiet_lock = PTHREAD_MUTEX_INITIALIZER;
static int quiet_depth;
static int quiet_saved = -1;

void audio_quiet_begin(void)
{
	pthread_mutex_lock(&quiet_lock);
	if (quiet_depth++ == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		fflush(stderr);
		quiet_saved = null >= 0 ? fcntl(2, F_DUPFD_CLOEXEC, 3) : -1;
		if (quiet_saved >= 0)
			dup2(null, 2);
		if (null >= 0)
			close(null);
	}
	pthread_mutex_unlock(&quiet_lock);
}

void audio_quiet_end(void)
{
	pthread_mutex_lock(&quiet_lock);
	if (quiet_depth > 0 && --quiet_depth == 0 && quiet_saved >= 0) {
		fflush(stderr);
		dup2(quiet_saved, 2);
		close(quiet_saved);
		quiet_saved = -1;
	}
	pthread_mutex_unlock(&quiet_lock);
}

SNDFILE *audio_sf_open_read(const char *path, SF_INFO *info)
{
	SNDFILE *f;

	memset(info, 0, sizeof(*info));
	audio_quiet_begin();
	f = sf_open(path, SFM_READ, info);
	audio_quiet_end();
	return f;
}

sf_count_t audio_sf_seek(SNDFILE *f, sf_count_t frame)
{
	sf_count_t at;

	audio_quiet_begin();
	at = sf_seek(f, frame, SEEK_SET);
	audio_quiet_end();
	return at;
}

static sf_count_t read_quiet(SNDFILE *f, int16_t *out, sf_count_t n)
{
	sf_count_t got;

	audio_quiet_begin();
	got = sf_readf_short(f, out, n);
	audio_quiet_end();
	return got;
}

/* ---------------------------------------------------------------- reading */

const char *audio_read_why(SNDFILE *f)
{
	/* a short read with no error set: the file stops before the length its header
	 * gives (cut short, or a damaged stretch the decoder gave up on) */
	if (sf_error(f) == SF_ERR_NO_ERROR)
		return "the recording is damaged or cut short there";
	return sf_strerror(f);
}

sf_count_t audio_read_mono(SNDFILE *f, int channels, int channel, int16_t *out,
			   sf_count_t n, int16_t *scratch)
{
	sf_count_t got, i;
	int c;

	if (channels == 1)
		return read_quiet(f, out, n);
	got = read_quiet(f, scratch, n);
	if (got <= 0)
		return got;
	for (i = 0; i < got; i++) {
		const int16_t *fr = scratch + i * channels;
		int32_t sum = 0;

		if (channel >= 0) {
			out[i] = fr[channel];
			continue;
		}
		for (c = 0; c < channels; c++)
			sum += fr[c];
		/* the mean, rounded down (toward minus infinity) */
		out[i] = (int16_t)(sum >= 0 ? sum / channels : -((-sum + channels - 1) / channels));
	}
	return got;
}

int audio_open_error(const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (access(path, R_OK) != 0)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	/* libsndfile calls both of these "Format not recognised" */
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return errf(err, errlen, "%s: %s", path, strerror(EISDIR));
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0)
		return errf(err, errlen, "%s: the file is empty", path);
	return errf(err, errlen, "%s: %s", path, sf_strerror(NULL));
}

int audio_probe(const char *path, int64_t *duration_ms, char *err, size_t errlen)
{
	SF_INFO info;
	SNDFILE *f;

	if (!path || !*path)
		return errf(err, errlen, "no recording path");
	f = audio_sf_open_read(path, &info);
	if (!f)
		return audio_open_error(path, err, errlen);
	sf_close(f);
	if (info.samplerate <= 0 || info.channels <= 0)
		return errf(err, errlen, "%s: no audio in it", path);
	if (info.frames <= 0 || info.frames == SF_COUNT_MAX)
		return errf(err, errlen, "%s: cannot tell its length", path);
	if (duration_ms)
		*duration_ms = audio_ms_of(info.frames, info.samplerate);
	return 0;
}

int audio_snippet_read(const char *path, const struct audio_region *r,
		       struct audio_snippet **out, char *err, size_t errlen)
{
	struct audio_snippet *s = NULL;
	int16_t *scratch = NULL;
	SF_INFO info;
	SNDFILE *f = NULL;
	int64_t first, last, start, end;
	sf_count_t got;

	*out = NULL;
	if (!path || !*path)
		return errf(err, errlen, "no recording path");
	if (r->end_ms < r->start_ms)
		return errf(err, errlen, "%s: span ends (%lld ms) before it starts (%lld ms)", path,
			    (long long)r->end_ms, (long long)r->start_ms);
	f = audio_sf_open_read(path, &info);
	if (!f)
		return audio_open_error(path, err, errlen);
	if (r->channel >= info.channels) {
		errf(err, errlen, "%s: has %d channel%s, no channel %d", path, info.channels,
		     info.channels == 1 ? "" : "s", r->channel + 1);
		goto fail;
	}
	start = r->start_ms - (r->lead_in_ms > 0 ? r->lead_in_ms : 0);
	end = r->end_ms + (r->lead_out_ms > 0 ? r->lead_out_ms : 0);
	first = audio_frame_of(start, info.samplerate);
	last = audio_frame_of(end, info.samplerate);
	if (last > info.frames)
		last = info.frames;
	if (first >= info.frames) {
		errf(err, errlen, "%s: %lld..%lld ms is past the end of the recording (%lld ms)",
		     path, (long long)r->start_ms, (long long)r->end_ms,
		     (long long)audio_ms_of(info.frames, info.samplerate));
		goto fail;
	}
	if (first >= last) {
		/* a sentence timed start = end, cut without lead-in or lead-out */
		errf(err, errlen, "%s: %lld..%lld ms has no length, and no lead-in or lead-out "
		     "was asked: nothing to cut", path, (long long)r->start_ms,
		     (long long)r->end_ms);
		goto fail;
	}
	if (audio_sf_seek(f, first) != first) {
		errf(err, errlen, "%s: cannot seek to %lld ms: %s", path,
		     (long long)audio_ms_of(first, info.samplerate), audio_read_why(f));
		goto fail;
	}
	s = xcalloc(1, sizeof(*s));
	s->frames = (size_t)(last - first);
	s->samples = xmalloc(s->frames * sizeof(int16_t));
	if (info.channels > 1)
		scratch = xmalloc(s->frames * (size_t)info.channels * sizeof(int16_t));
	got = audio_read_mono(f, info.channels, r->channel, s->samples, (sf_count_t)s->frames,
			      scratch);
	if (got != (sf_count_t)s->frames) {
		errf(err, errlen, "%s: read %lld of %zu frames at %lld ms: %s", path,
		     (long long)(got < 0 ? 0 : got), s->frames,
		     (long long)audio_ms_of(first, info.samplerate), audio_read_why(f));
		goto fail;
	}
	s->rate = info.samplerate;
	s->source_channels = info.channels;
	s->first_frame = first;
	s->start_ms = audio_ms_of(first, info.samplerate);
	s->end_ms = audio_ms_of(last, info.samplerate);
	s->mark_start_ms = r->start_ms;
	s->mark_end_ms = r->end_ms;
	free(scratch);
	sf_close(f);
	*out = s;
	return 0;
fail:
	free(scratch);
	audio_snippet_free(s);
	sf_close(f);
	return -1;
}

void audio_snippet_free(struct audio_snippet *s)
{
	if (!s)
		return;
	free(s->samples);
	free(s);
}

int audio_mkdirs_for(const char *path, char *err, size_t errlen)
{
	char *dir = xstrdup(path);
	char *p;

	p = strrchr(dir, '/');
	if (!p || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
				errf(err, errlen, "%s: %s", dir, strerror(errno));
				free(dir);
				return -1;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(dir);
	return 0;
}

/* Copies the file at from into the existing path (a pipe, a terminal, a device),
 * opened for writing as it is: never replaced. */
static int copy_into(const char *from, const char *path, char *err, size_t errlen)
{
	char buf[65536];
	struct stat sb;
	int in, out, rc = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return errf(err, errlen, "%s: %s", from, strerror(errno));
	/* a plain file behind a link is written over from its start */
	out = open(path, O_WRONLY | O_CLOEXEC |
		   (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? O_TRUNC : 0));
	if (out < 0) {
		rc = errf(err, errlen, "%s: %s", path, strerror(errno));
		close(in);
		return rc;
	}
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
		char *p = buf;

		if (n < 0) {
			if (errno != EINTR)
				rc = errf(err, errlen, "%s: %s", from, strerror(errno));
			continue;
		}
		while (n > 0) {
			ssize_t w = write(out, p, (size_t)n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				rc = errf(err, errlen, "%s: %s", path, strerror(w < 0 ? errno : EIO));
				break;
			}
			p += w;
			n -= w;
		}
	}
	if (close(out) != 0 && rc == 0)
		rc = errf(err, errlen, "%s: %s", path, strerror(errno));
	close(in);
	return rc;
}

int audio_write_file(const char *path, int format, int rate, const int16_t *samples,
		     size_t frames, double vbr_quality, const atomic_int *cancel,
		     char *err, size_t errlen)
{
	static atomic_uint counter;
	struct stat sb;
	SF_INFO info;
	SNDFILE *f;
	char *tmp;
	size_t done = 0;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return errf(err, errlen, "%s: %s", path, strerror(EISDIR));
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode) &&
	    (sb.st_uid == geteuid() || sb.st_uid == 0)) {
		/* /dev/stdout (a link to a pipe, a terminal or the file the shell opened), a
		 * pipe, /dev/null, a link: written into, never renamed over, which would put
		 * a plain file in place of the device or the link. Only ours or root's: one
		 * that someone else put in a shared folder such as /tmp is replaced as a
		 * plain file would be, not followed. */
		const char *dir = getenv("TMPDIR");
		int rc;

		tmp = xasprintf("%s/tracker-%ld-%u.out", dir && *dir ? dir : "/tmp",
				(long)getpid(), atomic_fetch_add(&counter, 1));
		rc = audio_write_file(tmp, format, rate, samples, frames, vbr_quality, cancel,
				      err, errlen);
		if (rc == 0)
			rc = copy_into(tmp, path, err, errlen);
		unlink(tmp);
		free(tmp);
		return rc;
	}
	if (audio_mkdirs_for(path, err, errlen) != 0)
		return -1;
	tmp = xasprintf("%s.tmp-%ld-%u", path, (long)getpid(),
			atomic_fetch_add(&counter, 1));
	memset(&info, 0, sizeof(info));
	info.samplerate = rate;
	info.channels = 1;
	info.format = format;
	f = sf_open(tmp, SFM_WRITE, &info);
	if (!f) {
		errf(err, errlen, "%s: %s", tmp, sf_strerror(NULL));
		free(tmp);
		return -1;
	}
	if (vbr_quality >= 0)
		sf_command(f, SFC_SET_VBR_ENCODING_QUALITY, &vbr_quality, sizeof(vbr_quality));
	while (done < frames) {
		size_t n = frames - done < WRITE_CHUNK ? frames - done : WRITE_CHUNK;

		if (cancel && atomic_load(cancel)) {
			sf_close(f);
			unlink(tmp);
			free(tmp);
			errf(err, errlen, "%s: cancelled", path);
			return AUDIO_CANCELLED;
		}
		if (sf_writef_short(f, samples + done, (sf_count_t)n) != (sf_count_t)n) {
			errf(err, errlen, "%s: %s", tmp, sf_strerror(f));
			goto fail;
		}
		done += n;
	}
	if (sf_close(f) != 0) {
		f = NULL;
		errf(err, errlen, "%s: cannot finish writing", tmp);
		goto fail;
	}
	f = NULL;
	if (rename(tmp, path) != 0) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (f)
		sf_close(f);
	unlink(tmp);
	free(tmp);
	return -1;
}

int audio_snippet_write_wav(const struct audio_snippet *s, const char *path,
			    char *err, size_t errlen)
{
	if (!path || !*path)
		return errf(err, errlen, "no output path");
	return audio_write_file(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, s->rate, s->samples,
				s->frames, -1, NULL, err, errlen);
}

int audio_export_wav(const char *recording, const struct audio_region *r,
		     const char *out_path, char *err, size_t errlen)
{
	struct audio_snippet *s;
	int rc;

	if (audio_snippet_read(recording, r, &s, err, errlen) != 0)
		return -1;
	rc = audio_snippet_write_wav(s, out_path, err, errlen);
	audio_snippet_free(s);
	return rc;
}

char *audio_fallback_path(int64_t sentence, char *buf, size_t len)
{
	const char *dir = getenv("TMPDIR");

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(buf, len, "%s/tracker-snippet-%lld.wav", dir, (long long)sentence);
	return buf;
}
