#include "quality/language.h"

#include <gtest/gtest.h>

#include <string>

namespace stocktake::quality {
namespace {

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
  std::string en = "The committee will meet again next week to discuss the budget for the coming year. ";
  std::string fr = "Le comité se réunira de nouveau la semaine prochaine pour discuter du budget de l'année. ";
  std::string text;
  while (text.size() < 20000) text += en;
  while (text.size() < 40000) text += fr;
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

}  // namespace
}  // namespace stocktake::quality
