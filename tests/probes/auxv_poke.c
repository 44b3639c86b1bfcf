/*
 * auxv_poke: runs a program with one entry of its auxiliary vector changed,
 * as a kernel of another kind would have set it: to show what the program
 * does on a kernel the test cannot boot (tests/aarch64-stub.bats gives the
 * aarch64 stub AT_PAGESZ 16384, a kernel with 16 KiB pages).
 *
 *   auxv_poke TYPE VALUE PROGRAM [ARGS...]
 *
 * The child stops at its execve (PTRACE_TRACEME), its initial stack is
 * walked (argc, argv, envp, then the auxiliary vector) and the value of
 * entry TYPE replaced before its first instruction; then it runs on
 * untraced. Exits as the program does (128 + N when killed by signal N);
 * 2 when it could not (the failing call on stderr), 3 when the program's
 * auxiliary vector has no entry TYPE.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what)
{
    fprintf(stderr, "auxv_poke: %s: %s\n", what, strerror(errno));
    return 2;
}

static unsigned long stack_pointer(pid_t pid)
{
#if defined(__aarch64__)
    struct user_regs_struct regs;
    struct iovec iov = {&regs, sizeof(regs)};
    if (ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &iov) != 0)
        return 0;
    return regs.sp;
#elif defined(__x86_64__)
    struct user_regs_struct regs;
    if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) != 0)
        return 0;
    return regs.rsp;
#else
#error "auxv_poke: unknown architecture"
#endif
}

/* The word at addr in pid, or -1 with errno set. */
static long peek(pid_t pid, unsigned long addr, int *ok)
{
    errno = 0;
    long v = ptrace(PTRACE_PEEKDATA, pid, (void *)addr, NULL);
    *ok = errno == 0;
    return v;
}

/* Finds entry type in the stopped pid's auxiliary vector and sets it to
 * value: 0, 2 (a ptrace call failed), 3 (no such entry). */
static int poke_auxv(pid_t pid, unsigned long type, unsigned long value)
{
    int ok;
    unsigned long sp = stack_pointer(pid);
    if (sp == 0)
        return fail("PTRACE_GETREGSET");
    long argc = peek(pid, sp, &ok);
    if (!ok)
        return fail("PTRACE_PEEKDATA argc");
    /* argv[argc] is NULL, envp follows up to its own NULL. */
    unsigned long p = sp + 8 * (unsigned long)(argc + 2);
    for (;;) {
        long v = peek(pid, p, &ok);
        if (!ok)
            return fail("PTRACE_PEEKDATA envp");
        p += 8;
        if (v == 0)
            break;
    }
    for (;; p += 16) {
        long t = peek(pid, p, &ok);
        if (!ok)
            return fail("PTRACE_PEEKDATA auxv");
        if (t == AT_NULL)
            return 3;
        if ((unsigned long)t == type) {
            if (ptrace(PTRACE_POKEDATA, pid, (void *)(p + 8), (void *)value) !=
                0)
                return fail("PTRACE_POKEDATA");
            return 0;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: auxv_poke TYPE VALUE PROGRAM [ARGS...]\n");
        return 2;
    }
    unsigned long type = strtoul(argv[1], NULL, 0);
    unsigned long value = strtoul(argv[2], NULL, 0);
    pid_t pid = fork();
    if (pid < 0)
        return fail("fork");
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
            _exit(fail("PTRACE_TRACEME"));
        execv(argv[3], argv + 3);
        _exit(fail(argv[3]));
    }
    int status;
    /* The SIGTRAP of the traced execve. */
    if (waitpid(pid, &status, 0) != pid)
        return fail("waitpid");
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
        fprintf(stderr, "auxv_poke: %s did not stop at its execve\n", argv[3]);
        return 2;
    }
    int rc = poke_auxv(pid, type, value);
    if (rc != 0) {
        if (rc == 3)
            fprintf(stderr, "auxv_poke: no auxiliary vector entry %lu\n", type);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return rc;
    }
    if (ptrace(PTRACE_DETACH, pid, NULL, NULL) != 0)
        return fail("PTRACE_DETACH");
    if (waitpid(pid, &status, 0) != pid)
        return fail("waitpid");
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
