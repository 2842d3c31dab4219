#include "quality/language.h"

#include <gtest/gtest.h>

#include <string>

namespace stocktake::quality {
namespace {

// English first, French after, `bytes` long in all.
std::string EnglishThenFrench(size_t bytes) {
  std::string en = "The committee will meet again next week to discuss the budget for the coming year. ";
  std::string fr = "Le comité se réunira de nouveau la semaine prochaine pour discuter du budget de l'année. ";
  std::string text;
  while (text.size() < bytes / 2) text += en;
  while (text.size() < bytes) text += fr;
  return text;
}

TEST(LanguageTest, IdentifiesCommonLanguages) {
  struct Case {
    const char* code;
    const char* text;
  } cases[] = {
      {"en", "The quick brown fox jumps over the lazy dog while the farmer watches from the porch of his house."},
      {"de", "Der schnelle braune Fuchs springt über den faulen Hund, während der Bauer von der Veranda zusieht."},
      {"fr", "Le renard brun rapide saute par-dessus le chien paresseux pendant que le fermier regarde depuis le porche."},
      {"ru", "Быстрая коричневая лиса прыгает через ленивую собаку, пока фермер смотрит с крыльца своего дома."},
      {"zh", "我们今天在图书馆学习中文，老师给我们讲了很多有意思的历史故事，大家都听得很认真。"},
      {"ar", "الثعلب البني السريع يقفز فوق الكلب الكسول بينما يراقب المزارع من شرفة منزله في القرية."},
  };
  for (const Case& c : cases) {
    LanguageGuess g = IdentifyLanguage(c.text);
    EXPECT_EQ(g.code, c.code) << c.text;
    EXPECT_GT(g.score, 0.65) << c.text;
    EXPECT_GE(g.count, 1u);
    EXPECT_EQ(g.top[0].code, c.code);
  }
}

TEST(LanguageTest, EmptyAndSymbolTextIsUnknown) {
  for (const char* text : {"", "   ", "1234 5678 !!! ???"}) {
    LanguageGuess g = IdentifyLanguage(text);
    EXPECT_EQ(g.code, "un") << text;
    EXPECT_EQ(g.score, 0) << text;
    EXPECT_FALSE(g.reliable);
  }
}

TEST(LanguageTest, MixedTextReportsShares) {
  // About two thirds English, one third German (CLD2 discounts repeated
  // text, so every sentence is different).
  std::string text =
      "The garden behind the old library is open to visitors from April until the end of October. "
      "Volunteers look after the roses, and every summer they organize a small festival with music. "
      "Children from the local school come to learn the names of trees and to plant new flowers. "
      "In the autumn the leaves turn red and gold, and photographers arrive early in the morning. "
      "Der Garten hinter der alten Bibliothek ist von April bis Ende Oktober für Besucher geöffnet. "
      "Freiwillige kümmern sich um die Rosen und veranstalten jeden Sommer ein kleines Fest.";
  LanguageGuess g = IdentifyLanguage(text);
  EXPECT_EQ(g.code, "en");
  ASSERT_GE(g.count, 2u);
  EXPECT_EQ(g.top[1].code, "de");
  EXPECT_GT(g.top[0].share, g.top[1].share);
  EXPECT_LT(g.score, 0.9);  // the German third is not English
}

TEST(LanguageTest, SampleCoversTheWholeText) {
  // 40 KB: English first, French after. A prefix sample would see only
  // English; the spread sample sees both, in about their proportions.
  std::string text = EnglishThenFrench(40000);
  std::string scratch;
  LanguageGuess sampled = IdentifyLanguage(text, 4096, &scratch);
  LanguageGuess whole = IdentifyLanguage(text);
  EXPECT_LE(sampled.text_bytes, 4096u);
  EXPECT_GT(whole.text_bytes, 30000u);
  ASSERT_GE(sampled.count, 2u);
  EXPECT_EQ(sampled.top[0].code, whole.top[0].code);
  EXPECT_NEAR(sampled.top[0].share, whole.top[0].share, 0.15);
  // Sampling is deterministic.
  LanguageGuess again = IdentifyLanguage(text, 4096, &scratch);
  EXPECT_EQ(again.code, sampled.code);
  EXPECT_EQ(again.score, sampled.score);
}

TEST(LanguageTest, QuickSampleDecidesConfidentTextsAndEscalatesOthers) {
  LanguageSampling sampling;
  sampling.sample_bytes = 4096;
  sampling.quick_bytes = 1024;
  sampling.quick_min_score = 0.9;
  std::string scratch;
  LanguageSample on = LanguageSample::kWhole;

  // One language throughout: the quick sample is reliable and scores ~1.
  std::string english;
  while (english.size() < 20000) {
    english += "Volunteers look after the roses in the garden behind the old library every summer. ";
  }
  LanguageGuess quick = IdentifyLanguage(english, sampling, &scratch, &on);
  EXPECT_EQ(on, LanguageSample::kQuick);
  EXPECT_EQ(quick.code, "en");
  EXPECT_LE(quick.text_bytes, 1024u);
  EXPECT_GE(quick.score, 0.9);

  // Half English, half French: the quick guess scores about 0.5, so the text
  // is identified again on the full sample, with the full sample's result.
  std::string mixed = EnglishThenFrench(40000);
  LanguageGuess escalated = IdentifyLanguage(mixed, sampling, &scratch, &on);
  EXPECT_EQ(on, LanguageSample::kFull);
  LanguageGuess full = IdentifyLanguage(mixed, 4096, &scratch);
  EXPECT_EQ(escalated.code, full.code);
  EXPECT_EQ(escalated.score, full.score);
  EXPECT_EQ(escalated.text_bytes, full.text_bytes);
  EXPECT_GT(escalated.text_bytes, 1024u);

  // Between the two sizes, an escalated text is read whole; under the quick
  // size it is read whole at once.
  std::string medium = EnglishThenFrench(3000);
  IdentifyLanguage(medium, sampling, &scratch, &on);
  EXPECT_EQ(on, LanguageSample::kWhole);
  EXPECT_EQ(IdentifyLanguage(medium, sampling, &scratch).score, IdentifyLanguage(medium).score);
  IdentifyLanguage(english.substr(0, 800), sampling, &scratch, &on);
  EXPECT_EQ(on, LanguageSample::kWhole);

  // A bar no guess reaches, or no quick size, turns the quick sample off.
  sampling.quick_min_score = 1.01;
  IdentifyLanguage(english, sampling, &scratch, &on);
  EXPECT_EQ(on, LanguageSample::kFull);
  sampling.quick_min_score = 0.9;
  sampling.quick_bytes = 0;
  IdentifyLanguage(english, sampling, &scratch, &on);
  EXPECT_EQ(on, LanguageSample::kFull);
  // A quick size at or above the full sample's is not a quick sample.
  sampling.quick_bytes = 4096;
  IdentifyLanguage(english, sampling, &scratch, &on);
  EXPECT_EQ(on, LanguageSample::kFull);
}

}  // namespace
}  // namespace stocktake::quality
