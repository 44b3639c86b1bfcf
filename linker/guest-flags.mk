# The flags of a nabla guest, written once: the top Makefile builds the
# examples and test guests with them, linker/nabla.mk hands them to other
# Makefiles, and `make install` writes them into nabla-cc, nabla.pc and the
# installed nabla.mk.
#
# Freestanding, not position-independent (the guest is linked at a fixed
# address), and the stack guard in the bindings (__stack_chk_guard) rather
# than at %fs:0x28, which belongs to the guest's own TLS, if any.
NABLA_GUEST_CFLAGS_x86_64 := -ffreestanding -fno-pie -fno-pic -mno-red-zone \
	-fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
	-fno-builtin -fstack-protector-strong -mstack-protector-guard=global
# aarch64 (mk/aarch64.mk): the same, less what is x86_64's: gcc's stack
# guard is __stack_chk_guard there already, and there is no red zone option.
# No unwind tables (gcc makes them on aarch64 even without the asynchronous
# ones), and no outline atomics: their helpers are in libgcc, which guests
# do not link.
NABLA_GUEST_CFLAGS_aarch64 := -ffreestanding -fno-pie -fno-pic \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fno-tree-loop-distribute-patterns -fno-builtin -fstack-protector-strong \
	-mno-outline-atomics
NABLA_GUEST_CFLAGS := $(NABLA_GUEST_CFLAGS_x86_64)
# A static ET_EXEC in 4 KiB pages; linker/guest.ld is added with -T.
NABLA_GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000 \
	-Wl,--build-id=none -Wl,-z,noexecstack
# Position-independent guests (static PIE, docs/aslr.md; x86_64): -fPIE in
# place of -fno-pie -fno-pic, linked -static-pie with immediate binding and
# linker/guest-pie.ld (added with -T), then marked ET_DYN with
# NABLA_PIE_FINISH FILE (GNU ld marks a PIE linked at a non-zero address
# ET_EXEC).
NABLA_GUEST_PIE_CFLAGS := -fPIE \
	$(filter-out -fno-pie -fno-pic,$(NABLA_GUEST_CFLAGS_x86_64))
NABLA_GUEST_PIE_LDFLAGS := -nostdlib -static-pie -Wl,-z,now \
	-Wl,-z,max-page-size=0x1000 -Wl,--build-id=none -Wl,-z,noexecstack
NABLA_PIE_FINISH := elfedit --output-type=dyn
