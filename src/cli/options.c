/*
 * The option layer under every subcommand: cli.h turns each command's
 * getopt_long() call into cli_getopt_long(), which
 *   - accepts the global options --db, -q/--quiet and --format anywhere on
 *     the line (git and sqlite-utils users write `assay list --db x`);
 *   - after getopt's own "assay CMD: unrecognized option" line, names the
 *     option that was probably meant ("did you mean '--format'?");
 *   - in describe mode (cli_describe_command) prints the command's own
 *     option table instead of parsing, so that completion scripts and
 *     "assay --freq Q check" errors are built from the options the
 *     commands really take, not from a copy that could drift.
 * A command declares its options in an option table (optable.h), in its
 * own file; optable.c turns the table into what this layer takes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* getopt values of the globals, out of the range of any command's own. */
enum { GOPT_DB = 0x7f01, GOPT_QUIET };

char **cli_top_argv;            /* the command's argv as main passed it */

static struct {
	const struct option *user;      /* the command's table */
	char *const *argv;              /* the parse it belongs to */
	struct option *merged;          /* user + the globals */
	char *shortopts;                /* user's + "q" */
	int format_val;                 /* the command's --format value, or 0 */
	int format_seen;                /* --format given after the command */
	int format_done;                /* the global --format handed over */
} st;

static int describe_fd = -1;    /* describe mode: write the table here */

static size_t count_opts(const struct option *o)
{
	size_t n = 0;
	while (o && o[n].name)
		n++;
	return n;
}

static int has_long(const struct option *o, const char *name)
{
	for (size_t i = 0; o && o[i].name; i++)
		if (!strcmp(o[i].name, name))
			return 1;
	return 0;
}

static void setup(const char *shortopts, const struct option *longopts,
		  char *const *argv)
{
	size_t n = count_opts(longopts), k = n;
	free(st.merged);
	free(st.shortopts);
	memset(&st, 0, sizeof st);
	st.user = longopts;
	st.argv = argv;
	st.merged = cli_xcalloc(n + 3, sizeof *st.merged);
	st.shortopts = cli_xmalloc(strlen(shortopts) + 2);
	memcpy(st.merged, longopts, n * sizeof *longopts);
	if (!has_long(longopts, "db"))
		st.merged[k++] = (struct option){ "db", required_argument, NULL, GOPT_DB };
	if (!has_long(longopts, "quiet"))
		st.merged[k++] = (struct option){ "quiet", no_argument, NULL, GOPT_QUIET };
	st.merged[k] = (struct option){ NULL, 0, NULL, 0 };
	strcpy(st.shortopts, shortopts);
	if (!strchr(shortopts, 'q'))
		strcat(st.shortopts, "q");
	for (size_t i = 0; i < n; i++)
		if (!strcmp(longopts[i].name, "format") && !longopts[i].flag)
			st.format_val = longopts[i].val;
}

/* ---- "did you mean" ------------------------------------------------------ */

/* Edit distance with transpositions (optimal string alignment), capped. */
size_t cli_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t d[66][66];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t c = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + c < v)
				v = d[i - 1][j - 1] + c;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *cli_closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = 99, len = strlen(word);
	/* close enough to be a typo: 1 edit for short words, 2 for longer */
	size_t limit = len <= 3 ? 1 : 2;
	for (size_t i = 0; i < n; i++) {
		size_t d = cli_edit_distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

/* After getopt's message about argv[optind - 1]: the likely option. */
static void suggest_option(char *const *argv, const struct option *o)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	char word[80];
	const char *names[128];
	size_t n = 0;
	if (!arg || strncmp(arg, "--", 2) || !arg[2])
		return;
	snprintf(word, sizeof word, "%s", arg + 2);
	word[strcspn(word, "=")] = 0;
	if (has_long(o, word))
		return;         /* known: a missing or extra argument */
	for (size_t i = 0; o[i].name && n < 128; i++)
		names[n++] = o[i].name;
	const char *best = cli_closest(word, names, n);
	if (best)
		fprintf(stderr, "%s: did you mean '--%s'?\n", argv[0], best);
}

/* ---- describe mode ------------------------------------------------------- */

int cli_describing(void)
{
	return describe_fd >= 0;
}

/* "--name" or "--name=" a line (values[i], when there are some: after a
 * tab, the words completion offers), then "-x" or "-x=". */
void cli_describe(const char *shortopts, const struct option *o,
		  const char *const *values)
{
	FILE *fp = fdopen(describe_fd, "w");
	if (!fp)
		_exit(4);
	for (size_t i = 0; o[i].name; i++)
		fprintf(fp, "--%s%s%s%s\n", o[i].name,
			o[i].has_arg == required_argument ? "=" : "",
			values && values[i] ? "\t" : "", values && values[i] ? values[i] : "");
	for (const char *s = shortopts; *s; s++)
		if (*s != ':' && *s != '+' && *s != '-')
			fprintf(fp, "-%c%s\n", *s, s[1] == ':' ? "=" : "");
	fflush(fp);
	/* no cleanup of a command stopped at its first line: leave now (the
	 * child of cli_describe_command) */
	_exit(ferror(fp) ? 4 : 0);
}

int cli_describe_command(cli_command_fn fn, const char *name, char ***out,
			 size_t *n)
{
	int fds[2];
	*out = NULL;
	*n = 0;
	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		char *argv[] = { (char *)name, NULL };
		close(fds[0]);
		describe_fd = fds[1];
		optind = 0;
		fn(1, argv);
		_exit(0);       /* a command that parses no options */
	}
	close(fds[1]);
	FILE *fp = fdopen(fds[0], "r");
	char line[256];
	size_t cap = 0;
	while (fp && fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\n")] = 0;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			*out = cli_xrealloc(*out, cap * sizeof **out);
		}
		(*out)[(*n)++] = cli_xstrdup(line);
	}
	if (fp)
		fclose(fp);
	else
		close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* ---- the wrapper ----------------------------------------------------------- */

int cli_getopt_long(int argc, char *const *argv, const char *shortopts,
		    const struct option *longopts, int *longind)
{
	if (describe_fd >= 0)
		cli_describe(shortopts, longopts, NULL);
	if (st.user != longopts || st.argv != argv)
		setup(shortopts, longopts, argv);
	for (;;) {
		/* idx tells -q (a short option: idx untouched) from a long
		 * option whose value happens to be 'q' (trend's --freq) */
		int idx = -1;
		int c = (getopt_long)(argc, argv, st.shortopts, st.merged, &idx);
		if (longind && idx >= 0)
			*longind = idx;
		if (c == GOPT_DB) {
			cli.db_path = optarg;
			continue;
		}
		if (c == 'q' && idx < 0 && !strchr(shortopts, 'q')) {
			cli.quiet = 1;
			continue;
		}
		if (c == GOPT_QUIET) {
			cli.quiet = 1;
			continue;
		}
		if (c == '?') {
			suggest_option(argv, st.merged);
			return c;
		}
		if (c != -1 && st.format_val && c == st.format_val)
			st.format_seen = 1;
		/* assay --format F CMD: hand F to the command last, unless it
		 * was given after the command too (that one wins); only to the
		 * command on the line, not to those report runs inside. */
		if (c == -1 && cli.format && (char **)argv == cli_top_argv &&
		    !st.format_done) {
			st.format_done = 1;
			if (!st.format_val) {
				fprintf(stderr, "%s: --format does not apply to this "
					"command\n", argv[0]);
				return '?';
			}
			if (!st.format_seen) {
				optarg = (char *)cli.format;
				return st.format_val;
			}
		}
		return c;
	}
}
