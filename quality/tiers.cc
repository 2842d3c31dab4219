#include "quality/tiers.h"

#include <algorithm>
#include <unordered_map>

namespace stocktake::quality {

std::vector<TierSpec> DefaultTiers() {
  return {
      {"extracted", {}},
      {"clean", {"language", "gopher_repetition"}},
      {"filtered", {"gopher_quality", "c4", "fineweb"}},
      {"high", {"c4_strict"}},
  };
}

std::string ValidateQualityConfig(const QualityConfig& config) {
  if (config.tiers.empty()) return "at least one tier is required";
  std::unordered_map<std::string, size_t> rules;
  for (size_t i = 0; i < config.rules.size(); ++i) {
    if (!rules.emplace(config.rules[i].name, i).second) return "rule '" + config.rules[i].name + "' is defined twice";
  }
  std::unordered_map<std::string, std::string> used_in;  // rule -> tier
  for (size_t t = 0; t < config.tiers.size(); ++t) {
    const TierSpec& tier = config.tiers[t];
    if (tier.name.empty()) return "tier " + std::to_string(t + 1) + " has no name";
    for (size_t u = 0; u < t; ++u) {
      if (config.tiers[u].name == tier.name) return "tier '" + tier.name + "' is defined twice";
    }
    for (const std::string& name : tier.rules) {
      if (rules.count(name) == 0) return "tier '" + tier.name + "' names rule '" + name + "', which is not defined";
      auto [prev, fresh] = used_in.emplace(name, tier.name);
      if (!fresh) {
        return "rule '" + name + "' is listed in tier '" + prev->second + "' and again in tier '" + tier.name +
               "' (tiers are nested: a rule applies to every tier above the one that lists it)";
      }
    }
  }
  return "";
}

std::vector<SequencedRule> RuleSequence(const QualityConfig& config) {
  std::vector<SequencedRule> sequence;
  for (size_t t = 0; t < config.tiers.size(); ++t) {
    for (const std::string& name : config.tiers[t].rules) {
      auto spec = std::find_if(config.rules.begin(), config.rules.end(), [&](const RuleSpec& r) { return r.name == name; });
      if (spec != config.rules.end()) sequence.push_back({&*spec, t});
    }
  }
  return sequence;
}

std::unique_ptr<QualityModel> QualityModel::Create(const QualityConfig& config, std::string* error) {
  *error = ValidateQualityConfig(config);
  if (!error->empty()) return nullptr;
  std::unique_ptr<QualityModel> model(new QualityModel());
  model->config_ = config;
  for (const SequencedRule& r : RuleSequence(model->config_)) {
    std::unique_ptr<Rule> rule = Rule::Create(*r.spec, error);
    if (rule == nullptr) return nullptr;
    model->rules_.push_back(std::move(rule));
    model->rule_tier_.push_back(r.tier);
  }
  return model;
}

QualityAssessor::QualityAssessor(const QualityModel* model, RuleDetail detail)
    : model_(model), detail_(detail), normalizer_(model->config().normal_form), edited_texts_(model->rule_count()) {
  result_.rules.resize(model->rule_count());
  result_.alone.resize(model->rule_count());
  result_.rule_text.resize(model->rule_count());
  result_.tier_text.resize(model->tier_count());
}

const Assessment& QualityAssessor::Assess(std::string_view text, const LanguageGuess& language) {
  Assessment& a = result_;
  a.tier = -1;
  a.missed_rule = -1;
  a.missed_reason = "";
  const size_t n_rules = model_->rule_count();
  const size_t n_tiers = model_->tier_count();
  segmenter_.BeginDocument();  // the dedup signer segments this text again
  for (size_t t = 0; t < n_tiers; ++t) a.tier_text[t] = text;
  for (size_t i = 0; i < n_rules; ++i) a.rule_text[i] = text;
  if (text.empty()) {
    for (size_t i = 0; i < n_rules; ++i) a.rules[i] = a.alone[i] = RuleResult{};
    a.missed_reason = "empty_text";
    return a;
  }

  original_.Reset(text, &language, &segmenter_);
  std::string_view current = text;  // the text the next rule in sequence sees
  TextFacts* facts = &original_;
  for (size_t i = 0; i < n_rules; ++i) {
    const Rule& rule = model_->rule(i);
    const bool saw_original = facts == &original_;
    a.rule_text[i] = current;
    a.rules[i] = rule.Evaluate(facts, &scratch_, detail_);
    if (rule.edits_text() && a.rules[i].status == RuleStatus::kPass && scratch_.text != current) {
      edited_texts_[i].swap(scratch_.text);
      current = edited_texts_[i];
      if (facts == &original_) {
        edited_.ResetDerived(current, &original_, scratch_.kept_lines);
      } else {
        edited_.Reset(current, &language, &segmenter_);  // a second edit: start afresh
      }
      facts = &edited_;
    }
    // Alone, on the original text: the same result until the first edit.
    a.alone[i] = saw_original ? a.rules[i] : rule.Evaluate(&original_, &scratch_, detail_);
    // The text of the rule's tier and every tier above it.
    for (size_t t = model_->rule_tier(i); t < n_tiers; ++t) a.tier_text[t] = current;
    if (a.missed_rule < 0 && a.rules[i].status == RuleStatus::kFail) {
      a.missed_rule = static_cast<int>(i);
      a.missed_reason = a.rules[i].reason;
    }
  }
  a.tier = a.missed_rule < 0 ? static_cast<int>(n_tiers) - 1 : static_cast<int>(model_->rule_tier(a.missed_rule)) - 1;
  return a;
}

}  // namespace stocktake::quality
