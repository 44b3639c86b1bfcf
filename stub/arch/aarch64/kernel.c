/*
 * aarch64: what the stub asks of the kernel before it opens any device,
 * and where the user address space ends.
 */
#include <linux/seccomp.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stub.h"
#include "stub_arch.h"

/*
 * Pages: arm64 kernels are built for 4, 16 or 64 KiB pages; Solo5's spt
 * ABI lays guest memory out in 4 KiB pages (docs/abi.md §1), and so does
 * this file. Seccomp: qemu-user (qemu-aarch64) runs aarch64 programs on
 * another kernel but implements no seccomp (the call is ENOSYS), so a
 * guest would run unconfined there: refused, as is a kernel without
 * seccomp filters or without SECCOMP_RET_KILL_PROCESS, the filter's
 * action (Linux 4.14).
 */
void arch_check_kernel(void)
{
    unsigned long page = getauxval(AT_PAGESZ);
    if (page != SPT_PAGE_SIZE)
        stub_die("this kernel's pages are %lu bytes: the guest's memory "
                 "layout (Solo5's spt ABI) needs a kernel with 4 KiB pages",
                 page);

    unsigned action = SECCOMP_RET_KILL_PROCESS;
    if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0)
        stub_die_errno("no seccomp filters here, so the guest cannot be "
                       "confined (qemu-user implements none: run it on "
                       "an arm64 kernel): seccomp");
}

/*
 * Everything above guest memory is unmapped before the jump, up to the
 * end of the user address space (stub/leave.c). It ends at 2^39, 2^48 or
 * 2^52 as the kernel was configured, and munmap refuses a range past it;
 * the stack is the highest mapping (arm64 has no [vsyscall]; the vDSO lies
 * below the stack), so the end is the first power of two above the stack.
 */
uint64_t arch_user_space_end(void)
{
    uint64_t sp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
    uint64_t end = 1ull << 39;
    while (end <= sp)
        end <<= 1;
    return end;
}
