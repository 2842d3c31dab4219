// Slurm submission, resubmission and status; see slurm.h.
#include "pipeline/slurm.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "common/atomic_file.h"
#include "common/byte_source.h"
#include "common/json_writer.h"
#include "pipeline/run.h"
#include "pipeline/shard_store.h"

extern char** environ;

namespace stocktake::pipeline {
namespace {

struct Output {
  int exit_code = -1;
  std::string out;
};

// Runs argv (PATH lookup), capturing stdout; stderr goes to ours.
Output Capture(const std::vector<std::string>& argv) {
  Output r;
  int pipe_fd[2];
  if (::pipe(pipe_fd) != 0) return r;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fd[0]);
  std::vector<char*> args;
  std::vector<std::string> copy = argv;
  for (std::string& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fd[1]);
  if (rc != 0) {
    ::close(pipe_fd[0]);
    return r;
  }
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fd[0], buf, sizeof(buf))) > 0;) r.out.append(buf, static_cast<size_t>(n));
  ::close(pipe_fd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string SelfPath() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("stocktake") : p.string();
}

uint32_t TaskCount(const Config& config, size_t inputs) {
  uint32_t tasks = config.slurm.tasks;
  if (tasks == 0) tasks = static_cast<uint32_t>(std::min<size_t>(1000, (inputs + 15) / 16));
  return std::max<uint32_t>(1, std::min<uint32_t>(tasks, static_cast<uint32_t>(std::max<size_t>(inputs, 1))));
}

std::string Script(const Config& config, const std::string& run, const std::string& name, uint32_t cpus,
                   const std::string& memory, const std::string& command) {
  std::string s = "#!/bin/bash\n";
  s += fmt::format("#SBATCH --job-name=stocktake-{}\n", name);
  s += fmt::format("#SBATCH --cpus-per-task={}\n#SBATCH --mem={}\n#SBATCH --time={}\n", cpus, memory,
                   config.slurm.time_limit);
  if (!config.slurm.partition.empty()) s += fmt::format("#SBATCH --partition={}\n", config.slurm.partition);
  s += fmt::format("#SBATCH --output={}/slurm/logs/{}-%A_%a.log\n", run, name);
  for (const std::string& line : config.slurm.extra_sbatch) s += "#SBATCH " + line + "\n";
  s += "set -euo pipefail\n" + command + "\n";
  return s;
}

// "123" from sbatch --parsable ("123" or "123;cluster").
Result<std::string> Sbatch(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  argv.insert(argv.end(), args.begin(), args.end());
  Output o = Capture(argv);
  if (o.exit_code != 0) {
    return IoError(o.exit_code < 0 ? "cannot run sbatch: is Slurm installed and SLURM_CONF set?"
                                   : fmt::format("sbatch failed (exit {})", o.exit_code));
  }
  std::string id = o.out.substr(0, o.out.find_first_of(";\n"));
  if (id.empty()) return IoError("sbatch printed no job id");
  return id;
}

// True if `path` exists and was written at or after `since_ns` (epoch ns).
bool WrittenSince(const std::string& path, int64_t since_ns) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 &&
         static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec >= since_ns;
}

// Array elements of `job` by state: done (as `is_done` says), else running
// or queued (from squeue's `state`), else failed.
struct Tally {
  size_t done = 0, running = 0, queued = 0, failed = 0;
};
template <typename Done>
Tally CountElements(const std::map<std::string, std::string>& state, const std::string& job, uint32_t elements,
                    Done is_done) {
  Tally t;
  for (uint32_t i = 0; i < elements; ++i) {
    if (is_done(i)) {
      ++t.done;
      continue;
    }
    auto it = state.find(fmt::format("{}_{}", job, i));
    if (it == state.end()) {
      ++t.failed;
    } else if (it->second == "RUNNING" || it->second == "COMPLETING") {
      ++t.running;
    } else {
      ++t.queued;
    }
  }
  return t;
}

struct Jobs {
  uint32_t tasks = 0;
  std::string shards_job;
  std::string array;
  uint32_t dedup_tasks = 0;
  std::string dedup_job;
  std::string finish_job;
  int64_t submitted_ns = 0;
};

Status WriteJobs(const std::string& run, const Jobs& j) {
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Field("tasks", static_cast<uint64_t>(j.tasks));
  w.Field("shards_job", j.shards_job);
  w.Field("array", j.array);
  w.Field("dedup_tasks", static_cast<uint64_t>(j.dedup_tasks));
  w.Field("dedup_job", j.dedup_job);
  w.Field("finish_job", j.finish_job);
  w.Field("submitted_ns", j.submitted_ns);
  w.EndObject();
  out.push_back('\n');
  return WriteFileAtomic(run + "/slurm/jobs.json", out);
}

Result<Jobs> ReadJobs(const std::string& run) {
  auto text = ReadFileToString(run + "/slurm/jobs.json");
  if (!text.ok()) return NotFound(fmt::format("'{}' was not submitted to Slurm (no slurm/jobs.json)", run));
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  Jobs j;
  uint64_t tasks = 0, dedup_tasks = 0;
  std::string_view shards, array, finish, dedup;
  if (parser.parse(*text).get(root) || root["tasks"].get(tasks) || root["shards_job"].get(shards) ||
      root["array"].get(array) || root["finish_job"].get(finish) || root["submitted_ns"].get(j.submitted_ns) ||
      root["dedup_tasks"].get(dedup_tasks) || root["dedup_job"].get(dedup)) {
    return Status(StatusCode::kDataError, fmt::format("'{}/slurm/jobs.json' is damaged", run));
  }
  j.tasks = static_cast<uint32_t>(tasks);
  j.dedup_tasks = static_cast<uint32_t>(dedup_tasks);
  j.dedup_job = std::string(dedup);
  j.shards_job = std::string(shards);
  j.array = std::string(array);
  j.finish_job = std::string(finish);
  return j;
}

// Which shard tasks still have unfinished shards.
Result<std::vector<uint32_t>> UnfinishedTasks(const Config& config, const std::string& run, uint32_t tasks,
                                              size_t* done_shards, size_t* all_shards) {
  auto record = ReadRunRecord(run);
  if (!record.ok()) return record.status();
  const std::string hash = ConfigHash(config);
  const uint32_t partitions = config.dedup.enabled ? config.dedup.partitions : 0;
  std::set<uint32_t> open;
  *done_shards = 0;
  *all_shards = record->inputs.size();
  for (size_t i = 0; i < record->inputs.size(); ++i) {
    const std::string folder = i < record->shards.size() ? record->shards[i] : "";
    std::optional<ShardIdentity> done = folder.empty() ? std::nullopt : ReadShardDone(run + "/" + folder);
    if (done && done->Serves(IdentityOf(record->inputs[i], hash, partitions, false))) {
      ++*done_shards;
    } else {
      open.insert(static_cast<uint32_t>(i % tasks));
    }
  }
  return std::vector<uint32_t>(open.begin(), open.end());
}

std::string ArraySpec(const std::vector<uint32_t>& tasks) {
  std::string out;
  for (size_t i = 0; i < tasks.size();) {
    size_t j = i;
    while (j + 1 < tasks.size() && tasks[j + 1] == tasks[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + (i == j ? fmt::format("{}", tasks[i]) : fmt::format("{}-{}", tasks[i], tasks[j]));
    i = j + 1;
  }
  return out;
}

// Writes the scripts and submits the array (if any element) and the
// finishing job after it.
Result<Jobs> Submit(const Config& config, const std::string& run, uint32_t tasks, const std::vector<uint32_t>& elements) {
  const std::string slurm_dir = run + "/slurm";
  STOCKTAKE_RETURN_IF_ERROR(MakeDirectories(slurm_dir + "/logs"));
  const std::string config_arg =
      config.source == Config{}.source ? std::string() : " -c " + Quote(AbsolutePath(config.source));
  const std::string self = Quote(SelfPath());
  const std::string shards_script = Script(
      config, run, "shards", config.slurm.cpus_per_task, config.slurm.memory_per_task,
      fmt::format("exec {} task shards{} -o {} --task \"$SLURM_ARRAY_TASK_ID\" --of {} --threads {}", self, config_arg,
                  Quote(run), tasks, config.slurm.cpus_per_task));
  const uint32_t dedup_tasks = config.dedup.enabled ? config.slurm.dedup_tasks : 0;
  const std::string dedup_script =
      Script(config, run, "dedup", config.slurm.finish_cpus, config.slurm.finish_memory,
             fmt::format("exec {} task dedup{} -o {} --task \"$SLURM_ARRAY_TASK_ID\" --of {} --threads {}", self,
                         config_arg, Quote(run), dedup_tasks, config.slurm.finish_cpus));
  const std::string finish_script =
      Script(config, run, "finish", config.slurm.finish_cpus, config.slurm.finish_memory,
             fmt::format("exec {} task finish{} -o {} --threads {} --dedup-parts {}", self, config_arg, Quote(run),
                         config.slurm.finish_cpus, dedup_tasks));
  STOCKTAKE_RETURN_IF_ERROR(WriteFileAtomic(slurm_dir + "/shards.sh", shards_script));
  STOCKTAKE_RETURN_IF_ERROR(WriteFileAtomic(slurm_dir + "/dedup.sh", dedup_script));
  STOCKTAKE_RETURN_IF_ERROR(WriteFileAtomic(slurm_dir + "/finish.sh", finish_script));
  Jobs jobs;
  jobs.tasks = tasks;
  jobs.dedup_tasks = dedup_tasks;
  jobs.submitted_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<std::string> finish_args;
  std::string after;  // the job the next stage waits for
  if (!elements.empty()) {
    jobs.array = ArraySpec(elements);
    auto id = Sbatch({"--array=" + jobs.array, slurm_dir + "/shards.sh"});
    if (!id.ok()) return id.status();
    jobs.shards_job = *id;
    after = jobs.shards_job;
  }
  if (dedup_tasks > 0) {
    std::vector<std::string> args = {fmt::format("--array=0-{}", dedup_tasks - 1)};
    if (!after.empty()) args.push_back("--dependency=afterok:" + after);
    args.push_back(slurm_dir + "/dedup.sh");
    auto id = Sbatch(args);
    if (!id.ok()) return id.status();
    jobs.dedup_job = *id;
    after = jobs.dedup_job;
  }
  if (!after.empty()) finish_args.push_back("--dependency=afterok:" + after);
  finish_args.push_back(slurm_dir + "/finish.sh");
  auto finish = Sbatch(finish_args);
  if (!finish.ok()) return finish.status();
  jobs.finish_job = *finish;
  STOCKTAKE_RETURN_IF_ERROR(WriteJobs(run, jobs));
  return jobs;
}

}  // namespace

Result<std::string> SlurmSubmit(const Config& config, const quality::QualityModel& quality, const std::string& run_dir,
                                const std::vector<std::string>& inputs) {
  const std::string run = AbsolutePath(run_dir);
  RunOptions plan;
  plan.plan_only = true;
  RunSummary summary;
  STOCKTAKE_RETURN_IF_ERROR(RunMeasurement(config, quality, run, inputs, plan, &summary));
  const uint32_t tasks = TaskCount(config, summary.inputs);
  size_t done = 0, all = 0;
  auto open = UnfinishedTasks(config, run, tasks, &done, &all);
  if (!open.ok()) return open.status();
  auto jobs = Submit(config, run, tasks, *open);
  if (!jobs.ok()) return jobs.status();
  return fmt::format("stocktake: submitted {} shard task(s) ({} of {} shards to do) as job {}, {} dedup task(s) as "
                     "job {}, then job {} to finish; `stocktake slurm status {}` follows them",
                     open->size(), all - done, all, jobs->shards_job.empty() ? "-" : jobs->shards_job,
                     jobs->dedup_tasks, jobs->dedup_job.empty() ? "-" : jobs->dedup_job, jobs->finish_job, run_dir);
}

Result<std::string> SlurmResume(const Config& config, const std::string& run_dir) {
  const std::string run = AbsolutePath(run_dir);
  auto previous = ReadJobs(run);
  if (!previous.ok()) return previous.status();
  size_t done = 0, all = 0;
  auto open = UnfinishedTasks(config, run, previous->tasks, &done, &all);
  if (!open.ok()) return open.status();
  if (open->empty() && WrittenSince(run + "/stats.json", previous->submitted_ns)) {
    return std::string("stocktake: the run is finished; nothing to resubmit");
  }
  auto jobs = Submit(config, run, previous->tasks, *open);
  if (!jobs.ok()) return jobs.status();
  return fmt::format("stocktake: resubmitted {} shard task(s) ({} of {} shards to do){}, {} dedup task(s), then job {} "
                     "to finish",
                     open->size(), all - done, all, jobs->shards_job.empty() ? "" : " as job " + jobs->shards_job,
                     jobs->dedup_tasks, jobs->finish_job);
}

Result<std::string> SlurmStatus(const std::string& run_dir) {
  const std::string run = AbsolutePath(run_dir);
  auto jobs = ReadJobs(run);
  if (!jobs.ok()) return jobs.status();
  auto record = ReadRunRecord(run);
  if (!record.ok()) return record.status();
  // Shard tasks: done when all their shards are.
  std::vector<bool> open(jobs->tasks, false);
  size_t done_shards = 0;
  for (size_t i = 0; i < record->inputs.size(); ++i) {
    const bool done = i < record->shards.size() && ReadShardDone(run + "/" + record->shards[i]).has_value();
    done_shards += done;
    if (!done) open[i % jobs->tasks] = true;
  }
  // Queued and running elements, from squeue.
  std::map<std::string, std::string> state;  // "123_4" or "125" -> PENDING/RUNNING/...
  std::string ids = jobs->shards_job;
  if (!jobs->dedup_job.empty()) ids += (ids.empty() ? "" : ",") + jobs->dedup_job;
  ids += (ids.empty() ? "" : ",") + jobs->finish_job;
  Output q = Capture({"squeue", "-h", "-r", "-j", ids, "-o", "%i %T"});
  for (size_t start = 0; start < q.out.size();) {
    size_t end = q.out.find('\n', start);
    if (end == std::string::npos) end = q.out.size();
    const std::string line = q.out.substr(start, end - start);
    start = end + 1;
    const size_t space = line.find(' ');
    if (space != std::string::npos) state[line.substr(0, space)] = line.substr(space + 1);
  }
  const Tally shard_tasks = CountElements(state, jobs->shards_job, jobs->tasks, [&](uint32_t t) { return !open[t]; });
  // Dedup tasks: done when their parts are written (after the submission).
  const Tally dedup_tasks = CountElements(state, jobs->dedup_job, jobs->dedup_tasks, [&](uint32_t t) {
    return WrittenSince(fmt::format("{}/dedup-parts/near-{:04d}-of-{:04d}.edges", run, t, jobs->dedup_tasks),
                        jobs->submitted_ns);
  });
  std::string finish = "failed (see slurm/logs/finish-*.log; `stocktake slurm resume` resubmits)";
  auto fs = state.find(jobs->finish_job);
  if (WrittenSince(run + "/stats.json", jobs->submitted_ns)) {
    finish = "done";
  } else if (fs != state.end()) {
    finish = fs->second == "RUNNING" || fs->second == "COMPLETING" ? "running" : "queued (waits for the shards)";
  }
  auto line = [](const char* stage, uint32_t elements, const Tally& t) {
    return fmt::format("{}: {} tasks: {} done, {} running, {} queued, {} failed", stage, elements, t.done, t.running,
                       t.queued, t.failed);
  };
  std::string out = line("shards", jobs->tasks, shard_tasks) +
                    fmt::format(" ({} of {} shards done)\n", done_shards, record->inputs.size());
  if (jobs->dedup_tasks > 0) out += line("dedup", jobs->dedup_tasks, dedup_tasks) + "\n";
  return out + fmt::format("finish: {}\n", finish);
}

}  // namespace stocktake::pipeline
