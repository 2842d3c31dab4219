// SimpleTextExtractor: the visible text of an HTML page, and its title.
//
// A single forward scan, no DOM: markup is dropped, the contents of script,
// style, noscript, template, svg, math, iframe and object are dropped, block
// elements and <br> become line breaks, inline elements do not, runs of
// whitespace collapse to one space, and character references are decoded.
// It is the extractor of the first release; the extraction issue replaces it
// with a main-content extractor on a real HTML parser.
//
// Input must be UTF-8 (see CharsetConverter). Views returned are valid until
// the next Extract() call. Not thread-safe; keep one per thread (it reuses its
// buffers).
#ifndef STOCKTAKE_CRAWLER_SIMPLE_TEXT_H_
#define STOCKTAKE_CRAWLER_SIMPLE_TEXT_H_

#include <string>
#include <string_view>

namespace stocktake::crawler {

struct ExtractedText {
  std::string_view title;
  std::string_view text;
};

class SimpleTextExtractor {
 public:
  ExtractedText Extract(std::string_view html);

 private:
  std::string text_;
  std::string title_;
};

// Decodes HTML character references in `in`, appending to `out`.
void AppendDecodedEntities(std::string_view in, std::string* out);

}  // namespace stocktake::crawler

#endif  // STOCKTAKE_CRAWLER_SIMPLE_TEXT_H_
