// Clustering at scale: synthetic documents' band keys written as shard runs,
// then clustered within a memory budget. Reports time, documents per second
// and peak RSS (docs/benchmarks.md).
//
//   stocktake-bench-cluster [--documents N] [--shards S] [--partitions P]
//                           [--budget-mb M] [--threads T] [--keep] DIR
//
// --keep leaves the runs in DIR, and a later --keep run with the same
// documents and shards clusters them again without rewriting them (for
// profiling the clustering alone).
//
// One document in five is a noisy copy of an earlier one: each of its 14
// band keys is the source's with probability 1/3.
#include <sys/resource.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "dedup/cluster.h"

using namespace stocktake;

int main(int argc, char** argv) {
  uint64_t documents = 10'000'000;
  uint32_t shards = 100, partitions = 64;
  uint64_t budget_mb = 512;
  int threads = 0;
  bool keep = false;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    auto value = [&] { return i + 1 < argc ? std::strtoull(argv[++i], nullptr, 10) : 0; };
    if (std::strcmp(argv[i], "--documents") == 0) documents = value();
    else if (std::strcmp(argv[i], "--shards") == 0) shards = static_cast<uint32_t>(value());
    else if (std::strcmp(argv[i], "--partitions") == 0) partitions = static_cast<uint32_t>(value());
    else if (std::strcmp(argv[i], "--budget-mb") == 0) budget_mb = value();
    else if (std::strcmp(argv[i], "--threads") == 0) threads = static_cast<int>(value());
    else if (std::strcmp(argv[i], "--keep") == 0) keep = true;
    else if (argv[i][0] != '-' && dir.empty()) dir = argv[i];
    else {  // --help, an unknown option or a second DIR: the usage line
      dir.clear();
      break;
    }
  }
  if (dir.empty() || shards == 0 || partitions == 0) {
    std::fprintf(stderr, "usage: stocktake-bench-cluster [--documents N] [--shards S] [--partitions P] "
                         "[--budget-mb M] [--threads T] [--keep] DIR\n");
    return 2;
  }
  constexpr int kBands = 14;
  std::vector<uint32_t> per_input(shards, static_cast<uint32_t>(documents / shards));
  per_input.back() += static_cast<uint32_t>(documents % shards);
  std::vector<uint8_t> tiers;
  // With --keep, runs of the same documents and shards are reused.
  const std::string kept_params = dir + "/bench-params", kept_tiers = dir + "/bench-tiers";
  const std::string params = std::to_string(documents) + " " + std::to_string(shards) + " " + std::to_string(partitions);
  if (keep) {
    std::string old(64, '\0');
    std::FILE* f = std::fopen(kept_params.c_str(), "rb");
    if (f != nullptr) {
      old.resize(std::fread(old.data(), 1, old.size(), f));
      std::fclose(f);
    }
    f = old == params ? std::fopen(kept_tiers.c_str(), "rb") : nullptr;
    if (f != nullptr) {
      tiers.resize(documents);
      if (std::fread(tiers.data(), 1, tiers.size(), f) != tiers.size()) tiers.clear();
      std::fclose(f);
    }
  }
  auto start = std::chrono::steady_clock::now();
  if (tiers.size() != documents) {
    tiers.clear();
    std::filesystem::remove_all(dir);
    std::mt19937_64 rng(11);
    tiers.reserve(documents);
    // Recent documents' keys, as sources for copies (bounded window).
    std::vector<std::array<uint64_t, kBands>> window(1 << 16);
    uint64_t made = 0;
    for (uint32_t s = 0; s < shards; ++s) {
      dedup::BandRunWriter writer(partitions);
      for (uint32_t k = 0; k < per_input[s]; ++k, ++made) {
        std::array<uint64_t, kBands> keys;
        for (auto& key : keys) key = rng();
        if (made > 0 && rng() % 5 == 0) {
          const auto& source = window[rng() % std::min<uint64_t>(made, window.size())];
          for (int b = 0; b < kBands; ++b) {
            if (rng() % 3 == 0) keys[b] = source[b];
          }
        }
        window[made % window.size()] = keys;
        for (uint64_t key : keys) writer.Add(key, dedup::DocumentId(s, k));
        tiers.push_back(static_cast<uint8_t>(rng() % 4));
      }
      if (!writer.Write(dir, "shard-" + std::to_string(s)).ok()) return 1;
    }
    if (keep) {
      std::FILE* f = std::fopen(kept_tiers.c_str(), "wb");
      if (f == nullptr || std::fwrite(tiers.data(), 1, tiers.size(), f) != tiers.size()) return 1;
      std::fclose(f);
      f = std::fopen(kept_params.c_str(), "wb");
      if (f == nullptr || std::fwrite(params.data(), 1, params.size(), f) != params.size()) return 1;
      std::fclose(f);
    }
  }
  double write_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  dedup::ClusterOptions options;
  options.partitions = partitions;
  options.memory_budget = budget_mb << 20;
  options.threads = threads;
  struct rusage before;
  getrusage(RUSAGE_SELF, &before);
  start = std::chrono::steady_clock::now();
  auto result = dedup::ClusterBandRuns(dir, per_input, tiers, options);
  double cluster_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) {
    std::fprintf(stderr, "%s\n", result.status().message().c_str());
    return 1;
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  double cpu_s = (usage.ru_utime.tv_sec - before.ru_utime.tv_sec) + (usage.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
                 (usage.ru_stime.tv_sec - before.ru_stime.tv_sec) + (usage.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
  std::printf("documents %llu, shards %u, partitions %u, budget %llu MB, partitions in flight %u\n",
              static_cast<unsigned long long>(documents), shards, partitions,
              static_cast<unsigned long long>(budget_mb), result->partitions_in_flight);
  std::printf("band entries %llu, edges %llu, clusters %llu, duplicates %llu\n",
              static_cast<unsigned long long>(result->band_entries), static_cast<unsigned long long>(result->edges),
              static_cast<unsigned long long>(result->clusters), static_cast<unsigned long long>(result->duplicates));
  std::printf("write runs %.1f s; cluster %.2f s wall, %.2f s CPU: %.2f M documents/s per core; peak RSS %.0f MB\n",
              write_s, cluster_s, cpu_s, documents / cpu_s / 1e6, usage.ru_maxrss / 1024.0);
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
