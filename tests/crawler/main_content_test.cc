#include "crawler/main_content.h"

#include <gtest/gtest.h>

#include "crawler/html_text.h"

namespace stocktake::crawler::html {
namespace {

struct Found {
  MainContentResult result;
  std::string text;
};

Found Main(std::string_view html, uint64_t max_work = 50'000'000) {
  static Document doc;
  static MainContentFinder finder;
  Found f;
  f.result = finder.Find(html, ParseOptions{}, max_work, &doc);
  if (f.result.found) {
    TextStats stats;
    std::string scratch;
    RenderText(doc, f.result.article, &f.text, &stats, &scratch);
  }
  return f;
}

std::string Article(int paragraphs) {
  std::string a;
  for (int i = 0; i < paragraphs; ++i) {
    a += "<p>Paragraph " + std::to_string(i) +
         " of the story, with enough words, commas, and sentences to look like prose. It goes on, and on, "
         "telling readers what happened.</p>";
  }
  return a;
}

TEST(MainContentTest, KeepsTheArticleDropsTheBoilerplate) {
  std::string page =
      "<html><head><title>A Much Bigger News Story | Example Site</title></head><body>"
      "<div id=header><a href=/>Home</a> <a href=/news>News</a> <a href=/about>About</a></div>"
      "<div class=sidebar><ul><li><a href=/a>Related one</a></li><li><a href=/b>Related two</a></li></ul></div>"
      "<div class=cookie-banner role=dialog aria-modal=true>We use cookies. Accept?</div>"
      "<div id=content><h1>A Much Bigger News Story</h1><p class=byline>By Jane Writer</p>" +
      Article(6) +
      "<div class=share-buttons><a href=#>Share</a> <a href=#>Tweet</a></div></div>"
      "<div id=comments><p>first!</p><p>great article, thanks</p></div>"
      "<div id=footer>Copyright 2024 Example. <a href=/privacy>Privacy</a></div></body></html>";
  Found f = Main(page);
  ASSERT_TRUE(f.result.found);
  EXPECT_FALSE(f.result.whole_page);
  EXPECT_NE(f.text.find("Paragraph 0 of the story"), std::string::npos);
  EXPECT_NE(f.text.find("Paragraph 5 of the story"), std::string::npos);
  for (const char* boilerplate : {"Home", "Related one", "cookies", "By Jane Writer", "Tweet", "first!",
                                  "Copyright", "Bigger News"}) {
    EXPECT_EQ(f.text.find(boilerplate), std::string::npos) << boilerplate;
  }
  // Readability's title rule: the text before the last " | ", when it has
  // at least three words.
  EXPECT_EQ(f.result.title, "A Much Bigger News Story");
}

TEST(MainContentTest, SiblingParagraphsJoinAndBrRunsBecomeParagraphs) {
  std::string page = "<body><div class=post>" + Article(4) +
                     "</div><p>A trailing note that ends a sentence. It is short.</p>"
                     "<div class=text>first line<br><br>second paragraph after a br run, long enough to count as "
                     "prose, with commas, and more words, and then some more words to pass thresholds.</div></body>";
  Found f = Main(page);
  ASSERT_TRUE(f.result.found);
  EXPECT_NE(f.text.find("Paragraph 3"), std::string::npos);
}

TEST(MainContentTest, SmallPagesFallBackToTheWholePage) {
  Found f = Main("<body><span>just a few words</span></body>");
  ASSERT_TRUE(f.result.found);
  EXPECT_TRUE(f.result.whole_page);
  EXPECT_EQ(f.text, "just a few words");
}

TEST(MainContentTest, DataTablesSurviveLayoutTablesOfLinksDoNot) {
  std::string rows;
  for (int i = 0; i < 12; ++i) rows += "<tr><td>row " + std::to_string(i) + "</td><td>" + std::to_string(i * 7) + "</td></tr>";
  std::string links;
  // Six one-cell rows: too small to be a data table (Readability: >= 10 rows,
  // > 4 columns or > 10 cells).
  for (int i = 0; i < 6; ++i) links += "<tr><td><a href=/l" + std::to_string(i) + ">link " + std::to_string(i) + "</a></td></tr>";
  std::string page = "<body><article>" + Article(5) + "<table><thead><tr><th>Name</th><th>Value</th></tr></thead>" +
                     rows + "</table><table>" + links + "</table></article></body>";
  Found f = Main(page);
  ASSERT_TRUE(f.result.found);
  EXPECT_NE(f.text.find("row 11"), std::string::npos);
  EXPECT_EQ(f.text.find("link 3"), std::string::npos);
}

TEST(MainContentTest, WorkBudgetStopsDetection) {
  std::string page = "<body>" + Article(50) + "</body>";
  Found small = Main(page, 100);
  EXPECT_TRUE(small.result.over_budget);
  EXPECT_FALSE(small.result.found);
  Found enough = Main(page);
  EXPECT_FALSE(enough.result.over_budget);
  EXPECT_TRUE(enough.result.found);
}

}  // namespace
}  // namespace stocktake::crawler::html
