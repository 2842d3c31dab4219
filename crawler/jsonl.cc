// JSONL lines with simdjson On-Demand: one pass over the object's fields,
// wanted strings unescaped, everything else walked and validated without
// unescaping (crawler/jsonl_engine.inc, once per simdjson kernel). The line
// is copied into a padded buffer (simdjson reads up to SIMDJSON_PADDING
// bytes past the end).
#include "crawler/jsonl.h"

#include "crawler/jsonl_engine.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace stocktake::crawler {
namespace {

constexpr std::string_view kBlank = " \t\r\n";

using jsonl_internal::FieldPaths;

void SplitPath(const std::string& path, std::string* outer, std::string* inner) {
  const size_t dot = path.find('.');
  *outer = path.substr(0, dot);
  *inner = dot == std::string::npos ? std::string() : path.substr(dot + 1);
}

// The engine for the CPU we run on (simdjson's own choice of kernel).
std::unique_ptr<jsonl_internal::Engine> MakeEngine(const FieldPaths& paths) {
  const std::string name = simdjson::get_active_implementation()->name();
  if (name == "icelake" || name == "haswell") {
    if (auto engine = jsonl_internal::MakeHaswellEngine(paths)) return engine;
  }
  return jsonl_internal::MakeFallbackEngine(paths);
}

}  // namespace

bool LooksLikeJsonl(std::string_view prefix) {
  if (prefix.substr(0, 3) == "\xEF\xBB\xBF") prefix.remove_prefix(3);
  const size_t first = prefix.find_first_not_of(kBlank);
  return first != std::string_view::npos && prefix[first] == '{';
}

struct JsonlParser::Impl {
  FieldPaths paths;
  std::unique_ptr<jsonl_internal::Engine> engine;
  std::vector<char> buffer;
};

JsonlParser::JsonlParser(JsonlFields fields) : impl_(std::make_unique<Impl>()) {
  SplitPath(fields.text, &impl_->paths.text_outer, &impl_->paths.text_inner);
  SplitPath(fields.id, &impl_->paths.id_outer, &impl_->paths.id_inner);
  SplitPath(fields.url, &impl_->paths.url_outer, &impl_->paths.url_inner);
  impl_->engine = MakeEngine(impl_->paths);
}

JsonlParser::~JsonlParser() = default;

std::string_view JsonlParser::Parse(std::string_view line, JsonlDocument* out) {
  *out = JsonlDocument{};
  if (line.find_first_not_of(kBlank) == std::string_view::npos) return "jsonl_blank_line";
  std::vector<char>& buffer = impl_->buffer;
  if (buffer.size() < line.size() + simdjson::SIMDJSON_PADDING) buffer.resize(line.size() + simdjson::SIMDJSON_PADDING);
  std::copy(line.begin(), line.end(), buffer.begin());
  return impl_->engine->Parse(buffer.data(), line.size(), buffer.size(), out);
}

JsonlLineReader::JsonlLineReader(std::unique_ptr<ByteSource> source, size_t max_line_bytes)
    : stream_(std::move(source)), max_line_bytes_(std::max<size_t>(max_line_bytes, 1)) {}

bool JsonlLineReader::Fill() {
  if (ended_) return false;
  constexpr size_t kChunk = size_t{1} << 20;
  if (begin_ > 0) {  // keep the unfinished line at the front
    std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(begin_), buffer_.begin() + static_cast<std::ptrdiff_t>(end_),
              buffer_.begin());
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() < end_ + kChunk) buffer_.resize(end_ + kChunk);
  for (;;) {
    DecodedStream::ReadResult got =
        stream_.Read(reinterpret_cast<uint8_t*>(buffer_.data()) + end_, buffer_.size() - end_);
    end_ += got.size;
    if (got.size > 0) return true;
    if (got.stream_end) {
      ended_ = true;
      return false;
    }
  }
}

bool JsonlLineReader::Next(Line* line) {
  bool skipping = false;  // inside a line past the limit
  size_t searched = begin_;
  for (;;) {
    const char* start = buffer_.data() + searched;
    const void* nl = searched < end_ ? std::memchr(start, '\n', end_ - searched) : nullptr;
    if (nl != nullptr) {
      const size_t at = static_cast<size_t>(static_cast<const char*>(nl) - buffer_.data());
      *line = Line{};
      line->number = ++number_;
      line->too_long = skipping || at - begin_ > max_line_bytes_;
      if (!line->too_long) line->text = std::string_view(buffer_.data() + begin_, at - begin_);
      begin_ = at + 1;
      return true;
    }
    if (end_ - begin_ > max_line_bytes_) {  // drop what we have of this line
      skipping = true;
      begin_ = end_;
    }
    searched = end_;
    const size_t kept = end_ - begin_;
    if (!Fill()) {
      if (!skipping && kept == 0) return false;
      *line = Line{};  // the last line, without a final '\n'
      line->number = ++number_;
      line->too_long = skipping;
      if (!skipping) line->text = std::string_view(buffer_.data() + begin_, end_ - begin_);
      begin_ = end_;
      return true;
    }
    searched = begin_ + kept;  // Fill moved the kept bytes to the front
  }
}

}  // namespace stocktake::crawler
