/* Internal to audio: helpers shared by the decoder, the player and the demo renderer. */
#ifndef AUDIO_INTERNAL_H
#define AUDIO_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <sndfile.h>

/* frame(ms) = ms * rate / 1000, rounded down; negative times give 0. */
int64_t audio_frame_of(int64_t ms, int rate);
/* The time of a frame, rounded down. */
int64_t audio_ms_of(int64_t frame, int rate);

/* Keeps fd 2 pointed at /dev/null between begin and end, from any thread (nested and
 * overlapping sections share one redirection): libraries that print on their own
 * (PortAudio's hosts, libsndfile's MP3 decoder) would draw over the app's screen. */
void audio_quiet_begin(void);
void audio_quiet_end(void);

/* sf_open for reading and sf_seek (SEEK_SET) inside a quiet section. */
SNDFILE *audio_sf_open_read(const char *path, SF_INFO *info);
sf_count_t audio_sf_seek(SNDFILE *f, sf_count_t frame);

/* Reads up to n frames from f (channels channels) as mono 16-bit: the channels' mean
 * rounded down, or channel `channel` alone. scratch holds at least n * channels samples
 * (NULL when channels is 1). Returns the frames read. */
sf_count_t audio_read_mono(SNDFILE *f, int channels, int channel, int16_t *out,
			   sf_count_t n, int16_t *scratch);	/* quietly */

/* Says why sf_open could not open path for reading, as "PATH: why" in err (a missing or
 * unreadable file, a directory, an empty file, or libsndfile's reason). Returns -1. */
int audio_open_error(const char *path, char *err, size_t errlen);

/* Why a seek or read of f came up short: libsndfile's error, or, when it has none, that
 * the recording is damaged or cut short there (never "No Error."). Static string. */
const char *audio_read_why(SNDFILE *f);

/* Float [-1, 1) to 16-bit, rounded, clipped. */
int16_t audio_f2s(float x);

/* Writes 16-bit mono samples to a new file of the given libsndfile format under a
 * temporary name in path's folder (created when missing) and renames it to path; a path
 * that is a pipe, a device or a link gets the file's bytes written into it instead. Writes
 * in chunks (one large Vorbis write crashes libsndfile). cancel may be NULL. */
int audio_write_file(const char *path, int format, int rate, const int16_t *samples,
		     size_t frames, double vbr_quality, const atomic_int *cancel,
		     char *err, size_t errlen);

/* Creates path's parent folders. */
int audio_mkdirs_for(const char *path, char *err, size_t errlen);

#endif
