// HTML -> text with two modes, guards and per-document signals.
//
//   full  all visible text of the page (what Common Crawl's WET files hold)
//   main  the main content: the article without navigation, headers, footers,
//         sidebars, cookie banners, ads and comment widgets (main_content.h);
//         main_found says whether a part of the page stood out as the article
//
// Guards keep one page from stalling a shard, all deterministic:
//   max_html_bytes  longer input is cut there (html_clipped)
//   max_depth       deeper nesting is flattened (depth_limited)
//   max_work        main-content work cap in node visits; past it the page
//                   falls back to full text (over_budget)
//
// Lifetime: the views in the returned document point into the Extractor and
// stay valid until the next Extract(). Not thread-safe; one per thread
// (buffers are reused across pages).
#ifndef STOCKTAKE_CRAWLER_EXTRACTOR_H_
#define STOCKTAKE_CRAWLER_EXTRACTOR_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "crawler/html_parser.h"
#include "crawler/main_content.h"

namespace stocktake::crawler {

enum class ExtractMode { kMain, kFull };
std::string_view ExtractModeName(ExtractMode mode);
// "main" or "full"; false for anything else.
bool ParseExtractMode(std::string_view name, ExtractMode* mode);

struct ExtractOptions {
  ExtractMode mode = ExtractMode::kMain;
  size_t max_html_bytes = 16u << 20;
  size_t max_depth = 512;
  uint64_t max_work = 50'000'000;
};

struct ExtractedDocument {
  std::string_view title;   // <title>, decoded and collapsed
  std::string_view text;    // lines and paragraphs (html_text.h)
  ExtractMode mode = ExtractMode::kMain;  // the mode asked for
  // Main mode: a part of the page stood out as the article. When false, the
  // text is the whole page, with the main-content cleaning applied if
  // detection ran to the end (whole_page), else plain full text.
  bool main_found = false;
  bool whole_page = false;
  size_t text_bytes = 0;
  size_t paragraphs = 0;    // blocks separated by blank lines
  double link_density = 0;  // share of text characters inside links
  bool html_clipped = false;
  bool depth_limited = false;
  bool over_budget = false;
};

class Extractor {
 public:
  explicit Extractor(ExtractOptions options = {}) : options_(options) {}

  const ExtractedDocument& Extract(std::string_view html);
  const ExtractOptions& options() const { return options_; }

  // The full visible text of the page last passed to Extract() (whatever the
  // mode), e.g. as more evidence for language identification when the main
  // content is short. Renders that page's parse as it was before detection
  // edited it, whose views need its bytes still alive.
  // Valid until the next call to either method; the last ExtractedDocument
  // stays valid.
  std::string_view FullTextOfLastPage();

 private:
  void RenderFrom(const html::Document& doc, html::NodeId root);

  ExtractOptions options_;
  html::Document doc_;
  html::MainContentFinder finder_;
  std::string text_;
  std::string full_text_;
  std::string title_;
  std::string scratch_;
  ExtractedDocument result_;
};

}  // namespace stocktake::crawler

#endif  // STOCKTAKE_CRAWLER_EXTRACTOR_H_
