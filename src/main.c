/* tracker: picks the headless command line or the app. */
#include <locale.h>
#include <stdlib.h>

#include "cli.h"
#include "config.h"
#include "tui.h"

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (cli_wants_command(argc, argv))
		return cli_main(argc, argv);
	struct config cfg;
	char *db = NULL;
	int rc = cli_global_options(argc, argv, &cfg, &db);
	if (rc == 0)
		rc = tui_run(&cfg, db);
	config_free(&cfg);
	free(db);
	return rc;
}
