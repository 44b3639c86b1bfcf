#!/usr/bin/env bats
# nabla-pack oci: an OCI image layout holding a packed executable and its
# relative default disk images. Checked byte by byte (tar, gzip, JSON,
# digests, reproducibility), with skopeo and umoci, and run with podman
# (`podman run`, and `podman kube play` of the Pods in examples/kubernetes/).
#
# The container tools are installed by setup_file if missing (skopeo umoci
# podman runc, catatonit: podman's pause image for kube play, and
# containernetworking-plugins: the bridge of the httpd Pod); the tests that
# need them are skipped, with the reason, if that is impossible. Podman runs
# with its own storage and settings under $OCI_HOME, removed at the end (see
# pm below); the httpd Pod's network (a bridge, its firewall rules) is made
# in a network namespace of the test's own (pm_in_ns).

load helpers

BLKCOUNT_SPT=$NABLA_BUILD/examples/blkcount/blkcount.spt
BADSYSCALL_SPT=$NABLA_BUILD/tests/guests/badsyscall.spt
KUBE_DIR=$REPO_ROOT/examples/kubernetes

setup_file() {
    local missing=() tool log=$BATS_FILE_TMPDIR/apt.log
    for tool in skopeo umoci podman runc catatonit; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
    local reason=
    if ((${#missing[@]} > 0)); then
        if ((EUID != 0)); then
            reason="missing ${missing[*]} (not root: cannot install them)"
        elif ! command -v apt-get >/dev/null; then
            reason="missing ${missing[*]} (no apt-get to install them)"
        else
            local apt=(apt-get -o DPkg::Lock::Timeout=600 -y)
            export DEBIAN_FRONTEND=noninteractive
            local pkgs=(skopeo umoci podman runc catatonit
                containernetworking-plugins)
            if ! "${apt[@]}" install "${pkgs[@]}" >"$log" 2>&1 &&
                ! { "${apt[@]}" update && "${apt[@]}" install "${pkgs[@]}"; } \
                    >>"$log" 2>&1; then
                reason="cannot install ${missing[*]}: $(tail -n 1 "$log")"
            fi
        fi
    fi
    printf '%s' "$reason" >"$BATS_FILE_TMPDIR/no-container-tools"

    # podman names an image run as oci:PATH after PATH, which must then be
    # lower case: a home of our own, readable by user 65534 as well.
    local home
    while :; do
        home=/tmp/nabla-oci.$$.$RANDOM
        mkdir -m 0755 "$home" 2>/dev/null && break
    done
    export OCI_HOME=$home
    mkdir -p "$OCI_HOME/podman"
    # Root here lacks CAP_SYS_RESOURCE: podman's default rlimits (raised to
    # the hard limit) fail in runc ("error setting rlimit type 7"), and
    # `kube play` has no --ulimit: hence default_ulimits. tmp_dir keeps
    # podman's run-time state apart from any other podman on the machine.
    cat >"$OCI_HOME/podman/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"

[network]
network_config_dir = "$OCI_HOME/podman/cni"

[engine]
tmp_dir = "$OCI_HOME/podman/tmp"
EOF
    # podman's default network ("podman", a CNI bridge: the httpd Pod's),
    # with its address bookkeeping under OCI_HOME too, not /var/lib/cni.
    mkdir -p "$OCI_HOME/podman/cni"
    cat >"$OCI_HOME/podman/cni/87-podman-bridge.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "podman",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni-podman0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$OCI_HOME/podman/cni-ipam",
        "routes": [{ "dst": "0.0.0.0/0" }],
        "ranges": [[{ "subnet": "10.88.0.0/16", "gateway": "10.88.0.1" }]]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "firewall" },
    { "type": "tuning" }
  ]
}
EOF
    cat >"$OCI_HOME/podman/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$OCI_HOME/podman/root"
runroot = "$OCI_HOME/podman/run"
EOF
}

teardown_file() {
    if [[ -z $OCI_HOME || ! -d $OCI_HOME ]]; then
        return 0
    fi
    if [[ -d $OCI_HOME/podman/root ]] && command -v podman >/dev/null; then
        pm pod rm -a -f >/dev/null 2>&1 || true
        pm rm -a -f >/dev/null 2>&1 || true
    fi
    # Whatever podman left mounted below OCI_HOME (shm of a container).
    local m
    findmnt -rn -o TARGET | grep "^$OCI_HOME/" | sort -r |
        while read -r m; do umount "$m" 2>/dev/null || true; done
    rm -rf "$OCI_HOME"
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    KUBE_FILES=()
    KUBE_NS_FILES=()
    NS=
}

teardown() {
    local f
    for f in "${KUBE_FILES[@]}"; do
        pm kube down "$f" >/dev/null 2>&1 || true
    done
    for f in "${KUBE_NS_FILES[@]}"; do
        pm_in_ns kube down "$f" >/dev/null 2>&1 || true
    done
    netns_del
}

# need_container_tools: skips the test (with the reason) without them.
need_container_tools() {
    local reason
    reason=$(cat "$BATS_FILE_TMPDIR/no-container-tools")
    if [[ -n $reason ]]; then
        skip "$reason"
    fi
}

# pm ARGS...: podman with its own storage and state under $OCI_HOME. On
# these machines podman 4.3 falls back to most of these by itself; they are
# explicit so that nothing else on the machine changes them:
#   --runtime runc             crun (if installed) refuses the hybrid cgroup
#                              v1/v2 layout
#   --cgroup-manager=cgroupfs  systemd is not PID 1
#   --events-backend=file      no journald either
#   --storage-driver vfs       plain directories: nothing mounted to clean up
# What is required: rlimits that root may set here (see setup_file), as
# --ulimit for `run` (pm_run) and default_ulimits for `kube play`.
pm() {
    CONTAINERS_CONF=$OCI_HOME/podman/containers.conf \
        CONTAINERS_STORAGE_CONF=$OCI_HOME/podman/storage.conf \
        podman --runtime runc --cgroup-manager=cgroupfs \
        --events-backend=file --storage-driver vfs "$@"
}

# pm_in_ns ARGS...: pm in the network namespace $NS, so that podman makes
# its bridge, its firewall rules and the Pod's network there, not on the
# machine's network. nsenter, not ip netns exec: that one mounts a sysfs of
# the namespace on /sys, which hides the cgroup file system podman needs.
pm_in_ns() {
    nsenter --net="/run/netns/$NS" env CONTAINERS_CONF="$OCI_HOME/podman/containers.conf" \
        CONTAINERS_STORAGE_CONF="$OCI_HOME/podman/storage.conf" \
        podman --runtime runc --cgroup-manager=cgroupfs \
        --events-backend=file --storage-driver vfs "$@"
}

# logged CONTAINER REGEX: the container's log (in $NS) has a line matching
# REGEX.
logged() {
    pm_in_ns logs "$1" 2>&1 | grep -q "$2"
}

# no_process PID: there is no process PID.
no_process() {
    [[ ! -d /proc/$1 ]]
}

# pm_run IMAGE [ARGS...]: runs a container, gone afterwards; no network,
# rlimits that root may set here.
pm_run() {
    pm run --rm --network none --ulimit nofile=1024:1024 \
        --ulimit nproc=1024:1024 "$@"
}

# to_storage DIR NAME: the image tagged latest in layout DIR, copied into
# podman's storage as localhost/NAME:latest (for kube play).
to_storage() {
    CONTAINERS_STORAGE_CONF=$OCI_HOME/podman/storage.conf \
        skopeo copy -q "oci:$1:latest" "containers-storage:localhost/$2:latest"
}

# oci APP DIR [ARGS...]: nabla-pack oci, which must succeed.
oci() {
    local app=$1 dir=$2
    shift 2
    run --separate-stderr "$PACK" oci "$app" -o "$dir" "$@"
    if ((status != 0)); then
        echo "nabla-pack oci $app -o $dir $* failed ($status): $stderr" | fail
        return 1
    fi
}

# json FILE EXPR: the Python expression EXPR over the JSON in FILE (d).
json() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# blob DIR DIGEST: the path of a blob.
blob() {
    printf '%s/blobs/sha256/%s\n' "$1" "${2#sha256:}"
}

# image DIR [TAG]: sets MANIFEST, CONFIG and LAYER (blob paths) and
# LAYER_DIGEST of the image tagged TAG (default latest).
image() {
    local dir=$1 tag=${2:-latest} digest
    digest=$(json "$dir/index.json" "[m['digest'] for m in d['manifests']
        if m.get('annotations', {}).get('org.opencontainers.image.ref.name')
        == '$tag'][0]")
    MANIFEST=$(blob "$dir" "$digest")
    CONFIG=$(blob "$dir" "$(json "$MANIFEST" "d['config']['digest']")")
    LAYER_DIGEST=$(json "$MANIFEST" "d['layers'][0]['digest']")
    LAYER=$(blob "$dir" "$LAYER_DIGEST")
}

# layer_names DIR: runs tar -t on the layer of DIR's image tagged latest
# (names in archive order in output, lines; LAYER etc. set, see image).
layer_names() {
    image "$1"
    run tar -tzf "$LAYER"
}

# pack_blkcount OUT DEFAULT: blkcount packed into OUT with
# --block:storage=DEFAULT.
pack_blkcount() {
    mkdir -p "$(dirname "$1")"
    pack_file "$BLKCOUNT_SPT" "$1" -q "--block:storage=$2"
}

# public_dir: a fresh 0755 directory in OCI_HOME, reachable by user 65534.
public_dir() {
    local d
    d=$(mktemp -d "$OCI_HOME/public.XXXXXX") && chmod 0755 "$d" &&
        printf '%s\n' "$d"
}

# --- the layout, byte by byte ------------------------------------------------

@test "oci: an image layout with one manifest, config and layer" {
    oci "$HELLO" out
    assert_output --regexp "^oci:out:latest sha256:[0-9a-f]{64}$"
    run cat out/oci-layout
    assert_output '{"imageLayoutVersion":"1.0.0"}'
    run json out/index.json "(d['schemaVersion'], len(d['manifests']),
        d['manifests'][0]['mediaType'], d['manifests'][0]['annotations'],
        d['manifests'][0]['platform'])"
    assert_output "(2, 1, 'application/vnd.oci.image.manifest.v1+json', \
{'org.opencontainers.image.ref.name': 'latest'}, \
{'architecture': 'amd64', 'os': 'linux'})"
    image out
    run json "$MANIFEST" "(d['schemaVersion'], d['mediaType'],
        d['config']['mediaType'], [l['mediaType'] for l in d['layers']])"
    assert_output "(2, 'application/vnd.oci.image.manifest.v1+json', \
'application/vnd.oci.image.config.v1+json', \
['application/vnd.oci.image.layer.v1.tar+gzip'])"
    # No Cmd, no shell, no time.
    run json "$CONFIG" "(sorted(d), d['architecture'], d['os'], d['config'])"
    assert_output "(['architecture', 'config', 'os', 'rootfs'], 'amd64', \
'linux', {'Entrypoint': ['/hello'], 'WorkingDir': '/'})"
    # diff_id: the uncompressed tar.
    local diff_id
    diff_id=sha256:$(gzip -dc "$LAYER" | sha256sum | cut -d' ' -f1)
    run json "$CONFIG" "d['rootfs']"
    assert_output "{'type': 'layers', 'diff_ids': ['$diff_id']}"
    # Every blob is named by its digest and has the size given for it.
    local f
    for f in out/blobs/sha256/*; do
        assert_equal "$(sha256sum <"$f" | cut -d' ' -f1)" "${f##*/}"
    done
    run ls out/blobs/sha256
    assert_equal "${#lines[@]}" 3
    assert_equal "$(json "$MANIFEST" "d['layers'][0]['size']")" \
        "$(stat -c %s "$LAYER")"
    assert_equal "$(json "$MANIFEST" "d['config']['size']")" \
        "$(stat -c %s "$CONFIG")"
    assert_equal "$(json out/index.json "d['manifests'][0]['size']")" \
        "$(stat -c %s "$MANIFEST")"
}

@test "oci: the layer holds the executable alone, root's, from 1970" {
    oci "$HELLO" out
    image out
    run tar --numeric-owner -tzvf "$LAYER"
    assert_success
    assert_equal "${#lines[@]}" 1
    assert_output --regexp "^-rwxr-xr-x 0/0 +$(stat -c %s "$HELLO") 1970-01-01 00:00 hello$"
    run tar -tzvf "$LAYER"
    assert_output --regexp '^-rwxr-xr-x root/root .* hello$'
    # gzip -n: no name, mtime 0; then best compression, Unix.
    run od -An -tx1 -N10 "$LAYER"
    assert_output " 1f 8b 08 00 00 00 00 00 02 03"
    # The executable in the image is APP, and runs.
    mkdir root
    tar -xzf "$LAYER" -C root
    cmp "$HELLO" root/hello
    run root/hello --solo5:quiet
    assert_success
    assert_output --partial "Hello, World"
}

@test "oci: relative default disks are copied next to the executable, sorted" {
    pack_blkcount app/blkcount disk.img
    truncate -s 64K app/disk.img
    printf 'boot' | dd of=app/disk.img conv=notrunc status=none
    oci app/blkcount out
    layer_names out
    assert_output "$(printf 'blkcount\ndisk.img')"
    run tar --numeric-owner -tzvf "$LAYER"
    assert_line --index 1 --regexp '^-rw-r--r-- 0/0 +65536 1970-01-01 00:00 disk.img$'
    mkdir root
    tar -xzf "$LAYER" -C root
    cmp app/disk.img root/disk.img

    # In a subdirectory, with its parents; "../" from the executable's
    # directory is "/" in the image, as the kernel resolves "/..".
    pack_blkcount app2/bin/blk ../disks/./a.img
    mkdir app2/disks
    truncate -s 4K app2/disks/a.img
    oci app2/bin/blk out2
    layer_names out2
    assert_output "$(printf 'blk\ndisks/\ndisks/a.img')"
    run tar --numeric-owner -tzvf "$LAYER"
    assert_line --index 1 --regexp '^drwxr-xr-x 0/0 +0 1970-01-01 00:00 disks/$'
}

@test "oci: an absolute default disk is not copied" {
    pack_blkcount app/blkcount /nonexistent/disk.img
    oci app/blkcount out
    layer_names out
    assert_output blkcount
}

@test "oci: a state: default disk is not copied (the state directory is a volume)" {
    pack_blkcount app/blkcount state:disk.img
    # Even with a file of that name next to the app.
    truncate -s 4K app/disk.img
    oci app/blkcount out
    layer_names out
    assert_output blkcount
}

@test "oci: byte-reproducible (pack twice, oci twice: identical trees)" {
    pack_blkcount a/blkcount disk.img
    pack_blkcount b/blkcount disk.img
    truncate -s 1M a/disk.img b/disk.img
    cmp a/blkcount b/blkcount
    oci a/blkcount out1
    sleep 1 # a later second would show in any time stamp
    oci b/blkcount out2
    diff -r out1 out2
    # Into a layout that already holds that very image: unchanged.
    oci a/blkcount out1
    diff -r out1 out2
}

@test "oci: SOURCE_DATE_EPOCH is the creation time, nothing else changes" {
    oci "$HELLO" plain
    SOURCE_DATE_EPOCH=1700000000 oci "$HELLO" dated1
    SOURCE_DATE_EPOCH=1700000000 oci "$HELLO" dated2
    diff -r dated1 dated2
    image dated1
    run json "$CONFIG" "(d['created'], d['history'])"
    assert_output "('2023-11-14T22:13:20Z', [{'created': \
'2023-11-14T22:13:20Z', 'created_by': 'nabla-pack oci'}])"
    local layer=$LAYER_DIGEST
    image plain
    assert_equal "$LAYER_DIGEST" "$layer"
    # Empty means unset.
    SOURCE_DATE_EPOCH='' oci "$HELLO" empty
    diff -r plain empty
}

@test "oci: -t TAG names the image; an existing layout gets one more" {
    oci "$HELLO" out -t v1
    assert_output --regexp "^oci:out:v1 sha256:"
    pack_blkcount app/blkcount /data/disk.img
    oci app/blkcount out -t blk
    run json out/index.json "sorted(m['annotations'][
        'org.opencontainers.image.ref.name'] for m in d['manifests'])"
    assert_output "['blk', 'v1']"
    # The same tag again replaces the image in the index.
    oci "$HELLO" out -t blk
    run json out/index.json "sorted(m['annotations'][
        'org.opencontainers.image.ref.name'] for m in d['manifests'])"
    assert_output "['blk', 'v1']"
    image out blk
    run tar -tzf "$LAYER"
    assert_output hello
}

# --- aarch64, and both architectures under one tag ---------------------------

A64_HELLO_SPT=$NABLA_BUILD/aarch64/examples/hello/hello.spt

# need_aarch64: skips without the aarch64 build; packs A64_HELLO (hello for
# aarch64, named hello too, in arm64/).
need_aarch64() {
    [[ -f $A64_HELLO_SPT && -f $NABLA_BUILD/aarch64/stub/nabla-stub ]] ||
        skip "nothing built for aarch64 (make NABLA_AARCH64=0, or no cross toolchain)"
    mkdir -p arm64
    A64_HELLO=$PWD/arm64/hello
    pack_file "$A64_HELLO_SPT" "$A64_HELLO" -q
}

@test "oci: an aarch64 app is an arm64 image (config and index)" {
    need_aarch64
    oci "$A64_HELLO" out
    run json out/index.json "d['manifests'][0]['platform']"
    assert_output "{'architecture': 'arm64', 'os': 'linux'}"
    image out
    run json "$CONFIG" "(d['architecture'], d['config'])"
    assert_output "('arm64', {'Entrypoint': ['/hello'], 'WorkingDir': '/'})"
    tar -xzf "$LAYER" hello
    cmp hello "$A64_HELLO"
}

# multi_image DIR TAG: sets INDEX (the blob of the image index tagged TAG)
# and MANIFEST_amd64, MANIFEST_arm64 (the blobs it names).
multi_image() {
    local digest
    digest=$(json "$1/index.json" "[m['digest'] for m in d['manifests']
        if m['annotations']['org.opencontainers.image.ref.name'] == '$2'][0]")
    INDEX=$(blob "$1" "$digest")
    MANIFEST_amd64=$(blob "$1" "$(json "$INDEX" "[m['digest'] for m in d['manifests'] if m['platform']['architecture'] == 'amd64'][0]")")
    MANIFEST_arm64=$(blob "$1" "$(json "$INDEX" "[m['digest'] for m in d['manifests'] if m['platform']['architecture'] == 'arm64'][0]")")
}

@test "oci: two apps, one per architecture: an image index of both under one tag, reproducible" {
    need_aarch64
    oci "$HELLO" out "$A64_HELLO" -t multi
    run json out/index.json "[(m['mediaType'], m['annotations']) for m in d['manifests']]"
    assert_output "[('application/vnd.oci.image.index.v1+json', {'org.opencontainers.image.ref.name': 'multi'})]"
    multi_image out multi
    local digest
    digest=$(sha256sum <"$INDEX" | cut -d' ' -f1)
    assert_equal "$(json out/index.json "d['manifests'][0]['size']")" "$(stat -c %s "$INDEX")"
    assert_equal "${INDEX##*/}" "$digest"
    run json "$INDEX" "(d['schemaVersion'], d['mediaType'], [(m['mediaType'], m['platform']) for m in d['manifests']])"
    assert_output "(2, 'application/vnd.oci.image.index.v1+json', \
[('application/vnd.oci.image.manifest.v1+json', {'architecture': 'amd64', 'os': 'linux'}), \
('application/vnd.oci.image.manifest.v1+json', {'architecture': 'arm64', 'os': 'linux'})])"
    # Each architecture's image holds its own executable.
    local a
    for a in amd64 arm64; do
        local m=MANIFEST_$a
        local config layer
        config=$(blob out "$(json "${!m}" "d['config']['digest']")")
        layer=$(blob out "$(json "${!m}" "d['layers'][0]['digest']")")
        assert_equal "$(json "$config" "d['architecture']")" "$a"
        mkdir -p "x-$a"
        tar -xzf "$layer" -C "x-$a" hello
    done
    cmp x-amd64/hello "$HELLO"
    cmp x-arm64/hello "$A64_HELLO"
    # The same apps in the other order: the same bytes.
    oci "$A64_HELLO" again "$HELLO" -t multi
    diff -r out again
}

@test "oci errors: two apps for one architecture, or more than two" {
    need_aarch64
    cp "$HELLO" hello2
    oci_fails "^nabla-pack: error: oci: $HELLO and hello2 are both for x86_64: an image holds one app per architecture\$" \
        "$HELLO" out hello2
    run -1 --separate-stderr "$PACK" oci "$HELLO" "$A64_HELLO" hello2 -o out
    assert_one_stderr_line
    assert_equal "$stderr" "nabla-pack: error: oci: unexpected argument hello2 (usage: nabla-pack oci APP [APP] -o DIR [-t TAG])"
    [[ ! -e out ]] || fail "out was created"
}

# --- errors ------------------------------------------------------------------

# oci_fails REGEX APP DIR [ARGS...]: exit status 1, one line matching REGEX
# on stderr, nothing on stdout, DIR not created.
oci_fails() {
    local regex=$1 app=$2 dir=$3
    shift 3
    local existed=0
    [[ -e $dir ]] && existed=1
    run -1 --separate-stderr "$PACK" oci "$app" -o "$dir" "$@"
    assert_one_stderr_line
    assert_equal "$output" ""
    [[ $stderr =~ $regex ]] ||
        fail "stderr '$stderr' does not match '$regex'"
    if ((existed == 0)) && [[ -e $dir ]]; then
        fail "$dir was created"
    fi
}

@test "oci errors: APP is not a packed executable" {
    echo 'not an ELF' >text
    oci_fails '^nabla-pack: error: text: not an ELF file$' text out
    oci_fails '^nabla-pack: error: .*hello.spt: not a packed nabla executable' \
        "$HELLO_SPT" out
    oci_fails '^nabla-pack: error: missing: cannot open: No such file' \
        missing out
}

@test "oci errors: a default disk image is missing" {
    pack_blkcount app/blkcount disk.img
    oci_fails '^nabla-pack: error: oci: app/blkcount: default disk image app/disk.img \(--block:storage=disk.img\): No such file or directory$' \
        app/blkcount out
}

@test "oci errors: DIR not writable, not a directory, not empty" {
    ((EUID == 0)) || skip "needs root to run as user 65534 with setpriv"
    local pub
    pub=$(public_dir)
    cp "$HELLO" "$pub/hello"
    run -1 --separate-stderr setpriv --reuid=65534 --regid=65534 \
        --clear-groups "$PACK" oci "$pub/hello" -o "$pub/out"
    assert_one_stderr_line
    assert_equal "$stderr" "nabla-pack: error: oci: $pub/out: cannot create: Permission denied"
    # DIR exists and is empty, but is not writable.
    mkdir -m 0755 "$pub/empty"
    run -1 --separate-stderr setpriv --reuid=65534 --regid=65534 \
        --clear-groups "$PACK" oci "$pub/hello" -o "$pub/empty"
    assert_one_stderr_line
    assert_equal "$stderr" "nabla-pack: error: oci: $pub/empty/blobs: cannot create: Permission denied"
    run ls -A "$pub/empty"
    assert_output ""

    echo data >file
    oci_fails '^nabla-pack: error: oci: file: cannot open: Not a directory$' \
        "$HELLO" file
    oci_fails '^nabla-pack: error: oci: file/out: cannot create: Not a directory$' \
        "$HELLO" file/out
    mkdir full
    touch full/precious
    oci_fails '^nabla-pack: error: oci: full: exists and is neither empty nor an OCI image layout$' \
        "$HELLO" full
    run ls -A full
    assert_output precious
}

@test "oci errors: usage, tag, SOURCE_DATE_EPOCH" {
    run -1 --separate-stderr "$PACK" oci "$HELLO"
    assert_one_stderr_line
    assert_equal "$stderr" "nabla-pack: error: oci: no output directory (usage: nabla-pack oci APP [APP] -o DIR [-t TAG])"
    run -1 --separate-stderr "$PACK" oci "$HELLO" -o
    assert_one_stderr_line
    run -1 --separate-stderr "$PACK" oci "$HELLO" -o out --json
    assert_one_stderr_line
    assert_equal "$stderr" "nabla-pack: error: oci: unexpected argument --json (usage: nabla-pack oci APP [APP] -o DIR [-t TAG])"
    oci_fails "^nabla-pack: error: oci: invalid tag 'a:b'" "$HELLO" out -t a:b
    oci_fails "^nabla-pack: error: oci: invalid tag ''" "$HELLO" out -t ''
    SOURCE_DATE_EPOCH=yesterday oci_fails \
        "^nabla-pack: error: oci: SOURCE_DATE_EPOCH='yesterday': not a number" \
        "$HELLO" out
}

# --- skopeo, umoci -------------------------------------------------------------

@test "skopeo inspect: architecture and layer digest" {
    need_container_tools
    oci "$HELLO" out
    image out
    run skopeo inspect oci:out:latest
    assert_success
    run json <(echo "$output") "(d['Architecture'], d['Os'], d['Layers'])"
    assert_output "('amd64', 'linux', ['$LAYER_DIGEST'])"
    run skopeo inspect --config oci:out:latest
    assert_success
    assert_output --partial '"/hello"'
}

@test "skopeo: a multi-architecture image gives amd64 here, arm64 when asked, each with its own executable" {
    need_container_tools
    need_aarch64
    oci "$HELLO" out "$A64_HELLO"
    multi_image out latest
    run skopeo inspect oci:out:latest
    assert_success
    run json <(echo "$output") "d['Architecture']"
    assert_output amd64
    run skopeo inspect --override-arch arm64 oci:out:latest
    assert_success
    run json <(echo "$output") "d['Architecture']"
    assert_output arm64
    # Copied out for arm64: the arm64 manifest, byte for byte.
    run skopeo copy -q --override-arch arm64 oci:out:latest oci:arm:latest
    assert_success
    image arm
    cmp "$MANIFEST" "$MANIFEST_arm64"
    tar -xzf "$LAYER" hello
    cmp hello "$A64_HELLO"
}

@test "umoci stat: reads the image" {
    need_container_tools
    oci "$HELLO" out
    run umoci stat --image out:latest
    assert_success
    # With SOURCE_DATE_EPOCH, the history shows the layer.
    image out
    SOURCE_DATE_EPOCH=0 oci "$HELLO" dated
    run umoci stat --image dated:latest
    assert_success
    assert_output --partial "$LAYER_DIGEST"
    assert_output --partial "1970-01-01T00:00:00Z"
}

# --- podman ---------------------------------------------------------------------

@test "podman run oci:DIR: hello says Hello, World" {
    need_container_tools
    oci "$HELLO" "$OCI_HOME/hello"
    run pm_run "oci:$OCI_HOME/hello:latest"
    assert_success
    assert_output --partial "Hello, World"
    # The entrypoint is the executable: arguments are its options, then the
    # guest's.
    run pm_run "oci:$OCI_HOME/hello:latest" --solo5:quiet
    assert_success
    refute_output --partial "nabla: solo5 bindings"
    assert_output --partial "Hello, World"
}

@test "podman run of a multi-architecture image runs this machine's app" {
    need_container_tools
    need_aarch64
    oci "$HELLO" "$OCI_HOME/multi" "$A64_HELLO"
    multi_image "$OCI_HOME/multi" latest
    local layer
    layer=$(json "$MANIFEST_amd64" "d['layers'][0]['digest']")
    run pm_run "oci:$OCI_HOME/multi:latest" --solo5:quiet
    assert_success
    assert_line "Hello, World"
    # The amd64 image's layer is the one podman took.
    assert_output --partial "Copying blob $layer"
}

@test "podman run: blkcount counts on its volume, or on the disk in its image" {
    need_container_tools
    pack_blkcount app/blkcount blkcount.img
    truncate -s 1M app/blkcount.img
    oci app/blkcount "$OCI_HOME/blkcount"
    mkdir disk
    truncate -s 1M disk/blkcount.img
    local i
    for i in 1 2; do
        run pm_run -v "$PWD/disk:/data" "oci:$OCI_HOME/blkcount:latest" \
            --block:storage=/data/blkcount.img --solo5:quiet
        assert_success
        assert_output --partial "boot count: $i"
    done
    # The default, relative to /blkcount: /blkcount.img in the image (each
    # container starts from the image's copy).
    for i in 1 2; do
        run pm_run "oci:$OCI_HOME/blkcount:latest" --solo5:quiet
        assert_success
        assert_output --partial "boot count: 1"
    done
}

@test "podman run: the guest is still confined in the container (SIGSYS)" {
    need_container_tools
    mkdir app
    pack_file "$BADSYSCALL_SPT" app/badsyscall -q
    oci app/badsyscall "$OCI_HOME/badsyscall"
    # getpid is allowed by the engine's default seccomp profile, so the kill
    # comes from the executable's own filter, stacked on it.
    run pm_run "oci:$OCI_HOME/badsyscall:latest" getpid
    assert_equal "$status" 159
    run pm_run "oci:$OCI_HOME/badsyscall:latest" --solo5:quiet other
    assert_equal "$status" 2
}

# kube_play YAML: plays YAML (torn down after the test), waits for CONTAINER
# to exit; sets output to its logs and status to its exit code.
kube_play() {
    local yaml=$1 container=$2
    KUBE_FILES+=("$yaml")
    run pm kube play --network none "$yaml"
    if ((status != 0)); then
        echo "podman kube play $yaml failed ($status): $output" | fail
        return 1
    fi
    local code
    code=$(pm wait "$container")
    run pm logs "$container"
    status=$code
}

@test "podman kube play: the hello Pod (non-root, read-only, no caps)" {
    need_container_tools
    oci "$HELLO" img
    to_storage img nabla-hello
    kube_play "$KUBE_DIR/hello-pod.yaml" nabla-hello-hello
    assert_equal "$status" 0
    assert_output --partial "Hello, World"
    run pm inspect nabla-hello-hello --format \
        '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.EffectiveCaps}} {{.HostConfig.SecurityOpt}}'
    assert_output "65534:65534 true [] [no-new-privileges]"
}

@test "podman kube play: the blkcount Pod counts on its hostPath volume" {
    need_container_tools
    pack_blkcount app/blkcount blkcount.img
    truncate -s 1M app/blkcount.img
    oci app/blkcount img
    to_storage img nabla-blkcount
    local disk
    disk=$(public_dir)
    truncate -s 1M "$disk/blkcount.img"
    chown 65534:65534 "$disk/blkcount.img"
    sed "s|/srv/nabla-blkcount|$disk|" "$KUBE_DIR/blkcount-pod.yaml" >pod.yaml
    grep -q "path: $disk$" pod.yaml
    local i
    for i in 1 2; do
        kube_play pod.yaml nabla-blkcount-blkcount
        assert_equal "$status" 0
        assert_output --partial "boot count: $i"
        pm kube down pod.yaml >/dev/null
    done
}

@test "podman kube play: the httpd Pod serves on its port over the Pod's network, unprivileged (user-mode net device)" {
    need_container_tools
    command -v curl >/dev/null || fail "no curl (scripts/install-deps installs it)"
    netns_add "nabla-oci-$$-$BATS_TEST_NUMBER" || skip "$NETNS_ERROR"
    oci "$NABLA_BUILD/examples/httpd/httpd" img
    to_storage img nabla-httpd
    local yaml=$KUBE_DIR/httpd-pod.yaml
    KUBE_NS_FILES+=("$yaml")
    # podman's default network for root: a bridge (CNI), here in $NS.
    run pm_in_ns kube play --network bridge "$yaml"
    if ((status != 0)); then
        echo "podman kube play $yaml failed ($status): $output" | fail
        return 1
    fi
    wait_until 10 logged nabla-httpd-httpd '^httpd: serving ' || true
    run pm_in_ns logs nabla-httpd-httpd
    assert_line --regexp '^httpd: serving http://10\.0\.0\.2/ on service '
    # The Pod's address (its infra container's), port 8080: the relay.
    local infra ip
    infra=$(pm_in_ns pod inspect nabla-httpd --format '{{.InfraContainerID}}')
    ip=$(pm_in_ns inspect "$infra" --format '{{.NetworkSettings.IPAddress}}')
    [[ $ip =~ ^[0-9.]+$ ]] || fail "no Pod address: '$ip'"
    run -0 ip netns exec "$NS" curl -sS -m 10 "http://$ip:8080/"
    assert_output "$(cat "$NABLA_BUILD/examples/httpd/site/index.html")"
    run pm_in_ns inspect nabla-httpd-httpd --format \
        '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.EffectiveCaps}} {{.HostConfig.SecurityOpt}}'
    assert_output "65534:65534 true [] [no-new-privileges]"
    # Both processes of the app (the relay, and the guest in its child)
    # run as 65534 with no capability. podman names the user 65534, or
    # nobody where it reads the names from the host's /etc/passwd (in a
    # chroot, where it also lists the host's other processes, as root).
    run pm_in_ns top nabla-httpd-httpd user capeff
    assert_success
    assert_equal "$(grep -cE '^(65534|nobody) ' <<<"$output")" 2
    refute_output --regexp '^(65534|nobody) +[^n ]'
    pm_in_ns kube down "$yaml" >/dev/null
}

# net_pod_yaml FILE: a Pod of two user-mode containers as in httpd-pod.yaml
# (non-root, read-only, no capabilities): httpd (TCP 8080 -> 80) and netecho
# (UDP 7007 -> 7).
net_pod_yaml() {
    local c
    {
        cat <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: nabla-net
spec:
  restartPolicy: Never
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    runAsGroup: 65534
  containers:
EOF
        for c in "httpd nabla-httpd tcp:8080:80" "echo nabla-netecho udp:7007:7"; do
            set -- $c
            cat <<EOF
    - name: $1
      image: localhost/$2:latest
      imagePullPolicy: Never
      args: ["--net:service=user", "--net-forward:service=$3", "--solo5:quiet"]
      securityContext:
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        runAsUser: 65534
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]
EOF
        done
    } >"$1"
}

# pod_run IMAGE ARGS...: a container in the Pod nabla-net (its network),
# unprivileged like the Pod's own; status and output are run's.
pod_run() {
    local image=$1
    shift
    run --separate-stderr pm_in_ns run --rm --pod nabla-net \
        --user 65534:65534 --read-only --cap-drop all \
        --security-opt no-new-privileges --ulimit nofile=1024:1024 \
        --ulimit nproc=1024:1024 "localhost/$image:latest" "$@"
}

@test "podman kube play: user-mode devices in a Pod: UDP through a forward, a guest's own TCP connection, a port in use, both lives" {
    need_container_tools
    netns_add "nabla-oci-$$-$BATS_TEST_NUMBER" || skip "$NETNS_ERROR"
    mkdir app
    pack_file "$NABLA_BUILD/examples/netecho/netecho.spt" app/netecho -q
    pack_file "$NABLA_BUILD/tests/guests/netclient.spt" app/netclient -q
    local name
    for name in httpd netecho netclient; do
        if [[ $name == httpd ]]; then
            oci "$NABLA_BUILD/examples/httpd/httpd" "img-$name"
        else
            oci "app/$name" "img-$name"
        fi
        to_storage "img-$name" "nabla-$name"
    done
    net_pod_yaml pod.yaml
    KUBE_NS_FILES+=("$PWD/pod.yaml")
    run pm_in_ns kube play --network bridge pod.yaml
    if ((status != 0)); then
        echo "podman kube play failed ($status): $output" | fail
        return 1
    fi
    local c
    for c in "nabla-net-httpd httpd: serving" "nabla-net-echo netecho: service"; do
        set -- $c
        wait_until 10 logged "$1" "^$2 $3 " || true
        run pm_in_ns logs "$1"
        assert_line --regexp "^$2 $3 "
    done
    local infra ip
    infra=$(pm_in_ns pod inspect nabla-net --format '{{.InfraContainerID}}')
    ip=$(pm_in_ns inspect "$infra" --format '{{.NetworkSettings.IPAddress}}')
    [[ $ip =~ ^[0-9.]+$ ]] || fail "no Pod address: '$ip'"

    # UDP through netecho's forward, from outside the Pod.
    run -0 ip netns exec "$NS" python3 "$REPO_ROOT/tests/tools/udpecho.py" \
        "$ip:7007" 200 8 1472 r
    assert_output "200 datagrams echoed byte-exact"

    # A guest's own connection to the Pod's loopback (the host address
    # 10.0.2.2), where httpd's relay listens: httpd answers the request
    # head "hello" with 400.
    pod_run nabla-netclient --net:service=user --solo5:quiet \
        --ipv4=10.0.2.15/24 tcp 10.0.2.2 8080 hello
    assert_equal "$status" 0
    assert_line "netclient: connected"
    assert_line --regexp '^netclient: received: HTTP/1\.1 400 '
    assert_line "netclient: closed"

    # Port 8080 of the Pod is httpd's: a second one is refused, with the
    # stub's refusal status and one line.
    local refused=0
    "$NABLA_BUILD/examples/httpd/httpd" --no-such-option 2>/dev/null ||
        refused=$?
    pod_run nabla-httpd --net:service=user --net-forward:service=tcp:8080:80
    assert_equal "$status" "$refused"
    assert_equal "$stderr" "httpd: error: net device 'service': host tcp port 8080 (0.0.0.0) is already in use: cannot forward it"

    # netecho's guest killed: the container (its relay) ends with SIGKILL.
    local relay guest
    relay=$(pm_in_ns inspect nabla-net-echo --format '{{.State.Pid}}')
    guest=$(pgrep -P "$relay")
    [[ $guest =~ ^[0-9]+$ ]] || fail "no guest under the relay $relay"
    kill -KILL "$guest"
    assert_equal "$(pm_in_ns wait nabla-net-echo)" 137
    # httpd's relay killed: the container ends with 137, its guest too.
    relay=$(pm_in_ns inspect nabla-net-httpd --format '{{.State.Pid}}')
    guest=$(pgrep -P "$relay")
    [[ $guest =~ ^[0-9]+$ ]] || fail "no guest under the relay $relay"
    kill -KILL "$relay"
    assert_equal "$(pm_in_ns wait nabla-net-httpd)" 137
    wait_until 2 no_process "$guest" ||
        fail "httpd's guest $guest still runs"
    pm_in_ns kube down pod.yaml >/dev/null
}
