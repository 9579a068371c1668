/* config: tracker.conf, an INI file read with inih. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum config_colors { CONFIG_COLORS_AUTO = 0, CONFIG_COLORS_ALWAYS, CONFIG_COLORS_NEVER };

struct config {
	char *file;		/* the file read, or NULL when none was found */
	char *workspace;	/* workspace path, relative paths resolved against file's folder */
	int demo_calls;		/* default size of `tracker demo` */
	uint64_t demo_seed;
	int lead_in_ms;		/* snippet lead-in before a sentence */
	int lead_out_ms;	/* snippet lead-out after it */
	char *audio_device;	/* portaudio device name, or "default" */
	int autoplay;		/* play each tagging item's snippet when it comes up */
	char *audio_cache;	/* where demo recordings are made, resolved like workspace */
	int colors;		/* enum config_colors */
};

/* Sets the built-in defaults. */
void config_defaults(struct config *c);

/* Reads path, or when path is NULL the first of ./tracker.conf and
 * $XDG_CONFIG_HOME/tracker/tracker.conf (~/.config/...) that exists; none existing is
 * not an error (defaults stay). Unknown sections or keys and bad values fail with
 * "FILE:LINE: unknown key 'x'" and the like. */
int config_load(const char *path, struct config *c, char *err, size_t errlen);
void config_free(struct config *c);

#endif
