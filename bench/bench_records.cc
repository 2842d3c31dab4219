// stocktake-bench-records: record iteration next to plain inflate.
//
// For each file, and for each gzip engine, this alternates two passes over the
// same bytes, file by file, several times:
//   inflate  DecodedStream alone: decompress every member into a 256 KiB buffer
//   records  RecordReader: decompress and iterate every record (type, length,
//            target URI, body view), as `inspect` and `run` do
// and reports the median time of each and the overhead of records over inflate.
// Alternating file by file, measuring thread CPU time (which other processes
// on a shared machine do not inflate) beside wall time, and taking medians
// over repetitions keeps the ratio honest on a shared, noisy machine. libdeflate (whole-member, not streaming) is timed once per
// repetition for reference. Files are read once before timing so both passes
// see the page cache.
//
// Usage: stocktake-bench-records [--repeat N] [--json] FILE...
#include <libdeflate.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_common.h"
#include "common/byte_source.h"
#include "common/decoded_stream.h"
#include "crawler/record_reader.h"

namespace {

using Clock = std::chrono::steady_clock;
using stocktake::GzipEngine;

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct PassResult {
  double seconds = 0;
  double cpu_seconds = 0;
  uint64_t decoded = 0;
  uint64_t records = 0;
  uint64_t checksum = 0;
};

PassResult InflateOnly(const std::vector<std::string>& files, GzipEngine engine) {
  PassResult r;
  std::vector<uint8_t> buf(256 << 10);
  double cpu_start = ThreadCpuSeconds();
  auto start = Clock::now();
  for (const std::string& f : files) {
    stocktake::DecodedStreamOptions o;
    o.gzip_engine = engine;
    stocktake::DecodedStream s(std::move(*stocktake::FileSource::Open(f)), o);
    for (;;) {
      auto got = s.Read(buf.data(), buf.size());
      r.decoded += got.size;
      if (got.size > 0) r.checksum += buf[got.size / 2];
      if (got.stream_end) break;
    }
  }
  r.seconds = Seconds(start, Clock::now());
  r.cpu_seconds = ThreadCpuSeconds() - cpu_start;
  return r;
}

PassResult Records(const std::vector<std::string>& files, GzipEngine engine) {
  PassResult r;
  double cpu_start = ThreadCpuSeconds();
  auto start = Clock::now();
  for (const std::string& f : files) {
    stocktake::crawler::RecordReaderOptions o;
    o.stream.gzip_engine = engine;
    stocktake::crawler::RecordReader reader(std::move(*stocktake::FileSource::Open(f)), o);
    while (const stocktake::crawler::Record* rec = reader.Next()) {
      ++r.records;
      r.checksum += rec->type.size() + rec->body.size() + rec->target_uri.size() + rec->container_offset;
    }
    r.decoded += reader.stream().decoded_bytes();
  }
  r.seconds = Seconds(start, Clock::now());
  r.cpu_seconds = ThreadCpuSeconds() - cpu_start;
  return r;
}

// libdeflate decompresses whole gzip members from memory (no streaming), so
// it is timed on files already in memory, member by member.
PassResult Libdeflate(const std::vector<std::string>& contents) {
  PassResult r;
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  std::vector<uint8_t> out(64 << 20);
  auto start = Clock::now();
  for (const std::string& c : contents) {
    size_t pos = 0;
    while (pos < c.size()) {
      size_t in_used = 0, out_size = 0;
      auto rc = libdeflate_gzip_decompress_ex(d, c.data() + pos, c.size() - pos, out.data(), out.size(), &in_used,
                                              &out_size);
      if (rc != LIBDEFLATE_SUCCESS) break;
      pos += in_used;
      r.decoded += out_size;
    }
  }
  r.seconds = Seconds(start, Clock::now());
  libdeflate_free_decompressor(d);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  using stocktake::bench::Median;
  int repeat = 5;
  bool json = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--json") {
      json = true;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: stocktake-bench-records [--repeat N] [--json] FILE...\n");
    return 2;
  }
  std::vector<std::string> contents;
  uint64_t compressed = 0;
  for (const std::string& f : files) {
    auto c = stocktake::ReadFileToString(f);
    if (!c.ok()) {
      std::fprintf(stderr, "stocktake-bench-records: %s\n", c.status().message().c_str());
      return 2;
    }
    compressed += c->size();
    contents.push_back(std::move(*c));
  }

  struct Row {
    const char* engine;
    std::vector<double> inflate, records, inflate_cpu, records_cpu;
    uint64_t decoded = 0, record_count = 0;
  };
  std::vector<Row> rows = {{"isal", {}, {}, {}, {}}, {"zlib", {}, {}, {}, {}}};
  std::vector<double> libdeflate;
  uint64_t libdeflate_decoded = 0;
  for (int rep = 0; rep < repeat; ++rep) {
    for (Row& row : rows) {
      GzipEngine e = std::string(row.engine) == "isal" ? GzipEngine::kIsal : GzipEngine::kZlib;
      PassResult a_sum, b_sum;
      // Alternate file by file so both passes see the same machine state.
      for (const std::string& f : files) {
        std::vector<std::string> one = {f};
        PassResult a = InflateOnly(one, e);
        PassResult b = Records(one, e);
        if (a.decoded != b.decoded) {
          std::fprintf(stderr, "decoded sizes differ in %s: %llu vs %llu\n", f.c_str(),
                       static_cast<unsigned long long>(a.decoded), static_cast<unsigned long long>(b.decoded));
          return 1;
        }
        a_sum.seconds += a.seconds, a_sum.cpu_seconds += a.cpu_seconds, a_sum.decoded += a.decoded;
        b_sum.seconds += b.seconds, b_sum.cpu_seconds += b.cpu_seconds, b_sum.records += b.records;
      }
      row.inflate.push_back(a_sum.seconds);
      row.records.push_back(b_sum.seconds);
      row.inflate_cpu.push_back(a_sum.cpu_seconds);
      row.records_cpu.push_back(b_sum.cpu_seconds);
      row.decoded = a_sum.decoded;
      row.record_count = b_sum.records;
    }
    PassResult l = Libdeflate(contents);
    libdeflate.push_back(l.seconds);
    libdeflate_decoded = l.decoded;
  }

  std::string out;
  if (json) out += "{\"files\":" + std::to_string(files.size()) + ",\"compressed_bytes\":" + std::to_string(compressed) + ",\"engines\":[";
  else
    out += fmt::format("{} files, {:.1f} MB compressed, {} repetitions (medians)\n", files.size(), compressed / 1e6,
                       repeat);
  bool first = true;
  for (const Row& row : rows) {
    double ti = Median(row.inflate), tr = Median(row.records);
    double ci = Median(row.inflate_cpu), cr = Median(row.records_cpu);
    double mb = row.decoded / 1e6;
    if (json) {
      out += fmt::format("{}{{\"engine\":\"{}\",\"decoded_bytes\":{},\"records\":{},\"inflate_s\":{:.4f},"
                         "\"records_s\":{:.4f},\"inflate_cpu_s\":{:.4f},\"records_cpu_s\":{:.4f},"
                         "\"overhead_wall\":{:.4f},\"overhead_cpu\":{:.4f}}}",
                         first ? "" : ",", row.engine, row.decoded, row.record_count, ti, tr, ci, cr, tr / ti - 1,
                         cr / ci - 1);
    } else {
      out += fmt::format(
          "{:5}  inflate {:6.1f} MB/s   records {:6.1f} MB/s   {} records   overhead: wall {:+.1f}%, cpu {:+.1f}%\n",
          row.engine, mb / ti, mb / tr, row.record_count, (tr / ti - 1) * 100, (cr / ci - 1) * 100);
    }
    first = false;
  }
  double tl = Median(libdeflate);
  if (json) {
    out += fmt::format("],\"libdeflate_s\":{:.4f},\"libdeflate_decoded_bytes\":{}}}\n", tl, libdeflate_decoded);
  } else {
    out += fmt::format("libdeflate (in memory, whole members)  inflate {:7.1f} MB/s ({:.3f} s)\n",
                       libdeflate_decoded / 1e6 / tl, tl);
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}
