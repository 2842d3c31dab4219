// Shard folders; see shard_store.h.
//
// The codec is a field-by-field walk, written twice (Put and Get) in the same
// order. Integers are LEB128 varints because nearly all counts are small;
// 128-bit keys are written raw. The decoder checks every length against the
// bytes left, so a truncated or damaged file is an error, never an
// over-read, and the checksum catches flipped bits that still parse.
#include "pipeline/shard_store.h"

#include <sys/stat.h>

#include <fmt/format.h>
#include <simdjson.h>
#include <xxhash.h>

#include <cstring>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/byte_source.h"
#include "common/json_writer.h"
#include "common/version.h"

namespace stocktake::pipeline {
namespace {

// The last byte is the layout's version: a shard written by another layout
// is redone, not misread.
constexpr char kMagic[8] = {'S', 'T', 'S', 'H', 'A', 'R', 'D', '2'};
constexpr const char kDoneSchema[] = "stocktake.shard/1";

class Encoder {
 public:
  explicit Encoder(std::string* out) : out_(out) {}
  void U64(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void Str(std::string_view s) {
    U64(s.size());
    out_->append(s);
  }
  void Key(const Hash128& k) {
    out_->append(reinterpret_cast<const char*>(&k.high), 8);
    out_->append(reinterpret_cast<const char*>(&k.low), 8);
  }
  void Put(const Counts& c) {
    U64(c.size());
    for (const auto& [k, n] : c.map()) {
      Str(k);
      U64(n);
    }
  }
  void Put(const TextTotals& t) {
    U64(t.documents);
    U64(t.bytes);
    U64(t.words);
    U64(t.words_uax29);
    for (uint64_t v : t.tokens) U64(v);
  }
  void Put(const TextSize& t) {
    U64(t.bytes);
    U64(t.words);
    U64(t.words_uax29);
    for (uint64_t v : t.tokens) U64(v);
  }
  void Put(const RuleCounts& r) {
    Put(r.failed_alone);
    Put(r.reasons_alone);
    Put(r.reached);
    Put(r.removed);
    Put(r.reasons_removed);
    Put(r.not_applicable);
    U64(r.lines_removed);
    U64(r.chars_removed);
    U64(r.score_bins.size());
    for (uint64_t v : r.score_bins) U64(v);
  }
  void Put(const QualityCounts& q) {
    U64(q.tiers.size());
    for (const TextTotals& t : q.tiers) Put(t);
    U64(q.tiers_by_language.size());
    for (const auto& [language, tiers] : q.tiers_by_language) {
      Str(language);
      U64(tiers.size());
      for (const TextTotals& t : tiers) Put(t);
    }
    U64(q.rules.size());
    for (const RuleCounts& r : q.rules) Put(r);
    Put(q.languages);
    Put(q.language_sources);
    Put(q.language_samples);
    U64(q.reliable_language);
    U64(q.normalization_changed);
    U64(q.controls_removed);
  }
  void Put(const std::vector<dedup::ExactKey>& keys) {
    U64(keys.size());
    for (const dedup::ExactKey& k : keys) Key(k);
  }
  void Put(const DedupRows& d) {
    U64(d.rows.size());
    for (const DocumentRow& r : d.rows) {
      U64(r.offset);
      U64(r.first_size);
      U64(r.language);
      U64(r.tier);
      U64(r.signed_text);
    }
    U64(d.sizes.size());
    for (const TextSize& s : d.sizes) Put(s);
    U64(d.languages.size());
    for (const std::string& l : d.languages) Str(l);
    Put(d.dedup_text_keys);
    Put(d.url_keys);
    Put(d.digest_keys);
  }

 private:
  std::string* out_;
};

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }

  uint64_t U64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Bad();
      const auto b = static_cast<uint8_t>(in_[pos_++]);
      v |= uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Bad();
  }
  // A count of items that take at least `min_bytes` each: bounded by what is
  // left, so a damaged count cannot make a huge allocation.
  size_t Count(size_t min_bytes = 1) {
    const uint64_t n = U64();
    if (n > (in_.size() - pos_) / min_bytes) return static_cast<size_t>(Bad());
    return static_cast<size_t>(n);
  }
  std::string Str() {
    const size_t n = Count();
    if (!ok_) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <typename T>
  T Small(uint64_t max) {
    const uint64_t v = U64();
    if (v > max) Bad();
    return static_cast<T>(v);
  }
  Hash128 Key() {
    Hash128 k;
    if (in_.size() - pos_ < 16) {
      Bad();
      return k;
    }
    std::memcpy(&k.high, in_.data() + pos_, 8);
    std::memcpy(&k.low, in_.data() + pos_ + 8, 8);
    pos_ += 16;
    return k;
  }
  void Get(Counts* c) {
    const size_t n = Count(2);
    for (size_t i = 0; i < n && ok_; ++i) {
      std::string key = Str();
      c->Add(key, U64());
    }
  }
  void Get(TextTotals* t) {
    t->documents = U64();
    t->bytes = U64();
    t->words = U64();
    t->words_uax29 = U64();
    for (uint64_t& v : t->tokens) v = U64();
  }
  void Get(TextSize* t) {
    t->bytes = U64();
    t->words = U64();
    t->words_uax29 = U64();
    for (uint64_t& v : t->tokens) v = U64();
  }
  void Get(std::vector<TextTotals>* list) {
    list->resize(Count(8));
    for (TextTotals& t : *list) Get(&t);
  }
  void Get(RuleCounts* r) {
    Get(&r->failed_alone);
    Get(&r->reasons_alone);
    Get(&r->reached);
    Get(&r->removed);
    Get(&r->reasons_removed);
    Get(&r->not_applicable);
    r->lines_removed = U64();
    r->chars_removed = U64();
    r->score_bins.resize(Count());
    for (uint64_t& v : r->score_bins) v = U64();
  }
  void Get(QualityCounts* q) {
    Get(&q->tiers);
    const size_t languages = Count(2);
    for (size_t i = 0; i < languages && ok_; ++i) {
      std::string language = Str();
      Get(&q->tiers_by_language[language]);
    }
    q->rules.resize(Count(8));
    for (RuleCounts& r : q->rules) Get(&r);
    Get(&q->languages);
    Get(&q->language_sources);
    Get(&q->language_samples);
    q->reliable_language = U64();
    q->normalization_changed = U64();
    q->controls_removed = U64();
  }
  void Get(std::vector<dedup::ExactKey>* keys) {
    keys->resize(Count(16));
    for (dedup::ExactKey& k : *keys) k = Key();
  }
  void Get(DedupRows* d) {
    d->rows.resize(Count(5));
    for (DocumentRow& r : d->rows) {
      r.offset = U64();
      r.first_size = Small<uint32_t>(UINT32_MAX);
      r.language = Small<uint16_t>(UINT16_MAX);
      r.tier = Small<uint8_t>(UINT8_MAX);
      r.signed_text = Small<bool>(1);
    }
    d->sizes.resize(Count(7));
    for (TextSize& s : d->sizes) Get(&s);
    d->languages.resize(Count());
    for (std::string& l : d->languages) l = Str();
    Get(&d->dedup_text_keys);
    Get(&d->url_keys);
    Get(&d->digest_keys);
    // Rows point into sizes and languages: check them here, once.
    for (const DocumentRow& r : d->rows) {
      if (r.language >= d->languages.size() || uint64_t{r.first_size} + r.tier >= d->sizes.size()) Bad();
    }
  }

 private:
  uint64_t Bad() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::string DoneJson(const ShardIdentity& id) {
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Field("schema", kDoneSchema);
  w.Field("input", id.input);
  w.Key("size").Int(id.size);
  w.Key("mtime_ns").Int(id.mtime_ns);
  w.Field("config_hash", id.config_hash);
  w.Field("program", id.program);
  w.Field("partitions", static_cast<uint64_t>(id.partitions));
  w.Field("docs", id.docs);
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace

std::string AbsolutePath(const std::string& path) {
  if (path.find("://") != std::string::npos) return path;  // a URL names itself
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  if (ec) return path;
  return abs.lexically_normal().string();
}

bool ShardIdentity::Serves(const ShardIdentity& wanted) const {
  ShardIdentity as_wanted = *this;
  as_wanted.docs = wanted.docs;
  return as_wanted == wanted && (docs || !wanted.docs);
}

ShardIdentity IdentityOf(const std::string& input, const std::string& config_hash, uint32_t partitions, bool docs) {
  ShardIdentity id;
  id.input = AbsolutePath(input);
  id.config_hash = config_hash;
  id.program = kProgramVersion;
  id.partitions = partitions;
  id.docs = docs;
  struct stat st {};
  // A URL's identity is the URL (size and time are the server's business;
  // a resource that changes mid-read is caught by the fetch).
  if (input.find("://") == std::string::npos && ::stat(input.c_str(), &st) == 0) {
    id.size = static_cast<int64_t>(st.st_size);
    id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }
  return id;
}

std::string ShardFolderName(uint32_t number) { return fmt::format("{:06d}", number); }

std::string EncodeShardResult(const InputResult& r) {
  std::string out(kMagic, sizeof(kMagic));
  Encoder e(&out);
  e.U64(r.readable);
  e.Str(r.failure);
  e.Str(r.format);
  e.Str(r.compression);
  for (uint64_t v : {r.members, r.bytes_read, r.bytes_decoded, r.skipped_bytes}) e.U64(v);
  e.Put(r.records);
  e.U64(r.http_responses);
  e.U64(r.html_responses);
  e.Put(r.status_codes);
  e.Put(r.charsets);
  e.Put(r.charset_sources);
  e.Put(r.errors);
  e.U64(r.replaced_chars);
  const Funnel& f = r.funnel;
  for (uint64_t v : {f.records, f.response_records, f.http_responses, f.status_200, f.html_200, f.text_records,
                     f.documents}) {
    e.U64(v);
  }
  e.Put(r.documents_by_source);
  e.Put(r.main_content);
  for (uint64_t v : {r.documents, r.text_bytes, r.words, r.words_uax29}) e.U64(v);
  for (uint64_t v : r.tokens) e.U64(v);
  e.Put(r.quality);
  e.Put(r.text_keys);
  e.Put(r.dedup);
  e.U64(r.fetched);
  if (r.fetched) {
    const crawler::FetchStats& n = r.network;
    e.Str(n.url);
    for (uint64_t v : {n.bytes_fetched, n.requests, n.retries, n.resumes, static_cast<uint64_t>(n.size + 1)}) e.U64(v);
    e.Put(n.faults);
  }
  const uint64_t checksum = XXH3_64bits(out.data(), out.size());
  out.append(reinterpret_cast<const char*>(&checksum), 8);
  return out;
}

Status DecodeShardResult(std::string_view bytes, InputResult* out) {
  auto damaged = [](const char* what) { return Status(StatusCode::kDataError, std::string("result.bin ") + what); };
  if (bytes.size() < sizeof(kMagic) + 8 || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return damaged("has no stocktake shard header");
  }
  uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (XXH3_64bits(bytes.data(), bytes.size() - 8) != stored) return damaged("fails its checksum");
  Decoder d(bytes.substr(sizeof(kMagic), bytes.size() - 8 - sizeof(kMagic)));
  InputResult& r = *out;
  r.readable = d.Small<bool>(1);
  r.failure = d.Str();
  r.format = d.Str();
  r.compression = d.Str();
  for (uint64_t* v : {&r.members, &r.bytes_read, &r.bytes_decoded, &r.skipped_bytes}) *v = d.U64();
  d.Get(&r.records);
  r.http_responses = d.U64();
  r.html_responses = d.U64();
  d.Get(&r.status_codes);
  d.Get(&r.charsets);
  d.Get(&r.charset_sources);
  d.Get(&r.errors);
  r.replaced_chars = d.U64();
  Funnel& f = r.funnel;
  for (uint64_t* v : {&f.records, &f.response_records, &f.http_responses, &f.status_200, &f.html_200,
                      &f.text_records, &f.documents}) {
    *v = d.U64();
  }
  d.Get(&r.documents_by_source);
  d.Get(&r.main_content);
  for (uint64_t* v : {&r.documents, &r.text_bytes, &r.words, &r.words_uax29}) *v = d.U64();
  for (uint64_t& v : r.tokens) v = d.U64();
  d.Get(&r.quality);
  d.Get(&r.text_keys);
  d.Get(&r.dedup);
  r.fetched = d.Small<bool>(1);
  if (r.fetched) {
    crawler::FetchStats& n = r.network;
    n.url = d.Str();
    for (uint64_t* v : {&n.bytes_fetched, &n.requests, &n.retries, &n.resumes}) *v = d.U64();
    n.size = static_cast<int64_t>(d.U64()) - 1;
    d.Get(&n.faults);
  }
  if (!d.ok() || !d.done()) return damaged("is damaged (a field runs past the end or bytes are left over)");
  return Status::Ok();
}

Status WriteShard(const std::string& dir, const InputResult& result, const ShardIdentity& identity, bool done) {
  STOCKTAKE_RETURN_IF_ERROR(WriteFileAtomic(dir + "/result.bin", EncodeShardResult(result)));
  if (!done) return Status::Ok();
  return WriteFileAtomic(dir + "/DONE", DoneJson(identity));
}

std::optional<ShardIdentity> ReadShardDone(const std::string& dir) {
  auto text = ReadFileToString(dir + "/DONE");
  if (!text.ok()) return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(*text).get(root) != simdjson::SUCCESS) return std::nullopt;
  std::string_view schema, input, hash, program;
  int64_t size = 0, mtime = 0;
  uint64_t partitions = 0;
  bool docs = false;
  if (root["schema"].get(schema) || schema != kDoneSchema || root["input"].get(input) || root["size"].get(size) ||
      root["mtime_ns"].get(mtime) || root["config_hash"].get(hash) || root["program"].get(program) ||
      root["partitions"].get(partitions) || partitions > UINT32_MAX || root["docs"].get(docs)) {
    return std::nullopt;
  }
  return ShardIdentity{std::string(input), size, mtime, std::string(hash), std::string(program),
                       static_cast<uint32_t>(partitions), docs};
}

Result<InputResult> ReadShardResult(const std::string& dir, const std::string& path) {
  auto bytes = ReadFileToString(dir + "/result.bin");
  if (!bytes.ok()) return bytes.status();
  InputResult r;
  Status st = DecodeShardResult(*bytes, &r);
  if (!st.ok()) return Status(st.code(), fmt::format("shard '{}': {}", dir, st.message()));
  r.path = path;
  return r;
}

}  // namespace stocktake::pipeline
