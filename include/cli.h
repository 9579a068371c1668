/* cli: the headless subcommands of DESIGN.md. */
#ifndef CLI_H
#define CLI_H

/* Runs `tracker [global options] SUBCOMMAND ...`; returns the exit code (0 done, 1 the
 * input or state is wrong, 2 usage). */
int cli_main(int argc, char **argv);

/* 1 when argv names a subcommand (or asks for help or the version), 0 when it only holds
 * global options, i.e. the app should open. */
int cli_wants_command(int argc, char **argv);

/* Loads the configuration and the workspace path from the global options (--db,
 * --config) for the app; prints the error and returns 1 or 2 on failure, else 0. *db and
 * the config are owned by the caller (config_free, free). */
struct config;
int cli_global_options(int argc, char **argv, struct config *cfg, char **db);

#endif
