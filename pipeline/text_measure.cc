#include "pipeline/text_measure.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <span>

#include "stats/word_count.h"

namespace stocktake::pipeline {

namespace {

// White space for the split patterns (Unicode White_Space), and a few
// characters some regular expression engines also take for it.
bool Blank(UChar32 c) {
  return c < 0 || u_isUWhiteSpace(c) || c == 0x180E || c == 0x200B || c == 0x2060 || c == 0xFEFF;
}

}  // namespace

TextMeasurer::TextMeasurer(std::vector<std::shared_ptr<const stats::Encoding>> encodings, bool words)
    : encodings_(std::move(encodings)), words_(words) {
  if (encodings_.size() > kMaxEncodings) encodings_.resize(kMaxEncodings);
  scratch_.resize(encodings_.size());
  for (const auto& e : encodings_) break_runs_ = break_runs_ && e->pattern() != stats::SplitPattern::kR50k;
}

TextSize TextMeasurer::Measure(std::string_view text, const std::vector<std::string_view>* segments) {
  TextSize size;
  size.bytes = text.size();
  if (words_) {
    size.words = stats::CountWhitespaceWords(text);
    size.words_uax29 = segments != nullptr ? quality::Segmenter::CountWordSegments(*segments)
                                           : segmenter_.CountWords(text, &segments_);
  }
  for (size_t e = 0; e < encodings_.size(); ++e) size.tokens[e] = encodings_[e]->Count(text, &scratch_[e]);
  return size;
}

bool TextMeasurer::SafeCut(std::string_view text, size_t pos, bool break_runs) {
  // Every piece of the three patterns that holds a line break either ends
  // with it (a punctuation run's trailing newlines, \s*[\r\n]+, \s+) or is
  // white space only. So after "X\n" (X not white space) a piece ends, in
  // the text and in its prefix alike, unless the next character is white
  // space (\s*[\r\n]+ and \s+(?!\S) could run on) or '/' (o200k_base's
  // [\r\n/]*). r50k_base's \s+(?!\S) gives "\n\n" back one character when
  // text follows and not at the end, hence the single line break. In
  // cl100k_base and o200k_base, \s*[\r\n]+ comes first and takes the whole
  // run up to its last line break, text following or not.
  if (pos < 2 || pos >= text.size() || pos >= INT32_MAX || text[pos - 1] != '\n') return false;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  const auto p = static_cast<int32_t>(pos);
  if (!break_runs) {
    int32_t before_end = p - 1;
    UChar32 before;
    U8_PREV(s, 0, before_end, before);
    if (Blank(before)) return false;
  }
  int32_t after_at = p;
  UChar32 after;
  U8_NEXT(s, after_at, n, after);
  return !Blank(after) && after != '/';
}

namespace {

bool TailByte(char c) {
  return c != '_' && ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
                      (c >= '{' && c <= '~'));
}

bool AlnumByte(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

size_t TextMeasurer::TailCut(std::string_view text, size_t begin, size_t newline) {
  // Letters and digits end every pattern's letter and number pieces (o200k_base
  // would let a combining mark run on, so only ASCII ones), and a punctuation
  // run starts a piece of its own: the tail cannot take a contraction (no
  // letter follows it). Of ASCII punctuation, UAX #29 joins only '_' to a
  // letter before it (WB13a); a lone '_' is no word, so the counts would
  // still agree, but no word segment then crosses a cut.
  size_t c = newline;
  while (c > begin && TailByte(text[c - 1])) --c;
  return c > begin && AlnumByte(text[c - 1]) ? c : std::string_view::npos;
}

size_t TextMeasurer::NextCut(std::string_view text, size_t begin, bool* splits_word) const {
  *splits_word = false;
  for (size_t from = begin; from < text.size();) {
    const void* nl = std::memchr(text.data() + from, '\n', text.size() - from);
    if (nl == nullptr) break;
    const size_t newline = static_cast<size_t>(static_cast<const char*>(nl) - text.data());
    // A line's body and its tail are units of their own, so a version whose
    // line ends differently ("\n" instead of "\n\n") still shares the body.
    if (const size_t tail = TailCut(text, begin, newline); tail != std::string_view::npos) {
      *splits_word = tail < newline;
      return tail;
    }
    size_t after = newline + 1;
    if (break_runs_) {
      while (after < text.size() && text[after] == '\n') ++after;
    }
    if (SafeCut(text, after, break_runs_)) return after;
    from = after;
  }
  return text.size();
}

void TextMeasurer::BeginDocument() {
  units_.Clear();
  line_words_.Clear();
}

TextMeasurer::Unit TextMeasurer::MeasureUnit(std::string_view unit, const std::vector<std::string_view>* segments,
                                              size_t* next) {
  // This unit's segments (they never cross a line break): from *next on.
  std::span<const std::string_view> own;
  if (segments != nullptr) {
    size_t first = *next, last = first;
    const char* end = unit.data() + unit.size();
    while (last < segments->size() && (*segments)[last].data() < end) ++last;
    own = std::span<const std::string_view>(segments->data() + first, last - first);
    *next = last;
  }
  const uint64_t hash = Hash64(unit);
  if (const Unit* known = units_.Find(unit, hash)) return *known;
  Unit measured;
  TextSize& size = measured.size;
  size.bytes = unit.size();
  if (words_) {
    size.words = stats::CountWhitespaceWords(unit);
    size.words_uax29 = Uax29Words(unit, segments != nullptr ? &own : nullptr);
  }
  if (deferring_) {
    Job job;
    job.size = unit.size();
    if (stays_) {
      job.data = unit.data();
    } else {
      job.copied = true;
      job.offset = job_bytes_.size();
      job_bytes_.append(unit);
    }
    measured.job = static_cast<uint32_t>(jobs_.size());
    jobs_.push_back(job);
  } else {
    for (size_t e = 0; e < encodings_.size(); ++e) size.tokens[e] = encodings_[e]->Count(unit, &scratch_[e]);
  }
  units_.Insert(unit, hash, measured);
  return measured;
}

uint64_t TextMeasurer::Uax29Words(std::string_view unit, const std::span<const std::string_view>* own) {
  uint64_t total = 0;
  size_t k = 0;  // into *own
  for (size_t begin = 0; begin < unit.size();) {
    const size_t newline = unit.find('\n', begin);
    const size_t end = newline == std::string_view::npos ? unit.size() : newline;
    const std::string_view line = unit.substr(begin, end - begin);
    begin = end + 1;
    if (line.empty()) continue;
    uint64_t words;
    if (own != nullptr) {
      const size_t first = k;
      const char* line_end = line.data() + line.size();
      while (k < own->size() && (*own)[k].data() < line_end) ++k;
      words = quality::Segmenter::CountWordSegments(own->subspan(first, k - first));
      line_words_.Insert(line, Hash64(line), words);
    } else if (const uint64_t* known = line_words_.Find(line, Hash64(line))) {
      words = *known;
    } else {
      words = segmenter_.CountWords(line, &segments_);
    }
    total += words;
  }
  return total;
}

TextSize TextMeasurer::MeasureVersion(std::string_view text, const std::vector<std::string_view>* segments) {
  deferring_ = false;
  return Version(text, segments);
}

TextSize TextMeasurer::Version(std::string_view text, const std::vector<std::string_view>* segments) {
  TextSize total;
  size_t next_segment = 0;
  uint64_t split_words = 0;  // whitespace words cut in two between units
  for (size_t begin = 0; begin < text.size();) {
    bool splits_word = false;
    const size_t end = NextCut(text, begin, &splits_word);
    split_words += splits_word;
    const Unit unit = MeasureUnit(text.substr(begin, end - begin), segments, &next_segment);
    total.bytes += unit.size.bytes;
    total.words += unit.size.words;
    total.words_uax29 += unit.size.words_uax29;
    for (size_t e = 0; e < kMaxEncodings; ++e) total.tokens[e] += unit.size.tokens[e];
    if (deferring_) version_jobs_.push_back(unit.job);
    begin = end;
  }
  if (words_) total.words -= split_words;
  return total;
}

// The copies of a batch's units are released after a batch that needed more
// than this.
constexpr size_t kKeepJobBytes = size_t{16} << 20;

void TextMeasurer::StartDeferred() {
  jobs_.clear();
  job_bytes_.clear();
  if (job_bytes_.capacity() > kKeepJobBytes) std::string().swap(job_bytes_);
  version_jobs_.clear();
  version_starts_.assign(1, 0);
}

TextSize TextMeasurer::MeasureVersionDeferred(std::string_view text, const std::vector<std::string_view>* segments,
                                              bool stays, uint32_t* version) {
  deferring_ = true;
  stays_ = stays;
  *version = static_cast<uint32_t>(version_starts_.size() - 1);
  const TextSize size = Version(text, segments);
  version_starts_.push_back(static_cast<uint32_t>(version_jobs_.size()));
  deferring_ = false;
  return size;
}

void TextMeasurer::CountDeferred() {
  const size_t n = encodings_.size();
  job_tokens_.resize(jobs_.size() * n);
  // One encoding at a time over all units: its caches stay warm.
  for (size_t e = 0; e < n; ++e) {
    for (size_t j = 0; j < jobs_.size(); ++j) {
      const Job& job = jobs_[j];
      const std::string_view unit = job.copied ? std::string_view(job_bytes_).substr(job.offset, job.size)
                                               : std::string_view(job.data, job.size);
      job_tokens_[j * n + e] = encodings_[e]->Count(unit, &scratch_[e]);
    }
  }
  // Each version's sum, once (a document's tiers and rules share versions).
  const size_t versions = version_starts_.size() - 1;
  version_tokens_.assign(versions * n, 0);
  for (size_t v = 0; v < versions; ++v) {
    uint64_t* sum = &version_tokens_[v * n];
    for (uint32_t k = version_starts_[v]; k < version_starts_[v + 1]; ++k) {
      const uint64_t* tokens = &job_tokens_[size_t{version_jobs_[k]} * n];
      for (size_t e = 0; e < n; ++e) sum[e] += tokens[e];
    }
  }
}

void TextMeasurer::AddDeferredTokens(uint32_t version, TextSize* size) const {
  const size_t n = encodings_.size();
  for (size_t e = 0; e < n; ++e) size->tokens[e] += version_tokens_[version * n + e];
}

}  // namespace stocktake::pipeline
