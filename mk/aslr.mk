# Position-independent guests (docs/aslr.md): the bindings, the guest libc,
# the examples and the test guests built once more as static PIEs, into
# $(B)/pie/ with the layout of $(B)/ (pie/examples/hello/hello.spt,
# pie/tests/guests/NAME.spt), for tests/aslr.bats, bench/start-pie and a
# run of the tests with NABLA_GUESTS=pie (tests/helpers.bash). Included by
# the top Makefile before mk/httpd.mk, which builds the PIE httpd with
# these variables, and mk/sdk.mk, which stages and installs the bindings
# and libc. The guests are compiled and linked by the staged nabla-cc
# -static-pie (Makefile: guest_compile, guest_link).

PB := $(B)/pie
PIE_BINDINGS := $(PB)/bindings/nabla.o
PIE_LIBC := $(PB)/libc/libc.a
# The flags of the Makefile's GUEST_CFLAGS, BINDINGS_CFLAGS and APP_CFLAGS
# (the libc's) with linker/guest-flags.mk's PIE flags.
PIE_GUEST_CFLAGS := -std=c11 -O2 -g $(WARN) $(DEPFLAGS) -Iinclude \
	$(filter-out -fstack-protector-strong -mstack-protector-guard=%,\
	$(NABLA_GUEST_PIE_CFLAGS))
PIE_BINDINGS_CFLAGS := $(PIE_GUEST_CFLAGS) -fno-stack-protector \
	-Ilibc/include -Ibindings
PIE_APP_CFLAGS := -std=c11 -O2 -g $(WARN) $(DEPFLAGS) -Iinclude \
	$(NABLA_GUEST_PIE_CFLAGS)
$(PB)/bindings/%.o: bindings/%.c
	@mkdir -p $(@D)
	gcc $(PIE_BINDINGS_CFLAGS) -c $< -o $@

$(PB)/bindings/mem.o: libc/mem.c
	@mkdir -p $(@D)
	gcc $(PIE_BINDINGS_CFLAGS) -c $< -o $@

$(PIE_BINDINGS): $(patsubst $(B)/%,$(PB)/%,$(BINDINGS_OBJS))
	ld -r $^ -o $@.tmp
	objcopy -w $(BINDINGS_EXPORTS) $@.tmp $@
	@rm -f $@.tmp

PIE_LIBC_OBJS := $(patsubst %.c,$(PB)/%.o,$(GUEST_LIBC_SRCS))
$(PIE_LIBC_OBJS): $(PB)/libc/%.o: libc/%.c
	@mkdir -p $(@D)
	gcc $(PIE_APP_CFLAGS) $(GUEST_LIBC_INC) -c $< -o $@

$(PIE_LIBC): $(PIE_LIBC_OBJS)
	@rm -f $@
	ar rcs $@ $^

# --- examples: the same sources and manifests as $(B)/examples/ -------------
$(PB)/examples/%.o: examples/%.c $(SDK_COMPILE_pie)
	$(call guest_compile,-static-pie)

$(PB)/examples/%/manifest.o: $(B)/examples/%/manifest.c $(SDK_COMPILE_pie)
	$(call guest_compile,-static-pie)

define pie_example_rules
$(PB)/examples/$(1)/$(1).spt: \
		$(patsubst %.c,$(PB)/%.o,$(wildcard examples/$(1)/*.c)) \
		$(PB)/examples/$(1)/manifest.o $(SDK_GUEST_TOOLS_pie)
	$$(call guest_link,$(NABLA_CC) -static-pie)
$(PB)/examples/$(1)/$(1): $(PB)/examples/$(1)/$(1).spt $(PACK)
	$(PACK) -o $$@ $$< $(PACK_FLAGS_$(1))
endef
$(foreach e,$(EXAMPLES),$(eval $(call pie_example_rules,$(e))))
PIE_EXAMPLE_BINS := $(foreach e,$(EXAMPLES),$(PB)/examples/$(e)/$(e))

$(PB)/examples/blkcount/blkcount.img:
	@mkdir -p $(@D)
	truncate -s 1M $@

# --- test guests: every tests/guests/NAME.c, with its manifest ----------------
$(PB)/tests/guests/%.o: tests/guests/%.c $(SDK_COMPILE_pie)
	$(call guest_compile,-static-pie)

$(PB)/tests/guests/%.o: tests/guests/%.S $(SDK_COMPILE_pie)
	$(call guest_compile,-static-pie)

$(PB)/tests/guests/%.mft.o: $(B)/tests/guests/%.mft.c $(SDK_COMPILE_pie)
	$(call guest_compile,-static-pie)

$(foreach g,$(TEST_GUESTS),$(eval $(call test_guest_rules,$(g),\
	$(PB)/tests/guests,$(NABLA_CC) -static-pie,$(SDK_GUEST_TOOLS_pie),x86_64)))
PIE_TEST_GUEST_BINS := $(foreach g,$(TEST_GUESTS),$(PB)/tests/guests/$(g).spt)

# The Solo5-style programs (their own C library; compiled as Solo5's
# toolchain compiles, which on Debian is -fPIE already), linked by Solo5's
# toolchain name with -z solo5-aslr.
$(PB)/tests/solo5-style/%.spt: $(B)/tests/solo5-style/%.o $(SOLO5_CC) \
		$(filter-out $(NABLA_CC),$(SDK_GUEST_TOOLS_pie))
	@mkdir -p $(@D)
	$(call guest_link,$(SOLO5_CC) -z solo5-aslr)
PIE_SOLO5_STYLE_BINS := $(patsubst $(B)/%,$(PB)/%,$(SOLO5_STYLE_BINS))

EXTRA_ALL += $(PIE_BINDINGS) $(PIE_LIBC) $(PIE_EXAMPLE_BINS) \
	$(PB)/examples/blkcount/blkcount.img $(PIE_TEST_GUEST_BINS) \
	$(PIE_SOLO5_STYLE_BINS)

# make check-pie (not part of `make check`): test files again with every
# example and test guest built as a static PIE (scripts/pie-view): at random
# addresses, the files that look at no fixed address; at their link
# addresses (setarch -R, as under gdb), the ones that do (where the boot
# information, the stack or a core's segments are; a 32-bit system call
# needs data below 4 GiB).
PIE_CHECK_ASLR := tests/hello.bats tests/devices.bats tests/net.bats \
	tests/usernet.bats tests/httpd.bats tests/time.bats \
	tests/bindings.bats tests/conformance.bats
PIE_CHECK_FIXED := tests/stub-options.bats tests/stub-edges.bats \
	tests/sandbox.bats tests/hardening.bats tests/debug.bats
.PHONY: check-pie
check-pie: all
	scripts/pie-view $(B)
	NABLA_BUILD=$(B)/pie-view scripts/run-tests \
		"PIE guests at random addresses" $(PIE_CHECK_ASLR)
	NABLA_BUILD=$(B)/pie-view setarch -R scripts/run-tests \
		"PIE guests at their link addresses (setarch -R)" $(PIE_CHECK_FIXED)
