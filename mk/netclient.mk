# The netclient test guest (tests/guests/netclient/): lwIP with TCP and UDP,
# its own configuration, for the outbound cases of tests/usernet.bats.
# Included by the top Makefile, after mk/httpd.mk (LWIP_* from the top).
#
#   $(B)/tests/guests/netclient.spt

NETCLIENT_B := $(B)/tests/guests/netclient
NETCLIENT_LWIP_SRCS := core/init.c core/def.c core/inet_chksum.c core/ip.c \
	core/mem.c core/memp.c core/netif.c core/pbuf.c core/tcp.c \
	core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c \
	core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c \
	core/ipv4/ip4_addr.c netif/ethernet.c
NETCLIENT_HDRS := tests/guests/netclient/lwip/lwipopts.h \
	tests/guests/netclient/lwip/arch/cc.h
NETCLIENT_INC := $(GUEST_LIBC_INC) -Itests/guests/netclient/lwip \
	-I$(LWIP_DIR)/src/include
NETCLIENT_LWIP_OBJS := $(patsubst %.c,$(NETCLIENT_B)/lwip/%.o,\
	$(NETCLIENT_LWIP_SRCS))

$(NETCLIENT_LWIP_OBJS): $(NETCLIENT_B)/lwip/%.o: $(LWIP_DIR)/src/%.c \
		$(LWIP_STAMP) $(NETCLIENT_HDRS) libc/include/*.h
	@mkdir -p $(@D)
	gcc $(filter-out -Wall -Wextra -Werror,$(APP_CFLAGS)) -w \
		$(NETCLIENT_INC) -c $< -o $@

$(NETCLIENT_B)/main.o: tests/guests/netclient/main.c $(NETCLIENT_HDRS) \
		libc/include/*.h include/solo5.h $(LWIP_STAMP)
	@mkdir -p $(@D)
	gcc $(APP_CFLAGS) $(NETCLIENT_INC) -c $< -o $@

$(NETCLIENT_B)/manifest.c: tests/guests/netclient/manifest.json $(PACK)
	@mkdir -p $(@D)
	$(PACK) gen-manifest $< -o $@

$(NETCLIENT_B)/manifest.o: $(NETCLIENT_B)/manifest.c
	gcc $(GUEST_CFLAGS) -c $< -o $@

$(B)/tests/guests/netclient.spt: $(NETCLIENT_B)/main.o $(NETCLIENT_LWIP_OBJS) \
		$(NETCLIENT_B)/manifest.o $(BINDINGS) $(GUEST_LIBC) linker/guest.ld
	gcc $(GUEST_LDFLAGS) $(NETCLIENT_B)/main.o $(NETCLIENT_LWIP_OBJS) \
		$(NETCLIENT_B)/manifest.o $(BINDINGS) $(GUEST_LIBC) -o $@

EXTRA_ALL += $(B)/tests/guests/netclient.spt
