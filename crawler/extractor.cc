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

void Extractor::RenderFrom(html::NodeId root) {
  text_.clear();
  html::TextStats stats;
  html::RenderText(doc_, root, &text_, &stats, &scratch_);
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
      RenderFrom(main.article);
      rendered = !text_.empty();
      result_.main_found = rendered && !main.whole_page;
      result_.whole_page = rendered && main.whole_page;
    }
  }
  if (!rendered) {
    // A fresh tree: detection may have edited the old one.
    if (options_.mode == ExtractMode::kMain) {
      doc_ = finder_.parsed();
    } else {
      doc_.Parse(html, parse);
    }
    RenderFrom(doc_.body());
  }
  result_.depth_limited = doc_.stats().depth_limited;
  html::CollapseText(doc_.title(), &title_);
  result_.title = title_;
  result_.text = text_;
  result_.text_bytes = text_.size();
  return result_;
}

std::string_view Extractor::FullTextOfLastPage() {
  if (options_.mode == ExtractMode::kFull || (!result_.main_found && !result_.whole_page)) return text_;
  doc_ = finder_.parsed();  // main mode: the page before detection edited it
  full_text_.clear();
  html::TextStats stats;
  html::RenderText(doc_, doc_.body(), &full_text_, &stats, &scratch_);
  return full_text_;
}

}  // namespace stocktake::crawler
