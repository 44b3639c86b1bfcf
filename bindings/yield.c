/*
 * solo5_yield: sleep until the monotonic deadline or until a net device has
 * input. The stub put every net device in the epoll set (event data = its
 * handle) and the timerfd (event data SPT_TIMERFD_EVENT_DATA).
 */
#include "bindings.h"
#include "sys.h"

#define YIELD_MAX_EVENTS MFT_MAX_ENTRIES

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
    const struct spt_boot_info *bi = bindings_boot_info;
    struct sys_epoll_event events[YIELD_MAX_EVENTS];
    solo5_handle_set_t ready = 0;
    int timeout = -1;

    if (deadline <= solo5_clock_monotonic()) {
        timeout = 0; /* only poll */
    } else {
        /* Arming the timer also clears an earlier expiry. */
        struct sys_itimerspec its = {
            .it_interval = {0, 0},
            .it_value = {(int64_t)(deadline / 1000000000ull),
                         (int64_t)(deadline % 1000000000ull)},
        };
        long rc = sys_call4(NABLA_NR_TIMERFD_SETTIME, bi->timerfd,
                            TFD_TIMER_ABSTIME, (long)&its, 0);
        if (rc != 0)
            solo5_abort();
    }

    /* No signal mask (NULL, size 0), as Solo5's bindings: the filter
     * allows nothing else (docs/abi.md §4). */
    long n;
    do {
        n = sys_call6(NABLA_NR_EPOLL_PWAIT, bi->epollfd, (long)events,
                      YIELD_MAX_EVENTS, timeout, 0, 0);
    } while (n == -EINTR);
    if (n < 0)
        solo5_abort();

    for (long i = 0; i < n; i++) {
        uint64_t data = events[i].data;
        if (data < MFT_MAX_ENTRIES && (events[i].events & EPOLLIN))
            ready |= 1ull << data;
    }
    if (ready_set)
        *ready_set = ready;
}
