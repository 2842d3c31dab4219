#include "crawler/main_content.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crawler/html_text.h"
#include "test_support/test_support.h"

namespace stocktake::crawler::html {
namespace {

struct Found {
  MainContentResult result;
  std::string text;
  uint64_t work = 0;  // the finder's node visits
};

// The article `finder` finds in `html`, rendered.
Found FindWith(MainContentFinder* finder, std::string_view html, uint64_t max_work) {
  static Document doc;
  Found f;
  f.result = finder->Find(html, ParseOptions{}, max_work, &doc);
  f.work = finder->work();
  if (f.result.found) {
    TextStats stats;
    std::string scratch;
    RenderText(doc, f.result.article, &f.text, &stats, &scratch);
  }
  return f;
}

Found Main(std::string_view html, uint64_t max_work = 50'000'000) {
  static MainContentFinder finder;
  return FindWith(&finder, html, max_work);
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

// Detection asks of every container whether it holds text, down a nest of
// them; what one question reads, the next does not read again. Reading
// each container's subtree afresh took 79 times the page's nodes here with
// the text at the bottom; summing every subtree took 12 times without text
// and 4 times with it, and so does this.
TEST(MainContentTest, NestedContainersAreReadOnceForText) {
  constexpr int kDepth = 150;
  std::string filler;
  for (int i = 0; i < 30; ++i) filler += " <span> </span>\n";
  for (const bool text : {false, true}) {
    std::string page = "<body>";
    for (int i = 0; i < kDepth; ++i) page += "<div>" + filler;
    if (text) page += "<p>Words at the very bottom, with a comma, in the last container.</p>";
    for (int i = 0; i < kDepth; ++i) page += "</div>";
    page += "</body>";
    const uint64_t nodes = kDepth * (1 + 2 * 30 + 30);
    const Found f = Main(page);
    EXPECT_FALSE(f.result.over_budget) << text;
    EXPECT_LT(f.work, 20 * nodes) << text;
  }
}

// A page's result and the work it cost, with the retries that would repeat
// an attempt skipped (as in production) or all run.
struct Both {
  Found skipped, every;
};

Both MainBothWays(std::string_view html) {
  static MainContentFinder finder;
  Both b;
  finder.set_run_every_retry(false);
  b.skipped = FindWith(&finder, html, 50'000'000);
  finder.set_run_every_retry(true);
  b.every = FindWith(&finder, html, 50'000'000);
  return b;
}

void ExpectSameResult(const Both& b, const std::string& what) {
  EXPECT_EQ(b.skipped.result.found, b.every.result.found) << what;
  EXPECT_EQ(b.skipped.result.whole_page, b.every.result.whole_page) << what;
  EXPECT_EQ(b.skipped.result.over_budget, b.every.result.over_budget) << what;
  EXPECT_EQ(b.skipped.text, b.every.text) << what;
}

TEST(MainContentTest, ARetryRunsOnlyIfTheFilterItRelaxesChangedSomething) {
  // No class, id, role or byline: every filter is idle, the four attempts
  // are the same attempt, and only the first runs.
  Both plain = MainBothWays("<body><div><p>A short page, with one paragraph of text in it.</p></div></body>");
  ExpectSameResult(plain, "plain");
  EXPECT_GT(plain.every.work, 3 * plain.skipped.work);

  // The unlikely filter removes the sidebar in the first attempt, leaving
  // under 500 characters; the negative class weight and the cleaning of the
  // second attempt leave it short too: the retries must run on, and the third
  // attempt finds the sidebar's prose.
  Both sidebar = MainBothWays(
      "<body><div><p>The article itself is short: one paragraph, some words, and a comma.</p></div>"
      "<div class=\"sidebar\">" + Article(6) + "</div></body>");
  ExpectSameResult(sidebar, "sidebar");
  EXPECT_NE(sidebar.skipped.text.find("Paragraph 5 of the story"), std::string::npos) << sidebar.skipped.text;

  // No filter fires, but the first attempt finds and removes the byline; the
  // next starts with a byline already found, keeps that paragraph, and so
  // gives a longer text (as Readability does).
  Both byline = MainBothWays(
      "<body><div><p class=\"byline\">By Jane Roe</p><p>A short story, told in one paragraph of a few words.</p>"
      "</div></body>");
  ExpectSameResult(byline, "byline");
  EXPECT_NE(byline.skipped.text.find("Jane Roe"), std::string::npos) << byline.skipped.text;
}

TEST(MainContentTest, SkippedRetriesChangeNoResultOnTheReadabilityPages) {
  const std::filesystem::path root = testing::SharedPath("corpus/extraction/readability");
  size_t pages = 0, fewer = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    const std::filesystem::path source = entry.path() / "source.html";
    if (!std::filesystem::exists(source)) continue;
    const std::string html = testing::ReadFile(source.string());
    const Both b = MainBothWays(html);
    ExpectSameResult(b, source.string());
    EXPECT_LE(b.skipped.work, b.every.work) << source;
    ++pages;
    fewer += b.skipped.work < b.every.work;
  }
  EXPECT_GE(pages, 100u);
  // Some pages take the retries, and some of those are skipped.
  EXPECT_GE(fewer, 5u) << pages << " pages";
}

}  // namespace
}  // namespace stocktake::crawler::html
