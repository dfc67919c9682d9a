/*
 * Shared pieces of the assay command: the global options, the dispatch
 * table's command signature, and message helpers.  Only the CLI prints.
 */
#ifndef ASSAY_CLI_H
#define ASSAY_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include "assay/assay.h"
#include "assay/store.h"

struct cli_globals {
	const char *db_path;    /* --db, $ASSAY_DB or ./assay.db */
	int quiet;              /* -q: no progress or summaries on stderr */
	const char *format;     /* --format before the command, or NULL */
};
extern struct cli_globals cli;

/* A subcommand: argv[0] is the command name; returns the exit status. */
typedef int (*cli_command_fn)(int argc, char **argv);

/* Every command's getopt_long() is this (options.c): the global options
 * --db, -q/--quiet and --format are taken anywhere on the line, and an
 * unknown option's error names the closest one.  main sets cli_top_argv
 * to the argv it hands the command. */
int cli_getopt_long(int argc, char *const *argv, const char *shortopts,
		    const struct option *longopts, int *longind);
#define getopt_long(argc, argv, s, l, i) cli_getopt_long(argc, argv, s, l, i)
extern char **cli_top_argv;

/* Run fn in a child process that prints the command's option table
 * instead of parsing ("--name=" takes an argument; "-j=" likewise) and
 * collect the lines in *out (assay_strv_free).  For completion and for
 * errors about options given before the command. */
int cli_describe_command(cli_command_fn fn, const char *name, char ***out,
			 size_t *n);

/* Describe mode, for optable.c: is this the child of
 * cli_describe_command, and print a table there ("--name=\tWORDS" with
 * the completion words of values[i], when not NULL) and _exit. */
int cli_describing(void);
_Noreturn void cli_describe(const char *shortopts, const struct option *o,
			    const char *const *values);

/* The candidate closest to word by edit distance, if close enough to be
 * a typo (1 edit for words of up to 3 letters, else 2); else NULL. */
const char *cli_closest(const char *word, const char *const *cands, size_t n);
size_t cli_edit_distance(const char *a, const char *b);

/* Out of memory, the CLI's one rule: "assay: out of memory" on stderr
 * and exit status 4 (ASSAY_EIO), never abort().  cli_oom() prints it and
 * returns 4, for a command that can still clean up (`return cli_oom();`);
 * cli_die_oom() prints it and exits 4 at once.  The cli_x* allocators
 * are malloc, calloc, realloc and strdup that never return NULL: they
 * call cli_die_oom() (stdout is flushed by exit; a transaction left open
 * is rolled back by SQLite).  main hands them to jansson too, so a JSON
 * object is never silently missing a field. */
int cli_oom(void);
_Noreturn void cli_die_oom(void);
void *cli_xmalloc(size_t n);
void *cli_xcalloc(size_t n, size_t size);
void *cli_xrealloc(void *p, size_t n);
char *cli_xstrdup(const char *s);

/* "assay: " + message on stderr, returns status. */
int cli_error(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "assay: no series 'NAME' in DB" (db: the path as the user gave it), with "; did you mean 'X'?" when the
 * store holds a near name (a typo, other capitals); returns ASSAY_EUSAGE. */
int cli_no_series(assay_store *st, const char *name, const char *db);
/* Print err->msg as "assay: MSG" and return err->status. */
int cli_report(const assay_error *err);
/* prefix + message as one line on stderr, control characters and bytes
 * that are not UTF-8 escaped (every message goes through it). */
void cli_message(const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "assay: warning: ..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Usage error: "assay CMD: MSG" + "Try 'assay CMD --help'." -> 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Series arguments (exact names and glob patterns) to the names of the
 * series they mean, each once, in argument order (O(n log n)): the one
 * resolver, and the one rule, of the commands that take SERIES.  An
 * argument with * ? or [ is a pattern, whatever the names of the store:
 * it must match at least one series ("no series matches 'P'"), and when
 * it is also a series' name a note says how to name that series alone
 * (its glob characters bracketed: 'g/[*]').  Any other argument is an
 * exact name that must exist ("no series 'X' in DB", with "did you
 * mean").  flags:
 *   CLI_RESOLVE_ALL         no arguments: every series of the store
 *   CLI_RESOLVE_NONEMPTY    ... and an empty store is an error ("no
 *                           series in DB"; plot --all)
 *   CLI_RESOLVE_NAME_STORE  "no series matches 'P' in DB" (plot)
 *   CLI_RESOLVE_GO_ON       an argument that names no series is reported
 *                           and the others are resolved: the names are
 *                           returned with the status of the miss (check)
 * On error prints "assay: ..." and returns the exit status (*names NULL);
 * else 0.  Free *names with assay_strv_free. */
enum {
	CLI_RESOLVE_ALL = 1,
	CLI_RESOLVE_NONEMPTY = 2,
	CLI_RESOLVE_NAME_STORE = 8,
	CLI_RESOLVE_GO_ON = 16
};
int cli_resolve_series(assay_store *st, char **args, int nargs,
		       unsigned flags, char ***names, size_t *n);
/* Does s contain glob characters (* ? [)? */
int cli_is_glob(const char *s);
/* Do the rows need a series column: several arguments, or a pattern
 * (changes, check, export)?  The same arguments, the same shape. */
int cli_series_multi(char **args, int nargs);

/* Open the store named by the globals (in filter mode: the private
 * store cli_filter_load made, handed over once).  mode: how (1, the
 * readers' value, is CLI_STORE_READ). */
enum cli_store_mode {
	CLI_STORE_CREATE = 0,   /* write, making the store if need be (import) */
	CLI_STORE_READ = 1,     /* read an existing store */
	CLI_STORE_EDIT = 2      /* write an existing store (rm, rename, merge,
				 * derive): a mistyped --db is "no such store",
				 * as for a reader, and no new empty file */
};
int cli_open_store(assay_store **st, int mode);

/* Filter mode of check and changes ("-" as the only SERIES): read a CSV
 * from standard input into a private in-memory store, as assay import
 * would (layout detected; --series NAME names a date,value file's one
 * series, --kind gives the kind, --decimal the decimal mark), so that assay works in a pipeline
 * without a database file.  Returns 0 or the exit status (message
 * printed); *pattern is what to ask the store for ("*" or NAME). */
struct cli_filter {
	const char *kind;       /* --kind */
	const char *series;     /* --series */
	const char *decimal;    /* --decimal: "." or "," (NULL: as import) */
};
int cli_filter_load(const char *cmd, const struct cli_filter *f,
		    const char **pattern);
/* For a command after its options: with argv[optind] "-" the only SERIES,
 * load the filter store and make the pattern the only argument;
 * --kind/--series/--decimal without '-' is a usage error.  Returns 0 or the exit
 * status. */
int cli_filter_args(const char *cmd, int *argc, char ***argv,
		    const struct cli_filter *f);

/* Threads when -j is not given: the CPUs online, at most 8.  (The
 * options several commands share, --window, --min-history and -j/--jobs,
 * have their one range in optable.h's CLI_OPT_* fragments.) */
int cli_default_jobs(void);

/* --from/--to: read the period label `s` (NULL: leave *bound alone) and
 * set *bound to the first (is --from) or last period of the series'
 * frequency that it covers; `opt` is "--from" or "--to".  Prints a usage
 * error and returns 2 on a bad label. */
/* --from after --to (2024 and 2020, or 2026Q2 and 2026-03): a usage
 * error (2), not an empty answer with exit 0; 0 when fine or when a label
 * does not read (the command reports that). */
int cli_check_range(const char *cmd, const char *from, const char *to);
int cli_period_bound(const assay_series_info *info, const char *s,
		     assay_period *bound, const char *opt);

/* Standard output: call cli_stdout_init() first thing in main; it makes
 * stdout a stream that remembers the errno of its first failed write (and
 * fills a closed fd 0-2 so that nothing else is opened there).  A command
 * that finds its output failed returns cli_write_error(): one line,
 * "assay: write error on standard output: TEXT" with that first error,
 * printed once, and 4.  cli_close_stdout() flushes and closes stdout at
 * exit and reports a write error that nobody reported yet (whatever the
 * command returned: 4 then). */
void cli_stdout_init(void);
int cli_stdout_errno(void);             /* 0: no write to stdout failed */
/* The write error on standard output has been reported (with what it
 * means for the command): the exit does not report it again. */
void cli_stdout_mark_reported(void);
void cli_stdout_clear_error(void);      /* forget it (report's captures) */
int cli_write_error(void);
int cli_close_stdout(int status);

/* The same kind of stream over any descriptor open for writing: the
 * errno of its first failed write, or of the close(fd) that fclose does,
 * lands in *first_errno (set to 0 here).  NULL when out of memory. */
FILE *cli_fdopen_w(int fd, int *first_errno);

/* Commands that leave temporary files while they work (plot, report)
 * call cli_catch_signals(): TERM, INT and HUP then only set cli_signal,
 * the command checks it at its steps, removes what it made and returns;
 * main then calls cli_reraise_signal(), so that the process dies of the
 * signal (status 128+N to the shell) as if it had not been caught. */
extern volatile sig_atomic_t cli_signal;
void cli_catch_signals(void);
void cli_reraise_signal(void);      /* no-op when cli_signal is 0 */

/* The one --freq rule of every command (check, changes, scan, report,
 * plot, export): a series whose own frequency is already lower than the
 * one --freq asks for (annual data under --freq Q) keeps its own, and the
 * command says so in one note on stderr at the end; it is not an error.
 * cli_freq_effective is pure (any thread); note_add and note_print run on
 * the main thread.  asked ASSAY_FREQ_NONE: the series' own frequency. */
struct cli_freq_note {
	assay_freq asked;       /* --freq, or ASSAY_FREQ_NONE */
	size_t n;               /* series kept at their own frequency */
	char first[256];        /* the first of them */
	assay_freq first_freq;
};
assay_freq cli_freq_effective(assay_freq asked, assay_freq native);
/* Count `series` when --freq was raised to its native frequency. */
void cli_freq_note_add(struct cli_freq_note *note, const char *series,
		       assay_freq native);
/* "assay CMD: note: ..." (nothing when no series was kept or under -q). */
void cli_freq_note_print(const struct cli_freq_note *note, const char *cmd);
/* Parse a --freq value: 0, or a usage error naming cmd -> 2. */
int cli_parse_freq(const char *cmd, const char *s, assay_freq *out);

/* Is stderr a terminal (progress bars only then)? */
int cli_stderr_is_tty(void);

#endif
