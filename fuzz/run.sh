#!/usr/bin/env bash
# Runs diskxml's fuzz targets on the stable toolchain: fuzz/run.sh SECONDS [TARGET...]
# (every target when none is named). New inputs go to a temporary corpus, so the committed
# seeds in corpus/ stay small; seeds from the shared libvirt corpus (DISKXML_CORPUS) are
# added at run time and never committed. A crash fails the run and leaves its input in
# fuzz/artifacts/TARGET/. FUZZ_SEED fixes libFuzzer's seed (CI uses 1, so that its short
# runs are reproducible); the default, 0, is a random seed.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_disk parse_domain roundtrip edge_path connection_info disk_json)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${DISKXML_CORPUS:-}" ] && [ -d "$DISKXML_CORPUS" ]; then
    mkdir -p "$work/shared-domain" "$work/shared-disk"
    find "$DISKXML_CORPUS" -name '*.xml' | sort | while read -r f; do cp "$f" "$work/shared-domain/"; done
    for f in "$work"/shared-domain/*.xml; do
        # One file per <disk>...</disk> block of each domain, for the disk parser.
        awk -v out="$work/shared-disk/$(basename "$f" .xml)" \
            '/<disk[ >]/ { n++; file = out "-" n ".xml" } file { print > file } /<\/disk>/ { file = "" }' "$f"
    done
fi

for target in "${targets[@]}"; do
    mkdir -p "$work/$target"
    seeds=("corpus/$target")
    case $target in
        parse_disk) [ -d "$work/shared-disk" ] && seeds+=("$work/shared-disk") ;;
        parse_domain) [ -d "$work/shared-domain" ] && seeds+=("$work/shared-domain") ;;
    esac
    echo "== fuzz $target for ${seconds}s"
    cargo fuzz run -s none "$target" "$work/$target" "${seeds[@]}" -- \
        -max_total_time="$seconds" -seed="${FUZZ_SEED:-0}" -print_final_stats=1 >"$work/$target.log" 2>&1 || {
        tail -n 60 "$work/$target.log"
        echo "fuzz target $target failed: see fuzz/artifacts/$target/"
        exit 1
    }
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/$target.log"
done
