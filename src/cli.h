/**
 * @file cli.h  Entry points of the hotline subcommands (see main.c).
 *
 * Each takes (argc, argv) with argv[0] the subcommand's name, prints its own
 * --help, and returns the process exit status (0 ok, 1 failure, 2 usage).
 */
#ifndef HOTLINE_CLI_H
#define HOTLINE_CLI_H

/** hotline config check FILE | doc  (src/center/cli.c) */
int cmd_config(int argc, char **argv);
/* src/wfm/cmd_erlang.c */
int cmd_erlang(int argc, char **argv);
/* src/daemon/serve.c */
int cmd_serve(int argc, char **argv);
/** hotline simulate [OPTIONS]  (src/sim/cmd.c) */
int cmd_simulate(int argc, char **argv);
/** hotline prompts check | say  (src/ivr/cli.c) */
int cmd_prompts(int argc, char **argv);
/** hotline customers import | export  (src/crm/cli.c) */
int cmd_customers(int argc, char **argv);

/** hotline passwd: an Argon2id hash for password_hash (src/auth/cli.c) */
int cmd_passwd(int argc, char **argv);
/* src/center/tenant_cli.c */
int cmd_tenant(int argc, char **argv);
/** hotline apikey: a new API key and its key_hash (src/auth/cli.c) */
int cmd_apikey(int argc, char **argv);

#endif
