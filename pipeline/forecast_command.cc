// Forecast inputs and output; see forecast_command.h.
#include "pipeline/forecast_command.h"

#include <fmt/format.h>

#include <toml++/toml.h>

#include <cmath>
#include <functional>
#include <map>

#include "common/json_writer.h"
#include "common/version.h"

namespace stocktake::pipeline {
namespace {

constexpr const char kForecastSchema[] = "stocktake.forecast/1";

std::string Where(const std::string& path, const toml::node& node, const std::string& key) {
  const auto& src = node.source();
  if (src.begin.line > 0) return fmt::format("forecast '{}': line {}: '{}'", path, src.begin.line, key);
  return fmt::format("forecast '{}': '{}'", path, key);
}

Status ParseDistribution(const toml::node& node, const std::string& where, stats::Distribution* out) {
  if (node.is_integer() || node.is_floating_point()) {
    const double v = node.value<double>().value_or(0);
    if (!std::isfinite(v)) return InvalidArgument(where + " must be finite");
    *out = stats::Distribution::Point(v);
    return Status::Ok();
  }
  const toml::table* t = node.as_table();
  if (t == nullptr) return InvalidArgument(where + " must be a number or { low, high, level }");
  stats::Distribution d;
  bool have_low = false, have_high = false, have_median = false;
  for (const auto& [k, value] : *t) {
    const std::string key(k.str());
    const toml::node& v = value;  // a structured binding cannot be captured before C++20 in clang 14
    auto number = [&](double* target) -> Status {
      auto x = v.value<double>();
      if (!(v.is_integer() || v.is_floating_point()) || !x || !std::isfinite(*x)) {
        return InvalidArgument(where + "." + key + " must be a number");
      }
      *target = *x;
      return Status::Ok();
    };
    if (key == "low") {
      STOCKTAKE_RETURN_IF_ERROR(number(&d.low));
      have_low = true;
    } else if (key == "high") {
      STOCKTAKE_RETURN_IF_ERROR(number(&d.high));
      have_high = true;
    } else if (key == "median") {
      STOCKTAKE_RETURN_IF_ERROR(number(&d.median));
      have_median = true;
    } else if (key == "level") {
      STOCKTAKE_RETURN_IF_ERROR(number(&d.level));
    } else if (key == "uniform") {
      if (!v.is_boolean()) return InvalidArgument(where + ".uniform must be true or false");
      d.uniform = v.value<bool>().value_or(false);
    } else if (key == "scale") {
      const std::string s = v.value<std::string>().value_or("");
      if (s != "log" && s != "linear") return InvalidArgument(where + ".scale must be \"log\" or \"linear\"");
      d.log = s == "log";
    } else {
      return InvalidArgument(where + ": unknown key '" + key + "' (low, high, level, median, scale, uniform)");
    }
  }
  if (!have_low || !have_high) return InvalidArgument(where + " needs low and high");
  if (!(d.low <= d.high)) return InvalidArgument(where + ": low must not exceed high");
  if (d.uniform) {
    d.log = false;
    d.median = (d.low + d.high) / 2;
  } else {
    if (!(d.level > 0 && d.level < 1)) return InvalidArgument(where + ".level must be between 0 and 1");
    if (d.log && !(d.low > 0)) return InvalidArgument(where + ": a log-scale input needs low > 0");
    if (!have_median) d.median = d.log ? std::sqrt(d.low * d.high) : (d.low + d.high) / 2;
    if (!(d.median >= d.low && d.median <= d.high)) return InvalidArgument(where + ": median must lie in [low, high]");
  }
  *out = d;
  return Status::Ok();
}

void WriteQuantiles(const stats::Quantiles& q, JsonWriter* w) {
  w->BeginObject();
  w->Field("p2_5", q.p2_5);
  w->Field("p5", q.p5);
  w->Field("p10", q.p10);
  w->Field("p50", q.p50);
  w->Field("p90", q.p90);
  w->Field("p95", q.p95);
  w->Field("p97_5", q.p97_5);
  w->EndObject();
}

int Year(double fractional) { return static_cast<int>(std::floor(fractional)); }

}  // namespace

Result<stats::ForecastInputs> LoadForecastInputs(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return InvalidArgument(fmt::format("forecast '{}': line {}: {}", path, src.begin.line, e.description()));
  }
  stats::ForecastInputs in;
  using Setter = std::function<Status(const toml::node&, const std::string&)>;
  auto dist = [](stats::Distribution* d) -> Setter {
    return [d](const toml::node& n, const std::string& w) { return ParseDistribution(n, w, d); };
  };
  auto integer = [](auto* target, int64_t min, int64_t max) -> Setter {
    return [target, min, max](const toml::node& n, const std::string& w) {
      // as_integer, not value<int64_t>: toml++ casts out-of-range floats.
      const toml::value<int64_t>* v = n.as_integer();
      if (v == nullptr || v->get() < min || v->get() > max) {
        return InvalidArgument(fmt::format("{} must be an integer between {} and {}", w, min, max));
      }
      *target = static_cast<std::remove_pointer_t<decltype(target)>>(v->get());
      return Status::Ok();
    };
  };
  std::map<std::string, std::map<std::string, Setter>> schema = {
      {"forecast",
       {{"base_year", integer(&in.base_year, 1990, 2200)},
        {"samples", integer(&in.samples, 1, 100000000)},
        {"seed", integer(&in.seed, 0, INT64_MAX)},
        {"horizon", integer(&in.horizon, 1990, 3000)},
        {"years",
         [&](const toml::node& n, const std::string& w) {
           const toml::array* a = n.as_array();
           if (a == nullptr || a->empty()) return InvalidArgument(w + " must be a list of years");
           in.years.clear();
           for (const toml::node& y : *a) {
             const toml::value<int64_t>* v = y.as_integer();
             if (v == nullptr || v->get() < 1990 || v->get() > 3000) return InvalidArgument(w + " must be a list of years");
             in.years.push_back(static_cast<int>(v->get()));
           }
           return Status::Ok();
         }}}},
      {"stock",
       {{"pages", dist(&in.pages)},
        {"bytes_per_page", dist(&in.bytes_per_page)},
        {"bytes_per_token", dist(&in.bytes_per_token)},
        {"quality", dist(&in.quality)},
        {"repetition", dist(&in.repetition)},
        {"pages_growth", dist(&in.pages_growth)},
        {"bytes_per_page_growth", dist(&in.bytes_per_page_growth)}}},
      {"demand",
       {{"historical_share",
         [&](const toml::node& n, const std::string& w) {
           auto v = n.value<double>();
           if (!(n.is_integer() || n.is_floating_point()) || !v || *v < 0 || *v > 1) {
             return InvalidArgument(w + " must be a number between 0 and 1");
           }
           in.historical_share = *v;
           return Status::Ok();
         }},
        {"start_tokens", dist(&in.start_tokens)},
        {"historical_growth_oom", dist(&in.historical_growth_oom)},
        {"compute_flop", dist(&in.compute_flop)},
        {"compute_growth", dist(&in.compute_growth)},
        {"overtraining", dist(&in.overtraining)}}},
  };
  std::map<std::string, bool> seen;
  for (const auto& [section, node] : root) {
    const std::string name(section.str());
    auto known = schema.find(name);
    if (known == schema.end()) return InvalidArgument(Where(path, node, name) + " is not a known section");
    const toml::table* table = node.as_table();
    if (table == nullptr) return InvalidArgument(Where(path, node, name) + " must be a table");
    for (const auto& [key, value] : *table) {
      const std::string full = name + "." + std::string(key.str());
      auto setter = known->second.find(std::string(key.str()));
      if (setter == known->second.end()) return InvalidArgument(Where(path, value, full) + " is not a known key");
      STOCKTAKE_RETURN_IF_ERROR(setter->second(value, Where(path, value, full)));
      seen[full] = true;
    }
  }
  for (const auto& [section, keys] : schema) {
    if (section == "forecast") continue;
    for (const auto& [key, setter] : keys) {
      if (!seen[section + "." + key]) {
        return InvalidArgument(fmt::format("forecast '{}': '{}.{}' is missing (every input needs a value)", path,
                                           section, key));
      }
    }
  }
  for (const stats::Distribution* d : {&in.pages, &in.bytes_per_page, &in.bytes_per_token, &in.start_tokens,
                                       &in.compute_flop, &in.compute_growth, &in.overtraining, &in.repetition,
                                       &in.quality}) {
    if (!(d->low > 0)) return InvalidArgument(fmt::format("forecast '{}': sizes, factors and rates must be positive", path));
  }
  return in;
}

std::string ForecastJson(const stats::ForecastInputs& in, const stats::ForecastResult& r, const std::string& source,
                         const stats::ForecastResult* priors) {
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Field("schema", kForecastSchema);
  w.Key("program").BeginObject().Field("name", kProgramName).Field("version", kProgramVersion).EndObject();
  w.Key("inputs").BeginObject();
  w.Field("source", source);
  w.Field("base_year", in.base_year);
  w.Field("samples", in.samples);
  w.Field("seed", in.seed);
  w.Field("horizon", in.horizon);
  const std::pair<const char*, const stats::Distribution*> described[] = {
      {"pages", &in.pages},
      {"bytes_per_page", &in.bytes_per_page},
      {"bytes_per_token", &in.bytes_per_token},
      {"quality", &in.quality},
      {"repetition", &in.repetition},
      {"pages_growth", &in.pages_growth},
      {"bytes_per_page_growth", &in.bytes_per_page_growth},
      {"start_tokens", &in.start_tokens},
      {"historical_growth_oom", &in.historical_growth_oom},
      {"compute_flop", &in.compute_flop},
      {"compute_growth", &in.compute_growth},
      {"overtraining", &in.overtraining},
  };
  for (const auto& [name, d] : described) w.Field(name, d->Describe());
  w.Field("historical_share", in.historical_share);
  w.EndObject();
  w.Key("indexed_web_tokens");
  WriteQuantiles(r.indexed_web_tokens, &w);
  w.Key("effective_stock_tokens");
  WriteQuantiles(r.effective_stock_tokens, &w);
  w.Key("stock_tokens").BeginObject();
  for (const auto& [year, q] : r.stock_tokens) {
    w.Key(fmt::format("{}", year));
    WriteQuantiles(q, &w);
  }
  w.EndObject();
  w.Key("demand_tokens").BeginObject();
  for (const auto& [year, q] : r.demand_tokens) {
    w.Key(fmt::format("{}", year));
    WriteQuantiles(q, &w);
  }
  w.EndObject();
  w.Key("exhaustion_year").BeginObject();
  w.Field("p10", Year(r.exhaustion_year.p10));
  w.Field("p50", Year(r.exhaustion_year.p50));
  w.Field("p90", Year(r.exhaustion_year.p90));
  w.Field("p10_fractional", r.exhaustion_year.p10);
  w.Field("p50_fractional", r.exhaustion_year.p50);
  w.Field("p90_fractional", r.exhaustion_year.p90);
  w.Field("probability_after_horizon", r.probability_after_horizon);
  w.EndObject();
  w.Key("probability_exhausted_by").BeginObject();
  for (const auto& [year, p] : r.probability_exhausted_by) w.Field(fmt::format("{}", year), p);
  w.EndObject();
  if (priors != nullptr) {
    w.Key("with_priors").BeginObject();
    w.Key("effective_stock_tokens");
    WriteQuantiles(priors->effective_stock_tokens, &w);
    w.Key("exhaustion_year").BeginObject();
    w.Field("p10", Year(priors->exhaustion_year.p10));
    w.Field("p50", Year(priors->exhaustion_year.p50));
    w.Field("p90", Year(priors->exhaustion_year.p90));
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace stocktake::pipeline
