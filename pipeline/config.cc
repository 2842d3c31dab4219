// Config loading with toml++. Validation walks the parsed table against a
// fixed schema so a typo ("max_recrod_bytes") is an error, not a silently
// ignored key that leaves a default in force.
#include "pipeline/config.h"

#include <fmt/format.h>

#include <toml++/toml.h>

#include <filesystem>
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
  // as_integer, not value<int64_t>: toml++'s float-to-integer conversion
  // casts out-of-range doubles (1e300) to int64_t, which is undefined.
  const toml::value<int64_t>* integer = node.as_integer();
  if (integer == nullptr) return InvalidArgument(where + " must be an integer");
  const int64_t v = integer->get();
  if (v < 0 || static_cast<uint64_t>(v) < min || static_cast<uint64_t>(v) > max) {
    return InvalidArgument(fmt::format("{} must be between {} and {} (got {})", where, min, max, v));
  }
  *out = static_cast<uint64_t>(v);
  return Status::Ok();
}

// A language-ID sample size: 0 (`zero_means`) or 256 bytes to 1 GiB.
Status SetSampleBytes(const toml::node& node, const std::string& where, const char* zero_means, uint64_t* out) {
  uint64_t v = 0;
  STOCKTAKE_RETURN_IF_ERROR(SetUnsigned(node, where, 0, 1ull << 30, &v));
  if (v != 0 && v < 256) return InvalidArgument(fmt::format("{} must be 0 ({}) or at least 256", where, zero_means));
  *out = v;
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

// A JSONL field path: a name, or "outer.inner" (one level down).
Status SetFieldPath(const toml::node& node, const std::string& where, std::string* out) {
  if (!node.is_string()) return InvalidArgument(where + " must be a string");
  const std::string path = node.value<std::string>().value_or("");
  const size_t dot = path.find('.');
  if (path.empty() || dot == 0 || dot + 1 == path.size() || (dot != std::string::npos && path.find('.', dot + 1) != std::string::npos)) {
    return InvalidArgument(where + " must be a field name or \"outer.inner\"");
  }
  *out = path;
  return Status::Ok();
}

Status SetFlag(const toml::node& node, const std::string& where, bool* out) {
  if (!node.is_boolean()) return InvalidArgument(where + " must be true or false");
  *out = node.value<bool>().value_or(false);
  return Status::Ok();
}

Status SetFraction(const toml::node& node, const std::string& where, double* out) {
  auto v = node.value<double>();
  if (!(node.is_integer() || node.is_floating_point()) || !v) return InvalidArgument(where + " must be a number");
  if (!(*v > 0 && *v <= 1)) return InvalidArgument(fmt::format("{} must be above 0 and at most 1 (got {})", where, *v));
  *out = *v;
  return Status::Ok();
}

Status SetNumber(const toml::node& node, const std::string& where, double min, double max, double* out) {
  auto v = node.value<double>();
  if (!(node.is_integer() || node.is_floating_point()) || !v) return InvalidArgument(where + " must be a number");
  if (!(*v >= min && *v <= max)) {
    return InvalidArgument(fmt::format("{} must be between {} and {} (got {})", where, min, max, *v));
  }
  *out = *v;
  return Status::Ok();
}

// "512M", "8G", "1T" or a number of megabytes: what sbatch --mem takes.
Status SetSlurmMemory(const toml::node& node, const std::string& where, std::string* out) {
  std::string v = node.is_integer() ? std::to_string(node.as_integer()->get())
                                    : node.value<std::string>().value_or("");
  size_t digits = 0;
  while (digits < v.size() && std::isdigit(static_cast<unsigned char>(v[digits]))) ++digits;
  const std::string_view unit = std::string_view(v).substr(digits);
  const bool ok = digits > 0 && (unit.empty() || (unit.size() == 1 && std::string_view("KMGTkmgt").find(unit[0]) !=
                                                                          std::string_view::npos));
  if ((!node.is_string() && !node.is_integer()) || !ok) {
    return InvalidArgument(where + " must be a Slurm memory size (\"512M\", \"8G\")");
  }
  *out = v;
  return Status::Ok();
}

Status SetSmall(const toml::node& node, const std::string& where, uint64_t min, uint64_t max, uint32_t* out) {
  uint64_t v = 0;
  STOCKTAKE_RETURN_IF_ERROR(SetUnsigned(node, where, min, max, &v));
  *out = static_cast<uint32_t>(v);
  return Status::Ok();
}

// Below this a run cannot hold one batch per thread and the clustering's
// minimum budget at once.
constexpr uint64_t kMinMemoryLimit = 64ull << 20;

bool NamesRankFile(std::string_view spec) {
  return spec.find('/') != std::string_view::npos || spec.find('.') != std::string_view::npos;
}

Status UnknownEncoding(std::string_view spec) {
  return InvalidArgument(fmt::format(
      "unknown encoding '{}': use cl100k_base, o200k_base, r50k_base (gpt2) or the path of a .tiktoken file", spec));
}

bool IsRuleName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string KindList() {
  std::string out;
  for (quality::RuleKind k : {quality::RuleKind::kLanguage, quality::RuleKind::kGopherQuality,
                              quality::RuleKind::kGopherRepetition, quality::RuleKind::kC4, quality::RuleKind::kFineWeb,
                              quality::RuleKind::kClassifier}) {
    out += out.empty() ? "" : ", ";
    out += fmt::format("\"{}\"", quality::RuleKindName(k));
  }
  return out;
}

Status SetRuleParam(const quality::RuleParam& param, const toml::node& node, const std::string& where) {
  using T = quality::RuleParam::Type;
  switch (param.type) {
    case T::kNumber: {
      auto v = node.value<double>();
      if (!(node.is_integer() || node.is_floating_point()) || !v) return InvalidArgument(where + " must be a number");
      if (!(*v >= param.min && *v <= param.max)) {
        return InvalidArgument(fmt::format("{} must be between {} and {} (got {})", where, param.min, param.max, *v));
      }
      *param.number = *v;
      return Status::Ok();
    }
    case T::kFlag:
      if (!node.is_boolean()) return InvalidArgument(where + " must be true or false");
      *param.flag = node.value<bool>().value_or(false);
      return Status::Ok();
    case T::kText:
      if (!node.is_string()) return InvalidArgument(where + " must be a string");
      *param.text = node.value<std::string>().value_or("");
      return Status::Ok();
    case T::kTextList: {
      const toml::array* array = node.as_array();
      if (array == nullptr) return InvalidArgument(where + " must be an array of strings");
      param.list->clear();
      for (const toml::node& item : *array) {
        if (!item.is_string()) return InvalidArgument(where + " must be an array of strings");
        param.list->push_back(item.value<std::string>().value_or(""));
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

// [rules.NAME] tables: a known name adjusts that rule, a new name (with a
// kind) adds one.
Status ParseRules(const std::string& path, const toml::node& node, Config* config) {
  const toml::table* rules = node.as_table();
  if (rules == nullptr) return InvalidArgument(Where(path, node, "rules") + " must hold tables ([rules.NAME])");
  for (const auto& [key, value] : *rules) {
    std::string name(key.str());
    std::string where = Where(path, value, "rules." + name);
    const toml::table* table = value.as_table();
    if (table == nullptr) return InvalidArgument(where + " must be a table ([rules." + name + "])");
    if (!IsRuleName(name)) return InvalidArgument(where + ": rule names use a-z, 0-9 and _");
    std::vector<quality::RuleSpec>& specs = config->quality.rules;
    auto it = std::find_if(specs.begin(), specs.end(), [&](const quality::RuleSpec& r) { return r.name == name; });
    const toml::node* kind_node = table->get("kind");
    quality::RuleKind kind{};
    if (kind_node != nullptr) {
      std::string kind_name = kind_node->value<std::string>().value_or("");
      if (!kind_node->is_string() || !quality::ParseRuleKind(kind_name, &kind)) {
        return InvalidArgument(Where(path, *kind_node, "rules." + name + ".kind") + " must be one of " + KindList());
      }
    }
    if (it == specs.end()) {
      if (kind_node == nullptr) {
        return InvalidArgument(where + " is a new rule and needs a kind (one of " + KindList() + ")");
      }
      quality::RuleSpec spec;
      spec.name = name;
      spec.kind = kind;
      specs.push_back(spec);
      it = specs.end() - 1;
    } else if (kind_node != nullptr && kind != it->kind) {
      return InvalidArgument(fmt::format("{}: rule '{}' is of kind \"{}\"; define a rule with a new name for kind \"{}\"",
                                         where, name, quality::RuleKindName(it->kind), quality::RuleKindName(kind)));
    }
    std::vector<quality::RuleParam> params = quality::RuleParams(&*it);
    for (const auto& [pkey, pvalue] : *table) {
      std::string pname(pkey.str());
      if (pname == "kind") continue;
      std::string pwhere = Where(path, pvalue, "rules." + name + "." + pname);
      auto param = std::find_if(params.begin(), params.end(), [&](const quality::RuleParam& p) { return pname == p.key; });
      if (param == params.end()) {
        std::string known;
        for (const quality::RuleParam& p : params) known += (known.empty() ? "" : ", ") + std::string(p.key);
        return InvalidArgument(fmt::format("{} is not a parameter of a {} rule (known: {})", pwhere,
                                           quality::RuleKindName(it->kind), known));
      }
      STOCKTAKE_RETURN_IF_ERROR(SetRuleParam(*param, pvalue, pwhere));
    }
    if (it->kind == quality::RuleKind::kClassifier) {
      quality::ClassifierParams& c = it->classifier;
      if (c.model.empty()) return InvalidArgument(where + ".model must name a fastText model file (.bin)");
      std::filesystem::path model(c.model);
      if (model.is_relative()) model = std::filesystem::path(path).parent_path() / model;
      c.model = model.lexically_normal().string();
      Hash128 digest;
      if (!HashFile(c.model, &digest)) {
        return InvalidArgument(fmt::format("{}.model: cannot read '{}'", where, c.model));
      }
      c.model_digest = HexOf(digest);
    }
  }
  return Status::Ok();
}

// [[tiers]]: the whole ordered list, replacing the default tiers.
Status ParseTiers(const std::string& path, const toml::node& node, Config* config) {
  const toml::array* tiers = node.as_array();
  if (tiers == nullptr || tiers->empty()) {
    return InvalidArgument(Where(path, node, "tiers") + " must be a non-empty array of tables ([[tiers]])");
  }
  config->quality.tiers.clear();
  for (const toml::node& item : *tiers) {
    const toml::table* table = item.as_table();
    if (table == nullptr) return InvalidArgument(Where(path, item, "tiers") + " entries must be tables ([[tiers]])");
    quality::TierSpec tier;
    for (const auto& [key, value] : *table) {
      std::string k(key.str());
      std::string where = Where(path, value, "tiers." + k);
      if (k == "name") {
        if (!value.is_string() || !IsRuleName(value.value<std::string>().value_or(""))) {
          return InvalidArgument(where + " must be a name made of a-z, 0-9 and _");
        }
        tier.name = value.value<std::string>().value_or("");
      } else if (k == "rules") {
        const toml::array* rules = value.as_array();
        if (rules == nullptr) return InvalidArgument(where + " must be an array of rule names");
        for (const toml::node& r : *rules) {
          if (!r.is_string()) return InvalidArgument(where + " must be an array of rule names");
          tier.rules.push_back(r.value<std::string>().value_or(""));
        }
      } else {
        return InvalidArgument(where + " is not a known key (tiers have a name and rules)");
      }
    }
    if (tier.name.empty()) return InvalidArgument(Where(path, item, "tiers") + " entry needs a name");
    config->quality.tiers.push_back(std::move(tier));
  }
  return Status::Ok();
}

// A TOML basic string.
std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += fmt::format("\\u{:04X}", u);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// The shortest text that reads back as the same double. Integral values stay
// integers (rule numbers and fractions accept both) unless they would not fit
// a TOML integer.
std::string TomlFloat(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_not_of("-0123456789") == std::string::npos && (v >= 9.2e18 || v <= -9.2e18)) s += ".0";
  return s;
}

// Paths the loader resolved against a relative config path are relative to
// the current directory; written absolute they mean the same from anywhere.
std::string AbsolutePath(const std::string& path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return error ? path : absolute.lexically_normal().string();
}

}  // namespace

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return Status(text.status().code(), "cannot read config: " + text.status().message());
  auto config = ParseConfig(*text, path);
  if (!config.ok()) return config;
  Status resolved = ResolveEncodings(&*config);
  if (!resolved.ok()) return Status(resolved.code(), fmt::format("config '{}': {}", path, resolved.message()));
  return config;
}

Result<Config> ParseConfig(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format("config '{}': line {}: {}", path, e.source().begin.line, e.description()));
  }

  Config config;
  config.source = path;
  std::string rank_file_pattern = "cl100k_base";
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
      {"jsonl",
       {{"text_field",
         [&](const toml::node& n, const std::string& w) { return SetFieldPath(n, w, &config.jsonl.text); }},
        {"id_field", [&](const toml::node& n, const std::string& w) { return SetFieldPath(n, w, &config.jsonl.id); }},
        {"url_field",
         [&](const toml::node& n, const std::string& w) { return SetFieldPath(n, w, &config.jsonl.url); }}}},
      {"quality",
       {{"normal_form",
         [&](const toml::node& n, const std::string& w) {
           std::string form;
           STOCKTAKE_RETURN_IF_ERROR(SetChoice(n, w, {"nfc", "nfkc"}, &form));
           config.quality.normal_form = form == "nfkc" ? quality::NormalForm::kNFKC : quality::NormalForm::kNFC;
           return Status::Ok();
         }},
        {"language_min_bytes",
         [&](const toml::node& n, const std::string& w) {
           return SetUnsigned(n, w, 0, 1ull << 30, &config.language_min_bytes);
         }},
        {"language_sample_bytes",
         [&](const toml::node& n, const std::string& w) {
           return SetSampleBytes(n, w, "the whole text", &config.language_sample_bytes);
         }},
        {"language_quick_sample_bytes",
         [&](const toml::node& n, const std::string& w) {
           return SetSampleBytes(n, w, "no quick sample", &config.language_quick_sample_bytes);
         }},
        {"language_quick_min_score",
         [&](const toml::node& n, const std::string& w) {
           return SetFraction(n, w, &config.language_quick_min_score);
         }}}},
      {"tokens",
       {{"encodings",
         [&](const toml::node& n, const std::string& w) {
           const toml::array* list = n.as_array();
           if (list == nullptr || list->empty() || list->size() > Config::kMaxEncodings) {
             return InvalidArgument(fmt::format("{} must be an array of 1 to {} encoding names or .tiktoken paths", w,
                                                Config::kMaxEncodings));
           }
           config.encodings.clear();
           for (const toml::node& item : *list) {
             if (!item.is_string()) return InvalidArgument(w + " must be an array of strings");
             Config::TokenEncoding e;
             const std::string written = item.value<std::string>().value_or("");
             e.name = written;
             if (!stats::SplitPatternByName(written).has_value()) {
               if (!NamesRankFile(written)) return InvalidArgument(w + ": " + UnknownEncoding(written).message());
               std::filesystem::path file(written);
               // A rank file is reported under its file name: the same
               // wherever the config lives, and unchanged when `config show`
               // writes the path resolved.
               const std::string file_name = file.filename().string();
               if (file_name.empty() || file_name == "." || file_name == "..") {
                 return InvalidArgument(fmt::format("{}: '{}' names a folder, not a rank file", w, written));
               }
               e.name = file_name;
               if (file.is_relative()) file = std::filesystem::path(path).parent_path() / file;
               e.path = file.lexically_normal().string();
             }
             for (const auto& other : config.encodings) {
               if (other.name == e.name) {
                 return InvalidArgument(e.path.empty() && other.path.empty()
                                            ? fmt::format("{} lists '{}' twice", w, e.name)
                                            : fmt::format("{} has two encodings reported as '{}' (a rank file is "
                                                          "reported under its file name)",
                                                          w, e.name));
               }
             }
             config.encodings.push_back(std::move(e));
           }
           return Status::Ok();
         }},
        {"rank_file_pattern",
         [&](const toml::node& n, const std::string& w) {
           return SetChoice(n, w, {"cl100k_base", "o200k_base", "r50k_base"}, &rank_file_pattern);
         }}}},
      {"dedup",
       {{"enabled", [&](const toml::node& n, const std::string& w) { return SetFlag(n, w, &config.dedup.enabled); }},
        {"ngram",
         [&](const toml::node& n, const std::string& w) { return SetSmall(n, w, 1, 64, &config.dedup.minhash.ngram); }},
        {"bands",
         [&](const toml::node& n, const std::string& w) { return SetSmall(n, w, 1, 256, &config.dedup.minhash.bands); }},
        {"rows",
         [&](const toml::node& n, const std::string& w) { return SetSmall(n, w, 1, 64, &config.dedup.minhash.rows); }},
        {"char_shingles",
         [&](const toml::node& n, const std::string& w) { return SetFlag(n, w, &config.dedup.minhash.char_shingles); }},
        {"seed",
         [&](const toml::node& n, const std::string& w) {
           return SetUnsigned(n, w, 0, uint64_t{INT64_MAX}, &config.dedup.minhash.seed);
         }},
        {"partitions",
         [&](const toml::node& n, const std::string& w) { return SetSmall(n, w, 1, 65536, &config.dedup.partitions); }},
        {"memory_budget",
         [&](const toml::node& n, const std::string& w) {
           return SetUnsigned(n, w, 16ull << 20, 1ull << 44, &config.dedup.memory_budget);
         }},
        {"verify", [&](const toml::node& n, const std::string& w) { return SetFlag(n, w, &config.dedup.verify); }},
        {"verify_threshold",
         [&](const toml::node& n, const std::string& w) {
           return SetFraction(n, w, &config.dedup.verify_threshold);
         }},
        {"index",
         [&](const toml::node& n, const std::string& w) {
           const toml::array* list = n.as_array();
           if (list == nullptr) return InvalidArgument(w + " must be an array of run directories");
           config.dedup.index.clear();
           for (const toml::node& item : *list) {
             if (!item.is_string() || item.value<std::string>().value_or("").empty()) {
               return InvalidArgument(w + " must be an array of run directories");
             }
             std::filesystem::path run(item.value<std::string>().value_or(""));
             if (run.is_relative()) run = std::filesystem::path(path).parent_path() / run;
             config.dedup.index.push_back(run.lexically_normal().string());
           }
           return Status::Ok();
         }}}},
      {"network",
       {{"base_url",
         [&](const toml::node& n, const std::string& w) {
           if (!n.is_string()) return InvalidArgument(w + " must be a string");
           std::string url = n.value<std::string>().value_or("");
           if (!crawler::IsHttpUrl(url)) return InvalidArgument(w + " must be an http:// or https:// URL");
           while (!url.empty() && url.back() == '/') url.pop_back();
           config.network.base_url = url;
           return Status::Ok();
         }},
        {"max_retries",
         [&](const toml::node& n, const std::string& w) {
           return SetSmall(n, w, 0, 1000, &config.network.fetch.max_retries);
         }},
        {"backoff_initial_seconds",
         [&](const toml::node& n, const std::string& w) {
           return SetNumber(n, w, 0, 3600, &config.network.fetch.backoff_initial_seconds);
         }},
        {"backoff_max_seconds",
         [&](const toml::node& n, const std::string& w) {
           return SetNumber(n, w, 0, 3600, &config.network.fetch.backoff_max_seconds);
         }},
        {"connect_timeout_seconds",
         [&](const toml::node& n, const std::string& w) {
           return SetNumber(n, w, 0.1, 3600, &config.network.fetch.connect_timeout_seconds);
         }},
        {"stall_timeout_seconds",
         [&](const toml::node& n, const std::string& w) {
           return SetNumber(n, w, 0.1, 3600, &config.network.fetch.stall_timeout_seconds);
         }},
        {"max_concurrent_downloads",
         [&](const toml::node& n, const std::string& w) {
           return SetSmall(n, w, 0, 4096, &config.network.max_concurrent_downloads);
         }},
        {"requests_per_second",
         [&](const toml::node& n, const std::string& w) {
           return SetNumber(n, w, 0, 100000, &config.network.requests_per_second);
         }}}},
      {"slurm",
       {{"partition",
         [&](const toml::node& n, const std::string& w) {
           if (!n.is_string()) return InvalidArgument(w + " must be a string");
           config.slurm.partition = n.value<std::string>().value_or("");
           return Status::Ok();
         }},
        {"tasks", [&](const toml::node& n, const std::string& w) { return SetSmall(n, w, 0, 100000, &config.slurm.tasks); }},
        {"cpus_per_task",
         [&](const toml::node& n, const std::string& w) { return SetSmall(n, w, 1, 4096, &config.slurm.cpus_per_task); }},
        {"memory_per_task",
         [&](const toml::node& n, const std::string& w) { return SetSlurmMemory(n, w, &config.slurm.memory_per_task); }},
        {"time_limit",
         [&](const toml::node& n, const std::string& w) {
           if (!n.is_string() || n.value<std::string>().value_or("").empty()) {
             return InvalidArgument(w + " must be a Slurm time (\"12:00:00\", \"1-00:00:00\")");
           }
           config.slurm.time_limit = n.value<std::string>().value_or("");
           return Status::Ok();
         }},
        {"dedup_tasks",
         [&](const toml::node& n, const std::string& w) { return SetSmall(n, w, 0, 65536, &config.slurm.dedup_tasks); }},
        {"finish_cpus",
         [&](const toml::node& n, const std::string& w) { return SetSmall(n, w, 1, 4096, &config.slurm.finish_cpus); }},
        {"finish_memory",
         [&](const toml::node& n, const std::string& w) { return SetSlurmMemory(n, w, &config.slurm.finish_memory); }},
        {"extra_sbatch",
         [&](const toml::node& n, const std::string& w) {
           const toml::array* list = n.as_array();
           if (list == nullptr) return InvalidArgument(w + " must be a list of sbatch options");
           config.slurm.extra_sbatch.clear();
           for (const toml::node& item : *list) {
             const std::string line = item.value<std::string>().value_or("");
             if (!item.is_string() || line.rfind("--", 0) != 0 || line.find('\n') != std::string::npos) {
               return InvalidArgument(w + " entries must be sbatch options starting with -- (one per entry)");
             }
             config.slurm.extra_sbatch.push_back(line);
           }
           return Status::Ok();
         }}}},
      {"run",
       {{"threads",
         [&](const toml::node& n, const std::string& w) {
           uint64_t threads = 0;
           STOCKTAKE_RETURN_IF_ERROR(SetUnsigned(n, w, 0, 4096, &threads));
           config.threads = static_cast<int>(threads);
           return Status::Ok();
         }},
        {"memory_limit",
         [&](const toml::node& n, const std::string& w) {
           STOCKTAKE_RETURN_IF_ERROR(SetUnsigned(n, w, 0, 1ull << 50, &config.memory_limit));
           if (config.memory_limit != 0 && config.memory_limit < kMinMemoryLimit) {
             return InvalidArgument(fmt::format("{} must be 0 (half of physical memory) or at least {} (64 MiB)", w,
                                                kMinMemoryLimit));
           }
           return Status::Ok();
         }}}},
  };

  // Rules first: tiers name them, wherever they appear in the file.
  if (const toml::node* rules = root.get("rules")) STOCKTAKE_RETURN_IF_ERROR(ParseRules(path, *rules, &config));
  if (const toml::node* tiers = root.get("tiers")) STOCKTAKE_RETURN_IF_ERROR(ParseTiers(path, *tiers, &config));
  for (const auto& [section, node] : root) {
    std::string name(section.str());
    if (name == "rules" || name == "tiers") continue;
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
  std::string minhash_problem = config.dedup.minhash.Validate();
  if (!minhash_problem.empty()) return InvalidArgument(fmt::format("config '{}': [dedup] {}", path, minhash_problem));
  std::string problem = quality::ValidateQualityConfig(config.quality);
  if (!problem.empty()) return InvalidArgument(fmt::format("config '{}': {}", path, problem));
  for (Config::TokenEncoding& e : config.encodings) {
    e.pattern = e.path.empty() ? std::string(stats::SplitPatternName(*stats::SplitPatternByName(e.name)))
                               : rank_file_pattern;
  }
  return config;
}

Result<std::shared_ptr<const stats::Encoding>> LoadEncoding(const std::string& spec, const std::string& file_pattern,
                                                           const std::string& base_dir) {
  if (stats::SplitPatternByName(spec).has_value()) return stats::Encoding::Builtin(spec);
  if (!NamesRankFile(spec)) return UnknownEncoding(spec);
  std::optional<stats::SplitPattern> pattern = stats::SplitPatternByName(file_pattern);
  if (!pattern.has_value()) {
    return InvalidArgument(fmt::format("unknown split pattern '{}': use cl100k_base, o200k_base or r50k_base",
                                       file_pattern));
  }
  std::filesystem::path path(spec);
  if (path.is_relative() && !base_dir.empty()) path = std::filesystem::path(base_dir) / path;
  return stats::Encoding::FromFile(path.string(), *pattern, {}, spec);
}

Status ResolveEncodings(Config* config) {
  for (Config::TokenEncoding& e : config->encodings) {
    if (e.encoding != nullptr) continue;
    Result<std::shared_ptr<const stats::Encoding>> loaded = LoadEncoding(e.path.empty() ? e.name : e.path, e.pattern);
    if (!loaded.ok()) return loaded.status();
    e.encoding = *loaded;
    e.sha256 = e.encoding->sha256();
  }
  return Status::Ok();
}

std::vector<std::string> EncodingNames(const Config& config) {
  std::vector<std::string> names;
  for (const Config::TokenEncoding& e : config.encodings) names.push_back(e.name);
  return names;
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
  w->Key("jsonl").BeginObject();
  w->Field("text_field", config.jsonl.text);
  w->Field("id_field", config.jsonl.id);
  w->Field("url_field", config.jsonl.url);
  w->EndObject();
  w->Key("extract").BeginObject();
  w->Field("mode", crawler::ExtractModeName(config.extract.mode));
  w->Field("max_html_bytes", static_cast<uint64_t>(config.extract.max_html_bytes));
  w->Field("max_depth", static_cast<uint64_t>(config.extract.max_depth));
  w->Field("max_work", config.extract.max_work);
  w->EndObject();
  w->Key("quality").BeginObject();
  w->Field("normal_form", config.quality.normal_form == quality::NormalForm::kNFKC ? "nfkc" : "nfc");
  w->Field("language_min_bytes", config.language_min_bytes);
  w->Field("language_sample_bytes", config.language_sample_bytes);
  w->Field("language_quick_sample_bytes", config.language_quick_sample_bytes);
  w->Field("language_quick_min_score", config.language_quick_min_score);
  w->Key("rules").BeginArray();
  for (quality::RuleSpec spec : config.quality.rules) {
    w->BeginObject();
    w->Field("name", spec.name);
    w->Field("kind", quality::RuleKindName(spec.kind));
    for (const quality::RuleParam& p : quality::RuleParams(&spec)) {
      switch (p.type) {
        case quality::RuleParam::Type::kNumber: w->Field(p.key, *p.number); break;
        case quality::RuleParam::Type::kFlag: w->Field(p.key, *p.flag); break;
        case quality::RuleParam::Type::kText: w->Field(p.key, *p.text); break;
        case quality::RuleParam::Type::kTextList:
          w->Key(p.key).BeginArray();
          for (const std::string& item : *p.list) w->String(item);
          w->EndArray();
          break;
      }
    }
    if (spec.kind == quality::RuleKind::kClassifier) w->Field("model_digest", spec.classifier.model_digest);
    w->EndObject();
  }
  w->EndArray();
  w->Key("tiers").BeginArray();
  for (const quality::TierSpec& tier : config.quality.tiers) {
    w->BeginObject();
    w->Field("name", tier.name);
    w->Key("rules").BeginArray();
    for (const std::string& rule : tier.rules) w->String(rule);
    w->EndArray();
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
  w->Key("tokens").BeginObject();
  w->Key("encodings").BeginArray();
  for (const Config::TokenEncoding& e : config.encodings) {
    w->BeginObject();
    w->Field("name", e.name);
    w->Field("pattern", e.pattern);
    w->Field("sha256", e.path.empty() ? std::string(stats::Encoding::BuiltinSha256(e.name)) : e.sha256);
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
  const Config::Dedup& d = config.dedup;
  w->Key("dedup").BeginObject();
  w->Field("enabled", d.enabled);
  w->Field("ngram", static_cast<uint64_t>(d.minhash.ngram));
  w->Field("bands", static_cast<uint64_t>(d.minhash.bands));
  w->Field("rows", static_cast<uint64_t>(d.minhash.rows));
  w->Field("char_shingles", d.minhash.char_shingles);
  w->Field("seed", d.minhash.seed);
  w->Field("verify", d.verify);
  w->Field("verify_threshold", d.verify_threshold);
  w->Key("index").BeginArray();
  for (const std::string& run : d.index) w->String(run);
  w->EndArray();
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

std::string ConfigToml(const Config& config) {
  std::string out;
  auto line = [&](std::string_view key, std::string_view value) {
    out += key;
    out += " = ";
    out += value;
    out += '\n';
  };
  auto number = [](auto v) { return fmt::format("{}", v); };
  auto flag = [](bool v) { return std::string(v ? "true" : "false"); };
  auto list = [](const std::vector<std::string>& items) {
    std::string s = "[";
    for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + TomlString(items[i]);
    return s + "]";
  };

  out += "[reader]\n";
  line("max_record_bytes", number(config.max_record_bytes));
  line("max_header_bytes", number(config.max_header_bytes));
  line("gzip_engine", TomlString(config.gzip_engine));
  out += "\n[http]\n";
  line("max_payload_bytes", number(config.max_payload_bytes));
  out += "\n[jsonl]\n";
  line("text_field", TomlString(config.jsonl.text));
  line("id_field", TomlString(config.jsonl.id));
  line("url_field", TomlString(config.jsonl.url));
  out += "\n[extract]\n";
  line("mode", TomlString(crawler::ExtractModeName(config.extract.mode)));
  line("max_html_bytes", number(static_cast<uint64_t>(config.extract.max_html_bytes)));
  line("max_depth", number(static_cast<uint64_t>(config.extract.max_depth)));
  line("max_work", number(config.extract.max_work));
  out += "\n[quality]\n";
  line("normal_form", TomlString(config.quality.normal_form == quality::NormalForm::kNFKC ? "nfkc" : "nfc"));
  line("language_min_bytes", number(config.language_min_bytes));
  line("language_sample_bytes", number(config.language_sample_bytes));
  line("language_quick_sample_bytes", number(config.language_quick_sample_bytes));
  line("language_quick_min_score", TomlFloat(config.language_quick_min_score));

  for (quality::RuleSpec spec : config.quality.rules) {
    out += fmt::format("\n[rules.{}]\n", spec.name);
    line("kind", TomlString(quality::RuleKindName(spec.kind)));
    for (const quality::RuleParam& p : quality::RuleParams(&spec)) {
      switch (p.type) {
        case quality::RuleParam::Type::kNumber: line(p.key, TomlFloat(*p.number)); break;
        case quality::RuleParam::Type::kFlag: line(p.key, flag(*p.flag)); break;
        case quality::RuleParam::Type::kText:
          // The loader resolved the model against the config file's folder.
          line(p.key, TomlString(p.text == &spec.classifier.model ? AbsolutePath(*p.text) : *p.text));
          break;
        case quality::RuleParam::Type::kTextList: line(p.key, list(*p.list)); break;
      }
    }
  }
  for (const quality::TierSpec& tier : config.quality.tiers) {
    out += "\n[[tiers]]\n";
    line("name", TomlString(tier.name));
    line("rules", list(tier.rules));
  }

  out += "\n[tokens]\n";
  std::vector<std::string> encodings;
  std::string rank_file_pattern = "cl100k_base";
  for (const Config::TokenEncoding& e : config.encodings) {
    encodings.push_back(e.path.empty() ? e.name : AbsolutePath(e.path));
    if (!e.path.empty()) rank_file_pattern = e.pattern;
  }
  line("encodings", list(encodings));
  line("rank_file_pattern", TomlString(rank_file_pattern));

  const Config::Dedup& d = config.dedup;
  out += "\n[dedup]\n";
  line("enabled", flag(d.enabled));
  line("ngram", number(d.minhash.ngram));
  line("bands", number(d.minhash.bands));
  line("rows", number(d.minhash.rows));
  line("char_shingles", flag(d.minhash.char_shingles));
  line("seed", number(d.minhash.seed));
  line("partitions", number(d.partitions));
  line("memory_budget", number(d.memory_budget));
  line("verify", flag(d.verify));
  line("verify_threshold", TomlFloat(d.verify_threshold));
  std::vector<std::string> index;
  for (const std::string& run : d.index) index.push_back(AbsolutePath(run));
  line("index", list(index));

  const Config::Network& net = config.network;
  out += "\n[network]\n";
  line("base_url", TomlString(net.base_url));
  line("max_retries", number(net.fetch.max_retries));
  line("backoff_initial_seconds", TomlFloat(net.fetch.backoff_initial_seconds));
  line("backoff_max_seconds", TomlFloat(net.fetch.backoff_max_seconds));
  line("connect_timeout_seconds", TomlFloat(net.fetch.connect_timeout_seconds));
  line("stall_timeout_seconds", TomlFloat(net.fetch.stall_timeout_seconds));
  line("max_concurrent_downloads", number(net.max_concurrent_downloads));
  line("requests_per_second", TomlFloat(net.requests_per_second));

  const Config::Slurm& sl = config.slurm;
  out += "\n[slurm]\n";
  line("partition", TomlString(sl.partition));
  line("tasks", number(sl.tasks));
  line("cpus_per_task", number(sl.cpus_per_task));
  line("memory_per_task", TomlString(sl.memory_per_task));
  line("time_limit", TomlString(sl.time_limit));
  line("dedup_tasks", number(sl.dedup_tasks));
  line("finish_cpus", number(sl.finish_cpus));
  line("finish_memory", TomlString(sl.finish_memory));
  line("extra_sbatch", list(sl.extra_sbatch));

  out += "\n[run]\n";
  line("threads", number(config.threads));
  line("memory_limit", number(config.memory_limit));
  return out;
}

}  // namespace stocktake::pipeline
