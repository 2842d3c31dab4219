// The bad-input budget (../shared/DESIGN.md, "Errors and bad input"): each
// hostile input, run through the stocktake binary on its own, must finish
// with exit 0 within a time and memory bound and leave a named reason in
// stats.json; a config with wrong types is one line and exit 2; every
// damaged file of the corpus is reported, not fatal. The measured time and
// peak RSS of each case are printed (docs/reliability.md quotes them).
#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_support/test_support.h"

namespace stocktake {
namespace {

constexpr double kSlowdown = testing::kSanitizerBuild ? 4 : 1;  // slower, larger
constexpr double kSecondsBound = 60 * kSlowdown;
constexpr uint64_t kMemoryBound = static_cast<uint64_t>(512 * kSlowdown) << 20;

std::string Http(std::string_view headers, std::string_view body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" + std::string(headers) + "\r\n" +
         std::string(body);
}

// One WARC response record; `declared` overrides its Content-Length.
std::string Warc(std::string_view block, std::string_view uri = "http://example.com/page",
                 std::string declared = "") {
  if (declared.empty()) declared = std::to_string(block.size());
  return "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + std::string(uri) +
         "\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
         "Content-Type: application/http; msgtype=response\r\nContent-Length: " +
         declared + "\r\n\r\n" + std::string(block) + "\r\n\r\n";
}

// gzip of prefix + `count` copies of `fill` + suffix, compressed in chunks:
// the test process stays small, so the child's peak RSS (which on Linux
// starts from its parent's at spawn) measures stocktake alone.
std::string GzipFilled(std::string_view prefix, char fill, size_t count, std::string_view suffix) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  const std::string chunk(1u << 20, fill);
  char buffer[1 << 16];
  auto feed = [&](std::string_view in, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof(buffer);
      deflate(&z, flush);
      out.append(buffer, sizeof(buffer) - z.avail_out);
    } while (z.avail_out == 0);
  };
  feed(prefix, Z_NO_FLUSH);
  for (size_t done = 0; done < count; done += chunk.size()) {
    feed(std::string_view(chunk).substr(0, std::min(chunk.size(), count - done)), Z_NO_FLUSH);
  }
  feed(suffix, Z_FINISH);
  deflateEnd(&z);
  return out;
}

std::string WarcHeader(size_t length) {
  return "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/bomb\r\n"
         "WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
         "Content-Type: application/http; msgtype=response\r\nContent-Length: " +
         std::to_string(length) + "\r\n\r\n";
}

std::string Page(std::string_view body) {
  return "<html><head><title>t</title></head><body>" + std::string(body) + "</body></html>";
}

struct Case {
  std::string name;
  std::string bytes;   // the input file
  std::string reason;  // expected in per_input[0].errors, or "" and:
  // What else must hold of per_input[0] (may be empty).
  std::function<void(simdjson::dom::element)> check;
};

// The document was measured and stopped below the `clean` tier by the
// rules (the funnel names which).
void RejectedByRules(simdjson::dom::element entry) {
  EXPECT_EQ(uint64_t(entry["documents"]), 1u);
  EXPECT_EQ(uint64_t(entry["quality"]["tiers"].at(1)["documents"]), 0u);
}

std::vector<Case> HostileInputs() {
  std::vector<Case> cases;
  const std::string text = "This is an ordinary sentence of an ordinary page, repeated to give it some length. ";
  std::string prose;
  for (int i = 0; i < 20; ++i) prose += text;
  constexpr size_t kBomb = size_t{1} << 30;  // 1 GiB inflated, ~1 MiB compressed
  // A WARC record of 1 GiB of zeros in one gzip member: the reader keeps
  // max_record_bytes (64 MiB) and skips the rest.
  cases.push_back({"decompression bomb (record, 1 GiB)", GzipFilled(WarcHeader(kBomb), '\0', kBomb, "\r\n\r\n"),
                   "record_clipped"});
  {
    // An HTTP body with Content-Encoding: gzip that inflates 1000:1 past
    // max_payload_bytes.
    const std::string body = GzipFilled("<html><body><p>", ' ', kBomb, "</p></body></html>");
    cases.push_back({"decompression bomb (HTTP gzip, 1 GiB)",
                     Warc(Http("Content-Encoding: gzip\r\nContent-Length: " + std::to_string(body.size()) + "\r\n",
                               body)),
                     "http_payload_clipped"});
  }
  cases.push_back({"2 GB declared WARC Content-Length", Warc(Http("", Page(prose)), "http://example.com/", "2147483648"),
                   "record_truncated"});
  // The WARC record frames the body; the HTTP header's claim changes
  // nothing: the page is measured as it is.
  cases.push_back({"2 GB declared HTTP Content-Length", Warc(Http("Content-Length: 2147483648\r\n", Page(prose))), "",
                   [](simdjson::dom::element e) { EXPECT_EQ(uint64_t(e["documents"]), 1u); }});
  cases.push_back({"1 MB line without spaces", Warc(Http("", Page("<p>" + std::string(1u << 20, 'a') + "</p>"))), "",
                   RejectedByRules});
  {
    std::string deep;
    for (int i = 0; i < 200000; ++i) deep += "<div>";
    deep += prose;
    cases.push_back({"deeply nested HTML (200,000 divs)", Warc(Http("", Page(deep))), "html_depth_limited"});
  }
  {
    std::string nuls = prose;
    for (size_t i = 0; i < nuls.size(); i += 7) nuls[i] = '\0';
    std::string uri = "http://example.com/a";
    uri += '\0';
    uri += "b";
    cases.push_back({"NUL bytes (URI, body)", Warc(Http("", Page(nuls)), uri), "", [](simdjson::dom::element e) {
                       EXPECT_GT(uint64_t(e["quality"]["controls_removed"]), 0u);  // counted by normalization
                     }});
  }
  {
    // Invalid UTF-8 in every position: URI, HTTP header, charset label,
    // start, middle and end of the body; truncated, overlong, surrogate,
    // stray continuation and 0xFF bytes.
    const std::string bad[] = {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\x80\x80", "\xFF\xFE", "\xF4\x90\x80\x80"};
    std::string body;
    for (const std::string& b : bad) body += b + prose.substr(0, 200);
    body += bad[0];
    cases.push_back({"invalid UTF-8 everywhere",
                     Warc("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\xFF\r\nX-Bad: \xC0\xAF\r\n\r\n" +
                              Page(body),
                          "http://example.com/\xED\xA0\x80/\xFF"),
                     "charset_invalid_bytes"});
  }
  return cases;
}

TEST(HostileInputTest, EachHostileInputHasANamedReasonWithinBounds) {
  testing::TempDir dir;
  int n = 0;
  for (const Case& c : HostileInputs()) {
    SCOPED_TRACE(c.name);
    const std::string input = dir.File("hostile-" + std::to_string(n) + ".warc");
    const std::string run = dir.File("run-" + std::to_string(n++));
    testing::WriteFile(input, c.bytes);
    auto r = testing::RunCommand({testing::StocktakeBinary(), "run", "-q", "--threads", "2", "-o", run, input});
    std::printf("hostile input %-36s %9zu bytes  %6.2f s  peak RSS %5llu MiB  exit %d\n", c.name.c_str(),
                c.bytes.size(), r.seconds, static_cast<unsigned long long>(r.peak_rss_bytes >> 20), r.exit_code);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_LT(r.seconds, kSecondsBound);
    EXPECT_LT(r.peak_rss_bytes, kMemoryBound);
    simdjson::dom::parser parser;
    simdjson::dom::element entry = parser.load(run + "/stats.json")["per_input"].at(0);
    EXPECT_TRUE(bool(entry["readable"]));
    if (!c.reason.empty()) {
      uint64_t count = 0;
      EXPECT_EQ(entry["errors"][c.reason].get(count), simdjson::SUCCESS) << simdjson::to_string(entry["errors"]);
      EXPECT_GT(count, 0u);
    }
    if (c.check) c.check(entry);
  }
}

TEST(HostileInputTest, AConfigWithWrongTypesIsOneLineNamingTheKey) {
  testing::TempDir dir;
  const std::string input = testing::CorpusFile("webrecorder+warcio/test/data/example.warc.gz");
  const std::pair<std::string, std::string> configs[] = {
      {"[dedup]\nbands = \"fourteen\"\n", "dedup.bands"},
      {"[reader]\nmax_record_bytes = -5\n", "reader.max_record_bytes"},
      {"[quality]\nlanguage_threshold = [1, 2]\n", "quality.language_threshold"},
      {"[run]\nthreads = 1.5\n", "run.threads"},
      {"[dedup\nbands = 3\n", "line 1"},
      {"[tiers]\nhigh = 7\n", "tiers"},
      {"[dedup]\nbands = 99999999999999999999\n", "line 2"},
  };
  for (const auto& [text, named] : configs) {
    SCOPED_TRACE(text);
    testing::WriteFile(dir.File("bad.toml"), text);
    auto r = testing::RunCommand(
        {testing::StocktakeBinary(), "run", "-q", "-c", dir.File("bad.toml"), "-o", dir.File("run"), input});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.File("run")));
  }
}

// Damaged files of the corpus: those whose INVENTORY.md verification column
// does not say every record parses.
std::vector<std::string> DamagedCorpusFiles() {
  std::ifstream in(testing::SharedPath("corpus/warc/INVENTORY.md"));
  std::string line, folder;
  std::vector<std::string> files;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      folder = line.substr(3, line.find(' ', 3) - 3);
      std::replace(folder.begin(), folder.end(), '/', '+');
      continue;
    }
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(cell);
    if (cells.size() < 6 || cells[5].find("all records parse") != std::string::npos) continue;
    const size_t open = cells[1].find('`'), close = cells[1].rfind('`');
    const std::string path = testing::SharedPath("corpus/warc/" + folder + "/" + cells[1].substr(open + 1, close - open - 1));
    if (std::filesystem::exists(path)) files.push_back(path);
  }
  return files;
}

TEST(HostileInputTest, EveryDamagedCorpusFileIsReportedNotFatal) {
  const std::vector<std::string> damaged = DamagedCorpusFiles();
  ASSERT_GE(damaged.size(), 15u);
  testing::TempDir dir;
  std::vector<std::string> args = {testing::StocktakeBinary(), "run", "-q", "-o", dir.File("run")};
  args.insert(args.end(), damaged.begin(), damaged.end());
  auto r = testing::RunCommand(args);
  std::printf("%zu damaged corpus files: %.2f s, peak RSS %llu MiB\n", damaged.size(), r.seconds,
              static_cast<unsigned long long>(r.peak_rss_bytes >> 20));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(r.seconds, kSecondsBound);
  EXPECT_LT(r.peak_rss_bytes, kMemoryBound);
  simdjson::dom::parser parser;
  simdjson::dom::element stats = parser.load(dir.File("run/stats.json"));
  size_t seen = 0;
  for (simdjson::dom::element entry : stats["per_input"].get_array()) {
    ++seen;
    const std::string path{std::string_view(entry["path"])};
    SCOPED_TRACE(path);
    if (!bool(entry["readable"])) {
      EXPECT_FALSE(std::string_view(entry["failure"]).empty());
      continue;
    }
    // Readable but damaged: at least one named error, or skipped bytes.
    const size_t errors = entry["errors"].get_object().size();
    EXPECT_TRUE(errors > 0 || uint64_t(entry["skipped_bytes"]) > 0) << simdjson::to_string(entry);
  }
  EXPECT_EQ(seen, damaged.size());
}

}  // namespace
}  // namespace stocktake
