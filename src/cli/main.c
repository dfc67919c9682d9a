/*
 * assay: the command-line entry point.  It parses the global options, looks
 * the subcommand up in one table (git's git.c shape) and returns what the
 * subcommand returns as the exit status.  Everything else is in the library.
 */
#include <getopt.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

struct cli_globals cli;

struct command {
	const char *name;
	cli_command_fn fn;
	const char *summary;
};

static const struct command commands[] = {
	{ "import", cmd_import, "load series from a CSV file or workbook" },
	{ "list", cmd_list, "list the series in the store" },
	{ "show", cmd_show, "metadata, import history and revisions of a series" },
	{ "export", cmd_export, "print a series' observations (as of a vintage)" },
	{ "rm", cmd_rm, "remove a series and all its vintages" },
	{ "rename", cmd_rename, "rename a series, with all its vintages" },
	{ "merge", cmd_merge, "join two series into one (vintages kept)" },
	{ "changes", cmd_changes, "changes, noise scale and a verdict on every move" },
	{ "check", cmd_check, "is the latest move real or noise? (exit 0/1/3)" },
	{ "trend", cmd_trend, "trend test, Sen's slope, growth rate and change points" },
	{ "plot", cmd_plot, "draw charts with gnuplot (PNG, SVG, PDF)" },
	{ "scan", cmd_scan, "judge the latest move of many series, with FDR control" },
	{ "report", cmd_report, "write an HTML and Markdown report of a scan" },
	/* more commands: keep in the order of the README's reference */
};

static const char global_usage[] =
	"Usage: assay [--db PATH] COMMAND [ARGS...]\n"
	"       assay --help | --version\n"
	"\n"
	"Tell signal from noise in commodity production and price series.\n"
	"\n"
	"Global options:\n"
	"  --db PATH     the SQLite store (default: $ASSAY_DB, else ./assay.db)\n"
	"  -q, --quiet   no summaries or progress on stderr\n"
	"  -h, --help    this help; 'assay COMMAND --help' for a command\n"
	"  --version     print the version\n"
	"\n"
	"Commands:\n";

static const char exit_table[] =
	"\n"
	"Exit status:\n"
	"  0  success (check: the move is within normal variation)\n"
	"  1  check/scan: a notable move (shock or trend)\n"
	"  2  usage error or bad input data\n"
	"  3  check: cannot judge (too little history, partial period, NA);\n"
	"     trend: too few observations\n"
	"  4  database, I/O or gnuplot error\n";

static void print_help(FILE *fp)
{
	fputs(global_usage, fp);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs(exit_table, fp);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	/* Messages may follow the user's locale; numbers never do: printf
	 * and strtod of the CLI (output.c, numfmt.c, option values) and of
	 * every worker thread follow the global LC_NUMERIC, kept "C" here
	 * even should the line above ever become LC_ALL (tests/e2e/t06
	 * checks the output under de_DE.UTF-8). */
	setlocale(LC_CTYPE, "");
	setlocale(LC_NUMERIC, "C");
	cli_stdout_init();
#ifdef __GLIBC__
	/* SQLite allocates and frees a statement journal of ~90 kB for every
	 * new series an import creates; glibc would hand that memory back to
	 * the kernel each time and fault it in again (measured: a third of
	 * an import's time).  Keep up to 8 MB of free heap instead. */
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
#endif
	assay_init();
	cli.db_path = getenv("ASSAY_DB");
	if (!cli.db_path || !*cli.db_path)
		cli.db_path = "assay.db";

	/* '+': stop at the first non-option, the subcommand. */
	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli.db_path = optarg; break;
		case 'q': cli.quiet = 1; break;
		case 'h': print_help(stdout); return cli_close_stdout(0);
		case 'V':
			printf("assay %s\n", ASSAY_VERSION);
			return cli_close_stdout(0);
		default:
			fputs("Try 'assay --help'.\n", stderr);
			return ASSAY_EUSAGE;
		}
	}
	if (optind >= argc) {
		print_help(stderr);
		return ASSAY_EUSAGE;
	}
	const struct command *cmd = find_command(argv[optind]);
	if (!cmd)
		return cli_error(ASSAY_EUSAGE,
				 "'%s' is not an assay command; see 'assay --help'",
				 argv[optind]);
	argc -= optind;
	argv += optind;
	optind = 0;     /* reset getopt for the subcommand (glibc: 0 re-inits) */
	int status = cli_close_stdout(cmd->fn(argc, argv));
	cli_reraise_signal();   /* a caught TERM/INT: die of it, now cleaned up */
	return status;
}
