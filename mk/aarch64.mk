# aarch64: what is built for 64-bit Arm on this (x86_64) machine, into
# $(B)/aarch64/, with Debian's cross toolchain (gcc-aarch64-linux-gnu,
# musl-dev:arm64: scripts/install-deps installs them), and the arm64 test
# VM (scripts/arm64-vm) that tests/aarch64*.bats boot.
#
# make NABLA_AARCH64=0 builds nothing for aarch64 and needs no cross
# toolchain: nabla-pack then carries the x86_64 stub alone and refuses an
# aarch64 guest, saying so; the aarch64 tests skip, saying why.
NABLA_AARCH64 ?= 1
ifeq ($(NABLA_AARCH64),1)

AARCH64_PREFIX := aarch64-linux-gnu-
# The cross toolchain, asked once, after scripts/install-deps: one line
# saying what is missing instead of a compiler's "not found".
AARCH64_TOOLCHAIN := $(B)/aarch64/.toolchain
$(AARCH64_TOOLCHAIN): | $(DEPS_STAMP)
	@for t in aarch64-linux-gnu-gcc aarch64-linux-musl-gcc; do \
		command -v $$t >/dev/null || { echo "make: no $$t (the aarch64 cross \
toolchain: scripts/install-deps installs it as root; make NABLA_AARCH64=0 \
builds for x86_64 alone)" >&2; exit 1; }; done
	@mkdir -p $(@D)
	@touch $@

AARCH64_CC := $(AARCH64_PREFIX)gcc
AB := $(B)/aarch64
# A change of flags rebuilds what they compiled.
AARCH64_MAKEFILES := Makefile mk/aarch64.mk linker/guest-flags.mk

AARCH64_LD := $(AARCH64_PREFIX)ld
AARCH64_AR := $(AARCH64_PREFIX)ar
AARCH64_OBJCOPY := $(AARCH64_PREFIX)objcopy
# The cross compiler's own headers (stddef.h, stdint.h, ...), asked when a
# recipe runs, as for GCC_INCLUDE.
AARCH64_GCC_INCLUDE := "$$($(AARCH64_CC) -print-file-name=include)"

# --- guest side: bindings, libc, the tree's own guests ---------------------
# The same sources as for x86_64 (Makefile), with bindings/arch/aarch64/ in
# place of bindings/arch/x86_64/, and linker/guest-flags.mk's aarch64 flags;
# staged in $(SDK)/lib/nabla/aarch64/ (mk/sdk.mk).
AARCH64_GUEST_CFLAGS := -std=c11 -O2 -g $(WARN) $(DEPFLAGS) -Iinclude \
	$(filter-out -fstack-protector-strong,$(NABLA_GUEST_CFLAGS_aarch64))
AARCH64_BINDINGS_CFLAGS := $(AARCH64_GUEST_CFLAGS) -fno-stack-protector \
	-Ilibc/include -Ibindings
# The libc's (the guests' own: Makefile, guest_compile).
AARCH64_LIBC_CFLAGS := -std=c11 -O2 -g $(WARN) $(DEPFLAGS) -Iinclude \
	$(NABLA_GUEST_CFLAGS_aarch64)

AARCH64_BINDINGS_SRCS := $(wildcard bindings/*.c bindings/arch/aarch64/*.c)
AARCH64_BINDINGS_OBJS := $(patsubst %.c,$(AB)/%.o,$(AARCH64_BINDINGS_SRCS)) \
	$(AB)/bindings/mem.o
AARCH64_BINDINGS := $(AB)/bindings/nabla.o

$(AB)/bindings/%.o: bindings/%.c $(AARCH64_MAKEFILES) | $(AARCH64_TOOLCHAIN)
	@mkdir -p $(@D)
	$(AARCH64_CC) $(AARCH64_BINDINGS_CFLAGS) -c $< -o $@
$(AB)/bindings/mem.o: libc/mem.c $(AARCH64_MAKEFILES) | $(AARCH64_TOOLCHAIN)
	@mkdir -p $(@D)
	$(AARCH64_CC) $(AARCH64_BINDINGS_CFLAGS) -c $< -o $@
$(AARCH64_BINDINGS): $(AARCH64_BINDINGS_OBJS)
	$(AARCH64_LD) -r $^ -o $@.tmp
	$(AARCH64_OBJCOPY) -w $(BINDINGS_EXPORTS) $@.tmp $@
	@rm -f $@.tmp

AARCH64_LIBC := $(AB)/libc/libc.a
AARCH64_LIBC_OBJS := $(patsubst %.c,$(AB)/%.o,$(GUEST_LIBC_SRCS))
$(AARCH64_LIBC_OBJS): $(AB)/libc/%.o: libc/%.c $(AARCH64_MAKEFILES) | $(AARCH64_TOOLCHAIN)
	@mkdir -p $(@D)
	$(AARCH64_CC) $(AARCH64_LIBC_CFLAGS) -nostdinc \
		-isystem $(AARCH64_GCC_INCLUDE) -Ilibc/include -c $< -o $@
$(AARCH64_LIBC): $(AARCH64_LIBC_OBJS)
	@rm -f $@
	$(AARCH64_AR) rcs $@ $^

# The guests: compiled and linked by the staged nabla-cc --target=aarch64
# (Makefile: guest_compile, guest_link), with the manifest notes' C files
# that nabla-pack gen-manifest wrote for the x86_64 build (the layout is
# the same).
AARCH64_GUEST_DEPS := $(SDK_COMPILE_aarch64) $(AARCH64_TOOLCHAIN)
$(AB)/tests/guests/%.o: tests/guests/%.c $(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64)
$(AB)/tests/guests/%.o: tests/guests/%.S $(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64)
$(AB)/tests/guests/%.mft.o: $(B)/tests/guests/%.mft.c $(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64)
$(AB)/examples/%.o: examples/%.c $(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64)
$(AB)/examples/%/manifest.o: $(B)/examples/%/manifest.c $(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64)

# int80 is x86_64's alone (the 32-bit system call entry).
AARCH64_TEST_GUESTS := $(filter-out int80,$(TEST_GUESTS))
AARCH64_EXAMPLES := hello blkcount
AARCH64_GUEST_BINS := \
	$(foreach g,$(AARCH64_TEST_GUESTS),$(AB)/tests/guests/$(g).spt) \
	$(foreach e,$(AARCH64_EXAMPLES),$(AB)/examples/$(e)/$(e).spt)

$(foreach g,$(AARCH64_TEST_GUESTS),$(eval $(call test_guest_rules,$(g),\
	$(AB)/tests/guests,$(NABLA_CC) --target=aarch64,\
	$(SDK_GUEST_TOOLS_aarch64),aarch64)))

define aarch64_example_rule
$(AB)/examples/$(1)/$(1).spt: \
		$(patsubst %.c,$(AB)/%.o,$(wildcard examples/$(1)/*.c)) \
		$(AB)/examples/$(1)/manifest.o $(SDK_GUEST_TOOLS_aarch64)
	$$(call guest_link,$(NABLA_CC) --target=aarch64)
endef
$(foreach e,$(AARCH64_EXAMPLES),$(eval $(call aarch64_example_rule,$(e))))

EXTRA_ALL += $(AARCH64_BINDINGS) $(AARCH64_LIBC) $(AARCH64_GUEST_BINS)

# The system call numbers checked against the kernel's, for both
# architectures (a compile-time check: a wrong number fails the build).
SYSCALL_NUMBER_CHECKS := $(B)/tests/unit/syscall_numbers.x86_64.o \
	$(AB)/tests/unit/syscall_numbers.o
$(B)/tests/unit/syscall_numbers.x86_64.o: tests/unit/syscall_numbers.c
	@mkdir -p $(@D)
	gcc -std=c11 $(WARN) $(DEPFLAGS) -Iinclude -c $< -o $@
$(AB)/tests/unit/syscall_numbers.o: tests/unit/syscall_numbers.c | $(AARCH64_TOOLCHAIN)
	@mkdir -p $(@D)
	$(AARCH64_CC) -std=c11 $(WARN) $(DEPFLAGS) -Iinclude -c $< -o $@
EXTRA_ALL += $(SYSCALL_NUMBER_CHECKS)

# --- the aarch64 stub: the same sources as the x86_64 one (Makefile), with
# stub/arch/aarch64/, musl for arm64 (Debian's musl-dev:arm64 and its
# aarch64-linux-musl-gcc) and the arm64 kernel headers
# (linux-libc-dev-arm64-cross), and the user-mode network relay built as
# the Makefile builds it (USERNET).
AARCH64_MUSL_CC := aarch64-linux-musl-gcc
AM := $(AB)/musl
AARCH64_KERNEL_HEADERS := $(DEPS)/kernel-headers-aarch64/include/linux/seccomp.h
$(AARCH64_KERNEL_HEADERS): | $(AARCH64_TOOLCHAIN)
	rm -rf $(DEPS)/kernel-headers-aarch64.tmp
	mkdir -p $(DEPS)/kernel-headers-aarch64.tmp/include
	cp -r /usr/aarch64-linux-gnu/include/linux \
		/usr/aarch64-linux-gnu/include/asm \
		/usr/aarch64-linux-gnu/include/asm-generic \
		$(DEPS)/kernel-headers-aarch64.tmp/include/
	rm -rf $(DEPS)/kernel-headers-aarch64
	mv $(DEPS)/kernel-headers-aarch64.tmp $(DEPS)/kernel-headers-aarch64

# No outline atomics: they would call libgcc helpers that ask glibc's
# getauxval at start.
AARCH64_MUSL_CFLAGS := $(COMMON_CFLAGS) -Icommon -D_GNU_SOURCE -fPIE \
	-fno-stack-protector -mno-outline-atomics \
	-isystem $(DEPS)/kernel-headers-aarch64/include

$(AM)/%.o: %.c $(AARCH64_MAKEFILES) | $(AARCH64_KERNEL_HEADERS)
	@mkdir -p $(@D)
	$(AARCH64_MUSL_CC) $(AARCH64_MUSL_CFLAGS) -c $< -o $@
$(AM)/%.o: %.S $(AARCH64_MAKEFILES) | $(AARCH64_TOOLCHAIN)
	@mkdir -p $(@D)
	$(AARCH64_MUSL_CC) $(DEPFLAGS) -Iinclude -c $< -o $@

# common/ as the Makefile archives it for the x86_64 stub: the device types
# in one object (devices.o: they register themselves), without the relay's
# two files (RELAY_COMMON_SRCS), which the relay's object brings.
AARCH64_COMMON_OBJS := $(patsubst %.c,$(AM)/%.o,\
	$(filter-out $(RELAY_COMMON_SRCS),$(COMMON_SRCS))) $(AM)/common/devices.o
$(AM)/common/devices.o: $(patsubst %.c,$(AM)/%.o,$(DEVICE_SRCS))
	$(AARCH64_LD) -r $^ -o $@
$(AM)/libcommon.a: $(AARCH64_COMMON_OBJS)
	@rm -f $@
	$(AARCH64_AR) rcs $@ $^

AARCH64_STUB_SRCS := $(STUB_SRCS) stub/arch/aarch64/kernel.c
AARCH64_STUB_OBJS := $(patsubst %.c,$(AM)/%.o,$(AARCH64_STUB_SRCS)) \
	$(AM)/libcommon.a $(AM)/stub/arch/aarch64/start.o \
	$(AM)/stub/arch/aarch64/trampoline.o $(AM)/stub/layout.o
$(patsubst %.c,$(AM)/%.o,$(AARCH64_STUB_SRCS)): \
	AARCH64_MUSL_CFLAGS += -Istub -Istub/arch/aarch64
$(AM)/stub/entry.o: AARCH64_MUSL_CFLAGS += -fno-tree-loop-distribute-patterns

# The user-mode network relay (Makefile: USERNET; docs/usernet.md): the
# same sources, lwIP and link scripts, compiled with aarch64's musl into
# $(AB)/usernet/. gcc makes unwind tables on aarch64 unless told twice.
AARCH64_USERNET_OBJS := $(patsubst %.c,$(AB)/usernet/%.o,$(USERNET_SRCS)) \
	$(patsubst %.c,$(AB)/usernet/lwip/%.o,$(USERNET_LWIP_SRCS))
AARCH64_USERNET := $(AB)/stub/usernet.o
AARCH64_USERNET_CFLAGS := $(AARCH64_MUSL_CFLAGS) $(USERNET_INC) \
	-fno-asynchronous-unwind-tables -fno-unwind-tables

$(filter $(AB)/usernet/stub/% $(AB)/usernet/common/%,$(AARCH64_USERNET_OBJS)): \
		$(AB)/usernet/%.o: %.c $(LWIP_STAMP) $(AARCH64_MAKEFILES) | \
		$(AARCH64_KERNEL_HEADERS)
	@mkdir -p $(@D)
	$(AARCH64_MUSL_CC) $(AARCH64_USERNET_CFLAGS) -c $< -o $@

$(filter $(AB)/usernet/lwip/%,$(AARCH64_USERNET_OBJS)): $(AB)/usernet/lwip/%.o: \
		$(LWIP_DIR)/src/%.c $(AARCH64_MAKEFILES) | $(AARCH64_KERNEL_HEADERS)
	@mkdir -p $(@D)
	$(AARCH64_MUSL_CC) $(filter-out -Wall -Wextra -Werror,\
		$(AARCH64_USERNET_CFLAGS)) -w -c $< -o $@

$(AARCH64_USERNET): $(AARCH64_USERNET_OBJS) stub/relay/usernet-r.ld
	@mkdir -p $(@D)
	$(AARCH64_LD) -r -T stub/relay/usernet-r.ld $(AARCH64_USERNET_OBJS) -o $@

AARCH64_STUB := $(AB)/stub/nabla-stub
$(AARCH64_STUB): $(AARCH64_STUB_OBJS) stub/entry.ld stub/arch/aarch64/cold.ld \
		$(AARCH64_USERNET) stub/relay/usernet-place.ld
	@mkdir -p $(@D)
	$(AARCH64_MUSL_CC) $(STUB_LDFLAGS) -Wl,-T,stub/arch/aarch64/cold.ld \
		-Wl,-T,stub/relay/usernet-place.ld $(AARCH64_STUB_OBJS) \
		$(AARCH64_USERNET) -o $@

AARCH64_TRAMPOLINE := $(AB)/stub/trampoline.bin
$(AARCH64_TRAMPOLINE): $(AM)/stub/arch/aarch64/trampoline.o
	@mkdir -p $(@D)
	$(AARCH64_OBJCOPY) -O binary --only-section=.text $< $@

EXTRA_ALL += $(AARCH64_STUB) $(AARCH64_TRAMPOLINE)

# Embedded in nabla-pack beside the x86_64 one (tools/nabla-pack/pack/stub.c).
$(STUB_BLOB): $(AARCH64_STUB) $(AARCH64_TRAMPOLINE)
STUB_BLOB_FLAGS += -DNABLA_STUB_AARCH64='"$(AARCH64_STUB)"' \
	-DNABLA_TRAMPOLINE_AARCH64='"$(AARCH64_TRAMPOLINE)"'

# --- test programs run inside the arm64 VM and under qemu-user -------------
# Static (glibc) programs: they only ask the kernel what it offers.
AARCH64_PROBES := $(AB)/tests/probes/kernel_facts $(AB)/tests/probes/auxv_poke \
	$(AB)/tests/probes/udpping $(AB)/tests/probes/relay_sweep

$(AB)/tests/probes/%: tests/probes/%.c | $(AARCH64_TOOLCHAIN)
	@mkdir -p $(@D)
	$(AARCH64_CC) -std=c11 -O2 -g $(WARN) -static $< -o $@

# The relay's filter loaded by the kernel one call at a time (Makefile:
# RELAY_SWEEP): the aarch64 relay's policy and compiler, static musl.
$(AB)/tests/probes/relay_sweep: $(AM)/tests/probes/relay_sweep.o \
		$(patsubst %.c,$(AB)/usernet/%.o,$(RELAY_COMMON_SRCS)) $(AM)/libcommon.a
	@mkdir -p $(@D)
	$(AARCH64_MUSL_CC) -static $^ -o $@

EXTRA_ALL += $(AARCH64_PROBES)

# --- benchmarks in the arm64 VM (bench/arm64-start, bench/arm64-spt) -------
# abtime times two programs side by side there (busybox has no hyperfine);
# the floor of start-up is bench/baseline/sandboxed.c for aarch64, loading
# the program an aarch64 app without devices loads: gen-filter built on this
# host with aarch64's numbers (ORACLE_A64, the Makefile's) writes it.
AARCH64_BENCH := $(AB)/bench
$(AARCH64_BENCH)/vm/abtime: bench/vm/abtime.c | $(AARCH64_TOOLCHAIN)
	@mkdir -p $(@D)
	$(AARCH64_CC) -std=c11 -O2 $(WARN) -static $< -o $@
$(B)/bench/baseline/gen-filter-aarch64: $(ORACLE_A64)/bench/baseline/gen-filter.o \
		$(patsubst %.c,$(ORACLE_A64)/%.o,$(POLICY_ARCH_SRCS)) \
		$(B)/usernet/common/netforward.o $(M)/libcommon.a
	@mkdir -p $(@D)
	musl-gcc -static $^ -o $@
$(AARCH64_BENCH)/baseline/app_filter.h: $(B)/bench/baseline/gen-filter-aarch64
	@mkdir -p $(@D)
	$< 3 4 >$@.tmp && mv $@.tmp $@
$(AARCH64_BENCH)/baseline/sandboxed: bench/baseline/sandboxed.c \
		$(AARCH64_BENCH)/baseline/app_filter.h | $(AARCH64_KERNEL_HEADERS)
	$(AARCH64_MUSL_CC) -std=c11 -O2 $(WARN) -D_GNU_SOURCE -static \
		-isystem $(DEPS)/kernel-headers-aarch64/include \
		-I$(AARCH64_BENCH)/baseline $< -o $@
bench-build: $(AARCH64_BENCH)/vm/abtime $(AARCH64_BENCH)/baseline/sandboxed

# --- the arm64 VM: Debian's arm64 kernel and busybox, downloaded once ------
# When they cannot be had (no arm64 in apt, no mirror), `make check` goes on:
# tests/aarch64.bats then skips, saying why (build/deps/arm64-vm/unavailable).
ARM64_VM_READY := $(DEPS)/arm64-vm/ready

$(ARM64_VM_READY): | $(DEPS_STAMP)
	-scripts/arm64-vm fetch

check: $(ARM64_VM_READY)

.PHONY: clean-aarch64
clean: clean-aarch64
clean-aarch64:
	rm -rf build/aarch64

endif # NABLA_AARCH64
