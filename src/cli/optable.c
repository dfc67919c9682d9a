/* The CLI's option table (see optable.h): parse, --help lines, completion. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "optable.h"

enum { KEY_HELP = 'h', KEY_VERSION = 0x1001 };

const struct cli_opt cli_global_opts[] = {
	{ .name = "db", .key = 'd', .type = CLI_STR, .arg = "PATH",
	  .help = "the SQLite store (default: $ASSAY_DB, else ./assay.db)" },
	{ .name = "quiet", .key = 'q', .flags = CLI_OPT_SHORT,
	  .help = "no summaries, notes or progress on stderr" },
	{ .name = "format", .key = 'f', .type = CLI_STR, .arg = "F",
	  .help = "the output format of commands that print data",
	  .values = "table csv tsv json ndjson" },
	{ .name = "help", .key = 'h', .flags = CLI_OPT_SHORT,
	  .help = "this help; 'assay help COMMAND' for a command" },
	{ .name = "version", .key = 'V', .flags = CLI_OPT_SHORT,
	  .help = "print the version" },
	{ .name = NULL }
};

static const struct cli_opt help_opt = {
	.name = "help", .key = KEY_HELP, .flags = CLI_OPT_SHORT
};

static size_t count(const struct cli_opt *o)
{
	size_t n = 0;
	while (o[n].name)
		n++;
	return n;
}

/* Does a command's own option answer to key (or short letter) k? */
static int has_key(const struct cli_opt *o, int k)
{
	for (size_t i = 0; o[i].name; i++)
		if (o[i].key == k)
			return 1;
	return 0;
}

static int has_name(const struct cli_opt *o, const char *name)
{
	for (size_t i = 0; o[i].name; i++)
		if (!strcmp(o[i].name, name))
			return 1;
	return 0;
}

static int has_help(const struct cli_opt *o)
{
	return has_name(o, "help");
}

/* ---- the getopt tables, built once per option table ---------------------- */

struct built {
	const struct cli_opt *opts;
	struct option *longopts;
	char *shortopts;
	const char **values;    /* per long option, for describe mode */
};

static struct built *build(const struct cli_opt *opts, int add_help)
{
	static struct built cache[16];
	static size_t ncache;
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].opts == opts)
			return &cache[i];
	if (ncache == sizeof cache / sizeof cache[0])
		ncache = 0;     /* more tables than one process parses: reuse */
	struct built *b = &cache[ncache++];
	size_t n = count(opts), k = 0;
	add_help = add_help && !has_help(opts);
	b->opts = opts;
	b->longopts = cli_xcalloc(n + 3, sizeof *b->longopts);
	b->values = cli_xcalloc(n + 3, sizeof *b->values);
	b->shortopts = cli_xmalloc(2 * n + 4);
	char *s = b->shortopts;
	if (add_help)
		*s++ = 'h';
	/* --version (and -V where the command has no -V of its own) after
	 * the command too, as --help: a global option may come before or
	 * after it */
	int add_version = !has_name(opts, "version");
	if (add_version && !has_key(opts, 'V'))
		*s++ = 'V';
	for (size_t i = 0; i < n; i++) {
		const struct cli_opt *o = &opts[i];
		int arg = o->type != CLI_FLAG;
		b->longopts[k] = (struct option){ o->name, arg ? required_argument
						  : no_argument, NULL, o->key };
		b->values[k++] = o->values;
		if (o->flags & CLI_OPT_SHORT) {
			*s++ = (char)o->key;
			if (arg)
				*s++ = ':';
		}
	}
	if (add_help)
		b->longopts[k++] = (struct option){ "help", no_argument, NULL, KEY_HELP };
	if (add_version)
		b->longopts[k++] = (struct option){ "version", no_argument, NULL, KEY_VERSION };
	b->longopts[k] = (struct option){ NULL, 0, NULL, 0 };
	*s = 0;
	return b;
}

const struct option *cli_opt_longopts(const struct cli_opt *opts, int add_help,
				      const char **shortopts)
{
	struct built *b = build(opts, add_help);
	*shortopts = b->shortopts;
	return b->longopts;
}

/* ---- numbers: read strictly, in range, one wording ----------------------- */

static int bad_number(const char *cmd, const struct cli_opt *o, const char *s)
{
	if (o->type == CLI_LONG) {
		if (o->flags & CLI_OPT_NO_HI)
			return cli_usage_error(cmd, "--%s takes a whole number of at "
					       "least %ld, not '%s'", o->name,
					       (long)o->lo, s);
		return cli_usage_error(cmd, "--%s takes a whole number from %ld to "
				       "%ld, not '%s'", o->name, (long)o->lo,
				       (long)o->hi, s);
	}
	char lo[40], hi[40];
	snprintf(lo, sizeof lo, "%s %g", o->flags & CLI_OPT_LO_OPEN ? "greater than"
		 : "at least", o->lo);
	snprintf(hi, sizeof hi, " and %s %g", o->flags & CLI_OPT_HI_OPEN
		 ? "less than" : "at most", o->hi);
	return cli_usage_error(cmd, "--%s takes a number %s%s, not '%s'", o->name,
			       lo, o->flags & CLI_OPT_NO_HI ? "" : hi, s);
}

static int read_number(const char *cmd, const struct cli_opt *o, const char *s,
		       struct cli_optarg *a)
{
	char *end;
	errno = 0;
	if (o->type == CLI_LONG) {
		long v = strtol(s, &end, 10);
		if (end == s || *end || errno || v < (long)o->lo ||
		    (!(o->flags & CLI_OPT_NO_HI) && v > (long)o->hi))
			return bad_number(cmd, o, s);
		a->l = v;
		return 0;
	}
	double v = strtod(s, &end);
	int ok = end != s && !*end && !errno && isfinite(v);
	ok = ok && (o->flags & CLI_OPT_LO_OPEN ? v > o->lo : v >= o->lo);
	if (!(o->flags & CLI_OPT_NO_HI))
		ok = ok && (o->flags & CLI_OPT_HI_OPEN ? v < o->hi : v <= o->hi);
	if (!ok)
		return bad_number(cmd, o, s);
	a->d = v;
	return 0;
}

/* ---- the parse --------------------------------------------------------------- */

static const struct cli_opt *find(const struct cli_opt *opts, int key)
{
	for (size_t i = 0; opts[i].name; i++)
		if (opts[i].key == key)
			return &opts[i];
	return key == KEY_HELP ? &help_opt : NULL;
}

int cli_opt_next(const struct cli_optset *set, int argc, char **argv,
		 struct cli_optarg *a)
{
	struct built *b = build(set->opts, 1);
	if (cli_describing())
		cli_describe(b->shortopts, b->longopts, b->values);
	memset(a, 0, sizeof *a);
	int c = getopt_long(argc, argv, b->shortopts, b->longopts, NULL);
	if (c == -1)
		return CLI_OPT_END;
	if (c == KEY_VERSION || (c == 'V' && !has_key(set->opts, 'V'))) {
		printf("assay %s\n", ASSAY_VERSION);
		a->status = ASSAY_OK;
		return CLI_OPT_EXIT;
	}
	const struct cli_opt *o = c == '?' || c == ':' ? NULL : find(set->opts, c);
	if (!o) {
		fprintf(stderr, "Try 'assay %s --help'.\n", set->cmd);
		a->status = ASSAY_EUSAGE;
		return CLI_OPT_EXIT;
	}
	if (o->key == KEY_HELP && !has_help(set->opts)) {
		cli_opt_help(stdout, set);
		a->status = ASSAY_OK;
		return CLI_OPT_EXIT;
	}
	a->s = optarg;
	if ((o->type == CLI_LONG || o->type == CLI_DOUBLE) &&
	    read_number(set->cmd, o, optarg, a)) {
		a->status = ASSAY_EUSAGE;
		return CLI_OPT_EXIT;
	}
	return c;
}

/* ---- --help ------------------------------------------------------------------ */

void cli_opt_lines(FILE *fp, const struct cli_opt *opts, int width)
{
	for (size_t i = 0; opts[i].name; i++) {
		const struct cli_opt *o = &opts[i];
		char label[128];
		if (!o->help)
			continue;
		if (o->label)
			snprintf(label, sizeof label, "%s", o->label);
		else if (o->flags & CLI_OPT_SHORT)
			snprintf(label, sizeof label, "-%c, --%s%s%s", o->key, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(label, sizeof label, "--%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		/* a label as wide as the column, or wider, keeps two spaces
		 * (one when it says so with a trailing blank of its own) */
		int len = (int)strlen(label);
		fprintf(fp, "  %s%*s", label, len < width ? width - len : 2, "");
		for (const char *h = o->help; *h; h++) {
			fputc(*h, fp);
			if (*h == '\n')
				fprintf(fp, "%*s", width + 2, "");
		}
		fputc('\n', fp);
	}
}

void cli_opt_help(FILE *fp, const struct cli_optset *set)
{
	fputs(set->usage, fp);
	cli_opt_lines(fp, set->opts, set->width);
	if (set->after)
		fputs(set->after, fp);
}

void cli_opt_words(FILE *fp, const struct cli_opt *opts)
{
	for (size_t i = 0; opts[i].name; i++) {
		fprintf(fp, "%s--%s", i ? " " : "", opts[i].name);
		if (opts[i].flags & CLI_OPT_SHORT)
			fprintf(fp, " -%c", opts[i].key);
	}
}
