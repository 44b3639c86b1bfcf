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

# Each harness links the code under test from the archives of its toolchain
# (the Makefile's $(FZ) for libFuzzer, $(SAN) for the replay drivers):
# nabla-pack's (libpack.a) and common/ (libcommon.a), and for the option
# parser the stub's options.c, compiled for glibc instead of musl. It
# returns its errors (no stub_die() to link: the harness has none).
FUZZ_ARCHIVES := libpack.a libcommon.a
FUZZ_OBJS_options := stub/options.o
FUZZ_LIBS_elf := -ljson-c
FUZZ_LIBS_manifest := -ljson-c
FUZZ_LIBS_options :=
$(SAN)/tests/fuzz/%.o $(FZ)/tests/fuzz/%.o: HOST_CFLAGS += -Istub
$(SAN)/stub/%.o $(FZ)/stub/%.o: HOST_CFLAGS += -Istub
FUZZ_SANITIZE := -fsanitize=fuzzer,address,undefined
REPLAY_SANITIZE := -fsanitize=address,undefined
# Largest input: the seed guests are up to 70 KB.
FUZZ_MAXLEN_elf := 81920
FUZZ_MAXLEN_manifest := 8192
FUZZ_MAXLEN_options := 8192

FUZZ_BINS := $(foreach h,$(FUZZ_HARNESSES),$(FUZZ_BIN)/fuzz_$(h))
FUZZ_REPLAY_BINS := $(foreach h,$(FUZZ_HARNESSES),$(FUZZ_BIN)/replay_$(h))

define fuzz_rules
$(FUZZ_BIN)/fuzz_$(1): $(FZ)/tests/fuzz/fuzz_$(1).o $(PACK_ARCH_OBJS) \
		$(addprefix $(FZ)/,$(FUZZ_OBJS_$(1)) $(FUZZ_ARCHIVES))
	@mkdir -p $$(@D)
	$(FUZZ_CC) $(FUZZ_SANITIZE) $$^ $(FUZZ_LIBS_$(1)) -o $$@

$(FUZZ_BIN)/replay_$(1): $(SAN)/tests/fuzz/fuzz_$(1).o \
		$(SAN)/tests/fuzz/replay.o $(PACK_ARCH_OBJS) \
		$(addprefix $(SAN)/,$(FUZZ_OBJS_$(1)) $(FUZZ_ARCHIVES))
	@mkdir -p $$(@D)
	gcc $(REPLAY_SANITIZE) $$^ $(FUZZ_LIBS_$(1)) -o $$@

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
