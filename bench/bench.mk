# Benchmarks: included by the top Makefile. `make bench` builds
# everything plus the bench guests and baselines, then runs bench/run-all.
# `make bench-build` only builds them (tests/bench.bats uses it).
#
#   $(B)/bench/guests/NAME.spt   bench guest bench/guests/NAME.c, its manifest
#                                bench/guests/NAME.json (else manifest.json)
#   $(B)/bench/NAME              that guest packed (BENCH_PACK_FLAGS_NAME)
#   $(B)/bench/baseline/NAME     static musl baseline bench/baseline/NAME.c
#                                (sandboxed: the start-up floor, no_new_privs
#                                and the filter of an app without devices)
#   $(B)/bench/baseline/netecho  examples/netecho/netecho.c as a Linux
#                                program over bench/baseline/solo5_host.c

BENCH_GUESTS := big64 sleep4m blkbench stamp compute relocs
BENCH_BASELINES := hello sandboxed entrytime sleep4m blkbench filtercost \
	udpping netecho
BENCH_BINS := $(foreach g,$(BENCH_GUESTS),$(B)/bench/$(g)) \
	$(foreach b,$(BENCH_BASELINES),$(B)/bench/baseline/$(b))

# 64 MiB of data: give it room above the image.
BENCH_PACK_FLAGS_big64 := --mem=256

bench_manifest = $(firstword $(wildcard bench/guests/$(1).json) \
	bench/guests/manifest.json)

# The guests: compiled and linked by the staged nabla-cc (Makefile:
# guest_compile, guest_link).
$(B)/bench/guests/%.o: bench/guests/%.c $(SDK_COMPILE)
	$(guest_compile)

$(B)/bench/guests/%.mft.o: $(B)/bench/guests/%.mft.c $(SDK_COMPILE)
	$(guest_compile)

define bench_guest_rules
$(B)/bench/guests/$(1).mft.c: $(call bench_manifest,$(1)) $(PACK)
	@mkdir -p $$(@D)
	$(PACK) gen-manifest $$< -o $$@
$(B)/bench/guests/$(1).spt: $(B)/bench/guests/$(1).o \
		$(B)/bench/guests/$(1).mft.o $(SDK_GUEST_TOOLS)
	$$(call guest_link,$(NABLA_CC))
$(B)/bench/$(1): $(B)/bench/guests/$(1).spt $(PACK)
	$(PACK) -o $$@ $$< $(BENCH_PACK_FLAGS_$(1))
endef
$(foreach g,$(BENCH_GUESTS),$(eval $(call bench_guest_rules,$(g))))

# Baselines: ordinary static musl programs.
BENCH_MUSL_CFLAGS := -std=c11 -O2 $(WARN) -D_GNU_SOURCE -static

$(B)/bench/baseline/%: bench/baseline/%.c
	@mkdir -p $(@D)
	musl-gcc $(BENCH_MUSL_CFLAGS) $(DEPFLAGS) $< -o $@

# The floor loads the exact program of a packed app without devices, whose
# stub gets fds 3 and 4 for epoll and the timer (the first free after stdio:
# it closes all others first). gen-filter builds it with the stub's code
# (common/, for musl). linux/filter.h and linux/seccomp.h: the kernel
# headers the stub uses.
$(B)/bench/baseline/gen-filter: $(M)/bench/baseline/gen-filter.o \
		$(M)/libcommon.a
	@mkdir -p $(@D)
	musl-gcc -static $^ -o $@

# The block baseline and filtercost load the program of a packed app with
# its block device (bench/baseline/app_policy.c): the stub's policy and
# compiler again. Their own code is the baseline's, compiled as the other
# baselines are.
$(B)/bench/baseline/blkbench $(B)/bench/baseline/filtercost: \
		$(B)/bench/baseline/%: bench/baseline/%.c \
		$(M)/bench/baseline/app_policy.o $(MUSL_RELAY_COMMON) \
		$(M)/libcommon.a | $(KERNEL_HEADERS)
	@mkdir -p $(@D)
	musl-gcc $(BENCH_MUSL_CFLAGS) $(DEPFLAGS) -Iinclude -Icommon \
		-isystem $(DEPS)/kernel-headers/include $^ -o $@

$(B)/bench/baseline/app_filter.h: $(B)/bench/baseline/gen-filter
	$< 3 4 >$@.tmp && mv $@.tmp $@

$(B)/bench/baseline/sandboxed: bench/baseline/sandboxed.c \
		$(B)/bench/baseline/app_filter.h | $(KERNEL_HEADERS)
	@mkdir -p $(@D)
	musl-gcc $(BENCH_MUSL_CFLAGS) $(DEPFLAGS) \
		-isystem $(DEPS)/kernel-headers/include -I$(B)/bench/baseline $< -o $@

# netecho's own source, compiled with the guests' flags (same code), linked
# with the host shim instead of the bindings and the stub.
$(B)/bench/baseline/netecho.o: examples/netecho/netecho.c
	@mkdir -p $(@D)
	musl-gcc $(APP_CFLAGS) -c $< -o $@

$(B)/bench/baseline/solo5_host.o: bench/baseline/solo5_host.c
	@mkdir -p $(@D)
	musl-gcc -std=c11 -O2 $(WARN) $(DEPFLAGS) -D_GNU_SOURCE -Iinclude -c $< -o $@

$(B)/bench/baseline/netecho: $(B)/bench/baseline/netecho.o \
		$(B)/bench/baseline/solo5_host.o
	musl-gcc -static $^ -o $@

# Position-independent builds of the guests that bench/start-pie,
# bench/pie-cost and bench/pss-pie compare with their fixed builds above
# (nabla-cc -static-pie): $(B)/bench/pie/NAME.
BENCH_PIE_GUESTS := compute relocs sleep4m
BENCH_PIE_BINS := $(foreach g,$(BENCH_PIE_GUESTS),$(B)/bench/pie/$(g))

$(B)/bench/pie/guests/%.o: bench/guests/%.c $(SDK_COMPILE_pie)
	$(call guest_compile,-static-pie)

$(B)/bench/pie/guests/%.mft.o: $(B)/bench/guests/%.mft.c $(SDK_COMPILE_pie)
	$(call guest_compile,-static-pie)

$(B)/bench/pie/guests/%.spt: $(B)/bench/pie/guests/%.o \
		$(B)/bench/pie/guests/%.mft.o $(SDK_GUEST_TOOLS_pie)
	$(call guest_link,$(NABLA_CC) -static-pie)

$(B)/bench/pie/%: $(B)/bench/pie/guests/%.spt $(PACK)
	$(PACK) -o $@ $< $(BENCH_PACK_FLAGS_$*)

.PHONY: bench bench-build
bench-build: all $(BENCH_BINS) $(BENCH_PIE_BINS)

bench: bench-build
	NABLA_BUILD=$(B) bench/run-all
