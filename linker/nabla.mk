# Building a unikernel against nabla's bindings from another Makefile, with
# this source tree after `make`:
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
#
# It includes the nabla.mk of the SDK that `make` stages in
# $(NABLA_BUILD)/sdk/ (mk/sdk.mk), the installed nabla.mk's text for the
# files of that tree, which also builds nabla's own guests: it defines
# NABLA_CFLAGS, NABLA_LDFLAGS, NABLA_LIBS, NABLA_PACK and the NABLA_PIE_*.
NABLA ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
NABLA_BUILD ?= $(NABLA)/build

ifeq ($(wildcard $(NABLA_BUILD)/sdk/lib/nabla/nabla.mk),)
$(error nabla: no $(NABLA_BUILD)/sdk/lib/nabla/nabla.mk: run make in $(NABLA) first)
endif
include $(NABLA_BUILD)/sdk/lib/nabla/nabla.mk
