#!/usr/bin/env bats
# The guest side for aarch64, as built (mk/aarch64.mk) and as installed
# (make install): the tree's own guests cross-built into build/aarch64/ are
# Solo5 spt guests for EM_AARCH64 with the same notes as the x86_64 ones;
# the aarch64 bindings export only the Solo5 interface; nabla-cc
# --target=aarch64 and aarch64-solo5-none-static-* build a guest from the
# installed files. Running them needs an aarch64 tender (tests/aarch64.bats
# has the VM); here they are read, not run.

load helpers

# The suite may run under `make check`: the make it starts must not inherit
# that make's flags and overrides.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

AB=$NABLA_BUILD/aarch64
NM=aarch64-linux-gnu-nm
OBJCOPY=aarch64-linux-gnu-objcopy

setup_file() {
    [[ -f $NABLA_BUILD/aarch64/bindings/nabla.o ]] || return 0
    export ROOT=$BATS_FILE_TMPDIR/root
    export INST=$ROOT/usr/local
    make -s -C "$REPO_ROOT" install DESTDIR="$ROOT" PREFIX=/usr/local \
        >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
        echo "failed: $?" >"$BATS_FILE_TMPDIR/install.failed"
}

setup() {
    [[ -f $AB/bindings/nabla.o ]] ||
        skip "$AB not built (make all; needs gcc-aarch64-linux-gnu)"
}

# The guests built for aarch64.
aarch64_guests() {
    ls "$AB"/tests/guests/*.spt "$AB"/examples/*/*.spt
}

@test "aarch64 guests: ET_EXEC for AArch64, segments at 0x100000 or above in 4 KiB pages, none W+X, PT_INTERP /nonexistent/solo5/" {
    local g n=0
    for g in $(aarch64_guests); do
        n=$((n + 1))
        run -0 readelf -hlW "$g"
        assert_line --regexp '^ *Type: +EXEC '
        assert_line --regexp '^ *Machine: +AArch64$'
        assert_line --partial '[Requesting program interpreter: /nonexistent/solo5/]'
        local line vaddr flags align loads=0 bad=()
        while read -r line; do
            read -r _ _ vaddr _ _ _ flags align <<<"$line"
            # "R E" splits in two: the alignment is the last field.
            align=${line##* }
            flags=${line#*0x* 0x* 0x* 0x* 0x* }
            loads=$((loads + 1))
            ((vaddr >= 0x100000)) || bad+=("below 0x100000: $line")
            [[ ! ($flags == *W* && $flags == *E*) ]] || bad+=("W+X: $line")
            [[ $align == 0x1000 ]] || bad+=("alignment: $line")
        done < <(grep '^ *LOAD ' <<<"$output")
        ((loads >= 2)) || bad+=("$g: only $loads PT_LOAD")
        run echo "${bad[*]}"
        assert_output ""
    done
    # every test guest but int80 (x86_64's 32-bit entry), netclient (lwIP's,
    # for the user-mode network tests), hello, blkcount, httpd
    local want=$(($(ls "$REPO_ROOT"/tests/guests/*.c | wc -l) - 1 + 1 + 3))
    assert_equal "$n" "$want"
}

@test "aarch64 guests carry the x86_64 guests' ABI1 and MFT1 notes, byte for byte" {
    local g x86 sec
    for g in hello blkcount httpd; do
        x86=$NABLA_BUILD/examples/$g/$g.spt
        for sec in .note.solo5.abi .note.solo5.manifest; do
            objcopy -O binary --only-section=$sec "$x86" "$BATS_TEST_TMPDIR/x86"
            $OBJCOPY -O binary --only-section=$sec "$AB/examples/$g/$g.spt" "$BATS_TEST_TMPDIR/a64"
            [[ -s $BATS_TEST_TMPDIR/a64 ]] || fail "$g: no $sec"
            cmp "$BATS_TEST_TMPDIR/x86" "$BATS_TEST_TMPDIR/a64" || fail "$g: $sec differs"
        done
    done
    for g in blk63 sweep netecho2 tls; do
        x86=$NABLA_BUILD/tests/guests/$g.spt
        objcopy -O binary --only-section=.note.solo5.manifest "$x86" "$BATS_TEST_TMPDIR/x86"
        $OBJCOPY -O binary --only-section=.note.solo5.manifest "$AB/tests/guests/$g.spt" "$BATS_TEST_TMPDIR/a64"
        cmp "$BATS_TEST_TMPDIR/x86" "$BATS_TEST_TMPDIR/a64" || fail "$g: MFT1 note differs"
    done
    # ABI1: target spt (2), version 2.
    $OBJCOPY -O binary --only-section=.note.solo5.abi "$AB/examples/hello/hello.spt" "$BATS_TEST_TMPDIR/abi"
    run -0 od -A n -t x4 -j 20 -N 8 "$BATS_TEST_TMPDIR/abi"
    assert_equal "$(echo $output)" "00000002 00000002"
}

@test "the aarch64 bindings export only the Solo5 interface, and define no C library function" {
    command -v "$NM" >/dev/null || skip "no $NM (binutils-aarch64-linux-gnu)"
    run -0 "$NM" -g --defined-only "$AB/bindings/nabla.o"
    local sym bad=()
    while read -r _ _ sym; do
        case "$sym" in
        solo5_* | _start | __stack_chk_guard | __stack_chk_fail) ;;
        *) bad+=("$sym") ;;
        esac
    done <<<"$output"
    assert_equal "${bad[*]}" ""
    assert_output --partial " T solo5_set_tls_base"
    run -0 "$NM" -g "$AB/bindings/nabla.o"
    refute_line --regexp ' [TDBRW] (memcpy|memset|memmove|memcmp|strlen|strcmp)$'
}

@test "the aarch64 bindings make system calls with svc #0 and set the thread pointer with msr tpidr_el0, never arch_prctl" {
    run -0 aarch64-linux-gnu-objdump -d "$AB/bindings/nabla.o"
    assert_output --partial $'\tsvc\t#0x0'
    assert_output --regexp $'msr\ttpidr_el0, x[0-9]+'
    assert_output --regexp $'mrs\tx[0-9]+, cntvct_el0'
}

@test "installed: nabla-cc --target=aarch64 builds hello for AArch64 with the aarch64 flags; an unknown target is refused" {
    [[ ! -e $BATS_FILE_TMPDIR/install.failed ]] || fail "make install failed: $(cat "$BATS_FILE_TMPDIR/install.log")"
    cd "$BATS_TEST_TMPDIR"
    cp "$REPO_ROOT/examples/hello/hello.c" "$REPO_ROOT/examples/hello/manifest.json" .
    run -0 "$INST/bin/nabla-cc" --target=aarch64 --manifest=manifest.json -O2 hello.c -o hello.spt
    run -0 readelf -hn hello.spt
    assert_line --regexp '^ *Machine: +AArch64$'
    assert_output --partial "Unknown note type: (0x3154464d)"
    run -0 "$INST/bin/nabla-cc" --target=aarch64 --print-cflags
    refute_output --partial "-mno-red-zone"
    assert_output --partial "-mno-outline-atomics"
    run -0 "$INST/bin/nabla-cc" --target=aarch64 --print-ldflags
    assert_output --partial "$INST/lib/nabla/aarch64/nabla.o"
    run -1 "$INST/bin/nabla-cc" --target=sparc64 hello.c
    assert_output "nabla-cc: error: unknown --target 'sparc64' (x86_64 or aarch64)"
    # The default stays x86_64.
    run -0 "$INST/bin/nabla-cc" --manifest=manifest.json hello.c -o hello-x86.spt
    run -0 readelf -h hello-x86.spt
    assert_line --regexp '^ *Machine: +Advanced Micro Devices X86-64$'
}

@test "installed: aarch64-solo5-none-static-cc, -ld and -objcopy build a Solo5-style program for AArch64" {
    [[ ! -e $BATS_FILE_TMPDIR/install.failed ]] || fail "make install failed: $(cat "$BATS_FILE_TMPDIR/install.log")"
    cd "$BATS_TEST_TMPDIR"
    cp "$REPO_ROOT"/tests/solo5-style/toolchain/* .
    local t=$INST/bin/aarch64-solo5-none-static
    run -0 "$INST/bin/nabla-pack" gen-manifest manifest.json manifest.c
    run -0 "$t-cc" -c app.c manifest.c
    run -0 "$t-cc" -z solo5-abi=spt app.o manifest.o -o app.spt
    run -0 "$t-ld" -z solo5-abi=spt app.o manifest.o -o app-ld.spt
    run -0 "$t-objcopy" --strip-debug app.spt app-stripped.spt
    local f
    for f in app.spt app-ld.spt app-stripped.spt; do
        run -0 readelf -hl "$f"
        assert_line --regexp '^ *Machine: +AArch64$'
        assert_output --partial "/nonexistent/solo5/"
    done
    # -mstack-protector-guard=global is x86_64's: the aarch64 copy leaves it out.
    run -0 bash -x "$t-cc" -c app.c -o /dev/null
    refute_output --partial "mstack-protector-guard"
    run -1 "$t-cc" -z solo5-abi=hvt app.o manifest.o -o app-hvt
    assert_output --partial "nabla builds spt unikernels only"
}

@test "installed: without the aarch64 bindings, nabla-cc --target=aarch64 and aarch64-solo5-none-static-cc say so; a Solo5 name of another machine is refused" {
    [[ ! -e $BATS_FILE_TMPDIR/install.failed ]] || fail "make install failed: $(cat "$BATS_FILE_TMPDIR/install.log")"
    # A copy of the installed tree, less the aarch64 bindings.
    local copy=$BATS_TEST_TMPDIR/copy
    cp -a "$INST" "$copy"
    rm "$copy/lib/nabla/aarch64/nabla.o"
    cd "$BATS_TEST_TMPDIR"
    cp "$REPO_ROOT/examples/hello/hello.c" .
    run -1 "$copy/bin/nabla-cc" --target=aarch64 -c hello.c
    assert_output "nabla-cc: error: no aarch64 bindings installed ($copy/lib/nabla/aarch64/nabla.o)"
    run -1 "$copy/bin/aarch64-solo5-none-static-cc" -c hello.c
    assert_output "aarch64-solo5-none-static-cc: error: no aarch64 bindings installed ($copy/lib/nabla/aarch64/nabla.o)"
    # x86_64 is untouched.
    run -0 "$copy/bin/nabla-cc" -c hello.c -o hello.o
    ln -s x86_64-solo5-none-static-cc "$copy/bin/riscv64-solo5-none-static-cc"
    run -1 "$copy/bin/riscv64-solo5-none-static-cc" -c hello.c
    assert_output "riscv64-solo5-none-static-cc: error: installed under an unknown name (want x86_64-... or aarch64-...)"
}
