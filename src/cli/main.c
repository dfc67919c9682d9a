/*
 * assay: the command-line entry point.  It parses the global options, looks
 * the subcommand up in one table (git's git.c shape) and returns what the
 * subcommand returns as the exit status.  Everything else is in the library.
 * The global options may also follow the command (options.c).
 */
#include <getopt.h>
#include <jansson.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "optable.h"

struct cli_globals cli;

const struct cli_command cli_commands[] = {
	{ "import", cmd_import, "load series from a CSV file or workbook into the store" },
	{ "list", cmd_list, "list the series in the store" },
	{ "show", cmd_show, "metadata, import history and revisions of a series" },
	{ "export", cmd_export, "print observations of series (as of a vintage)" },
	{ "rm", cmd_rm, "remove series and all their vintages" },
	{ "rename", cmd_rename, "rename a series, with all its vintages" },
	{ "merge", cmd_merge, "join two series into one (vintages kept)" },
	{ "derive", cmd_derive, "define a series by an expression over others (ratios, shares, units)" },
	{ "changes", cmd_changes, "changes, noise scale and a verdict on every move" },
	{ "check", cmd_check, "is the latest move real or noise? (exit 0/1/3)" },
	{ "trend", cmd_trend, "trend test, Sen's slope, growth rate and change points" },
	{ "plot", cmd_plot, "draw charts with gnuplot (PNG, SVG, PDF)" },
	{ "scan", cmd_scan, "judge the latest move of many series, with FDR control" },
	{ "report", cmd_report, "write an HTML and Markdown report of a scan" },
	{ "completion", cmd_completion, "print the bash or zsh completion script" },
	/* more commands: keep in the order of the README's reference */
};
const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];

static const char global_usage[] =
	"Usage: assay [--db PATH] COMMAND [ARGS...]\n"
	"       assay help [COMMAND] | --help | --version\n"
	"\n"
	"Tell signal from noise in commodity production and price series.\n"
	"\n"
	"Global options (before or after the command):\n";

static const char commands_head[] =
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
	"  4  database, I/O or gnuplot error\n"
	"--freq F in any command: a series whose own frequency is already lower\n"
	"(annual data under --freq Q) keeps its own and a note on stderr says so;\n"
	"it is not an error.  Exit 2 only for an unknown F or for daily data\n"
	"under --freq W.\n"
	"\n"
	"Examples:\n"
	"  assay import prices.csv --kind price --vintage 2026-06-02\n"
	"  assay list 'wb/*' --db prices.db\n"
	"  assay check wb/copper --freq Q\n"
	"  assay scan 'wb/*' --freq Q -q\n"
	"  assay export 'wb/*' --freq Q --wide > wb.csv\n";

static void print_help(FILE *fp)
{
	fputs(global_usage, fp);
	cli_opt_lines(fp, cli_global_opts, 14);
	fputs(commands_head, fp);
	for (size_t i = 0; i < cli_ncommands; i++)
		fprintf(fp, "  %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
	fputs(exit_table, fp);
}

const struct cli_command *cli_find_command(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	const char *names[64];
	size_t n = 0;
	for (size_t i = 0; i < cli_ncommands && n < 63; i++)
		names[n++] = cli_commands[i].name;
	names[n++] = "help";
	const char *best = cli_closest(name, names, n);
	if (best)
		return cli_error(ASSAY_EUSAGE, "'%s' is not an assay command; did "
				 "you mean '%s'?", name, best);
	return cli_error(ASSAY_EUSAGE, "'%s' is not an assay command; see "
			 "'assay --help'", name);
}

/* An option before the command that is not a global one: say which
 * commands take it, or the global option it resembles. */
static int misplaced_option(const char *arg)
{
	char word[80], list[512] = "";
	const char *example = NULL;
	snprintf(word, sizeof word, "%s", arg);
	word[strcspn(word, "=")] = 0;
	for (size_t i = 0; i < cli_ncommands; i++) {
		char **opts;
		size_t n;
		if (cli_describe_command(cli_commands[i].fn, cli_commands[i].name,
					 &opts, &n))
			continue;
		for (size_t k = 0; k < n; k++) {
			char o[80];
			snprintf(o, sizeof o, "%s", opts[k]);
			o[strcspn(o, "=")] = 0;
			if (strcmp(o, word))
				continue;
			if (!example)
				example = cli_commands[i].name;
			size_t len = strlen(list);
			snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "",
				 cli_commands[i].name);
			break;
		}
		assay_strv_free(opts, n);
	}
	if (example)
		return cli_error(ASSAY_EUSAGE, "%s is an option of a command, not of "
				 "assay: give it after the command, as in 'assay %s "
				 "... %s' (it is an option of %s)", word, example, arg,
				 list);
	char globals[16][40];
	const char *gp[16];
	size_t ng = 0;
	for (; cli_global_opts[ng].name && ng < 16; ng++) {
		snprintf(globals[ng], sizeof globals[ng], "--%s", cli_global_opts[ng].name);
		gp[ng] = globals[ng];
	}
	const char *best = cli_closest(word, gp, ng);
	if (best)
		return cli_error(ASSAY_EUSAGE, "unknown option '%s'; did you mean "
				 "'%s'?", word, best);
	return cli_error(ASSAY_EUSAGE, "unknown option '%s'; see 'assay --help'",
			 word);
}

/* Run the command: argv[0] becomes "assay CMD", the prefix of getopt's
 * messages ("assay list: unrecognized option '--x'"), as of ours. */
static int run_command(const struct cli_command *cmd, int argc, char **argv)
{
	static char name[64];
	snprintf(name, sizeof name, "assay %s", cmd->name);
	argv[0] = name;
	cli_top_argv = argv;
	optind = 0;     /* reset getopt for the subcommand (glibc: 0 re-inits) */
	return cmd->fn(argc, argv);
}

/* assay help [COMMAND]: the global help, or COMMAND --help.  Its options
 * are parsed as every command's are, so that --version and the global
 * options work after it too; its --help is assay's. */
static int cmd_help(int argc, char **argv)
{
	static const struct cli_opt opts[] = {
		{ .name = "help", .key = 'h', .flags = CLI_OPT_SHORT },
		{ .name = NULL }
	};
	static const struct cli_optset set = { "help", global_usage, NULL, 0, opts };
	struct cli_optarg o;
	int c;
	argv[0] = "assay help";
	cli_top_argv = argv;
	optind = 0;
	while ((c = cli_opt_next(&set, argc, argv, &o)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return o.status;
		if (c == 'h')
			break;
	}
	if (c == 'h' || optind >= argc) {
		print_help(stdout);
		return 0;
	}
	const struct cli_command *cmd = cli_find_command(argv[optind]);
	if (!cmd)
		return unknown_command(argv[optind]);
	char *args[] = { argv[optind], "--help", NULL };
	return run_command(cmd, 2, args);
}

int main(int argc, char **argv)
{
	const char *shorts;
	const struct option *opts = cli_opt_longopts(cli_global_opts, 0, &shorts);
	char shortopts[32];
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
	/* jansson's objects through the CLI's one out-of-memory rule */
	json_set_alloc_funcs(cli_xmalloc, free);
	cli.db_path = getenv("ASSAY_DB");
	if (!cli.db_path || !*cli.db_path)
		cli.db_path = "assay.db";

	/* '+': stop at the first non-option, the subcommand; ':' and
	 * opterr 0: the messages are ours (one prefix, "assay: "). */
	opterr = 0;
	snprintf(shortopts, sizeof shortopts, "+:%s", shorts);
	while ((c = (getopt_long)(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli.db_path = optarg; break;
		case 'q': cli.quiet = 1; break;
		case 'f': cli.format = optarg; break;
		case 'h': print_help(stdout); return cli_close_stdout(0);
		case 'V':
			printf("assay %s\n", ASSAY_VERSION);
			return cli_close_stdout(0);
		case ':':
			cli_error(ASSAY_EUSAGE, "option '%s' needs an argument",
				  argv[optind - 1]);
			fputs("Try 'assay --help'.\n", stderr);
			return ASSAY_EUSAGE;
		default:
			if (optopt)
				cli_error(ASSAY_EUSAGE, "unknown option '-%c'; see "
					  "'assay --help'", optopt);
			else
				misplaced_option(argv[optind - 1]);
			return ASSAY_EUSAGE;
		}
	}
	opterr = 1;
	if (optind >= argc) {
		print_help(stderr);
		return ASSAY_EUSAGE;
	}
	argc -= optind;
	argv += optind;
	int status;
	if (!strcmp(argv[0], "help")) {
		status = cmd_help(argc, argv);
	} else {
		const struct cli_command *cmd = cli_find_command(argv[0]);
		if (!cmd)
			return unknown_command(argv[0]);
		status = run_command(cmd, argc, argv);
	}
	status = cli_close_stdout(status);
	cli_reraise_signal();   /* a caught TERM/INT: die of it, now cleaned up */
	return status;
}
