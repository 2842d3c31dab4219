#include "quality/segment.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "crawler/charset.h"
#include "crawler/extractor.h"
#include "test_support/test_support.h"

namespace stocktake::quality {
namespace {

std::vector<std::string> Words(std::string_view text) {
  Segmenter s;
  std::vector<std::string_view> out;
  s.Words(text, &out);
  return {out.begin(), out.end()};
}

using V = std::vector<std::string>;

TEST(SegmentTest, WordsKeepPunctuationAndDropSpaces) {
  EXPECT_EQ(Words("Hello, world!"), (V{"Hello", ",", "world", "!"}));
  EXPECT_EQ(Words("it's 3.14 or 1,000 e.g. a_b"), (V{"it's", "3.14", "or", "1,000", "e.g", ".", "a_b"}));
  EXPECT_EQ(Words("  \t "), V{});
  EXPECT_EQ(Words(""), V{});
  EXPECT_EQ(Words("one\ntwo"), (V{"one", "two"}));
  // ICU's root rules: ':' does not join letters.
  EXPECT_EQ(Words("a:b"), (V{"a", ":", "b"}));
  // Non-ASCII letters and apostrophes join like ASCII ones.
  EXPECT_EQ(Words("caf\xC3\xA9 don\xE2\x80\x99t \xD0\xBC\xD0\xB8\xD1\x80"),
            (V{"caf\xC3\xA9", "don\xE2\x80\x99t", "\xD0\xBC\xD0\xB8\xD1\x80"}));
}

TEST(SegmentTest, CountWordsSkipsPunctuationAndSymbols) {
  Segmenter s;
  std::vector<std::string_view> scratch;
  EXPECT_EQ(s.CountWords("Hello, world! it's 3.14 -- \xF0\x9F\x98\x80 <|x|>", &scratch), 5u);
  EXPECT_EQ(s.CountWords("", &scratch), 0u);
  EXPECT_EQ(s.CountWords("... !!! ???", &scratch), 0u);
  // Thai: two dictionary words.
  EXPECT_EQ(s.CountWords("\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2", &scratch), 2u);
}

TEST(SegmentTest, DictionaryScriptsGoThroughIcu) {
  // 我们喜欢学习 "we like studying": ICU's dictionary splits it into words.
  V zh = Words("\xE6\x88\x91\xE4\xBB\xAC\xE5\x96\x9C\xE6\xAC\xA2\xE5\xAD\xA6\xE4\xB9\xA0");
  EXPECT_GE(zh.size(), 2u);
  EXPECT_LE(zh.size(), 4u);
  // Thai: ภาษาไทย "Thai language".
  V th = Words("\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2");
  EXPECT_EQ(th.size(), 2u);
}

TEST(SegmentTest, SentencesFollowUax29) {
  Segmenter s;
  EXPECT_EQ(s.CountSentences(""), 0u);
  EXPECT_EQ(s.CountSentences("   "), 0u);
  EXPECT_EQ(s.CountSentences("One sentence"), 1u);
  EXPECT_EQ(s.CountSentences("One. Two! Three? Four"), 4u);
  EXPECT_EQ(s.CountSentences("Pi is 3.14 today. Yes."), 2u);      // SB6
  EXPECT_EQ(s.CountSentences("The U.S.A. is big."), 1u);          // SB7, SB8: lowercase follows
  EXPECT_EQ(s.CountSentences("The U.S. Army is here."), 2u);      // an uppercase word after "U.S. " breaks
  EXPECT_EQ(s.CountSentences("See e.g. the manual."), 1u);        // SB8: lowercase follows
  EXPECT_EQ(s.CountSentences("\"Stop.\" He left."), 2u);          // SB9/10: closing quote stays
  EXPECT_EQ(s.CountSentences("Really?! Yes."), 2u);               // SB8a
  EXPECT_EQ(s.CountSentences("one.\ntwo."), 2u);                  // newlines go to ICU
}

// The fast paths must give exactly ICU's segments on real text in many
// languages and scripts: every line of the extraction corpus pages.
TEST(SegmentTest, FastPathsAgreeWithIcuOnCorpusText) {
  namespace fs = std::filesystem;
  crawler::ExtractOptions options;
  options.mode = crawler::ExtractMode::kFull;
  crawler::Extractor extractor(options);
  crawler::CharsetConverter charset;
  Segmenter s;
  std::vector<std::string_view> fast, icu, lines;
  size_t pages = 0, checked_lines = 0, word_mismatches = 0, sentence_mismatches = 0;
  for (const auto& entry : fs::directory_iterator(testing::SharedPath("corpus/extraction/readability"))) {
    std::string path = entry.path().string() + "/source.html";
    if (!fs::exists(path)) continue;
    std::string html = testing::ReadFile(path);
    crawler::Utf8Text utf8 = charset.ToUtf8(html, "", /*html=*/true);
    std::string text(extractor.Extract(utf8.text).text);
    ++pages;
    lines.clear();
    SplitLines(text, &lines);
    for (std::string_view line : lines) {
      ++checked_lines;
      fast.clear();
      icu.clear();
      s.Words(line, &fast);
      s.WordsIcu(line, &icu);
      if (fast != icu && ++word_mismatches <= 5) {
        ADD_FAILURE() << "words differ in " << path << ": " << line;
      }
      if (s.CountSentences(line) != s.CountSentencesIcu(line) && ++sentence_mismatches <= 5) {
        ADD_FAILURE() << "sentences differ (" << s.CountSentences(line) << " vs ICU " << s.CountSentencesIcu(line)
                      << ") in " << path << ": " << line;
      }
    }
  }
  EXPECT_GT(pages, 100u);
  EXPECT_GT(checked_lines, 5000u);
  EXPECT_EQ(word_mismatches, 0u);
  EXPECT_EQ(sentence_mismatches, 0u);
}

TEST(SegmentTest, LinesParagraphsAndCodePoints) {
  std::vector<std::string_view> out;
  SplitLines("a\n\nb", &out);
  EXPECT_EQ(out, (std::vector<std::string_view>{"a", "", "b"}));
  out.clear();
  SplitParagraphs("\n\np1 line\nstill p1\n\n\n\np2\n", &out);
  EXPECT_EQ(out, (std::vector<std::string_view>{"p1 line\nstill p1", "p2"}));
  EXPECT_EQ(CodePoints("a\xC3\xA9\xE2\x80\x99\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(CodePoints(""), 0u);
}

}  // namespace
}  // namespace stocktake::quality
