/* nabla-pack oci: being written. */
#include "inspect.h"

int cmd_oci(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}
