// `stocktake tokens`. See tokens.h.
#include "pipeline/tokens.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <filesystem>
#include <iostream>
#include <iterator>

#include "common/byte_source.h"
#include "crawler/charset.h"
#include "quality/segment.h"
#include "stats/word_count.h"

namespace stocktake::pipeline {
namespace {

constexpr int kUnreadable = 1;
constexpr int kSetupError = 2;

Result<std::string> ReadInput(const std::string& path) {
  if (path != "-") return ReadFileToString(path);
  std::string bytes((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return IoError("cannot read standard input");
  return bytes;
}

class Counter {
 public:
  Counter(std::vector<std::shared_ptr<const stats::Encoding>> encodings, bool words)
      : encodings_(std::move(encodings)), words_(words), scratch_(encodings_.size()) {}

  // Tab-terminated count columns for `text`.
  std::string Columns(std::string_view text) {
    std::string line;
    for (size_t e = 0; e < encodings_.size(); ++e) {
      fmt::format_to(std::back_inserter(line), "{}\t", encodings_[e]->Count(text, &scratch_[e]));
    }
    if (words_) {
      fmt::format_to(std::back_inserter(line), "{}\t{}\t", segmenter_.CountWords(text, &word_views_),
                     stats::CountWhitespaceWords(text));
    }
    return line;
  }

 private:
  std::vector<std::shared_ptr<const stats::Encoding>> encodings_;
  bool words_;
  std::vector<stats::TokenScratch> scratch_;  // per encoding
  quality::Segmenter segmenter_;
  std::vector<std::string_view> word_views_;
};

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
  int exit_code = 0;
  for (const std::string& file : files) {
    Result<std::string> bytes = ReadInput(file);
    if (!bytes.ok()) {
      std::fprintf(err, "stocktake: %s\n", bytes.status().message().c_str());
      exit_code = kUnreadable;
      continue;
    }
    if (!options.jsonl) {
      uint64_t replaced = 0;
      std::string_view text = converter.Convert(*bytes, "UTF-8", &replaced);
      std::fprintf(out, "%s%s\n", counter.Columns(text).c_str(), file.c_str());
      continue;
    }
    std::string_view all = *bytes;
    size_t line_number = 0;
    for (size_t pos = 0; pos < all.size();) {
      size_t eol = all.find('\n', pos);
      if (eol == std::string_view::npos) eol = all.size();
      std::string_view line = all.substr(pos, eol - pos);
      pos = eol + 1;
      ++line_number;
      std::string where = files.size() > 1 ? fmt::format("{}:{}", file, line_number) : std::to_string(line_number);
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      simdjson::padded_string padded(line);
      std::string_view text;
      auto doc = parser.iterate(padded);
      auto field = doc.find_field_unordered(options.text_field);
      if (field.error() || field.get_string().get(text)) {
        std::fprintf(err, "stocktake: %s: no string field '%s' (or not JSON)\n", where.c_str(),
                     options.text_field.c_str());
        exit_code = kUnreadable;
        continue;
      }
      uint64_t replaced = 0;
      std::fprintf(out, "%s%s\n", counter.Columns(converter.Convert(text, "UTF-8", &replaced)).c_str(),
                   where.c_str());
    }
  }
  return exit_code;
}

}  // namespace stocktake::pipeline
