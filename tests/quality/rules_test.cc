// Every rule on hand-made texts, with the values worked out by hand.
#include "quality/rules.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace stocktake::quality {
namespace {

struct Evaluated {
  RuleResult result;
  std::map<std::string, double> values;
  std::string text;  // the output of a text-editing rule
};

LanguageGuess Guess(const std::string& code, double score = 0.99) {
  LanguageGuess g;
  g.code = code;
  g.score = score;
  return g;
}

Evaluated Eval(const RuleSpec& spec, const std::string& text, const std::string& language = "en") {
  std::string error;
  auto rule = Rule::Create(spec, &error);
  EXPECT_NE(rule, nullptr) << error;
  Segmenter segmenter;
  LanguageGuess guess = Guess(language);
  TextFacts facts;
  facts.Reset(text, &guess, &segmenter);
  RuleScratch scratch;
  Evaluated e;
  e.result = rule->Evaluate(&facts, &scratch);
  for (const Measured& m : e.result.values) e.values[m.name] = m.value;
  e.text = scratch.text;
  return e;
}

RuleSpec Spec(RuleKind kind) {
  RuleSpec spec;
  spec.kind = kind;
  spec.name = std::string(RuleKindName(kind));
  return spec;
}

std::vector<std::string> Skipped(const Evaluated& e) { return {e.result.skipped.begin(), e.result.skipped.end()}; }

bool Failed(const Evaluated& e, const std::string& reason) {
  return e.result.status == RuleStatus::kFail && e.result.reason == reason;
}

// ------------------------------------------------------------ language ----

TEST(LanguageRuleTest, ScoreThresholdAndAllowedLanguages) {
  std::string error;
  RuleSpec spec = Spec(RuleKind::kLanguage);
  auto rule = Rule::Create(spec, &error);
  Segmenter segmenter;
  TextFacts facts;
  RuleScratch scratch;
  auto eval = [&](const Rule& r, const LanguageGuess& g) {
    facts.Reset("some text", &g, &segmenter);
    return r.Evaluate(&facts, &scratch);
  };
  EXPECT_EQ(eval(*rule, Guess("en", 0.65)).status, RuleStatus::kPass);  // >= 0.65 keeps (FineWeb)
  RuleResult low = eval(*rule, Guess("en", 0.64));
  EXPECT_EQ(low.status, RuleStatus::kFail);
  EXPECT_STREQ(low.reason, "low_language_score");
  EXPECT_DOUBLE_EQ(low.values[0].value, 0.64);
  EXPECT_STREQ(eval(*rule, Guess("un", 0.99)).reason, "unknown_language");

  spec.language.languages = {"de", "fr"};
  auto listed = Rule::Create(spec, &error);
  EXPECT_EQ(eval(*listed, Guess("de")).status, RuleStatus::kPass);
  EXPECT_STREQ(eval(*listed, Guess("en")).reason, "language_not_listed");
}

// ------------------------------------------------------- gopher quality ----

TEST(GopherQualityTest, ValuesOfAShortSentence) {
  // UAX #29 words: The cat sat on the mat . -> 7 words, 6 not symbols,
  // 17 letters in them; "the" is a stop word ("The" is not: datatrove
  // compares words as they are).
  Evaluated e = Eval(Spec(RuleKind::kGopherQuality), "The cat sat on the mat.");
  EXPECT_EQ(e.values["words"], 6);
  EXPECT_DOUBLE_EQ(e.values["mean_word_length"], 17.0 / 6);
  EXPECT_DOUBLE_EQ(e.values["alpha_words"], 6.0 / 7);
  EXPECT_EQ(e.values["stop_words"], 1);
  EXPECT_EQ(e.values["hash_ratio"], 0);
  EXPECT_TRUE(Failed(e, "gopher_short_doc"));  // 6 < 50

  RuleSpec loose = Spec(RuleKind::kGopherQuality);
  loose.gopher_quality.min_words = 1;
  EXPECT_TRUE(Failed(Eval(loose, "The cat sat on the mat."), "gopher_below_avg_threshold"));  // 2.83 < 3
}

TEST(GopherQualityTest, EachCheckInDatatroveOrder) {
  RuleSpec spec = Spec(RuleKind::kGopherQuality);
  spec.gopher_quality.min_words = 1;
  spec.gopher_quality.min_stop_words = 0;
  // # tag # tag words: 5 words, 2 hashes -> 0.4 > 0.1
  Evaluated hashes = Eval(spec, "#tag #tag words");
  EXPECT_DOUBLE_EQ(hashes.values["hash_ratio"], 2.0 / 5);
  EXPECT_TRUE(Failed(hashes, "gopher_too_many_hashes"));
  // "...": 3 ellipses over 12 words (each "..." is three "." segments).
  Evaluated dots = Eval(spec, "words... more... again...");
  EXPECT_DOUBLE_EQ(dots.values["ellipsis_ratio"], 3.0 / 12);
  EXPECT_TRUE(Failed(dots, "gopher_too_many_ellipsis"));
  // Two bullet lines of two: 1.0 > 0.9.
  Evaluated bullets = Eval(spec, "- first item here\n- second item here");
  EXPECT_EQ(bullets.values["bullet_lines"], 1.0);
  EXPECT_TRUE(Failed(bullets, "gopher_too_many_bullets"));
  // One of two lines ends with an ellipsis: 0.5 > 0.3 (one "..." in 8 words
  // stays under the ratio check).
  Evaluated trailing = Eval(spec, "this line trails off \xE2\x80\xA6\nthis one does not at all");
  EXPECT_EQ(trailing.values["ellipsis_lines"], 0.5);
  EXPECT_TRUE(Failed(trailing, "gopher_too_many_end_ellipsis"));
  // Words with a letter: 1 of 4.
  Evaluated numbers = Eval(spec, "1234 5678 9012 word");
  EXPECT_EQ(numbers.values["alpha_words"], 0.25);
  EXPECT_TRUE(Failed(numbers, "gopher_below_alpha_threshold"));
  // Stop words: English needs two.
  spec.gopher_quality.min_stop_words = 2;
  EXPECT_TRUE(Failed(Eval(spec, "lovely words without any filler"), "gopher_enough_stop_words"));
  EXPECT_EQ(Eval(spec, "the words and the filler").result.status, RuleStatus::kPass);
  spec.gopher_quality.max_words = 3;
  EXPECT_TRUE(Failed(Eval(spec, "the words and the filler"), "gopher_long_doc"));
}

TEST(GopherQualityTest, EmptyAndAllSymbolTexts) {
  Evaluated empty = Eval(Spec(RuleKind::kGopherQuality), "");
  EXPECT_EQ(empty.values["words"], 0);
  EXPECT_EQ(empty.values["mean_word_length"], 0);
  EXPECT_TRUE(Failed(empty, "gopher_short_doc"));
  Evaluated symbols = Eval(Spec(RuleKind::kGopherQuality), "!!! ??? ### *** ---");
  EXPECT_EQ(symbols.values["words"], 0);
  EXPECT_EQ(symbols.values["alpha_words"], 0);
  EXPECT_TRUE(Failed(symbols, "gopher_short_doc"));
}

TEST(GopherQualityTest, LanguageSpecificChecksSayNotApplicable) {
  RuleSpec spec = Spec(RuleKind::kGopherQuality);
  spec.gopher_quality.min_words = 1;
  // Chinese: dictionary words are short, and the stop words are English.
  // 我们喜欢学习中文: four dictionary words of two characters.
  Evaluated zh = Eval(spec, "\xE6\x88\x91\xE4\xBB\xAC\xE5\x96\x9C\xE6\xAC\xA2\xE5\xAD\xA6\xE4\xB9\xA0\xE4\xB8\xAD\xE6\x96\x87", "zh");
  EXPECT_EQ(Skipped(zh), (std::vector<std::string>{"mean_word_length", "stop_words"}));
  EXPECT_LT(zh.values["mean_word_length"], 3);  // would fail if it applied
  EXPECT_EQ(zh.result.status, RuleStatus::kPass);
  // Arabic (right to left): word length applies, stop words do not.
  Evaluated ar = Eval(spec,
                     "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xA8\xD9\x83\xD9\x85 \xD9\x81\xD9\x8A "
                     "\xD8\xA7\xD9\x84\xD9\x85\xD9\x88\xD9\x82\xD8\xB9",
                     "ar");
  EXPECT_EQ(Skipped(ar), (std::vector<std::string>{"stop_words"}));
  EXPECT_EQ(ar.values["words"], 4);  // مرحبا بكم في الموقع
  EXPECT_DOUBLE_EQ(ar.values["mean_word_length"], (5 + 3 + 2 + 6) / 4.0);
}

// ---------------------------------------------------- gopher repetition ----

// CountGopherMarks against counting each needle the way str.count does
// (left to right, without overlap), at every alignment of the 16-byte scan.
TEST(GopherQualityTest, MarksMatchCountingEachNeedle) {
  auto count = [](std::string_view text, std::string_view needle) {
    size_t n = 0;
    for (size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + needle.size())) ++n;
    return n;
  };
  const std::vector<std::string> pieces = {"a", "word ", ".", "..", "...", "#", "##", "\xE2\x80\xA6" /* U+2026 */,
                                           "\xE2\x80\x99" /* U+2019 */, "\xE2", "\xE2\x80", "\n", "plain text here "};
  std::mt19937_64 random(11);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const size_t n = random() % 30;
    for (size_t k = 0; k < n; ++k) text += pieces[random() % pieces.size()];
    const GopherMarks m = CountGopherMarks(text);
    ASSERT_EQ(m.hashes, count(text, "#")) << text;
    ASSERT_EQ(m.ellipses, count(text, "...") + count(text, "\xE2\x80\xA6")) << text;
  }
}

TEST(GopherRepetitionTest, DuplicateLinesAndParagraphs) {
  // Lines "a b", "a b": one duplicate of two, 3 of 7 characters.
  Evaluated lines = Eval(Spec(RuleKind::kGopherRepetition), "a b\na b");
  EXPECT_EQ(lines.values["dup_line_frac"], 0.5);
  EXPECT_DOUBLE_EQ(lines.values["dup_line_char_frac"], 3.0 / 7);
  EXPECT_EQ(lines.values["dup_para_frac"], 0);
  EXPECT_TRUE(Failed(lines, "dup_line_frac"));
  // Paragraphs "p q", "r s", "p q": one of three repeats (3 of 13 chars).
  Evaluated paras = Eval(Spec(RuleKind::kGopherRepetition), "p q\n\nr s\n\np q");
  EXPECT_DOUBLE_EQ(paras.values["dup_para_frac"], 1.0 / 3);
  EXPECT_DOUBLE_EQ(paras.values["dup_para_char_frac"], 3.0 / 13);
  EXPECT_TRUE(Failed(paras, "dup_para_frac"));
}

TEST(GopherRepetitionTest, TopNGramsTieToTheFirst) {
  // x y x y x y z: 13 characters. "x y" 3 times -> 3 * 3 / 13; the 3-grams
  // "x y x" and "y x y" both occur twice, "x y x" first -> 5 * 2 / 13; the
  // 4-gram "x y x y" twice -> 7 * 2 / 13; no 5-gram repeats.
  Evaluated e = Eval(Spec(RuleKind::kGopherRepetition), "x y x y x y z");
  EXPECT_DOUBLE_EQ(e.values["top_2_gram"], 9.0 / 13);
  EXPECT_DOUBLE_EQ(e.values["top_3_gram"], 10.0 / 13);
  EXPECT_DOUBLE_EQ(e.values["top_4_gram"], 14.0 / 13);
  EXPECT_EQ(e.values["dup_5_gram"], 0);
  EXPECT_TRUE(Failed(e, "top_2_gram"));
  // Nothing repeats: the top n-gram is the first one, counted once.
  Evaluated once = Eval(Spec(RuleKind::kGopherRepetition), "alpha beta gamma delta");
  EXPECT_DOUBLE_EQ(once.values["top_2_gram"], 10.0 / 22);  // "alpha beta"
}

TEST(GopherRepetitionTest, DuplicateNGramsGreedyScan) {
  RuleSpec spec = Spec(RuleKind::kGopherRepetition);
  for (double& t : spec.gopher_repetition.top_ngram) t = 1e9;  // reach the n-gram checks
  // a b c d e f a b c d e g: 23 characters; the 5-gram "a b c d e" repeats
  // once: its 5 letters ("".join) count; no 6-gram repeats.
  Evaluated e = Eval(spec, "a b c d e f a b c d e g");
  EXPECT_DOUBLE_EQ(e.values["dup_5_gram"], 5.0 / 23);
  EXPECT_EQ(e.values["dup_6_gram"], 0);
  EXPECT_TRUE(Failed(e, "dup_5_gram"));
  // The scan skips the words of a repeat: 12 k's (23 chars), 8 positions
  // for 5-grams: 0 is new, 1 repeats (5 chars) and jumps to 6, which
  // repeats again (5 chars) and jumps past the end.
  Evaluated run = Eval(spec, "k k k k k k k k k k k k");
  EXPECT_DOUBLE_EQ(run.values["dup_5_gram"], 10.0 / 23);
}

// The n-gram statistics against a plain implementation of datatrove's
// (n-grams as word lists, a map for the counts, a set for the greedy scan)
// on texts from a tiny vocabulary, so long repeats and overlaps are common.
TEST(GopherRepetitionTest, NGramStatisticsMatchAPlainImplementation) {
  std::mt19937_64 random(7);
  const std::vector<std::string> vocabulary = {"a", "bb", "ccc", "a", "dd", "\xC3\xA9t\xC3\xA9", "a", "x"};
  RuleSpec spec = Spec(RuleKind::kGopherRepetition);
  std::string error;
  auto rule = Rule::Create(spec, &error);
  ASSERT_NE(rule, nullptr) << error;
  Segmenter segmenter;
  LanguageGuess guess = Guess("en");
  RuleScratch scratch;  // reused across texts, as in the pipeline
  for (int trial = 0; trial < 600; ++trial) {
    const size_t n_words = random() % 400;
    // Half the texts from the tiny vocabulary, half from up to 60 words, so
    // that repeated n-grams are also broken up by unique neighbours.
    const bool tiny = trial % 2 == 0;
    const size_t vocab = tiny ? 2 + random() % (vocabulary.size() - 1) : 2 + random() % 59;
    std::string text;
    for (size_t i = 0; i < n_words; ++i) {
      if (i > 0) text += random() % 9 == 0 ? "\n" : " ";
      const size_t w = random() % vocab;
      text += tiny ? vocabulary[w] : "w" + std::to_string(w);
    }
    TextFacts facts;
    facts.Reset(text, &guess, &segmenter);
    RuleResult result = rule->Evaluate(&facts, &scratch);
    std::map<std::string, double> values;
    for (const Measured& m : result.values) values[m.name] = m.value;
    if (text.empty()) continue;
    const std::vector<std::string_view>& words = facts.words();
    const std::vector<size_t>& lengths = facts.word_chars();
    const double chars = static_cast<double>(facts.chars());
    auto gram_chars = [&](size_t at, size_t n) {
      size_t sum = 0;
      for (size_t k = at; k < at + n; ++k) sum += lengths[k];
      return sum;
    };
    for (size_t n = 2; n <= 4 && n <= words.size(); ++n) {
      std::map<std::vector<std::string_view>, size_t> counts;
      std::vector<std::pair<std::vector<std::string_view>, size_t>> order;  // first occurrences
      for (size_t i = 0; i + n <= words.size(); ++i) {
        std::vector<std::string_view> gram(words.begin() + i, words.begin() + i + n);
        if (counts[gram]++ == 0) order.emplace_back(gram, i);
      }
      size_t best = 0, best_at = 0;
      for (const auto& [gram, at] : order) {
        if (counts[gram] > best) best = counts[gram], best_at = at;
      }
      const double expected = static_cast<double>(gram_chars(best_at, n) + n - 1) * static_cast<double>(best) / chars;
      EXPECT_DOUBLE_EQ(values["top_" + std::to_string(n) + "_gram"], expected) << "n=" << n << " text: " << text;
    }
    for (size_t n = 5; n <= 10; ++n) {
      std::set<std::vector<std::string_view>> unique;
      size_t repeated = 0;
      for (size_t i = 0; i + n <= words.size();) {
        std::vector<std::string_view> gram(words.begin() + i, words.begin() + i + n);
        if (unique.count(gram)) {
          repeated += gram_chars(i, n);
          i += n;
        } else {
          unique.insert(gram);
          i += 1;
        }
      }
      EXPECT_DOUBLE_EQ(values["dup_" + std::to_string(n) + "_gram"], static_cast<double>(repeated) / chars)
          << "n=" << n << " text: " << text;
    }
  }
}

TEST(GopherRepetitionTest, EmptySingleLineAndCjk) {
  EXPECT_TRUE(Failed(Eval(Spec(RuleKind::kGopherRepetition), ""), "empty"));
  Evaluated one = Eval(Spec(RuleKind::kGopherRepetition), "word");
  EXPECT_EQ(one.values.count("top_2_gram"), 0u);  // no 2-grams in one word
  EXPECT_EQ(one.result.status, RuleStatus::kPass);
  // CJK words come from the dictionary: 我们 喜欢 我们 喜欢 -> "我们喜欢"...
  Evaluated zh = Eval(Spec(RuleKind::kGopherRepetition),
                     "\xE6\x88\x91\xE4\xBB\xAC\xE5\x96\x9C\xE6\xAC\xA2\xE6\x88\x91\xE4\xBB\xAC\xE5\x96\x9C\xE6\xAC\xA2",
                     "zh");
  EXPECT_GT(zh.values["top_2_gram"], 0.2);
  EXPECT_TRUE(Failed(zh, "top_2_gram"));
}

// ------------------------------------------------------------------- c4 ----

TEST(C4Test, LineRulesAndSentences) {
  const std::string text =
      "The first sentence is fine. So is the second one.\n"
      "Click here\n"                                   // 2 words < 3
      "Please enable JavaScript to see this.\n"        // javascript
      "Read our Privacy Policy for details.\n"         // policy
      "Facts [1] need sources [citation needed] here.\n"
      "A third line has two sentences. Really it does!";
  Evaluated e = Eval(Spec(RuleKind::kC4), text);
  EXPECT_EQ(e.text,
            "The first sentence is fine. So is the second one.\n"
            "Facts  need sources  here.\n"
            "A third line has two sentences. Really it does!");
  EXPECT_EQ(e.values["lines"], 6);
  EXPECT_EQ(e.values["lines_removed"], 3);
  EXPECT_EQ(e.values["lines_too_few_words"], 1);
  EXPECT_EQ(e.values["lines_javascript"], 1);
  EXPECT_EQ(e.values["lines_policy"], 1);
  EXPECT_EQ(e.values["sentences"], 5);  // 2 + 1 + 2
  EXPECT_EQ(e.result.status, RuleStatus::kPass);
  EXPECT_EQ(e.result.lines_removed, 3u);
  // Characters removed: the three lines, their newlines, "[1]" and "[citation needed]".
  EXPECT_EQ(e.result.chars_removed, text.size() - e.text.size());

  RuleSpec strict = Spec(RuleKind::kC4);
  strict.c4.min_sentences = 1;
  EXPECT_EQ(Eval(strict, "Only one sentence here.\nBuy now for less").result.status, RuleStatus::kPass);
  strict.c4.terminal_punctuation = true;
  Evaluated s = Eval(strict, "A proper sentence here.\nA heading without a stop\nEllipsis does not count...");
  EXPECT_EQ(s.text, "A proper sentence here.");
  EXPECT_EQ(s.values["lines_no_terminal_punctuation"], 2);
}

// 1 to max_lines lines of up to max_pieces - 1 random pieces each.
std::string RandomLines(const std::vector<std::string>& pieces, size_t max_lines, size_t max_pieces,
                        std::mt19937_64* random) {
  std::string text;
  const size_t n_lines = 1 + (*random)() % max_lines;
  for (size_t l = 0; l < n_lines; ++l) {
    if (l > 0) text += "\n";
    const size_t n = (*random)() % max_pieces;
    for (size_t k = 0; k < n; ++k) text += pieces[(*random)() % pieces.size()];
  }
  return text;
}

// For languages written without spaces, C4's per-line words come from the
// document's UAX #29 words (segmented on untrimmed lines). Checked against
// segmenting each trimmed line afresh, on lines that start with blanks
// followed by characters UAX #29 attaches to them (combining marks, format
// characters, ZWJ) as well as CJK, Thai, ASCII and ideographic spaces.
TEST(C4Test, NoSpaceLanguageLineWordsMatchSegmentingEachTrimmedLine) {
  std::mt19937_64 random(11);
  const std::vector<std::string> pieces = {
      " ", "\t", "  ", "\xE3\x80\x80" /* U+3000 */, "\xCC\x81" /* U+0301 */, "\xC2\xAD" /* U+00AD */,
      "\xE2\x80\x8D" /* ZWJ */, "\xE2\x80\x8E" /* LRM */, "\xE4\xB8\xAD\xE6\x96\x87" /* 中文 */,
      "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E" /* 日本語 */, "\xE3\x81\xAE" /* の */, "\xE3\x80\x82" /* 。 */,
      "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2" /* ภาษา */, "abc", "x1", ".", ",", "\xF0\x9F\x98\x80" /* U+1F600 */};
  Segmenter segmenter;
  for (const char* language : {"zh", "ja", "th"}) {
    LanguageGuess guess = Guess(language);
    for (int trial = 0; trial < 1000; ++trial) {
      const std::string text = RandomLines(pieces, 6, 8, &random);
      TextFacts facts;
      facts.Reset(text, &guess, &segmenter);
      if (trial % 2 == 0) facts.words();  // with and without the words segmented first
      const std::vector<C4Line>& lines = facts.c4_lines(true);
      std::vector<std::string_view> raw;
      SplitLines(text, &raw);
      ASSERT_EQ(lines.size(), raw.size());
      for (size_t l = 0; l < raw.size(); ++l) {
        std::string_view t = raw[l];
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
        std::vector<std::string_view> segments;
        segmenter.Words(t, &segments);
        uint32_t words = 0, longest = 0;
        for (std::string_view w : segments) {
          if (IsSymbolWord(w)) continue;
          ++words;
          longest = std::max<uint32_t>(longest, static_cast<uint32_t>(CodePoints(w)));
        }
        EXPECT_EQ(lines[l].words, words) << language << " line " << l << " of: " << text;
        EXPECT_EQ(facts.C4Longest(l), longest) << language << " line " << l << " of: " << text;
      }
    }
  }
}

// C4's per-line words (split on spaces and tabs, the longest in code
// points) and phrase checks, 16 bytes at a time, against a plain
// computation: random lines of words, blanks and phrases in any ASCII case,
// long enough to cross several blocks at every alignment.
TEST(C4Test, LineWordsAndPhrasesMatchAPlainScan) {
  std::mt19937_64 random(23);
  const std::vector<std::string> pieces = {
      " ", "\t", "  ", "a", "word", "x1", "Lorem Ipsum", "JavaScript", "terms of use", "Privacy Policy",
      "cookie policy", "USES COOKIES", "use of cookies", "use cookies", "lorem", "ipsum", "java", "privacy",
      "to", "co", "us", "l", "u", "{", "\xC3\xA9\xC3\xA9\xC3\xA9" /* ééé */, "\xE4\xB8\xAD" /* 中 */,
      "averyveryveryverylongwordindeed", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"};
  auto lower = [](std::string_view t) {
    std::string out(t);
    for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    return out;
  };
  Segmenter segmenter;
  LanguageGuess guess = Guess("en");
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string text = RandomLines(pieces, 3, 24, &random);
    TextFacts facts;
    facts.Reset(text, &guess, &segmenter);
    const std::vector<C4Line>& lines = facts.c4_lines(false);
    std::vector<std::string_view> raw;
    SplitLines(text, &raw);
    ASSERT_EQ(lines.size(), raw.size());
    for (size_t l = 0; l < raw.size(); ++l) {
      std::string_view t = lines[l].kept;
      uint32_t words = 0, longest = 0;
      for (size_t i = 0; i < t.size();) {
        while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
        const size_t start = i;
        while (i < t.size() && t[i] != ' ' && t[i] != '\t') ++i;
        if (i == start) continue;
        ++words;
        longest = std::max<uint32_t>(longest, static_cast<uint32_t>(CodePoints(t.substr(start, i - start))));
      }
      const std::string low = lower(t);
      auto has = [&](const char* phrase) { return low.find(phrase) != std::string::npos; };
      const C4Line& checked = facts.C4Checked(l);
      const std::string what = "line " + std::to_string(l) + " of: " + text;
      EXPECT_EQ(checked.words, words) << what;
      EXPECT_EQ(facts.C4Longest(l), longest) << what;
      EXPECT_EQ(checked.lorem_ipsum, has("lorem ipsum")) << what;
      EXPECT_EQ(checked.javascript, has("javascript")) << what;
      EXPECT_EQ(checked.curly_bracket, has("{")) << what;
      EXPECT_EQ(checked.policy, has("terms of use") || has("privacy policy") || has("cookie policy") ||
                                    has("uses cookies") || has("use of cookies") || has("use cookies"))
          << what;
    }
  }
}

TEST(C4Test, DocumentRules) {
  EXPECT_TRUE(Failed(Eval(Spec(RuleKind::kC4), "Some text with lorem ipsum dolor sit amet."), "lorem_ipsum"));
  EXPECT_TRUE(Failed(Eval(Spec(RuleKind::kC4), "function code() { return 1; } is here."), "curly_bracket"));
  EXPECT_TRUE(Failed(Eval(Spec(RuleKind::kC4), "Too few sentences here. Just two."), "too_few_sentences"));
  // Every policy phrase, in any ASCII case, drops its line.
  Evaluated policy = Eval(Spec(RuleKind::kC4),
                          "This site USES COOKIES to work.\nRead the Terms of Use first.\nWe explain our use of "
                          "cookies here.\nYou agree we use cookies now.\nSee our Cookie Policy page.\nA normal line "
                          "that stays in.");
  EXPECT_EQ(policy.values["lines_policy"], 5);
  EXPECT_EQ(policy.text, "A normal line that stays in.");
  RuleSpec spec = Spec(RuleKind::kC4);
  spec.c4.max_word_length = 5;
  Evaluated e = Eval(spec, "short words only here\nthis has averyveryverylongword in it");
  EXPECT_EQ(e.values["lines_too_long_word"], 1);
}

TEST(C4Test, EmptyCjkRtlAndThai) {
  Evaluated empty = Eval(Spec(RuleKind::kC4), "");
  EXPECT_EQ(empty.values["sentences"], 0);
  EXPECT_TRUE(Failed(empty, "too_few_sentences"));
  // Chinese lines have no spaces: words come from the dictionary, so a
  // sentence of several words is not "fewer than 3 words". 我们喜欢学习中文。
  RuleSpec spec = Spec(RuleKind::kC4);
  spec.c4.min_sentences = 1;
  Evaluated zh = Eval(spec,
                     "\xE6\x88\x91\xE4\xBB\xAC\xE5\x96\x9C\xE6\xAC\xA2\xE5\xAD\xA6\xE4\xB9\xA0\xE4\xB8\xAD\xE6\x96\x87"
                     "\xE3\x80\x82",
                     "zh");
  EXPECT_EQ(zh.values["lines_too_few_words"], 0);
  EXPECT_EQ(zh.values["sentences"], 1);
  // Hebrew, right to left, ends with a period.
  spec.c4.terminal_punctuation = true;
  Evaluated he = Eval(spec, "\xD7\x96\xD7\x94 \xD7\x98\xD7\xA7\xD7\xA1\xD7\x98 \xD7\x98\xD7\x95\xD7\x91.", "iw");
  EXPECT_EQ(he.values["lines_no_terminal_punctuation"], 0);
  // Thai has no sentence-final punctuation: the check does not apply.
  Evaluated th = Eval(spec, "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2 \xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2 \xE0\xB8\x94\xE0\xB8\xB5", "th");
  EXPECT_EQ(Skipped(th), (std::vector<std::string>{"terminal_punctuation"}));
  EXPECT_EQ(th.values["lines_no_terminal_punctuation"], 0);
}

// -------------------------------------------------------------- fineweb ----

TEST(FineWebTest, ValuesAndChecks) {
  // Lines: "Short" (5), "Also short" (10), and a long one ending in ".":
  // punctuation 1/3, short lines 2/3 (<= 30 characters), no duplicates,
  // 2 newlines over 13 words.
  Evaluated e = Eval(Spec(RuleKind::kFineWeb), "Short\nAlso short\nA much longer line that ends with a period.");
  EXPECT_DOUBLE_EQ(e.values["line_punct_ratio"], 1.0 / 3);
  EXPECT_DOUBLE_EQ(e.values["short_line_ratio"], 2.0 / 3);
  EXPECT_EQ(e.values["dup_line_char_ratio"], 0);
  EXPECT_DOUBLE_EQ(e.values["newline_word_ratio"], 2.0 / 13);
  EXPECT_EQ(e.result.status, RuleStatus::kPass);

  EXPECT_TRUE(Failed(Eval(Spec(RuleKind::kFineWeb), "no punctuation at all on this fairly long line\nnor here on this one either"),
                     "line_punct_ratio"));
  // 2 of 3 short lines is 0.667, not above 0.67; 3 of 4 is.
  EXPECT_EQ(Eval(Spec(RuleKind::kFineWeb), "One.\nTwo.\nThree is a longer line than thirty chars.").result.status,
            RuleStatus::kPass);
  EXPECT_TRUE(Failed(Eval(Spec(RuleKind::kFineWeb), "One.\nTwo.\nSix.\nThree is a longer line than thirty chars."),
                     "short_line_ratio"));
  // A repeated line: 40 of 124 characters (newlines not counted) are in the duplicate.
  std::string line = "This sentence is repeated on two lines..";
  Evaluated dup = Eval(Spec(RuleKind::kFineWeb), line + "\n" + line + "\nAnd this one is different from both of them.");
  EXPECT_DOUBLE_EQ(dup.values["dup_line_char_ratio"], 40.0 / (40 + 40 + 44));
  EXPECT_TRUE(Failed(dup, "char_dup_ratio"));
  RuleSpec lists = Spec(RuleKind::kFineWeb);
  lists.fineweb.max_short_line_ratio = 1;
  EXPECT_TRUE(Failed(Eval(lists, "a.\nb.\nc."), "list_ratio"));  // 2 newlines / 6 words
}

TEST(FineWebTest, EmptyAndThai) {
  EXPECT_TRUE(Failed(Eval(Spec(RuleKind::kFineWeb), ""), "empty"));
  EXPECT_TRUE(Failed(Eval(Spec(RuleKind::kFineWeb), "\n\n  \n"), "empty"));
  Evaluated th = Eval(Spec(RuleKind::kFineWeb),
                     "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2 "
                     "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2 "
                     "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2",
                     "th");
  EXPECT_EQ(Skipped(th), (std::vector<std::string>{"line_punct_ratio"}));
  EXPECT_NE(std::string(th.result.reason), "line_punct_ratio");
}

// The hard cases for every rule at once: a single line, symbols only, and
// right-to-left text, with values worked out by hand.
TEST(RuleEdgeCasesTest, SingleLineSymbolsAndRightToLeft) {
  // FineWeb, one line of 19 characters: punctuated, but all lines are short.
  Evaluated single = Eval(Spec(RuleKind::kFineWeb), "Just one line here.");
  EXPECT_EQ(single.values["line_punct_ratio"], 1);
  EXPECT_EQ(single.values["short_line_ratio"], 1);
  EXPECT_EQ(single.values["newline_word_ratio"], 0);
  EXPECT_TRUE(Failed(single, "short_line_ratio"));
  // Symbols only: "!!! ??? ###" is nine one-character segments over 11
  // characters; ends in '#', so no line is punctuated.
  EXPECT_TRUE(Failed(Eval(Spec(RuleKind::kFineWeb), "!!! ??? ###"), "line_punct_ratio"));
  Evaluated rep = Eval(Spec(RuleKind::kGopherRepetition), "!!! ??? ###");
  EXPECT_DOUBLE_EQ(rep.values["top_2_gram"], 3.0 * 2 / 11);  // "! !" twice, the first of three ties
  EXPECT_TRUE(Failed(rep, "top_2_gram"));
  // C4: three whitespace words; "!!! ??? " is one sentence (SB8a keeps "?"
  // after "!"), "###" another.
  Evaluated c4 = Eval(Spec(RuleKind::kC4), "!!! ??? ###");
  EXPECT_EQ(c4.values["sentences"], 2);
  EXPECT_EQ(c4.values["lines_removed"], 0);
  EXPECT_TRUE(Failed(c4, "too_few_sentences"));
  // Arabic, right to left, one long line ending in the Arabic question mark.
  std::string arabic =
      "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xA8\xD9\x83\xD9\x85 \xD9\x81\xD9\x8A "
      "\xD8\xA7\xD9\x84\xD9\x85\xD9\x88\xD9\x82\xD8\xB9 \xD8\xA7\xD9\x84\xD8\xAC\xD8\xAF\xD9\x8A\xD8\xAF "
      "\xD9\x87\xD8\xB0\xD8\xA7 \xD8\xA7\xD9\x84\xD8\xA3\xD8\xB3\xD8\xA8\xD9\x88\xD8\xB9\xD8\x9F";
  Evaluated ar = Eval(Spec(RuleKind::kFineWeb), arabic, "ar");
  EXPECT_EQ(ar.values["line_punct_ratio"], 1);
  EXPECT_EQ(ar.values["short_line_ratio"], 0);  // 39 characters
  EXPECT_EQ(ar.result.status, RuleStatus::kPass);
  // Hebrew, a line repeated: one duplicate of two lines.
  std::string hebrew = "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D";  // שלום עולם
  Evaluated he = Eval(Spec(RuleKind::kGopherRepetition), hebrew + "\n" + hebrew, "iw");
  EXPECT_EQ(he.values["dup_line_frac"], 0.5);
  EXPECT_DOUBLE_EQ(he.values["dup_line_char_frac"], 9.0 / 19);
  EXPECT_TRUE(Failed(he, "dup_line_frac"));
}

// -------------------------------------------------------------- helpers ----

TEST(RuleHelpersTest, TerminalPunctuationAcrossScripts) {
  for (const char* yes : {"End.", "Really?", "Wow!", "He said \"go.\"", "It's 'fine'",
                          "\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82",     // 你好。
                          "\xD9\x87\xD9\x84\xD8\x9F",                 // Arabic question mark
                          "\xE0\xA4\xA8\xE0\xA4\xB9\xE0\xA5\x80\xE0\xA4\x82\xE0\xA5\xA4"}) {  // Devanagari danda
    EXPECT_TRUE(EndsWithTerminalPunctuation(yes)) << yes;
  }
  for (const char* no : {"", "No stop", "Comma,", "Colon:"}) EXPECT_FALSE(EndsWithTerminalPunctuation(no)) << no;
  EXPECT_TRUE(IsSymbolWord("#"));
  EXPECT_TRUE(IsSymbolWord("\xE2\x80\x94"));  // em dash
  EXPECT_FALSE(IsSymbolWord("a#"));
  EXPECT_TRUE(HasLetter("4ever"));
  EXPECT_TRUE(HasLetter("\xD0\xB4"));  // д
  EXPECT_FALSE(HasLetter("1234"));
}

TEST(RuleParamsTest, EveryKindListsItsThresholds) {
  for (RuleSpec spec : DefaultRules()) {
    std::vector<RuleParam> params = RuleParams(&spec);
    EXPECT_FALSE(params.empty()) << spec.name;
    for (const RuleParam& p : params) {
      if (p.type == RuleParam::Type::kNumber) {
        EXPECT_GE(*p.number, p.min) << spec.name << "." << p.key;
        EXPECT_LE(*p.number, p.max) << spec.name << "." << p.key;
      }
    }
  }
  RuleKind kind;
  EXPECT_TRUE(ParseRuleKind("gopher_repetition", &kind));
  EXPECT_EQ(kind, RuleKind::kGopherRepetition);
  EXPECT_FALSE(ParseRuleKind("gopher", &kind));
}

}  // namespace
}  // namespace stocktake::quality
