/*
 * The CLI's option table: a command declares each option once -- long
 * name, short letter, argument name, help text, numeric range, the words
 * completion offers -- and from that one table come
 *   - the getopt_long parse (through cli_getopt_long, so the global
 *     options and "did you mean" work as everywhere), with the numbers
 *     read strictly, range-checked and refused in one wording:
 *       assay CMD: --window takes a whole number from 2 to 100000, not 'x'
 *       assay CMD: --top takes a whole number of at least 1, not 'x'
 *       assay CMD: --alpha takes a number greater than 0 and less than 1, not 'x'
 *       assay CMD: --half-life takes a number greater than 0, not 'x'
 *     followed by "Try 'assay CMD --help'.";
 *   - the option lines of `assay CMD --help`;
 *   - the option lists and argument words of the completion scripts
 *     (cli_describe_command reads them from the table).
 * Defaults stay where the library sets them (its *_opts_init); the help
 * text says them.
 *
 * Options that several commands take are the CLI_OPT_* fragments below,
 * so that each has one range everywhere (the README's table "Options
 * shared by the commands").
 */
#ifndef ASSAY_CLI_OPTABLE_H
#define ASSAY_CLI_OPTABLE_H

#include <stdio.h>

enum cli_opt_type {
	CLI_FLAG = 0,           /* no argument */
	CLI_STR,                /* a string, checked by the command */
	CLI_LONG,               /* a whole number in [lo, hi] */
	CLI_DOUBLE              /* a finite number in (lo, hi) or [lo, hi] */
};

enum {
	CLI_OPT_SHORT = 1,      /* key is also the short option -KEY */
	CLI_OPT_LO_OPEN = 2,    /* CLI_DOUBLE: lo itself is refused */
	CLI_OPT_HI_OPEN = 4,    /* CLI_DOUBLE: hi itself is refused */
	CLI_OPT_NO_HI = 8       /* no upper bound (hi unused) */
};

struct cli_opt {
	const char *name;       /* long name, without "--"; NULL ends a table */
	int key;                /* what cli_opt_next returns for it */
	enum cli_opt_type type;
	const char *arg;        /* the argument's name in --help ("N") */
	const char *help;       /* the help column; "\n" starts a continuation
				 * line; NULL: not listed (described in the
				 * text, or with the entry before) */
	const char *label;      /* the left column, when not "[-k, ]--name ARG" */
	double lo, hi;          /* range of CLI_LONG and CLI_DOUBLE */
	unsigned flags;
	const char *values;     /* completion words for the argument */
};

/* A command's options and the text of its --help around their lines. */
struct cli_optset {
	const char *cmd;        /* "check": messages say "assay check: " */
	const char *usage;      /* --help before the option lines */
	const char *after;      /* --help after them (NULL: nothing) */
	int width;              /* of the left column, after its two spaces */
	const struct cli_opt *opts;     /* up to { NULL }; --help/-h is added */
};

/* The options of several commands: one range each (fragments of a
 * designated initializer: { CLI_OPT_WINDOW, .key = 'w', .help = ... }). */
#define CLI_OPT_WINDOW .name = "window", .type = CLI_LONG, .arg = "N", \
	.lo = 2, .hi = 100000
#define CLI_OPT_MIN_HISTORY .name = "min-history", .type = CLI_LONG, \
	.arg = "N", .lo = 2, .hi = 100000
#define CLI_OPT_JOBS .name = "jobs", .type = CLI_LONG, .arg = "N", .lo = 1, \
	.hi = 64, .flags = CLI_OPT_SHORT, .key = 'j'
#define CLI_OPT_ALPHA .name = "alpha", .type = CLI_DOUBLE, .arg = "A", \
	.lo = 0, .hi = 1, .flags = CLI_OPT_LO_OPEN | CLI_OPT_HI_OPEN
#define CLI_OPT_FDR .name = "fdr", .type = CLI_DOUBLE, .arg = "Q", \
	.lo = 0, .hi = 1, .flags = CLI_OPT_LO_OPEN | CLI_OPT_HI_OPEN
#define CLI_OPT_FREQ .name = "freq", .type = CLI_STR, .arg = "F", \
	.values = "D W M Q A"
#define CLI_OPT_AS_OF .name = "as-of", .type = CLI_STR, .arg = "DATE"
#define CLI_OPT_KIND .name = "kind", .type = CLI_STR, .arg = "K", \
	.values = "flow price stock"
#define CLI_OPT_SEASONAL .name = "seasonal", .type = CLI_STR, .arg = "MODE", \
	.values = "auto yes no"

/* What cli_opt_next gives with an option. */
struct cli_optarg {
	const char *s;          /* the argument as given (optarg) */
	long l;                 /* CLI_LONG: its value */
	double d;               /* CLI_DOUBLE: its value */
	int status;             /* after CLI_OPT_EXIT: the exit status */
};

enum {
	CLI_OPT_END = -1,       /* no more options: operands from optind */
	CLI_OPT_EXIT = -2       /* --help printed (status 0) or an error
				 * (printed, status 2): return a->status */
};

/* The next option of argv: its key (a->s, a->l, a->d set), CLI_OPT_END,
 * or CLI_OPT_EXIT.  Call until it returns one of the last two, as with
 * getopt_long (optind is reset by main before a command runs). */
int cli_opt_next(const struct cli_optset *set, int argc, char **argv,
		 struct cli_optarg *a);

/* `assay CMD --help`: usage, the option lines, after. */
void cli_opt_help(FILE *fp, const struct cli_optset *set);

/* The option lines alone (for main's global help). */
void cli_opt_lines(FILE *fp, const struct cli_opt *opts, int width);

/* The getopt_long table of opts (with --help when add_help), built once
 * per table and kept; shortopts likewise ("h" first, then -KEY, ':' when
 * it takes an argument).  For main, which parses the globals itself. */
const struct option *cli_opt_longopts(const struct cli_opt *opts, int add_help,
				      const char **shortopts);

/* "--db --quiet -q ...": every option of opts, the long name then the
 * short one, separated by spaces (the completion scripts' globals). */
void cli_opt_words(FILE *fp, const struct cli_opt *opts);

/* The global options (main.c): --db, -q/--quiet, --format, -h/--help,
 * -V/--version. */
extern const struct cli_opt cli_global_opts[];

#endif
