/* The subcommands, one file each: src/cli/cmd_NAME.c defines cmd_NAME. */
#ifndef ASSAY_CLI_COMMANDS_H
#define ASSAY_CLI_COMMANDS_H

#include <stddef.h>

int cmd_import(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_derive(int argc, char **argv);
int cmd_changes(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_trend(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_scan(int argc, char **argv);

int cmd_report(int argc, char **argv);
int cmd_completion(int argc, char **argv);

/* The command table (main.c), in the order of the README's reference. */
struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};
extern const struct cli_command cli_commands[];
extern const size_t cli_ncommands;
const struct cli_command *cli_find_command(const char *name);

/* Shared with `report`: the rows of a scan as `assay scan` prints them
 * (rounded: the table format's digits; else full precision). */
struct assay_scan_result;
struct out_table;
struct out_table *scan_result_table(const struct assay_scan_result *r,
				    int rounded);

#endif
