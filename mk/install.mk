# make install / make uninstall: nabla-pack, nabla-cc, the guest toolchain
# files (bindings object, linker script, headers, nabla.mk, nabla.pc), the
# stub for reference, and the man pages.
#
#   make install PREFIX=/usr/local DESTDIR=/tmp/root
#   make uninstall PREFIX=/usr/local DESTDIR=/tmp/root
#
# Installed layout (PREFIX=/usr/local):
#   bin/nabla-pack  bin/nabla-cc
#   bin/x86_64-solo5-none-static-{cc,ld,objcopy}   (Solo5's toolchain names)
#   bin/aarch64-solo5-none-static-{cc,ld,objcopy}  (the same for aarch64)
#   lib/nabla/{nabla.o,libc.a,guest.ld,nabla.mk,nabla-stub}
#   lib/nabla/aarch64/{nabla.o,libc.a}   (mk/aarch64.mk; nabla-cc --target=aarch64)
#   lib/nabla/aarch64/nabla-stub         (the aarch64 stub, for --stub=; nabla-pack
#                                         carries its own copy)
#   lib/nabla/pie/{nabla.o,libc.a}, lib/nabla/guest-pie.ld
#                   (mk/pie.mk: position-independent guests, docs/aslr.md)
#   lib/pkgconfig/nabla.pc  lib/pkgconfig/nabla-pie.pc
#   include/nabla/solo5.h  include/nabla/nabla/{abi,exit,syscalls,version}.h
#                   (so -I$(PREFIX)/include/nabla finds solo5.h and nabla/abi.h)
#   include/nabla/nabla/arch/ARCH/syscalls.h   (what nabla/syscalls.h picks)
#   include/nabla/libc/{stdio,string,stdlib,...}.h   the guest libc's headers
#   share/man/man1/{nabla-pack,nabla-cc}.1  share/man/man7/nabla.7
#
# The guest flags written into nabla-cc, nabla.pc and nabla.mk are those of
# linker/guest-flags.mk, which the Makefile builds nabla's own guests with.
# All of them, and Solo5's toolchain names, compile with -nostdinc and search
# the guest libc's headers, then the compiler's own (stddef.h, stdint.h,
# limits.h, ...), never the host's: <stdio.h> is the guest's or an error.
# nabla-cc and the Solo5 names ask the compiler for its directory when they
# run, nabla.mk when make runs; nabla.pc cannot run anything, so it names the
# directory gcc gave at install time (gccincludedir, a variable).
# nabla-cc and nabla.mk find the other files relative to themselves, so an
# installed tree works from its DESTDIR too; nabla.pc names the real PREFIX
# (with a DESTDIR: pkg-config --define-variable=prefix=$DESTDIR$PREFIX).

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

INST_VERSION := $(shell sed -n 's/^\#define NABLA_VERSION "\(.*\)"$$/\1/p' \
	include/nabla/version.h)
inst_comma := ,
# What a guest must be compiled and linked with, wherever it is built.
INST_CFLAGS = $(NABLA_GUEST_CFLAGS)
INST_LDFLAGS = $(NABLA_GUEST_LDFLAGS)

INST_GEN := $(B)/install
INST_MAN1 := man/nabla-pack.1 man/nabla-cc.1
INST_MAN7 := man/nabla.7
INST_HEADERS := $(wildcard include/nabla/*.h)
INST_ARCH_HEADERS := $(wildcard include/nabla/arch/*/*.h)
INST_LIBC_HEADERS := $(wildcard libc/include/*.h)

# A path relative to PREFIX as pkg-config writes it (${prefix}/lib).
inst_pc_path = $(patsubst $(PREFIX)/%,$${prefix}/%,$(patsubst \
	$(PREFIX),$${prefix},$(1)))
# "realpath -ms --relative-to": from directory $(1) to $(2), at install time.
inst_rel = $$(realpath -ms --relative-to='$(1)' '$(2)')

# Generated again at every install: they depend on PREFIX and friends.
.PHONY: install uninstall install-gen
install-gen: $(INST_GEN)/nabla.pc $(INST_GEN)/nabla-pie.pc \
	$(INST_GEN)/nabla-cc $(INST_GEN)/nabla.mk $(INST_GEN)/solo5-toolchain

# Solo5's toolchain driver: one script, installed under the three names,
# for each architecture (the name picks it).
SOLO5_TOOLS := $(foreach a,x86_64 aarch64,\
	$(addprefix $(a)-solo5-none-static-,cc ld objcopy))

# nabla.pc and nabla-pie.pc: the same paths, each its own flags.
$(INST_GEN)/nabla.pc: INST_PC_CFLAGS = $(INST_CFLAGS)
$(INST_GEN)/nabla.pc: INST_PC_LDFLAGS = $(INST_LDFLAGS)
$(INST_GEN)/nabla-pie.pc: INST_PC_CFLAGS = $(NABLA_GUEST_PIE_CFLAGS)
$(INST_GEN)/nabla-pie.pc: INST_PC_LDFLAGS = $(NABLA_GUEST_PIE_LDFLAGS)
$(INST_GEN)/%.pc: pkgconfig/%.pc.in include/nabla/version.h FORCE_INSTALL_GEN
	@mkdir -p $(@D)
	sed -e 's|@prefix@|$(PREFIX)|g' \
	    -e 's|@exec_prefix@|$(call inst_pc_path,$(exec_prefix))|g' \
	    -e 's|@bindir@|$(call inst_pc_path,$(bindir))|g' \
	    -e 's|@libdir@|$(call inst_pc_path,$(libdir))|g' \
	    -e 's|@includedir@|$(call inst_pc_path,$(includedir))|g' \
	    -e 's|@nabladir@|$(call inst_pc_path,$(nabladir))|g' \
	    -e 's|@nablaincludedir@|$(call inst_pc_path,$(nablaincludedir))|g' \
	    -e 's|@libcincludedir@|$(call inst_pc_path,$(libcincludedir))|g' \
	    -e "s|@GCC_INCLUDEDIR@|$$(gcc -print-file-name=include)|g" \
	    -e 's|@VERSION@|$(INST_VERSION)|g' \
	    -e 's|@CFLAGS@|$(strip $(INST_PC_CFLAGS))|g' \
	    -e 's|@LDFLAGS@|$(strip $(INST_PC_LDFLAGS))|g' $< >$@.tmp
	mv $@.tmp $@

$(INST_GEN)/nabla-cc: tools/nabla-cc include/nabla/version.h FORCE_INSTALL_GEN
	@mkdir -p $(@D)
	sed -e 's|@VERSION@|$(INST_VERSION)|g' \
	    -e 's|@CFLAGS@|$(strip $(INST_CFLAGS))|g' \
	    -e 's|@CFLAGS_AARCH64@|$(strip $(NABLA_GUEST_CFLAGS_aarch64))|g' \
	    -e 's|@LDFLAGS@|$(strip $(INST_LDFLAGS))|g' \
	    -e 's|@PIE_CFLAGS@|$(strip $(NABLA_GUEST_PIE_CFLAGS))|g' \
	    -e 's|@PIE_LDFLAGS@|$(strip $(NABLA_GUEST_PIE_LDFLAGS))|g' \
	    -e "s|@BIN_TO_NABLADIR@|$(call inst_rel,$(bindir),$(nabladir))|g" \
	    -e "s|@BIN_TO_INCLUDEDIR@|$(call inst_rel,$(bindir),$(nablaincludedir))|g" \
	    $< >$@.tmp
	chmod 755 $@.tmp
	mv $@.tmp $@

$(INST_GEN)/solo5-toolchain: tools/solo5-toolchain FORCE_INSTALL_GEN
	@mkdir -p $(@D)
	sed -e "s|@BIN_TO_NABLADIR@|$(call inst_rel,$(bindir),$(nabladir))|g" \
	    -e "s|@BIN_TO_INCLUDEDIR@|$(call inst_rel,$(bindir),$(nablaincludedir))|g" \
	    $< >$@.tmp
	chmod 755 $@.tmp
	mv $@.tmp $@

# lib/nabla/nabla.mk: linker/nabla.mk's variables, for the installed files.
define INST_NABLA_MK
# nabla @VERSION@: build a Solo5 spt unikernel against the installed nabla
# bindings from another Makefile (installed by nabla's `make install`).
#
#   include @nabladir@/nabla.mk
#   app.spt: app.o manifest.o
#   	$(CC) $(NABLA_LDFLAGS) $^ $(NABLA_LIBS) -o $@
#   %.o: %.c
#   	$(CC) $(NABLA_CFLAGS) -c $< -o $@
#   manifest.c: manifest.json
#   	$(NABLA_PACK) gen-manifest $< -o $@
#   app: app.spt
#   	$(NABLA_PACK) -o $@ $<
#
# The other files are found relative to this one, so a tree installed with
# DESTDIR, or moved elsewhere, works as is.
NABLA_LIBDIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
NABLA_INCLUDEDIR ?= $(abspath $(NABLA_LIBDIR)/@NABLADIR_TO_INCLUDEDIR@)
NABLA_BINDIR ?= $(abspath $(NABLA_LIBDIR)/@NABLADIR_TO_BINDIR@)

# The compiler's own headers (stddef.h, stdint.h, ...): CC is asked.
NABLA_GCC_INCLUDEDIR ?= $(shell $(CC) -print-file-name=include)

# Freestanding, not position-independent (the guest is linked at a fixed
# address), and the stack guard in the bindings rather than at %fs:0x28,
# which belongs to the guest's own TLS. No host headers: the guest libc's
# (<stdio.h>, <string.h>, <stdlib.h>, ...), then the compiler's.
NABLA_CFLAGS := -std=c11 -O2 -nostdinc -isystem $(NABLA_INCLUDEDIR)/libc \
	-isystem $(NABLA_GCC_INCLUDEDIR) @CFLAGS@ -I$(NABLA_INCLUDEDIR)
NABLA_LDFLAGS := @LDFLAGS@ \
	-Wl,-T,$(NABLA_LIBDIR)/guest.ld
NABLA_LIBS := $(NABLA_LIBDIR)/nabla.o $(NABLA_LIBDIR)/libc.a
NABLA_PACK := $(NABLA_BINDIR)/nabla-pack

# A position-independent guest, loaded at a random address at every start
# (x86_64): compile with NABLA_PIE_CFLAGS, link with NABLA_PIE_LDFLAGS and
# NABLA_PIE_LIBS, then run $(NABLA_PIE_FINISH) on the result (GNU ld marks
# a PIE linked at 0x100000 ET_EXEC; this makes it ET_DYN).
NABLA_PIE_CFLAGS := -std=c11 -O2 -nostdinc -isystem $(NABLA_INCLUDEDIR)/libc \
	-isystem $(NABLA_GCC_INCLUDEDIR) @PIE_CFLAGS@ -I$(NABLA_INCLUDEDIR)
NABLA_PIE_LDFLAGS := @PIE_LDFLAGS@ \
	-Wl,-T,$(NABLA_LIBDIR)/guest-pie.ld
NABLA_PIE_LIBS := $(NABLA_LIBDIR)/pie/nabla.o $(NABLA_LIBDIR)/pie/libc.a
NABLA_PIE_FINISH := @PIE_FINISH@
endef

INST_NABLA_MK_TEXT = $(subst @VERSION@,$(INST_VERSION),$(subst \
	@nabladir@,$(nabladir),$(subst @CFLAGS@,$(strip $(INST_CFLAGS)),$(subst \
	@LDFLAGS@,$(strip $(INST_LDFLAGS)),$(subst \
	@PIE_CFLAGS@,$(strip $(NABLA_GUEST_PIE_CFLAGS)),$(subst \
	@PIE_LDFLAGS@,$(strip $(NABLA_GUEST_PIE_LDFLAGS)),$(subst \
	@PIE_FINISH@,$(NABLA_PIE_FINISH),$(value INST_NABLA_MK))))))))

# The text goes through the environment: no quoting, and nothing is written
# while make expands the recipe (make -n).
$(INST_GEN)/nabla.mk: export INST_NABLA_MK_ENV = $(INST_NABLA_MK_TEXT)
$(INST_GEN)/nabla.mk: include/nabla/version.h mk/install.mk FORCE_INSTALL_GEN
	@mkdir -p $(@D)
	printenv INST_NABLA_MK_ENV >$@.tmp
	sed -i -e "s|@NABLADIR_TO_INCLUDEDIR@|$(call inst_rel,$(nabladir),$(nablaincludedir))|" \
	    -e "s|@NABLADIR_TO_BINDIR@|$(call inst_rel,$(nabladir),$(bindir))|" $@.tmp
	mv $@.tmp $@

.PHONY: FORCE_INSTALL_GEN
FORCE_INSTALL_GEN:

install: $(PACK) $(STUB) $(BINDINGS) $(GUEST_LIBC) linker/guest.ld include/solo5.h \
		$(INST_HEADERS) $(INST_LIBC_HEADERS) $(INST_MAN1) $(INST_MAN7) \
		install-gen $(AARCH64_BINDINGS) $(AARCH64_LIBC) $(AARCH64_STUB) \
		$(PIE_BINDINGS) $(PIE_LIBC) linker/guest-pie.ld
	$(INSTALL) -d '$(DESTDIR)$(bindir)' '$(DESTDIR)$(nabladir)' \
		'$(DESTDIR)$(nabladir)/aarch64' '$(DESTDIR)$(nabladir)/pie' \
		'$(DESTDIR)$(pkgconfigdir)' '$(DESTDIR)$(nablaincludedir)/nabla' \
		'$(DESTDIR)$(libcincludedir)' \
		'$(DESTDIR)$(mandir)/man1' '$(DESTDIR)$(mandir)/man7'
	$(INSTALL) -m 755 $(PACK) '$(DESTDIR)$(bindir)/nabla-pack'
	$(INSTALL) -m 755 $(INST_GEN)/nabla-cc '$(DESTDIR)$(bindir)/nabla-cc'
	for t in $(SOLO5_TOOLS); do \
		$(INSTALL) -m 755 $(INST_GEN)/solo5-toolchain "$(DESTDIR)$(bindir)/$$t" || exit 1; \
	done
	$(INSTALL) -m 755 $(STUB) '$(DESTDIR)$(nabladir)/nabla-stub'
	$(INSTALL) -m 644 $(BINDINGS) '$(DESTDIR)$(nabladir)/nabla.o'
	$(INSTALL) -m 644 $(GUEST_LIBC) '$(DESTDIR)$(nabladir)/libc.a'
	$(if $(AARCH64_STUB),$(INSTALL) -m 644 $(AARCH64_BINDINGS) \
		'$(DESTDIR)$(nabladir)/aarch64/nabla.o')
	$(if $(AARCH64_STUB),$(INSTALL) -m 644 $(AARCH64_LIBC) \
		'$(DESTDIR)$(nabladir)/aarch64/libc.a')
	$(if $(AARCH64_STUB),$(INSTALL) -m 755 $(AARCH64_STUB) \
		'$(DESTDIR)$(nabladir)/aarch64/nabla-stub')
	$(INSTALL) -m 644 $(PIE_BINDINGS) '$(DESTDIR)$(nabladir)/pie/nabla.o'
	$(INSTALL) -m 644 $(PIE_LIBC) '$(DESTDIR)$(nabladir)/pie/libc.a'
	$(INSTALL) -m 644 linker/guest.ld '$(DESTDIR)$(nabladir)/guest.ld'
	$(INSTALL) -m 644 linker/guest-pie.ld '$(DESTDIR)$(nabladir)/guest-pie.ld'
	$(INSTALL) -m 644 $(INST_GEN)/nabla.mk '$(DESTDIR)$(nabladir)/nabla.mk'
	$(INSTALL) -m 644 $(INST_GEN)/nabla.pc '$(DESTDIR)$(pkgconfigdir)/nabla.pc'
	$(INSTALL) -m 644 $(INST_GEN)/nabla-pie.pc '$(DESTDIR)$(pkgconfigdir)/nabla-pie.pc'
	$(INSTALL) -m 644 include/solo5.h '$(DESTDIR)$(nablaincludedir)/solo5.h'
	$(INSTALL) -m 644 $(INST_HEADERS) '$(DESTDIR)$(nablaincludedir)/nabla/'
	for h in $(INST_ARCH_HEADERS); do \
		$(INSTALL) -D -m 644 "$$h" "$(DESTDIR)$(nablaincludedir)/nabla/$${h#include/nabla/}" || exit 1; \
	done
	$(INSTALL) -m 644 $(INST_LIBC_HEADERS) '$(DESTDIR)$(libcincludedir)/'
	$(INSTALL) -m 644 $(INST_MAN1) '$(DESTDIR)$(mandir)/man1/'
	$(INSTALL) -m 644 $(INST_MAN7) '$(DESTDIR)$(mandir)/man7/'

uninstall:
	rm -f '$(DESTDIR)$(bindir)/nabla-pack' '$(DESTDIR)$(bindir)/nabla-cc' \
		$(foreach t,$(SOLO5_TOOLS),'$(DESTDIR)$(bindir)/$(t)') \
		'$(DESTDIR)$(nabladir)/nabla-stub' '$(DESTDIR)$(nabladir)/nabla.o' \
		'$(DESTDIR)$(nabladir)/libc.a' \
		'$(DESTDIR)$(nabladir)/aarch64/nabla.o' \
		'$(DESTDIR)$(nabladir)/aarch64/libc.a' \
		'$(DESTDIR)$(nabladir)/aarch64/nabla-stub' \
		'$(DESTDIR)$(nabladir)/pie/nabla.o' \
		'$(DESTDIR)$(nabladir)/pie/libc.a' \
		'$(DESTDIR)$(nabladir)/guest-pie.ld' \
		'$(DESTDIR)$(pkgconfigdir)/nabla-pie.pc' \
		$(foreach h,$(INST_ARCH_HEADERS),'$(DESTDIR)$(nablaincludedir)/nabla/$(patsubst include/nabla/%,%,$(h))') \
		'$(DESTDIR)$(nabladir)/guest.ld' '$(DESTDIR)$(nabladir)/nabla.mk' \
		'$(DESTDIR)$(pkgconfigdir)/nabla.pc' \
		'$(DESTDIR)$(nablaincludedir)/solo5.h' \
		$(foreach h,$(INST_HEADERS),'$(DESTDIR)$(nablaincludedir)/nabla/$(notdir $(h))') \
		$(foreach h,$(INST_LIBC_HEADERS),'$(DESTDIR)$(libcincludedir)/$(notdir $(h))') \
		$(foreach m,$(INST_MAN1),'$(DESTDIR)$(mandir)/man1/$(notdir $(m))') \
		$(foreach m,$(INST_MAN7),'$(DESTDIR)$(mandir)/man7/$(notdir $(m))')
	rmdir '$(DESTDIR)$(nabladir)/aarch64' '$(DESTDIR)$(nabladir)/pie' \
		'$(DESTDIR)$(nabladir)' \
		$(foreach h,$(INST_ARCH_HEADERS),'$(DESTDIR)$(nablaincludedir)/nabla/$(patsubst include/nabla/%,%,$(dir $(h)))') \
		'$(DESTDIR)$(nablaincludedir)/nabla/arch' \
		'$(DESTDIR)$(nablaincludedir)/nabla' \
		'$(DESTDIR)$(libcincludedir)' \
		'$(DESTDIR)$(nablaincludedir)' 2>/dev/null || true
