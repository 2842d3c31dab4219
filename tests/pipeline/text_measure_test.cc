#include "pipeline/text_measure.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <string>
#include <vector>

#include "pipeline/config.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

std::vector<std::shared_ptr<const stats::Encoding>> Encodings(std::vector<const char*> names) {
  std::vector<std::shared_ptr<const stats::Encoding>> encodings;
  for (const char* name : names) {
    auto encoding = LoadEncoding(name, "");
    EXPECT_TRUE(encoding.ok()) << name;
    encodings.push_back(*encoding);
  }
  return encodings;
}

// Every field, so a failure shows which count differs.
void ExpectSame(const TextSize& got, const TextSize& want, const std::string& what) {
  EXPECT_EQ(got.bytes, want.bytes) << what;
  EXPECT_EQ(got.words, want.words) << what;
  EXPECT_EQ(got.words_uax29, want.words_uax29) << what;
  for (size_t e = 0; e < kMaxEncodings; ++e) EXPECT_EQ(got.tokens[e], want.tokens[e]) << what << ", encoding " << e;
}

TEST(TextMeasureTest, SafeCutsFollowASingleLineBreakBetweenNonBlankCharacters) {
  auto cut = [](std::string_view text, size_t pos) { return TextMeasurer::SafeCut(text, pos); };
  EXPECT_TRUE(cut("a.\nb", 3));
  EXPECT_TRUE(cut("abc\nDef", 4));
  EXPECT_TRUE(cut("12\n34", 3));
  EXPECT_TRUE(cut("x.\n's", 3));
  EXPECT_TRUE(cut("x.\n.y", 3));
  EXPECT_TRUE(cut("\xE3\x80\x82\n\xE4\xB8\xAD", 4));  // "。\n中"
  EXPECT_FALSE(cut("a.\nb", 2));                     // not after a line break
  EXPECT_FALSE(cut("a.\n\nb", 3));                   // a second line break follows
  EXPECT_FALSE(cut("a.\n\nb", 4));                   // after two line breaks
  EXPECT_FALSE(cut("a \nb", 3));                     // white space before the break
  EXPECT_FALSE(cut("a\r\nb", 3));
  EXPECT_FALSE(cut("a.\n b", 3));                    // white space after it
  EXPECT_FALSE(cut("a.\n\tb", 3));
  EXPECT_FALSE(cut("a.\n\xC2\xA0" "b", 3));          // no-break space
  EXPECT_FALSE(cut("a.\n\xE3\x80\x80" "b", 3));      // ideographic space
  EXPECT_FALSE(cut("a\xC2\xA0\nb", 4));              // no-break space before it
  EXPECT_FALSE(cut("a.\n/b", 3));                    // o200k_base's ".\n/" piece
  EXPECT_FALSE(cut("a.\n\xE4", 3));                  // a cut-off character
  EXPECT_FALSE(cut("\xB8\nb", 2));                   // a stray continuation byte
  EXPECT_FALSE(cut("\nb", 1));                       // nothing before the break
  EXPECT_FALSE(cut("a\n", 2));                       // nothing after it
  EXPECT_FALSE(cut("a\nb", 9));
}

TEST(TextMeasureTest, WithoutR50kCutsFollowAnyRunOfWhiteSpaceEndingInALineBreak) {
  auto cut = [](std::string_view text, size_t pos) { return TextMeasurer::SafeCut(text, pos, true); };
  EXPECT_TRUE(cut("a.\n\nb", 4));
  EXPECT_TRUE(cut("a \nb", 3));
  EXPECT_TRUE(cut("a\r\nb", 3));
  EXPECT_TRUE(cut("a\n \n\nb", 5));
  EXPECT_TRUE(cut("a.\nb", 3));
  EXPECT_FALSE(cut("a.\n\nb", 3));  // not at the end of the run
  EXPECT_FALSE(cut("a.\n b", 3));
  EXPECT_FALSE(cut("a.\n\n/b", 4));
  EXPECT_FALSE(cut("a\n", 2));
  EXPECT_FALSE(cut("a \nb", 2));
}

TEST(TextMeasureTest, TailCutsSeparateALinesLastLetterOrDigitFromItsPunctuation) {
  auto tail = [](std::string_view text, size_t begin = 0) { return TextMeasurer::TailCut(text, begin, text.find('\n')); };
  constexpr size_t kNone = std::string_view::npos;
  EXPECT_EQ(tail("the end.\nNext"), 7u);
  EXPECT_EQ(tail("the end\nNext"), 7u);     // an empty tail
  EXPECT_EQ(tail("(see 12).\n\nb"), 7u);
  EXPECT_EQ(tail("x?!\"\n"), 1u);
  EXPECT_EQ(tail("the end.\n", 7), kNone);  // the tail starts the unit
  EXPECT_EQ(tail("the end.\n", 8), kNone);
  EXPECT_EQ(tail("...\n"), kNone);           // no letter before it
  EXPECT_EQ(tail("end .\n"), kNone);         // white space before it
  EXPECT_EQ(tail("foo_\n"), kNone);          // UAX #29 keeps "foo_" one word
  EXPECT_EQ(tail("e\xCC\x81.\n"), kNone);     // a combining mark (o200k_base's letters take it)
  EXPECT_EQ(tail("\xC3\xA9.\n"), kNone);      // only ASCII letters
  EXPECT_EQ(tail("end\xE3\x80\x82\n"), kNone);  // only ASCII punctuation
}

// Texts with the characters where a cut would go wrong, put together at
// random, and the tokens test texts (web pages in many languages).
std::vector<std::string> Texts() {
  std::vector<std::string> texts;
  simdjson::dom::parser parser;
  for (simdjson::dom::element line : parser.load_many(testing::SourcePath("tests/stats/tokens/texts.jsonl"))) {
    texts.emplace_back(std::string_view(line["text"]));
  }
  const std::vector<std::string> parts = {
      "a",  "Bc", "the end", "12345", ".",  "!", "?\"", "'s", "'LL", " ", "  ", "\n", "\n", "\n", "\n\n", "\r\n",
      "/",  "\t", "\xE4\xB8\xAD\xE6\x96\x87", "\xE3\x80\x82", "\xC2\xA0", "\xC3\xA9t\xC3\xA9", "e\xCC\x81", "...",
      "-", "#", "\xE2\x80\xA6", "\xD0\x9F\xD1\x80\xD0\xB8", "\xF0\x9F\x98\x80", "x\n/y", ":\n", "\n ", " \n",
      "_", "foo_", ").", "\"", ";", "'", "x.\n\n", "7:\n\n\n", "@", "a.b", "\xD7\x90'", "\n\n\n"};
  std::mt19937_64 random(20261122);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const size_t n = 1 + random() % 40;
    for (size_t k = 0; k < n; ++k) text += parts[random() % parts.size()];
    texts.push_back(std::move(text));
  }
  return texts;
}

// A version the way C4 makes one: some of the lines, trimmed, joined by
// single line breaks.
std::string Version(std::string_view text, std::mt19937_64* random, int keep_percent) {
  std::string out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (!line.empty() && static_cast<int>((*random)() % 100) < keep_percent) {
      if (!out.empty()) out += '\n';
      out += line;
    }
    begin = end + 1;
  }
  return out;
}

// Measuring in units, reusing the units of earlier versions, gives exactly
// the counts of measuring each whole text: all encodings, both word counts,
// with and without the quality stage's word segments.
// With r50k_base among the encodings, cuts follow single line breaks only;
// without it, runs of line breaks too.
class VersionsTest : public ::testing::TestWithParam<std::vector<const char*>> {};

TEST_P(VersionsTest, MeasuredInSharedUnitsEqualWholeMeasures) {
  TextMeasurer units(Encodings(GetParam()));
  TextMeasurer whole(Encodings(GetParam()));
  quality::Segmenter segmenter;
  std::mt19937_64 random(7);
  size_t texts = 0, cut_texts = 0;
  for (const std::string& text : Texts()) {
    units.BeginDocument();
    std::vector<std::string_view> segments;
    segmenter.Words(text, &segments);
    ExpectSame(units.MeasureVersion(text, &segments), whole.Measure(text, &segments), "text: " + text);
    // Versions of it: the second is a part of the first, as C4 with its
    // punctuation rule keeps a part of what C4 kept.
    const std::string first = Version(text, &random, 80);
    const std::string second = Version(first, &random, 60);
    ExpectSame(units.MeasureVersion(first), whole.Measure(first), "version: " + first);
    ExpectSame(units.MeasureVersion(second), whole.Measure(second), "version: " + second);
    ExpectSame(units.MeasureVersion(text), whole.Measure(text), "again, without segments: " + text);
    ++texts;
    for (size_t p = 0; p < text.size(); ++p) {
      if (TextMeasurer::SafeCut(text, p)) {
        ++cut_texts;
        break;
      }
    }
  }
  EXPECT_GT(texts, 3000u);
  EXPECT_GT(cut_texts, 1000u);  // the texts do get cut
}

// Deferred tokens, as the document pass counts a batch: documents measured
// one after another with the tokens left out, the versions' buffers reused
// (overwritten) before the tokens are counted, then every version's tokens
// added. Each size equals the whole text's measure.
TEST_P(VersionsTest, DeferredTokensEqualWholeMeasures) {
  TextMeasurer units(Encodings(GetParam()));
  TextMeasurer whole(Encodings(GetParam()));
  quality::Segmenter segmenter;
  std::mt19937_64 random(11);
  const std::vector<std::string> texts = Texts();
  struct Measured {
    size_t text;
    std::string first, second;  // the versions' contents, kept for the check
    TextSize sizes[3];
    uint32_t versions[3];
  };
  std::string buffer;  // the versions' text while measured, as the assessor's
  size_t checked = 0, copies_overwritten = 0;
  for (size_t begin = 0; begin < texts.size(); begin += 97) {
    units.StartDeferred();
    std::vector<Measured> batch;
    for (size_t i = begin; i < std::min(texts.size(), begin + 97); ++i) {
      const std::string& text = texts[i];
      Measured& m = batch.emplace_back();
      m.text = i;
      units.BeginDocument();
      std::vector<std::string_view> segments;
      segmenter.Words(text, &segments);
      m.sizes[0] = units.MeasureVersionDeferred(text, &segments, /*stays=*/true, &m.versions[0]);
      m.first = Version(text, &random, 80);
      m.second = Version(m.first, &random, 60);
      // Both versions in one buffer, as the assessor keeps them until the
      // next document (the views must stay valid until BeginDocument).
      buffer = m.first + '\0' + m.second;
      const std::string_view first = std::string_view(buffer).substr(0, m.first.size());
      const std::string_view second = std::string_view(buffer).substr(m.first.size() + 1);
      m.sizes[1] = units.MeasureVersionDeferred(first, nullptr, /*stays=*/false, &m.versions[1]);
      m.sizes[2] = units.MeasureVersionDeferred(second, nullptr, /*stays=*/false, &m.versions[2]);
      copies_overwritten += !m.first.empty() || !m.second.empty();
      std::fill(buffer.begin(), buffer.end(), 'x');  // the next document's text
      for (const TextSize& size : m.sizes) {
        for (uint64_t tokens : size.tokens) EXPECT_EQ(tokens, 0u);
      }
    }
    units.CountDeferred();
    for (Measured& m : batch) {
      const std::string& text = texts[m.text];
      for (int v = 0; v < 3; ++v) units.AddDeferredTokens(m.versions[v], &m.sizes[v]);
      std::vector<std::string_view> segments;
      segmenter.Words(text, &segments);
      ExpectSame(m.sizes[0], whole.Measure(text, &segments), "text: " + text);
      ExpectSame(m.sizes[1], whole.Measure(m.first), "version: " + m.first);
      ExpectSame(m.sizes[2], whole.Measure(m.second), "version: " + m.second);
      ++checked;
    }
  }
  EXPECT_EQ(checked, texts.size());
  EXPECT_GT(copies_overwritten, 1000u);
}

INSTANTIATE_TEST_SUITE_P(TextMeasureTest, VersionsTest,
                         ::testing::Values(std::vector<const char*>{"cl100k_base", "o200k_base", "r50k_base"},
                                           std::vector<const char*>{"cl100k_base", "o200k_base"}));

}  // namespace
}  // namespace stocktake::pipeline
