/* tui: the builder's screens (ncursesw). */
#ifndef TUI_H
#define TUI_H

struct config;

/* Opens the app on the workspace at db with the given configuration; returns the exit
 * status (0 on a normal quit, 1 when the terminal or workspace cannot be used). */
int tui_run(const struct config *cfg, const char *db);

#endif
