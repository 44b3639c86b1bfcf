# aarch64: what is built for 64-bit Arm on this (x86_64) machine, into
# $(B)/aarch64/, with Debian's cross toolchain (gcc-aarch64-linux-gnu), and
# the arm64 test VM (scripts/arm64-vm) that tests/aarch64.bats boots.

AARCH64_PREFIX := aarch64-linux-gnu-
AARCH64_CC := $(AARCH64_PREFIX)gcc
AB := $(B)/aarch64

# --- test programs run inside the arm64 VM and under qemu-user -------------
# Static (glibc) programs: they only ask the kernel what it offers.
AARCH64_PROBES := $(AB)/tests/probes/kernel_facts

$(AB)/tests/probes/%: tests/probes/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(AARCH64_CC) -std=c11 -O2 -g $(WARN) -static $< -o $@

EXTRA_ALL += $(AARCH64_PROBES)

# --- the arm64 VM: Debian's arm64 kernel and busybox, downloaded once ------
# When they cannot be had (no arm64 in apt, no mirror), `make check` goes on:
# tests/aarch64.bats then skips, saying why (build/deps/arm64-vm/unavailable).
ARM64_VM_READY := $(DEPS)/arm64-vm/ready

$(ARM64_VM_READY): | $(DEPS_STAMP)
	-scripts/arm64-vm fetch

check: $(ARM64_VM_READY)
