/* nabla-pack subcommands that read a packed executable. */
#ifndef NABLA_PACK_INSPECT_H
#define NABLA_PACK_INSPECT_H

/* Each returns the process exit status; argv[0] is the subcommand. */
int cmd_verify(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_extract(int argc, char **argv);
/* Also for a bare Solo5 unikernel; output as solo5-elftool's (query.c). */
int cmd_query_manifest(int argc, char **argv);
int cmd_query_abi(int argc, char **argv);

#endif
