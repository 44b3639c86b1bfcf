# Shared by the bench scripts: `. "$(dirname "$0")/lib.sh"` after setting
# BENCH_NAME. Not a script of its own.
#
# Every bench script prints exactly one result line on stdout, a row of
# bench/run-all's table:
#     NAME | BASELINE | NABLA | RATIO | TARGET | PASS/FAIL/SKIP | NOTES
# (BASELINE and NABLA start with a number and its unit, RATIO is
# nabla/baseline), and its details on stderr. Exit status: 0 when the row was
# measured (whether the target was met or not), 77 when skipped (row with
# SKIP and the reason), 2 on an error (no row).
#
# Options: --quick (a few iterations, seconds: checks the script runs; the
# numbers mean little), --help.
# Environment: NABLA_BUILD, the build directory (default build), relative to
# the repository root unless absolute.

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
NABLA_BUILD=${NABLA_BUILD:-build}
case $NABLA_BUILD in
/*) ;;
*) NABLA_BUILD=$REPO_ROOT/$NABLA_BUILD ;;
esac
BB=$NABLA_BUILD/bench
QUICK=0

die() {
    echo "$BENCH_NAME: error: $*" >&2
    exit 2
}

log() {
    echo "$BENCH_NAME: $*" >&2
}

# bench_args "$@": the common options.
bench_args() {
    local a
    for a in "$@"; do
        case $a in
        --quick) QUICK=1 ;;
        -h | --help)
            awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
            exit 0
            ;;
        *) die "unknown option '$a' (options: --quick, --help)" ;;
        esac
    done
}

# need FILE...: executables built by `make bench-build`.
need() {
    local f
    for f in "$@"; do
        [[ -x $f ]] || die "missing $f (run 'make bench-build' first)"
    done
}

need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null || die "needs the '$c' command"
    done
}

# calc FORMAT EXPRESSION: awk arithmetic, printf-formatted.
calc() {
    awk "BEGIN { printf \"$1\", $2 }"
}

# is_true EXPRESSION: awk condition, as an exit status.
is_true() {
    awk "BEGIN { exit !($1) }"
}

# median: of the numbers on stdin, one per line.
median() {
    sort -g | awk '{ v[NR] = $1 }
        END {
            if (NR == 0) exit 1
            if (NR % 2) print v[(NR + 1) / 2]
            else print (v[NR / 2] + v[NR / 2 + 1]) / 2
        }'
}

# field KEY: the value after the word KEY in the last line of stdin that
# has it ("... KEY VALUE ...").
field() {
    awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1) }
        END { if (v == "") exit 1; print v }'
}

# row NAME BASELINE NABLA RATIO TARGET RESULT NOTES: the result line.
row() {
    local notes=$7
    if ((QUICK)); then
        notes="quick run, not a measurement; $notes"
    fi
    printf '%s | %s | %s | %s | %s | %s | %s\n' "$1" "$2" "$3" "$4" "$5" \
        "$6" "$notes"
}

# hyperfine_stat JSON NAME KEY: a statistic (median, mean...) of the
# command named NAME, in microseconds.
hyperfine_stat() {
    python3 - "$@" <<'PY'
import json, sys
path, name, key = sys.argv[1:4]
with open(path) as f:
    results = json.load(f)["results"]
value = [r[key] for r in results if r["command"] == name][0]
print("%.1f" % (value * 1e6))
PY
}

# filter_length APP [OPTION...]: the length in BPF instructions of the
# seccomp program APP's guest gets (APP --print-policy).
filter_length() {
    local n
    n=$("$@" --print-policy |
        sed -n 's/^BPF program: \([0-9][0-9]*\) instructions$/\1/p')
    [[ -n $n ]] || die "$1 --print-policy gave no BPF program length"
    printf '%s\n' "$n"
}

# quote_cmd WORD...: one command line for hyperfine -N (shell words).
quote_cmd() {
    local w out=
    for w in "$@"; do
        out+="${out:+ }'${w//\'/\'\\\'\'}'"
    done
    printf '%s\n' "$out"
}

# start_rounds ROUNDS RUNS WARMUP NAME1 CMD1 NAME2 CMD2: times two commands
# in ROUNDS hyperfine invocations of RUNS runs each, swapping which goes
# first, so that a slow phase of the machine hits both alike. Prints
# "median1 median2 ratio": the medians (us) of the per-round medians and
# the median of the per-round ratios (2 over 1).
start_rounds() {
    local rounds=$1 runs=$2 warmup=$3 n1=$4 c1=$5 n2=$6 c2=$7 r
    local dir
    dir=$(mktemp -d)
    for ((r = 0; r < rounds; r++)); do
        if ((r % 2 == 0)); then
            hyperfine -N --warmup "$warmup" --runs "$runs" \
                --export-json "$dir/$r.json" -n "$n1" "$c1" -n "$n2" "$c2" \
                >/dev/null 2>&1
        else
            hyperfine -N --warmup "$warmup" --runs "$runs" \
                --export-json "$dir/$r.json" -n "$n2" "$c2" -n "$n1" "$c1" \
                >/dev/null 2>&1
        fi || {
            rm -rf "$dir"
            return 1
        }
    done
    python3 - "$dir" "$n1" "$n2" <<'PY'
import glob, json, statistics, sys
d, n1, n2 = sys.argv[1:4]
m1, m2, ratios = [], [], []
for path in sorted(glob.glob(d + "/*.json")):
    res = {r["command"]: r["median"] for r in json.load(open(path))["results"]}
    m1.append(res[n1]); m2.append(res[n2]); ratios.append(res[n2] / res[n1])
print("%.1f %.1f %.2f" % (statistics.median(m1) * 1e6,
                          statistics.median(m2) * 1e6,
                          statistics.median(ratios)))
PY
    rm -rf "$dir"
}

# need_vm: skips the benchmark (its row, status 77) without the arm64 VM
# (scripts/arm64-vm) or what bench-build makes for it.
need_vm() {
    local why
    if ! why=$("$REPO_ROOT/scripts/arm64-vm" status 2>&1); then
        row "$BENCH_NAME" - - - - SKIP "no arm64 VM: $why"
        exit 77
    fi
    if [[ ! -x $NABLA_BUILD/aarch64/bench/vm/abtime ]]; then
        row "$BENCH_NAME" - - - - SKIP "nothing built for aarch64 (make NABLA_AARCH64=0?)"
        exit 77
    fi
}

# vm_abtime FILES RUNS A... -- B...: in the arm64 VM (scripts/arm64-vm),
# with FILES (a directory) at /work, bench/vm/abtime times A and B side by
# side RUNS times each (paths relative to /work); prints abtime's line
# "A MEDIAN_US B MEDIAN_US RATIO". need_vm first.
vm_abtime() {
    local files=$1 runs=$2
    shift 2
    local vm=$REPO_ROOT/scripts/arm64-vm
    local out
    out=$(mktemp -d "${TMPDIR:-/tmp}/$BENCH_NAME.XXXXXX")
    cp "$NABLA_BUILD/aarch64/bench/vm/abtime" "$files/"
    printf 'abtime ./abtime %s -- %s\n' "$runs" "$*" >"$out/commands"
    "$vm" run --timeout 1800 --cmd-timeout 1700 "$files" "$out/commands" \
        "$out/vm" >&2 || die "the arm64 VM failed"
    local status
    status=$(cat "$out/vm/abtime.status")
    [[ $status == 0 ]] ||
        die "abtime in the VM: status $status: $(cat "$out/vm/abtime.err")"
    cat "$out/vm/abtime.out"
    rm -rf "$out"
}
