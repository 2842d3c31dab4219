// Deduplication in a run; see dedup_stage.h.
//
// Signatures are mapped, not read: verification touches two documents'
// signatures per tested pair, in no useful order, and the page cache is the
// right place to hold them (a verified run of 10 million documents has 9 GB
// of signatures).
#include "pipeline/dedup_stage.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/byte_source.h"
#include "quality/normalize.h"

namespace stocktake::pipeline {
namespace {

constexpr const char kManifestSchema[] = "stocktake.dedup/2";
constexpr char kSignatureMagic[8] = {'S', 'T', 'S', 'G', '1', 0, 0, 0};
constexpr size_t kSignatureHeader = 24;  // magic, documents, hashes

// File names inside a shard folder.
constexpr const char kBandsName[] = "bands";
constexpr const char kExactName[] = "exact";
std::string SignaturePath(const std::string& shard_dir) { return shard_dir + "/signatures.sig"; }

// One input's signatures, mapped read-only; checked once when opened.
class MappedSignatures {
 public:
  MappedSignatures() = default;
  MappedSignatures(const MappedSignatures&) = delete;
  MappedSignatures& operator=(const MappedSignatures&) = delete;
  ~MappedSignatures() {
    if (map_ != nullptr) munmap(map_, size_);
  }

  Status Open(const std::string& path, uint64_t documents, uint32_t hashes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoError("cannot open signatures '" + path + "'", errno);
    struct stat st {};
    if (fstat(fd, &st) != 0) {
      ::close(fd);
      return ErrnoError("cannot read signatures '" + path + "'", errno);
    }
    size_ = static_cast<size_t>(st.st_size);
    const uint64_t expected = kSignatureHeader + documents * hashes * 8 + 8;
    if (size_ != expected) {
      ::close(fd);
      return Status(StatusCode::kDataError, fmt::format("signatures '{}' are damaged: {} bytes, {} expected", path,
                                                        size_, expected));
    }
    void* map = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) return ErrnoError("cannot map signatures '" + path + "'", errno);
    map_ = map;
    const auto* bytes = static_cast<const uint8_t*>(map_);
    uint64_t header_docs = 0, header_hashes = 0, stored = 0;
    std::memcpy(&header_docs, bytes + 8, 8);
    std::memcpy(&header_hashes, bytes + 16, 8);
    std::memcpy(&stored, bytes + size_ - 8, 8);
    if (std::memcmp(bytes, kSignatureMagic, 8) != 0 || header_docs != documents || header_hashes != hashes ||
        XXH3_64bits(bytes, size_ - 8) != stored) {
      return Status(StatusCode::kDataError, fmt::format("signatures '{}' are damaged (header or checksum)", path));
    }
    signatures_ = reinterpret_cast<const uint64_t*>(bytes + kSignatureHeader);
    documents_ = documents;
    hashes_ = hashes;
    return Status::Ok();
  }
  const uint64_t* Of(uint32_t position) const {
    return position < documents_ ? signatures_ + uint64_t{position} * hashes_ : nullptr;
  }

 private:
  void* map_ = nullptr;
  size_t size_ = 0;
  const uint64_t* signatures_ = nullptr;
  uint64_t documents_ = 0;
  uint32_t hashes_ = 0;
};

// What an index run (or this run) declares in dedup/manifest.json.
struct Manifest {
  dedup::MinHashParams minhash;
  uint32_t partitions = 0;
  bool signatures = false;
  std::vector<uint32_t> documents_per_input;
  std::vector<std::string> shards;
};

std::string ManifestJson(const DedupPlan& plan, const std::vector<const DedupRows*>& rows,
                         const std::vector<std::string>& shards) {
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Field("schema", kManifestSchema);
  w.Field("ngram", static_cast<uint64_t>(plan.config.minhash.ngram));
  w.Field("bands", static_cast<uint64_t>(plan.config.minhash.bands));
  w.Field("rows", static_cast<uint64_t>(plan.config.minhash.rows));
  w.Field("char_shingles", plan.config.minhash.char_shingles);
  w.Field("seed", plan.config.minhash.seed);
  w.Field("partitions", static_cast<uint64_t>(plan.config.partitions));
  w.Field("signatures", plan.config.verify);
  w.Key("documents_per_input").BeginArray();
  for (const DedupRows* r : rows) w.UInt(r->rows.size());
  w.EndArray();
  w.Key("shards").BeginArray();
  for (const std::string& shard : shards) w.String(shard);
  w.EndArray();
  w.EndObject();
  out.push_back('\n');
  return out;
}

Result<Manifest> ReadManifest(const std::string& run_dir) {
  const std::string path = run_dir + "/dedup/manifest.json";
  auto text = ReadFileToString(path);
  if (!text.ok()) {
    return InvalidArgument(fmt::format("index run '{}' has no dedup manifest ({}): is it a finished run with dedup?",
                                       run_dir, text.status().message()));
  }
  auto bad = [&](const char* what) {
    return Status(StatusCode::kDataError, fmt::format("index run '{}': dedup/manifest.json {}", run_dir, what));
  };
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(*text).get(root) != simdjson::SUCCESS) return bad("is not JSON");
  std::string_view schema;
  if (root["schema"].get(schema) != simdjson::SUCCESS || schema != kManifestSchema) {
    return bad("has an unknown schema");
  }
  Manifest m;
  uint64_t ngram = 0, bands = 0, rows = 0, partitions = 0;
  if (root["ngram"].get(ngram) || root["bands"].get(bands) || root["rows"].get(rows) ||
      root["char_shingles"].get(m.minhash.char_shingles) || root["seed"].get(m.minhash.seed) ||
      root["partitions"].get(partitions) || root["signatures"].get(m.signatures) || ngram > 64 || bands > 1024 ||
      rows > 64 || partitions == 0 || partitions > 65536) {
    return bad("lacks or has bad parameters");
  }
  m.minhash.ngram = static_cast<uint32_t>(ngram);
  m.minhash.bands = static_cast<uint32_t>(bands);
  m.minhash.rows = static_cast<uint32_t>(rows);
  m.partitions = static_cast<uint32_t>(partitions);
  simdjson::dom::array docs;
  if (root["documents_per_input"].get(docs)) return bad("lacks documents_per_input");
  for (simdjson::dom::element e : docs) {
    uint64_t n = 0;
    if (e.get(n) || n > UINT32_MAX) return bad("has a bad document count");
    m.documents_per_input.push_back(static_cast<uint32_t>(n));
  }
  simdjson::dom::array shards;
  if (root["shards"].get(shards)) return bad("lacks shards");
  for (simdjson::dom::element e : shards) {
    std::string_view shard;
    if (e.get(shard) || shard.empty() || shard.find("..") != std::string_view::npos || shard.front() == '/') {
      return bad("has a bad shard folder");
    }
    m.shards.emplace_back(shard);
  }
  if (m.shards.size() != m.documents_per_input.size()) return bad("lists a shard folder count unlike its inputs");
  return m;
}

// An index run must have been signed the same way and partitioned alike.
Status CheckIndex(const std::string& run_dir, const Manifest& m, const Config::Dedup& ours) {
  const dedup::MinHashParams& p = ours.minhash;
  if (m.minhash.ngram != p.ngram || m.minhash.bands != p.bands || m.minhash.rows != p.rows ||
      m.minhash.char_shingles != p.char_shingles || m.minhash.seed != p.seed) {
    return InvalidArgument(fmt::format(
        "index run '{}' was signed with ngram {}, {} x {} bands, char_shingles {}, seed {}; this run uses ngram {}, "
        "{} x {}, char_shingles {}, seed {}: signatures are only comparable with equal [dedup] settings",
        run_dir, m.minhash.ngram, m.minhash.bands, m.minhash.rows, m.minhash.char_shingles, m.minhash.seed, p.ngram,
        p.bands, p.rows, p.char_shingles, p.seed));
  }
  if (m.partitions != ours.partitions) {
    return InvalidArgument(fmt::format("index run '{}' has {} partitions, this run {}: set [dedup] partitions = {}",
                                       run_dir, m.partitions, ours.partitions, m.partitions));
  }
  if (ours.verify && !m.signatures) {
    return InvalidArgument(fmt::format(
        "index run '{}' kept no signatures, which verify needs: rerun it with [dedup] verify = true", run_dir));
  }
  return Status::Ok();
}

// Dedup part files: a clustering's edges over some partitions.
constexpr char kPartMagic[8] = {'S', 'T', 'E', 'D', 'G', 'E', '1', 0};

std::string PartPath(const DedupParts& parts, const char* kind, uint32_t index) {
  return fmt::format("{}/{}-{:04d}-of-{:04d}.edges", parts.dir, kind, index, parts.count);
}

// What the parts were computed from: every run file's size and time and the
// documents per input. A shard redone since makes older parts stale.
uint64_t PartFingerprint(const std::vector<dedup::RunSet>& sets, const std::vector<uint32_t>& docs) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  for (const dedup::RunSet& set : sets) {
    for (const dedup::RunFile& f : set.files) {
      struct stat st {};
      ::stat(f.path.c_str(), &st);
      const int64_t facts[4] = {static_cast<int64_t>(st.st_size), static_cast<int64_t>(st.st_mtim.tv_sec),
                                static_cast<int64_t>(st.st_mtim.tv_nsec), static_cast<int64_t>(f.input_offset)};
      XXH3_64bits_update(state, f.path.data(), f.path.size());
      XXH3_64bits_update(state, facts, sizeof(facts));
    }
  }
  XXH3_64bits_update(state, docs.data(), docs.size() * sizeof(uint32_t));
  const uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

std::string EncodePart(const dedup::ClusterResult& r, uint32_t partitions, uint64_t fingerprint) {
  std::string out(kPartMagic, 8);
  auto put = [&](uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); };
  put(fingerprint);
  for (uint64_t v : {uint64_t{partitions}, r.band_entries, r.candidates, r.pairs_tested, r.pairs_rejected,
                     uint64_t{r.partitions_in_flight}, uint64_t{r.partitions_merged_from_disk},
                     static_cast<uint64_t>(r.edge_list.size())}) {
    put(v);
  }
  for (const auto& [a, b] : r.edge_list) {
    put(a);
    put(b);
  }
  put(XXH3_64bits(out.data(), out.size()));
  return out;
}

}  // namespace

Result<dedup::ClusterResult> ReadDedupPart(const std::string& path, uint32_t partitions, uint64_t fingerprint) {
  auto bytes = ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  const std::string& b = *bytes;
  auto damaged = [&] { return Status(StatusCode::kDataError, fmt::format("dedup part '{}' is damaged or stale", path)); };
  constexpr size_t kHeader = 16 + 8 * 8;
  if (b.size() < kHeader + 8 || std::memcmp(b.data(), kPartMagic, 8) != 0) return damaged();
  uint64_t v[8], stored = 0, made_from = 0;
  std::memcpy(&made_from, b.data() + 8, 8);
  std::memcpy(v, b.data() + 16, sizeof(v));
  std::memcpy(&stored, b.data() + b.size() - 8, 8);
  if (made_from != fingerprint || v[0] != partitions || v[7] > (b.size() - kHeader - 8) / 16 || b.size() != kHeader + v[7] * 16 + 8 ||
      XXH3_64bits(b.data(), b.size() - 8) != stored) {
    return damaged();
  }
  dedup::ClusterResult r;
  r.band_entries = v[1];
  r.candidates = v[2];
  r.pairs_tested = v[3];
  r.pairs_rejected = v[4];
  r.partitions_in_flight = static_cast<uint32_t>(v[5]);
  r.partitions_merged_from_disk = static_cast<uint32_t>(v[6]);
  r.edge_list.resize(v[7]);
  for (uint64_t i = 0; i < v[7]; ++i) {
    std::memcpy(&r.edge_list[i].first, b.data() + kHeader + i * 16, 8);
    std::memcpy(&r.edge_list[i].second, b.data() + kHeader + i * 16 + 8, 8);
  }
  return r;
}

namespace {

void AddSizes(const DedupRows& input, const DocumentRow& row, TextTotals DedupTotals::*column,
              std::vector<DedupTotals>* tiers, std::vector<DedupTotals>* by_language) {
  for (size_t t = 0; t <= row.tier; ++t) {
    const TextSize& size = input.sizes[row.first_size + t];
    ((*tiers)[t].*column).Add(size);
    ((*by_language)[t].*column).Add(size);
  }
}

uint64_t SizeBucket(uint64_t size) {
  uint64_t bucket = 1;
  while (bucket < size) bucket <<= 1;
  return bucket;
}

}  // namespace

void DedupTotals::Merge(const DedupTotals& o) {
  total.Merge(o.total);
  after_exact.Merge(o.after_exact);
  unique.Merge(o.unique);
  new_unique.Merge(o.new_unique);
}

Result<std::unique_ptr<DedupPlan>> PrepareDedup(const Config& config, const std::string& run_dir) {
  auto plan = std::make_unique<DedupPlan>();
  plan->dir = run_dir + "/dedup";
  plan->config = config.dedup;
  std::string problem = config.dedup.minhash.Validate();
  if (!problem.empty()) return InvalidArgument("[dedup] " + problem);
  plan->hasher = std::make_unique<dedup::MinHasher>(config.dedup.minhash);
  // Index runs are checked before any work, not after the shard pass.
  std::error_code ec;
  for (const std::string& run : config.dedup.index) {
    if (std::filesystem::exists(run_dir, ec) && std::filesystem::equivalent(run, run_dir, ec)) {
      return InvalidArgument(fmt::format("index run '{}' is this run's own directory", run));
    }
    auto manifest = ReadManifest(run);
    if (!manifest.ok()) return manifest.status();
    STOCKTAKE_RETURN_IF_ERROR(CheckIndex(run, *manifest, config.dedup));
    plan->index.push_back({run, std::move(manifest->documents_per_input), std::move(manifest->shards)});
  }
  return plan;
}

ShardDeduper::ShardDeduper(const DedupPlan& plan, std::string shard_dir)
    : plan_(plan), shard_dir_(std::move(shard_dir)), bands_(plan.config.partitions), exact_(plan.config.partitions) {}

void DedupSigner::Sign(std::string_view text, quality::Segmenter* segmenter, SignedDocument* out) {
  const dedup::MinHasher& hasher = *plan_.hasher;
  const std::string_view form = normalizer_.DedupForm(text);
  out->dedup_text_key = dedup::DedupTextKey(form);
  if (hasher.params().char_shingles) {
    out->signed_text = hasher.SignChars(form, &out->signature);
  } else {
    words_.clear();
    segmenter->Words(form, &words_);
    out->signed_text = hasher.SignWords(words_, &out->signature);
  }
  out->band_keys.clear();
  if (out->signed_text) hasher.BandKeys(out->signature, &out->band_keys);
}

void ShardDeduper::Add(const SignedDocument& doc, const dedup::ExactKey& text_key, std::string_view url,
                       std::string_view digest, uint64_t offset, int tier, std::string_view language,
                       const std::vector<TextSize>& tier_sizes) {
  const uint32_t position = static_cast<uint32_t>(rows_.rows.size());
  const uint64_t id = dedup::DocumentId(0, position);
  DocumentRow row;
  row.offset = offset;
  row.tier = static_cast<uint8_t>(std::clamp(tier, 0, 255));
  row.first_size = static_cast<uint32_t>(rows_.sizes.size());
  for (size_t t = 0; t <= row.tier && t < tier_sizes.size(); ++t) rows_.sizes.push_back(tier_sizes[t]);
  auto it = language_index_.find(language);
  if (it == language_index_.end()) {
    it = language_index_.emplace(std::string(language), static_cast<uint16_t>(rows_.languages.size())).first;
    rows_.languages.emplace_back(language);
  }
  row.language = it->second;
  rows_.dedup_text_keys.push_back(doc.dedup_text_key);
  for (uint64_t key : doc.band_keys) bands_.Add(key, id);
  row.signed_text = doc.signed_text;
  exact_.Add(text_key.low, id);
  if (plan_.config.verify) {
    const size_t bytes = plan_.hasher->params().hashes() * sizeof(uint64_t);
    if (doc.signed_text && doc.signature.size() * sizeof(uint64_t) == bytes) {
      signatures_.append(reinterpret_cast<const char*>(doc.signature.data()), bytes);
    } else {
      signatures_.append(bytes, '\0');
    }
  }
  if (!url.empty()) rows_.url_keys.push_back(dedup::UrlKey(url));
  dedup::ExactKey digest_key;
  if (dedup::PayloadDigestKey(digest, &digest_key)) rows_.digest_keys.push_back(digest_key);
  rows_.rows.push_back(row);
}

DedupRows ShardDeduper::Finish() {
  Status st = bands_.Write(shard_dir_, kBandsName);
  if (st.ok()) st = exact_.Write(shard_dir_, kExactName);
  if (st.ok() && plan_.config.verify) {
    std::string file(kSignatureMagic, 8);
    const uint64_t documents = rows_.rows.size(), hashes = plan_.hasher->params().hashes();
    file.append(reinterpret_cast<const char*>(&documents), 8);
    file.append(reinterpret_cast<const char*>(&hashes), 8);
    file += signatures_;
    const uint64_t checksum = XXH3_64bits(file.data(), file.size());
    file.append(reinterpret_cast<const char*>(&checksum), 8);
    st = WriteFileAtomic(SignaturePath(shard_dir_), file);
    signatures_ = {};
  }
  rows_.output = st;
  return std::move(rows_);
}

Status CheckShardDedupFiles(const DedupPlan& plan, const std::string& shard_dir, uint64_t documents) {
  for (const char* name : {kBandsName, kExactName}) {
    STOCKTAKE_RETURN_IF_ERROR(dedup::CheckRunFile(fmt::format("{}/{}.run", shard_dir, name), plan.config.partitions));
  }
  if (!plan.config.verify) return Status::Ok();
  return CheckSignatureFile(SignaturePath(shard_dir), documents, plan.hasher->params().hashes());
}

Status CheckSignatureFile(const std::string& path, uint64_t documents, uint32_t hashes) {
  MappedSignatures signatures;
  return signatures.Open(path, documents, hashes);
}

Result<DedupReport> ClusterAndCount(const DedupPlan& plan, const std::vector<const DedupRows*>& rows,
                                    const std::vector<std::string>& shards, size_t tier_count, int threads,
                                    const DedupParts* parts) {
  if (shards.size() != rows.size()) return InvalidArgument("one shard folder per input is needed");
  for (const DedupRows* r : rows) {
    if (!r->output.ok()) return r->output;
  }
  const bool write_part = parts != nullptr && parts->write;
  if (write_part) {
    STOCKTAKE_RETURN_IF_ERROR(MakeDirectories(parts->dir));
  } else {
    std::error_code ec;
    std::filesystem::remove_all(plan.dir, ec);
    if (ec) return IoError(fmt::format("cannot clear '{}': {}", plan.dir, ec.message()));
    STOCKTAKE_RETURN_IF_ERROR(MakeDirectories(plan.dir));
    STOCKTAKE_RETURN_IF_ERROR(WriteFileAtomic(plan.dir + "/manifest.json", ManifestJson(plan, rows, shards)));
  }
  const std::string run_dir = std::filesystem::path(plan.dir).parent_path().string();

  DedupReport report;
  report.enabled = true;
  const uint32_t ours = static_cast<uint32_t>(rows.size());
  std::vector<uint32_t> per_input;
  std::vector<uint8_t> tiers;
  for (const DedupRows* r : rows) {
    per_input.push_back(static_cast<uint32_t>(r->rows.size()));
    for (const DocumentRow& row : r->rows) {
      tiers.push_back(row.tier);
      report.signed_documents += row.signed_text;
    }
  }
  const uint64_t n = tiers.size();
  report.documents = n;

  // This run's shards at their ordinals; index runs' shards after them.
  dedup::RunSet band_set, exact_set, index_bands, index_exact;
  band_set.verify = plan.config.verify;
  std::vector<uint32_t> all_inputs = per_input;
  std::vector<std::string> signature_files;  // per shifted input
  for (uint32_t i = 0; i < ours; ++i) {
    const std::string dir = run_dir + "/" + shards[i];
    band_set.files.push_back({fmt::format("{}/{}.run", dir, kBandsName), i});
    exact_set.files.push_back({fmt::format("{}/{}.run", dir, kExactName), i});
    signature_files.push_back(SignaturePath(dir));
  }
  for (const DedupPlan::IndexRun& run : plan.index) {
    if (all_inputs.size() + run.documents_per_input.size() > UINT32_MAX) {
      return InvalidArgument("too many inputs across the run and its index");
    }
    for (size_t i = 0; i < run.documents_per_input.size(); ++i) {
      const uint32_t ordinal = static_cast<uint32_t>(all_inputs.size());
      const std::string dir = run.dir + "/" + run.shards[i];
      index_bands.files.push_back({fmt::format("{}/{}.run", dir, kBandsName), ordinal});
      index_exact.files.push_back({fmt::format("{}/{}.run", dir, kExactName), ordinal});
      all_inputs.push_back(run.documents_per_input[i]);
      report.index_documents += run.documents_per_input[i];
      signature_files.push_back(SignaturePath(dir));
    }
    report.index_runs.push_back(run.dir);
  }

  dedup::ClusterOptions options;
  options.partitions = plan.config.partitions;
  options.memory_budget = plan.config.memory_budget;
  options.threads = threads;
  std::vector<std::unique_ptr<MappedSignatures>> signatures;
  if (plan.config.verify) {
    const uint32_t hashes = plan.hasher->params().hashes();
    for (size_t i = 0; i < all_inputs.size(); ++i) {
      signatures.push_back(std::make_unique<MappedSignatures>());
      STOCKTAKE_RETURN_IF_ERROR(signatures.back()->Open(signature_files[i], all_inputs[i], hashes));
    }
    const double threshold = plan.config.verify_threshold;
    options.verify = [&signatures, hashes, threshold](uint64_t a, uint64_t b) {
      const uint64_t* sa = signatures[a >> 32]->Of(static_cast<uint32_t>(a));
      const uint64_t* sb = signatures[b >> 32]->Of(static_cast<uint32_t>(b));
      if (sa == nullptr || sb == nullptr) return false;
      uint32_t equal = 0;
      for (uint32_t i = 0; i < hashes; ++i) equal += sa[i] == sb[i];
      return static_cast<double>(equal) >= threshold * static_cast<double>(hashes);
    };
  }

  uint32_t joined = 0;
  // One clustering, whole here, one part of it written, or joined from parts.
  auto cluster = [&](const char* kind, const std::vector<dedup::RunSet>& sets, const std::vector<uint32_t>& docs,
                     const std::vector<uint8_t>& doc_tiers) -> Result<dedup::ClusterResult> {
    if (parts == nullptr || parts->count == 0) return dedup::ClusterBandRuns(sets, docs, doc_tiers, options);
    const uint64_t fingerprint = PartFingerprint(sets, docs);
    if (write_part) {
      dedup::ClusterOptions part = options;
      part.part_index = parts->index;
      part.part_count = parts->count;
      part.edges_only = true;
      auto edges = dedup::ClusterBandRuns(sets, docs, doc_tiers, part);
      if (!edges.ok()) return edges.status();
      STOCKTAKE_RETURN_IF_ERROR(
          WriteFileAtomic(PartPath(*parts, kind, parts->index), EncodePart(*edges, plan.config.partitions, fingerprint)));
      return edges;
    }
    std::vector<dedup::ClusterResult> pieces;
    for (uint32_t i = 0; i < parts->count; ++i) {
      auto piece = ReadDedupPart(PartPath(*parts, kind, i), plan.config.partitions, fingerprint);
      if (!piece.ok()) return dedup::ClusterBandRuns(sets, docs, doc_tiers, options);  // missing or damaged: redo here
      pieces.push_back(std::move(*piece));
    }
    ++joined;
    return dedup::ClusterFromEdges(pieces, docs, doc_tiers);
  };
  auto exact = cluster("exact", {exact_set}, per_input, tiers);
  if (!exact.ok()) return exact.status();
  auto near = cluster("near", {band_set, exact_set}, per_input, tiers);
  if (!near.ok()) return near.status();
  report.band_entries = near->band_entries;
  report.candidate_pairs = near->candidates;
  report.pairs_tested = near->pairs_tested;
  report.pairs_rejected = near->pairs_rejected;
  report.exact_groups = exact->clusters;
  report.exact_duplicates = exact->duplicates;
  report.near_clusters = near->clusters;
  report.near_duplicates = near->duplicates;
  report.partitions_in_flight = near->partitions_in_flight;
  report.partitions_merged_from_disk = near->partitions_merged_from_disk;
  report.joined_from_parts = joined;

  if (write_part && plan.index.empty()) return report;

  // Seen before: near clusters (with the index runs' keys) holding an
  // earlier document.
  std::vector<uint8_t> seen;
  if (!plan.index.empty()) {
    dedup::RunSet global_bands = band_set, global_exact = exact_set;
    global_bands.files.insert(global_bands.files.end(), index_bands.files.begin(), index_bands.files.end());
    global_exact.files.insert(global_exact.files.end(), index_exact.files.begin(), index_exact.files.end());
    std::vector<uint8_t> all_tiers = tiers;
    all_tiers.resize(n + report.index_documents, 0);
    auto global = cluster("global", {global_bands, global_exact}, all_inputs, all_tiers);
    if (!global.ok()) return global.status();
    if (write_part) return report;
    std::vector<uint64_t> earlier;
    for (uint64_t k = n; k < global->documents.size(); ++k) earlier.push_back(global->documents[k].cluster);
    std::sort(earlier.begin(), earlier.end());
    earlier.erase(std::unique(earlier.begin(), earlier.end()), earlier.end());
    seen.resize(n, 0);
    for (uint64_t k = 0; k < n; ++k) {
      seen[k] = std::binary_search(earlier.begin(), earlier.end(), global->documents[k].cluster);
      report.seen_before += seen[k];
    }
  }

  report.joined_from_parts = joined;
  // Counts per tier and language, and the clustered documents' table.
  report.tiers.resize(tier_count);
  std::string table = "input\tposition\toffset\tcluster_input\tcluster_position\tcluster_size\trepresentative\tmatch";
  table += seen.empty() ? "\n" : "\tseen_before\n";
  std::vector<dedup::ExactKey> forms, urls, digests;
  uint64_t k = 0;
  for (uint32_t input = 0; input < ours; ++input) {
    const DedupRows& r = *rows[input];
    forms.insert(forms.end(), r.dedup_text_keys.begin(), r.dedup_text_keys.end());
    urls.insert(urls.end(), r.url_keys.begin(), r.url_keys.end());
    digests.insert(digests.end(), r.digest_keys.begin(), r.digest_keys.end());
    for (uint32_t position = 0; position < r.rows.size(); ++position, ++k) {
      const DocumentRow& row = r.rows[position];
      const dedup::DocumentCluster& e = exact->documents[k];
      const dedup::DocumentCluster& c = near->documents[k];
      std::vector<DedupTotals>& by_language = report.tiers_by_language[r.languages[row.language]];
      by_language.resize(tier_count);
      AddSizes(r, row, &DedupTotals::total, &report.tiers, &by_language);
      if (e.representative) AddSizes(r, row, &DedupTotals::after_exact, &report.tiers, &by_language);
      if (c.representative) {
        AddSizes(r, row, &DedupTotals::unique, &report.tiers, &by_language);
        if (seen.empty() || !seen[k]) AddSizes(r, row, &DedupTotals::new_unique, &report.tiers, &by_language);
        auto& bucket = report.cluster_sizes[SizeBucket(c.size)];
        bucket.first += 1;
        bucket.second += c.size;
      }
      const char* match = e.size > 1 ? "exact" : c.size > 1 ? "near" : "none";
      report.exact_matched += e.size > 1;
      report.near_matched += e.size == 1 && c.size > 1;
      if (c.size > 1) {
        table += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", input, position, row.offset, c.cluster >> 32,
                             c.cluster & 0xFFFFFFFFu, c.size, c.representative ? 1 : 0, match);
        table += seen.empty() ? "\n" : (seen[k] ? "\t1\n" : "\t0\n");
      }
    }
  }
  report.distinct_dedup_texts = dedup::CountDistinct(&forms);
  report.distinct_urls = dedup::CountDistinct(&urls);
  report.distinct_payload_digests = dedup::CountDistinct(&digests);
  STOCKTAKE_RETURN_IF_ERROR(WriteFileAtomic(plan.dir + "/clusters.tsv", table));
  report.near_documents = std::move(near->documents);
  return report;
}

void DedupReport::Write(const Config& config, const std::vector<std::string>& tier_names, JsonWriter* w) const {
  const std::vector<std::string> encodings = EncodingNames(config);
  w->BeginObject();
  w->Field("enabled", enabled);
  if (!enabled) {
    w->EndObject();
    return;
  }
  w->Field("documents", documents);
  w->Field("signed_documents", signed_documents);
  w->Field("band_entries", band_entries);
  w->Field("candidate_pairs", candidate_pairs);
  w->Key("exact").BeginObject();
  w->Field("groups", exact_groups);
  w->Field("duplicates", exact_duplicates);
  w->Field("documents_matched", exact_matched);
  w->EndObject();
  w->Key("near").BeginObject();
  w->Field("clusters", near_clusters);
  w->Field("duplicates", near_duplicates);
  w->Field("documents_matched", near_matched);
  w->EndObject();
  if (config.dedup.verify) {
    w->Key("verification").BeginObject();
    w->Field("threshold", config.dedup.verify_threshold);
    w->Field("pairs_tested", pairs_tested);
    w->Field("pairs_rejected", pairs_rejected);
    w->EndObject();
  }
  if (!index_runs.empty()) {
    w->Key("index").BeginObject();
    w->Key("runs").BeginArray();
    for (const std::string& run : index_runs) w->String(run);
    w->EndArray();
    w->Field("documents", index_documents);
    w->Field("seen_before", seen_before);
    w->EndObject();
  }
  w->Field("distinct_dedup_texts", distinct_dedup_texts);
  w->Field("distinct_urls", distinct_urls);
  w->Field("distinct_payload_digests", distinct_payload_digests);
  w->Key("cluster_sizes").BeginArray();
  for (const auto& [bound, counts] : cluster_sizes) {
    w->BeginObject();
    w->Field("size_at_most", bound);
    w->Field("clusters", counts.first);
    w->Field("documents", counts.second);
    w->EndObject();
  }
  w->EndArray();
  auto write_totals = [&](const DedupTotals& t) {
    for (auto [name, column] : {std::pair{"total", &DedupTotals::total}, std::pair{"after_exact", &DedupTotals::after_exact},
                                std::pair{"unique", &DedupTotals::unique}, std::pair{"new_unique", &DedupTotals::new_unique}}) {
      if (column == &DedupTotals::new_unique && index_runs.empty()) continue;
      w->Key(name).BeginObject();
      (t.*column).Write(encodings, w);
      w->EndObject();
    }
  };
  w->Key("tiers").BeginArray();
  for (size_t t = 0; t < tiers.size() && t < tier_names.size(); ++t) {
    w->BeginObject();
    w->Field("name", tier_names[t]);
    write_totals(tiers[t]);
    w->EndObject();
  }
  w->EndArray();
  w->Key("tiers_by_language").BeginObject();
  for (const auto& [language, list] : tiers_by_language) {
    w->Key(language).BeginObject();
    for (size_t t = 0; t < list.size() && t < tier_names.size(); ++t) {
      if (list[t].total.documents == 0) continue;
      w->Key(tier_names[t]).BeginObject();
      write_totals(list[t]);
      w->EndObject();
    }
    w->EndObject();
  }
  w->EndObject();
  w->EndObject();
}

}  // namespace stocktake::pipeline
