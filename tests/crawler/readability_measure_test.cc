// TextMeasure: hand-counted lengths, and the 16-byte path against the byte
// loop on random texts cut into random text nodes.
#include "crawler/readability_measure.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace stocktake::crawler::html {
namespace {

TextMeasure Measure(const std::vector<std::string>& nodes) {
  TextMeasure m;
  for (const std::string& n : nodes) m.Add(n);
  return m;
}

TEST(ReadabilityMeasureTest, HandCounted) {
  // Leading and trailing white space do not count; six runs inside do.
  TextMeasure m = Measure({"   The quick,  brown fox.\n\tJumps over it  "});
  EXPECT_EQ(m.chars, 29u);   // The quick, brown fox. Jumps over it
  EXPECT_EQ(m.length, 35u);  // plus 6 inner runs
  EXPECT_EQ(m.commas, 1u);
  EXPECT_TRUE(m.any);
  EXPECT_TRUE(m.ends_sentence);  // "fox." then white space
  EXPECT_TRUE(m.pending_space);

  // Two nodes: the run between them counts once; a period at the very end.
  m = Measure({"abcdefghijklmnopqrstu ", "  vwxyz."});
  EXPECT_EQ(m.chars, 27u);
  EXPECT_EQ(m.length, 28u);
  EXPECT_FALSE(m.ends_sentence);
  EXPECT_TRUE(m.EndsSentence());

  // Code points, not bytes; the Arabic comma counts.
  m = Measure({"caf\xC3\xA9 \xD8\x8C x \xE4\xB8\xAD\xE6\x96\x87 and sixteen more bytes"});
  EXPECT_EQ(m.chars, 4u + 1 + 1 + 2 + 3 + 7 + 4 + 5);
  EXPECT_EQ(m.length, m.chars + 7);
  EXPECT_EQ(m.commas, 1u);

  m = Measure({"                                  "});
  EXPECT_FALSE(m.any);
  EXPECT_EQ(m.length, 0u);
  EXPECT_FALSE(m.pending_space);
}

TEST(ReadabilityMeasureTest, SixteenBytesAtATimeEqualsTheByteLoop) {
  std::mt19937 rng(7);
  // Mostly letters and single spaces, with every kind of byte the measure
  // distinguishes: other white space, commas, periods, controls, DEL and
  // multibyte characters (one of them an other comma).
  // The controls next to the white-space range 9-13 (0x08, 0x0E) and at
  // its edges (0x00, 0x1F) check the range test.
  const std::vector<std::string> alphabet = {"a", "b", "Z", "0", " ", " ", " ", "\t", "\n", "\r", "\f", "\v",
                                             ",", ".", ".", "!", "\x01", "\x7F", std::string(1, '\0'), "\x08",
                                             "\x0E", "\x1F", "\xC3\xA9", "\xD8\x8C", "\xE4\xB8\xAD",
                                             "\xF0\x9F\x98\x80"};
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> nodes;
    const int count = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < count; ++k) {
      std::string text;
      const size_t size = rng() % 70;
      const bool plain = rng() % 3 == 0;  // long all-ASCII nodes take the 16-byte path
      while (text.size() < size) {
        const size_t pick = rng() % alphabet.size();
        if (plain && alphabet[pick].size() > 1) continue;
        text += alphabet[pick];
      }
      nodes.push_back(text);
    }
    TextMeasure fast, slow;
    for (const std::string& n : nodes) {
      fast.Add(n);
      slow.AddBytewise(n);
    }
    SCOPED_TRACE(::testing::PrintToString(nodes));
    ASSERT_EQ(fast.length, slow.length);
    ASSERT_EQ(fast.chars, slow.chars);
    ASSERT_EQ(fast.commas, slow.commas);
    ASSERT_EQ(fast.pending_space, slow.pending_space);
    ASSERT_EQ(fast.any, slow.any);
    ASSERT_EQ(fast.ends_sentence, slow.ends_sentence);
    ASSERT_EQ(fast.saw_period, slow.saw_period);
  }
}

}  // namespace
}  // namespace stocktake::crawler::html
