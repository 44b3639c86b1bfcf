/*
 * Exit statuses of a packed executable, as a shell or systemd sees them:
 *
 *   N     the guest called solo5_exit(N) (or returned N from
 *         solo5_app_main): N modulo 256, 0 for success
 *   255   the guest called solo5_abort() (SOLO5_EXIT_ABORT)
 *   159   killed by SIGSYS (128 + 31): a system call outside the policy
 *   139   killed by SIGSEGV (128 + 11): a bad memory access by the guest
 *   125   NABLA_EXIT_REFUSED: the stub refused to start the guest
 *
 * The stub's own refusals (a bad option, a missing, unusable or locked
 * device, a damaged or incomplete file, a resource limit) all exit with
 * NABLA_EXIT_REFUSED, before the guest runs, so that a service manager can
 * tell a configuration error from a guest that failed
 * (RestartPreventExitStatus=125). 125 is what container runtimes use for
 * their own errors. A guest could exit 125 itself; nabla's guests do not.
 *
 * Plain #defines only: stub/trampoline.S includes this file.
 */
#ifndef NABLA_EXIT_H
#define NABLA_EXIT_H

#define NABLA_EXIT_REFUSED 125

#endif
