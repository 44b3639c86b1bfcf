# The SDK: what a user builds guests with (nabla-cc, Solo5's toolchain names,
# the bindings, the guest libc and its headers, the linker scripts, nabla.mk,
# nabla.pc, nabla-pack, the stubs, the man pages). `make` stages it in
# $(SDK) (build/sdk/), with the layout of an installed tree, and builds
# every guest of the tree with it (Makefile: guest_compile, guest_link);
# `make install` copies the staged tree. One layout, one generator for the
# files written from templates.
#
#   make install PREFIX=/usr/local DESTDIR=/tmp/root
#   make uninstall PREFIX=/usr/local DESTDIR=/tmp/root
#
# Layout (staged under build/sdk/, installed under PREFIX=/usr/local):
#   bin/nabla-pack  bin/nabla-cc
#   bin/x86_64-solo5-none-static-{cc,ld,objcopy}   (Solo5's toolchain names)
#   bin/aarch64-solo5-none-static-{cc,ld,objcopy}  (the same for aarch64)
#   lib/nabla/{nabla.o,libc.a,guest.ld,nabla.mk,nabla-stub}
#   lib/nabla/aarch64/{nabla.o,libc.a}   (mk/aarch64.mk; nabla-cc --target=aarch64)
#   lib/nabla/aarch64/nabla-stub         (the aarch64 stub, for --stub=; nabla-pack
#                                         carries its own copy)
#   lib/nabla/pie/{nabla.o,libc.a}, lib/nabla/guest-pie.ld
#                   (mk/aslr.mk: position-independent guests, docs/aslr.md)
#   lib/pkgconfig/nabla.pc  lib/pkgconfig/nabla-pie.pc
#   include/nabla/solo5.h  include/nabla/nabla/{abi,exit,syscalls,version}.h
#                   (so -I$(PREFIX)/include/nabla finds solo5.h and nabla/abi.h)
#   include/nabla/nabla/arch/ARCH/syscalls.h   (what nabla/syscalls.h picks)
#   include/nabla/libc/{stdio,string,stdlib,...}.h   the guest libc's headers
#   share/man/man1/{nabla-pack,nabla-cc}.1  share/man/man7/nabla.7
#
# The guest flags written into nabla-cc, nabla.pc and nabla.mk are those of
# linker/guest-flags.mk. All of them, and Solo5's toolchain names, compile
# with -nostdinc and search the guest libc's headers, then the compiler's own
# (stddef.h, stdint.h, limits.h, ...), never the host's: <stdio.h> is the
# guest's or an error. nabla-cc and the Solo5 names ask the compiler for its
# directory when they run, nabla.mk when make runs; nabla.pc cannot run
# anything, so it names the directory gcc gave when it was written
# (gccincludedir, a variable). nabla-cc and nabla.mk find the other files
# relative to themselves, so an installed tree works from its DESTDIR too;
# nabla.pc names the real PREFIX (with a DESTDIR: pkg-config
# --define-variable=prefix=$DESTDIR$PREFIX).

PREFIX ?= /usr/local
DESTDIR ?=
exec_prefix ?= $(PREFIX)
bindir ?= $(exec_prefix)/bin
libdir ?= $(exec_prefix)/lib
includedir ?= $(PREFIX)/include
datarootdir ?= $(PREFIX)/share
mandir ?= $(datarootdir)/man
pkgconfigdir ?= $(libdir)/pkgconfig
nabladir ?= $(libdir)/nabla
nablaincludedir ?= $(includedir)/nabla
libcincludedir ?= $(nablaincludedir)/libc
INSTALL ?= install

# --- the files copied from the build and the source tree: STAGED=SOURCE ------
# Copies, not symbolic links: a copy is newer than the guests linked with
# the file it replaces, so make relinks them in the same run.
SDK_COPIED := bin/nabla-pack=$(PACK) lib/nabla/nabla-stub=$(STUB) \
	lib/nabla/nabla.o=$(BINDINGS) lib/nabla/libc.a=$(GUEST_LIBC) \
	lib/nabla/guest.ld=linker/guest.ld \
	lib/nabla/pie/nabla.o=$(PIE_BINDINGS) lib/nabla/pie/libc.a=$(PIE_LIBC) \
	lib/nabla/guest-pie.ld=linker/guest-pie.ld \
	$(if $(AARCH64_STUB),lib/nabla/aarch64/nabla.o=$(AARCH64_BINDINGS) \
		lib/nabla/aarch64/libc.a=$(AARCH64_LIBC) \
		lib/nabla/aarch64/nabla-stub=$(AARCH64_STUB)) \
	$(foreach m,$(wildcard man/*.1 man/*.7),\
		share/man/man$(subst .,,$(suffix $(m)))/$(notdir $(m))=$(m))
SDK_HEADERS_COPIED := include/nabla/solo5.h=include/solo5.h \
	$(foreach h,$(wildcard include/nabla/*.h include/nabla/arch/*/*.h),\
		include/nabla/nabla/$(h:include/nabla/%=%)=$(h)) \
	$(foreach h,$(wildcard libc/include/*.h),\
		include/nabla/libc/$(notdir $(h))=$(h))
sdk_staged = $(firstword $(subst =, ,$(1)))
sdk_source = $(lastword $(subst =, ,$(1)))

define sdk_copy_rule
$(SDK)/$(call sdk_staged,$(1)): $(call sdk_source,$(1))
	@mkdir -p $$(@D)
	cp $$< $$@
endef
$(foreach f,$(SDK_COPIED) $(SDK_HEADERS_COPIED),\
	$(eval $(call sdk_copy_rule,$(f))))

# The guests' compilations wait for the staged headers (Makefile).
SDK_HEADERS := $(addprefix $(SDK)/,\
	$(foreach f,$(SDK_HEADERS_COPIED),$(call sdk_staged,$(f))))
.PHONY: sdk sdk-headers
sdk-headers: $(SDK_HEADERS)

# --- the files written from templates -------------------------------------------
# The same recipes write the staged ones, for build/sdk/, and make install's,
# for PREFIX and friends, into $(INST_GEN) (build/install/, with the same
# layout); GEN_* are the directories each is written for.
INST_GEN := $(B)/install
SOLO5_TOOLS := $(foreach a,x86_64 aarch64,\
	$(addprefix $(a)-solo5-none-static-,cc ld objcopy))
SDK_GENERATED := bin/nabla-cc $(addprefix bin/,$(SOLO5_TOOLS)) \
	lib/nabla/nabla.mk lib/pkgconfig/nabla.pc lib/pkgconfig/nabla-pie.pc

$(SDK)/%: GEN_prefix = $(abspath $(SDK))
$(SDK)/%: GEN_exec_prefix = $(abspath $(SDK))
$(SDK)/%: GEN_bindir = $(abspath $(SDK))/bin
$(SDK)/%: GEN_libdir = $(abspath $(SDK))/lib
$(SDK)/%: GEN_includedir = $(abspath $(SDK))/include
$(SDK)/%: GEN_nabladir = $(abspath $(SDK))/lib/nabla
$(SDK)/%: GEN_nablaincludedir = $(abspath $(SDK))/include/nabla
$(SDK)/%: GEN_libcincludedir = $(abspath $(SDK))/include/nabla/libc
$(INST_GEN)/%: GEN_prefix = $(PREFIX)
$(INST_GEN)/%: GEN_exec_prefix = $(exec_prefix)
$(INST_GEN)/%: GEN_bindir = $(bindir)
$(INST_GEN)/%: GEN_libdir = $(libdir)
$(INST_GEN)/%: GEN_includedir = $(includedir)
$(INST_GEN)/%: GEN_nabladir = $(nabladir)
$(INST_GEN)/%: GEN_nablaincludedir = $(nablaincludedir)
$(INST_GEN)/%: GEN_libcincludedir = $(libcincludedir)

# make install's are written again at every install: they depend on PREFIX
# and friends. The staged ones only when what they are made of changes.
$(addprefix $(INST_GEN)/,$(SDK_GENERATED)): FORCE_INSTALL_GEN
.PHONY: FORCE_INSTALL_GEN
FORCE_INSTALL_GEN:
SDK_GEN_INPUTS := include/nabla/version.h linker/guest-flags.mk mk/sdk.mk

INST_VERSION := $(shell sed -n 's/^\#define NABLA_VERSION "\(.*\)"$$/\1/p' \
	include/nabla/version.h)
# A path relative to GEN_prefix as pkg-config writes it (${prefix}/lib).
gen_pc_path = $(patsubst $(GEN_prefix)/%,$${prefix}/%,$(patsubst \
	$(GEN_prefix),$${prefix},$(1)))
# "realpath -ms --relative-to": from directory $(1) to $(2), when written.
gen_rel = $$(realpath -ms --relative-to='$(1)' '$(2)')

# The values of the templates' @NAME@s (tools/nabla-cc,
# tools/solo5-toolchain, linker/nabla.mk.in, pkgconfig/*.pc.in).
GEN_SED = sed -e 's|@VERSION@|$(INST_VERSION)|g' \
	-e 's|@CFLAGS@|$(strip $(NABLA_GUEST_CFLAGS))|g' \
	-e 's|@CFLAGS_AARCH64@|$(strip $(NABLA_GUEST_CFLAGS_aarch64))|g' \
	-e 's|@LDFLAGS@|$(strip $(NABLA_GUEST_LDFLAGS))|g' \
	-e 's|@PIE_CFLAGS@|$(strip $(NABLA_GUEST_PIE_CFLAGS))|g' \
	-e 's|@PIE_LDFLAGS@|$(strip $(NABLA_GUEST_PIE_LDFLAGS))|g' \
	-e 's|@PIE_FINISH@|$(NABLA_PIE_FINISH)|g' \
	-e 's|@nabladir@|$(GEN_nabladir)|g' \
	-e "s|@BIN_TO_NABLADIR@|$(call gen_rel,$(GEN_bindir),$(GEN_nabladir))|g" \
	-e "s|@BIN_TO_INCLUDEDIR@|$(call gen_rel,$(GEN_bindir),$(GEN_nablaincludedir))|g" \
	-e "s|@NABLADIR_TO_INCLUDEDIR@|$(call gen_rel,$(GEN_nabladir),$(GEN_nablaincludedir))|g" \
	-e "s|@NABLADIR_TO_BINDIR@|$(call gen_rel,$(GEN_nabladir),$(GEN_bindir))|g"

$(SDK)/bin/nabla-cc $(INST_GEN)/bin/nabla-cc: tools/nabla-cc $(SDK_GEN_INPUTS)
	@mkdir -p $(@D)
	$(GEN_SED) $< >$@.tmp
	chmod 755 $@.tmp
	mv $@.tmp $@

# Solo5's toolchain driver: one script under the three names, for each
# architecture (the name picks it).
$(addprefix $(SDK)/bin/,$(SOLO5_TOOLS)) $(addprefix $(INST_GEN)/bin/,$(SOLO5_TOOLS)): \
		tools/solo5-toolchain $(SDK_GEN_INPUTS)
	@mkdir -p $(@D)
	$(GEN_SED) $< >$@.tmp
	chmod 755 $@.tmp
	mv $@.tmp $@

$(SDK)/lib/nabla/nabla.mk $(INST_GEN)/lib/nabla/nabla.mk: linker/nabla.mk.in \
		$(SDK_GEN_INPUTS)
	@mkdir -p $(@D)
	$(GEN_SED) $< >$@.tmp
	mv $@.tmp $@

# nabla.pc and nabla-pie.pc: the same paths, each its own flags.
%/nabla.pc: GEN_PC_CFLAGS = $(NABLA_GUEST_CFLAGS)
%/nabla.pc: GEN_PC_LDFLAGS = $(NABLA_GUEST_LDFLAGS)
%/nabla-pie.pc: GEN_PC_CFLAGS = $(NABLA_GUEST_PIE_CFLAGS)
%/nabla-pie.pc: GEN_PC_LDFLAGS = $(NABLA_GUEST_PIE_LDFLAGS)
define gen_pc
@mkdir -p $(@D)
sed -e 's|@prefix@|$(GEN_prefix)|g' \
    -e 's|@exec_prefix@|$(call gen_pc_path,$(GEN_exec_prefix))|g' \
    -e 's|@bindir@|$(call gen_pc_path,$(GEN_bindir))|g' \
    -e 's|@libdir@|$(call gen_pc_path,$(GEN_libdir))|g' \
    -e 's|@includedir@|$(call gen_pc_path,$(GEN_includedir))|g' \
    -e 's|@nabladir@|$(call gen_pc_path,$(GEN_nabladir))|g' \
    -e 's|@nablaincludedir@|$(call gen_pc_path,$(GEN_nablaincludedir))|g' \
    -e 's|@libcincludedir@|$(call gen_pc_path,$(GEN_libcincludedir))|g' \
    -e "s|@GCC_INCLUDEDIR@|$$(gcc -print-file-name=include)|g" \
    -e 's|@VERSION@|$(INST_VERSION)|g' \
    -e 's|@CFLAGS@|$(strip $(GEN_PC_CFLAGS))|g' \
    -e 's|@LDFLAGS@|$(strip $(GEN_PC_LDFLAGS))|g' $< >$@.tmp
mv $@.tmp $@
endef
$(SDK)/lib/pkgconfig/%.pc: pkgconfig/%.pc.in $(SDK_GEN_INPUTS)
	$(gen_pc)
$(INST_GEN)/lib/pkgconfig/%.pc: pkgconfig/%.pc.in $(SDK_GEN_INPUTS)
	$(gen_pc)

# --- the staged tree --------------------------------------------------------------
SDK_FILES := $(foreach f,$(SDK_COPIED) $(SDK_HEADERS_COPIED),\
	$(call sdk_staged,$(f))) $(SDK_GENERATED)
sdk: $(addprefix $(SDK)/,$(SDK_FILES))
EXTRA_ALL += sdk

# --- make install / make uninstall: the staged tree, with make install's own
# generated files, into PREFIX's directories ---------------------------------------
# sdk_install_path STAGED: where make install puts the staged file.
sdk_install_path = $(strip \
	$(patsubst bin/%,$(bindir)/%,$(filter bin/%,$(1))) \
	$(patsubst lib/nabla/%,$(nabladir)/%,$(filter lib/nabla/%,$(1))) \
	$(patsubst lib/pkgconfig/%,$(pkgconfigdir)/%,$(filter lib/pkgconfig/%,$(1))) \
	$(patsubst include/nabla/libc/%,$(libcincludedir)/%,\
		$(filter include/nabla/libc/%,$(1))) \
	$(patsubst include/nabla/%,$(nablaincludedir)/%,\
		$(filter-out include/nabla/libc/%,$(filter include/nabla/%,$(1)))) \
	$(patsubst share/man/%,$(mandir)/%,$(filter share/man/%,$(1))))
sdk_install_source = $(if $(filter $(SDK_GENERATED),$(1)),$(INST_GEN),$(SDK))/$(1)
sdk_install_mode = $(if $(filter bin/% %/nabla-stub,$(1)),755,644)
define newline


endef

.PHONY: install uninstall
install: sdk $(addprefix $(INST_GEN)/,$(SDK_GENERATED))
	$(foreach f,$(SDK_FILES),$(INSTALL) -d '$(DESTDIR)$(dir $(call \
		sdk_install_path,$(f)))'$(newline)$(INSTALL) -m $(call \
		sdk_install_mode,$(f)) $(call sdk_install_source,$(f)) \
		'$(DESTDIR)$(call sdk_install_path,$(f))'$(newline))

# The files, then the directories of nabla's own that are left empty.
uninstall:
	rm -f $(foreach f,$(SDK_FILES),'$(DESTDIR)$(call sdk_install_path,$(f))')
	for d in '$(DESTDIR)$(nabladir)' '$(DESTDIR)$(nablaincludedir)'; do \
		[ ! -d "$$d" ] || find "$$d" -depth -type d -empty -delete; \
	done
