// Config loading with toml++. Validation walks the parsed table against a
// fixed schema so a typo ("max_recrod_bytes") is an error, not a silently
// ignored key that leaves a default in force.
#include "pipeline/config.h"

#include <fmt/format.h>

#include <toml++/toml.h>

#include <functional>
#include <map>

#include "common/byte_source.h"
#include "common/hash.h"
#include "common/json_writer.h"

namespace stocktake::pipeline {

namespace {

std::string Where(const std::string& path, const toml::node& node, const std::string& key) {
  const auto& src = node.source();
  if (src.begin.line > 0) return fmt::format("config '{}': line {}: '{}'", path, src.begin.line, key);
  return fmt::format("config '{}': '{}'", path, key);
}

Status SetUnsigned(const toml::node& node, const std::string& where, uint64_t min, uint64_t max,
                   uint64_t* out) {
  auto v = node.value<int64_t>();
  if (!node.is_integer() || !v) return InvalidArgument(where + " must be an integer");
  if (*v < 0 || static_cast<uint64_t>(*v) < min || static_cast<uint64_t>(*v) > max) {
    return InvalidArgument(fmt::format("{} must be between {} and {} (got {})", where, min, max, *v));
  }
  *out = static_cast<uint64_t>(*v);
  return Status::Ok();
}

Status SetChoice(const toml::node& node, const std::string& where, std::initializer_list<const char*> choices,
                 std::string* out) {
  if (!node.is_string()) return InvalidArgument(where + " must be a string");
  std::string v = node.value<std::string>().value_or("");
  std::string allowed;
  for (const char* c : choices) {
    if (v == c) {
      *out = v;
      return Status::Ok();
    }
    allowed += allowed.empty() ? "" : ", ";
    allowed += fmt::format("\"{}\"", c);
  }
  return InvalidArgument(fmt::format("{} must be one of {} (got \"{}\")", where, allowed, v));
}

}  // namespace

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return Status(text.status().code(), "cannot read config: " + text.status().message());
  toml::table root;
  try {
    root = toml::parse(*text, path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format("config '{}': line {}: {}", path, e.source().begin.line, e.description()));
  }

  Config config;
  config.source = path;
  using Apply = std::function<Status(const toml::node&, const std::string&)>;
  const std::map<std::string, std::map<std::string, Apply>> schema = {
      {"reader",
       {{"max_record_bytes",
         [&](const toml::node& n, const std::string& w) {
           return SetUnsigned(n, w, 1024, 4ull << 30, &config.max_record_bytes);
         }},
        {"max_header_bytes",
         [&](const toml::node& n, const std::string& w) {
           return SetUnsigned(n, w, 1024, 16ull << 20, &config.max_header_bytes);
         }},
        {"gzip_engine",
         [&](const toml::node& n, const std::string& w) {
           return SetChoice(n, w, {"isal", "zlib"}, &config.gzip_engine);
         }}}},
      {"http",
       {{"max_payload_bytes",
         [&](const toml::node& n, const std::string& w) {
           return SetUnsigned(n, w, 1024, 4ull << 30, &config.max_payload_bytes);
         }}}},
      {"extract",
       {{"mode",
         [&](const toml::node& n, const std::string& w) {
           std::string mode;
           STOCKTAKE_RETURN_IF_ERROR(SetChoice(n, w, {"main", "full"}, &mode));
           crawler::ParseExtractMode(mode, &config.extract.mode);
           return Status::Ok();
         }},
        {"max_html_bytes",
         [&](const toml::node& n, const std::string& w) {
           uint64_t v = 0;
           STOCKTAKE_RETURN_IF_ERROR(SetUnsigned(n, w, 1024, 1ull << 30, &v));
           config.extract.max_html_bytes = v;
           return Status::Ok();
         }},
        {"max_depth",
         [&](const toml::node& n, const std::string& w) {
           uint64_t v = 0;
           STOCKTAKE_RETURN_IF_ERROR(SetUnsigned(n, w, 16, 100000, &v));
           config.extract.max_depth = v;
           return Status::Ok();
         }},
        {"max_work",
         [&](const toml::node& n, const std::string& w) {
           return SetUnsigned(n, w, 1000, 1ull << 40, &config.extract.max_work);
         }}}},
      {"run",
       {{"threads",
         [&](const toml::node& n, const std::string& w) {
           uint64_t threads = 0;
           STOCKTAKE_RETURN_IF_ERROR(SetUnsigned(n, w, 0, 4096, &threads));
           config.threads = static_cast<int>(threads);
           return Status::Ok();
         }}}},
  };

  for (const auto& [section, node] : root) {
    std::string name(section.str());
    auto known = schema.find(name);
    if (known == schema.end()) return InvalidArgument(Where(path, node, name) + " is not a known section");
    const toml::table* table = node.as_table();
    if (table == nullptr) return InvalidArgument(Where(path, node, name) + " must be a table ([" + name + "])");
    for (const auto& [key, value] : *table) {
      std::string full = name + "." + std::string(key.str());
      auto setter = known->second.find(std::string(key.str()));
      if (setter == known->second.end()) return InvalidArgument(Where(path, value, full) + " is not a known key");
      STOCKTAKE_RETURN_IF_ERROR(setter->second(value, Where(path, value, full)));
    }
  }
  return config;
}

void WriteConfigObject(const Config& config, JsonWriter* w) {
  w->BeginObject();
  w->Key("reader").BeginObject();
  w->Field("max_record_bytes", config.max_record_bytes);
  w->Field("max_header_bytes", config.max_header_bytes);
  w->Field("gzip_engine", config.gzip_engine);
  w->EndObject();
  w->Key("http").BeginObject();
  w->Field("max_payload_bytes", config.max_payload_bytes);
  w->EndObject();
  w->Key("extract").BeginObject();
  w->Field("mode", crawler::ExtractModeName(config.extract.mode));
  w->Field("max_html_bytes", static_cast<uint64_t>(config.extract.max_html_bytes));
  w->Field("max_depth", static_cast<uint64_t>(config.extract.max_depth));
  w->Field("max_work", config.extract.max_work);
  w->EndObject();
  w->EndObject();
}

std::string ConfigJson(const Config& config, int indent) {
  std::string out;
  JsonWriter w(&out, indent);
  WriteConfigObject(config, &w);
  return out;
}

std::string ConfigHash(const Config& config) { return HexOf(Hash128Of(ConfigJson(config, 0))); }

}  // namespace stocktake::pipeline
