// Main-content detection: which part of a page is the article.
//
// The algorithm is Mozilla Readability's, reimplemented on our DOM: elements
// whose class or id say "sidebar", "comment", "footer", ... are removed unless
// they also say "article", "content", ...; paragraphs are scored by length and
// commas, scores flow to parents and grandparents, the best-scoring node
// (discounted by link density) is the article root, its siblings join when
// they score well enough or read like prose, and the result is cleaned of
// forms, share widgets, link lists and other low-text blocks. If the result
// is shorter than 500 characters, the steps rerun on the page as parsed with
// the class filters relaxed, as Readability does; a retry that would repeat
// the previous attempt exactly (the filter it relaxes changed nothing there)
// is not run, and the longest attempt is kept, not rebuilt. Readability is
// the reference of the test pages in ../shared/corpus/extraction (article-body
// F1 measured in tests/crawler and docs/extraction.md).
//
// Work is bounded: every node visit counts against `max_work`; past it the
// detection stops and the caller falls back to full text (deterministic,
// unlike a wall-clock limit).
//
// Not thread-safe; keep one per thread (it reuses its buffers).
#ifndef STOCKTAKE_CRAWLER_MAIN_CONTENT_H_
#define STOCKTAKE_CRAWLER_MAIN_CONTENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/html_parser.h"

namespace stocktake::crawler::html {

class Grabber;

struct MainContentResult {
  bool found = false;         // an article container was built
  bool whole_page = false;    // ... but no candidate scored: it wraps the whole page
  bool over_budget = false;   // stopped at max_work
  NodeId article = kNoNode;   // the article container (in the caller's document)
  std::string title;          // the article title Readability-style (for header de-duplication)
};

class MainContentFinder {
 public:
  MainContentFinder();
  ~MainContentFinder();
  MainContentFinder(const MainContentFinder&) = delete;
  MainContentFinder& operator=(const MainContentFinder&) = delete;

  // Parses `html` into `doc` (possibly several times) and leaves the article
  // subtree in it. `doc` must not be used for anything else meanwhile.
  MainContentResult Find(std::string_view html, const ParseOptions& parse, uint64_t max_work, Document* doc);

  // Node visits the last Find() made (for calibrating max_work). Retries
  // that are not run cost none.
  uint64_t work() const;

  // Runs every retry, even one that would repeat the previous attempt (for
  // the tests that check that not running it changes nothing).
  void set_run_every_retry(bool every);

  // The page as the last Find() parsed it, before any attempt edited it. It
  // holds views into that call's `html`, which must still be alive.
  const Document& parsed() const;

 private:
  friend class Grabber;
  struct State;  // per-node scores and subtree summaries, reused across pages
  struct Attempt;
  bool Grab(Document* doc, uint32_t flags, Attempt* out);

  std::unique_ptr<State> state_;
};

}  // namespace stocktake::crawler::html

#endif  // STOCKTAKE_CRAWLER_MAIN_CONTENT_H_
