# Fuzzing: libFuzzer harnesses for nabla-pack's guest ELF reader
# (fuzz_elf), its manifest readers (fuzz_manifest) and the stub's option
# parser (fuzz_options). Included by the top Makefile, whose variables (B,
# WARN, DEPS_STAMP) it uses.
#
#   make fuzz                 build the harnesses with clang (libFuzzer, ASan,
#                             UBSan) and fuzz each one for FUZZ_TIME seconds
#                             (default 60); -j2 runs two at a time
#   make fuzz-elf FUZZ_TIME=1800     one harness (also fuzz-manifest, ...)
#   make fuzz-build           only build them: $(B)/tests/fuzz/fuzz_NAME
#   make fuzz-replay          build the replay drivers with gcc + ASan/UBSan
#                             (no clang needed): $(B)/tests/fuzz/replay_NAME
#   make fuzz-replay-run      and run them over the seeds and regressions
#                             (tests/fuzz.bats does the same in `make check`)
#
# A fuzzing run reads tests/fuzz/corpus/NAME and tests/fuzz/regress/NAME but
# writes only under $(FUZZ_OUT): new inputs to corpus/NAME, crashes to
# artifacts/NAME-crash-..., the output to NAME.log. Extra libFuzzer flags go
# in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-jobs=2). While a crash in
# tests/fuzz/regress/NAME is not fixed, libFuzzer stops at it as it loads its
# inputs: FUZZ_REGRESS=0 leaves those out.

FUZZ_HARNESSES := elf manifest options
FUZZ_TIME ?= 60
# An input that runs longer than this (seconds) is a finding (a hang).
FUZZ_TIMEOUT ?= 30
FUZZ_FLAGS ?=
FUZZ_REGRESS ?= 1
FUZZ_SRC := tests/fuzz
FUZZ_BIN := $(B)/tests/fuzz
FUZZ_OUT := $(B)/fuzz
FUZZ_CC ?= clang

FUZZ_CFLAGS := -std=c11 -g -O1 $(WARN) -D_GNU_SOURCE -fno-omit-frame-pointer \
	-Iinclude -Itools/nabla-pack -Icommon -Istub -I$(FUZZ_SRC)
# A UBSan report is a crash, like an ASan one: libFuzzer keeps the input.
FUZZ_SANITIZE := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
REPLAY_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all

# The code under test, by harness, built from source into each binary (with
# the harness's sanitizers and coverage), and the libraries it needs.
# nabla-pack's utility layer (errors, buffer, files, JSON), used by all; the
# device table (manifest.c's type names) and the policy code its entries
# point to.
FUZZ_UTIL := tools/nabla-pack/report.c tools/nabla-pack/buf.c \
	tools/nabla-pack/json.c tools/nabla-pack/fileio.c
FUZZ_CODE_devices := common/device.c common/device_block.c \
	common/device_net.c common/policy.c
# guest.c refuses a packed executable, recognised by packed.c.
FUZZ_CODE_elf := tools/nabla-pack/guest.c tools/nabla-pack/manifest.c \
	tools/nabla-pack/elfimage.c tools/nabla-pack/packed.c \
	common/packed_file.c common/sha256.c common/payload_format.c \
	$(FUZZ_UTIL) $(FUZZ_CODE_devices)
FUZZ_LIBS_elf := -ljson-c
FUZZ_CODE_manifest := tools/nabla-pack/manifest.c $(FUZZ_UTIL) \
	$(FUZZ_CODE_devices)
FUZZ_LIBS_manifest := -ljson-c
# The stub's code, for glibc instead of musl: options.c needs
# payload_format.c's payload_mft() and payload_string(); stub_die() is the
# harness's.
FUZZ_CODE_options := stub/options.c stub/payload.c common/payload_format.c \
	common/devopts.c common/netforward.c $(FUZZ_CODE_devices)
FUZZ_LIBS_options :=
# Largest input: the seed guests are up to 70 KB.
FUZZ_MAXLEN_elf := 81920
FUZZ_MAXLEN_manifest := 8192
FUZZ_MAXLEN_options := 8192

FUZZ_HEADERS := $(FUZZ_SRC)/fuzz_util.h tools/nabla-pack/*.h common/*.h \
	stub/*.h include/nabla/*.h include/solo5.h

FUZZ_BINS := $(foreach h,$(FUZZ_HARNESSES),$(FUZZ_BIN)/fuzz_$(h))
FUZZ_REPLAY_BINS := $(foreach h,$(FUZZ_HARNESSES),$(FUZZ_BIN)/replay_$(h))

define fuzz_rules
$(FUZZ_BIN)/fuzz_$(1): $(FUZZ_SRC)/fuzz_$(1).c $(FUZZ_CODE_$(1)) \
		$(FUZZ_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SANITIZE) $(FUZZ_SRC)/fuzz_$(1).c \
		$(FUZZ_CODE_$(1)) $(FUZZ_LIBS_$(1)) -o $$@

$(FUZZ_BIN)/replay_$(1): $(FUZZ_SRC)/fuzz_$(1).c $(FUZZ_SRC)/replay.c \
		$(FUZZ_CODE_$(1)) $(FUZZ_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	gcc $(FUZZ_CFLAGS) $(REPLAY_SANITIZE) $(FUZZ_SRC)/fuzz_$(1).c \
		$(FUZZ_SRC)/replay.c $(FUZZ_CODE_$(1)) $(FUZZ_LIBS_$(1)) -o $$@

fuzz-$(1): $(FUZZ_BIN)/fuzz_$(1)
	@mkdir -p $(FUZZ_OUT)/corpus/$(1) $(FUZZ_OUT)/artifacts
	{ $(FUZZ_BIN)/fuzz_$(1) -max_total_time=$(FUZZ_TIME) \
		-max_len=$(FUZZ_MAXLEN_$(1)) -timeout=$(FUZZ_TIMEOUT) \
		-dict=$(FUZZ_SRC)/$(1).dict -artifact_prefix=$(FUZZ_OUT)/artifacts/$(1)- -print_final_stats=1 \
		$(FUZZ_FLAGS) $(FUZZ_OUT)/corpus/$(1) $(FUZZ_SRC)/corpus/$(1) \
		$(if $(filter 1,$(FUZZ_REGRESS)),$(FUZZ_SRC)/regress/$(1)); \
		echo $$$$? >$(FUZZ_OUT)/$(1).status; } 2>&1 | tee $(FUZZ_OUT)/$(1).log
	@status=$$$$(cat $(FUZZ_OUT)/$(1).status); if [ "$$$$status" != 0 ]; then \
		echo "fuzz-$(1): libFuzzer exit status $$$$status: see" \
			"$(FUZZ_OUT)/$(1).log and $(FUZZ_OUT)/artifacts/" >&2; \
		exit 1; fi

fuzz-replay-run-$(1): $(FUZZ_BIN)/replay_$(1)
	$(FUZZ_BIN)/replay_$(1) $(FUZZ_SRC)/corpus/$(1) $(FUZZ_SRC)/regress/$(1)
endef
$(foreach h,$(FUZZ_HARNESSES),$(eval $(call fuzz_rules,$(h))))

.PHONY: fuzz fuzz-build fuzz-replay fuzz-replay-run \
	$(foreach h,$(FUZZ_HARNESSES),fuzz-$(h) fuzz-replay-run-$(h))
fuzz: $(foreach h,$(FUZZ_HARNESSES),fuzz-$(h))
fuzz-build: $(FUZZ_BINS)
fuzz-replay: $(FUZZ_REPLAY_BINS)
fuzz-replay-run: $(foreach h,$(FUZZ_HARNESSES),fuzz-replay-run-$(h))
