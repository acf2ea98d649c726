#!/bin/sh
# Runs a sweep on a Slurm cluster: one array task per shard, then a merge job.
# Usage: tools/slurm/submit.sh SWEEP.yaml SHARDS OUT_DIR [extra sbatch options...]
# OUT_DIR must be on a file system the nodes share. Prints the two job ids.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 SWEEP.yaml SHARDS OUT_DIR [sbatch options...]" >&2; exit 64; }
sweep=$(realpath "$1"); shards=$2; out=$(realpath -m "$3"); shift 3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
(cd "$root" && swift build -c release --product sparktwin >/dev/null)
mkdir -p "$out"
export SWEEP="$sweep" SHARDS="$shards" OUT="$out" SPARKTWIN="$root/.build/release/sparktwin"
array=$(sbatch --parsable --array="1-$shards" --chdir="$root" --output="$out/shard-%a.log" --export=ALL "$@" "$here/sweep.sbatch")
merge=$(sbatch --parsable --dependency="afterok:$array" --chdir="$root" --output="$out/merge.log" --export=ALL "$@" "$here/merge.sbatch")
echo "array=$array merge=$merge out=$out"
