// stocktake-make-corpus: packs local HTML files into Common Crawl-layout WARC
// shards for benchmarks and the offline quick start.
//
// Each page becomes a request, a response (HTTP/1.1 200 with the file as
// body) and a metadata record, each its own gzip member, after one warcinfo
// record per shard: the layout of Common Crawl's WARC files. Output is a pure
// function of the input files: paths are sorted, dates, record ids and file
// names derive from the page's position and path, and gzip members carry no
// timestamp. Shards are written under a temporary name and renamed.
//
// Usage: stocktake-make-corpus --out DIR [--total-mb N] [--shard-mb N] ROOT...
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <zlib.h>

#include <fmt/format.h>

#include "common/hash.h"

namespace fs = std::filesystem;

namespace {

struct Options {
  std::string out;
  uint64_t total_bytes = 1024ull << 20;
  uint64_t shard_bytes = 128ull << 20;
  std::vector<std::string> roots;
};

bool IsHtmlName(const std::string& name) {
  for (const char* ext : {".html", ".htm", ".xhtml"}) {
    size_t n = std::strlen(ext);
    if (name.size() > n && name.compare(name.size() - n, n, ext) == 0) return true;
  }
  return false;
}

struct Page {
  std::string uri_path;  // stable across machines and checkouts
  std::string file;
  bool operator<(const Page& o) const { return uri_path < o.uri_path; }
};

// A root's label: its last two path components ("python3.11-doc/html"), so
// page URIs do not depend on where the files or the checkout live.
std::string RootLabel(const std::string& root) {
  fs::path p = fs::absolute(root).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return (p.parent_path().filename() / p.filename()).string();
}

std::vector<Page> CollectHtml(const std::vector<std::string>& roots) {
  std::set<std::string> seen_real;
  std::vector<Page> pages;
  for (const std::string& root : roots) {
    std::error_code ec;
    std::string label = RootLabel(root);
    if (fs::is_regular_file(root, ec)) {
      pages.push_back({label, root});
      continue;
    }
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::follow_directory_symlink |
                                                            fs::directory_options::skip_permission_denied,
                                                    ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file(ec) || !IsHtmlName(it->path().filename().string())) continue;
      if (it->file_size(ec) > (8u << 20)) continue;
      // The same file reached through two symlinks is one page.
      std::string real = fs::canonical(it->path(), ec).string();
      if (ec || !seen_real.insert(real).second) continue;
      pages.push_back({label + "/" + it->path().lexically_relative(root).string(), it->path().string()});
    }
  }
  std::sort(pages.begin(), pages.end());
  return pages;
}

std::string Uuid(const std::string& seed) {
  stocktake::Hash128 h = stocktake::Hash128Of(seed);
  std::string hex = stocktake::HexOf(h);
  hex[12] = '4';  // version 4 layout, for tools that check
  return fmt::format("<urn:uuid:{}-{}-{}-{}-{}>", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

std::string IsoDate(uint64_t seconds_after_2024) {
  // 2024-01-01T00:00:00Z plus an offset, without time zone libraries.
  uint64_t days = seconds_after_2024 / 86400, rem = seconds_after_2024 % 86400;
  int year = 2024, month = 1;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};  // 2024 is a leap year
  while (days >= static_cast<uint64_t>(kDays[month - 1]) && month < 12) days -= kDays[month - 1], ++month;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, days + 1, rem / 3600, rem / 60 % 60,
                     rem % 60);
}

std::string Record(const std::string& type, const std::string& id, const std::string& date, const std::string& uri,
                   const std::string& content_type, const std::string& extra, const std::string& block) {
  std::string r = "WARC/1.0\r\nWARC-Type: " + type + "\r\nWARC-Date: " + date + "\r\nWARC-Record-ID: " + id +
                  "\r\nContent-Length: " + std::to_string(block.size()) + "\r\nContent-Type: " + content_type + "\r\n";
  if (!uri.empty()) r += "WARC-Target-URI: " + uri + "\r\n";
  r += extra + "\r\n" + block + "\r\n\r\n";
  return r;
}

void AppendGzipMember(const std::string& data, std::string* out) {
  z_stream z;
  std::memset(&z, 0, sizeof(z));
  deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);  // no mtime: deterministic
  size_t old = out->size();
  out->resize(old + deflateBound(&z, data.size()) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out->data() + old);
  z.avail_out = static_cast<uInt>(out->size() - old);
  deflate(&z, Z_FINISH);
  out->resize(old + z.total_out);
  deflateEnd(&z);
}

class ShardWriter {
 public:
  explicit ShardWriter(const Options& o) : o_(o) {}

  void AddPage(const std::string& path, const std::string& html) {
    if (shard_uncompressed_ >= o_.shard_bytes) Close();
    if (!open_) Open();
    std::string uri = "http://localhost/" + path;
    std::string date = IsoDate(page_index_);
    std::string warcinfo = "WARC-Warcinfo-ID: " + warcinfo_id_ + "\r\nWARC-IP-Address: 127.0.0.1\r\n";
    std::string request_http = "GET " + uri.substr(16) +
                               " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: stocktake-make-corpus/1\r\n"
                               "Accept: text/html\r\n\r\n";
    std::string response_http = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                                std::to_string(html.size()) + "\r\n\r\n" + html;
    std::string response_id = Uuid(path + "#response");
    Emit(Record("request", Uuid(path + "#request"), date, uri, "application/http; msgtype=request", warcinfo,
                request_http));
    Emit(Record("response", response_id, date, uri, "application/http; msgtype=response",
                warcinfo + "WARC-Identified-Payload-Type: text/html\r\n", response_http));
    Emit(Record("metadata", Uuid(path + "#metadata"), date, uri, "application/warc-fields",
                warcinfo + "WARC-Concurrent-To: " + response_id + "\r\n",
                fmt::format("fetchTimeMs: {}\r\n", 10 + page_index_ % 90)));
    ++page_index_;
    ++shard_pages_;
  }

  void Close() {
    if (!open_) return;
    std::string tmp = final_ + ".tmp";
    std::ofstream out(tmp, std::ios::binary);
    out.write(compressed_.data(), static_cast<std::streamsize>(compressed_.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write " + tmp);
    fs::rename(tmp, final_);
    std::printf("%s: %llu pages, %.1f MB (%.1f MB uncompressed)\n", final_.c_str(),
                static_cast<unsigned long long>(shard_pages_), compressed_.size() / 1e6, shard_uncompressed_ / 1e6);
    total_uncompressed_ += shard_uncompressed_;
    shard_uncompressed_ = 0;
    compressed_.clear();
    open_ = false;
    ++shard_index_;
  }

  uint64_t written() const { return total_uncompressed_ + shard_uncompressed_; }
  uint64_t pages() const { return page_index_; }

 private:
  void Open() {
    std::string name = fmt::format("bench-{:05}.warc.gz", shard_index_);
    final_ = o_.out + "/" + name;
    warcinfo_id_ = Uuid(name + "#warcinfo");
    shard_uncompressed_ = 0;
    shard_pages_ = 0;
    open_ = true;
    Emit(Record("warcinfo", warcinfo_id_, IsoDate(page_index_), "", "application/warc-fields",
                "WARC-Filename: " + name + "\r\n",
                "software: stocktake-make-corpus\r\nformat: WARC File Format 1.0\r\n"
                "isPartOf: stocktake-bench\r\ndescription: Debian documentation HTML packed in the Common Crawl "
                "layout\r\n"));
  }

  void Emit(const std::string& record) {
    AppendGzipMember(record, &compressed_);
    shard_uncompressed_ += record.size();
  }

  const Options& o_;
  bool open_ = false;
  std::string final_;
  std::string warcinfo_id_;
  std::string compressed_;
  uint64_t shard_index_ = 0;
  uint64_t page_index_ = 0;
  uint64_t shard_pages_ = 0;
  uint64_t shard_uncompressed_ = 0;
  uint64_t total_uncompressed_ = 0;
};

int Usage() {
  std::fprintf(stderr,
               "usage: stocktake-make-corpus --out DIR [--total-mb N] [--shard-mb N] ROOT...\n"
               "Packs the .html/.htm files under each ROOT (sorted by path) into Common Crawl-layout\n"
               "WARC shards (per-record gzip) until about N MB of uncompressed WARC is written.\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value for " + a);
      return argv[++i];
    };
    try {
      if (a == "--out") {
        o.out = next();
      } else if (a == "--total-mb") {
        o.total_bytes = std::stoull(next()) << 20;
      } else if (a == "--shard-mb") {
        o.shard_bytes = std::stoull(next()) << 20;
      } else if (a == "--help" || a == "-h") {
        return Usage();
      } else {
        o.roots.push_back(a);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "stocktake-make-corpus: %s\n", e.what());
      return Usage();
    }
  }
  if (o.out.empty() || o.roots.empty()) return Usage();
  for (const std::string& root : o.roots) {
    if (!fs::exists(root)) {
      std::fprintf(stderr, "stocktake-make-corpus: '%s' does not exist (run scripts/install-deps --bench)\n",
                   root.c_str());
      return 2;
    }
  }
  fs::create_directories(o.out);
  std::vector<Page> files = CollectHtml(o.roots);
  ShardWriter writer(o);
  for (const Page& page : files) {
    if (writer.written() >= o.total_bytes) break;
    std::ifstream in(page.file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    writer.AddPage(page.uri_path, ss.str());
  }
  writer.Close();
  std::printf("stocktake-make-corpus: %llu pages from %zu candidate files, %.1f MB uncompressed WARC in %s\n",
              static_cast<unsigned long long>(writer.pages()), files.size(), writer.written() / 1e6, o.out.c_str());
  if (writer.written() < o.total_bytes / 2) {
    std::fprintf(stderr, "stocktake-make-corpus: warning: only %.0f MB of HTML found (asked for %llu MB)\n",
                 writer.written() / 1e6, static_cast<unsigned long long>(o.total_bytes >> 20));
  }
  return 0;
}
