// Running a measurement on a Slurm cluster (docs/distributed.md).
//
// The run directory (on storage every node shares) is the only state. A
// submission plans the run locally (run.json: inputs, shard folders), then
// submits two jobs with sbatch: an array of shard tasks (`stocktake task
// shards`, each scanning the unfinished shards whose ordinal modulo the
// array size is its index) and, with --dependency=afterok on the array, the
// finishing job (`stocktake task finish`: dedup clustering, stats, report --
// the same code as a local run's end). Every task is idempotent: a shard
// with DONE is never redone, so a failed or preempted element can simply be
// resubmitted, and `slurm resume` resubmits only the elements with
// unfinished shards. Job ids go to RUN/slurm/jobs.json, scripts and logs
// under RUN/slurm/.
#ifndef STOCKTAKE_PIPELINE_SLURM_H_
#define STOCKTAKE_PIPELINE_SLURM_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "pipeline/config.h"
#include "quality/tiers.h"

namespace stocktake::pipeline {

// Plans `run_dir` for `inputs` and submits its jobs. `config_path` ("" for
// the built-in defaults) is what the tasks load: it must be readable on
// every node. Returns a summary line.
Result<std::string> SlurmSubmit(const Config& config, const quality::QualityModel& quality, const std::string& run_dir,
                                const std::vector<std::string>& inputs);

// Resubmits the array elements with unfinished shards (and the finishing
// job after them); a run whose shards are all done gets the finishing job
// only, and a finished run nothing.
Result<std::string> SlurmResume(const Config& config, const std::string& run_dir);

// Per stage: tasks done, queued or running (from squeue), and failed.
Result<std::string> SlurmStatus(const std::string& run_dir);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_SLURM_H_
