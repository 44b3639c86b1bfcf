# The flags of a nabla guest, written once: the top Makefile builds the
# examples and test guests with them, linker/nabla.mk hands them to other
# Makefiles, and `make install` writes them into nabla-cc, nabla.pc and the
# installed nabla.mk.
#
# Freestanding, not position-independent (the guest is linked at a fixed
# address), and the stack guard in the bindings (__stack_chk_guard) rather
# than at %fs:0x28, which belongs to the guest's own TLS, if any.
NABLA_GUEST_CFLAGS := -ffreestanding -fno-pie -fno-pic -mno-red-zone \
	-fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
	-fno-builtin -fstack-protector-strong -mstack-protector-guard=global
# A static ET_EXEC in 4 KiB pages; linker/guest.ld is added with -T.
NABLA_GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000 \
	-Wl,--build-id=none -Wl,-z,noexecstack
