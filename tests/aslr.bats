#!/usr/bin/env bats
# Guest ASLR (docs/aslr.md): a position-independent guest (static PIE,
# built by mk/aslr.mk into $NABLA_BUILD/pie/) runs at a fresh random address
# at every start, and at its link addresses with --no-aslr, under
# setarch -R and under gdb; a fixed guest stays where it was linked. What
# the guest sees (tests/guests/aslr.c prints where its function, data,
# stack and heap are and checks its relocated pointers), what nabla-pack
# refuses (tests/tools/pie.py damages a PIE guest) and what the stub
# refuses (tests/tools/payload.py damages a packed one), and that devices,
# policy, exit statuses, verify, extract and packing work as for a fixed
# guest.

load helpers

PIE_GUESTS=$NABLA_BUILD/pie/tests/guests
PIE_EXAMPLES=$NABLA_BUILD/pie/examples
PIE_PY=$REPO_ROOT/tests/tools/pie.py
PAYLOAD_PY=$REPO_ROOT/tests/tools/payload.py

# The window of random bases (stub/aslr.c): [1 TiB, 64 TiB).
ASLR_LOW=$((1 << 40))
ASLR_HIGH=$((1 << 46))

setup() {
    APP_PID=
    NS=
    [[ -f $PIE_GUESTS/aslr.spt ]] || fail "no $PIE_GUESTS/aslr.spt (run 'make all' first)"
}

teardown() {
    if [[ -n $APP_PID ]]; then
        kill -KILL "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
    fi
    netns_del
}

# pack_pie NAME [pack args...]: packs $PIE_GUESTS/NAME.spt into
# $BATS_TEST_TMPDIR/NAME.
pack_pie() {
    local name=$1
    shift
    pack_file "$PIE_GUESTS/$name.spt" "$BATS_TEST_TMPDIR/$name" -q "$@"
}

# link_address FILE SYMBOL: the symbol's address in FILE, in decimal.
link_address() {
    local hex
    hex=$(nm "$1" | awk -v s="$2" '$3 == s { print $1; exit }')
    [[ -n $hex ]] || fail "no symbol $2 in $1"
    echo $((16#$hex))
}

# where COMMAND...: runs COMMAND (the aslr guest, its options, or setarch
# running it) --mem=32 --solo5:quiet; it must say "aslr ok". Sets FUNCTION,
# DATA, STACK and HEAP (decimal) from what it printed.
where() {
    run "$@" --mem=32 --solo5:quiet
    assert_success
    assert_line "aslr ok"
    FUNCTION=$(($(output_field "aslr: function")))
    DATA=$(($(output_field "aslr: data")))
    STACK=$(($(output_field "aslr: stack")))
    HEAP=$(($(output_field "aslr: heap")))
}

@test "two starts of a PIE guest: two addresses, the whole guest moved by one page-aligned slide in [1 TiB, 64 TiB)" {
    pack_pie aslr
    local app=$BATS_TEST_TMPDIR/aslr
    local fn data kernel_end
    fn=$(link_address "$app" aslr_function)
    data=$(link_address "$app" aslr_data)
    kernel_end=$("$PACK" inspect --json "$app" | sed -n 's/.*"kernel_end": \([0-9]*\).*/\1/p')
    local slides=()
    for run in 1 2; do
        where "$app"
        local slide=$((FUNCTION - fn))
        ((slide % 4096 == 0)) || fail "slide $slide not page-aligned"
        assert_in_range "slide" "$slide" "$ASLR_LOW" "$ASLR_HIGH"
        # Data, heap and stack moved by the same slide: the heap starts at
        # the page after the guest's segments, the stack is near the top
        # of its 32 MiB.
        assert_equal "$((DATA - data))" "$slide"
        assert_equal "$HEAP" "$((slide + (kernel_end + 4095) / 4096 * 4096))"
        assert_in_range "stack" "$STACK" "$((slide + (31 << 20)))" "$((slide + (32 << 20)))"
        slides+=("$slide")
    done
    [[ ${slides[0]} != "${slides[1]}" ]] || fail "the same slide twice: ${slides[0]}"
}

@test "200 starts: at least 195 distinct addresses of a function and of a stack variable, every bit of the slide from 12 to 45 varies" {
    pack_pie aslr
    local app=$BATS_TEST_TMPDIR/aslr fn
    fn=$(link_address "$app" aslr_function)
    local i out functions=() stacks=() count=200
    for ((i = 0; i < count; i++)); do
        out=$("$app" --mem=32 --solo5:quiet) || fail "start $i failed: $out"
        functions+=("$(sed -n 's/^aslr: function //p' <<<"$out")")
        stacks+=("$(sed -n 's/^aslr: stack //p' <<<"$out")")
    done
    local distinct_fn distinct_stack
    distinct_fn=$(printf '%s\n' "${functions[@]}" | sort -u | wc -l)
    distinct_stack=$(printf '%s\n' "${stacks[@]}" | sort -u | wc -l)
    ((distinct_fn >= 195)) || fail "$distinct_fn distinct function addresses of $count"
    ((distinct_stack >= 195)) || fail "$distinct_stack distinct stack addresses of $count"
    # Each bit of the page number of the slide, 12 to 45: set in 25% to
    # 75% of the starts (a fair bit falls outside with probability below
    # 1e-12). With 2^34 equally likely bases (docs/aslr.md), each is a fair
    # bit; the sum of their binary entropies estimates the bits (at most
    # 34; 200 samples cannot tell more, nor dependence between bits).
    local bit set estimate=0 low=$((count / 4)) high=$((count * 3 / 4))
    local -a slides=()
    for f in "${functions[@]}"; do
        slides+=($((f - fn)))
        assert_in_range "slide" "${slides[-1]}" "$ASLR_LOW" "$ASLR_HIGH"
    done
    for ((bit = 12; bit < 46; bit++)); do
        set=0
        for s in "${slides[@]}"; do
            ((s >> bit & 1)) && set=$((set + 1))
        done
        ((set >= low && set <= high)) ||
            fail "bit $bit of the slide set in $set of $count starts"
        estimate=$(awk -v n="$set" -v c="$count" -v e="$estimate" 'BEGIN {
            p = n / c; h = 0
            if (p > 0 && p < 1) h = -(p * log(p) + (1 - p) * log(1 - p)) / log(2)
            printf "%.2f", e + h }')
    done
    echo "# $count starts: $distinct_fn distinct function addresses, $distinct_stack distinct stack addresses; bits 12-45 of the slide each set in 25-75% of them; entropy estimate $estimate bits (sum of the per-bit entropies)" >&3
}

@test "--no-aslr and setarch -R (ADDR_NO_RANDOMIZE): a PIE guest at its link addresses, every time" {
    pack_pie aslr
    local app=$BATS_TEST_TMPDIR/aslr fn stack=
    fn=$(link_address "$app" aslr_function)
    for run in 1 2; do
        where "$app" --no-aslr
        assert_equal "$FUNCTION" "$fn"
        [[ -z $stack ]] || assert_equal "$STACK" "$stack"
        stack=$STACK
        command -v setarch >/dev/null || fail "no setarch (util-linux)"
        where setarch -R "$app"
        assert_equal "$FUNCTION" "$fn"
        assert_equal "$STACK" "$stack"
    done
    assert_in_range "stack" "$STACK" $((31 << 20)) $((32 << 20))
}

@test "a fixed guest is at its link addresses; --no-aslr changes nothing for it" {
    pack_guest aslr -q
    local app=$BATS_TEST_TMPDIR/aslr fn
    fn=$(link_address "$app" aslr_function)
    where "$app"
    assert_equal "$FUNCTION" "$fn"
    local stack=$STACK
    where "$app"
    assert_equal "$FUNCTION" "$fn"
    assert_equal "$STACK" "$stack"
    where "$app" --no-aslr
    assert_equal "$STACK" "$stack"
}

@test "the relocated constant pointers are read-only once relocated: writing to them kills the guest (SIGSEGV), with ASLR and without" {
    pack_pie aslr
    run -139 "$BATS_TEST_TMPDIR/aslr" --mem=32 --solo5:quiet write-relro
    assert_line "aslr: writing to the constant pointer table"
    refute_output --partial FAILED
    run -139 "$BATS_TEST_TMPDIR/aslr" --no-aslr --mem=32 --solo5:quiet write-relro
    refute_output --partial FAILED
}

@test "a PIE guest whose relocated places are empty in the file (as lld leaves them) is relocated at its link addresses too" {
    cp "$PIE_GUESTS/aslr.spt" "$BATS_TEST_TMPDIR/empty.spt"
    python3 "$PIE_PY" "$BATS_TEST_TMPDIR/empty.spt" place-zero 0 place-zero 1 place-zero 2
    pack_file "$BATS_TEST_TMPDIR/empty.spt" "$BATS_TEST_TMPDIR/empty" -q
    where "$BATS_TEST_TMPDIR/empty" --no-aslr
    where "$BATS_TEST_TMPDIR/empty"
}

@test "inspect says which kind a packed file is, in words and in JSON" {
    pack_pie aslr
    run -0 "$PACK" inspect "$BATS_TEST_TMPDIR/aslr"
    assert_line --regexp '^kind: +position-independent \(static PIE, ET_DYN\): at a random address at every start, .* multiple of 0x1000 .*; 4 relative relocations$'
    run -0 "$PACK" inspect --json "$BATS_TEST_TMPDIR/aslr"
    assert_output --partial '"kind": "pie", "pie": {"align": 4096, "relocations": 4, "relro": ['
    pack_file "$GUESTS/aslr.spt" "$BATS_TEST_TMPDIR/fixed" -q
    run -0 "$PACK" inspect "$BATS_TEST_TMPDIR/fixed"
    assert_line --regexp '^kind: +fixed \(ET_EXEC\): at the addresses below at every start$'
    run -0 "$PACK" inspect --json "$BATS_TEST_TMPDIR/fixed"
    assert_output --partial '"kind": "fixed", "stub_version"'
}

@test "packing a PIE guest is reproducible; verify checks it; extract gives back an ET_DYN guest that packs and runs as a PIE again" {
    pack_pie aslr
    pack_file "$PIE_GUESTS/aslr.spt" "$BATS_TEST_TMPDIR/again" -q --name=aslr
    cmp "$BATS_TEST_TMPDIR/aslr" "$BATS_TEST_TMPDIR/again"
    run -0 "$PACK" verify "$BATS_TEST_TMPDIR/aslr"
    assert_output --regexp ': OK \(sha256 [0-9a-f]{64}\)$'
    run -0 "$BATS_TEST_TMPDIR/aslr" --verify
    run -0 "$PACK" extract "$BATS_TEST_TMPDIR/aslr" -o "$BATS_TEST_TMPDIR/x"
    run -0 readelf -hlW "$BATS_TEST_TMPDIR/x/aslr.spt"
    assert_output --regexp 'Type: +DYN'
    assert_output --regexp 'DYNAMIC +0x'
    assert_output --regexp 'GNU_RELRO +0x'
    pack_file "$BATS_TEST_TMPDIR/x/aslr.spt" "$BATS_TEST_TMPDIR/repacked" -q
    run -0 "$PACK" inspect "$BATS_TEST_TMPDIR/repacked"
    assert_line --regexp '^kind: +position-independent'
    where "$BATS_TEST_TMPDIR/repacked"
    assert_in_range "function" "$FUNCTION" "$ASLR_LOW" "$ASLR_HIGH"
    run -139 "$BATS_TEST_TMPDIR/repacked" --mem=32 --solo5:quiet write-relro
}

# --- what nabla-pack refuses ------------------------------------------------

# damaged_pie ACTION...: a copy of the aslr PIE guest changed by
# tests/tools/pie.py ACTION..., in $BATS_TEST_TMPDIR/broken.spt.
damaged_pie() {
    cp "$PIE_GUESTS/aslr.spt" "$BATS_TEST_TMPDIR/broken.spt"
    python3 "$PIE_PY" "$BATS_TEST_TMPDIR/broken.spt" "$@"
}

@test "nabla-pack refuses a PIE guest with a relocation other than R_X86_64_RELATIVE, in one line" {
    damaged_pie rela-set 0 info 1 # R_X86_64_64 against symbol 0
    pack_fails 'broken\.spt: relocation 0 \(at 0x[0-9a-f]+\) is R_X86_64_64 \(type 1\): a position-independent guest may have R_X86_64_RELATIVE relocations only' \
        "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie rela-set 2 info 6 # R_X86_64_GLOB_DAT
    pack_fails 'relocation 2 \(at 0x[0-9a-f]+\) is R_X86_64_GLOB_DAT \(type 6\)' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie rela-set 1 info $(((1 << 32) | 8)) # relative, against symbol 1
    pack_fails 'relocation 1 \(at 0x[0-9a-f]+\) is R_X86_64_RELATIVE against a symbol \(type 8\)' \
        "$BATS_TEST_TMPDIR/broken.spt"
}

@test "nabla-pack refuses a damaged relocation table, in one line" {
    damaged_pie rela-set 0 offset 0x100000 # into the text
    pack_fails 'relocation 0 writes to 0x100000, outside every writable segment' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie rela-set 3 offset 0x7f0000000000
    pack_fails 'relocation 3 writes to 0x7f0000000000, outside every writable segment' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie dyn-set RELA 0x10
    pack_fails 'damaged relocation table: DT_RELA 0x10, 96 bytes, outside the guest.s segments' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie dyn-set RELASZ $((24 * 43691))
    pack_fails 'damaged relocation table: DT_RELA 0x[0-9a-f]+, 1048584 bytes, outside' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie dyn-set RELASZ 95
    pack_fails 'damaged relocation table \(DT_RELASZ 95, DT_RELAENT 24\)' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie dyn-set RELAENT 16
    pack_fails 'damaged relocation table \(DT_RELASZ 96, DT_RELAENT 16\)' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie no-null
    pack_fails 'PT_DYNAMIC has no DT_NULL: damaged' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie phdr-set DYNAMIC offset 0x7fffffff
    pack_fails 'PT_DYNAMIC lies outside the file' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie phdr-set GNU_RELRO vaddr 0x100000
    pack_fails 'PT_GNU_RELRO 0x100000-0x[0-9a-f]+ outside every writable segment' "$BATS_TEST_TMPDIR/broken.spt"
}

@test "nabla-pack refuses what is not a static PIE, in one line: shared libraries, REL, RELR or PLT relocations, text relocations, no DF_1_PIE" {
    damaged_pie retag DEBUG NEEDED
    pack_fails 'needs shared libraries \(DT_NEEDED\): not a static PIE' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie retag DEBUG REL
    pack_fails 'has REL \(DT_REL\) relocations' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie retag DEBUG RELR
    pack_fails 'has packed relative \(DT_RELR\) relocations' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie retag DEBUG JMPREL
    pack_fails 'has PLT \(DT_JMPREL: not linked with -z now\) relocations' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie retag DEBUG TEXTREL
    pack_fails 'has text relocations \(DT_TEXTREL\): compile it with -fPIE' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie dyn-set FLAGS 0xc # DF_TEXTREL | DF_BIND_NOW
    pack_fails 'has text relocations' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie dyn-set FLAGS_1 1 # DF_1_NOW, no DF_1_PIE
    pack_fails 'ET_DYN but not a position-independent executable \(no DF_1_PIE\): a shared library\?' \
        "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie phdr-set LOAD align 0x3000
    pack_fails 'PT_LOAD 0: p_align 0x3000 is not a power of two' "$BATS_TEST_TMPDIR/broken.spt"
    damaged_pie phdr-set LOAD align 0x80000000
    pack_fails 'PT_LOAD 0: p_align 0x80000000 larger than 0x40000000' "$BATS_TEST_TMPDIR/broken.spt"
}

@test "a PIE that GNU ld marked ET_EXEC (linked at 0x100000, not marked ET_DYN afterwards): nabla-pack says how to mark it" {
    damaged_pie e-type 2
    pack_fails "broken\\.spt: a PIE marked ET_EXEC .*: run 'elfedit --output-type=dyn [^ ]*broken\\.spt' after linking" \
        "$BATS_TEST_TMPDIR/broken.spt"
}

# --- what the stub refuses ----------------------------------------------------

@test "the stub refuses a packed PIE whose relocation table was damaged, in one line; verify names the damage" {
    pack_pie aslr
    local app=$BATS_TEST_TMPDIR/aslr at
    cp "$app" "$BATS_TEST_TMPDIR/orig"
    at=$(python3 "$PAYLOAD_PY" "$app" pie-rela-offset 0)
    # r_info's type byte: 8 ^ 0x5a.
    python3 "$PAYLOAD_PY" "$app" flip $((at + 8))
    refuses_one_line 'damaged executable: guest relocation 0 \(type 82 at 0x[0-9a-f]+\) is not a relative relocation inside a writable segment' \
        "$app" --mem=32
    run -1 "$PACK" verify "$app"
    assert_output --regexp 'damaged: guest segment 0x[0-9a-f]+-0x[0-9a-f]+ r-- \(checksum mismatch\)'
    # r_offset moved 0x5a0000 bytes away, outside every segment.
    cp "$BATS_TEST_TMPDIR/orig" "$app"
    python3 "$PAYLOAD_PY" "$app" flip $((at + 2))
    refuses_one_line 'damaged executable: guest relocation 0 \(type 8 at 0x[0-9a-f]+\) is not a relative relocation inside a writable segment' \
        "$app" --mem=32
    # The payload's record of the table: outside the segments, or more
    # entries than could be.
    cp "$BATS_TEST_TMPDIR/orig" "$app"
    python3 "$PAYLOAD_PY" "$app" set pie_rela_vaddr 0x10
    refuses_one_line "damaged executable: the guest's relocation table \\(0x10, 4 entries\\) lies outside its segments" \
        "$app" --mem=32
    cp "$BATS_TEST_TMPDIR/orig" "$app"
    python3 "$PAYLOAD_PY" "$app" set pie_rela_count $((1 << 41))
    refuses_one_line "damaged executable: the guest's relocation table \\(0x[0-9a-f]+, 2199023255552 entries\\) lies outside its segments" \
        "$app" --mem=32
    # 2^64 / 24 + 1 entries: their size wraps around to 8 bytes.
    cp "$BATS_TEST_TMPDIR/orig" "$app"
    python3 "$PAYLOAD_PY" "$app" set pie_rela_count 768614336404564651
    refuses_one_line "damaged executable: the guest's relocation table \\(0x[0-9a-f]+, 768614336404564651 entries\\) lies outside its segments" \
        "$app" --mem=32
    cp "$BATS_TEST_TMPDIR/orig" "$app"
    python3 "$PAYLOAD_PY" "$app" set pie_relro_vaddr 0x100000
    refuses_one_line "damaged executable: the guest's PT_GNU_RELRO 0x100000-0x[0-9a-f]+ lies outside its writable segments" \
        "$app" --mem=32
    cp "$BATS_TEST_TMPDIR/orig" "$app"
    python3 "$PAYLOAD_PY" "$app" set pie_align 0x3000
    refuses_one_line 'damaged executable: bad position-independent guest record' "$app" --mem=32
}

# --- everything else as for a fixed guest -------------------------------------

@test "a running PIE guest's memory is guest memory only: stub, its stack and the vDSO unmapped, the segments still file-backed" {
    pack_pie sleep
    "$BATS_TEST_TMPDIR/sleep" --mem=32 --solo5:quiet 3000 >/dev/null 2>&1 3>&- &
    APP_PID=$!
    # Running the guest once Seccomp is set (the filter is loaded last).
    wait_until --pid "$APP_PID" 5 grep -q '^Seccomp:[[:space:]]*2' "/proc/$APP_PID/status"
    local maps low high
    maps=$(cat "/proc/$APP_PID/maps")
    low=$((16#$(head -1 <<<"$maps" | cut -d- -f1)))
    # Guest memory: from its first byte (base + 0x10000) 32 MiB less 64 KiB.
    high=$((low + (32 << 20) - 0x10000))
    assert_in_range "guest memory" "$low" "$ASLR_LOW" "$ASLR_HIGH"
    local line start end files=0
    while read -r line; do
        start=$((16#${line%%-*}))
        end=${line#*-}
        end=$((16#${end%% *}))
        [[ $line == *'[vsyscall]' ]] && continue
        ((start >= low && end <= high)) ||
            fail "a mapping outside guest memory [$low, $high): $line"
        [[ $line == *"$BATS_TEST_TMPDIR/sleep" ]] && files=$((files + 1))
    done <<<"$maps"
    ((files >= 2)) || fail "the guest's segments are no longer file-backed: $maps"
    [[ $maps != *'[vdso]'* && $maps != *'[stack]'* && $maps != *'[heap]'* ]] ||
        fail "stub memory left: $maps"
}

@test "the seccomp policy of a PIE guest is a fixed guest's, word for word; nothing new is allowed after the jump" {
    pack_file "$PIE_EXAMPLES/blkcount/blkcount.spt" "$BATS_TEST_TMPDIR/pie" -q
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" "$BATS_TEST_TMPDIR/fixed" -q
    truncate -s 1M "$BATS_TEST_TMPDIR/disk.img"
    run -0 "$BATS_TEST_TMPDIR/fixed" --block:storage="$BATS_TEST_TMPDIR/disk.img" --print-policy
    local fixed=$output
    run -0 "$BATS_TEST_TMPDIR/pie" --block:storage="$BATS_TEST_TMPDIR/disk.img" --print-policy
    assert_equal "$output" "$fixed"
    run -0 "$PACK" inspect "$BATS_TEST_TMPDIR/pie"
    local pie_inspect
    pie_inspect=$(sed -n '/^seccomp policy/,$p' <<<"$output")
    run -0 "$PACK" inspect "$BATS_TEST_TMPDIR/fixed"
    assert_equal "$pie_inspect" "$(sed -n '/^seccomp policy/,$p' <<<"$output")"
    # The calls the stub made to move the guest are killed from the guest.
    pack_pie badsyscall
    run -159 "$BATS_TEST_TMPDIR/badsyscall" --mem=32 --solo5:quiet getpid
}

@test "exit statuses of PIE guests: solo5_exit(N), abort (255), a bad system call (159), a bad access (139)" {
    pack_pie exitcode
    run -7 "$BATS_TEST_TMPDIR/exitcode" --mem=32 --solo5:quiet 7
    pack_pie abort
    run -255 "$BATS_TEST_TMPDIR/abort" --mem=32 --solo5:quiet
    pack_pie stacksmash
    run -255 "$BATS_TEST_TMPDIR/stacksmash" --mem=32 --solo5:quiet
    assert_output --partial "stack smashing detected"
    pack_pie badsyscall
    run -159 "$BATS_TEST_TMPDIR/badsyscall" --mem=32 --solo5:quiet open
    pack_pie nullderef
    run -139 "$BATS_TEST_TMPDIR/nullderef" --mem=32 --solo5:quiet
    refute_output --partial survived
}

@test "entry registers of a PIE guest: rsp = mem_size - 8, rdi = the boot information, both moved by the slide; rbp = 0" {
    pack_pie entryregs
    run "$BATS_TEST_TMPDIR/entryregs" --mem=64 --solo5:quiet
    assert_success
    assert_line "entryregs ok"
    refute_line "entryregs: argument 0x0000000000011000"
    assert_line --regexp '^entryregs: argument 0x0000[0-9a-f]{9}000$'
}

@test "block device: the PIE blkcount counts its starts on its disk image" {
    cp "$PIE_EXAMPLES/blkcount/blkcount" "$BATS_TEST_TMPDIR/blkcount"
    truncate -s 1M "$BATS_TEST_TMPDIR/blkcount.img"
    run -0 "$BATS_TEST_TMPDIR/blkcount" --solo5:quiet
    local first=$output
    run -0 "$BATS_TEST_TMPDIR/blkcount" --solo5:quiet
    [[ $output != "$first" ]] || fail "the count did not change: $output"
    assert_output --regexp '2'
}

@test "net device on a tap: the PIE netecho answers pings in a private network namespace" {
    [[ -c /dev/net/tun ]] || skip "no /dev/net/tun: cannot make tap devices"
    command -v ping >/dev/null || skip "no ping (iputils-ping)"
    netns_add "nabla-aslr-$$-$BATS_TEST_NUMBER" || skip "$NETNS_ERROR"
    in_ns ip tuntap add tap0 mode tap
    in_ns ip addr add 10.0.0.1/24 dev tap0
    in_ns ip link set tap0 up
    local log=$BATS_TEST_TMPDIR/app.log
    ip netns exec "$NS" "$PIE_EXAMPLES/netecho/netecho" >"$log" 2>&1 3>&- &
    APP_PID=$!
    wait_until --pid "$APP_PID" 5 grep -q '^netecho: ' "$log" || fail "netecho did not start: $(cat "$log")"
    run -0 in_ns ping -c 200 -f -W 1 10.0.0.2
    assert_output --partial "200 packets transmitted, 200 received"
}

@test "net device in user mode: the PIE httpd serves curl; its relay holds no guest memory" {
    command -v curl >/dev/null || skip "no curl"
    netns_add "nabla-aslr-$$-$BATS_TEST_NUMBER" || skip "$NETNS_ERROR"
    local log=$BATS_TEST_TMPDIR/app.log site=$NABLA_BUILD/examples/httpd/site
    pack_file "$PIE_EXAMPLES/httpd/httpd.spt" "$BATS_TEST_TMPDIR/httpd" -q
    ip netns exec "$NS" "$BATS_TEST_TMPDIR/httpd" --net:service=user \
        --net-forward:service=tcp:8080:80 --solo5:quiet >"$log" 2>&1 3>&- &
    APP_PID=$!
    wait_until --pid "$APP_PID" 10 grep -q '^httpd: serving ' "$log" || fail "httpd did not start: $(cat "$log")"
    run -0 in_ns curl -sS -m 10 http://127.0.0.1:8080/
    assert_output "$(cat "$site/index.html")"
    # The guest is the relay's child; its first mapping is guest memory.
    local guest low
    guest=$(cat "/proc/$APP_PID/task/$APP_PID/children")
    guest=${guest%% *}
    low=$((16#$(head -1 "/proc/$guest/maps" | cut -d- -f1)))
    assert_in_range "guest memory" "$low" "$ASLR_LOW" "$ASLR_HIGH"
    local line start
    while read -r line; do
        start=$((16#${line%%-*}))
        ((start < low || start >= low + (512 << 20))) ||
            fail "the relay still maps guest memory: $line"
    done <"/proc/$APP_PID/maps"
}

@test "gdb starts a PIE guest at its link addresses: a breakpoint on a guest function stops there, with its source" {
    needs_ptrace
    pack_file "$PIE_EXAMPLES/hello/hello.spt" "$BATS_TEST_TMPDIR/hello" -q
    run "${GDB[@]}" -ex 'break solo5_app_main' -ex run -ex bt -ex continue \
        --args "$BATS_TEST_TMPDIR/hello" a
    assert_success
    assert_line --regexp '^Breakpoint 1, solo5_app_main \(.*\) at [^ ]*hello\.c:[0-9]+'
    assert_line --regexp '^#1 +0x[0-9a-f]+ in _start \(.*\) at [^ ]*bindings/start\.c:[0-9]+'
    assert_line "Hello, World"
    assert_output --partial "exited normally"
}

@test "gdb attached to a PIE guest at a random address finds its frames with symbol-file -o BASE" {
    needs_ptrace
    pack_pie sleep
    "$BATS_TEST_TMPDIR/sleep" --mem=32 --solo5:quiet 5000 >/dev/null 2>&1 3>&- &
    APP_PID=$!
    wait_until --pid "$APP_PID" 5 grep -q '^Seccomp:[[:space:]]*2' "/proc/$APP_PID/status"
    local base
    base=$(printf '0x%x' $((16#$(head -1 "/proc/$APP_PID/maps" | cut -d- -f1) - 0x10000)))
    run "${GDB[@]}" -p "$APP_PID" -ex "symbol-file -o $base $BATS_TEST_TMPDIR/sleep" -ex bt
    assert_success
    assert_line --regexp '^#[0-9]+ +0x[0-9a-f]+ in solo5_app_main \(.*\) at [^ ]*tests/guests/sleep\.c:[0-9]+$'
}

@test "perf names the functions of a PIE guest running at a random address" {
    needs_perf
    pack_pie sleep
    perf_report_sleep "$BATS_TEST_TMPDIR/sleep"
    assert_line --regexp '^ +[0-9.]+% +sleep +\[\.\] solo5_clock_monotonic$'
    refute_output --partial '[unknown]'
}

@test "--help lists --no-aslr; --no-aslr is no default nabla-pack bakes in" {
    pack_pie aslr
    run -0 "$BATS_TEST_TMPDIR/aslr" --help
    assert_line --regexp '^  --no-aslr +a position-independent guest at its link$'
    pack_fails "unknown option '--no-aslr'" "$PIE_GUESTS/aslr.spt" --no-aslr
}

@test "a memory limit too small for a PIE guest: one line naming it, nothing runs" {
    pack_pie aslr
    refuses_one_line 'cannot map guest memory 0x[0-9a-f]+-0x[0-9a-f]+: Out of memory \(the address-space limit, ulimit -v: 65536 KiB\)$' \
        bash -c 'ulimit -v 65536 && exec "$0" --mem=512 --solo5:quiet' "$BATS_TEST_TMPDIR/aslr"
    refute_output --partial "aslr:"
}
