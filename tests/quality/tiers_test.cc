#include "quality/tiers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "crawler/charset.h"
#include "crawler/extractor.h"
#include "quality/language.h"
#include "test_support/test_support.h"

namespace stocktake::quality {
namespace {

LanguageGuess English(double score = 0.99) {
  LanguageGuess g;
  g.code = "en";
  g.score = score;
  return g;
}

// A paragraph that passes every default rule: varied, punctuated prose.
std::string GoodText() {
  return "The river valley was settled early in the last century by farmers who came from the coast. "
         "They built small houses of stone and planted orchards along the southern slopes.\n\n"
         "Over the years the village grew into a market town with a school, a church and a railway station. "
         "Trade in apples and cider brought steady work to the families who stayed.\n\n"
         "Today the old station is a museum, and visitors can walk the orchard trails in spring. "
         "The town council has restored the stone bridge that crosses the river near the square.\n\n"
         "Local historians have collected letters and photographs that show how people lived then. "
         "Many of them are on display in the library, which is open every day except Sunday.";
}

TEST(TiersTest, DefaultTiersAndAGoodDocument) {
  std::string error;
  auto model = QualityModel::Create(QualityConfig{}, &error);
  ASSERT_NE(model, nullptr) << error;
  ASSERT_EQ(model->tier_count(), 4u);
  EXPECT_EQ(model->tier_name(0), "extracted");
  EXPECT_EQ(model->tier_name(3), "high");
  EXPECT_EQ(model->rule_count(), 6u);
  QualityAssessor assessor(model.get());
  std::string text = GoodText();
  const Assessment& a = assessor.Assess(text, English());
  EXPECT_EQ(a.tier, 3) << (a.missed_rule >= 0 ? model->rule(a.missed_rule).spec().name + ":" + a.missed_reason : "");
  EXPECT_EQ(a.missed_rule, -1);
  EXPECT_EQ(a.tier_text[0], text);
  // C4 joins kept lines with single newlines: the filtered text drops the
  // blank lines between paragraphs.
  EXPECT_LT(a.tier_text[2].size(), text.size());
  EXPECT_EQ(a.tier_text[2].find("\n\n"), std::string_view::npos);
}

TEST(TiersTest, FirstFailureNamesTheMissedTier) {
  std::string error;
  auto model = QualityModel::Create(QualityConfig{}, &error);
  QualityAssessor assessor(model.get());
  std::string text = GoodText();
  // Low language confidence: stays in "extracted", misses "clean".
  const Assessment& low = assessor.Assess(text, English(0.3));
  EXPECT_EQ(low.tier, 0);
  EXPECT_EQ(model->rule(low.missed_rule).spec().name, "language");
  EXPECT_STREQ(low.missed_reason, "low_language_score");
  EXPECT_EQ(model->tier_name(model->rule_tier(low.missed_rule)), "clean");
  // Every rule still has its values, and "alone" matches for unedited text.
  EXPECT_FALSE(low.rules[1].values.empty());
  EXPECT_EQ(low.alone[1].status, low.rules[1].status);
  // A short text passes "clean" but fails the Gopher quality word count.
  std::string short_text = "A short note. It has a few words only.";
  const Assessment& s = assessor.Assess(short_text, English());
  EXPECT_EQ(model->rule(s.missed_rule).spec().name, "gopher_repetition");  // top 2-gram over 20%
  const Assessment& empty = assessor.Assess("", English());
  EXPECT_EQ(empty.tier, -1);
  EXPECT_STREQ(empty.missed_reason, "empty_text");
}

TEST(TiersTest, RulesAfterAnEditSeeTheEditedTextAndAloneTheOriginal) {
  // c4 drops the short line; fineweb then sees only punctuated lines, while
  // on its own (the original text) most lines have no punctuation.
  QualityConfig config;
  RuleSpec c4;
  c4.name = "c4";
  c4.kind = RuleKind::kC4;
  c4.c4.min_sentences = 1;
  c4.c4.min_words_per_line = 5;
  RuleSpec fineweb;
  fineweb.name = "fineweb";
  fineweb.kind = RuleKind::kFineWeb;
  config.rules = {c4, fineweb};
  config.tiers = {{"any", {}}, {"cleaned", {"c4"}}, {"punctuated", {"fineweb"}}};
  std::string error;
  auto model = QualityModel::Create(config, &error);
  ASSERT_NE(model, nullptr) << error;
  QualityAssessor assessor(model.get());
  std::string text = "Menu\nHome\nAbout\nNews\nContact\nThis line is a real sentence with enough words.";
  const Assessment& a = assessor.Assess(text, English());
  EXPECT_EQ(a.tier, 2);
  EXPECT_EQ(a.rule_text[1], "This line is a real sentence with enough words.");
  EXPECT_EQ(a.tier_text[1], a.rule_text[1]);
  EXPECT_EQ(a.tier_text[0], text);
  EXPECT_EQ(a.rules[1].status, RuleStatus::kPass);
  EXPECT_EQ(a.alone[1].status, RuleStatus::kFail);  // 1 of 6 lines punctuated, 5 short
  EXPECT_EQ(a.rules[0].lines_removed, 5u);
}

// Calls visit(path, text) with the normalized full text (boilerplate
// included: more for C4 to remove) of every Readability corpus page.
template <typename Visit>
void ForEachCorpusPage(TextNormalizer* normalizer, Visit visit) {
  crawler::ExtractOptions options;
  options.mode = crawler::ExtractMode::kFull;
  crawler::Extractor extractor(options);
  crawler::CharsetConverter charset;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SharedPath("corpus/extraction/readability"))) {
    std::string path = entry.path().string() + "/source.html";
    if (!std::filesystem::exists(path)) continue;
    std::string html = testing::ReadFile(path);
    crawler::Utf8Text utf8 = charset.ToUtf8(html, "", /*html=*/true);
    visit(path, std::string(normalizer->Normalize(extractor.Extract(utf8.text).text)));
  }
}

// The assessor reuses facts of the unedited text for the edited one (lines
// a rule kept unchanged keep their words and C4 analysis). On real pages,
// every rule's result in sequence must equal a fresh evaluation on the text
// it saw, and every "alone" result a fresh evaluation on the original.
TEST(TiersTest, SequenceResultsEqualFreshEvaluationsOnRealPages) {
  std::string error;
  auto model = QualityModel::Create(QualityConfig{}, &error);
  QualityAssessor assessor(model.get());
  TextNormalizer normalizer;
  Segmenter segmenter;
  TextFacts facts;
  RuleScratch scratch;
  size_t pages = 0, edited = 0;
  auto same = [](const RuleResult& a, const RuleResult& b) {
    if (a.status != b.status || std::string(a.reason) != b.reason || a.values.size() != b.values.size()) return false;
    for (size_t k = 0; k < a.values.size(); ++k) {
      if (a.values[k].value != b.values[k].value) return false;
    }
    return true;
  };
  ForEachCorpusPage(&normalizer, [&](const std::string& path, const std::string& text) {
    if (text.empty()) return;
    ++pages;
    LanguageGuess language = IdentifyLanguage(text);
    const Assessment& a = assessor.Assess(text, language);
    for (size_t i = 0; i < model->rule_count(); ++i) {
      edited += a.rule_text[i].data() != text.data();
      facts.Reset(a.rule_text[i], &language, &segmenter);
      EXPECT_TRUE(same(a.rules[i], model->rule(i).Evaluate(&facts, &scratch)))
          << path << " rule " << model->rule(i).spec().name << " in sequence";
      facts.Reset(text, &language, &segmenter);
      EXPECT_TRUE(same(a.alone[i], model->rule(i).Evaluate(&facts, &scratch)))
          << path << " rule " << model->rule(i).spec().name << " alone";
    }
  });
  EXPECT_GT(pages, 100u);
  EXPECT_GT(edited, 100u);  // rules after C4 saw edited text on many pages
}

// `stocktake run` assesses with RuleDetail::kDecision: every status, reason,
// edit and tier must be what the full assessment gives, with the values a
// prefix of the full ones. The pages are cut to a few lines too, so that C4's
// sentence count decides both ways.
TEST(TiersTest, DecisionsEqualTheFullAssessmentOnRealPages) {
  std::string error;
  auto model = QualityModel::Create(QualityConfig{}, &error);
  QualityAssessor full(model.get());
  QualityAssessor decider(model.get(), RuleDetail::kDecision);
  TextNormalizer normalizer;
  size_t pages = 0, stopped_early = 0, few_sentences = 0, enough_sentences = 0;
  std::set<std::string> early_reasons;
  auto same = [&](const RuleResult& f, const RuleResult& d, const std::string& where) {
    EXPECT_EQ(f.status, d.status) << where;
    EXPECT_STREQ(f.reason, d.reason) << where;
    EXPECT_EQ(f.skipped, d.skipped) << where;
    EXPECT_EQ(f.lines_removed, d.lines_removed) << where;
    EXPECT_EQ(f.chars_removed, d.chars_removed) << where;
    ASSERT_LE(d.values.size(), f.values.size()) << where;
    for (size_t k = 0; k < d.values.size(); ++k) {
      EXPECT_STREQ(f.values[k].name, d.values[k].name) << where;
      EXPECT_EQ(f.values[k].value, d.values[k].value) << where;
    }
    if (d.values.size() < f.values.size() && d.status == RuleStatus::kFail) {
      ++stopped_early;
      early_reasons.insert(d.reason);
    }
  };
  ForEachCorpusPage(&normalizer, [&](const std::string& path, const std::string& text) {
    // Each page also with its paragraphs repeated, so the repetition rule
    // fails at every kind of check.
    for (const std::string& t : {text, text + "\n\n" + text, text + text.substr(0, text.size() / 7),
                                 text.substr(0, 400), text.substr(0, 1200)}) {
      if (t.empty()) continue;
      ++pages;
      LanguageGuess language = IdentifyLanguage(t);
      const Assessment f = full.Assess(t, language);
      const Assessment& d = decider.Assess(t, language);
      EXPECT_EQ(f.tier, d.tier) << path;
      EXPECT_EQ(f.missed_rule, d.missed_rule) << path;
      EXPECT_STREQ(f.missed_reason, d.missed_reason) << path;
      EXPECT_EQ(f.tier_text, d.tier_text) << path;
      EXPECT_EQ(f.rule_text, d.rule_text) << path;
      for (size_t i = 0; i < model->rule_count(); ++i) {
        same(f.rules[i], d.rules[i], path + " " + model->rule(i).spec().name + " in sequence");
        same(f.alone[i], d.alone[i], path + " " + model->rule(i).spec().name + " alone");
        if (model->rule(i).spec().kind == RuleKind::kC4) {
          (std::string_view(d.alone[i].reason) == "too_few_sentences" ? few_sentences : enough_sentences)++;
        }
      }
    }
  });
  EXPECT_GT(pages, 300u);
  EXPECT_GT(stopped_early, 50u);
  EXPECT_GT(few_sentences, 50u);
  EXPECT_GT(enough_sentences, 50u);
  // Stops after the paragraph, line, top and duplicate n-gram checks.
  for (const char* reason : {"dup_para_frac", "dup_line_frac", "top_2_gram", "dup_5_gram"}) {
    EXPECT_EQ(early_reasons.count(reason), 1u) << reason;
  }
}

TEST(TiersTest, InvalidConfigurationsAreExplained) {
  auto problem = [](QualityConfig c) { return ValidateQualityConfig(c); };
  QualityConfig none;
  none.tiers.clear();
  EXPECT_EQ(problem(none), "at least one tier is required");
  QualityConfig unknown;
  unknown.tiers = {{"a", {"nope"}}};
  EXPECT_EQ(problem(unknown), "tier 'a' names rule 'nope', which is not defined");
  QualityConfig twice;
  twice.tiers = {{"a", {"c4"}}, {"b", {"c4"}}};
  EXPECT_NE(problem(twice).find("listed in tier 'a' and again in tier 'b'"), std::string::npos);
  QualityConfig same_name;
  same_name.tiers = {{"a", {}}, {"a", {}}};
  EXPECT_EQ(problem(same_name), "tier 'a' is defined twice");
  QualityConfig dup_rule;
  dup_rule.rules.push_back(dup_rule.rules[0]);
  EXPECT_NE(problem(dup_rule).find("is defined twice"), std::string::npos);
  EXPECT_EQ(problem(QualityConfig{}), "");
  std::string error;
  EXPECT_EQ(QualityModel::Create(unknown, &error), nullptr);
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace stocktake::quality
