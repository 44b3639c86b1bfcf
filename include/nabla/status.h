/*
 * The exit status of a packed executable that refuses to start its guest
 * (documented in man/nabla.7, EXIT STATUS). Anything else is the guest's own
 * status, or 128 + the signal that ended it.
 */
#ifndef NABLA_STATUS_H
#define NABLA_STATUS_H

/* The stub refused: one line on stderr says why (here: a resource limit
 * too small to start). 125, as env(1), nohup(1) and container runtimes use
 * it: the wrapper failed, not the program. */
#define NABLA_EXIT_REFUSED 125

#endif
