// Shard folders: the result codec round-trips every counter and row, and
// rejects damage; DONE records the identity.
#include "pipeline/shard_store.h"

#include <gtest/gtest.h>

#include "pipeline/run.h"
#include "test_support/test_support.h"
#include "pipeline/default_model.h"
#include "common/atomic_file.h"

namespace stocktake::pipeline {
namespace {

// A real input's result, with dedup rows (the pass fills every field).
InputResult RealResult(const std::string& shard_dir) {
  Config config;
  auto plan = PrepareDedup(config, shard_dir + "/..");
  EXPECT_TRUE(plan.ok());
  EXPECT_TRUE(MakeDirectories(shard_dir).ok());
  return ScanInput(testing::CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz"), config,
                   DefaultModel(), DedupTarget{plan->get(), shard_dir});
}

TEST(ShardStoreTest, ResultsRoundTripExactly) {
  testing::TempDir dir;
  InputResult r = RealResult(dir.File("run/shards/000000"));
  ASSERT_GT(r.documents, 10u);
  ASSERT_EQ(r.dedup.rows.size(), r.documents);
  const std::string bytes = EncodeShardResult(r);
  InputResult back;
  ASSERT_TRUE(DecodeShardResult(bytes, &back).ok());
  back.path = r.path;
  // Everything stats.json shows, and the rows clustering reads.
  Config config;
  EXPECT_TRUE(StatsJson(config, {back}, nullptr) == StatsJson(config, {r}, nullptr));
  EXPECT_EQ(back.text_keys, r.text_keys);
  ASSERT_EQ(back.dedup.rows.size(), r.dedup.rows.size());
  for (size_t i = 0; i < r.dedup.rows.size(); ++i) {
    EXPECT_EQ(back.dedup.rows[i].offset, r.dedup.rows[i].offset);
    EXPECT_EQ(back.dedup.rows[i].tier, r.dedup.rows[i].tier);
    EXPECT_EQ(back.dedup.rows[i].signed_text, r.dedup.rows[i].signed_text);
  }
  EXPECT_EQ(back.dedup.languages, r.dedup.languages);
  EXPECT_EQ(back.dedup.url_keys, r.dedup.url_keys);
  EXPECT_EQ(back.dedup.sizes.size(), r.dedup.sizes.size());
  EXPECT_EQ(EncodeShardResult(back), bytes);
}

TEST(ShardStoreTest, DamageIsAnErrorNeverACrash) {
  testing::TempDir dir;
  const std::string bytes = EncodeShardResult(RealResult(dir.File("run/shards/000000")));
  InputResult out;
  EXPECT_FALSE(DecodeShardResult("", &out).ok());
  EXPECT_FALSE(DecodeShardResult(bytes.substr(0, bytes.size() / 2), &out).ok());
  for (size_t at : {size_t{9}, bytes.size() / 3, bytes.size() - 9}) {
    std::string flipped = bytes;
    flipped[at] ^= 0x40;
    InputResult damaged;
    EXPECT_FALSE(DecodeShardResult(flipped, &damaged).ok()) << at;
  }
}

TEST(ShardStoreTest, DoneRecordsTheIdentity) {
  testing::TempDir dir;
  const std::string input = testing::CorpusFile("webrecorder+warcio/test/data/example.warc.gz");
  ShardIdentity id = IdentityOf(input, "abc", 64);
  EXPECT_GT(id.size, 0);
  EXPECT_EQ(id.input.front(), '/');
  EXPECT_EQ(IdentityOf(input, "abc", 64), id);
  EXPECT_FALSE(IdentityOf(input, "abd", 64) == id);
  EXPECT_FALSE(IdentityOf(input, "abc", 8) == id);
  EXPECT_EQ(IdentityOf(dir.File("missing.warc"), "abc", 64).size, -1);

  ASSERT_TRUE(MakeDirectories(dir.File("s")).ok());
  EXPECT_FALSE(ReadShardDone(dir.File("s")).has_value());
  InputResult r;
  r.documents = 7;
  ASSERT_TRUE(WriteShard(dir.File("s"), r, id).ok());
  std::optional<ShardIdentity> done = ReadShardDone(dir.File("s"));
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(*done, id);
  auto back = ReadShardResult(dir.File("s"), "x.warc");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->documents, 7u);
  EXPECT_EQ(back->path, "x.warc");
  testing::WriteFile(dir.File("s/DONE"), "{\"schema\": \"stocktake.shard/1\"}");
  EXPECT_FALSE(ReadShardDone(dir.File("s")).has_value());
}

}  // namespace
}  // namespace stocktake::pipeline
