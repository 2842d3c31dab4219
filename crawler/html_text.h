// Visible text of a parsed HTML subtree, laid out as a reader sees it.
//
// Block elements start and end lines; paragraph-level blocks (p, headings,
// lists, tables, pre, blockquote, ...) are separated by a blank line; inline
// elements are not; <br> breaks a line; list items and table rows get their
// own lines and table cells are separated by a tab; <pre> keeps its spacing.
// Whitespace elsewhere collapses to one space. Hidden elements (hidden,
// aria-hidden, display:none / visibility:hidden) and elements that never show
// text (script, style, svg, ...; see html_tags.h) are skipped. Character
// references are decoded; U+00A0 becomes a plain space.
//
// Thread-safe for distinct outputs; the document is only read.
#ifndef STOCKTAKE_CRAWLER_HTML_TEXT_H_
#define STOCKTAKE_CRAWLER_HTML_TEXT_H_

#include <string>

#include "crawler/html_parser.h"

namespace stocktake::crawler::html {

struct TextStats {
  size_t paragraphs = 0;  // blocks separated by blank lines
  size_t chars = 0;       // code points of text, spaces excluded
  size_t link_chars = 0;  // ... of which inside <a href>
};

// Appends the text of `root`'s subtree to `out`. `scratch` is reused memory.
void RenderText(const Document& doc, NodeId root, std::string* out, TextStats* stats, std::string* scratch);

// The text of a title-like snippet: decoded, whitespace collapsed, trimmed.
void CollapseText(std::string_view raw, std::string* out);

}  // namespace stocktake::crawler::html

#endif  // STOCKTAKE_CRAWLER_HTML_TEXT_H_
