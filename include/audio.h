/* audio: call recordings — checking them, cutting snippets, playing them. */
#ifndef AUDIO_H
#define AUDIO_H

#include <stddef.h>
#include <stdint.h>

/* Opens a recording and reads its header: *duration_ms gets its length. Returns 0, or
 * -1 with "PATH: what is wrong" in err when it is missing or cannot be decoded. */
int audio_probe(const char *path, int64_t *duration_ms, char *err, size_t errlen);

#endif
