// Quality rules: the published filters, measured per document.
//
//   language          language ID score >= min_score (FineWeb/RefinedWeb: 0.65)
//   gopher_quality    word counts, mean word length, symbol and bullet ratios,
//                     alphabetic words, stop words (Rae et al. 2021)
//   gopher_repetition duplicate lines/paragraphs and repeated n-grams
//                     (Rae et al. 2021, Table A1)
//   c4                line-level cleaning and document rules (Raffel et al.
//                     2020): removes lines, may fail the document
//   fineweb           FineWeb's three custom rules (Penedo et al. 2024) and
//                     FineWeb-2's newline ratio
//   classifier        a fastText model's score for a label (DCLM/FineWeb-Edu
//                     style), when a model file is configured
//
// Every rule is evaluated the way datatrove implements it (word splitting
// aside: words are UAX #29 segments, segment.h) and records the value of
// each check, the first check it failed, and the checks that do not apply to
// the document's language (stop words exist for English only; mean word
// length does not apply to languages written without spaces; terminal
// punctuation does not apply to Thai, Lao, Khmer and Burmese). Defaults are
// the published thresholds (../shared/REFERENCES.md); all are configurable.
//
// Lengths are code points. Rule objects are immutable after construction and
// thread-safe; the scratch they use lives in RuleScratch (one per thread).
#ifndef STOCKTAKE_QUALITY_RULES_H_
#define STOCKTAKE_QUALITY_RULES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quality/language.h"
#include "quality/segment.h"

namespace stocktake::quality {

enum class RuleKind { kLanguage, kGopherQuality, kGopherRepetition, kC4, kFineWeb, kClassifier };
std::string_view RuleKindName(RuleKind kind);
bool ParseRuleKind(std::string_view name, RuleKind* kind);

// A rule passes or fails a document as a whole; checks that do not apply to
// the document's language are listed in RuleResult::skipped (and neither
// pass nor fail it).
enum class RuleStatus : uint8_t { kPass, kFail };
std::string_view RuleStatusName(RuleStatus status);  // "pass", "fail"

struct LanguageParams {
  double min_score = 0.65;              // FineWeb, RefinedWeb, DCLM
  std::vector<std::string> languages;   // allowed codes; empty = any
};

struct GopherQualityParams {
  double min_words = 50;
  double max_words = 100000;
  double min_mean_word_length = 3;
  double max_mean_word_length = 10;
  double max_hash_ratio = 0.1;
  double max_ellipsis_ratio = 0.1;
  double max_bullet_lines = 0.9;
  double max_ellipsis_lines = 0.3;
  double min_alpha_words = 0.8;
  double min_stop_words = 2;
  std::vector<std::string> stop_words = {"the", "be", "to", "of", "and", "that", "have", "with"};
  std::string stop_words_language = "en";
};

struct GopherRepetitionParams {
  double dup_line_frac = 0.3;
  double dup_para_frac = 0.3;
  double dup_line_char_frac = 0.2;
  double dup_para_char_frac = 0.2;
  double top_ngram[3] = {0.20, 0.18, 0.16};                    // n = 2, 3, 4
  double dup_ngram[6] = {0.15, 0.14, 0.13, 0.12, 0.11, 0.10};  // n = 5 .. 10
};

struct C4Params {
  bool remove_citations = true;
  bool terminal_punctuation = false;  // C4 itself: true; FineWeb turns it off
  double min_words_per_line = 3;
  double max_word_length = 1000;
  double min_sentences = 5;
  bool lorem_ipsum = true;
  bool javascript = true;
  bool curly_bracket = true;
  bool policy = true;
};

struct FineWebParams {
  double min_line_punct_ratio = 0.12;
  double max_short_line_ratio = 0.67;
  double short_line_length = 30;
  double max_dup_line_char_ratio = 0.1;
  double max_newline_word_ratio = 0.3;  // FineWeb-2
};

struct ClassifierParams {
  std::string model;                  // fastText .bin file
  std::string label = "__label__hq";  // the label whose probability is the score
  double min_score = 0.5;
  std::string model_digest;           // content hash, set by whoever loads the config
};

struct RuleSpec {
  std::string name;  // as configured ([rules.NAME]); a tier lists these names
  RuleKind kind = RuleKind::kLanguage;
  LanguageParams language;
  GopherQualityParams gopher_quality;
  GopherRepetitionParams gopher_repetition;
  C4Params c4;
  FineWebParams fineweb;
  ClassifierParams classifier;
};

// One configurable parameter of a rule, pointing into a RuleSpec: what the
// config loader sets and the canonical configuration writes, in one list.
struct RuleParam {
  enum class Type { kNumber, kFlag, kText, kTextList };
  const char* key;
  Type type;
  double* number = nullptr;
  bool* flag = nullptr;
  std::string* text = nullptr;
  std::vector<std::string>* list = nullptr;
  double min = 0;  // numbers: allowed range
  double max = 1e15;
};
// The parameters of `spec`'s kind, in a fixed order.
std::vector<RuleParam> RuleParams(RuleSpec* spec);

// The default rules under their kind names (the defaults of
// configs/default.toml), plus "c4_strict": C4 with its per-line terminal
// punctuation rule on.
std::vector<RuleSpec> DefaultRules();

struct Measured {
  const char* name;  // static string
  double value;
};

// How much of a rule's measurement a caller needs. `stocktake extract` shows
// every check's value; `stocktake run` counts only each rule's status and
// reason, so with kDecision a rule may stop measuring once those are known:
// the repetition rule at its first failing check (as datatrove's filter does;
// its checks run in the same order as ours), C4 once it has counted the
// minimum number of sentences, the Gopher quality rule once it has counted
// the minimum number of stop words. Status, reason, skipped checks, kept text
// and line counts are the same either way; `values` is then a prefix of the
// full list (C4's is empty, Gopher quality's lacks the stop-word count).
enum class RuleDetail { kEveryValue, kDecision };

struct RuleResult {
  RuleStatus status = RuleStatus::kPass;
  const char* reason = "";            // the failing check, or why the rule does not apply
  std::vector<Measured> values;       // every check's measured value (see RuleDetail)
  std::vector<const char*> skipped;   // checks not applicable to the language
  size_t lines_removed = 0;           // line-level rules (c4)
  size_t chars_removed = 0;
};

// One line as the C4 rule sees it.
struct C4Line {
  std::string_view kept;     // trimmed, citations removed (if asked for)
  uint32_t words = 0;        // line.split() words; UAX #29 words without punctuation for
                             // languages written without spaces
  uint32_t bytes = 0;        // of the trimmed line: no word of it has more code points
  int32_t longest = -1;      // code points of the longest of those words (C4Longest; -1: not yet)
  bool terminal = false;     // ends in terminal punctuation (and not in an ellipsis)
  bool cleaned = false;      // citations were removed (kept differs from the trimmed line)
  // Content checks on the lowercased kept text, computed on demand.
  bool checked = false;
  bool lorem_ipsum = false, javascript = false, curly_bracket = false, policy = false;
  int32_t sentences = -1;    // computed on demand
};

// What rules share about one version of a text (computed lazily, once).
class TextFacts {
 public:
  void Reset(std::string_view text, const LanguageGuess* language, Segmenter* segmenter);
  // Like Reset, for the output of a line-level rule over `source`: line j of
  // `text` is line kept_lines[j] of `source` as that rule kept it. Facts of
  // lines the rule left unchanged are taken from `source` instead of being
  // computed again. `source` must outlive this use.
  void ResetDerived(std::string_view text, TextFacts* source, const std::vector<uint32_t>& kept_lines);

  std::string_view text() const { return text_; }
  const std::string& language() const;
  const LanguageGuess* language_guess() const { return language_; }
  Segmenter* segmenter() const { return segmenter_; }
  size_t chars();
  const std::vector<std::string_view>& words();
  const std::vector<size_t>& word_chars();  // code points per word
  const std::vector<uint64_t>& word_hashes();  // WordHash of each word (quality/word_hash.h)
  size_t word_count();  // words().size(), without listing them when derived
  const std::vector<std::string_view>& lines();
  const std::vector<size_t>& line_chars();  // code points per line of lines()
  // The C4 view of every line; content checks and sentences are filled in
  // by C4Checked(), C4Sentences() and C4Longest() when a rule needs them.
  std::vector<C4Line>& c4_lines(bool remove_citations);
  const C4Line& C4Checked(size_t line);
  size_t C4Sentences(size_t line);
  // Code points of the longest word of a line of c4_lines() (computed on
  // demand: a rule needs it only for lines longer than its word limit).
  size_t C4Longest(size_t line);

 private:
  std::string_view text_;
  const LanguageGuess* language_ = nullptr;
  Segmenter* segmenter_ = nullptr;
  size_t chars_ = 0;
  bool have_chars_ = false, have_words_ = false, have_lines_ = false, have_line_chars_ = false, have_hashes_ = false;
  TextFacts* source_ = nullptr;   // derived facts: the text this one was cut from
  std::vector<uint32_t> source_lines_;
  std::vector<uint32_t> line_words_count_;  // words per line, once words() ran
  std::vector<std::string_view> words_;
  std::vector<size_t> word_chars_;
  std::vector<size_t> line_chars_;
  std::vector<uint64_t> word_hashes_;
  std::vector<std::string_view> lines_;
  int c4_citations_ = -1;  // the remove_citations setting c4_lines_ was made with; -1: none yet
  std::vector<C4Line> c4_lines_;
  std::string c4_cleaned_;  // lines with citations removed, back to back
  std::vector<std::string_view> line_words_;
};

// An open-addressing hash table of 64-bit keys with a count per key,
// cleared in O(1) by bumping a generation stamp.
class CountTable {
 public:
  // Empties the table and sizes it for up to `n` keys.
  void Reset(size_t n);
  // Adds one occurrence of `key`; returns where its count is kept (valid
  // until the next Reset; the caller may overwrite it, e.g. as a mark).
  // Inline: the repetition rule calls it for every n-gram.
  uint32_t* AddRef(uint64_t key) {
    for (size_t i = Start(key);; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.generation != generation_) {
        slot = Slot{key, generation_, 1};
        return &slot.count;
      }
      if (slot.key == key) {
        ++slot.count;
        return &slot.count;
      }
    }
  }
  // Adds one occurrence of `key`; returns its count so far.
  uint32_t Add(uint64_t key) { return *AddRef(key); }
  // The count of `key` (0 if absent).
  uint32_t Count(uint64_t key) const;
  // True if `key` was absent (and adds it).
  bool Insert(uint64_t key) { return Add(key) == 1; }

 private:
  struct Slot {
    uint64_t key;
    uint32_t generation;
    uint32_t count;
  };
  size_t Start(uint64_t key) const { return (key ^ (key >> 29)) & mask_; }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t generation_ = 0;
};

// A small set of words looked up by a precomputed WordHash (TextFacts has them).
class WordSet {
 public:
  explicit WordSet(const std::vector<std::string>& words);
  bool Contains(std::string_view word, uint64_t hash) const;

 private:
  std::vector<std::pair<uint64_t, std::string>> words_;  // sorted by hash
  uint64_t filter_ = 0;  // two bits per word: most absent words need no search
};

// Per-thread scratch for rule evaluation.
struct RuleScratch {
  std::vector<uint64_t> grams;   // rolling n-gram hashes
  std::vector<uint32_t> candidates;  // positions whose n-gram repeats
  std::vector<uint32_t*> counts;  // each candidate's count in `table`
  std::vector<size_t> prefix;    // prefix sums of word lengths
  std::vector<uint64_t> bits;    // the repetition rule's "seen" bitmaps
  CountTable table;
  std::vector<std::string_view> pieces;
  std::vector<uint32_t> kept_lines;  // a line-level rule's kept lines (indices)
  std::string text;             // a line-level rule's output
  std::string lower;
};

class Classifier;  // classifier.h

class Rule {
 public:
  // Builds a rule; a classifier rule loads its model (error: Status message in
  // *error, nullptr returned).
  static std::unique_ptr<Rule> Create(const RuleSpec& spec, std::string* error);
  ~Rule();

  const RuleSpec& spec() const { return spec_; }
  // True for rules that change the text (c4).
  bool edits_text() const { return spec_.kind == RuleKind::kC4; }

  // Evaluates the rule on `facts`. A text-editing rule that passes writes its
  // output text to scratch->text. With RuleDetail::kDecision the result's
  // status and reason are the same, but a rule may stop at its first failing
  // check (see RuleDetail).
  RuleResult Evaluate(TextFacts* facts, RuleScratch* scratch, RuleDetail detail = RuleDetail::kEveryValue) const;

 private:
  explicit Rule(RuleSpec spec);
  RuleSpec spec_;
  WordSet stop_words_;
  std::unique_ptr<Classifier> classifier_;
};

// What the Gopher quality rule counts in a text: '#' characters, and
// ellipses ("..." without overlap, as str.count does, plus U+2026).
struct GopherMarks {
  size_t hashes = 0;
  size_t ellipses = 0;
};
GopherMarks CountGopherMarks(std::string_view text);

// Helpers exposed for tests.
bool EndsWithTerminalPunctuation(std::string_view line);
bool IsSymbolWord(std::string_view word);
bool HasLetter(std::string_view word);

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_RULES_H_
