#include "stats/pretokenize.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stocktake::stats {
namespace {

std::vector<std::string> Pieces(SplitPattern pattern, std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view piece : SplitPieces(pattern, text)) out.emplace_back(piece);
  return out;
}
using V = std::vector<std::string>;

// Expected pieces worked out by hand from each regex (leftmost-first
// alternation, greedy quantifiers, backtracking).
TEST(PretokenizeTest, Cl100k) {
  const auto p = SplitPattern::kCl100k;
  EXPECT_EQ(Pieces(p, "Hello world"), (V{"Hello", " world"}));
  // \s+(?!\S) leaves the last space for the word.
  EXPECT_EQ(Pieces(p, "a   b"), (V{"a", "  ", " b"}));
  EXPECT_EQ(Pieces(p, "end   "), (V{"end", "   "}));
  // \s*[\r\n]+ ends after the run's last line break.
  EXPECT_EQ(Pieces(p, "a \n\n  b"), (V{"a", " \n\n", " ", " b"}));
  EXPECT_EQ(Pieces(p, "x\r\n\r\ny"), (V{"x", "\r\n\r\n", "y"}));
  // Contractions are case-insensitive, with U+017F folding to s.
  EXPECT_EQ(Pieces(p, "I'M HE'LL we'Re x'\u017f"), (V{"I", "'M", " HE", "'LL", " we", "'Re", " x", "'\u017f"}));
  EXPECT_EQ(Pieces(p, "'sup"), (V{"'s", "up"}));
  EXPECT_EQ(Pieces(p, "'rx"), (V{"'rx"}));
  // One non-letter, non-digit, non-newline character may lead a word.
  EXPECT_EQ(Pieces(p, "(hello \tworld"), (V{"(hello", " ", "\tworld"}));
  EXPECT_EQ(Pieces(p, "\nword"), (V{"\n", "word"}));
  // Digits in threes.
  EXPECT_EQ(Pieces(p, "1234567 x1"), (V{"123", "456", "7", " x", "1"}));
  // Punctuation runs take a leading space and trailing line breaks.
  EXPECT_EQ(Pieces(p, "a ...\n\nb"), (V{"a", " ...\n\n", "b"}));
  EXPECT_EQ(Pieces(p, "<|endoftext|>"), (V{"<|", "endoftext", "|>"}));
  // Non-ASCII classes: marks are not letters; CJK are letters.
  EXPECT_EQ(Pieces(p, "\u0301abc \u4e2d\u6587"), (V{"\u0301abc", " \u4e2d\u6587"}));
  EXPECT_EQ(Pieces(p, "a\u00a0b"), (V{"a", "\u00a0b"}));
  EXPECT_EQ(Pieces(p, "\u0663\u0664\u0665\u0666"), (V{"\u0663\u0664\u0665", "\u0666"}));
  EXPECT_EQ(Pieces(p, ""), V{});
  // Unicode 16 characters tiktoken knows and ICU 72 does not: Garay digit
  // zero (Nd) groups with digits, Garay capital letter A (Lu) is a letter.
  EXPECT_EQ(Pieces(p, "\xF0\x90\xB5\x80" "123"), (V{"\xF0\x90\xB5\x80" "12", "3"}));
  EXPECT_EQ(Pieces(p, "!\xF0\x90\xB5\x90" "ab"), (V{"!\xF0\x90\xB5\x90" "ab"}));
}

TEST(PretokenizeTest, O200k) {
  const auto p = SplitPattern::kO200k;
  EXPECT_EQ(Pieces(p, "HelloWorld HELLOworld"), (V{"Hello", "World", " HELLOworld"}));
  EXPECT_EQ(Pieces(p, "don't I'M"), (V{"don't", " I'M"}));
  EXPECT_EQ(Pieces(p, "ABC"), (V{"ABC"}));
  // Backtracking: the upper run gives back a character that is also lower (Lo).
  EXPECT_EQ(Pieces(p, "A\u4e2dB"), (V{"A\u4e2d", "B"}));
  // Titlecase is upper only.
  EXPECT_EQ(Pieces(p, "\u01c5emal"), (V{"\u01c5emal"}));
  EXPECT_EQ(Pieces(p, "a/b//\n/c"), (V{"a", "/b", "//\n/", "c"}));
  EXPECT_EQ(Pieces(p, "12345"), (V{"123", "45"}));
  EXPECT_EQ(Pieces(p, "a  \n\n b"), (V{"a", "  \n\n", " b"}));
  // A mark can be the optional prefix and a lower character at once.
  EXPECT_EQ(Pieces(p, "\u0301\u0301"), (V{"\u0301\u0301"}));
}

TEST(PretokenizeTest, R50k) {
  const auto p = SplitPattern::kR50k;
  EXPECT_EQ(Pieces(p, "Hello world"), (V{"Hello", " world"}));
  EXPECT_EQ(Pieces(p, "I'M don't"), (V{"I", "'", "M", " don", "'t"}));
  EXPECT_EQ(Pieces(p, " 12345 x"), (V{" 12345", " x"}));
  EXPECT_EQ(Pieces(p, "a  b"), (V{"a", " ", " b"}));
  EXPECT_EQ(Pieces(p, "a\n\nb"), (V{"a", "\n", "\n", "b"}));
  EXPECT_EQ(Pieces(p, "x!!\n"), (V{"x", "!!", "\n"}));
  EXPECT_EQ(Pieces(p, "\ttab"), (V{"\t", "tab"}));
}

// Letter runs are scanned 16 bytes at a time: runs longer than a block,
// runs that end at the bytes next to the letters in ASCII ('@', '[', '`',
// '{'), at a non-ASCII letter or mark, at the end of a text shorter or
// longer than a block.
TEST(PretokenizeTest, LongLetterRuns) {
  const std::string word = "Pneumonoultramicroscopicsilicovolcanoconiosis";  // 45 letters
  for (auto p : {SplitPattern::kCl100k, SplitPattern::kR50k}) {
    EXPECT_EQ(Pieces(p, word), (V{word}));
    EXPECT_EQ(Pieces(p, " " + word + " x"), (V{" " + word, " x"}));
    EXPECT_EQ(Pieces(p, "abcdefghijklmnopqrst\u00e9ABCDEFGHIJKLMNOPQRST1"),
              (V{"abcdefghijklmnopqrst\u00e9ABCDEFGHIJKLMNOPQRST", "1"}));
    EXPECT_EQ(Pieces(p, "abcdefghijklmnopqrstuvwxyzZ\u4e2d\u6587"), (V{"abcdefghijklmnopqrstuvwxyzZ\u4e2d\u6587"}));
    EXPECT_EQ(Pieces(p, "short"), (V{"short"}));
  }
  const auto c = SplitPattern::kCl100k;
  for (char edge : {'@', '[', '`', '{'}) {
    const std::string text = "abcdefghijklmnopqrstuvwxyzABC" + std::string(1, edge) + "xyz";
    EXPECT_EQ(Pieces(c, text), (V{"abcdefghijklmnopqrstuvwxyzABC", std::string(1, edge) + "xyz"})) << edge;
  }
  // A combining mark is no letter: it ends the run (and leads the next word).
  EXPECT_EQ(Pieces(c, "abcdefghijklmnopqrstuvwxyz\u0301abc"), (V{"abcdefghijklmnopqrstuvwxyz", "\u0301abc"}));
  EXPECT_EQ(Pieces(c, "x abcdefghijklmnopq\u20acdefghijklmnopqrstu"),
            (V{"x", " abcdefghijklmnopq", "\u20acdefghijklmnopqrstu"}));
}

TEST(PretokenizeTest, PiecesCoverTheTextOnAnyBytes) {
  // Invalid UTF-8 and truncated sequences still advance one byte at a time.
  const std::string text = "ok \xff\xfe\xc3 \xe4\xb8 \xf0\x9f\x98 \xed\xa0\x80 end\xc3";
  for (auto pattern : {SplitPattern::kCl100k, SplitPattern::kO200k, SplitPattern::kR50k}) {
    std::string joined;
    for (std::string_view piece : SplitPieces(pattern, text)) {
      EXPECT_FALSE(piece.empty());
      joined += piece;
    }
    EXPECT_EQ(joined, text);
  }
}

TEST(PretokenizeTest, Names) {
  EXPECT_EQ(SplitPatternByName("gpt2"), SplitPattern::kR50k);
  EXPECT_EQ(SplitPatternName(SplitPattern::kO200k), "o200k_base");
  EXPECT_FALSE(SplitPatternByName("p50k_base").has_value());
}

}  // namespace
}  // namespace stocktake::stats
