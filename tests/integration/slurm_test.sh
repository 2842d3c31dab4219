#!/usr/bin/env bash
# Integration test on a real single-node Slurm: a run submitted as a job
# array of shard tasks plus a finishing job ends with the stats.json of a
# local run; a lost shard is redone by `slurm resume`, which resubmits only
# its task.
#   slurm_test.sh STOCKTAKE CORPUS_DIR CLUSTER_SCRIPT
set -euo pipefail
bin=$1
corpus=$2
cluster=$3
work=$(mktemp -d)
cleanup() {
  "$cluster" stop "$work/cluster" || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "slurm_test: FAIL: $*" >&2
  tail -n 20 "$work"/run/slurm/logs/* 2>/dev/null >&2 || true
  exit 1
}
eval "$("$cluster" start "$work/cluster")"
cat > "$work/c.toml" <<CONF
[slurm]
tasks = 4
cpus_per_task = 1
memory_per_task = "1G"
dedup_tasks = 3
finish_cpus = 1
finish_memory = "2G"
time_limit = "00:30:00"
CONF

wait_finished() {
  local failed=0
  for _ in $(seq 900); do
    status=$("$bin" slurm status "$work/run")
    if grep -q '^finish: done' <<<"$status"; then return 0; fi
    if grep -q '^finish: failed' <<<"$status"; then
      failed=$((failed + 1))
      ((failed < 5)) || fail "the finishing job failed: $status"
    fi
    sleep 1
  done
  fail "no result after 15 minutes: $status"
}

"$bin" run -q -c "$work/c.toml" -o "$work/local" "$corpus"
out=$("$bin" slurm submit -c "$work/c.toml" -o "$work/run" "$corpus")
grep -q 'submitted 4 shard task(s) ([0-9]* of [0-9]* shards to do) as job [0-9]*, 3 dedup task(s)' <<<"$out" || fail "submit said: $out"
wait_finished
cmp "$work/local/stats.json" "$work/run/stats.json" || fail "stats.json differs from the local run"
cmp "$work/local/dedup/clusters.tsv" "$work/run/dedup/clusters.tsv" || fail "clusters.tsv differs"
status=$("$bin" slurm status "$work/run")
grep -q '^shards: 4 tasks: 4 done, 0 running, 0 queued, 0 failed' <<<"$status" || fail "status: $status"
grep -q '^dedup: 3 tasks: 3 done, 0 running, 0 queued, 0 failed' <<<"$status" || fail "status: $status"
# The finishing job joined the dedup tasks' parts (exact and near).
grep -q '"clusterings_joined_from_parts": 2' "$work/run/timing.json" || fail "the parts were not joined"
[[ $(ls "$work"/run/slurm/logs/shards-*.log | wc -l) == 4 ]] || fail "expected four shard task logs"

# A lost shard (as if its node died): resume resubmits only its task.
rm "$work/run/shards/000005/DONE" "$work/run/stats.json"
out=$("$bin" slurm resume "$work/run")
grep -q 'resubmitted 1 shard task(s) (1 of ' <<<"$out" || fail "resume said: $out"
wait_finished
cmp "$work/local/stats.json" "$work/run/stats.json" || fail "stats.json differs after resume"
out=$("$bin" slurm resume "$work/run")
grep -q 'nothing to resubmit' <<<"$out" || fail "resume of a finished run said: $out"
echo "slurm_test: ok"
