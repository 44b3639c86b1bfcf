#!/usr/bin/env bats
# nabla-pack refuses bad input: exit 1, exactly one line on stderr naming the
# problem, and no output file.

load helpers

# json_manifest DEVICES-JSON [TYPE [VERSION]]: prints a manifest.json.
json_manifest() {
    printf '{"type": "%s", "version": %s, "devices": [%s]}\n' \
        "${2:-solo5.manifest}" "${3:-1}" "$1"
}

# Writes a manifest file in the test's directory and prints its path.
write_json() {
    local path=$BATS_TEST_TMPDIR/$1
    shift
    printf '%s\n' "$@" >"$path"
    printf '%s\n' "$path"
}

@test "missing guest file" {
    pack_fails 'missing\.spt.*No such file' "$BATS_TEST_TMPDIR/missing.spt"
}

@test "guest that is not an ELF file" {
    echo "just some text" >"$BATS_TEST_TMPDIR/text.spt"
    pack_fails 'text\.spt: not an ELF' "$BATS_TEST_TMPDIR/text.spt"
}

@test "guest ELF for another machine (32-bit Arm)" {
    local arm=$BATS_TEST_TMPDIR/arm.spt
    cp "$HELLO_SPT" "$arm"
    # e_machine (2 bytes, little-endian, at offset 18) = 40 = EM_ARM.
    printf '\050\000' | dd of="$arm" bs=1 seek=18 conv=notrunc status=none
    run od -An -tu2 -j18 -N2 "$arm"
    assert_output --regexp '^ *40$'
    pack_fails 'arm\.spt: ELF for machine arm \(e_machine 40\): nabla is for x86_64 and aarch64' "$arm"
}

@test "dynamically linked executable (/bin/true)" {
    pack_fails '/bin/true: .*(dynamic|static|PIE|interpreter)' /bin/true
}

@test "manifest that is not JSON" {
    local j
    j=$(write_json bad.json '{"type": "solo5.manifest", "version": 1,')
    pack_fails 'bad\.json: not valid JSON' "$HELLO_SPT" "$j"
}

@test "manifest with the wrong type" {
    local j
    j=$(write_json bad.json "$(json_manifest '' solo5.other)")
    pack_fails 'bad\.json: .*type.*solo5\.other' "$HELLO_SPT" "$j"
}

@test "manifest with the wrong version" {
    local j
    j=$(write_json bad.json "$(json_manifest '' solo5.manifest 2)")
    pack_fails 'bad\.json: .*version.*2' "$HELLO_SPT" "$j"
}

@test "manifest with an unknown device type" {
    local j
    j=$(write_json bad.json "$(json_manifest '{"name": "disk", "type": "DISK_BASIC"}')")
    pack_fails 'bad\.json: .*unknown device type.*DISK_BASIC' "$HELLO_SPT" "$j"
}

@test "manifest with duplicate device names" {
    local j
    j=$(write_json bad.json "$(json_manifest \
        '{"name": "eth0", "type": "NET_BASIC"}, {"name": "eth0", "type": "BLOCK_BASIC"}')")
    pack_fails 'bad\.json: .*duplicate.*eth0' "$HELLO_SPT" "$j"
}

@test "manifest with 64 devices" {
    local devices="" i
    for ((i = 0; i < 64; i++)); do
        devices+="${devices:+, }{\"name\": \"dev$i\", \"type\": \"NET_BASIC\"}"
    done
    local j
    j=$(write_json bad.json "$(json_manifest "$devices")")
    pack_fails 'bad\.json: .*too many devices.*63' "$HELLO_SPT" "$j"
}

@test "manifest with 63 devices is valid JSON-wise (reaches the note comparison)" {
    local devices="" i
    for ((i = 0; i < 63; i++)); do
        devices+="${devices:+, }{\"name\": \"dev$i\", \"type\": \"NET_BASIC\"}"
    done
    local j
    j=$(write_json ok.json "$(json_manifest "$devices")")
    # hello declares no devices, so the only complaint is the mismatch.
    pack_fails 'ok\.json declares 63 devices' "$HELLO_SPT" "$j"
}

@test "manifest with a device name longer than 67 characters" {
    local name
    name=$(printf 'n%.0s' {1..68})
    local j
    j=$(write_json bad.json "$(json_manifest "{\"name\": \"$name\", \"type\": \"NET_BASIC\"}")")
    pack_fails 'bad\.json: .*67' "$HELLO_SPT" "$j"
}

@test "manifest with a device name of bad characters" {
    local j
    j=$(write_json bad.json "$(json_manifest '{"name": "a-b", "type": "NET_BASIC"}')")
    pack_fails 'bad\.json: .*a-b.*\[A-Za-z0-9\]' "$HELLO_SPT" "$j"
}

@test "unknown nabla-pack option" {
    pack_fails "unknown option '--frobnicate'" --frobnicate "$HELLO_SPT"
}

@test "nabla-pack --mem=abc" {
    pack_fails 'invalid --mem=abc' --mem=abc "$HELLO_SPT"
}
