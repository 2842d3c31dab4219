// Extraction driver: guards first, then main-content detection or plain
// rendering, then signals from the rendered text.
#include "crawler/extractor.h"

#include "crawler/html_text.h"

namespace stocktake::crawler {

std::string_view ExtractModeName(ExtractMode mode) { return mode == ExtractMode::kMain ? "main" : "full"; }

bool ParseExtractMode(std::string_view name, ExtractMode* mode) {
  if (name == "main") {
    *mode = ExtractMode::kMain;
    return true;
  }
  if (name == "full") {
    *mode = ExtractMode::kFull;
    return true;
  }
  return false;
}

void Extractor::RenderFrom(const html::Document& doc, html::NodeId root) {
  text_.clear();
  html::TextStats stats;
  html::RenderText(doc, root, &text_, &stats, &scratch_);
  result_.paragraphs = text_.empty() ? 0 : stats.paragraphs;
  result_.link_density =
      stats.chars == 0 ? 0.0 : static_cast<double>(stats.link_chars) / static_cast<double>(stats.chars);
}

const ExtractedDocument& Extractor::Extract(std::string_view html) {
  result_ = ExtractedDocument{};
  result_.mode = options_.mode;
  if (html.size() > options_.max_html_bytes) {
    html = html.substr(0, options_.max_html_bytes);
    result_.html_clipped = true;
  }
  html::ParseOptions parse;
  parse.max_depth = options_.max_depth;

  bool rendered = false;
  if (options_.mode == ExtractMode::kMain) {
    html::MainContentResult main = finder_.Find(html, parse, options_.max_work, &doc_);
    result_.over_budget = main.over_budget;
    if (main.found) {
      RenderFrom(doc_, main.article);
      rendered = !text_.empty();
      result_.main_found = rendered && !main.whole_page;
      result_.whole_page = rendered && main.whole_page;
    }
  }
  // The page as parsed: detection may have edited doc_.
  const html::Document& page = options_.mode == ExtractMode::kMain ? finder_.parsed() : doc_;
  if (!rendered) {
    if (options_.mode != ExtractMode::kMain) doc_.Parse(html, parse);
    RenderFrom(page, page.body());
  }
  result_.depth_limited = page.stats().depth_limited;
  html::CollapseText(page.title(), &title_);
  result_.title = title_;
  result_.text = text_;
  result_.text_bytes = text_.size();
  return result_;
}

std::string_view Extractor::FullTextOfLastPage() {
  if (options_.mode == ExtractMode::kFull || (!result_.main_found && !result_.whole_page)) return text_;
  const html::Document& page = finder_.parsed();  // main mode: the page before detection edited it
  full_text_.clear();
  html::TextStats stats;
  html::RenderText(page, page.body(), &full_text_, &stats, &scratch_);
  return full_text_;
}

}  // namespace stocktake::crawler
