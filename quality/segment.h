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
  // Number of sentence segments with any non-whitespace character.
  size_t CountSentences(std::string_view text);
  // The same through ICU only; for tests and comparisons.
  size_t CountSentencesIcu(std::string_view text);

 private:
  // Points `iterator` at `text`; false if it cannot be used.
  bool Attach(UBreakIterator* iterator, std::string_view text);
  void IcuLine(std::string_view line, std::vector<std::string_view>* out);
  bool FastSentences(std::string_view text, size_t* count);

  std::vector<uint8_t> classes_;  // sentence-break class per character

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
