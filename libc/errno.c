/* The guest's errno (include/errno.h). */
#include <errno.h>

int errno;
