// `stocktake tokens`. See tokens.h.
#include "pipeline/tokens.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>

#include "crawler/charset.h"
#include "quality/segment.h"
#include "stats/word_count.h"

namespace stocktake::pipeline {
namespace {

constexpr int kUnreadable = 1;
constexpr int kSetupError = 2;

// Counts of one text, or sums over the chunks of one: a column per
// encoding, then UAX #29 and whitespace words.
class Counter {
 public:
  Counter(std::vector<std::shared_ptr<const stats::Encoding>> encodings, bool words)
      : encodings_(std::move(encodings)), words_(words), scratch_(encodings_.size()) {}

  void Reset() { totals_.assign(encodings_.size() + (words_ ? 2 : 0), 0); }
  void Add(std::string_view text) {
    for (size_t e = 0; e < encodings_.size(); ++e) totals_[e] += encodings_[e]->Count(text, &scratch_[e]);
    if (words_) {
      totals_[encodings_.size()] += segmenter_.CountWords(text, &word_views_);
      totals_[encodings_.size() + 1] += stats::CountWhitespaceWords(text);
    }
  }
  // Tab-terminated count columns.
  std::string Columns() const {
    std::string line;
    for (uint64_t v : totals_) fmt::format_to(std::back_inserter(line), "{}\t", v);
    return line;
  }

 private:
  std::vector<std::shared_ptr<const stats::Encoding>> encodings_;
  bool words_;
  std::vector<stats::TokenScratch> scratch_;  // per encoding
  quality::Segmenter segmenter_;
  std::vector<std::string_view> word_views_;
  std::vector<uint64_t> totals_;
};

// The end of the last safe cut in `text` (0 if none): a line break between
// an ASCII graphic character and an ASCII letter. Every split pattern ends a
// piece at such a line break, takes it as a piece of its own (or as the tail
// of the punctuation before it) whether or not the letter follows, and
// starts a new piece at the letter; charset repair, whitespace words and
// UAX #29 words (line breaks are hard breaks) cannot join across it either.
// So counting the parts separately gives the counts of the whole.
size_t SafeCut(std::string_view text) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  for (size_t i = text.size(); i >= 3; --i) {
    if (letter(text[i - 1]) && text[i - 2] == '\n' && text[i - 3] > ' ' && text[i - 3] < 0x7F) return i - 1;
  }
  return 0;
}

}  // namespace

Result<std::shared_ptr<const stats::Encoding>> LoadEncoding(const std::string& spec, const std::string& file_pattern,
                                                           const std::string& sha256, const std::string& base_dir) {
  if (stats::SplitPatternByName(spec).has_value() && spec.find('/') == std::string::npos &&
      !std::filesystem::exists(spec)) {
    return stats::Encoding::Builtin(spec);
  }
  if (spec.find('/') == std::string::npos && spec.find('.') == std::string::npos) {
    return InvalidArgument(fmt::format(
        "unknown encoding '{}': use cl100k_base, o200k_base, r50k_base (gpt2) or the path of a .tiktoken file",
        spec));
  }
  std::optional<stats::SplitPattern> pattern = stats::SplitPatternByName(file_pattern);
  if (!pattern.has_value()) {
    return InvalidArgument(fmt::format("unknown split pattern '{}': use cl100k_base, o200k_base or r50k_base",
                                       file_pattern));
  }
  std::filesystem::path path(spec);
  if (path.is_relative() && !base_dir.empty()) path = std::filesystem::path(base_dir) / path;
  return stats::Encoding::FromFile(path.string(), *pattern, sha256, spec);
}

int RunTokens(const TokensOptions& options, const std::vector<std::string>& files, std::FILE* out, std::FILE* err) {
  std::vector<std::string> names = options.encodings;
  if (names.empty()) names.push_back("cl100k_base");
  std::vector<std::shared_ptr<const stats::Encoding>> encodings;
  for (const std::string& name : names) {
    auto encoding = LoadEncoding(name, options.pattern);
    if (!encoding.ok()) {
      std::fprintf(err, "stocktake: error: %s\n", encoding.status().message().c_str());
      return kSetupError;
    }
    encodings.push_back(*encoding);
  }
  if (options.header) {
    std::string header;
    for (const auto& encoding : encodings) header += encoding->name() + "\t";
    if (options.words) header += "words_uax29\twords_whitespace\t";
    header += options.jsonl ? "line" : "file";
    std::fprintf(out, "%s\n", header.c_str());
  }

  Counter counter(std::move(encodings), options.words);
  crawler::CharsetConverter converter;
  simdjson::ondemand::parser parser;
  uint64_t replaced = 0;
  int exit_code = 0;
  const size_t block = std::max<size_t>(options.block_bytes, 16);
  std::string pending;
  for (const std::string& file : files) {
    std::FILE* in = file == "-" ? stdin : std::fopen(file.c_str(), "rb");
    if (in == nullptr) {
      std::fprintf(err, "stocktake: cannot open '%s': %s\n", file.c_str(), std::strerror(errno));
      exit_code = kUnreadable;
      continue;
    }
    counter.Reset();
    pending.clear();
    size_t line_number = 0;
    // Counts one JSON line (jsonl mode).
    auto json_line = [&](std::string_view line) {
      ++line_number;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
      std::string where = files.size() > 1 ? fmt::format("{}:{}", file, line_number) : std::to_string(line_number);
      simdjson::padded_string padded(line);
      std::string_view text;
      auto doc = parser.iterate(padded);
      auto field = doc.find_field_unordered(options.text_field);
      if (field.error() || field.get_string().get(text)) {
        std::fprintf(err, "stocktake: %s: no string field '%s' (or not JSON)\n", where.c_str(),
                     options.text_field.c_str());
        exit_code = kUnreadable;
        return;
      }
      counter.Reset();
      counter.Add(converter.Convert(text, "UTF-8", &replaced));
      std::fprintf(out, "%s%s\n", counter.Columns().c_str(), where.c_str());
    };
    bool read_error = false;
    for (bool eof = false; !eof;) {
      size_t old = pending.size();
      pending.resize(old + block);
      size_t got = std::fread(pending.data() + old, 1, block, in);
      pending.resize(old + got);
      eof = got < block;
      if (eof && std::ferror(in)) read_error = true;
      // Everything up to `done` is counted; the rest waits for more bytes.
      size_t done = 0;
      if (options.jsonl) {
        for (size_t eol; (eol = pending.find('\n', done)) != std::string::npos; done = eol + 1) {
          json_line(std::string_view(pending).substr(done, eol - done));
        }
        if (eof && done < pending.size()) {
          json_line(std::string_view(pending).substr(done));
          done = pending.size();
        }
      } else {
        done = eof ? pending.size() : SafeCut(pending);
        if (done > 0) counter.Add(converter.Convert(std::string_view(pending).substr(0, done), "UTF-8", &replaced));
      }
      pending.erase(0, done);
    }
    if (in != stdin) std::fclose(in);
    if (read_error) {
      std::fprintf(err, "stocktake: cannot read '%s'\n", file.c_str());
      exit_code = kUnreadable;
      continue;
    }
    if (!options.jsonl) std::fprintf(out, "%s%s\n", counter.Columns().c_str(), file.c_str());
  }
  return exit_code;
}

}  // namespace stocktake::pipeline
