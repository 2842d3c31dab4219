#include "quality/classifier.h"

#include <gtest/gtest.h>

#include <string>

#include "quality/rules.h"
#include "test_support/test_support.h"

namespace stocktake::quality {
namespace {

// Trains a tiny two-label model at test time (no model ships with stocktake).
class ClassifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::string data;
    const char* good[] = {"the study measured the effect of temperature on plant growth over three seasons",
                          "researchers describe the method and discuss the results in detail",
                          "this chapter explains how the theory applies to real experiments"};
    const char* bad[] = {"buy cheap pills now click here best price free shipping",
                         "win money fast click the link casino bonus today",
                         "hot deals click here limited offer buy now"};
    for (int round = 0; round < 30; ++round) {
      for (const char* g : good) data += std::string("__label__hq ") + g + "\n";
      for (const char* b : bad) data += std::string("__label__lq ") + b + "\n";
    }
    testing::WriteFile(dir_->File("train.txt"), data);
    std::string error = TrainClassifier(dir_->File("train.txt"), dir_->File("model"), 25);
    ASSERT_EQ(error, "");
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string ModelPath() { return dir_->File("model.bin"); }
  static testing::TempDir* dir_;
};
testing::TempDir* ClassifierTest::dir_ = nullptr;

TEST_F(ClassifierTest, ScoresTheConfiguredLabel) {
  std::string error;
  auto c = Classifier::Load(ModelPath(), "__label__hq", &error);
  ASSERT_NE(c, nullptr) << error;
  double good = c->Score("the researchers measured growth and discuss the method\nin detail");
  double bad = c->Score("click here to buy cheap pills now");
  EXPECT_GT(good, 0.5);
  EXPECT_LT(bad, 0.5);
  EXPECT_GE(c->Score(""), 0.0);
  EXPECT_LE(c->Score(""), 1.0);
}

TEST_F(ClassifierTest, LoadErrorsNameTheProblem) {
  std::string error;
  EXPECT_EQ(Classifier::Load("/nonexistent/model.bin", "__label__hq", &error), nullptr);
  EXPECT_NE(error.find("not a readable file"), std::string::npos) << error;
  EXPECT_EQ(Classifier::Load(ModelPath(), "__label__missing", &error), nullptr);
  EXPECT_NE(error.find("has no label '__label__missing'"), std::string::npos) << error;
  EXPECT_NE(error.find("__label__hq"), std::string::npos) << error;  // lists what it has
  testing::TempDir dir;
  testing::WriteFile(dir.File("junk.bin"), "not a fastText model at all");
  EXPECT_EQ(Classifier::Load(dir.File("junk.bin"), "__label__hq", &error), nullptr);
  EXPECT_NE(error.find("cannot be loaded"), std::string::npos) << error;
}

TEST_F(ClassifierTest, ClassifierRuleUsesTheScore) {
  RuleSpec spec;
  spec.name = "edu";
  spec.kind = RuleKind::kClassifier;
  spec.classifier.model = ModelPath();
  spec.classifier.min_score = 0.5;
  std::string error;
  auto rule = Rule::Create(spec, &error);
  ASSERT_NE(rule, nullptr) << error;
  Segmenter segmenter;
  LanguageGuess en;
  en.code = "en";
  TextFacts facts;
  RuleScratch scratch;
  facts.Reset("the study explains the method and the results", &en, &segmenter);
  RuleResult good = rule->Evaluate(&facts, &scratch);
  EXPECT_EQ(good.status, RuleStatus::kPass);
  ASSERT_EQ(good.values.size(), 1u);
  EXPECT_GT(good.values[0].value, 0.5);
  facts.Reset("click here buy cheap pills casino bonus", &en, &segmenter);
  RuleResult bad = rule->Evaluate(&facts, &scratch);
  EXPECT_EQ(bad.status, RuleStatus::kFail);
  EXPECT_STREQ(bad.reason, "low_classifier_score");

  spec.classifier.model = "/nonexistent.bin";
  EXPECT_EQ(Rule::Create(spec, &error), nullptr);
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace stocktake::quality
