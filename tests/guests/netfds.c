/*
 * netfds: which host fd each net device got. Devices (netfds.json): net
 * 'service' and 'service2'. Writes one frame to each, "frame from NAME"
 * (padded with zeros to the 60 bytes of a minimal Ethernet frame), then
 * yields for the number of milliseconds given as its argument (default 0),
 * so that a test can look at the running process, and prints "netfds
 * done". Exits 1 if a device cannot be acquired or written.
 */
#include "say.h"

static const char *const names[] = {"service", "service2"};

static int write_frame(const char *name)
{
    struct solo5_net_info info;
    solo5_handle_t h;
    uint8_t frame[60] = {0};
    const char prefix[] = "frame from ";
    size_t n = 0;

    if (solo5_net_acquire(name, &h, &info) != SOLO5_R_OK) {
        say("netfds: cannot acquire ");
        say(name);
        say("\n");
        return 1;
    }
    for (size_t i = 0; prefix[i]; i++)
        frame[n++] = (uint8_t)prefix[i];
    for (size_t i = 0; name[i] && n < sizeof(frame); i++)
        frame[n++] = (uint8_t)name[i];
    if (solo5_net_write(h, frame, sizeof(frame)) != SOLO5_R_OK) {
        say("netfds: cannot write to ");
        say(name);
        say("\n");
        return 1;
    }
    return 0;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    uint64_t ms = 0;
    for (const char *p = si->cmdline; *p >= '0' && *p <= '9'; p++)
        ms = ms * 10 + (uint64_t)(*p - '0');

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (write_frame(names[i]) != 0)
            return 1;
    solo5_time_t deadline = solo5_clock_monotonic() + ms * 1000000ull;
    while (solo5_clock_monotonic() < deadline) {
        solo5_handle_set_t ready;
        solo5_yield(deadline, &ready);
    }
    say("netfds done\n");
    return 0;
}
