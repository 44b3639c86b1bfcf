# The httpd example: an lwIP HTTP server unikernel, and the guest
# C library it uses (libc/). Included by the top Makefile.
#
#   $(B)/libc/libc.a                  nabla's freestanding libc for guests
#   $(B)/examples/httpd/httpd.spt     the unikernel
#   $(B)/examples/httpd/httpd         packed: --net:service=tap0, and
#                                     --ipv4=10.0.0.2/24 as its arguments
#   $(B)/examples/httpd/site/         the served files as built (random.bin)
#   $(B)/aarch64/examples/httpd/httpd.spt  the unikernel for aarch64
#   $(B)/bench/baseline/httpd         bench/httpd's baseline (make bench-build)
#
# lwIP itself (Debian's source package, pinned) is fetched once into
# build/deps/lwip/ by scripts/fetch-lwip (rule in the top Makefile), and
# compiled with -w: its sources are not ours. Our files (the example,
# libc/) keep the project's warnings.

# --- lwIP (LWIP_DIR, LWIP_STAMP: the top Makefile) --------------------------------
LWIP_SRCS := core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c \
	core/memp.c core/netif.c core/pbuf.c core/tcp.c core/tcp_in.c \
	core/tcp_out.c core/timeouts.c core/ipv4/etharp.c core/ipv4/icmp.c \
	core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
	netif/ethernet.c


HTTPD_B := $(B)/examples/httpd
# Compiled and linked by the staged nabla-cc (Makefile: guest_compile,
# guest_link), which adds the guest libc's headers.
HTTPD_INC := -Iexamples/httpd/lwip -I$(LWIP_DIR)/src/include
LWIP_OBJS := $(patsubst %.c,$(HTTPD_B)/lwip/%.o,$(LWIP_SRCS))

$(LWIP_OBJS): $(HTTPD_B)/lwip/%.o: $(LWIP_DIR)/src/%.c $(LWIP_STAMP) \
		$(SDK_COMPILE)
	$(call guest_compile,-w $(HTTPD_INC))

# --- the example -------------------------------------------------------------------
HTTPD_SRCS := $(wildcard examples/httpd/*.c)
HTTPD_GUEST_SRCS := $(filter-out examples/httpd/gen-random.c,$(HTTPD_SRCS))
HTTPD_OBJS := $(patsubst examples/httpd/%.c,$(HTTPD_B)/%.o,$(HTTPD_GUEST_SRCS))

$(HTTPD_OBJS): $(HTTPD_B)/%.o: examples/httpd/%.c $(LWIP_STAMP) \
		$(SDK_COMPILE)
	$(call guest_compile,$(HTTPD_INC))

# The site: index.html as it is, random.bin made by a host program.
$(HTTPD_B)/gen-random: examples/httpd/gen-random.c
	@mkdir -p $(@D)
	gcc -std=c11 -O2 $(WARN) $(DEPFLAGS) $< -o $@

$(HTTPD_B)/site/random.bin: $(HTTPD_B)/gen-random
	@mkdir -p $(@D)
	$< $@.tmp && mv $@.tmp $@

$(HTTPD_B)/site/index.html: examples/httpd/site/index.html
	@mkdir -p $(@D)
	cp $< $@

$(HTTPD_B)/site.o: examples/httpd/site.S $(HTTPD_B)/site/index.html \
		$(HTTPD_B)/site/random.bin $(SDK_COMPILE)
	$(call guest_compile,-DSITE_INDEX_HTML='"$(HTTPD_B)/site/index.html"' \
		-DSITE_RANDOM_BIN='"$(HTTPD_B)/site/random.bin"')

$(HTTPD_B)/httpd.spt: $(HTTPD_OBJS) $(HTTPD_B)/site.o $(LWIP_OBJS) \
		$(HTTPD_B)/manifest.o $(SDK_GUEST_TOOLS)
	$(call guest_link,$(NABLA_CC))

$(HTTPD_B)/httpd: $(HTTPD_B)/httpd.spt $(PACK)
	$(PACK) -o $@ $< --net:service=tap0 -- --ipv4=10.0.0.2/24

EXTRA_ALL += $(HTTPD_B)/httpd $(GUEST_LIBC)

# --- the example for aarch64 (the staged nabla-cc --target=aarch64, as
# mk/aarch64.mk builds the others; its manifest note and site as for
# x86_64), for the user-mode network cases of tests/aarch64-stub.bats ------
ifeq ($(NABLA_AARCH64),1)
AARCH64_HTTPD_B := $(AB)/examples/httpd
AARCH64_LWIP_OBJS := $(patsubst %.c,$(AARCH64_HTTPD_B)/lwip/%.o,$(LWIP_SRCS))
AARCH64_HTTPD_OBJS := $(patsubst examples/httpd/%.c,$(AARCH64_HTTPD_B)/%.o,\
	$(HTTPD_GUEST_SRCS))

$(AARCH64_LWIP_OBJS): $(AARCH64_HTTPD_B)/lwip/%.o: $(LWIP_DIR)/src/%.c \
		$(LWIP_STAMP) $(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64 -w $(HTTPD_INC))
$(AARCH64_HTTPD_OBJS): $(AARCH64_HTTPD_B)/%.o: examples/httpd/%.c \
		$(LWIP_STAMP) $(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64 $(HTTPD_INC))
$(AARCH64_HTTPD_B)/site.o: examples/httpd/site.S $(HTTPD_B)/site/index.html \
		$(HTTPD_B)/site/random.bin $(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64 \
		-DSITE_INDEX_HTML='"$(HTTPD_B)/site/index.html"' \
		-DSITE_RANDOM_BIN='"$(HTTPD_B)/site/random.bin"')
$(AARCH64_HTTPD_B)/httpd.spt: $(AARCH64_HTTPD_OBJS) $(AARCH64_HTTPD_B)/site.o \
		$(AARCH64_LWIP_OBJS) $(AARCH64_HTTPD_B)/manifest.o \
		$(SDK_GUEST_TOOLS_aarch64)
	$(call guest_link,$(NABLA_CC) --target=aarch64)

EXTRA_ALL += $(AARCH64_HTTPD_B)/httpd.spt
endif

# --- the example as a position-independent guest (mk/aslr.mk): lwIP and
# the example compiled -fPIE, the same site ---------------------------------
PIE_HTTPD_B := $(PB)/examples/httpd
PIE_LWIP_OBJS := $(patsubst $(HTTPD_B)/%,$(PIE_HTTPD_B)/%,$(LWIP_OBJS))
PIE_HTTPD_OBJS := $(patsubst $(HTTPD_B)/%,$(PIE_HTTPD_B)/%,$(HTTPD_OBJS))

$(PIE_LWIP_OBJS): $(PIE_HTTPD_B)/lwip/%.o: $(LWIP_DIR)/src/%.c $(LWIP_STAMP) \
		$(SDK_COMPILE_pie)
	$(call guest_compile,-static-pie -w $(HTTPD_INC))

$(PIE_HTTPD_OBJS): $(PIE_HTTPD_B)/%.o: examples/httpd/%.c $(LWIP_STAMP) \
		$(SDK_COMPILE_pie)
	$(call guest_compile,-static-pie $(HTTPD_INC))

$(PIE_HTTPD_B)/httpd.spt: $(PIE_HTTPD_OBJS) $(HTTPD_B)/site.o \
		$(PIE_LWIP_OBJS) $(PIE_HTTPD_B)/manifest.o $(SDK_GUEST_TOOLS_pie)
	$(call guest_link,$(NABLA_CC) -static-pie)

$(PIE_HTTPD_B)/httpd: $(PIE_HTTPD_B)/httpd.spt $(PACK)
	$(PACK) -o $@ $< --net:service=tap0 -- --ipv4=10.0.0.2/24

EXTRA_ALL += $(PIE_HTTPD_B)/httpd

# --- bench/httpd's baseline: the same page from a static musl process --------
$(B)/bench/baseline/httpd: bench/baseline/httpd.c
	@mkdir -p $(@D)
	musl-gcc -std=c11 -O2 $(WARN) $(DEPFLAGS) -D_GNU_SOURCE -static $< -o $@

bench-build: $(B)/bench/baseline/httpd
