/* assay derive: store a series defined by an expression over others. */
#include <stdio.h>
#include <string.h>

#include "assay/derive.h"
#include "cli.h"
#include "commands.h"
#include "optable.h"

static const char usage[] =
	"Usage: assay derive NAME EXPR [--freq M|Q|A] [--unit U] [--to-unit U]\n"
	"                   [--kind flow|price|stock] [--dry-run]\n"
	"\n"
	"Store NAME as a series defined by EXPR over other series: + - * /,\n"
	"numbers, parentheses, rebase(S, PERIOD) (100 at PERIOD), lag(S, K),\n"
	"sum(PATTERN) over the imported series matching a glob (never a derived\n"
	"one; the members are recorded, and a member removed, renamed or new\n"
	"makes reading NAME an error until it is defined again) and share(A, B)\n"
	"(100*A/B, in %).  Put blanks around a minus: series names may hold\n"
	"'-'; quote a name with other characters ('...').  Inputs are resampled\n"
	"by their kinds to one frequency (--freq, else the lowest of theirs);\n"
	"gaps give NA, partial periods are left out, division by zero gives NA\n"
	"and is reported.  A definition that would make a circle is refused.\n"
	"Units are checked and carried (t + $/mt is an error; a ratio's unit is\n"
	"derived; rebase(S, 2005) is in 2005=100, and indexes on other bases\n"
	"neither add nor convert); --to-unit converts the result, --unit names\n"
	"it when the inputs have none.  The kind follows from the inputs' (a flow\n"
	"times a price is a flow, a ratio of prices a price); where it cannot be\n"
	"told (a flow times a flow) --kind is needed.  A kind inferred is\n"
	"checked whenever NAME is read: an input relabelled another kind since\n"
	"makes it an error until it is defined again (a kind given is kept).\n"
	"The values are computed whenever the series is read, so they follow\n"
	"new vintages of the inputs and --as-of works on them.\n"
	"--dry-run evaluates and reports without storing.\n"
	"Exit status: 0 success, 2 bad expression, unknown series or units,\n"
	"4 database error.\n"
	"\n"
	"Examples:\n"
	"  assay derive wb/copper-aluminum 'wb/copper / wb/aluminum'\n"
	"  assay derive bgs/drc-cobalt-share \\\n"
	"      'share(bgs/democratic-republic-of-congo/cobalt, sum(bgs/*/cobalt))'\n"
	"  assay derive wb/copper-lb wb/copper --to-unit '$/lb'\n";

struct derive_opts {
	assay_freq freq;
	assay_kind kind;
	const char *unit, *to_unit;
	int dry_run;
};

/* The options are named in the usage lines; the table lists none. */
static const struct cli_opt derive_opts_table[] = {
	{ CLI_OPT_FREQ, .key = 'F' },
	{ .name = "unit", .key = 'u', .type = CLI_STR, .arg = "U" },
	{ .name = "to-unit", .key = 'U', .type = CLI_STR, .arg = "U" },
	{ CLI_OPT_KIND, .key = 'k' },
	{ .name = "dry-run", .key = 'n' },
	{ .name = NULL }
};

static const struct cli_optset derive_set = {
	"derive", usage, NULL, 0, derive_opts_table
};

static int parse_opts(int argc, char **argv, struct derive_opts *o)
{
	struct cli_optarg a;
	int c;
	memset(o, 0, sizeof *o);
	while ((c = cli_opt_next(&derive_set, argc, argv, &a)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return a.status ? a.status : -1;
		case 'F':
			o->freq = assay_freq_parse(a.s);
			if (o->freq != ASSAY_FREQ_M && o->freq != ASSAY_FREQ_Q &&
			    o->freq != ASSAY_FREQ_A)
				return cli_usage_error("derive", "--freq takes M, Q or "
						       "A, not '%s'", a.s);
			break;
		case 'k':
			if (!(o->kind = assay_kind_parse(a.s)))
				return cli_usage_error("derive", "--kind takes flow, "
						       "price or stock, not '%s'", a.s);
			break;
		case 'u': o->unit = a.s; break;
		case 'U': o->to_unit = a.s; break;
		case 'n': o->dry_run = 1; break;
		}
	}
	if (optind + 2 != argc)
		return cli_usage_error("derive", "give NAME and EXPR");
	if (o->unit && o->to_unit)
		return cli_usage_error("derive", "give --unit or --to-unit, not both");
	return 0;
}

static void report(const char *name, const assay_derive_result *r,
		   const char *unit, int stored)
{
	char a[32], b[32];
	if (r->n_div_zero)
		cli_warn("%s: %zu period%s divide%s by zero (NA), the first %s", name,
			 r->n_div_zero, r->n_div_zero == 1 ? "" : "s",
			 r->n_div_zero == 1 ? "s" : "",
			 assay_period_format(r->freq, r->first_div_zero, a, sizeof a));
	if (r->n_partial)
		cli_warn("%s: %zu partial period%s left out, the first %s", name,
			 r->n_partial, r->n_partial == 1 ? "" : "s",
			 assay_period_format(r->freq, r->first_partial, a, sizeof a));
	if (!unit && r->note[0])
		cli_warn("%s: unit unknown: %s (give --unit)", name, r->note);
	if (cli.quiet)
		return;
	fprintf(stderr, "assay: %s %s: %zu %s value%s", stored ? "derived" :
		"would derive", name, r->n, assay_freq_adjective(r->freq),
		r->n == 1 ? "" : "s");
	if (r->n)
		fprintf(stderr, " %s to %s",
			assay_period_format(r->freq, r->period[0], a, sizeof a),
			assay_period_format(r->freq, r->period[r->n - 1], b, sizeof b));
	fprintf(stderr, " from %zu series, unit %s, kind %s\n", r->ninputs,
		unit ? unit : "unknown", assay_kind_name(r->kind));
}

int cmd_derive(int argc, char **argv)
{
	struct derive_opts o;
	int status = parse_opts(argc, argv, &o);
	if (status)
		return status < 0 ? 0 : status;
	const char *name = argv[optind], *expr = argv[optind + 1];
	assay_store *st;
	assay_error err;
	assay_derive_result r;
	if ((status = cli_open_store(&st, o.dry_run ? CLI_STORE_READ
					      : CLI_STORE_EDIT)))
		return status;
	if (assay_derive_eval(st, name, expr, o.freq, NULL, o.to_unit, &r, &err)) {
		assay_store_close(st);
		return cli_report(&err);
	}
	if (o.unit && r.unit && strcmp(o.unit, r.unit))
		status = cli_error(ASSAY_EUSAGE, "%s: --unit %s: the expression's "
				   "unit is %s (--to-unit converts)", expr, o.unit,
				   r.unit);
	if (!status && !o.kind && !r.kind)
		status = cli_error(ASSAY_EUSAGE, "%s: the kind of the result cannot "
				   "be told from its inputs (%s): give --kind flow, "
				   "price or stock (summed, averaged or the last value "
				   "over a period)", expr, r.kind_note[0] ?
				   r.kind_note : "none");
	if (o.kind)
		r.kind = o.kind;
	const char *unit = r.unit ? r.unit : o.unit;
	if (!status && !o.dry_run &&
	    assay_store_derived_put(st, name, expr, r.freq, o.to_unit, o.kind,
				    unit, &r, &err))
		status = cli_report(&err);
	if (!status)
		report(name, &r, unit, !o.dry_run);
	assay_derive_result_release(&r);
	assay_store_close(st);
	return status;
}
