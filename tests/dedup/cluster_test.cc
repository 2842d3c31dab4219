#include "dedup/cluster.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <tuple>
#include <map>
#include <random>
#include <set>

#include "test_support/test_support.h"

namespace stocktake::dedup {
namespace {

struct Doc {
  uint32_t input, position;
  uint8_t tier;
  std::vector<uint64_t> keys;  // band keys (already distinct per band)
};

// Writes one run set per input (as shards would) and clusters them.
Result<ClusterResult> Cluster(const std::vector<Doc>& docs, const std::vector<uint32_t>& per_input,
                              const std::string& dir, uint32_t partitions, int threads, uint64_t budget) {
  std::filesystem::remove_all(dir);
  std::vector<uint8_t> tiers;
  for (uint32_t input = 0; input < per_input.size(); ++input) {
    BandRunWriter writer(partitions);
    for (const Doc& d : docs) {
      if (d.input != input) continue;
      for (uint64_t k : d.keys) writer.Add(k, DocumentId(d.input, d.position));
    }
    EXPECT_TRUE(writer.Write(dir, fmt::format("shard-{:05d}", input)).ok());
  }
  for (const Doc& d : docs) tiers.push_back(d.tier);  // docs are given in dense order
  ClusterOptions options;
  options.partitions = partitions;
  options.threads = threads;
  options.memory_budget = budget;
  return ClusterBandRuns(dir, per_input, tiers, options);
}

TEST(ClusterTest, TransitiveClustersAndTheKeepRule) {
  testing::TempDir dir;
  // (0,0)~(1,1) by key 11, (1,1)~(0,2) by key 12: one cluster of three; the
  // highest tier, (0,2), represents it. (0,1) and (1,0) tie on tier: the
  // smaller id (0,1) represents them.
  std::vector<Doc> docs = {{0, 0, 1, {11, 100}}, {0, 1, 2, {13, 101}}, {0, 2, 3, {12, 102}},
                           {1, 0, 2, {13, 103}}, {1, 1, 0, {11, 12}},  {1, 2, 1, {104, 105}}};
  auto r = Cluster(docs, {3, 3}, dir.File("runs"), 4, 1, 64 << 20);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& d = r->documents;
  ASSERT_EQ(d.size(), 6u);
  for (size_t i : {0, 2, 4}) {
    EXPECT_EQ(d[i].cluster, DocumentId(0, 2)) << i;
    EXPECT_EQ(d[i].size, 3u);
  }
  EXPECT_TRUE(d[2].representative);
  EXPECT_FALSE(d[0].representative);
  EXPECT_FALSE(d[4].representative);
  EXPECT_EQ(d[1].cluster, DocumentId(0, 1));
  EXPECT_EQ(d[3].cluster, DocumentId(0, 1));
  EXPECT_TRUE(d[1].representative);
  EXPECT_EQ(d[5].cluster, DocumentId(1, 2));
  EXPECT_EQ(d[5].size, 1u);
  EXPECT_TRUE(d[5].representative);
  EXPECT_EQ(r->clusters, 2u);
  EXPECT_EQ(r->duplicates, 3u);
  EXPECT_EQ(r->band_entries, 12u);
}

// Components by brute force: documents sharing any key are connected.
std::vector<uint64_t> BruteForce(const std::vector<Doc>& docs) {
  std::vector<size_t> parent(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) parent[i] = i;
  std::function<size_t(size_t)> find = [&](size_t x) { return parent[x] == x ? x : parent[x] = find(parent[x]); };
  std::map<uint64_t, size_t> first;
  for (size_t i = 0; i < docs.size(); ++i) {
    for (uint64_t k : docs[i].keys) {
      auto [it, fresh] = first.emplace(k, i);
      if (!fresh) parent[find(i)] = find(it->second);
    }
  }
  std::map<size_t, size_t> best;
  for (size_t i = 0; i < docs.size(); ++i) {
    size_t r = find(i);
    auto it = best.find(r);
    if (it == best.end() || docs[i].tier > docs[it->second].tier) best[r] = i;
  }
  std::vector<uint64_t> cluster;
  for (size_t i = 0; i < docs.size(); ++i) {
    const Doc& rep = docs[best[find(i)]];
    cluster.push_back(DocumentId(rep.input, rep.position));
  }
  return cluster;
}

TEST(ClusterTest, SameClustersForAnyPartitionThreadAndBudget) {
  // 3 inputs, 3,000 documents; a third are noisy copies of earlier ones
  // (sharing some of their 14 band keys).
  std::mt19937_64 rng(5);
  const std::vector<uint32_t> per_input = {1200, 900, 900};
  std::vector<Doc> docs;
  for (uint32_t input = 0; input < per_input.size(); ++input) {
    for (uint32_t k = 0; k < per_input[input]; ++k) {
      Doc d{input, k, static_cast<uint8_t>(rng() % 4), {}};
      for (int band = 0; band < 14; ++band) d.keys.push_back(rng());
      if (!docs.empty() && rng() % 3 == 0) {
        const Doc& source = docs[rng() % docs.size()];
        for (int band = 0; band < 14; ++band) {
          if (rng() % 4 == 0) d.keys[band] = source.keys[band];
        }
      }
      docs.push_back(std::move(d));
    }
  }
  const std::vector<uint64_t> truth = BruteForce(docs);
  testing::TempDir dir;
  std::vector<DocumentCluster> first;
  for (auto [partitions, threads, budget] : {std::tuple{1u, 1, uint64_t{64} << 20}, std::tuple{3u, 2, uint64_t{1}},
                                             std::tuple{16u, 2, uint64_t{64} << 20}, std::tuple{64u, 1, uint64_t{1}}}) {
    auto r = Cluster(docs, per_input, dir.File("runs"), partitions, threads, budget);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->documents.size(), docs.size());
    for (size_t i = 0; i < docs.size(); ++i) {
      ASSERT_EQ(r->documents[i].cluster, truth[i]) << "document " << i << ", " << partitions << " partitions";
    }
    // A budget of one byte streams every partition from disk; 64 MB sorts
    // them in memory. Both give the brute-force clusters.
    if (budget == 1) {
      EXPECT_EQ(r->partitions_in_flight, 1u);
      EXPECT_EQ(r->partitions_merged_from_disk, partitions);
    } else {
      EXPECT_EQ(r->partitions_merged_from_disk, 0u);
    }
    if (first.empty()) {
      first = r->documents;
      EXPECT_GT(r->duplicates, 500u);
    } else {
      for (size_t i = 0; i < docs.size(); ++i) {
        EXPECT_EQ(r->documents[i].size, first[i].size);
        EXPECT_EQ(r->documents[i].representative, first[i].representative);
      }
    }
  }
}

// Keys crowded into one bucket of the in-memory path (same top 16 bits) and
// onto the same slots of its hash table (differing only in the low bits),
// with large groups and documents that carry the same key in several bands:
// the in-memory grouping and the streaming merge give the same edges and
// counts, and both the brute-force clusters.
TEST(ClusterTest, CrowdedBucketsGroupLikeTheStreamingMerge) {
  std::mt19937_64 rng(9);
  const std::vector<uint32_t> per_input = {400, 300};
  std::vector<Doc> docs;
  for (uint32_t input = 0; input < per_input.size(); ++input) {
    for (uint32_t k = 0; k < per_input[input]; ++k) {
      Doc d{input, k, static_cast<uint8_t>(rng() % 4), {}};
      for (int band = 0; band < 14; ++band) {
        // Mostly unique keys in one bucket; one in ten from 300 shared ones.
        const uint64_t low = rng() % 10 == 0 ? rng() % 300 : (rng() | 0x10000);
        d.keys.push_back((uint64_t{0xABCD} << 48) | (low & 0xFFFFFFFFFFFFull));
      }
      docs.push_back(std::move(d));
    }
  }
  const std::vector<uint64_t> truth = BruteForce(docs);
  testing::TempDir dir;
  auto in_memory = Cluster(docs, per_input, dir.File("runs"), 4, 1, uint64_t{64} << 20);
  ASSERT_TRUE(in_memory.ok()) << in_memory.status().message();
  auto streamed = Cluster(docs, per_input, dir.File("runs"), 4, 1, 1);
  ASSERT_TRUE(streamed.ok()) << streamed.status().message();
  EXPECT_EQ(in_memory->partitions_merged_from_disk, 0u);
  EXPECT_EQ(streamed->partitions_merged_from_disk, 4u);
  EXPECT_EQ(in_memory->edges, streamed->edges);
  EXPECT_EQ(in_memory->candidates, streamed->candidates);
  EXPECT_GT(in_memory->duplicates, 300u);
  for (size_t i = 0; i < docs.size(); ++i) {
    ASSERT_EQ(in_memory->documents[i].cluster, truth[i]) << "document " << i;
    ASSERT_EQ(streamed->documents[i].cluster, truth[i]) << "document " << i;
  }
}

TEST(ClusterTest, PartsProcessedApartJoinToTheSameClusters) {
  std::mt19937_64 rng(9);
  const std::vector<uint32_t> per_input = {500, 400};
  std::vector<Doc> docs;
  for (uint32_t input = 0; input < per_input.size(); ++input) {
    for (uint32_t k = 0; k < per_input[input]; ++k) {
      Doc d{input, k, static_cast<uint8_t>(rng() % 4), {}};
      for (int band = 0; band < 14; ++band) d.keys.push_back(rng());
      if (!docs.empty() && rng() % 3 == 0) d.keys[rng() % 14] = docs[rng() % docs.size()].keys[rng() % 14];
      docs.push_back(std::move(d));
    }
  }
  testing::TempDir dir;
  auto whole = Cluster(docs, per_input, dir.File("runs"), 8, 1, 64 << 20);
  ASSERT_TRUE(whole.ok());
  std::vector<uint8_t> tiers;
  for (const Doc& d : docs) tiers.push_back(d.tier);
  std::vector<ClusterResult> parts;
  for (uint32_t part = 0; part < 3; ++part) {
    ClusterOptions options;
    options.partitions = 8;
    options.part_index = part;
    options.part_count = 3;
    options.edges_only = true;
    auto p = ClusterBandRuns(dir.File("runs"), per_input, tiers, options);
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_TRUE(p->documents.empty());
    parts.push_back(std::move(*p));
  }
  auto joined = ClusterFromEdges(parts, per_input, tiers);
  ASSERT_TRUE(joined.ok()) << joined.status().message();
  ASSERT_EQ(joined->documents.size(), whole->documents.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    EXPECT_EQ(joined->documents[i].cluster, whole->documents[i].cluster) << i;
    EXPECT_EQ(joined->documents[i].representative, whole->documents[i].representative) << i;
  }
  EXPECT_EQ(joined->candidates, whole->candidates);
  EXPECT_EQ(joined->band_entries, whole->band_entries);
  EXPECT_EQ(joined->duplicates, whole->duplicates);
  EXPECT_GT(joined->duplicates, 50u);
  ClusterOptions bad;
  bad.part_index = 3;
  bad.part_count = 3;
  EXPECT_FALSE(ClusterBandRuns(dir.File("runs"), per_input, tiers, bad).ok());
}

TEST(ClusterTest, DamagedRunsAreErrors) {
  testing::TempDir dir;
  std::vector<Doc> docs = {{0, 0, 1, {7, 8}}, {0, 1, 1, {7, 9}}};
  ASSERT_TRUE(Cluster(docs, {2}, dir.File("runs"), 1, 1, 1 << 20).ok());
  const std::string run = dir.File("runs/shard-00000.run");
  std::string bytes = testing::ReadFile(run);
  std::vector<uint8_t> tiers = {1, 1};
  ClusterOptions options;
  options.partitions = 1;

  std::string flipped = bytes;
  flipped[20] ^= 1;
  testing::WriteFile(run, flipped);
  auto r = ClusterBandRuns(dir.File("runs"), {2}, tiers, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos) << r.status().message();

  // A flipped entry, found by the partition's checksum on both read paths.
  for (uint64_t budget : {uint64_t{64} << 20, uint64_t{1}}) {
    flipped = bytes;
    flipped[flipped.size() - 3] ^= 1;
    testing::WriteFile(run, flipped);
    ClusterOptions o = options;
    o.memory_budget = budget;
    r = ClusterBandRuns(dir.File("runs"), {2}, tiers, o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("checksum mismatch in partition 0"), std::string::npos)
        << r.status().message();
  }
  // Read with another partition count.
  testing::WriteFile(run, bytes);
  ClusterOptions four = options;
  four.partitions = 4;
  r = ClusterBandRuns(dir.File("runs"), {2}, tiers, four);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("written with 1 partitions, 4 expected"), std::string::npos)
      << r.status().message();

  testing::WriteFile(run, bytes.substr(0, bytes.size() - 9));
  r = ClusterBandRuns(dir.File("runs"), {2}, tiers, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("damaged"), std::string::npos) << r.status().message();

  testing::WriteFile(run, "not a run at all, just text");
  EXPECT_FALSE(ClusterBandRuns(dir.File("runs"), {2}, tiers, options).ok());

  // A run naming a document no input has.
  testing::WriteFile(run, bytes);
  auto unknown = ClusterBandRuns(dir.File("runs"), {1}, {1}, options);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("no input has"), std::string::npos) << unknown.status().message();
}

// Writes `docs` of one run (ids as that run numbers its inputs) under `dir`.
void WriteRuns(const std::vector<Doc>& docs, uint32_t inputs, const std::string& dir, uint32_t partitions) {
  for (uint32_t input = 0; input < inputs; ++input) {
    BandRunWriter writer(partitions);
    for (const Doc& d : docs) {
      if (d.input != input) continue;
      for (uint64_t k : d.keys) writer.Add(k, DocumentId(d.input, d.position));
    }
    ASSERT_TRUE(writer.Write(dir, fmt::format("{:06d}", input)).ok());
  }
}

TEST(ClusterTest, SetsFromSeveralRunsJoinWithShiftedIds) {
  testing::TempDir dir;
  // This run: two inputs. An earlier run (its input 0 becomes input 2) and
  // a second kind of key (exact keys) in its own directory.
  WriteRuns({{0, 0, 1, {1}}, {0, 1, 1, {2}}, {1, 0, 1, {3}}}, 2, dir.File("bands"), 4);
  WriteRuns({{0, 0, 0, {50}}, {1, 0, 0, {50}}}, 2, dir.File("exact"), 4);
  WriteRuns({{0, 0, 0, {2}}, {0, 1, 0, {3}}}, 1, dir.File("earlier"), 4);
  ClusterOptions options;
  options.partitions = 4;
  std::vector<RunFile> bands = RunFilesIn(dir.File("bands"));
  for (const RunFile& f : RunFilesIn(dir.File("earlier"), 2)) bands.push_back(f);
  std::vector<RunSet> sets = {{bands, false}, {RunFilesIn(dir.File("exact")), false}};
  auto r = ClusterBandRuns(sets, {2, 1, 2}, {1, 1, 1, 0, 0}, options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& d = r->documents;
  // (0,0)=(1,0) by the exact key, (1,0)=(2,1) by key 3; (0,1)=(2,0) by key 2.
  EXPECT_EQ(d[0].cluster, DocumentId(0, 0));
  EXPECT_EQ(d[2].cluster, DocumentId(0, 0));
  EXPECT_EQ(d[4].cluster, DocumentId(0, 0));
  EXPECT_EQ(d[0].size, 3u);
  EXPECT_EQ(d[1].cluster, DocumentId(0, 1));
  EXPECT_EQ(d[3].cluster, DocumentId(0, 1));
  EXPECT_EQ(r->clusters, 2u);
  // Without the earlier run its ids are outside the inputs.
  EXPECT_FALSE(ClusterBandRuns(sets, {2}, {1, 1}, options).ok());
}

TEST(ClusterTest, VerificationDropsRejectedPairsTheSameWayInMemoryAndStreaming) {
  testing::TempDir dir;
  // Six documents share key 9; the test accepts pairs of the same parity.
  // Key 10 joins 4 and 5 in a set that is not verified.
  std::vector<Doc> docs;
  for (uint32_t k = 0; k < 6; ++k) docs.push_back({0, k, 1, {9}});
  WriteRuns(docs, 1, dir.File("bands"), 2);
  WriteRuns({{0, 4, 1, {10}}, {0, 5, 1, {10}}}, 1, dir.File("exact"), 2);
  std::vector<RunSet> sets = {{RunFilesIn(dir.File("bands")), true}, {RunFilesIn(dir.File("exact")), false}};
  for (uint64_t budget : {uint64_t{64} << 20, uint64_t{1}}) {
    ClusterOptions options;
    options.partitions = 2;
    options.memory_budget = budget;
    options.verify = [](uint64_t a, uint64_t b) { return (a & 1) == (b & 1); };
    auto r = ClusterBandRuns({sets[0]}, {6}, std::vector<uint8_t>(6, 1), options);
    ASSERT_TRUE(r.ok()) << r.status().message();
    for (uint32_t k = 0; k < 6; ++k) EXPECT_EQ(r->documents[k].cluster, DocumentId(0, k % 2)) << k;
    // 1 tests 0 (no); 2 tests 0; 3 tests 0 (no), 1; 4 tests 0; 5 tests 0 (no), 1.
    EXPECT_EQ(r->pairs_tested, 7u);
    EXPECT_EQ(r->pairs_rejected, 3u);
    // The unverified exact keys join 4 and 5, and so both parities.
    r = ClusterBandRuns(sets, {6}, std::vector<uint8_t>(6, 1), options);
    ASSERT_TRUE(r.ok());
    for (uint32_t k = 0; k < 6; ++k) EXPECT_EQ(r->documents[k].cluster, DocumentId(0, 0)) << k;
  }
  ClusterOptions no_test;
  no_test.partitions = 2;
  EXPECT_FALSE(ClusterBandRuns(sets, {6}, std::vector<uint8_t>(6, 1), no_test).ok());
}

}  // namespace
}  // namespace stocktake::dedup
