// stocktake-bench-extract: HTML extraction speed on the benchmark shards,
// next to inflate of the same shards in the same run.
//
// Loads the HTML payloads of every STRIDE-th HTTP 200 HTML response (decoded
// and converted to UTF-8, as the pipeline does) into memory, then times, on
// one thread, alternating and repeated (medians):
//   inflate   DecodedStream over the shards (the baseline)
//   parse     our HTML parser alone
//   full      full-text extraction
//   main      main-content extraction
// and, when built with them, gumbo's and libxml2's HTML parsers on the same
// pages (the comparison behind the parser choice in docs/extraction.md).
// `--profile parse|full|main` runs that pass alone, for perf.
//
// Usage: stocktake-bench-extract [--stride N] [--repeat N] [--profile PASS] SHARD...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#ifdef STOCKTAKE_HAVE_GUMBO
#include <gumbo.h>
#endif
#ifdef STOCKTAKE_HAVE_LIBXML2
#include <libxml/HTMLparser.h>
#endif

#include "common/byte_source.h"
#include "common/decoded_stream.h"
#include "crawler/extractor.h"
#include "crawler/html_parser.h"
#include "bench_common.h"

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  using stocktake::bench::Median;
  stocktake::bench::PageBenchArgs args;
  const char* usage = "stocktake-bench-extract [--stride N] [--repeat N] [--profile parse|full|main] SHARD...";
  if (!stocktake::bench::ParsePageBenchArgs(argc, argv, usage, &args)) return 2;
  const size_t stride = args.stride;
  const int repeat = args.repeat;
  const std::vector<std::string>& shards = args.shards;

  std::vector<std::string> pages;
  uint64_t html_bytes = stocktake::bench::LoadHtmlPages(shards, stride, &pages);
  std::printf("%zu pages, %.1f MB of HTML (every %zu-th page of %zu shards), %d repetitions, 1 thread\n",
              pages.size(), html_bytes / 1e6, stride, shards.size(), repeat);

  struct Pass {
    const char* name;
    std::vector<double> seconds;
    uint64_t bytes = 0;
  };
  std::vector<Pass> passes = {{"inflate (isa-l) of the shards", {}, 0}, {"parse (stocktake)", {}, 0},
                              {"extract full", {}, 0}, {"extract main", {}, 0}};
#ifdef STOCKTAKE_HAVE_GUMBO
  passes.push_back({"parse (gumbo 0.10)", {}, 0});
#endif
#ifdef STOCKTAKE_HAVE_LIBXML2
  passes.push_back({"parse (libxml2 HTML)", {}, 0});
#endif

  if (!args.profile.empty()) {
    const std::string wanted = args.profile == "parse" ? "parse (stocktake)" : "extract " + args.profile;
    auto it = std::find_if(passes.begin(), passes.end(), [&](const Pass& p) { return p.name == wanted; });
    if (it == passes.end()) {
      std::fprintf(stderr, "unknown --profile %s (parse, full or main)\n", args.profile.c_str());
      return 2;
    }
    passes = {*it};
  }

  stocktake::crawler::html::Document doc;
  stocktake::crawler::ExtractOptions full_opts;
  full_opts.mode = stocktake::crawler::ExtractMode::kFull;
  stocktake::crawler::Extractor full(full_opts);
  stocktake::crawler::Extractor main_extractor;
  std::vector<uint8_t> buf(256 << 10);
  uint64_t sink = 0;
  for (int rep = 0; rep < repeat; ++rep) {
    for (Pass& p : passes) {
      std::string name = p.name;
      auto start = Clock::now();
      if (name.rfind("inflate", 0) == 0) {
        p.bytes = 0;
        for (const std::string& f : shards) {
          stocktake::DecodedStream s(std::move(*stocktake::FileSource::Open(f)));
          for (;;) {
            auto r = s.Read(buf.data(), buf.size());
            p.bytes += r.size;
            if (r.stream_end) break;
          }
        }
      } else {
        p.bytes = html_bytes;
        for (const std::string& page : pages) {
          if (name == "parse (stocktake)") {
            doc.Parse(page);
            sink += doc.size();
          } else if (name == "extract full") {
            sink += full.Extract(page).text.size();
          } else if (name == "extract main") {
            sink += main_extractor.Extract(page).text.size();
          }
#ifdef STOCKTAKE_HAVE_GUMBO
          else if (name.find("gumbo") != std::string::npos) {
            GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, page.data(), page.size());
            sink += out->root != nullptr;
            gumbo_destroy_output(&kGumboDefaultOptions, out);
          }
#endif
#ifdef STOCKTAKE_HAVE_LIBXML2
          else if (name.find("libxml2") != std::string::npos) {
            htmlDocPtr d = htmlReadMemory(page.data(), static_cast<int>(page.size()), nullptr, "UTF-8",
                                          HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                              HTML_PARSE_NONET);
            sink += d != nullptr;
            xmlFreeDoc(d);
          }
#endif
        }
      }
      p.seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
  }
  const bool with_inflate = std::string(passes[0].name).rfind("inflate", 0) == 0;
  const double inflate_mbs = with_inflate ? passes[0].bytes / 1e6 / Median(passes[0].seconds) : 0;
  for (const Pass& p : passes) {
    double mbs = p.bytes / 1e6 / Median(p.seconds);
    std::printf("%-32s %8.1f MB/s  (%.2f s)", p.name, mbs, Median(p.seconds));
    if (with_inflate) std::printf("   %.2fx inflate speed", mbs / inflate_mbs);
    std::printf("\n");
  }
  return sink == 42 ? 1 : 0;
}
