# nabla: build everything into build/. `make check` runs the test suite.
#
#   make            stub, bindings, nabla-pack, examples
#   make demo       build, pack and run the hello example
#   make check      build and run all tests (bats)
#   make SANITIZE=1 also build nabla-pack with AddressSanitizer + UBSan
#                   ($(SAN_PACK)); `make check SANITIZE=1` tests that one
#   make format     clang-format the sources

.DEFAULT_GOAL := all

B := build
SANITIZE ?= 0
DEPS := build/deps

WARN := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wcast-qual \
	-Wwrite-strings -Wformat-nonliteral -Wmissing-prototypes
# Every object also gets a .d file of the headers it includes (read below).
DEPFLAGS := -MMD -MP
COMMON_CFLAGS := -std=c11 -O2 -g $(WARN) $(DEPFLAGS) -Iinclude

# --- dependencies -----------------------------------------------------------
DEPS_STAMP := build/.deps-installed
LIBSECCOMP := $(DEPS)/libseccomp/lib/libseccomp.a

$(DEPS_STAMP): scripts/install-deps
	@mkdir -p build
	scripts/install-deps
	@touch $@

# Linux's UAPI headers (linux/, asm/, asm-generic/) for musl-gcc, which has
# none of its own: the stub needs them; so does libseccomp's build.
KERNEL_HEADERS := $(DEPS)/kernel-headers/include/linux/seccomp.h
$(KERNEL_HEADERS): | $(DEPS_STAMP)
	rm -rf $(DEPS)/kernel-headers.tmp
	mkdir -p $(DEPS)/kernel-headers.tmp/include
	cp -r /usr/include/linux /usr/include/asm-generic \
		$(DEPS)/kernel-headers.tmp/include/
	cp -r /usr/include/$$(gcc -print-multiarch)/asm \
		$(DEPS)/kernel-headers.tmp/include/asm
	rm -rf $(DEPS)/kernel-headers
	mv $(DEPS)/kernel-headers.tmp $(DEPS)/kernel-headers

$(LIBSECCOMP): scripts/build-libseccomp | $(DEPS_STAMP) $(KERNEL_HEADERS)
	scripts/build-libseccomp build

# lwIP (Debian's source package, pinned), fetched once into build/deps/lwip/
# by scripts/fetch-lwip: the stub's user-mode network relay and the httpd
# example (mk/httpd.mk) each build it with their own configuration, -w: its
# sources are not ours.
LWIP_DIR := $(DEPS)/lwip/lwip-2.1.3
LWIP_STAMP := $(LWIP_DIR)/.fetched

$(LWIP_STAMP): scripts/fetch-lwip | $(DEPS_STAMP)
	scripts/fetch-lwip build

# Its sources appear with the stamp (order-only: the stamp, written last, is
# newer than they are, which must not make them, and all that is built from
# them, out of date at every make).
$(LWIP_DIR)/src/%.c: | $(LWIP_STAMP) ;

# --- toolchains: one compile rule each, PATH.c -> DIR/PATH.o ------------------
# Each object gets a .d file of the headers it includes (DEPFLAGS, read at
# the end of this file): no header is listed by hand.
#   $(M)    musl-gcc: the stub, and the benchmark and test programs that
#           load the stub's seccomp program (gen-filter, filter_oracle_test)
#   $(H)    gcc for the host: nabla-pack
#   $(SAN)  gcc with AddressSanitizer + UBSan: unit tests, fuzz replays,
#           make SANITIZE=1's nabla-pack
#   $(FZ)   clang with libFuzzer's coverage, ASan + UBSan: make fuzz
# common/ (device types and options, the seccomp policy and its compiler,
# the payload format) is built once per toolchain into DIR/libcommon.a,
# which everything that uses it links. It knows nothing of the stub or
# nabla-pack.
M := $(B)/musl
H := $(B)/host
SAN := build/sanitize/host
FZ := $(B)/fuzz-objs
# The device types (common/device.h) register themselves in a section of
# their own: device.c and every common/device_*.c (found by the wildcard:
# a new type's module needs no edit here) are linked into one object,
# DIR/common/devices.o, the archive's member that whatever looks a type up
# pulls in, with all of them.
DEVICE_SRCS := common/device.c $(sort $(wildcard common/device_*.c))
# The others, in the order of the stub's layout (ld takes the archive's
# members in order); a new file of common/ goes at the end.
COMMON_SRCS := common/devopts.c common/policy.c common/bpf.c \
	common/payload_format.c common/packed_file.c common/sha256.c \
	common/packed_seal.c common/netforward.c common/relay_policy.c \
	common/mem_option.c common/result.c

MUSL_CFLAGS := $(COMMON_CFLAGS) -Icommon -D_GNU_SOURCE -fPIE -fno-stack-protector \
	-isystem $(DEPS)/kernel-headers/include
HOST_CFLAGS := $(COMMON_CFLAGS) -D_GNU_SOURCE -Itools/nabla-pack -Icommon
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

$(M)/%.o: %.c | $(KERNEL_HEADERS)
	@mkdir -p $(@D)
	musl-gcc $(MUSL_CFLAGS) -c $< -o $@

$(M)/%.o: %.S
	@mkdir -p $(@D)
	musl-gcc $(DEPFLAGS) -c $< -o $@

$(H)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	gcc $(HOST_CFLAGS) -c $< -o $@

$(SAN)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	gcc $(HOST_CFLAGS) $(SANITIZE_FLAGS) -c $< -o $@

# Only the harnesses' libraries (json-c) are needed, not a built tree.
$(FZ)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(HOST_CFLAGS) -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=all -c $< -o $@

# archive DIR/NAME.a from the objects of SRCS in DIR, and OBJS
define archive
$(1)/$(2).a: $(patsubst %.c,$(1)/%.o,$(3)) $(4)
	@rm -f $$@
	ar rcs $$@ $$^
endef
# DIR/common/devices.o: the device types, one object (DEVICE_SRCS above)
define devices_object
$(1)/common/devices.o: $(patsubst %.c,$(1)/%.o,$(DEVICE_SRCS))
	ld -r $$^ -o $$@
endef
# The stub's relay has its own musl copy of the two files of common/ that
# only it uses (USERNET below), so the musl archive leaves them out; a
# musl program that links common/ without the relay links them instead
# (the net device type checks --net-forward: with netforward.c).
RELAY_COMMON_SRCS := common/netforward.c common/relay_policy.c
MUSL_RELAY_COMMON := $(patsubst %.c,$(B)/usernet/%.o,$(RELAY_COMMON_SRCS))
$(foreach t,$(M) $(H) $(SAN) $(FZ),$(eval $(call devices_object,$(t))))
$(eval $(call archive,$(M),libcommon,\
	$(filter-out $(RELAY_COMMON_SRCS),$(COMMON_SRCS)),$(M)/common/devices.o))
$(foreach t,$(H) $(SAN) $(FZ),\
	$(eval $(call archive,$(t),libcommon,$(COMMON_SRCS),$(t)/common/devices.o)))

# --- stub: static musl executable at NABLA_STUB_BASE --------------------------
# Its modules in the order of its layout, then any other stub/*.c (a device
# type's module, which registers itself: stub.h's STUB_DEVICE). The same
# sources for every architecture, but for stub/arch/ARCH/: the process
# entry (start.S), the exit trampoline (trampoline.S) and stub_arch.h
# (mk/aarch64.mk builds the aarch64 stub).
STUB_FIRST_SRCS := stub/main.c stub/entry.c stub/verify.c stub/options.c \
	stub/payload.c stub/memory.c stub/populate.c stub/block.c stub/net.c \
	stub/seccomp.c stub/harden.c stub/leave.c
STUB_SRCS := $(STUB_FIRST_SRCS) \
	$(filter-out $(STUB_FIRST_SRCS),$(sort $(wildcard stub/*.c)))
STUB_OBJS := $(patsubst %.c,$(M)/%.o,$(STUB_SRCS)) $(M)/libcommon.a \
	$(M)/stub/arch/x86_64/start.o $(B)/stub/arch/x86_64/trampoline.o \
	$(M)/stub/layout.o
STUB := $(B)/stub/nabla-stub
# NABLA_STUB_BASE (common/packed_layout.h).
STUB_LDFLAGS := -static -no-pie -nostartfiles -Wl,--no-relax \
	-Wl,-T,stub/entry.ld \
	-Wl,-Ttext-segment=0x7f00000000 -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,common-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--build-id=none \
	-Wl,-z,noseparate-code -Wl,-z,norelro

# The stub's own files see their architecture's stub_arch.h.
$(patsubst %.c,$(M)/%.o,$(STUB_SRCS)): MUSL_CFLAGS += -Istub/arch/x86_64

# entry.c runs before anything else and may call nothing outside its own
# section: no loop turned into a call to memcpy or memset.
$(M)/stub/entry.o: MUSL_CFLAGS += -fno-tree-loop-distribute-patterns

# The user-mode network relay (stub/relay/, docs/usernet.md): its code, the
# lwIP it uses and the common code only it needs, partially linked into one
# object whose code is one section placed on pages of its own after the rest
# (stub/relay/usernet-r.ld, usernet-place.ld): a start without a user-mode
# device never touches them.
USERNET_SRCS := $(wildcard stub/relay/*.c) $(RELAY_COMMON_SRCS)
USERNET_LWIP_SRCS := core/init.c core/def.c core/inet_chksum.c core/ip.c \
	core/mem.c core/memp.c core/netif.c core/pbuf.c core/tcp.c \
	core/tcp_in.c core/tcp_out.c core/timeouts.c core/ipv4/icmp.c \
	core/ipv4/ip4.c core/ipv4/ip4_addr.c
USERNET_OBJS := $(patsubst %.c,$(B)/usernet/%.o,$(USERNET_SRCS)) \
	$(patsubst %.c,$(B)/usernet/lwip/%.o,$(USERNET_LWIP_SRCS))
USERNET := $(B)/stub/usernet.o
USERNET_INC := -Istub/relay/lwip -I$(LWIP_DIR)/src/include
# The relay's own flags (lwIP's headers, no unwind tables in its section),
# its two files of common/ too (RELAY_COMMON_SRCS).
USERNET_CFLAGS := $(MUSL_CFLAGS) $(USERNET_INC) -fno-asynchronous-unwind-tables

$(filter $(B)/usernet/stub/% $(B)/usernet/common/%,$(USERNET_OBJS)): \
		$(B)/usernet/%.o: %.c $(LWIP_STAMP) | $(KERNEL_HEADERS)
	@mkdir -p $(@D)
	musl-gcc $(USERNET_CFLAGS) -c $< -o $@

$(filter $(B)/usernet/lwip/%,$(USERNET_OBJS)): $(B)/usernet/lwip/%.o: \
		$(LWIP_DIR)/src/%.c | $(KERNEL_HEADERS)
	@mkdir -p $(@D)
	musl-gcc $(filter-out -Wall -Wextra -Werror,$(USERNET_CFLAGS)) -w \
		-c $< -o $@

$(USERNET): $(USERNET_OBJS) stub/relay/usernet-r.ld
	ld -r -T stub/relay/usernet-r.ld $(USERNET_OBJS) -o $@

$(STUB): $(STUB_OBJS) stub/entry.ld $(USERNET) stub/relay/usernet-place.ld
	musl-gcc $(STUB_LDFLAGS) -Wl,-T,stub/relay/usernet-place.ld \
		$(STUB_OBJS) $(USERNET) -o $@

# --- bindings: one relocatable object for guests ------------------------------
# bindings/*.c, and what differs between architectures in bindings/arch/ARCH/
# (mk/aarch64.mk builds the aarch64 bindings). With the guest libc below,
# the input of the SDK (mk/sdk.mk) that the guests are built with.
BINDINGS_SRCS := $(wildcard bindings/*.c bindings/arch/x86_64/*.c)
BINDINGS_OBJS := $(patsubst %.c,$(B)/%.o,$(BINDINGS_SRCS)) $(B)/bindings/mem.o
BINDINGS := $(B)/bindings/nabla.o
include linker/guest-flags.mk
# The bindings set up the stack guard, so they cannot use it themselves.
# The declarations of the string functions the bindings use are the guest
# libc's (libc/include/string.h): one definition for both.
GUEST_CFLAGS := -std=c11 -O2 -g $(WARN) $(DEPFLAGS) -Iinclude \
	$(filter-out -fstack-protector-strong -mstack-protector-guard=%,\
	$(NABLA_GUEST_CFLAGS))
BINDINGS_CFLAGS := $(GUEST_CFLAGS) -fno-stack-protector -Ilibc/include -Ibindings
# The guest libc's objects, and bench's baseline of netecho (bench/bench.mk):
# the code of a guest, compiled as nabla-cc compiles it.
APP_CFLAGS := -std=c11 -O2 -g $(WARN) $(DEPFLAGS) -Iinclude \
	$(NABLA_GUEST_CFLAGS)

$(B)/bindings/%.o: bindings/%.c
	@mkdir -p $(@D)
	gcc $(BINDINGS_CFLAGS) -c $< -o $@

# One object, as Solo5 ships its bindings: everything but the interface
# (solo5_*, the entry point and the stack protector's two symbols) is made
# local, so that the bindings' helpers, their memcpy among them, can never
# clash with the C library every unikernel brings.
BINDINGS_EXPORTS := -G 'solo5_*' -G _start -G __stack_chk_guard \
	-G __stack_chk_fail
# The string functions the bindings use, from libc/ (made local below).
$(B)/bindings/mem.o: libc/mem.c
	@mkdir -p $(@D)
	gcc $(BINDINGS_CFLAGS) -c $< -o $@

$(BINDINGS): $(BINDINGS_OBJS)
	ld -r $^ -o $@.tmp
	objcopy -w $(BINDINGS_EXPORTS) $@.tmp $@
	@rm -f $@.tmp

# --- libc: nabla's small freestanding C library for guests ---------------------
# (nabla-cc links it last: a unikernel may bring its own). Only the
# compiler's own headers (stddef.h, stdint.h, stdarg.h, limits.h) and ours.
# gcc is asked when a recipe runs (the shell's $(...)), not when make reads
# this file: on a fresh machine, there is no gcc before scripts/install-deps.
GCC_INCLUDE := "$$(gcc -print-file-name=include)"
GUEST_LIBC_INC := -nostdinc -isystem $(GCC_INCLUDE) -Ilibc/include
GUEST_LIBC := $(B)/libc/libc.a
GUEST_LIBC_SRCS := $(wildcard libc/*.c)
GUEST_LIBC_OBJS := $(patsubst %.c,$(B)/%.o,$(GUEST_LIBC_SRCS))

$(GUEST_LIBC_OBJS): $(B)/libc/%.o: libc/%.c
	@mkdir -p $(@D)
	gcc $(APP_CFLAGS) $(GUEST_LIBC_INC) -c $< -o $@

$(GUEST_LIBC): $(GUEST_LIBC_OBJS)
	@rm -f $@
	ar rcs $@ $^

# --- nabla-pack: host tool (glibc, json-c, zlib) -----------------------------
# main.c and one folder ("room") a stage of the pipeline (docs/architecture.md):
# read/ the inputs, pack/ the output, inspect/ and oci/ what reads a packed
# file back, util/ what they all use. The rooms' code is also an archive,
# DIR/libpack.a, for the unit tests and fuzz harnesses.
PACK_ROOMS := read pack inspect oci util
PACK_LIB_SRCS := $(foreach r,$(PACK_ROOMS),$(wildcard tools/nabla-pack/$(r)/*.c))
PACK := $(B)/tools/nabla-pack/nabla-pack
SAN_PACK := build/sanitize/tools/nabla-pack/nabla-pack
PACK_LDLIBS := -ljson-c -lz
$(foreach t,$(H) $(SAN) $(FZ),\
	$(eval $(call archive,$(t),libpack,$(PACK_LIB_SRCS))))

# The exit trampoline: position-independent code that nabla-pack copies into
# the guest's text page, or the stub into a page of its own where that has
# no room (see common/packed_layout.h).
TRAMPOLINE := $(B)/stub/trampoline.bin
$(B)/stub/arch/x86_64/trampoline.o: stub/arch/x86_64/trampoline.S
	@mkdir -p $(@D)
	gcc $(DEPFLAGS) -Iinclude -c $< -o $@
$(TRAMPOLINE): $(B)/stub/arch/x86_64/trampoline.o
	objcopy -O binary --only-section=.text $< $@

# Each architecture's stub and trampoline, embedded in nabla-pack
# (tools/nabla-pack/pack/stub.c); mk/aarch64.mk adds the aarch64 ones.
STUB_BLOB_FLAGS := -DNABLA_STUB_X86_64='"$(STUB)"' \
	-DNABLA_TRAMPOLINE_X86_64='"$(TRAMPOLINE)"'
STUB_BLOB := $(B)/tools/nabla-pack/pack/stub_blob.o
$(STUB_BLOB): tools/nabla-pack/pack/stub_blob.S $(STUB) \
		$(TRAMPOLINE)
	@mkdir -p $(@D)
	gcc -c -fPIE $(STUB_BLOB_FLAGS) $< -o $@

# nabla-pack describes the policy of an app for either architecture
# (inspect): the policy, the relay's, their compiler and the device types
# compiled for the host once per architecture, with its numbers
# (-DNABLA_TARGET_ARCH: nabla/syscalls.h, nabla/relay_syscalls.h), into
# one object each whose only global symbols are ARCH_policy_add_base,
# ARCH_policy_add_devices, ARCH_policy_add_relay and ARCH_policy_describe.
# Its device types register in a section of their own,
# nabla_device_types_ARCH, so that nabla-pack's own table (device.h) does
# not list them again.
POLICY_ARCH_SRCS := common/policy.c common/bpf.c common/relay_policy.c \
	$(DEVICE_SRCS)
POLICY_ARCH_EXPORTS := policy_add_base policy_add_devices policy_add_relay \
	policy_describe
define policy_arch_rules
$(H)/policy-$(1)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	gcc $(HOST_CFLAGS) -DNABLA_TARGET_$(2) -c $$< -o $$@
$(H)/policy-$(1).o: $(patsubst %.c,$(H)/policy-$(1)/%.o,$(POLICY_ARCH_SRCS))
	ld -r $$^ -o $$@.tmp
	objcopy $(foreach s,$(POLICY_ARCH_EXPORTS),\
		--redefine-sym $(s)=$(1)_$(s) -G $(1)_$(s)) \
		--rename-section nabla_device_types=nabla_device_types_$(1) \
		$(foreach e,start stop,--redefine-sym \
		__$(e)_nabla_device_types=__$(e)_nabla_device_types_$(1)) \
		$$@.tmp $$@
	@rm -f $$@.tmp
endef
$(eval $(call policy_arch_rules,x86_64,X86_64))
$(eval $(call policy_arch_rules,aarch64,AARCH64))
# What nabla-pack's code needs besides its archives, wherever it is linked:
# before them, so that what these objects need comes from the archives too.
PACK_ARCH_OBJS := $(H)/policy-x86_64.o $(H)/policy-aarch64.o $(STUB_BLOB)

$(PACK): $(H)/tools/nabla-pack/main.o $(PACK_ARCH_OBJS) $(H)/libpack.a \
		$(H)/libcommon.a
	gcc $^ $(PACK_LDLIBS) -o $@

$(SAN_PACK): $(SAN)/tools/nabla-pack/main.o $(PACK_ARCH_OBJS) \
		$(SAN)/libpack.a $(SAN)/libcommon.a
	@mkdir -p $(@D)
	gcc -fsanitize=address,undefined $^ $(PACK_LDLIBS) -o $@

# --- guests: built with the SDK staged in $(SDK) (mk/sdk.mk) ----------------
# Every guest of the tree (examples, test guests, bench guests, httpd, for
# x86_64, aarch64 and as PIEs) is compiled and linked by the staged nabla-cc,
# the Solo5-style programs by the staged x86_64-solo5-none-static-cc: the
# same drivers, flags, bindings, libc and linker scripts `make install`
# installs. The bindings and the libc above are the SDK's inputs.
# SDK_GUEST_TOOLS[_pie,_aarch64]: what a guest's link reads from $(SDK).
# An absolute path: nabla-cc names its headers so, and the .d files too.
SDK := $(abspath $(B))/sdk
NABLA_CC := $(SDK)/bin/nabla-cc
SOLO5_CC := $(SDK)/bin/x86_64-solo5-none-static-cc
SDK_GUEST_TOOLS := $(NABLA_CC) $(addprefix $(SDK)/lib/nabla/,nabla.o libc.a guest.ld)
SDK_GUEST_TOOLS_pie := $(NABLA_CC) \
	$(addprefix $(SDK)/lib/nabla/,pie/nabla.o pie/libc.a guest-pie.ld)
SDK_GUEST_TOOLS_aarch64 := $(NABLA_CC) \
	$(addprefix $(SDK)/lib/nabla/,aarch64/nabla.o aarch64/libc.a guest.ld)
# What a guest's compilation needs: nabla-cc, and before it runs, the staged
# headers and the bindings of its architecture (nabla-cc checks they are
# there); SDK_COMPILE[_pie,_aarch64].
SDK_COMPILE := $(NABLA_CC) | sdk-headers $(SDK)/lib/nabla/nabla.o
SDK_COMPILE_pie := $(NABLA_CC) | sdk-headers $(SDK)/lib/nabla/pie/nabla.o
SDK_COMPILE_aarch64 := $(NABLA_CC) | sdk-headers \
	$(SDK)/lib/nabla/aarch64/nabla.o
# The tree's own additions to nabla-cc's flags: -g, its warnings, the .d
# files of the headers each object includes.
GUEST_OWN_CFLAGS := -std=c11 -O2 -g $(WARN) $(DEPFLAGS)

# guest_compile OPTIONS: $< -> $@ with the staged nabla-cc, the tree's own
# flags and OPTIONS (--target=aarch64, -static-pie, -I...).
define guest_compile
@mkdir -p $(@D)
$(NABLA_CC) $(GUEST_OWN_CFLAGS) $(1) -c $< -o $@
endef

# guest_link DRIVER: links the objects and archives among the prerequisites
# (not those of $(SDK), which DRIVER adds itself) into $@, with DRIVER
# (nabla-cc or a Solo5 name, and its options); nothing is left behind if it
# fails. The one link rule of every guest the tree builds.
define guest_link
$(1) $(filter-out $(SDK)/%,$(filter %.o %.a,$^)) -o $@.tmp
mv $@.tmp $@
endef

# A guest = its C files + the manifest note generated from its manifest.json;
# nabla-cc adds the bindings and the libc.
$(B)/%/manifest.c: %/manifest.json $(PACK)
	@mkdir -p $(@D)
	$(PACK) gen-manifest $< -o $@

$(B)/%/manifest.o: $(B)/%/manifest.c $(SDK_COMPILE)
	$(guest_compile)

$(B)/examples/%.o: examples/%.c $(SDK_COMPILE)
	$(guest_compile)

$(B)/tests/guests/%.o: tests/guests/%.c $(SDK_COMPILE)
	$(guest_compile)

# --- examples ------------------------------------------------------------------
EXAMPLES := hello blkcount netecho
EXAMPLE_BINS := $(foreach e,$(EXAMPLES),$(B)/examples/$(e)/$(e))
# Defaults baked into each packed example.
PACK_FLAGS_blkcount := --block:storage=blkcount.img
PACK_FLAGS_netecho := --net:service=tap0 -- 10.0.0.2

# blkcount's disk sits next to it; made once, never overwritten by make.
$(B)/examples/blkcount/blkcount.img:
	@mkdir -p $(@D)
	truncate -s 1M $@

define example_rules
$(B)/examples/$(1)/$(1).spt: $(patsubst %.c,$(B)/%.o,$(wildcard examples/$(1)/*.c)) \
		$(B)/examples/$(1)/manifest.o $(SDK_GUEST_TOOLS)
	$$(call guest_link,$(NABLA_CC))
$(B)/examples/$(1)/$(1): $(B)/examples/$(1)/$(1).spt $(PACK)
	$(PACK) -o $$@ $$< $(PACK_FLAGS_$(1))
endef
$(foreach e,$(EXAMPLES),$(eval $(call example_rules,$(e))))

# --- test guests: tests/guests/NAME.c, with tests/guests/NAME.json as its
# manifest if there is one, else tests/guests/manifest.json (no devices) ------
TEST_GUESTS := $(patsubst tests/guests/%.c,%,$(wildcard tests/guests/*.c))
TEST_GUEST_BINS := $(foreach g,$(TEST_GUESTS),$(B)/tests/guests/$(g).spt)
guest_manifest = $(firstword $(wildcard tests/guests/$(1).json) \
	tests/guests/manifest.json)

# TEST_GUEST_OBJS_NAME: objects of its own, made from tests/guests/*.S, a
# function of the architecture; TEST_GUEST_SCRIPT_NAME: a linker script
# added to linker/guest.ld; TEST_GUEST_LDFLAGS_NAME: its own link options.
# fulltext's tail fills its last text page: its section goes after all the
# text of the guest, the bindings' and the libc's included.
TEST_GUEST_OBJS_fulltext = fulltext-tail.o
TEST_GUEST_SCRIPT_fulltext := tests/guests/fulltext-tail.ld
# entryregs' entry point is its own (tests/guests/arch/ARCH-entry.S), which
# records the registers.
TEST_GUEST_OBJS_entryregs = arch/$(1)-entry.o
TEST_GUEST_LDFLAGS_entryregs := -Wl,-e,entry_probe

# test_guest_rules NAME DIR DRIVER TOOLS ARCH: DIR/NAME.spt from DIR/NAME.o,
# DIR/NAME.mft.o and its own objects for ARCH, linked by DRIVER (with the
# SDK's files TOOLS); mk/aslr.mk and mk/aarch64.mk use it too.
define test_guest_rules
$(2)/$(1).spt: $(2)/$(1).o $(2)/$(1).mft.o \
		$(addprefix $(2)/,$(call TEST_GUEST_OBJS_$(1),$(5))) \
		$(TEST_GUEST_SCRIPT_$(1)) $(4)
	$$(call guest_link,$(3) $$(TEST_GUEST_LDFLAGS_$(1)) \
		$$(addprefix -Wl$$(comma)-T$$(comma),$$(TEST_GUEST_SCRIPT_$(1))))
endef
comma := ,
$(foreach g,$(TEST_GUESTS),$(eval $(call test_guest_rules,$(g),\
	$(B)/tests/guests,$(NABLA_CC),$(SDK_GUEST_TOOLS),x86_64)))

define test_guest_manifest_rule
$(B)/tests/guests/$(1).mft.c: $(call guest_manifest,$(1)) $(PACK)
	@mkdir -p $$(@D)
	$(PACK) gen-manifest $$< -o $$@
endef
$(foreach g,$(TEST_GUESTS),$(eval $(call test_guest_manifest_rule,$(g))))

$(B)/tests/guests/%.mft.o: $(B)/tests/guests/%.mft.c $(SDK_COMPILE)
	$(guest_compile)

$(B)/tests/guests/%.o: tests/guests/%.S $(SDK_COMPILE)
	$(guest_compile)

# --- Solo5-style programs: tests/solo5-style/NAME.c, compiled and linked by
# Solo5's toolchain name for x86_64 (only the compiler's headers, the libc's
# and solo5.h), each with its own C library functions and its own MFT1 note
# (nothing is taken from nabla's libc) ---------------------------------------
SOLO5_STYLE_BINS := $(patsubst tests/%.c,$(B)/tests/%.spt,\
	$(wildcard tests/solo5-style/*.c))
# Solo5's own warnings for its test programs.
SOLO5_STYLE_CFLAGS := -std=c11 -O2 -g -Wall -Wshadow -Wpointer-arith \
	-Wcast-qual -Wsign-compare -Wwrite-strings -Wextra -Werror $(DEPFLAGS)

$(B)/tests/solo5-style/%.o: tests/solo5-style/%.c \
		$(subst $(NABLA_CC),$(SOLO5_CC),$(SDK_COMPILE))
	@mkdir -p $(@D)
	$(SOLO5_CC) $(SOLO5_STYLE_CFLAGS) -c $< -o $@
$(B)/tests/solo5-style/%.spt: $(B)/tests/solo5-style/%.o $(SOLO5_CC) \
		$(filter-out $(NABLA_CC),$(SDK_GUEST_TOOLS))
	$(call guest_link,$(SOLO5_CC))

# --- unit tests: every tests/unit/NAME_test.c is a program $(B)/tests/unit/
# NAME_test that prints TAP through tests/unit/tap.h and is run by
# tests/unit.bats. By default it is linked with nabla-pack's code (not its
# main) and common/, under AddressSanitizer + UBSan; libc_test and
# filter_oracle_test have rules of their own below --------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,\
	$(wildcard tests/unit/*_test.c))

$(B)/tests/unit/%_test: $(SAN)/tests/unit/%_test.o $(PACK_ARCH_OBJS) \
		$(SAN)/libpack.a $(SAN)/libcommon.a
	@mkdir -p $(@D)
	gcc -fsanitize=address,undefined $^ $(PACK_LDLIBS) -o $@

# The guest C library against glibc's (tests/unit/libc_test.c): libc/*.c
# compiled as for guests, but for the host and with every function the test
# compares renamed t_NAME; the test itself is an ordinary glibc program.
LIBC_TEST_NAMES := snprintf vsnprintf strtol strtoul strtoll strtoull atoi \
	atol abs labs errno strstr strrchr strchr strncmp memchr strnlen strspn \
	strcspn strcasecmp strncasecmp isalnum isalpha isdigit isxdigit islower \
	isupper isspace isprint ispunct iscntrl isgraph tolower toupper
LIBC_TEST_OBJS := $(patsubst libc/%.c,$(B)/tests/unit/libc/%.o,\
	$(GUEST_LIBC_SRCS))
$(LIBC_TEST_OBJS): $(B)/tests/unit/libc/%.o: libc/%.c
	@mkdir -p $(@D)
	gcc -std=c11 -O2 $(WARN) $(DEPFLAGS) -ffreestanding -fno-builtin $(GUEST_LIBC_INC) \
		$(foreach n,$(LIBC_TEST_NAMES),-D$(n)=t_$(n)) -c $< -o $@
$(B)/tests/unit/libc_test: tests/unit/libc_test.c $(LIBC_TEST_OBJS)
	gcc -std=c11 -O1 -w $(DEPFLAGS) $^ -o $@

# The seccomp compiler checked against libseccomp (built for musl above): a
# static musl program linking the stub's policy.c and bpf.c with libseccomp.
$(M)/tests/unit/filter_oracle_test.o: MUSL_CFLAGS += \
	-isystem $(DEPS)/libseccomp/include
$(B)/tests/unit/filter_oracle_test: $(M)/tests/unit/filter_oracle_test.o \
		$(MUSL_RELAY_COMMON) $(M)/libcommon.a $(LIBSECCOMP)
	@mkdir -p $(@D)
	musl-gcc -static $^ -o $@
$(M)/tests/unit/filter_oracle_test.o: | $(LIBSECCOMP)

# The same oracle for aarch64, on this host: the test, the policy, its
# compiler and the device modules compiled with aarch64's numbers
# (-DNABLA_TARGET_AARCH64), libseccomp making aarch64 filters.
ORACLE_A64 := $(M)/oracle-aarch64
ORACLE_A64_OBJS := $(patsubst %.c,$(ORACLE_A64)/%.o,\
	tests/unit/filter_oracle_test.c $(POLICY_ARCH_SRCS))
$(ORACLE_A64)/%.o: %.c | $(KERNEL_HEADERS) $(LIBSECCOMP)
	@mkdir -p $(@D)
	musl-gcc $(MUSL_CFLAGS) -isystem $(DEPS)/libseccomp/include \
		-DNABLA_TARGET_AARCH64 -c $< -o $@
$(B)/tests/unit/filter_oracle_aarch64_test: $(ORACLE_A64_OBJS) \
		$(B)/usernet/common/netforward.o $(M)/libcommon.a $(LIBSECCOMP)
	@mkdir -p $(@D)
	musl-gcc -static $^ -o $@
UNIT_TESTS += $(B)/tests/unit/filter_oracle_aarch64_test

# nabla-pack's code with the stubs of a build without the aarch64 one
# (make NABLA_AARCH64=0): tests/unit/noaarch64_test.c.
$(B)/tools/nabla-pack/pack/stub_blob_x86_64.o: tools/nabla-pack/pack/stub_blob.S \
		$(STUB) $(TRAMPOLINE)
	@mkdir -p $(@D)
	gcc -c -fPIE -DNABLA_STUB_X86_64='"$(STUB)"' \
		-DNABLA_TRAMPOLINE_X86_64='"$(TRAMPOLINE)"' $< -o $@
$(B)/tests/unit/noaarch64_test: $(SAN)/tests/unit/noaarch64_test.o \
		$(H)/policy-x86_64.o $(H)/policy-aarch64.o \
		$(B)/tools/nabla-pack/pack/stub_blob_x86_64.o $(SAN)/libpack.a \
		$(SAN)/libcommon.a
	@mkdir -p $(@D)
	gcc -fsanitize=address,undefined $^ $(PACK_LDLIBS) -o $@

# The relay's filter loaded by the kernel, one call at a time
# (tests/usernet.bats): the relay's policy and compiler, static musl.
RELAY_SWEEP := $(B)/tests/probes/relay_sweep
$(RELAY_SWEEP): $(M)/tests/probes/relay_sweep.o $(MUSL_RELAY_COMMON) \
		$(M)/libcommon.a
	@mkdir -p $(@D)
	musl-gcc -static $^ -o $@

# Makes chosen system calls of a command fail, under ptrace
# (tests/startup-faults.bats).
FAULT_INJECT := $(B)/tests/probes/fault_inject
$(FAULT_INJECT): $(H)/tests/probes/fault_inject.o
	gcc $^ -o $@

# --- parts kept in their own files (examples, install, packaging) -----------
# Each mk/*.mk may add to EXTRA_ALL (built by `make all`).
EXTRA_ALL :=
-include $(sort $(wildcard mk/*.mk))

# --- top-level targets -----------------------------------------------------------
# No .SECONDARY for everything: with it, make does not rebuild a
# prerequisite that is missing (an object deleted, or one a changed source
# list now names) as long as its target looks newer than the sources. The
# few files made only through pattern rules (the examples' generated
# manifest sources, small and useful, and some objects) are kept through
# those rules' target patterns, which is what .PRECIOUS matches.
.PRECIOUS: $(B)/%/manifest.c $(SAN)/%.o \
	$(B)/tests/solo5-style/%.o $(B)/bench/pie/guests/%.spt
.PHONY: all demo check format clean
all: $(STUB) $(BINDINGS) $(PACK) $(EXAMPLE_BINS) $(TEST_GUEST_BINS) \
	$(SOLO5_STYLE_BINS) $(RELAY_SWEEP) $(FAULT_INJECT) $(if $(filter 1,$(SANITIZE)),$(SAN_PACK)) \
	$(B)/examples/blkcount/blkcount.img $(EXTRA_ALL)

demo: all
	@echo '--- running the packed hello example:'
	$(B)/examples/hello/hello from nabla

# The whole suite, then the tests of nabla-pack's readers (command line,
# guest ELF and notes, manifests, packed files) again with nabla-pack built
# under AddressSanitizer + UBSan (with SANITIZE=1: the whole suite with
# that one).
CHECK_SANITIZE_TESTS := tests/pack-errors.bats tests/cli.bats \
	tests/hello.bats tests/selfcheck.bats tests/elf.bats \
	tests/solo5-compat.bats tests/mft-notes.bats tests/damaged.bats \
	tests/tools.bats tests/output-paths.bats
check: all $(UNIT_TESTS) fuzz-replay fuzz-build $(SAN_PACK)
	NABLA_BUILD=$(B) $(if $(filter 1,$(SANITIZE)),NABLA_PACK=$(abspath $(SAN_PACK))) \
		scripts/run-tests "nabla tests" tests/
ifneq ($(SANITIZE),1)
	NABLA_BUILD=$(B) NABLA_PACK=$(abspath $(SAN_PACK)) scripts/run-tests \
		"nabla-pack under ASan/UBSan" $(CHECK_SANITIZE_TESTS)
endif

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build/stub build/common build/usernet build/bindings build/tools build/linker build/examples \
		build/tests build/sanitize build/host build/install build/bench \
		build/fuzz build/fuzz-objs build/musl build/libc build/mutate \
		build/pie build/pie-view build/sdk

# The headers each object was built from (-MMD -MP), so that changing any
# header rebuilds exactly what includes it. Not under build/deps,
# `make mutate`'s scratch copy of the tree or scripts/fresh-check's Debian
# root (whose /etc/rc2.d and friends are directories named *.d).
-include $(shell find build \( -path $(DEPS) -o -path build/fresh -o \
	-path build/mutate \) -prune -o -type f -name '*.d' -print 2>/dev/null)

# --- benchmarks (not part of check: noisy; tests/bench.bats runs them quickly)
-include bench/bench.mk

# --- fuzzing: `make fuzz` (clang, libFuzzer); `make check` replays the corpus
# and every crash input found so far with gcc + ASan/UBSan (fuzz-replay).
-include tests/fuzz/fuzz.mk
