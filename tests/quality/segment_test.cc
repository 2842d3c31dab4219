#include "quality/segment.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "crawler/charset.h"
#include "crawler/extractor.h"
#include "quality/normalize.h"
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

// The segments of `text` by a segmenter that remembers nothing.
std::vector<std::string_view> Plain(std::string_view text) {
  static Segmenter fresh;
  std::vector<std::string_view> out;
  fresh.Words(text, &out);
  return out;
}

// Segments a text and then its dedup form with the segment memory on (as
// the quality stage and the dedup signer do), and compares both with a
// segmenter without it. Returns the runs recalled.
size_t CheckRemembered(Segmenter* s, TextNormalizer* normalizer, const std::string& text, size_t* mismatches) {
  s->BeginDocument();
  std::vector<std::string_view> first, second;
  s->Words(text, &first);
  const std::string form(normalizer->DedupForm(text));
  s->Words(form, &second);
  for (const auto& [got, source] : {std::pair{&first, std::string_view(text)}, std::pair{&second, std::string_view(form)}}) {
    const std::vector<std::string_view> want = Plain(source);
    if (*got != want && ++*mismatches <= 5) {
      std::string g, w;
      for (std::string_view x : *got) g += "[" + std::string(x) + "]";
      for (std::string_view x : want) w += "[" + std::string(x) + "]";
      ADD_FAILURE() << "remembered segments differ on: " << source << "\n got: " << g << "\n want: " << w;
    }
  }
  return s->recalled();
}

// Chinese and Japanese pages of the corpus: their text and its dedup form
// (punctuation turned to spaces, kana marks dropped) segment the same with
// the memory as without, and the dedup form recalls runs.
TEST(SegmentTest, RememberedRunsSegmentAsIcuDoesOnCorpusPages) {
  crawler::ExtractOptions options;
  options.mode = crawler::ExtractMode::kFull;
  crawler::Extractor extractor(options);
  crawler::CharsetConverter charset;
  Segmenter s;
  TextNormalizer normalizer;
  size_t mismatches = 0, recalled = 0, pages = 0;
  for (const char* page : {"gmw", "hukumusume", "pixnet", "qq", "yahoo-4", "youth"}) {
    const std::string path = testing::SharedPath("corpus/extraction/readability") + "/" + page + "/source.html";
    const std::string html = testing::ReadFile(path);
    crawler::Utf8Text utf8 = charset.ToUtf8(html, "", /*html=*/true);
    const std::string text(normalizer.Normalize(extractor.Extract(utf8.text).text));
    recalled += CheckRemembered(&s, &normalizer, text, &mismatches);
    ++pages;
  }
  EXPECT_EQ(pages, 6u);
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(recalled, 500u);
}

// The same on random text: ideographs and kana in runs, with what may border
// or interrupt a run (CJK and ASCII punctuation, '_' which joins Katakana,
// the prolonged sound mark, iteration marks, kana sound marks, halfwidth
// kana, digits, Latin, Hangul, emoji, combining marks after spaces, ZWJ,
// spaces).
TEST(SegmentTest, RememberedRunsSegmentAsIcuDoesOnRandomText) {
  const std::vector<std::string> pieces = {
      "\xE4\xB8\xAD\xE6\x96\x87" /* 中文 */, "\xE6\x88\x91\xE4\xBB\xAC" /* 我们 */,
      "\xE8\xBD\xAF\xE4\xBB\xB6\xE5\x8C\x85" /* 软件包 */, "\xE5\xAE\x89\xE8\xA3\x85" /* 安装 */,
      "\xE7\x9A\x84" /* 的 */, "\xE6\x9D\xB1\xE4\xBA\xAC" /* 東京 */, "\xE3\x81\xAE" /* の */,
      "\xE3\x81\x8C" /* が */, "\xE3\x81\x8B\xE3\x82\x99" /* か + U+3099 */,
      "\xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90" /* サーバ */, "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88" /* テスト */,
      "\xE3\x80\x85" /* 々 */, "\xE3\x83\xBB" /* ・ */, "\xE3\x80\x81" /* 、 */, "\xE3\x80\x82" /* 。 */,
      "\xEF\xBC\x8C" /* ， */, "\xE3\x80\x8C" /* 「 */, "\xE3\x80\x8D" /* 」 */, "\xE2\x80\x9C" /* “ */,
      "\xE3\x80\x80" /* U+3000 */, "\xEF\xBC\x91" /* １ */, " ", " ", "  ", "\t", ",", ".", "3", "2024",
      "Linux", "a", "\xED\x95\x9C\xEA\xB5\xAD" /* 한국 */, "\xF0\x9F\x98\x80" /* U+1F600 */,
      "\xE2\x80\x8D" /* ZWJ */, " \xCC\x81" /* space + U+0301 */, "\xE4\xB8\xAD" /* 中 */,
      "_", "\xEF\xBD\xB6\xEF\xBE\x80" /* halfwidth ｶﾀ */, "\xEF\xBE\x9E" /* halfwidth ﾞ */, "\n"};
  std::mt19937_64 random(17);
  Segmenter s;
  TextNormalizer normalizer;
  size_t mismatches = 0, recalled = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    std::string text;
    const size_t n = random() % 80;
    for (size_t k = 0; k < n; ++k) text += pieces[random() % pieces.size()];
    recalled += CheckRemembered(&s, &normalizer, text, &mismatches);
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(recalled, 1000u);
}

// Segments `line` on the fast path and through ICU, counts a mismatch when
// they differ, and reports the first five.
void CheckWordsAgainstIcu(Segmenter* s, const std::string& line, size_t* mismatches) {
  std::vector<std::string_view> fast, icu;
  s->Words(line, &fast);
  s->WordsIcu(line, &icu);
  if (fast != icu && ++*mismatches <= 5) {
    std::string got, want;
    for (std::string_view w : fast) got += "[" + std::string(w) + "]";
    for (std::string_view w : icu) want += "[" + std::string(w) + "]";
    ADD_FAILURE() << "words differ on: " << line << "\n fast: " << got << "\n  ICU: " << want;
  }
}

// The same on random lines built from the characters where the fast path's
// rules are subtle: combining marks and format characters (WB4) inside and
// outside words, Hangul, Indic and Arabic letters with their marks, the
// Katakana sound marks, ZWJ, mid-word punctuation, digits and spaces.
TEST(SegmentTest, FastPathAgreesWithIcuOnRandomLines) {
  // Characters the fast path takes (and NNBSP, which it leaves to ICU)...
  const std::vector<std::string> fast_pieces = {
      "a", "Zx", "7", "42", "'", ".", ",", ":", ";", "_", "-", "\"", " ", "\t", "\xC2\xA0" /* NBSP */,
      "\xE3\x80\x80" /* U+3000 */, "\xC3\xA9" /* é */, "e\xCC\x81" /* e + U+0301 */, "\xCC\x81" /* U+0301 */,
      "\xD8\xA8" /* ب */, "\xD9\x8B" /* U+064B */, "\xD9\xA3" /* ٣ */, "\xE0\xA4\x95" /* क */,
      "\xE0\xA4\xBF" /* ि */, "\xE0\xA5\x8D" /* ् */, "\xE2\x80\x8C" /* ZWNJ */, "\xC2\xAD" /* soft hyphen */,
      "\xE2\x80\x8E" /* LRM */, "\xE2\x80\x8B" /* ZWSP */, "\xC2\xA9" /* © */, "\xD0\x96" /* Ж */,
      "\xCE\xB1" /* α */, "\xE2\x80\x99" /* U+2019 */, "\xE3\x80\x82" /* 。 */, "\xEF\xBC\x8E" /* U+FF0E */,
      "\xE2\x80\xAF" /* NNBSP: white space and ExtendNumLet */,
      // Runs of ASCII letters and digits past 16 bytes (scanned 16 at a
      // time), and the bytes just outside the letter and digit ranges.
      "abcdefghijklmnopq", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "@", "`", "{", "/", "[", "\x7F"};
  // ...and some it leaves to ICU, mixed in now and then.
  const std::vector<std::string> icu_pieces = {
      "\xE2\x80\x8D" /* ZWJ */, "\xED\x95\x9C" /* 한 */, "\xE1\x84\x80" /* U+1100 */, "\xEF\xBE\xA1" /* U+FFA1 */,
      "\xD7\x90" /* א */, "\xE3\x82\xAB" /* カ */, "\xE3\x82\x99" /* U+3099 */, "\xEF\xBE\x9E" /* U+FF9E */,
      "\xE4\xB8\xAD" /* 中 */, "\xF0\x9F\x98\x80" /* U+1F600 */, "\xF0\x9F\x87\xA9" /* regional D */,
      "\xF0\x9F\x87\xAA" /* regional E */, "\xE3\x83\xBC" /* ー */, "\xE0\xB8\x81" /* ก */};
  std::mt19937_64 random(29);
  Segmenter s;
  size_t mismatches = 0;
  // Short lines, and long ones where ICU takes a stretch and hands the rest
  // of the line back to the fast path, perhaps several times.
  for (int trial = 0; trial < 60000; ++trial) {
    const bool long_line = trial >= 40000;
    std::string line;
    const size_t n = random() % (long_line ? 60 : 14);
    for (size_t k = 0; k < n; ++k) {
      const bool to_icu = random() % (long_line ? 10 : 16) == 0;
      line += to_icu ? icu_pieces[random() % icu_pieces.size()] : fast_pieces[random() % fast_pieces.size()];
    }
    CheckWordsAgainstIcu(&s, line, &mismatches);
  }
  EXPECT_EQ(mismatches, 0u);
}

// Lines of ASCII characters only: every ASCII character, the ones the rules
// treat specially more often, and runs of letters and digits long enough to
// cross the fast path's 16-byte scans, against ICU.
TEST(SegmentTest, AsciiLinesAgreeWithIcu) {
  const std::vector<std::string> pieces = {"a", "Z", "@", "7", "42", ".", "'", ",", ";", ":", "_", " ", "\t", "\r",
                                           "\"", "-", "abcdefghijklmnopqrstuvwxyz0123456789",
                                           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"};
  std::mt19937_64 random(43);
  Segmenter s;
  size_t mismatches = 0;
  for (int trial = 0; trial < 60000; ++trial) {
    std::string line;
    const size_t n = random() % (trial < 30000 ? 12 : 70);
    for (size_t k = 0; k < n; ++k) {
      if (random() % 5 == 0) {
        const auto c = static_cast<char>(1 + random() % 127);  // any ASCII character but NUL and LF
        line += c == '\n' ? ' ' : c;
      } else {
        line += pieces[random() % pieces.size()];
      }
    }
    CheckWordsAgainstIcu(&s, line, &mismatches);
  }
  EXPECT_EQ(mismatches, 0u);
}

// Every BMP character with Word_Break Extend or Format, inside and next to
// words of letters, digits and mid-word punctuation: the fast path's
// segments are ICU's.
TEST(SegmentTest, FastPathAgreesWithIcuOnEveryExtendAndFormatCharacter) {
  Segmenter s;
  std::vector<std::string_view> fast, icu;
  size_t characters = 0, mismatches = 0;
  for (UChar32 c = 0x80; c < 0x10000; ++c) {
    if (U_IS_SURROGATE(c)) continue;
    const int32_t wb = u_getIntPropertyValue(c, UCHAR_WORD_BREAK);
    if (wb != U_WB_EXTEND && wb != U_WB_FORMAT) continue;
    ++characters;
    char mark[4];
    int32_t length = 0;
    U8_APPEND_UNSAFE(mark, length, c);
    const std::string m(mark, static_cast<size_t>(length));
    for (const std::string& line : {"a" + m + "b", "a" + m, m + "a", "a" + m + "'b", "a'" + m + "b", "1" + m + ",2",
                                    "_" + m + "a", "x " + m + "y", "\xC3\xA9" + m + m + ".z", "ab" + m + "_1"}) {
      fast.clear();
      icu.clear();
      s.Words(line, &fast);
      s.WordsIcu(line, &icu);
      if (fast != icu && ++mismatches <= 5) ADD_FAILURE() << "words differ for U+" << std::hex << c << " in: " << line;
    }
  }
  EXPECT_GT(characters, 1000u);
  EXPECT_EQ(mismatches, 0u);
}

// Ill-formed UTF-8 (stray continuation bytes, lead bytes without their
// continuation, overlong forms, surrogates, bytes never used) between
// letters, digits and punctuation: ICU reads each as U+FFFD, and the fast
// paths must give its segments and sentence counts, not decode through the
// bad bytes ("L\xE1b\"" was one word to the fast path, three to ICU).
TEST(SegmentTest, FastPathsAgreeWithIcuOnIllFormedUtf8) {
  const std::vector<std::string> bad = {
      "\x80", "\xBF", "\xC2", "\xDF", "\xE1", "\xE1\x80", "\xEF\xBF", "\xF0\x9F\x98", "\xC0\xAF" /* overlong / */,
      "\xC1\x81", "\xE0\x80\xAF" /* overlong / */, "\xE0\x9F\xBF", "\xED\xA0\x80" /* surrogate */,
      "\xED\xBF\xBF", "\xF5\x80\x80\x80", "\xFE", "\xFF", "\xC3" /* é's lead alone */};
  const std::vector<std::string> good = {"a", "b", "L", "7", "42", "'", ".", "!", "\"", "/", ">", " ", "_", ",",
                                         "\xC3\xA9" /* é */, "\xD0\x96" /* Ж */, "\xE2\x80\x99" /* U+2019 */};
  std::mt19937_64 random(41);
  Segmenter s;
  std::vector<std::string_view> fast, icu;
  size_t mismatches = 0, sentence_mismatches = 0;
  for (int trial = 0; trial < 30000; ++trial) {
    std::string line;
    const size_t n = 1 + random() % 12;
    for (size_t k = 0; k < n; ++k) {
      line += random() % 4 == 0 ? bad[random() % bad.size()] : good[random() % good.size()];
    }
    fast.clear();
    icu.clear();
    s.Words(line, &fast);
    s.WordsIcu(line, &icu);
    if (fast != icu && ++mismatches <= 5) ADD_FAILURE() << "words differ on: " << line;
    if (s.CountSentences(line) != s.CountSentencesIcu(line) && ++sentence_mismatches <= 5) {
      ADD_FAILURE() << "sentences differ on: " << line;
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(sentence_mismatches, 0u);
  EXPECT_EQ(Words("L\xE1" "b\"/>"), (V{"L", "\xE1", "b", "\"", "/", ">"}));
}

// Sentence counts of the fast path against ICU on random lines: mostly
// ASCII (read byte by byte), with every ASCII character now and then
// (controls too), and some non-ASCII terminators, quotes and letters.
TEST(SegmentTest, SentenceFastPathAgreesWithIcuOnRandomLines) {
  const std::vector<std::string> pieces = {
      "Mr", "word", "a", "B", "e.g", "1", "3.14", ".", ".", "!", "?", "...", ")", "(", "\"", "'", " ", " ", "\t", ",",
      ";", ":", "-", "x", "Z", "\xE3\x80\x82" /* 。 */, "\xC3\xA9" /* é */, "\xC3\x89" /* É */,
      "\xE2\x80\x9D" /* ” */, "\xC2\xBF" /* ¿ */, "\xD8\x9F" /* ؟ */, "\xC2\xA0" /* NBSP */};
  std::mt19937_64 random(37);
  Segmenter s;
  size_t mismatches = 0;
  for (int trial = 0; trial < 40000; ++trial) {
    std::string line;
    const size_t n = random() % 16;
    for (size_t k = 0; k < n; ++k) {
      if (random() % 12 == 0) {
        line += static_cast<char>(1 + random() % 127);  // any ASCII character but NUL
      } else {
        const size_t choice = random() % pieces.size();
        if (choice >= 25 && random() % 2 == 0) continue;  // keep most lines ASCII
        line += pieces[choice];
      }
    }
    if (line.find('\n') != std::string::npos) continue;  // lines, as the quality rules pass them
    if (s.CountSentences(line) != s.CountSentencesIcu(line) && ++mismatches <= 5) {
      ADD_FAILURE() << "sentences differ (" << s.CountSentences(line) << " vs ICU " << s.CountSentencesIcu(line)
                    << ") on: " << line;
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

// The 16-byte path and its 255-block counters against a byte-by-byte count,
// at every length and alignment around the block sizes.
TEST(SegmentTest, CodePointsOfLongTextsMatchAByteCount) {
  std::string bytes;
  uint32_t state = 12345;
  for (size_t k = 0; k < 5000; ++k) {
    state = state * 1103515245 + 12345;
    bytes.push_back(static_cast<char>(state >> 16));  // any byte value, continuation bytes included
  }
  auto plain = [](std::string_view s) {
    size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
  };
  for (size_t start = 0; start < 17; ++start) {
    for (size_t len : {0, 1, 15, 16, 17, 31, 32, 33, 100, 4079, 4080, 4081, 4096, 4500}) {
      std::string_view s = std::string_view(bytes).substr(start, len);
      EXPECT_EQ(CodePointsLong(s), plain(s)) << start << " " << len;
      EXPECT_EQ(CodePoints(s), plain(s)) << start << " " << len;
    }
  }
  // All continuation bytes, and none, past one round of counters.
  EXPECT_EQ(CodePointsLong(std::string(5000, '\x80')), 0u);
  EXPECT_EQ(CodePointsLong(std::string(5000, '\xBF')), 0u);
  EXPECT_EQ(CodePointsLong(std::string(5000, '\xC0')), 5000u);
  EXPECT_EQ(CodePointsLong(std::string(5000, 'a')), 5000u);
}

// SplitLines (16 bytes at a time) against splitting at each '\n' found.
TEST(SegmentTest, SplitLinesMatchesSplittingAtEveryNewline) {
  std::mt19937_64 random(5);
  const std::vector<std::string> pieces = {"\n", "\n\n", "a", "line of text ", "\xC3\xA9", "\r"};
  for (int trial = 0; trial < 5000; ++trial) {
    std::string text;
    const size_t n = random() % 40;
    for (size_t k = 0; k < n; ++k) text += pieces[random() % pieces.size()];
    std::vector<std::string_view> want;
    std::string_view rest = text;
    for (size_t nl = rest.find('\n'); nl != std::string_view::npos; nl = rest.find('\n')) {
      want.push_back(rest.substr(0, nl));
      rest.remove_prefix(nl + 1);
    }
    want.push_back(rest);
    std::vector<std::string_view> got;
    SplitLines(text, &got);
    ASSERT_EQ(got, want) << ::testing::PrintToString(text);
  }
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
