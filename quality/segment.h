// Words, sentences and lines.
//
// Words are UAX #29 word-break segments (ICU's rules, with its dictionaries
// for Chinese, Japanese, Thai, Khmer, Lao and Burmese), keeping every segment
// that is not whitespace: words, numbers, and punctuation marks, the way
// datatrove's word splitting feeds the Gopher rules. Lines whose characters
// all have simple word-break classes (Latin, Greek, Cyrillic, Arabic,
// Armenian, Georgian, punctuation, ...) take a hand-written path that applies
// the same rules; newlines are hard word breaks (WB3a/b), so each line can
// take its own path without changing any boundary. Sentences are UAX #29
// sentence segments, with a fast path of the same kind.
//
// Any bytes are accepted: an ill-formed UTF-8 sequence is what ICU makes of
// it (U+FFFD, a segment of its own), on both paths. Views point into the
// text passed in. Not thread-safe: keep one per thread
// (it owns ICU break iterators, which are costly to create).
#ifndef STOCKTAKE_QUALITY_SEGMENT_H_
#define STOCKTAKE_QUALITY_SEGMENT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct UBreakIterator;
struct UText;

namespace stocktake::quality {

class Segmenter {
 public:
  Segmenter();
  ~Segmenter();
  Segmenter(const Segmenter&) = delete;
  Segmenter& operator=(const Segmenter&) = delete;

  // Appends the non-whitespace word segments of `text` to `out`.
  void Words(std::string_view text, std::vector<std::string_view>* out);
  // The same for one line (`line` holds no '\n'; no search for one).
  void LineWords(std::string_view line, std::vector<std::string_view>* out);
  // Number of word segments that hold a letter or a number (punctuation and
  // symbol segments are not words): the "words" of word-based estimates.
  // `scratch` holds the segments.
  size_t CountWords(std::string_view text, std::vector<std::string_view>* scratch);
  // The same count over segments Words() already produced.
  static size_t CountWordSegments(std::span<const std::string_view> segments);
  // The same through ICU only (no fast path); for tests and comparisons.
  void WordsIcu(std::string_view text, std::vector<std::string_view>* out);
  // From here until the next call, ICU's segments of runs of ideographs and
  // kana are remembered and reused: a run bounded by white space,
  // punctuation or ASCII is segmented the same wherever it stands (ICU's
  // dictionary reads the run alone), so a later text holding it between
  // spaces (the dedup form of this one) takes the segments it had here
  // instead of asking ICU again. Until the first call nothing is remembered.
  // The quality assessor calls it once per document.
  void BeginDocument();
  // Runs taken from memory since then (for tests).
  size_t recalled() const { return recalled_; }

  // Number of sentence segments with any non-whitespace character.
  size_t CountSentences(std::string_view text);
  // The same through ICU only; for tests and comparisons.
  size_t CountSentencesIcu(std::string_view text);

 private:
  // Points `iterator` at `text`; false if it cannot be used.
  bool Attach(UBreakIterator* iterator, std::string_view text);
  void IcuLine(std::string_view line, std::vector<std::string_view>* out);
  // ICU's segments of `text`, nothing remembered or recalled.
  void IcuSegments(std::string_view text, std::vector<std::string_view>* out);
  // ICU alone on `span` (a stretch, or part of one that starts and ends where
  // ICU breaks whatever is around).
  void IcuSpan(std::string_view span, std::vector<std::string_view>* out);
  // Remembers the runs of ideographs and kana among out[first, end) (the
  // segments of `span`).
  void Remember(std::string_view span, const std::vector<std::string_view>& out, size_t first);
  // The slot remembering `run`, or nullptr; Recall appends that slot's
  // segments of `run` to `out`.
  struct MemoSlot;
  const MemoSlot* Remembered(std::string_view run) const;
  void Recall(std::string_view run, const MemoSlot& slot, std::vector<std::string_view>* out) const;
  bool FastSentences(std::string_view text, size_t* count);

  std::vector<uint8_t> classes_;  // sentence-break class per character

  // The remembered runs: open addressing by XXH3 of the run's bytes.
  struct MemoSlot {
    uint64_t hash = 0;
    uint32_t key = 0;       // offset of the run's bytes in memo_bytes_
    uint32_t key_size = 0;  // 0: empty
    uint32_t first = 0;     // its segment ends in memo_ends_
    uint32_t count = 0;
  };
  // Per document at most kMemoRuns runs of kMemoBytes in all (a table of 6
  // MiB, and 4 MiB of runs with their segment ends); a segmenter keeps no
  // more than kMemoKeep of each buffer between documents.
  static constexpr size_t kMemoSlots = 256;  // to start with; a power of two
  static constexpr size_t kMemoRuns = size_t{1} << 17;
  static constexpr size_t kMemoBytes = size_t{2} << 20;
  static constexpr size_t kMemoKeep = size_t{1} << 20;
  // The index of the run's slot, or of the empty slot where it would go.
  size_t Find(std::string_view run, uint64_t hash) const;
  void GrowMemo();
  bool memo_on_ = false;
  mutable size_t recalled_ = 0;
  std::vector<MemoSlot> memo_;
  size_t memo_used_ = 0;
  std::string memo_bytes_;
  std::vector<uint32_t> memo_ends_;  // segment ends, from the run's start

  UBreakIterator* words_ = nullptr;
  UBreakIterator* sentences_ = nullptr;
  UText* utext_ = nullptr;
};

// Lines of `text` split on '\n' (views, without the newline).
void SplitLines(std::string_view text, std::vector<std::string_view>* out);
// Paragraphs: text split on runs of two or more newlines, outer newlines trimmed.
void SplitParagraphs(std::string_view text, std::vector<std::string_view>* out);
// Code points in `s` (valid UTF-8).
size_t CodePointsLong(std::string_view s);
inline size_t CodePoints(std::string_view s) {
  if (s.size() >= 16) return CodePointsLong(s);
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_SEGMENT_H_
