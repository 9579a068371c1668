/* tui: the builder's screens (ncursesw). */
#ifndef TUI_H
#define TUI_H

struct config;

/* Opens the app on the workspace at db with the given configuration; returns the exit
 * status (0 on a normal quit, 1 when the terminal or workspace cannot be used: the
 * reason is printed on stderr). Needs a terminal on stdin and stdout; reopens where the
 * admin was (the tagging screen of a tracker, at the same item).
 *
 * When the environment variable TRACKER_TUI_TRACE names a file, a line
 * "NANOSECONDS first|key KEY" is appended to it each time a frame has been handed to
 * the terminal (the first one, and the one after each key), on CLOCK_MONOTONIC: the
 * benchmark's key-to-screen and start-up figures come from it. */
int tui_run(const struct config *cfg, const char *db);

#endif
