#include "pipeline/quality_counts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace stocktake::pipeline {

namespace {

constexpr size_t kScoreBins = 1000;

template <typename T>
void MergeVector(std::vector<T>* into, const std::vector<T>& from) {
  if (into->size() < from.size()) into->resize(from.size());
  for (size_t i = 0; i < from.size(); ++i) (*into)[i].Merge(from[i]);
}

void MergeBins(std::vector<uint64_t>* into, const std::vector<uint64_t>& from) {
  if (into->size() < from.size()) into->resize(from.size(), 0);
  for (size_t i = 0; i < from.size(); ++i) (*into)[i] += from[i];
}

void WriteTotals(const TextTotals& t, const std::vector<std::string>& encodings, JsonWriter* w) {
  w->BeginObject();
  t.Write(encodings, w);
  w->EndObject();
}

// The lowest score (bin edge) at which at most `fraction` of the binned
// documents score at or above it.
double ScoreAtTopFraction(const std::vector<uint64_t>& bins, double fraction) {
  uint64_t total = 0;
  for (uint64_t b : bins) total += b;
  if (total == 0) return 0;
  uint64_t allowed = static_cast<uint64_t>(std::floor(fraction * static_cast<double>(total)));
  uint64_t above = 0;
  size_t i = bins.size();
  while (i > 0 && above + bins[i - 1] <= allowed) above += bins[--i];
  return static_cast<double>(i) / static_cast<double>(bins.size());
}

}  // namespace

void TextTotals::Write(const std::vector<std::string>& encodings, JsonWriter* w) const {
  w->Field("documents", documents);
  w->Field("bytes", bytes);
  w->Field("words", words);
  w->Field("words_uax29", words_uax29);
  w->Key("tokens").BeginObject();
  for (size_t e = 0; e < encodings.size() && e < kMaxEncodings; ++e) w->Field(encodings[e], tokens[e]);
  w->EndObject();
}

void RuleCounts::Merge(const RuleCounts& o) {
  failed_alone.Merge(o.failed_alone);
  reasons_alone.Merge(o.reasons_alone);
  reached.Merge(o.reached);
  removed.Merge(o.removed);
  reasons_removed.Merge(o.reasons_removed);
  not_applicable.Merge(o.not_applicable);
  lines_removed += o.lines_removed;
  chars_removed += o.chars_removed;
  MergeBins(&score_bins, o.score_bins);
}

void QualityCounts::Add(const quality::QualityModel& model, const quality::Assessment& a,
                        const quality::LanguageGuess& language, const TextSize& original,
                        const std::vector<TextSize>& tier_sizes, const std::vector<TextSize>& sequence_sizes) {
  const size_t n_tiers = model.tier_count();
  const size_t n_rules = model.rule_count();
  if (tiers.size() < n_tiers) tiers.resize(n_tiers);
  if (rules.size() < n_rules) rules.resize(n_rules);
  std::vector<TextTotals>& by_language = tiers_by_language[language.code];
  if (by_language.size() < n_tiers) by_language.resize(n_tiers);
  for (int t = 0; t <= a.tier; ++t) {
    tiers[t].Add(tier_sizes[t]);
    by_language[t].Add(tier_sizes[t]);
  }
  languages.Add(language.code);
  reliable_language += language.reliable;
  const size_t reached = a.missed_rule < 0 ? n_rules : static_cast<size_t>(a.missed_rule) + 1;
  for (size_t i = 0; i < n_rules; ++i) {
    RuleCounts& c = rules[i];
    const quality::RuleResult& alone = a.alone[i];
    if (alone.status == quality::RuleStatus::kFail) {
      c.failed_alone.Add(original);
      c.reasons_alone.Add(alone.reason);
    }
    for (const char* check : alone.skipped) c.not_applicable.Add(check);
    if (i >= reached) continue;
    const quality::RuleResult& seq = a.rules[i];
    c.reached.Add(sequence_sizes[i]);
    c.lines_removed += seq.lines_removed;
    c.chars_removed += seq.chars_removed;
    if (seq.status == quality::RuleStatus::kFail) {
      c.removed.Add(sequence_sizes[i]);
      c.reasons_removed.Add(seq.reason);
    }
    if (model.rule(i).spec().kind == quality::RuleKind::kClassifier && !seq.values.empty()) {
      if (c.score_bins.empty()) c.score_bins.assign(kScoreBins, 0);
      double score = std::clamp(seq.values[0].value, 0.0, 1.0);
      c.score_bins[std::min(kScoreBins - 1, static_cast<size_t>(score * kScoreBins))]++;
    }
  }
}

void QualityCounts::Merge(const QualityCounts& o) {
  MergeVector(&tiers, o.tiers);
  for (const auto& [code, totals] : o.tiers_by_language) MergeVector(&tiers_by_language[code], totals);
  MergeVector(&rules, o.rules);
  languages.Merge(o.languages);
  language_sources.Merge(o.language_sources);
  language_samples.Merge(o.language_samples);
  reliable_language += o.reliable_language;
  normalization_changed += o.normalization_changed;
  controls_removed += o.controls_removed;
}

void QualityCounts::Write(const quality::QualityConfig& config, const std::vector<std::string>& encodings,
                          bool detailed, JsonWriter* w) const {
  const std::vector<quality::SequencedRule> sequence = quality::RuleSequence(config);
  const size_t n_tiers = config.tiers.size();
  auto tier_totals = [&](const std::vector<TextTotals>& v, size_t t) { return t < v.size() ? v[t] : TextTotals{}; };
  w->BeginObject();
  w->Key("tiers").BeginArray();
  for (size_t t = 0; t < n_tiers; ++t) {
    w->BeginObject();
    w->Field("name", config.tiers[t].name);
    tier_totals(tiers, t).Write(encodings, w);
    w->EndObject();
  }
  w->EndArray();
  w->Field("languages", languages);
  w->Field("language_sources", language_sources);
  w->Field("language_samples", language_samples);
  w->Field("reliable_language", reliable_language);
  w->Field("normalization_changed", normalization_changed);
  w->Field("controls_removed", controls_removed);
  if (detailed) {
    w->Key("tiers_by_language").BeginObject();
    for (const auto& [code, totals] : tiers_by_language) {
      w->Key(code).BeginObject();
      for (size_t t = 0; t < n_tiers; ++t) {
        w->Key(config.tiers[t].name);
        WriteTotals(tier_totals(totals, t), encodings, w);
      }
      w->EndObject();
    }
    w->EndObject();
    w->Key("rules").BeginArray();
    for (size_t i = 0; i < sequence.size(); ++i) {
      const RuleCounts c = i < rules.size() ? rules[i] : RuleCounts{};
      w->BeginObject();
      w->Field("name", sequence[i].spec->name);
      w->Field("kind", quality::RuleKindName(sequence[i].spec->kind));
      w->Field("tier", config.tiers[sequence[i].tier].name);
      w->Key("alone").BeginObject();
      c.failed_alone.Write(encodings, w);
      w->Field("reasons", c.reasons_alone);
      w->EndObject();
      w->Key("in_sequence").BeginObject();
      w->Key("reached");
      WriteTotals(c.reached, encodings, w);
      w->Key("removed");
      WriteTotals(c.removed, encodings, w);
      w->Field("reasons", c.reasons_removed);
      w->EndObject();
      w->Field("not_applicable", c.not_applicable);
      if (sequence[i].spec->kind == quality::RuleKind::kC4) {
        w->Field("lines_removed", c.lines_removed);
        w->Field("chars_removed", c.chars_removed);
      }
      if (sequence[i].spec->kind == quality::RuleKind::kClassifier) {
        w->Key("score_at_top_fraction").BeginObject();
        for (double f : {0.01, 0.05, 0.1, 0.2, 0.3, 0.5}) {
          w->Field(fmt::format("{}", f), ScoreAtTopFraction(c.score_bins, f));
        }
        w->EndObject();
      }
      w->EndObject();
    }
    w->EndArray();
  }
  w->EndObject();
}

}  // namespace stocktake::pipeline
