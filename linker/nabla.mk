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

include $(NABLA)/linker/guest-flags.mk
# No host headers: the guest libc's (<stdio.h>, <string.h>, ...), then the
# compiler's own (stddef.h, stdint.h, ...), as the installed nabla.mk does.
NABLA_GCC_INCLUDEDIR ?= $(shell $(CC) -print-file-name=include)
NABLA_CFLAGS := -std=c11 -O2 -nostdinc -isystem $(NABLA)/libc/include \
	-isystem $(NABLA_GCC_INCLUDEDIR) $(NABLA_GUEST_CFLAGS) -I$(NABLA)/include
NABLA_LDFLAGS := $(NABLA_GUEST_LDFLAGS) -Wl,-T,$(NABLA)/linker/guest.ld
NABLA_LIBS := $(NABLA_BUILD)/bindings/nabla.o $(NABLA_BUILD)/libc/libc.a
NABLA_PACK := $(NABLA_BUILD)/tools/nabla-pack/nabla-pack

# A position-independent guest, which the packed executable loads at a
# random address at every start (docs/aslr.md; x86_64): compile with
# NABLA_PIE_CFLAGS, link with NABLA_PIE_LDFLAGS and NABLA_PIE_LIBS, then
# $(NABLA_PIE_FINISH) app.spt (GNU ld marks a PIE linked at 0x100000
# ET_EXEC: this makes it ET_DYN). `make` builds the PIE bindings and libc.
NABLA_PIE_CFLAGS := -std=c11 -O2 -nostdinc -isystem $(NABLA)/libc/include \
	-isystem $(NABLA_GCC_INCLUDEDIR) $(NABLA_GUEST_PIE_CFLAGS) \
	-I$(NABLA)/include
NABLA_PIE_LDFLAGS := $(NABLA_GUEST_PIE_LDFLAGS) \
	-Wl,-T,$(NABLA)/linker/guest-pie.ld
NABLA_PIE_LIBS := $(NABLA_BUILD)/pie/bindings/nabla.o \
	$(NABLA_BUILD)/pie/libc/libc.a
