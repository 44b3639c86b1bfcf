#!/usr/bin/env bats
# What a guest gets back from the bindings' device calls (the deverr test
# guest): SOLO5_R_EINVAL for every call they must refuse, before any system
# call; an error, never success, for a block write the host cut short (a
# full filesystem, a file size limit); from solo5_yield, the devices with
# input and nothing else.

load helpers

WITHFDS=$REPO_ROOT/tests/tools/withfds.py

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    pack_guest deverr
    DEVERR=$BATS_TEST_TMPDIR/deverr
}

# deverr [PREFIX...] -- ARGS...: deverr under the PREFIX command (if any),
# with a socket as its net device (fd 3) and ARGS; sets status and output
# with run.
deverr() {
    local prefix=()
    while [[ $1 != -- ]]; do
        prefix+=("$1")
        shift
    done
    shift
    run timeout 10 python3 "$WITHFDS" 3=sock -- "${prefix[@]}" "$DEVERR" \
        --net:service=@3 "$@"
}

@test "calls the bindings must refuse return SOLO5_R_EINVAL (block sizes 512, 4096, 32768)" {
    local bs
    for bs in 512 4096 32768; do
        truncate -s $((8 * bs)) disk.img
        deverr -- --block:storage=disk.img --block-sector-size:storage=$bs \
            --solo5:quiet einval
        assert_success
        assert_output --regexp "^withfds: pid [0-9]+
einval: 22 calls, all SOLO5_R_EINVAL$"
    done
    # Nothing was written (8 blocks of zeros).
    assert_equal "$(tr -d '\0' <disk.img | wc -c)" 0
}

@test "a block write cut short by the file size limit (ulimit -f) is an error for the guest" {
    truncate -s 64K disk.img
    # 6 KiB: block 1 (4096 to 8191) can be written only in part.
    deverr bash -c 'ulimit -f 6 && exec "$@"' - -- --block:storage=disk.img \
        --block-sector-size:storage=4096 --solo5:quiet write-all
    assert_failure 1
    assert_line "write block 1: SOLO5_R_EUNSPEC"
    refute_output --partial "read back"
}

@test "a block write on a full filesystem (a 64 KiB tmpfs, 4 KiB free) is an error for the guest" {
    # A private mount namespace (a user namespace too when not root): the
    # host's mounts are not touched.
    local ns=(unshare -m)
    ((EUID == 0)) || ns=(unshare -r -m)
    "${ns[@]}" true 2>/dev/null ||
        skip "cannot make a private mount namespace (${ns[*]})"
    cp "$WITHFDS" .
    mkdir mnt
    run timeout 20 "${ns[@]}" bash -c '
        set -e
        mount -t tmpfs -o size=64k nabla-test "$1"
        cd "$1"
        head -c $((60 * 1024)) /dev/zero >filler
        truncate -s 64K disk.img
        python3 "$2/withfds.py" 3=sock -- "$2/deverr" --net:service=@3 \
            --block:storage=disk.img --block-sector-size:storage=8192 \
            --solo5:quiet write-all || echo "exit status $?"
        df -k . | tail -1
    ' - "$BATS_TEST_TMPDIR/mnt" "$BATS_TEST_TMPDIR"
    assert_success
    # Block 0 (8 KiB) fits only in part: the guest must see that.
    assert_line "write block 0: SOLO5_R_EUNSPEC"
    assert_line "exit status 1"
    refute_output --partial "read back"
}

@test "a filesystem with room: every block is written and read back" {
    truncate -s 64K disk.img
    deverr -- --block:storage=disk.img --block-sector-size:storage=8192 \
        --solo5:quiet write-all
    assert_success
    assert_line "wrote 8 blocks, read back ok"
}

@test "solo5_yield: the handle set names the net device with input, never the timer" {
    truncate -s 64K disk.img
    # Nothing to read: the deadline passes, and the timer is no device.
    deverr -- --block:storage=disk.img --solo5:quiet yield
    assert_success
    assert_line "yield: ready 0x0000000000000000"
    # A frame waiting on 'service' (handle 2): bit 2.
    run timeout 10 python3 "$WITHFDS" 3=sock:frame -- "$DEVERR" \
        --net:service=@3 --block:storage=disk.img --solo5:quiet yield
    assert_success
    assert_line "yield: ready 0x0000000000000004"
}
