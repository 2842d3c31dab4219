// Golden test over every file in ../shared/corpus/warc.
//
// Expectations come from the corpus's own INVENTORY.md, parsed here: for each
// file it gives the record counts by type and whether every record parsed by
// its Content-Length ("clean") or what damage it has. Clean files must give
// exactly the inventory's counts and no damage reasons; damaged files must
// keep at least the inventory's good records, count their damage under named
// reasons, and never crash. A few files get sharper per-file checks below.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "common/byte_source.h"
#include "crawler/record_reader.h"
#include "test_support/test_support.h"

namespace stocktake::crawler {
namespace {

struct InventoryRow {
  std::string file;          // relative to corpus/warc
  std::string verification;  // column 5
  std::string records;       // column 6
  bool clean = false;
  bool is_arc = false;
  std::map<std::string, uint64_t> counts;  // WARC: by type; ARC: {"*": total}
};

std::vector<InventoryRow> ParseInventory() {
  std::string text = testing::ReadFile(testing::CorpusFile("INVENTORY.md"));
  std::vector<InventoryRow> rows;
  std::istringstream in(text);
  std::string line, folder;
  std::regex section(R"(^## ([^/ ]+)/([^ ]+) )");
  std::regex warc_counts(R"(^WARC/[0-9.]+; (.*)$)");
  std::regex arc_counts(R"(^ARC records: ([0-9]+))");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, section)) {
      folder = m[1].str() + "+" + m[2].str();
      continue;
    }
    if (line.rfind("| `", 0) != 0 || folder.empty()) continue;
    std::vector<std::string> cols;
    std::string col;
    std::istringstream cells(line.substr(1));
    while (std::getline(cells, col, '|')) {
      size_t a = col.find_first_not_of(' '), b = col.find_last_not_of(' ');
      cols.push_back(a == std::string::npos ? "" : col.substr(a, b - a + 1));
    }
    if (cols.size() < 6) continue;
    InventoryRow row;
    row.file = folder + "/" + cols[0].substr(1, cols[0].size() - 2);
    row.verification = cols[4];
    row.records = cols[5];
    bool parses = row.verification.find("all records parse by Content-Length") != std::string::npos;
    bool container_ok = row.verification.find("-t OK") != std::string::npos ||
                        row.verification.rfind("plain (no container)", 0) == 0;
    row.clean = parses && container_ok;
    if (std::regex_search(row.records, m, warc_counts)) {
      std::string list = m[1].str();
      std::regex item(R"(([a-z]+) ([0-9]+))");
      for (auto it = std::sregex_iterator(list.begin(), list.end(), item); it != std::sregex_iterator(); ++it) {
        row.counts[(*it)[1].str()] = std::stoull((*it)[2].str());
      }
    } else if (std::regex_search(row.records, m, arc_counts)) {
      row.is_arc = true;
      row.counts["*"] = std::stoull(m[1].str());
    }
    rows.push_back(row);
  }
  return rows;
}

struct ReadResult {
  std::map<std::string, uint64_t> counts;
  uint64_t total = 0;
  Counts errors;
  uint64_t skipped = 0;
  std::vector<uint64_t> offsets;
};

ReadResult ReadAll(const std::string& path) {
  auto src = FileSource::Open(path);
  EXPECT_TRUE(src.ok()) << path;
  ReadResult r;
  if (!src.ok()) return r;
  RecordReader reader(std::move(*src));
  while (const Record* rec = reader.Next()) {
    r.counts[std::string(rec->type)]++;
    r.total++;
    r.offsets.push_back(rec->offset);
    EXPECT_LE(rec->body.size(), rec->declared_length) << path << " @" << rec->offset;
  }
  r.errors = reader.errors();
  r.skipped = reader.skipped_bytes();
  return r;
}

// Reasons that mean "damage" (as opposed to a harmless deviation such as
// extra blank lines between records).
bool HasDamage(const Counts& errors) {
  for (const auto& [reason, n] : errors.map()) {
    if (reason != "extra_newlines") return true;
  }
  return false;
}

// Inventory rows that say "clean" but are not, with the evidence.
const std::map<std::string, std::string> kNotActuallyClean = {
    // The HTTP headers lost their CRs (VCS end-of-line conversion): the body is
    // 12 bytes shorter than the ARC length line says.
    {"webrecorder+warcio/test/data/example-space-in-url.arc", "record_truncated"},
};

// Inventory rows that report damage our reader does not see, with the reason.
const std::map<std::string, std::string> kNotActuallyDamaged = {
    // Lines end in CR CR LF; the inventory's reader could not find the header
    // end. Ours tolerates any number of CRs, and the record's length is right.
    {"webrecorder+pywb/sample_archive/warcs/missing-status-text.warc", "CRCRLF line ends"},
};

TEST(CorpusTest, InventoryListsEveryFile) {
  auto rows = ParseInventory();
  EXPECT_EQ(rows.size(), 154u);  // "Totals: 154 files" in INVENTORY.md
  size_t on_disk = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(testing::CorpusFile(""))) {
    if (e.is_regular_file() && e.path().filename() != "INVENTORY.md" && e.path().filename() != "PROVENANCE.tsv") {
      ++on_disk;
    }
  }
  EXPECT_EQ(on_disk, rows.size());
}

TEST(CorpusTest, CleanFilesMatchTheInventoryExactly) {
  size_t checked = 0;
  for (const InventoryRow& row : ParseInventory()) {
    if (!row.clean || row.counts.empty()) continue;
    SCOPED_TRACE(row.file);
    ReadResult got = ReadAll(testing::CorpusFile(row.file));
    if (row.is_arc) {
      EXPECT_EQ(got.total, row.counts.at("*"));
    } else {
      EXPECT_EQ(got.counts, row.counts);
    }
    auto known = kNotActuallyClean.find(row.file);
    if (known != kNotActuallyClean.end()) {
      EXPECT_GT(got.errors.Get(known->second), 0u);
    } else {
      EXPECT_FALSE(HasDamage(got.errors)) << "unexpected damage reasons";
      EXPECT_EQ(got.skipped, 0u);
    }
    ++checked;
  }
  EXPECT_GT(checked, 120u);
}

TEST(CorpusTest, DamagedFilesKeepGoodRecordsAndNameTheDamage) {
  size_t checked = 0;
  for (const InventoryRow& row : ParseInventory()) {
    if (row.clean) continue;
    SCOPED_TRACE(row.file + " | " + row.verification);
    ReadResult got = ReadAll(testing::CorpusFile(row.file));
    ++checked;
    if (kNotActuallyDamaged.count(row.file) != 0) continue;  // checked in SpecificDamage
    EXPECT_TRUE(HasDamage(got.errors)) << "damage not counted";
    for (const auto& [type, n] : row.counts) {
      if (type == "*") {
        EXPECT_GE(got.total, n);
      } else {
        EXPECT_GE(got.counts[type], n) << type;
      }
    }
  }
  EXPECT_EQ(checked, 19u);  // the rows whose verification column reports damage
}

// Sharper checks where the inventory describes the damage precisely.
struct DamageCase {
  const char* file;
  std::map<std::string, uint64_t> records;  // exact
  std::vector<const char*> reasons;         // each must be counted
};

TEST(CorpusTest, SpecificDamage) {
  const std::vector<DamageCase> cases = {
      {"ArianeS21+resilipipe_quality_scoring/tests/data/sample.warc.gz", {{"warcinfo", 1}, {"response", 1}},
       {"record_truncated"}},
      {"chatnoir-eu+chatnoir-resiliparse/tests/data/clipped.warc.gz", {{"response", 1}},
       {"gzip_truncated", "record_truncated"}},
      {"jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/appended_zip_fragment_unexpected_eof.wet.gz",
       {{"warcinfo", 1}, {"conversion", 16}}, {"gzip_truncated", "record_truncated"}},
      {"OrestisRo+web_data_vu/sample.warc.gz", {{"warcinfo", 1}, {"request", 4}, {"response", 4}, {"metadata", 3}},
       {"junk_between_records"}},
      // No version lines at all: every record is still found.
      {"CorentinB+warc/testdata/test.warc.bz2.headerless-e843b4e", {{"resource", 50}}, {"missing_version_line"}},
      // Starts mid-record; the two complete-header records after it are found.
      {"jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/fragment2_no_header.wet.gz",
       {{"conversion", 2}}, {"no_record_at_start"}},
      // The first conversion's length runs into the second record's header.
      {"jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/fragment1_asthma_incomplete_last.wet.gz",
       {{"warcinfo", 1}, {"conversion", 2}}, {"content_length_mismatch", "record_truncated"}},
      {"oduwsdl+ipwb/samples/warcs/broken.warc", {{"warcinfo", 1}, {"request", 2}, {"metadata", 1}, {"response", 2}},
       {"junk_between_records"}},
      {"oduwsdl+ipwb/samples/warcs/redirect.warc", {{"warcinfo", 1}, {"response", 1}}, {"record_truncated"}},
      // CRCRLF line ends; the inventory's reader gave up on it.
      {"webrecorder+pywb/sample_archive/warcs/missing-status-text.warc", {{"response", 1}}, {}},
      // ARC records whose lengths overrun into the next record.
      {"archivesunleashed+aut/src/test/resources/arc/badexample.arc.gz", {{"warcinfo", 1}, {"response", 5}},
       {"content_length_mismatch"}},
  };
  for (const DamageCase& c : cases) {
    SCOPED_TRACE(c.file);
    ReadResult got = ReadAll(testing::CorpusFile(c.file));
    EXPECT_EQ(got.counts, c.records);
    for (const char* reason : c.reasons) EXPECT_GT(got.errors.Get(reason), 0u) << reason;
  }
}

TEST(CorpusTest, CorruptGzipIsRecoveredPastTheDamage) {
  // CRC-broken gzip (LF-mangled by a VCS): the inventory's decoder got ~1.3 KB;
  // resynchronizing on member magic recovers the later members.
  ReadResult got =
      ReadAll(testing::CorpusFile("iipc+webarchive-commons/wax/src/regression/data/cz-pagesinczech.arc.gz"));
  EXPECT_GT(got.errors.Get("gzip_corrupt"), 0u);
  EXPECT_EQ(got.counts["warcinfo"], 1u);
  EXPECT_GE(got.counts["response"], 5u);
}

TEST(CorpusTest, SameRecordsFromPlainGzipAndLz4Twins) {
  const std::string base = "chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc";
  ReadResult plain = ReadAll(testing::CorpusFile(base));
  ReadResult gz = ReadAll(testing::CorpusFile(base + ".gz"));
  ReadResult lz4 = ReadAll(testing::CorpusFile(base + ".lz4"));
  EXPECT_EQ(plain.total, 50u);
  EXPECT_EQ(gz.counts, plain.counts);
  EXPECT_EQ(lz4.counts, plain.counts);
  EXPECT_EQ(gz.offsets, plain.offsets);  // decoded offsets agree
  EXPECT_EQ(lz4.offsets, plain.offsets);
}

}  // namespace
}  // namespace stocktake::crawler
