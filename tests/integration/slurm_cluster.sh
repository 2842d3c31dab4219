#!/usr/bin/env bash
# Starts (or stops) a single-node Slurm cluster for tests, all state under DIR:
#   tests/integration/slurm_cluster.sh start DIR    prints "export SLURM_CONF=DIR/slurm.conf"
#   tests/integration/slurm_cluster.sh stop DIR
# Needs root, Debian's slurm-wlm and munge (scripts/install-deps). Uses its
# own ports and a munge daemon of its own socket, so it leaves the machine's
# services alone.
set -euo pipefail
# Daemons need root; a user with passwordless sudo gets them through it.
if [[ $(id -u) != 0 ]] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  exec sudo -n "$0" "$@"
fi
action=$1
dir=$(realpath -m "$2")
conf=$dir/slurm.conf
socket=$dir/munge.socket
stop() {
  for p in slurmd slurmctld munged; do
    if [[ -f $dir/$p.pid ]]; then
      pid=$(cat "$dir/$p.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/$p.pid"
    fi
  done
}
if [[ $action == stop ]]; then
  stop
  exit 0
fi
[[ $(id -u) == 0 ]] || { echo "slurm_cluster.sh: needs root (slurmd runs jobs as their user)" >&2; exit 1; }
for b in munged slurmctld slurmd sbatch squeue; do
  command -v "$b" >/dev/null || { echo "slurm_cluster.sh: $b missing: scripts/install-deps installs slurm-wlm and munge" >&2; exit 1; }
done
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 8 / 10 ))
port=$(( 20000 + RANDOM % 20000 ))
# Our own munge key and socket.
if [[ ! -f $dir/munge/munge.key ]]; then
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
fi
cat > "$conf" <<CONF
ClusterName=stocktake-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MaxArraySize=10001
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
munged --key-file="$dir/munge/munge.key" --socket="$socket" --pid-file="$dir/munged.pid" \
  --log-file="$dir/munged.log" --seed-file="$dir/munge/seed" --force
export SLURM_CONF=$conf
slurmctld -f "$conf"
slurmd -f "$conf"
for _ in $(seq 100); do
  state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
  if [[ $state == idle* || $state == mixed* ]]; then
    echo "export SLURM_CONF=$conf"
    exit 0
  fi
  sleep 0.2
done
echo "slurm_cluster.sh: the node did not come up (state '${state:-none}'); logs in $dir" >&2
tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
stop
exit 1
