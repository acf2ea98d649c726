#!/bin/sh
# Proves the Slurm path for real on one machine: installs Slurm and MUNGE from Debian's
# packages if missing, starts a single-node controller and worker on localhost (their state in
# a temporary folder), submits a small sweep as a job array plus a merge job with
# tools/slurm/submit.sh, waits, and checks that every point is in the merged database exactly
# once. Needs root (to install packages and start the daemons). Stops what it started.
#
# Usage: tools/slurm/selftest.sh [SWEEP.yaml] [SHARDS]   (default: Scenarios/sweeps/quick.yaml, 4)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sweep=${1:-$root/Scenarios/sweeps/quick.yaml}
shards=${2:-4}

# What ran before: a munged that was not running then is stopped at the end, whether this
# script started it or the package install did (Debian's munge starts its daemon).
# Zombies do not count: a daemon whose parent never reaps it still matches a plain pgrep.
live_munged() { pgrep -r R,S,D -x munged || true; }
munge_before=$(live_munged)

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "selftest: Slurm is missing and installing it needs root" >&2; exit 1; }
    echo "selftest: installing slurm-wlm and munge from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

tmp=$(mktemp -d /tmp/sparktwin-slurm.XXXXXX)
cleanup() {
    [ -n "${SLURM_CONF:-}" ] && scontrol shutdown >/dev/null 2>&1 || true
    [ -f "$tmp/slurmd.pid" ] && kill "$(cat "$tmp/slurmd.pid")" 2>/dev/null || true
    [ -f "$tmp/slurmctld.pid" ] && kill "$(cat "$tmp/slurmctld.pid")" 2>/dev/null || true
    for pid in $(live_munged); do
        case " $munge_before " in *" $pid "*) ;; *) kill "$pid" 2>/dev/null || true ;; esac
    done
    sleep 1
}
trap cleanup EXIT

# MUNGE authenticates the daemons and the commands to each other.
if [ -z "$(live_munged)" ]; then
    [ -f /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key && chmod 600 /etc/munge/munge.key
    mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
    runuser -u munge -- /usr/sbin/munged
    sleep 1
fi

# One node, localhost, every core; no cgroups (containers rarely allow them).
mkdir -p "$tmp/state" "$tmp/spool"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=sparktwin-selftest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
NodeName=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=selftest Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld
slurmd -N localhost
for _ in $(seq 60); do
    sinfo -h -o %t 2>/dev/null | grep -q idle && break
    sleep 1
done
sinfo -h -o %t | grep -q idle || { echo "selftest: the node never became idle; logs in $tmp" >&2; cat "$tmp"/*.log >&2; exit 1; }

echo "selftest: submitting $(basename "$sweep") as $shards shards"
ids=$("$here/submit.sh" "$sweep" "$shards" "$tmp/out")
echo "selftest: $ids"
merge=$(echo "$ids" | sed -n 's/.*merge=\([0-9]*\).*/\1/p')
for _ in $(seq 900); do
    [ -z "$(squeue -h -j "$merge" 2>/dev/null)" ] && break
    sleep 1
done
[ -z "$(squeue -h 2>/dev/null)" ] || { echo "selftest: jobs still queued after 15 minutes" >&2; squeue >&2; exit 1; }

# Every point exactly once, all finished.
points=$("$root/.build/release/sparktwin" sweep "$sweep" --list | wc -l)
python3 - "$tmp/out/merged.sqlite" "$points" <<'PY'
import sqlite3, sys
db, points = sqlite3.connect(sys.argv[1]), int(sys.argv[2])
runs = db.execute("SELECT overrides, status FROM run").fetchall()
distinct = {o for o, _ in runs}
finished = sum(1 for _, s in runs if s == "finished")
print(f"selftest: merged database has {len(runs)} runs, {len(distinct)} distinct points, {finished} finished; the sweep has {points}")
sys.exit(0 if len(runs) == points and len(distinct) == points and finished == points else 1)
PY
echo "selftest: ok"
