// Input expansion with glob(3) and std::filesystem. Paths are kept as the
// user spelled them (lexically normalized), so stats.json shows recognizable
// names; duplicates are removed after sorting.
#include "pipeline/inputs.h"

#include "crawler/crawl_manifest.h"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace stocktake::pipeline {

namespace fs = std::filesystem;

bool LooksLikeCrawlFileName(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  for (const char* ext : {".warc", ".arc", ".wet", ".wat", ".jsonl", ".ndjson", ".json.gz", ".json.zst"}) {
    if (name.find(ext) != std::string::npos) return true;
  }
  return false;
}

bool LooksLikeHtmlFileName(const std::string& file_name) {
  if (file_name.empty() || file_name[0] == '.') return false;
  std::string name = file_name;  // extensions match in any case (PAGE.HTML)
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* ext : {".html", ".htm", ".xhtml"}) {
    size_t at = name.rfind(ext);
    if (at == std::string::npos) continue;
    std::string_view rest = std::string_view(name).substr(at + std::strlen(ext));
    if (rest.empty() || rest == ".gz" || rest == ".zst" || rest == ".bz2" || rest == ".lz4") return true;
  }
  return false;
}

namespace {

bool HasGlobChars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

Status AddFolder(const std::string& dir, const InputOptions& options, std::vector<std::string>* out) {
  std::error_code ec;
  size_t before = out->size();
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return IoError("cannot list folder '" + dir + "': " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return IoError("cannot list folder '" + dir + "': " + ec.message());
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    bool wanted = LooksLikeCrawlFileName(name) || (options.html_files && LooksLikeHtmlFileName(name));
    if (it->is_regular_file(ec) && wanted) out->push_back(p.lexically_normal().string());
  }
  if (out->size() == before) {
    return NotFound("folder '" + dir + "' holds no crawl files (*.warc*, *.arc*, *.wet*, *.wat*" +
                    (options.html_files ? ", *.html" : "") + ")");
  }
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(before), out->end());
  return Status::Ok();
}

Status AddPath(const std::string& arg, const InputOptions& options, std::vector<std::string>* out) {
  std::error_code ec;
  fs::file_status st = fs::status(arg, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return NotFound("input '" + arg + "' cannot be reached: " + ec.message());  // a symlink loop, say
  }
  if (ec || !fs::exists(st)) return NotFound("input '" + arg + "' does not exist");
  if (fs::is_directory(st)) return AddFolder(arg, options, out);
  out->push_back(fs::path(arg).lexically_normal().string());
  return Status::Ok();
}

// The files a crawl spec names, as URLs under the base URL.
Status AddCrawl(const std::string& arg, const InputOptions& options, std::vector<std::string>* out) {
  auto spec = crawler::ParseCrawlSpec(arg);
  if (!spec.ok()) return spec.status();
  if (options.fetch == nullptr) return InvalidArgument("crawl spec '" + arg + "' cannot be used here");
  const std::string manifest_url = options.base_url + "/" + crawler::ManifestPath(*spec);
  auto bytes = crawler::FetchToString(manifest_url, *options.fetch, options.limiter);
  if (!bytes.ok()) return NotFound("crawl spec '" + arg + "': cannot read its manifest: " + bytes.status().message());
  auto paths = crawler::ParseManifest(*bytes);
  if (!paths.ok()) return Status(paths.status().code(), "crawl spec '" + arg + "': " + manifest_url + ": " +
                                                            paths.status().message());
  for (const std::string& path : crawler::SampleStratified(*paths, spec->sample, spec->seed)) {
    out->push_back(options.base_url + "/" + path);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& args, InputOptions options) {
  if (args.empty()) return InvalidArgument("no inputs given");
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (crawler::IsHttpUrl(arg)) {
      files.push_back(arg);
      continue;
    }
    if (arg.rfind("s3://", 0) == 0) {
      auto url = crawler::MapS3Url(arg, options.base_url);
      if (!url.ok()) return url.status();
      files.push_back(std::move(*url));
      continue;
    }
    if (crawler::IsCrawlSpec(arg)) {
      STOCKTAKE_RETURN_IF_ERROR(AddCrawl(arg, options, &files));
      continue;
    }
    if (HasGlobChars(arg) && !fs::exists(arg, ec)) {
      glob_t g{};
      int rc = ::glob(arg.c_str(), 0, nullptr, &g);  // sorted
      if (rc == GLOB_NOMATCH || g.gl_pathc == 0) {
        globfree(&g);
        return NotFound("input pattern '" + arg + "' matches nothing");
      }
      if (rc != 0) {
        globfree(&g);
        return IoError("cannot expand input pattern '" + arg + "'");
      }
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        Status st = AddPath(g.gl_pathv[i], options, &files);
        if (!st.ok()) {
          globfree(&g);
          return st;
        }
      }
      globfree(&g);
      continue;
    }
    STOCKTAKE_RETURN_IF_ERROR(AddPath(arg, options, &files));
  }
  if (options.sort) {
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
  }
  return files;
}

}  // namespace stocktake::pipeline
