#include "crawler/extractor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "test_support/test_support.h"

namespace stocktake::crawler {
namespace {

std::string Page() {
  std::string p = "<html><head><title>  A &amp; B  </title></head><body><nav><a href=/>Home</a></nav><main>";
  for (int i = 0; i < 8; ++i) {
    p += "<p>Sentence number " + std::to_string(i) +
         ", with commas, clauses, and words enough to look like an article paragraph. More words follow.</p>";
  }
  return p + "</main><footer>Footer text</footer></body></html>";
}

TEST(ExtractorTest, ModesAndSignals) {
  ExtractOptions full_opts;
  full_opts.mode = ExtractMode::kFull;
  Extractor full(full_opts);
  Extractor main;
  std::string page = Page();
  const ExtractedDocument& f = full.Extract(page);
  EXPECT_EQ(f.title, "A & B");
  EXPECT_EQ(f.mode, ExtractMode::kFull);
  EXPECT_NE(f.text.find("Home"), std::string_view::npos);
  EXPECT_NE(f.text.find("Footer text"), std::string_view::npos);
  EXPECT_EQ(f.paragraphs, 10u);
  EXPECT_GT(f.link_density, 0.0);
  size_t full_bytes = f.text_bytes;
  const ExtractedDocument& m = main.Extract(page);
  EXPECT_TRUE(m.main_found);
  EXPECT_EQ(m.text.find("Home"), std::string_view::npos);
  EXPECT_EQ(m.text.find("Footer text"), std::string_view::npos);
  EXPECT_NE(m.text.find("Sentence number 7"), std::string_view::npos);
  EXPECT_LT(m.text_bytes, full_bytes);
  EXPECT_EQ(m.paragraphs, 8u);
  EXPECT_EQ(m.link_density, 0.0);
  EXPECT_EQ(m.text_bytes, m.text.size());
}

TEST(ExtractorTest, ModeNames) {
  ExtractMode mode;
  EXPECT_TRUE(ParseExtractMode("full", &mode));
  EXPECT_EQ(mode, ExtractMode::kFull);
  EXPECT_TRUE(ParseExtractMode("main", &mode));
  EXPECT_FALSE(ParseExtractMode("Main", &mode));
  EXPECT_EQ(ExtractModeName(ExtractMode::kFull), "full");
}

// The guards: every hostile page finishes quickly, is counted, and yields text.
// The time bounds below catch runaway (quadratic, unbounded) work, not speed:
// release builds take about a twentieth of them. Sanitizer builds run many
// times slower (ThreadSanitizer most, with test shards sharing the cores).
constexpr double kSlowdown = testing::kSanitizerBuild ? 8 : 1;

class ExtractorGuardTest : public ::testing::TestWithParam<ExtractMode> {
 protected:
  const ExtractedDocument& Run(const std::string& html, ExtractOptions o = {}) {
    o.mode = GetParam();
    extractor_ = std::make_unique<Extractor>(o);
    auto start = std::chrono::steady_clock::now();
    const ExtractedDocument& d = extractor_->Extract(html);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return d;
  }
  std::unique_ptr<Extractor> extractor_;
  double seconds_ = 0;
};

TEST_P(ExtractorGuardTest, DeeplyNested) {
  std::string html;
  for (int i = 0; i < 200000; ++i) html += "<div><span>";
  html += "deep text";
  const ExtractedDocument& d = Run(html);
  EXPECT_TRUE(d.depth_limited);
  EXPECT_NE(d.text.find("deep text"), std::string_view::npos);
  EXPECT_LT(seconds_, 20.0 * kSlowdown);
}

TEST_P(ExtractorGuardTest, FiftyMegabytePage) {
  std::string html = "<html><body>";
  std::string para = "<p>Fifty megabytes of paragraphs, with commas, and enough words to be scored as prose.</p>";
  while (html.size() < (50u << 20)) html += para;
  ExtractOptions o;
  o.max_html_bytes = 16u << 20;
  const ExtractedDocument& d = Run(html, o);
  EXPECT_TRUE(d.html_clipped);
  EXPECT_GT(d.text_bytes, 10u << 20);
  EXPECT_LT(seconds_, 60.0 * kSlowdown);
}

TEST_P(ExtractorGuardTest, BinaryGarbage) {
  std::mt19937 rng(7);
  std::string bytes(1 << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  const ExtractedDocument& d = Run(bytes);
  EXPECT_LE(d.text_bytes, bytes.size() * 3);
  EXPECT_LT(seconds_, 10.0 * kSlowdown);
}

TEST_P(ExtractorGuardTest, Unterminated) {
  for (const char* html : {"<p>text <a href=\"never closed", "<p>x<!-- comment never ends", "<script>var a = 1;",
                           "<p>text<div", "<title>unterminated title", "<p>&#x", "<table><tr><td>cell"}) {
    const ExtractedDocument& d = Run(html);
    EXPECT_LE(d.text_bytes, std::string_view(html).size()) << html;
  }
}

TEST_P(ExtractorGuardTest, WorkBudget) {
  std::string html = "<body>";
  for (int i = 0; i < 2000; ++i) html += "<div><p>Paragraph with words, and commas, enough to be scored.</p></div>";
  ExtractOptions o;
  o.max_work = 5000;
  const ExtractedDocument& d = Run(html, o);
  if (GetParam() == ExtractMode::kMain) {
    EXPECT_TRUE(d.over_budget);
    EXPECT_FALSE(d.main_found);
  }
  EXPECT_GT(d.text_bytes, 2000u * 40);  // falls back to the full text
}

INSTANTIATE_TEST_SUITE_P(BothModes, ExtractorGuardTest, ::testing::Values(ExtractMode::kMain, ExtractMode::kFull),
                         [](const auto& info) { return std::string(ExtractModeName(info.param)); });

}  // namespace
}  // namespace stocktake::crawler
