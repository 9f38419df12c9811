/* admin.h - `parasol admin ...`: account and invite chores from the command line. */
#ifndef PARASOL_ADMIN_H
#define PARASOL_ADMIN_H

struct config;

/* Runs one admin subcommand (argv[0] is the subcommand name). Prints results on stdout and
 * errors on stderr; returns the process exit code (0 ok, 1 failure, 2 usage). */
int admin_main(const struct config *cfg, int argc, char **argv);

/* Prints the admin subcommands. */
void admin_usage(void);

#endif
