#include "pipeline/view_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/hash.h"

namespace stocktake::pipeline {
namespace {

// Documents of very different sizes one after another (the table grows for a
// large one and starts small again for the next), checked against std::map:
// every key of this document found with its first value, none of the last.
TEST(ViewTableTest, AgreesWithAMapAcrossDocumentsOfAnySize) {
  std::mt19937_64 random(3);
  ViewTable<uint64_t> table;
  std::vector<std::string> previous;
  for (int document = 0; document < 300; ++document) {
    table.Clear();
    const size_t keys = document % 7 == 0 ? 5000 + random() % 5000 : random() % 200;
    std::vector<std::string> mine;
    for (size_t k = 0; k < keys; ++k) mine.push_back("key " + std::to_string(random() % (2 * keys + 1)));
    std::map<std::string, uint64_t> expected;
    for (size_t k = 0; k < mine.size(); ++k) {
      expected.emplace(mine[k], k);
      table.Insert(mine[k], Hash64(mine[k]), k);
    }
    ASSERT_EQ(table.size(), expected.size()) << document;
    for (const auto& [key, value] : expected) {
      const uint64_t* got = table.Find(key, Hash64(key));
      ASSERT_NE(got, nullptr) << document << " " << key;
      EXPECT_EQ(*got, value) << document << " " << key;
    }
    for (const std::string& key : previous) {
      if (expected.count(key) == 0) EXPECT_EQ(table.Find(key, Hash64(key)), nullptr) << document << " " << key;
    }
    previous = std::move(mine);
  }
}

}  // namespace
}  // namespace stocktake::pipeline
