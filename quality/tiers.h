// Quality tiers: ordered, nested bars made of rules (rules.h).
//
// A tier lists rules; tier k requires its own rules and those of every tier
// below it. Rules run in sequence, tier by tier in the order listed, and each
// sees the text as edited by the text-editing rules (c4) before it, the way
// datatrove's FineWeb pipeline chains them. A document's tier is the highest
// tier whose rules (and all lower tiers' rules) it passes; the first rule it
// fails names the reason it missed the next tier.
//
// Every rule is evaluated on every document, so each rule's values are known
// even after the document has failed an earlier one, and each rule is also
// evaluated "alone" on the normalized text, so a run can say what the rule
// removes on its own as well as in sequence.
//
// The text a tier counts is the normalized text as edited by the rules of
// that tier and the tiers below it.
#ifndef STOCKTAKE_QUALITY_TIERS_H_
#define STOCKTAKE_QUALITY_TIERS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quality/language.h"
#include "quality/normalize.h"
#include "quality/rules.h"
#include "quality/segment.h"

namespace stocktake::quality {

struct TierSpec {
  std::string name;
  std::vector<std::string> rules;  // rule names, evaluated in this order
};

// The four tiers of configs/default.toml (docs/quality.md):
//   extracted  any page with text
//   clean      language (score >= 0.65), gopher_repetition
//   filtered   gopher_quality, c4, fineweb (FineWeb's filter set)
//   high       c4_strict (C4 with its per-line punctuation rule)
std::vector<TierSpec> DefaultTiers();

struct QualityConfig {
  NormalForm normal_form = NormalForm::kNFC;
  std::vector<RuleSpec> rules = DefaultRules();
  std::vector<TierSpec> tiers = DefaultTiers();
};

// "" if the configuration is consistent (tiers exist, have distinct names,
// name defined rules, and list each rule once), else what is wrong. Rules no
// tier lists are not evaluated.
std::string ValidateQualityConfig(const QualityConfig& config);

// The rules tiers list, in evaluation order, with the tier listing each.
struct SequencedRule {
  const RuleSpec* spec;  // points into the config
  size_t tier;
};
std::vector<SequencedRule> RuleSequence(const QualityConfig& config);

// The compiled configuration: rules in sequence order with their tier.
// Immutable and shared by all threads.
class QualityModel {
 public:
  // nullptr and *error set for an invalid configuration (unknown or repeated
  // rule names, no tiers, unloadable classifier model).
  static std::unique_ptr<QualityModel> Create(const QualityConfig& config, std::string* error);

  const QualityConfig& config() const { return config_; }
  size_t rule_count() const { return rules_.size(); }
  const Rule& rule(size_t i) const { return *rules_[i]; }
  size_t rule_tier(size_t i) const { return rule_tier_[i]; }
  size_t tier_count() const { return config_.tiers.size(); }
  const std::string& tier_name(size_t t) const { return config_.tiers[t].name; }

 private:
  QualityConfig config_;
  std::vector<std::unique_ptr<Rule>> rules_;  // sequence order
  std::vector<size_t> rule_tier_;
};

struct Assessment {
  // Index of the document's tier; -1 when the text is empty.
  int tier = -1;
  // The first rule failed in sequence (index into the model's rules), or -1.
  int missed_rule = -1;
  const char* missed_reason = "";
  std::vector<RuleResult> rules;  // per rule, in sequence
  std::vector<RuleResult> alone;  // per rule, on the normalized text
  std::vector<std::string_view> rule_text;  // per rule: the text it saw in sequence
  std::vector<std::string_view> tier_text;  // per tier: the text that tier counts
};

// Per-thread evaluator.
class QualityAssessor {
 public:
  // `detail`: whether every rule reports every check's value (`stocktake
  // extract`) or only what decides its status and reason (`stocktake run`).
  explicit QualityAssessor(const QualityModel* model, RuleDetail detail = RuleDetail::kEveryValue);

  // Normalizes extracted text into the counting form (normalize.h).
  std::string_view Normalize(std::string_view text, NormalizeStats* stats = nullptr) {
    return normalizer_.Normalize(text, stats);
  }
  // Assesses normalized text whose language is `language`. The result and the
  // views in it are valid until the next call; `text` must stay alive.
  const Assessment& Assess(std::string_view text, const LanguageGuess& language);

  const QualityModel& model() const { return *model_; }
  Segmenter* segmenter() { return &segmenter_; }
  // The word segments of the text last passed to Assess (segmented then if
  // no rule needed them), for callers that count words of the same text.
  const std::vector<std::string_view>& AssessedWords() { return original_.words(); }

 private:
  const QualityModel* model_;
  RuleDetail detail_;
  TextNormalizer normalizer_;
  Segmenter segmenter_;
  RuleScratch scratch_;
  TextFacts original_;
  TextFacts edited_;
  std::vector<std::string> edited_texts_;  // per rule: the text a passing editing rule left
  Assessment result_;
};

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_TIERS_H_
