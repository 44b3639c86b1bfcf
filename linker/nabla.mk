# Building a unikernel against nabla's bindings from another Makefile:
#
#   NABLA ?= /path/to/nabla          # this repository (after `make`)
#   include $(NABLA)/linker/nabla.mk
#   app.spt: app.o manifest.o
#   	$(CC) $(NABLA_LDFLAGS) $^ $(NABLA_LIBS) -o $@
#   %.o: %.c
#   	$(CC) $(NABLA_CFLAGS) -c $< -o $@
#   manifest.c: manifest.json
#   	$(NABLA_PACK) gen-manifest $< -o $@
#   app: app.spt
#   	$(NABLA_PACK) -o $@ $<
#
# The flags produce the same kind of guest as Solo5's spt toolchain: a static
# ET_EXEC at 0x100000, R/X text, R data, R/W data, ABI1 + MFT1 notes and
# PT_INTERP /nonexistent/solo5/.
NABLA ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
NABLA_BUILD ?= $(NABLA)/build

# Freestanding, not position-independent (the guest is linked at a fixed
# address), and the stack guard in the bindings rather than at %fs:0x28,
# which belongs to the guest's own TLS.
NABLA_CFLAGS := -std=c11 -O2 -ffreestanding -fno-pie -fno-pic -mno-red-zone \
	-fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
	-fno-builtin -fstack-protector-strong -mstack-protector-guard=global \
	-I$(NABLA)/include
NABLA_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(NABLA)/linker/guest.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,--build-id=none -Wl,-z,noexecstack
NABLA_LIBS := $(NABLA_BUILD)/bindings/nabla.o $(NABLA_BUILD)/libc/libc.a
NABLA_PACK := $(NABLA_BUILD)/tools/nabla-pack/nabla-pack
