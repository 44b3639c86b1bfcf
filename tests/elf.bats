#!/usr/bin/env bats
# Broken guest ELF files: nabla-pack refuses each one with exit status 1 (not
# a crash), exactly one line on stderr naming the problem, and no output or
# temporary file. Every broken file is made here, in the test, from a good
# guest by tests/tools/mutate.py. The truncation and random-corruption unit
# test (tests/unit/elf_test.c) runs from unit.bats.

load helpers
load broken-guest

# refused REGEX [nabla-pack options...]: nabla-pack -o OUT [options]
# broken.spt exits 1 with one line on stderr that names the file and matches
# REGEX, prints nothing on stdout and leaves no output or temporary file.
refused() {
    local regex=$1
    shift
    pack_fails "$regex" "$@" "$BATS_TEST_TMPDIR/broken.spt"
    assert_regex "$stderr" "broken\.spt: "
}

# --- controls ------------------------------------------------------------------

@test "control: an unmodified copy made by mutate.py packs and runs" {
    broken none
    pack_file "$BATS_TEST_TMPDIR/broken.spt" "$BATS_TEST_TMPDIR/ok"
    run -42 "$BATS_TEST_TMPDIR/ok" 42
}

@test "control: an unmodified copy of a guest with a device packs" {
    broken none "$GOOD_DEV"
    pack_file "$BATS_TEST_TMPDIR/broken.spt" "$BATS_TEST_TMPDIR/ok" \
        --block:storage=disk.img
}

# --- ELF header -------------------------------------------------------------

@test "e_phoff pointing outside the file" {
    broken phoff-outside
    refused 'program headers .*outside the file'
}

@test "e_shoff pointing outside the file" {
    broken shoff-outside
    refused 'section headers .*outside the file'
}

@test "section header table at an odd offset: packed or refused, never a sanitizer report" {
    broken shoff-odd
    local out=$BATS_TEST_TMPDIR/out
    run --separate-stderr "$PACK" -o "$out" "$BATS_TEST_TMPDIR/broken.spt"
    refute_regex "$stderr" 'runtime error|AddressSanitizer'
    if ((status == 0)); then
        run -42 "$out" 42
    else
        assert_equal "$status" 1
        assert_one_stderr_line
        [[ ! -e $out ]] || fail "output file $out was created"
    fi
}

@test "e_phnum too large for the file" {
    broken phnum-too-large
    refused 'program headers .*e_phnum [0-9]+.*outside the file'
}

@test "e_phentsize that is not sizeof(Elf64_Phdr)" {
    broken phentsize
    refused 'no valid program header table'
}

@test "ELF for another machine (riscv)" {
    broken machine-riscv
    refused 'ELF for machine riscv \(e_machine 243\): nabla is for x86_64 and aarch64'
}

@test "a 32-bit ELF executable (i386)" {
    broken elf32
    run file "$BATS_TEST_TMPDIR/broken.spt"
    assert_output --partial "ELF 32-bit LSB executable"
    refused 'not a 64-bit ELF'
}

@test "a big-endian ELF" {
    broken big-endian
    refused 'not a little-endian ELF'
}

@test "ET_DYN without a dynamic section (not a static PIE)" {
    broken et-dyn
    refused 'position-independent \(ET_DYN\) without PT_DYNAMIC: not a static PIE'
}

@test "entry point in a non-executable segment" {
    broken entry-rodata
    refused 'entry point 0x[0-9a-f]+ is outside every executable segment'
}

@test "entry point just past the end of the text segment" {
    broken entry-past-text
    refused 'entry point 0x[0-9a-f]+ is outside every executable segment'
}

# --- program headers -----------------------------------------------------------

@test "two overlapping PT_LOADs" {
    broken overlap
    refused 'PT_LOAD [0-9]+ overlaps PT_LOAD [0-9]+'
}

@test "a PT_LOAD below 0x100000" {
    broken below-min
    refused 'PT_LOAD [0-9]+ at 0xf[0-9a-f]{4} is below the lowest guest address 0x100000'
}

@test "a PT_LOAD at 0x7f0000000000, above guest memory" {
    broken above-mem
    refused 'PT_LOAD [0-9]+ ends above guest memory \(512 MiB\)'
}

@test "a PT_LOAD of 1 GiB, ending above the default 512 MiB" {
    broken memsz-1g
    refused 'PT_LOAD [0-9]+ ends above guest memory \(512 MiB\)'
}

@test "a PT_LOAD whose p_vaddr + p_memsz wraps around" {
    broken memsz-wraps
    refused 'PT_LOAD [0-9]+ ends above guest memory'
}

@test "a good guest with --mem=1: its text at 1 MiB is above guest memory" {
    broken none
    refused 'PT_LOAD [0-9]+ ends above guest memory \(1 MiB\)' --mem=1
}

@test "p_filesz > p_memsz" {
    broken filesz-gt-memsz
    refused 'PT_LOAD [0-9]+: p_filesz 0x[0-9a-f]+ larger than p_memsz 0x[0-9a-f]+'
}

@test "p_offset + p_filesz past the end of the file" {
    broken filesz-past-eof
    refused 'PT_LOAD [0-9]+: file data runs past the end of the file'
}

@test "p_offset past the end of the file" {
    broken offset-past-eof
    refused 'PT_LOAD [0-9]+: file data runs past the end of the file'
}

@test "p_vaddr and p_offset not congruent modulo the page size" {
    broken not-congruent
    refused 'PT_LOAD [0-9]+: p_vaddr and p_offset are not congruent'
}

@test "a writable and executable (W+X) text segment" {
    broken wx
    refused 'PT_LOAD [0-9]+ at 0x100000 is writable and executable \(W\+X\)'
}

@test "no PT_LOAD at all" {
    broken no-load
    refused 'no PT_LOAD segment'
}

@test "17 PT_LOADs more than the guest's own (more than 16)" {
    broken load-17
    refused 'more than 16 PT_LOAD segments'
}

@test "a PT_DYNAMIC" {
    broken pt-dynamic
    refused 'dynamically linked \(PT_DYNAMIC\)'
}

@test "a PT_INTERP naming a real interpreter" {
    broken interp-other
    refused "dynamically linked \(interpreter '/lib/ld-musl-x86\.so'\)"
}

@test "a PT_INTERP past the end of the file" {
    broken interp-past-eof
    refused 'dynamically linked \(interpreter'
}

# --- notes ---------------------------------------------------------------------

@test "ABI1 note whose descsz runs past its PT_NOTE" {
    broken abi-descsz-past-segment
    refused 'note does not fall within valid size'
}

@test "ABI1 note with namesz 0xffffffff" {
    broken abi-namesz-huge
    refused 'note does not fall within valid size'
}

@test "ABI1 note with descsz 0xfffffff0" {
    broken abi-descsz-huge
    refused 'note does not fall within valid size'
}

@test "PT_NOTE whose p_filesz runs past the end of the file" {
    broken note-filesz-past-eof
    refused 'note does not fall within valid size'
}

@test "PT_NOTE whose p_offset is past the end of the file" {
    broken note-offset-past-eof
    refused 'note does not fall within valid size'
}

@test "ABI1 note missing" {
    broken abi-missing
    refused 'no Solo5 ABI1 note'
}

@test "ABI1 note twice (the MFT1 note's type changed to ABI1)" {
    broken abi-duplicated
    refused 'more than one Solo5 ABI1 note'
}

@test "ABI1 note too short for its descriptor" {
    broken abi-short
    refused 'ABI1 note too short'
}

@test "ABI target hvt (1)" {
    broken abi-hvt
    refused 'built for hvt \(ABI target 1\), not spt'
}

@test "ABI target 99 (unknown)" {
    broken abi-target-99
    refused 'built for an unknown target \(ABI target 99\), not spt'
}

@test "spt ABI version 3" {
    broken abi-version-3
    refused 'spt ABI version 3 not supported'
}

@test "MFT1 note missing" {
    broken mft-missing
    refused 'no Solo5 MFT1 \(manifest\) note'
}

@test "MFT1 note twice (a second PT_NOTE over it)" {
    broken mft-duplicated
    refused 'more than one Solo5 MFT1 \(manifest\) note'
}

@test "manifest with 65 entries" {
    broken mft-entries-65
    refused 'manifest has 65 entries, maximum 64'
}

@test "manifest with 0 entries" {
    broken mft-entries-0
    refused 'manifest has no entries'
}

@test "manifest version 2" {
    broken mft-version-2
    refused 'manifest version 2 not supported'
}

@test "manifest descriptor shorter than its entries" {
    broken mft-short
    refused 'manifest note is 8 bytes, but [0-9]+ entries take'
}

@test "manifest entry 0 with a device type instead of the reserved one" {
    broken entry0-type
    refused 'manifest entry 0 is not the reserved entry'
}

@test "manifest entry 0 with a name" {
    broken entry0-name
    refused 'manifest entry 0 is not the reserved entry'
}

@test "manifest entry name not NUL-terminated" {
    broken entry1-name-unterminated "$GOOD_DEV"
    refused 'name of manifest entry 1 is not NUL-terminated'
}

@test "manifest entry name with a character outside [A-Za-z0-9]" {
    broken entry1-name-badchar "$GOOD_DEV"
    refused "name of manifest entry 1 \('sto-age'\) has characters outside \[A-Za-z0-9\]"
}

@test "manifest entry with an empty name" {
    broken entry1-name-empty "$GOOD_DEV"
    refused 'name of manifest entry 1 is empty'
}

@test "manifest entry of unknown device type 7" {
    broken entry1-type-7 "$GOOD_DEV"
    refused "manifest entry 1 \('storage'\) has unknown type 0x7"
}
