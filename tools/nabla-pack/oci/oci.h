/* nabla-pack oci: a packed executable as an OCI image layout. */
#ifndef NABLA_PACK_OCI_H
#define NABLA_PACK_OCI_H

/* Returns the process exit status; argv[0] is the subcommand. */
int cmd_oci(int argc, char **argv);

#endif
