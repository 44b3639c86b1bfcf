# The netclient test guest (tests/guests/netclient/): lwIP with TCP and UDP,
# its own configuration, for the outbound cases of tests/usernet.bats.
# Included by the top Makefile, after mk/httpd.mk and mk/aarch64.mk (LWIP_*
# from the top).
#
#   $(B)/tests/guests/netclient.spt, $(B)/aarch64/tests/guests/netclient.spt

NETCLIENT_B := $(B)/tests/guests/netclient
NETCLIENT_LWIP_SRCS := core/init.c core/def.c core/inet_chksum.c core/ip.c \
	core/mem.c core/memp.c core/netif.c core/pbuf.c core/tcp.c \
	core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c \
	core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c \
	core/ipv4/ip4_addr.c netif/ethernet.c
NETCLIENT_HDRS := tests/guests/netclient/lwip/lwipopts.h \
	tests/guests/netclient/lwip/arch/cc.h
# Compiled and linked by the staged nabla-cc (Makefile: guest_compile,
# guest_link), which adds the guest libc's headers.
NETCLIENT_INC := -Itests/guests/netclient/lwip -I$(LWIP_DIR)/src/include
NETCLIENT_LWIP_OBJS := $(patsubst %.c,$(NETCLIENT_B)/lwip/%.o,\
	$(NETCLIENT_LWIP_SRCS))

$(NETCLIENT_LWIP_OBJS): $(NETCLIENT_B)/lwip/%.o: $(LWIP_DIR)/src/%.c \
		$(LWIP_STAMP) $(NETCLIENT_HDRS) $(SDK_COMPILE)
	$(call guest_compile,-w $(NETCLIENT_INC))

$(NETCLIENT_B)/main.o: tests/guests/netclient/main.c $(NETCLIENT_HDRS) \
		$(LWIP_STAMP) $(SDK_COMPILE)
	$(call guest_compile,$(NETCLIENT_INC))

$(NETCLIENT_B)/manifest.c: tests/guests/netclient/manifest.json $(PACK)
	@mkdir -p $(@D)
	$(PACK) gen-manifest $< -o $@

$(B)/tests/guests/netclient.spt: $(NETCLIENT_B)/main.o $(NETCLIENT_LWIP_OBJS) \
		$(NETCLIENT_B)/manifest.o $(SDK_GUEST_TOOLS)
	$(call guest_link,$(NABLA_CC))

EXTRA_ALL += $(B)/tests/guests/netclient.spt

# The same guest for aarch64 (the staged nabla-cc --target=aarch64, as
# mk/aarch64.mk builds the others; the manifest note from the x86_64 build:
# the layout is the same), for the user-mode network cases of
# tests/aarch64-stub.bats.
ifeq ($(NABLA_AARCH64),1)
AARCH64_NETCLIENT_B := $(AB)/tests/guests/netclient
AARCH64_NETCLIENT_LWIP_OBJS := $(patsubst %.c,$(AARCH64_NETCLIENT_B)/lwip/%.o,\
	$(NETCLIENT_LWIP_SRCS))

$(AARCH64_NETCLIENT_LWIP_OBJS): $(AARCH64_NETCLIENT_B)/lwip/%.o: \
		$(LWIP_DIR)/src/%.c $(LWIP_STAMP) $(NETCLIENT_HDRS) \
		$(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64 -w $(NETCLIENT_INC))
$(AARCH64_NETCLIENT_B)/main.o: tests/guests/netclient/main.c \
		$(NETCLIENT_HDRS) $(LWIP_STAMP) $(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64 $(NETCLIENT_INC))
$(AARCH64_NETCLIENT_B)/manifest.o: $(NETCLIENT_B)/manifest.c \
		$(AARCH64_GUEST_DEPS)
	$(call guest_compile,--target=aarch64)
$(AB)/tests/guests/netclient.spt: $(AARCH64_NETCLIENT_B)/main.o \
		$(AARCH64_NETCLIENT_LWIP_OBJS) $(AARCH64_NETCLIENT_B)/manifest.o \
		$(SDK_GUEST_TOOLS_aarch64)
	$(call guest_link,$(NABLA_CC) --target=aarch64)

EXTRA_ALL += $(AB)/tests/guests/netclient.spt
endif
