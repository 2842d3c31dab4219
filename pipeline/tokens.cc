// `stocktake tokens`. See tokens.h.
#include "pipeline/tokens.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>

#include "crawler/charset.h"
#include "pipeline/config.h"
#include "pipeline/text_measure.h"

namespace stocktake::pipeline {
namespace {

constexpr int kUnreadable = 1;
constexpr int kSetupError = 2;

// Counts of one text, or sums over the chunks of one: a column per
// encoding, then (with words) UAX #29 and whitespace words.
class Counter {
 public:
  Counter(std::vector<std::shared_ptr<const stats::Encoding>> encodings, bool words)
      : measurer_(std::move(encodings), words), words_(words) {}

  void Reset() { total_ = TextSize{}; }
  void Add(std::string_view text) {
    TextSize size = measurer_.Measure(text);
    total_.words += size.words;
    total_.words_uax29 += size.words_uax29;
    for (size_t e = 0; e < measurer_.encodings(); ++e) total_.tokens[e] += size.tokens[e];
  }
  // Tab-terminated count columns.
  std::string Columns() const {
    std::string line;
    for (size_t e = 0; e < measurer_.encodings(); ++e) fmt::format_to(std::back_inserter(line), "{}\t", total_.tokens[e]);
    if (words_) fmt::format_to(std::back_inserter(line), "{}\t{}\t", total_.words_uax29, total_.words);
    return line;
  }

 private:
  TextMeasurer measurer_;
  bool words_;
  TextSize total_;
};

// The last safe cut in `text` (0 if none; TextMeasurer::SafeCut): counting
// the parts on either side separately gives the counts of the whole, for
// every split pattern, whitespace words and UAX #29 words (line breaks are
// hard breaks), and no character is cut in two, so charset repair cannot
// join across it either.
size_t LastSafeCut(std::string_view text) {
  for (size_t pos = text.size(); pos >= 2; --pos) {
    if (text[pos - 1] == '\n' && TextMeasurer::SafeCut(text, pos)) return pos;
  }
  return 0;
}

}  // namespace

int RunTokens(const TokensOptions& options, const std::vector<std::string>& files, std::FILE* out, std::FILE* err) {
  std::vector<std::string> names = options.encodings;
  if (names.empty()) names.push_back("cl100k_base");
  if (names.size() > kMaxEncodings) {
    std::fprintf(err, "stocktake: error: at most %zu encodings at once\n", kMaxEncodings);
    return kSetupError;
  }
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
        done = eof ? pending.size() : LastSafeCut(pending);
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
