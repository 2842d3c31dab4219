// The document pass. Each record is classified once; HTML responses are
// decoded (transfer and content codings), their charset is sniffed and the
// bytes converted to UTF-8 for every status (so `inspect` can report
// charsets), and text is extracted only for status 200 when extracting.
#include "pipeline/document_pass.h"

#include <fmt/format.h>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>

#include "common/inflate.h"
#include "common/zstd_writer.h"
#include "crawler/charset.h"
#include "crawler/http.h"
#include "crawler/jsonl.h"
#include "crawler/record_reader.h"
#include "pipeline/inputs.h"
#include "pipeline/text_measure.h"
#include "crawler/extractor.h"
#include "quality/language.h"
#include "quality/normalize.h"

namespace stocktake::pipeline {

void Funnel::Merge(const Funnel& o) {
  records += o.records;
  response_records += o.response_records;
  http_responses += o.http_responses;
  status_200 += o.status_200;
  html_200 += o.html_200;
  text_records += o.text_records;
  documents += o.documents;
}

void Funnel::Write(JsonWriter* w) const {
  w->BeginObject();
  w->Field("records", records);
  w->Field("response_records", response_records);
  w->Field("http_responses", http_responses);
  w->Field("status_200", status_200);
  w->Field("html_200", html_200);
  w->Field("text_records", text_records);
  w->Field("documents", documents);
  w->EndObject();
}

void InputResult::Merge(const InputResult& o) {
  members += o.members;
  bytes_read += o.bytes_read;
  bytes_decoded += o.bytes_decoded;
  skipped_bytes += o.skipped_bytes;
  records.Merge(o.records);
  http_responses += o.http_responses;
  html_responses += o.html_responses;
  status_codes.Merge(o.status_codes);
  charsets.Merge(o.charsets);
  charset_sources.Merge(o.charset_sources);
  errors.Merge(o.errors);
  replaced_chars += o.replaced_chars;
  funnel.Merge(o.funnel);
  documents_by_source.Merge(o.documents_by_source);
  main_content.Merge(o.main_content);
  documents += o.documents;
  text_bytes += o.text_bytes;
  words += o.words;
  words_uax29 += o.words_uax29;
  for (size_t e = 0; e < kMaxEncodings; ++e) tokens[e] += o.tokens[e];
  quality.Merge(o.quality);
  text_keys.insert(text_keys.end(), o.text_keys.begin(), o.text_keys.end());
}

namespace {

// Byte spans (start, size) of strings appended to one buffer: they stay valid
// as the buffer grows, where views would not (the batch copy, the stash).
using Span = std::pair<size_t, size_t>;
inline Span Append(std::string* buffer, std::string_view v) {
  buffer->append(v);
  return {buffer->size() - v.size(), v.size()};
}
inline std::string_view SpanOf(const std::string& buffer, Span span) {
  return std::string_view(buffer).substr(span.first, span.second);
}

// Where a document came from, for its URL and payload keys.
struct Origin {
  std::string_view url;
  std::string_view payload_digest;
  uint64_t offset = 0;
  // A JSONL document's own id and metadata, as JSON, kept in its docs line.
  std::string_view source_id_json;
  std::string_view source_metadata_json;
};

// Per-input helpers, created once and reused for every record.
struct Scratch {
  // `detail`: every rule value for `extract`, only the decisions for `run`.
  Scratch(const Config& config, const quality::QualityModel* model, quality::RuleDetail detail,
          const DedupPlan* plan = nullptr)
      : jsonl(config.jsonl),
        payload(config.max_payload_bytes),
        extractor(config.extract),
        language_min_bytes(config.language_min_bytes) {
    language_sampling.sample_bytes = config.language_sample_bytes;
    language_sampling.quick_bytes = config.language_quick_sample_bytes;
    language_sampling.quick_min_score = config.language_quick_min_score;
    if (model != nullptr) assessor = std::make_unique<quality::QualityAssessor>(model, detail);
    std::vector<std::shared_ptr<const stats::Encoding>> encodings;
    for (const Config::TokenEncoding& e : config.encodings) {
      if (encodings.size() == kMaxEncodings) break;
      std::shared_ptr<const stats::Encoding> encoding = e.encoding;
      // Configs built in code (tests) may not be resolved yet.
      if (encoding == nullptr) {
        auto loaded = LoadEncoding(e.path.empty() ? e.name : e.path, e.pattern);
        if (!loaded.ok()) continue;
        encoding = *loaded;
      }
      encodings.push_back(std::move(encoding));
      encoding_names.push_back(e.name);
    }
    measurer = std::make_unique<TextMeasurer>(std::move(encodings));
    if (plan != nullptr && model != nullptr) signer = std::make_unique<DedupSigner>(*plan);
  }
  bool write_docs = false;  // also build each document's docs line
  crawler::JsonlParser jsonl;
  crawler::HttpResponse http;
  crawler::PayloadDecoder payload;
  crawler::CharsetConverter charset;
  crawler::Extractor extractor;
  crawler::Utf8Text utf8;
  std::string media_type;
  uint64_t language_min_bytes;
  quality::LanguageSampling language_sampling;
  std::string language_sample;
  std::unique_ptr<quality::QualityAssessor> assessor;
  // The last assessed document.
  std::string_view text;
  quality::LanguageGuess language;
  std::string_view language_source;
  std::vector<std::string> encoding_names;
  std::unique_ptr<TextMeasurer> measurer;
  TextSize original;  // of the last assessed document
  // The versions of the document being measured, each measured once.
  struct Version {
    std::string_view text;
    TextSize size;
    uint32_t id = 0;  // TextMeasurer's, for its deferred tokens
  };
  std::vector<Version> versions;
  // A document between MeasureDocument and CountDocument: measured and
  // signed, its tokens not counted yet.
  struct Measured {
    std::string_view source;
    Origin origin;
    std::string_view text;  // in `stash`, or s->text for a document counted at once
    quality::LanguageGuess language;
    std::string_view language_source;
    quality::Assessment assessment;  // a copy: the assessor's belongs to the next document
    TextSize original;
    uint32_t original_version = 0;
    std::vector<TextSize> tier_sizes, rule_sizes;
    std::vector<uint32_t> tier_versions, rule_versions;
    size_t key = kNoKey;  // index of its DocumentKeys
  };
  static constexpr size_t kNoKey = static_cast<size_t>(-1);
  // Reused from batch to batch (the copies keep their capacity).
  std::vector<Measured> measured;
  size_t measured_count = 0;
  std::unique_ptr<DedupSigner> signer;  // run with dedup
  // Documents of the batch between DeferDocument and RunPending.
  struct Pending {
    Span text, evidence;  // in `stash`
    std::string_view source;
    std::string_view language_source;
    Origin origin;
    quality::LanguageGuess language;
  };
  std::vector<Pending> pending;
  std::string stash;
  Span Stash(std::string_view v) { return Append(&stash, v); }
  std::string_view Stashed(Span span) const { return SpanOf(stash, span); }
};

// What the in-order stage hands to the input's ShardDeduper, per document.
struct DocumentKeys {
  uint64_t offset = 0;
  std::string url;
  std::string digest;
  std::string language;
  int tier = 0;
  std::vector<TextSize> tier_sizes;
  SignedDocument signed_doc;
  std::string docs_line;  // with write_docs: "<offset>\t" and the open JSON fragment (see DocsFragment)
};

// The part of a document's docs line known during the shard pass: its text
// and metadata, with the metadata object left open. The run completes it
// with the id, the source and the cluster fields (run.cc).
void DocsFragment(const Scratch& s, const quality::Assessment& a, const Origin& origin, std::string* out) {
  const uint64_t offset = origin.offset;
  const std::string_view url = origin.url;
  out->clear();
  *out += fmt::format("{}\t", offset);
  const size_t start = out->size();
  JsonWriter w(out, 0);
  w.BeginObject();
  w.Field("text", s.text);
  w.Key("metadata").BeginObject();
  w.Field("url", url);
  w.Field("offset", offset);
  w.Field("language", s.language.code);
  w.Field("language_score", s.language.score);
  w.Field("language_source", s.language_source);
  const quality::QualityModel& model = s.assessor->model();
  if (a.tier >= 0) {
    w.Field("tier", model.tier_name(static_cast<size_t>(a.tier)));
  } else {
    w.Key("tier").Null();
  }
  w.Field("bytes", s.original.bytes);
  w.Field("words", s.original.words);
  w.Key("tokens").BeginObject();
  for (size_t e = 0; e < s.encoding_names.size() && e < kMaxEncodings; ++e) {
    w.Field(s.encoding_names[e], s.original.tokens[e]);
  }
  w.EndObject();
  // A JSONL document's own id and metadata, as they were.
  if (!origin.source_id_json.empty()) w.Key("source_id").Raw(origin.source_id_json);
  if (!origin.source_metadata_json.empty()) w.Key("source_metadata").Raw(origin.source_metadata_json);
  out->erase(start, 1);  // the outer '{': the run writes the id first
}


void CountCharset(const crawler::Utf8Text& utf8, InputResult* r) {
  r->charsets.Add(utf8.charset);
  r->charset_sources.Add(crawler::CharsetSourceName(utf8.source));
  if (utf8.unknown_label) r->errors.Add("charset_unknown_label");
  if (!utf8.declared_charset.empty()) r->errors.Add("charset_declared_mismatch");
  if (utf8.replaced > 0) {
    r->errors.Add("charset_invalid_bytes");
    r->replaced_chars += utf8.replaced;
  }
}

void CountPayloadInfo(const crawler::PayloadInfo& info, Counts* errors) {
  if (info.chunked_header_lied) errors->Add("http_chunked_header_lied");
  if (info.chunked_broken) errors->Add("http_chunked_broken");
  if (info.chunked_truncated) errors->Add("http_chunked_truncated");
  if (info.content_encoding_lied) errors->Add("http_content_encoding_lied");
  if (info.content_encoding_corrupt) errors->Add("http_content_encoding_corrupt");
  if (info.content_encoding_unsupported) errors->Add("http_content_encoding_unsupported");
  if (info.clipped) errors->Add("http_payload_clipped");
}

// The stats.json name of what language ID read.
std::string_view LanguageSampleName(quality::LanguageSample read) {
  switch (read) {
    case quality::LanguageSample::kQuick: return "quick_sample";
    case quality::LanguageSample::kFull: return "full_sample";
    case quality::LanguageSample::kWhole: break;
  }
  return "whole_text";
}

// Measures each version of the text once, and each line the versions share
// once (TextMeasurer::MeasureVersionDeferred), leaving the tokens for
// CountDeferred. The normalized text's word segments come from the quality
// stage, which has them already. `stays`: `text` lives until the batch's
// tokens are counted.
TextSize SizeOf(std::string_view text, bool stays, Scratch* s, uint32_t* version) {
  for (const Scratch::Version& v : s->versions) {
    if (v.text.data() == text.data() && v.text.size() == text.size()) {
      *version = v.id;
      return v.size;
    }
  }
  const bool assessed = text.data() == s->text.data() && text.size() == s->text.size();
  Scratch::Version& v = s->versions.emplace_back();
  v.text = text;
  v.size = s->measurer->MeasureVersionDeferred(text, assessed ? &s->assessor->AssessedWords() : nullptr, stays,
                                               &v.id);
  *version = v.id;
  return v.size;
}

// A document is counted in four steps: Prepare (normalize, pick the
// language evidence), Identify (language ID), Measure (assess, measure all
// but the tokens, sign) and Count (add the tokens, count). AddDocument runs
// them in turn; a batch of crawl records runs each step over all of its
// documents before the next (RunPending), and counts the tokens of all of
// them between Measure and Count, so each step's tables (the page tree,
// CLD2's, the rank table and piece caches) stay in the core's caches from
// one document to the next. Counts are sums and keys are appended in
// document order either way.

// Normalizes `text` into s->text and points `evidence` at what language ID
// should read: the text itself, or the page's full text when the main content
// is too short to identify reliably (`html`: the text came from the
// extractor's last page). False, counted, if the text is empty.
bool PrepareDocument(std::string_view text, bool html, Scratch* s, InputResult* r, std::string_view* evidence) {
  quality::NormalizeStats normalize_stats;
  s->text = s->assessor->Normalize(text, &normalize_stats);
  if (s->text.empty()) {
    r->errors.Add("empty_text");
    return false;
  }
  r->quality.AddNormalization(normalize_stats.recomposed, normalize_stats.removed_controls);
  *evidence = s->text;
  s->language_source = "text";
  if (html && s->text.size() < s->language_min_bytes) {
    std::string_view full = s->extractor.FullTextOfLastPage();
    if (full.data() != text.data() && full.size() > text.size()) {
      *evidence = full;
      s->language_source = "full_text";
    }
  }
  return true;
}

// Language ID of a prepared document, into s->language.
void IdentifyDocument(std::string_view evidence, Scratch* s, InputResult* r) {
  quality::LanguageSample read = quality::LanguageSample::kWhole;
  s->language = quality::IdentifyLanguage(evidence, s->language_sampling, &s->language_sample, &read);
  r->quality.language_samples.Add(LanguageSampleName(read));
}

// Assesses, measures and signs s->text in s->language, which lives until the
// tokens are counted; so do the assessor's versions of it if `counted_now`
// (no other document comes between). With a signer or write_docs,
// the document's keys are appended to `keys` (their sizes and docs line
// come in CountDocument).
void MeasureDocument(std::string_view source, const Origin& origin, bool counted_now, Scratch* s, InputResult* r,
                     std::vector<DocumentKeys>* keys) {
  r->quality.language_sources.Add(s->language_source);
  const quality::Assessment& a = s->assessor->Assess(s->text, s->language);
  if (s->measured.size() == s->measured_count) s->measured.emplace_back();
  Scratch::Measured& m = s->measured[s->measured_count++];
  m.source = source;
  m.origin = origin;
  m.text = s->text;
  m.language = s->language;
  m.language_source = s->language_source;
  m.assessment = a;

  s->versions.clear();
  s->measurer->BeginDocument();
  m.original = SizeOf(s->text, /*stays=*/true, s, &m.original_version);
  m.tier_sizes.clear();
  m.tier_versions.clear();
  for (std::string_view t : a.tier_text) {
    m.tier_sizes.push_back(SizeOf(t, counted_now, s, &m.tier_versions.emplace_back()));
  }
  m.rule_sizes.clear();
  m.rule_versions.clear();
  for (std::string_view t : a.rule_text) {
    m.rule_sizes.push_back(SizeOf(t, counted_now, s, &m.rule_versions.emplace_back()));
  }
  m.key = Scratch::kNoKey;
  if ((s->signer != nullptr || s->write_docs) && keys != nullptr) {
    m.key = keys->size();
    DocumentKeys& k = keys->emplace_back();
    k.offset = origin.offset;
    k.url.assign(origin.url);
    k.digest.assign(origin.payload_digest);
    k.language = s->language.code;
    k.tier = a.tier;
    if (s->signer != nullptr) s->signer->Sign(s->text, s->assessor->segmenter(), &k.signed_doc);
  }
}

// Adds a measured document's tokens (CountDeferred has run) and counts it;
// leaves it in s->text, s->language and s->original.
const quality::Assessment& CountDocument(Scratch::Measured& m, Scratch* s, InputResult* r,
                                         std::vector<DocumentKeys>* keys) {
  const TextMeasurer& measurer = *s->measurer;
  measurer.AddDeferredTokens(m.original_version, &m.original);
  for (size_t t = 0; t < m.tier_sizes.size(); ++t) measurer.AddDeferredTokens(m.tier_versions[t], &m.tier_sizes[t]);
  for (size_t t = 0; t < m.rule_sizes.size(); ++t) measurer.AddDeferredTokens(m.rule_versions[t], &m.rule_sizes[t]);
  s->text = m.text;
  s->language = m.language;
  s->language_source = m.language_source;
  s->original = m.original;
  const quality::Assessment& a = m.assessment;
  const TextSize& original = m.original;
  r->quality.Add(s->assessor->model(), a, m.language, original, m.tier_sizes, m.rule_sizes);

  r->funnel.documents++;
  r->documents++;
  r->documents_by_source.Add(m.source);
  r->text_bytes += original.bytes;
  r->words += original.words;
  r->words_uax29 += original.words_uax29;
  for (size_t e = 0; e < kMaxEncodings; ++e) r->tokens[e] += original.tokens[e];
  const dedup::ExactKey text_key = dedup::TextKey(m.text);
  r->text_keys.push_back(text_key);
  if (m.key != Scratch::kNoKey) {
    DocumentKeys& k = (*keys)[m.key];
    k.tier_sizes = m.tier_sizes;
    if (s->write_docs) DocsFragment(*s, a, m.origin, &k.docs_line);
  }
  return a;
}

// Normalizes, identifies and assesses one document and counts it. Returns
// the assessment, or nullptr if the text is empty. `given_language`, when
// set, stands instead of language ID.
const quality::Assessment* AddDocument(std::string_view text, std::string_view source, bool html, const Origin& origin,
                                       Scratch* s, InputResult* r, std::vector<DocumentKeys>* keys = nullptr,
                                       const quality::LanguageGuess* given_language = nullptr) {
  std::string_view evidence;
  if (!PrepareDocument(text, html, s, r, &evidence)) return nullptr;
  if (given_language != nullptr) {
    s->language = *given_language;
    s->language_source = "full_text";
  } else {
    IdentifyDocument(evidence, s, r);
  }
  s->measurer->StartDeferred();
  s->measured_count = 0;
  MeasureDocument(source, origin, /*counted_now=*/true, s, r, keys);
  s->measurer->CountDeferred();
  return &CountDocument(s->measured[0], s, r, keys);
}

// Prepares a document and keeps it for RunPending: its text and evidence
// are copied (the normalizer's and extractor's buffers are reused by the next
// document); `origin` must stay valid until then (it points into the batch).
void DeferDocument(std::string_view text, std::string_view source, bool html, const Origin& origin, Scratch* s,
                   InputResult* r) {
  std::string_view evidence;
  if (!PrepareDocument(text, html, s, r, &evidence)) return;
  Scratch::Pending& d = s->pending.emplace_back();
  d.text = s->Stash(s->text);
  d.evidence = evidence.data() == s->text.data() && evidence.size() == s->text.size() ? d.text : s->Stash(evidence);
  d.source = source;
  d.language_source = s->language_source;
  d.origin = origin;
}

// The stash is released after a batch that needed more than this.
constexpr size_t kKeepStash = size_t{16} << 20;

// Identifies, measures, counts the tokens of, and counts the deferred
// documents, in order.
void RunPending(Scratch* s, InputResult* r, std::vector<DocumentKeys>* keys) {
  for (Scratch::Pending& d : s->pending) {
    IdentifyDocument(s->Stashed(d.evidence), s, r);
    d.language = std::move(s->language);
  }
  s->measurer->StartDeferred();
  s->measured_count = 0;
  for (Scratch::Pending& d : s->pending) {
    s->text = s->Stashed(d.text);
    s->language = std::move(d.language);
    s->language_source = d.language_source;
    MeasureDocument(d.source, d.origin, /*counted_now=*/false, s, r, keys);
  }
  s->measurer->CountDeferred();
  for (size_t i = 0; i < s->measured_count; ++i) CountDocument(s->measured[i], s, r, keys);
  s->pending.clear();
  s->stash.clear();
  // A batch with one huge record leaves a huge stash: not kept for the rest.
  if (s->stash.capacity() > kKeepStash) std::string().swap(s->stash);
}

// Follows a response record down to UTF-8 HTML, counting every step. Returns
// the page if it is an HTML 200 response, else nullptr. The view is valid
// until the next call.
const crawler::Utf8Text* HtmlOfResponse(std::string_view body, std::string_view record_content_type,
                                        std::string_view target_uri, Scratch* s, InputResult* r) {
  r->funnel.response_records++;
  if (crawler::ParseHttpResponse(body, &s->http) != crawler::HttpParse::kOk) {
    // DNS lookups and other non-HTTP captures are response records too; only
    // a record that claims to hold HTTP and does not is damage.
    bool claims_http = crawler::StartsWithIgnoreCase(record_content_type, "application/http") ||
                       crawler::StartsWithIgnoreCase(target_uri, "http");
    if (claims_http) r->errors.Add("http_not_http");
    return nullptr;
  }
  const crawler::HttpResponse& http = s->http;
  r->http_responses++;
  r->funnel.http_responses++;
  r->status_codes.Add(fmt::format("{}", http.status));
  if (http.status == 200) r->funnel.status_200++;
  if (http.status_line_repaired) r->errors.Add("http_status_line_repaired");
  if (http.headers_unterminated) r->errors.Add("http_headers_unterminated");

  std::string_view content_type = http.Header("Content-Type");
  crawler::MediaType(content_type, &s->media_type);
  bool html = crawler::IsHtmlMediaType(s->media_type);
  if (s->media_type.empty()) html = crawler::LooksLikeHtml(http.body);
  if (!html) return nullptr;
  r->html_responses++;

  crawler::PayloadInfo info;
  std::string_view payload = s->payload.Decode(http, &info);
  CountPayloadInfo(info, &r->errors);
  s->utf8 = s->charset.ToUtf8(payload, content_type, /*html=*/true);
  CountCharset(s->utf8, r);
  if (http.status != 200) return nullptr;
  r->funnel.html_200++;
  return &s->utf8;
}

const crawler::ExtractedDocument& ExtractCounted(std::string_view html, Scratch* s, InputResult* r) {
  const crawler::ExtractedDocument& doc = s->extractor.Extract(html);
  if (doc.html_clipped) r->errors.Add("html_clipped");
  if (doc.depth_limited) r->errors.Add("html_depth_limited");
  if (doc.over_budget) r->errors.Add("extract_over_budget");
  if (doc.mode == crawler::ExtractMode::kMain) {
    r->main_content.Add(doc.main_found ? "article" : doc.whole_page ? "whole_page" : "full_text");
  }
  return doc;
}

}  // namespace

namespace {

crawler::RecordReaderOptions ReaderOptions(const Config& config) {
  crawler::RecordReaderOptions options;
  options.max_record_bytes = config.max_record_bytes;
  options.max_header_bytes = config.max_header_bytes;
  options.stream.gzip_engine = config.gzip_engine == "zlib" ? GzipEngine::kZlib : GzipEngine::kIsal;
  return options;
}

// What the (decompressed) input stream tells about it, at its end.
void FinishStreamCounts(const DecodedStream& stream, InputResult* r) {
  if (!stream.io_status().ok()) r->failure = stream.io_status().message();
  r->compression = std::string(CompressionName(stream.compression()));
  r->members = stream.members();
  r->bytes_read = stream.compressed_bytes_read();
  r->bytes_decoded = stream.decoded_bytes();
}

void FinishReaderCounts(const crawler::RecordReader& reader, InputResult* r) {
  FinishStreamCounts(reader.stream(), r);
  r->format = reader.format() == crawler::ArchiveFormat::kArc ? "arc"
              : reader.format() == crawler::ArchiveFormat::kWarc && reader.records() > 0 ? "warc"
                                                                                       : "unknown";
  r->skipped_bytes = reader.skipped_bytes();
  r->errors.Merge(reader.errors());  // container reasons included
}

// Opens `path`, or marks `r` unreadable with the reason.
std::unique_ptr<FileSource> OpenInput(const std::string& path, InputResult* r) {
  auto source = FileSource::Open(path);
  if (!source.ok()) {
    r->readable = false;
    r->failure = source.status().message();
    r->format = "unknown";
    r->compression = "none";
    return nullptr;
  }
  return std::move(*source);
}

}  // namespace

namespace {

// Records move through the pipeline in batches: one copy of the fields the
// pass reads, in one buffer, so a batch can outlive the reader's view.
struct Batch {
  enum class Kind : uint8_t { kResponse, kConversion, kJsonl };
  struct Item {
    Kind kind = Kind::kResponse;  // an HTTP response, WET text, or a JSONL line
    uint64_t offset = 0;          // record offset; a JSONL line's number
    Span body, content_type, target_uri, digest;  // in bytes
  };
  std::string bytes;
  std::vector<Item> items;
  InputResult counts;                // what processing the batch counted
  std::vector<DocumentKeys> keys;    // dedup keys, in document order

  Span Keep(std::string_view v) { return Append(&bytes, v); }
  std::string_view View(Span span) const { return SpanOf(bytes, span); }
  void AddLine(std::string_view line, uint64_t number) {
    Item item;
    item.kind = Kind::kJsonl;
    item.offset = number;
    item.body = Keep(line);
    items.push_back(item);
  }
  void Add(const crawler::Record& rec, bool conversion) {
    Item item;
    item.kind = conversion ? Kind::kConversion : Kind::kResponse;
    item.offset = rec.offset;
    item.body = Keep(rec.body);
    item.content_type = Keep(rec.content_type);
    item.target_uri = Keep(rec.target_uri);
    item.digest = Keep(rec.Header("WARC-Payload-Digest"));
    items.push_back(item);
  }
  void Clear() {
    bytes.clear();
    items.clear();
    counts = InputResult{};
    keys.clear();
  }
};


// The per-record work of the pass, on a batch copy. Crawl records' documents
// are deferred to RunPending; a JSONL line's is counted at once (after any
// deferred ones, so keys stay in document order).
void ProcessItem(const Batch& b, const Batch::Item& item, bool extract, Scratch* s, InputResult* r,
                 std::vector<DocumentKeys>* keys) {
  const std::string_view body = b.View(item.body);
  if (item.kind == Batch::Kind::kJsonl) {
    crawler::JsonlDocument doc;
    const std::string_view reason = s->jsonl.Parse(body, &doc);
    if (!reason.empty()) {
      r->errors.Add(reason);
      return;
    }
    r->funnel.text_records++;
    if (!extract) return;
    RunPending(s, r, keys);
    // The text is UTF-8 by JSON's contract; simdjson has validated it.
    // A document stocktake wrote whose language came from evidence the
    // text does not carry (its page's full text) keeps that language.
    std::optional<quality::LanguageGuess> given;
    if (doc.language_source == "full_text" && !doc.language.empty() && doc.language_score >= 0) {
      given.emplace();
      given->code = std::string(doc.language);
      given->score = doc.language_score;
      given->reliable = true;
    }
    AddDocument(doc.text, "jsonl", /*html=*/false, Origin{doc.url, {}, item.offset, doc.id_json, doc.metadata_json}, s,
                r, keys, given ? &*given : nullptr);
    return;
  }
  const Origin origin{b.View(item.target_uri), b.View(item.digest), item.offset};
  if (item.kind == Batch::Kind::kResponse) {
    const crawler::Utf8Text* html = HtmlOfResponse(body, b.View(item.content_type), origin.url, s, r);
    if (html != nullptr && extract) {
      DeferDocument(ExtractCounted(html->text, s, r).text, "html", /*html=*/true, origin, s, r);
    }
    return;
  }
  // WET: the text was extracted by the crawl; it is UTF-8 by contract.
  r->funnel.text_records++;
  if (!extract) return;
  uint64_t replaced = 0;
  std::string_view text = s->charset.Convert(body, "UTF-8", &replaced);
  if (replaced > 0) {
    r->errors.Add("charset_invalid_bytes");
    r->replaced_chars += replaced;
  }
  DeferDocument(text, "wet", /*html=*/false, origin, s, r);
}

// Where the reading filter gets its batches: crawl records or JSONL lines.
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  // Fills `b` (cleared) up to kBatchRecords items or `max_bytes`, counting
  // what it reads. Returns false once the input is exhausted (`b` may still
  // hold items).
  virtual bool Fill(Batch* b, size_t max_bytes, uint64_t* records_read, Counts* record_types) = 0;
  virtual const DecodedStream& stream() const = 0;
  // The input's format, container and reader counts, at the end.
  virtual void Finish(InputResult* r) const = 0;
};

class RecordBatchSource final : public BatchSource {
 public:
  RecordBatchSource(std::unique_ptr<ByteSource> source, const Config& config)
      : reader_(std::move(source), ReaderOptions(config)) {}
  bool Fill(Batch* b, size_t max_bytes, uint64_t* records_read, Counts* record_types) override {
    while (b->items.size() < kBatchRecords && b->bytes.size() < max_bytes) {
      const crawler::Record* rec = reader_.Next();
      if (rec == nullptr) return false;
      ++*records_read;
      record_types->Add(rec->type.empty() ? std::string_view("(none)") : rec->type);
      if (rec->type == "response") b->Add(*rec, /*conversion=*/false);
      if (rec->type == "conversion") b->Add(*rec, /*conversion=*/true);
    }
    return true;
  }
  const DecodedStream& stream() const override { return reader_.stream(); }
  void Finish(InputResult* r) const override { FinishReaderCounts(reader_, r); }

 private:
  crawler::RecordReader reader_;
};

// JSONL documents: lines are cut here, parsed by the processing filter.
// A line longer than the reader's max_record_bytes is skipped and counted.
class JsonlBatchSource final : public BatchSource {
 public:
  JsonlBatchSource(std::unique_ptr<ByteSource> source, const Config& config)
      : reader_(std::move(source), config.max_record_bytes) {}
  bool Fill(Batch* b, size_t max_bytes, uint64_t* records_read, Counts* record_types) override {
    while (b->items.size() < kBatchRecords && b->bytes.size() < max_bytes) {
      crawler::JsonlLineReader::Line line;
      if (!reader_.Next(&line)) return false;
      ++*records_read;
      record_types->Add("jsonl_line");
      if (line.too_long) {
        b->counts.errors.Add("jsonl_line_too_long");
        continue;
      }
      b->AddLine(line.text, line.number);
    }
    return true;
  }
  const DecodedStream& stream() const override { return reader_.stream(); }
  void Finish(InputResult* r) const override {
    FinishStreamCounts(reader_.stream(), r);
    r->format = "jsonl";
    r->errors.Merge(reader_.stream().errors());
  }

 private:
  crawler::JsonlLineReader reader_;
};

// Looks at the input's first decoded bytes: JSONL documents or a crawl
// archive (WARC, ARC, WET; the record reader sorts those out).
std::unique_ptr<BatchSource> OpenBatchSource(std::unique_ptr<ByteSource> source, const Config& config) {
  const std::string head = PeekSource(&source, size_t{64} << 10);
  DecodedStream probe(std::make_unique<MemorySource>(head));
  std::string decoded(4096, '\0');
  size_t got = 0;
  for (int reads = 0; reads < 64 && got < decoded.size(); ++reads) {
    DecodedStream::ReadResult r = probe.Read(reinterpret_cast<uint8_t*>(decoded.data()) + got, decoded.size() - got);
    got += r.size;
    if (r.stream_end) break;
  }
  decoded.resize(got);
  if (crawler::LooksLikeJsonl(decoded)) return std::make_unique<JsonlBatchSource>(std::move(source), config);
  return std::make_unique<RecordBatchSource>(std::move(source), config);
}

// A URL's bytes on their way to the reader, also written to a cache file
// that appears (renamed from a temporary) only once the body ended cleanly
// with the declared size.
class TeeSource final : public ByteSource {
 public:
  TeeSource(std::unique_ptr<crawler::HttpSource> inner, std::string path)
      : inner_(std::move(inner)), path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    file_ = std::fopen(tmp_.c_str(), "wbe");
  }
  ~TeeSource() override {
    if (file_ != nullptr) {
      std::fclose(file_);
      std::remove(tmp_.c_str());
    }
  }
  Result<size_t> Read(uint8_t* out, size_t n) override {
    Result<size_t> got = inner_->Read(out, n);
    if (file_ == nullptr) return got;
    if (!got.ok()) return got;  // the destructor drops the temporary
    if (*got > 0) {
      written_ += *got;
      if (std::fwrite(out, 1, *got, file_) != *got) Abandon();
      return got;
    }
    const int64_t size = inner_->stats().size;
    const bool complete = size < 0 || static_cast<uint64_t>(size) == written_;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!(complete && closed && std::rename(tmp_.c_str(), path_.c_str()) == 0)) std::remove(tmp_.c_str());
    return got;
  }
  const std::string& name() const override { return inner_->name(); }

 private:
  void Abandon() {
    std::fclose(file_);
    file_ = nullptr;
    std::remove(tmp_.c_str());
  }
  std::unique_ptr<crawler::HttpSource> inner_;
  std::string path_;
  std::string tmp_;
  std::FILE* file_ = nullptr;
  uint64_t written_ = 0;
};

}  // namespace

std::string CachePath(const std::string& cache_dir, const std::string& url) {
  std::string_view rest(url);
  rest.remove_prefix(rest.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::string out = cache_dir;
  // host/path, each segment kept only if harmless.
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string segment(rest.substr(start, end - start));
    start = end + 1;
    if (segment.empty() || segment == "." || segment == "..") continue;
    for (char& c : segment) {
      if (c == ':' || c == '\\') c = '_';
    }
    out += "/" + segment;
  }
  return out;
}

struct Scanner::ThreadScratch {
  tbb::enumerable_thread_specific<std::unique_ptr<Scratch>> slots;
};

Scanner::Scanner(const Config& config, const quality::QualityModel* quality, const DedupPlan* plan,
                 ScanOptions options)
    : config_(config), quality_(quality), plan_(plan), options_(std::move(options)),
      limiter_(std::make_unique<crawler::FetchLimiter>(config.network.max_concurrent_downloads,
                                                       config.network.requests_per_second)),
      scratch_(std::make_unique<ThreadScratch>()) {
  options_.batches_in_flight = std::max<size_t>(options_.batches_in_flight, 1);
}

Scanner::~Scanner() = default;

InputResult Scanner::Scan(const std::string& path, const std::string& shard_dir, ScanProgress* progress) {
  const bool extract = quality_ != nullptr;
  InputResult r;
  r.path = path;
  std::unique_ptr<ShardDeduper> deduper;
  if (extract && plan_ != nullptr) deduper = std::make_unique<ShardDeduper>(*plan_, shard_dir);
  // An unreadable input still gets its (empty) runs and rows.
  auto finish_dedup = [&] {
    if (deduper != nullptr) r.dedup = deduper->Finish();
  };
  std::unique_ptr<ZstdFileWriter> docs;
  if (extract && options_.write_docs) {
    docs = std::make_unique<ZstdFileWriter>();
    r.output = docs->Open(shard_dir + "/" + kShardDocsName);
    if (!r.output.ok()) docs.reset();
  }
  const crawler::HttpSource* http = nullptr;
  std::unique_ptr<ByteSource> source = OpenScanInput(path, &http, &r);
  if (source == nullptr) {
    if (docs != nullptr) r.output = docs->Commit();  // an empty documents file
    finish_dedup();
    return r;
  }
  std::unique_ptr<BatchSource> batch_source = OpenBatchSource(std::move(source), config_);

  // read (in order) -> process (parallel) -> merge and add keys (in order).
  std::vector<std::unique_ptr<Batch>> batches(options_.batches_in_flight);
  std::vector<Batch*> free_batches;
  std::mutex free_mutex;
  for (auto& b : batches) {
    b = std::make_unique<Batch>();
    free_batches.push_back(b.get());
  }
  bool input_done = false;
  uint64_t reported_bytes = 0;
  // The reading filter counts records here, not in `r`: the merging filter
  // writes `r` at the same time (both are serial, but not with each other).
  uint64_t records_read = 0;
  Counts record_types;
  tbb::parallel_pipeline(
      options_.batches_in_flight,
      tbb::make_filter<void, Batch*>(
          tbb::filter_mode::serial_in_order,
          [&](tbb::flow_control& fc) -> Batch* {
            if (input_done) {
              fc.stop();
              return nullptr;
            }
            Batch* b = nullptr;
            {
              std::lock_guard<std::mutex> lock(free_mutex);
              b = free_batches.back();
              free_batches.pop_back();
            }
            b->Clear();
            input_done = !batch_source->Fill(b, options_.batch_bytes, &records_read, &record_types);
            if (progress != nullptr) {
              const uint64_t bytes = batch_source->stream().compressed_bytes_read();
              progress->bytes_read.fetch_add(bytes - reported_bytes, std::memory_order_relaxed);
              reported_bytes = bytes;
            }
            return b;
          }) &
          tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel,
                                          [&](Batch* b) {
                                            std::unique_ptr<Scratch>& s = scratch_->slots.local();
                                            if (s == nullptr) {
                                              s = std::make_unique<Scratch>(config_, quality_, quality::RuleDetail::kDecision,
                                                                            plan_);
                                              s->write_docs = options_.write_docs;
                                            }
                                            for (const Batch::Item& item : b->items) {
                                              ProcessItem(*b, item, extract, s.get(), &b->counts, &b->keys);
                                            }
                                            RunPending(s.get(), &b->counts, &b->keys);
                                            return b;
                                          }) &
          tbb::make_filter<Batch*, void>(tbb::filter_mode::serial_in_order, [&](Batch* b) {
            const size_t first_key = r.text_keys.size();
            r.Merge(b->counts);
            for (size_t i = 0; i < b->keys.size(); ++i) {
              const DocumentKeys& k = b->keys[i];
              if (deduper != nullptr) {
                deduper->Add(k.signed_doc, r.text_keys[first_key + i], k.url, k.digest, k.offset, k.tier, k.language,
                             k.tier_sizes);
              }
              if (docs != nullptr) {
                docs->Write(k.docs_line);
                docs->Write("\n");
              }
            }
            if (progress != nullptr) progress->documents.fetch_add(b->counts.documents, std::memory_order_relaxed);
            std::lock_guard<std::mutex> lock(free_mutex);
            free_batches.push_back(b);
          }));
  r.funnel.records += records_read;
  r.records.Merge(record_types);

  batch_source->Finish(&r);
  if (http != nullptr) {
    r.fetched = true;
    r.network = http->stats();
  }
  if (!batch_source->stream().io_status().ok()) {
    // Stopped part way by a failure, not by damage: what was read is not
    // the input, so none of it counts. The input is listed as unreadable
    // and tried again by the next run.
    InputResult failed;
    failed.path = r.path;
    failed.readable = false;
    failed.failure = r.failure;
    failed.format = "unknown";
    failed.compression = "none";
    failed.fetched = r.fetched;
    failed.network = std::move(r.network);
    failed.retry_later = true;
    r = std::move(failed);
    if (deduper != nullptr) deduper = std::make_unique<ShardDeduper>(*plan_, shard_dir);
    if (docs != nullptr) {
      docs = std::make_unique<ZstdFileWriter>();
      r.output = docs->Open(shard_dir + "/" + kShardDocsName);
    }
  }
  if (docs != nullptr && r.output.ok()) r.output = docs->Commit();
  finish_dedup();
  return r;
}

std::unique_ptr<ByteSource> Scanner::OpenScanInput(const std::string& path, const crawler::HttpSource** http,
                                                   InputResult* r) {
  if (!crawler::IsHttpUrl(path)) return OpenInput(path, r);
  const std::string cached = options_.cache_dir.empty() ? std::string() : CachePath(options_.cache_dir, path);
  std::error_code ec;
  if (!cached.empty() && std::filesystem::is_regular_file(cached, ec)) {
    auto file = FileSource::Open(cached);
    if (file.ok()) return std::move(*file);
  }
  auto source = std::make_unique<crawler::HttpSource>(path, config_.network.fetch, limiter_.get());
  *http = source.get();
  if (cached.empty()) return source;
  return std::make_unique<TeeSource>(std::move(source), cached);
}

InputResult ScanInput(const std::string& path, const Config& config, const quality::QualityModel* quality,
                      const DedupTarget& dedup, ScanProgress* progress) {
  Scanner scanner(config, quality, dedup.plan);
  return scanner.Scan(path, dedup.shard_dir, progress);
}

InputResult ExtractDocuments(const std::string& path, const Config& config, const quality::QualityModel& quality,
                             const std::function<void(const ExtractedRecord&)>& emit) {
  InputResult r;
  r.path = path;
  std::unique_ptr<FileSource> source = OpenInput(path, &r);
  if (source == nullptr) return r;
  Scratch scratch(config, &quality, quality::RuleDetail::kEveryValue);
  // Fills the quality part of `record` for `doc` and emits it.
  auto assess_and_emit = [&](ExtractedRecord record) {
    const quality::Assessment* a =
        AddDocument(record.doc->text, "html", /*html=*/true, Origin{record.url, {}, record.offset}, &scratch, &r);
    if (a != nullptr) {
      record.text = scratch.text;
      record.model = &quality;
      record.language = &scratch.language;
      record.language_source = scratch.language_source;
      record.assessment = a;
      record.size = &scratch.original;
      record.encodings = &scratch.encoding_names;
    }
    emit(record);
  };
  if (LooksLikeHtmlFileName(std::filesystem::path(path).filename().string())) {
    // A bare page: the whole (decompressed) file is one document.
    DecodedStream stream(std::move(source));
    std::string html;
    const size_t limit = config.extract.max_html_bytes + 1;
    html.resize(std::min<size_t>(limit, 1 << 20));
    size_t used = 0;
    for (;;) {
      if (used == html.size()) {
        if (html.size() >= limit) break;
        html.resize(std::min(limit, html.size() * 2));
      }
      DecodedStream::ReadResult got = stream.Read(reinterpret_cast<uint8_t*>(html.data()) + used, html.size() - used);
      used += got.size;
      if (got.stream_end) break;
    }
    html.resize(used);
    r.compression = std::string(CompressionName(stream.compression()));
    r.bytes_read = stream.compressed_bytes_read();
    r.bytes_decoded = stream.decoded_bytes();
    r.errors.Merge(stream.errors());
    scratch.utf8 = scratch.charset.ToUtf8(html, "", /*html=*/true);
    CountCharset(scratch.utf8, &r);
    const crawler::ExtractedDocument& doc = ExtractCounted(scratch.utf8.text, &scratch, &r);
    std::string url = "file://" + std::filesystem::absolute(path).lexically_normal().string();
    assess_and_emit(ExtractedRecord{path, url, "", 0, scratch.utf8.charset, &doc});
    r.format = "html";
    return r;
  }
  crawler::RecordReader reader(std::move(source), ReaderOptions(config));
  while (const crawler::Record* rec = reader.Next()) {
    r.funnel.records++;
    r.records.Add(rec->type.empty() ? std::string_view("(none)") : rec->type);
    if (rec->type != "response") continue;
    const crawler::Utf8Text* html = HtmlOfResponse(rec->body, rec->content_type, rec->target_uri, &scratch, &r);
    if (html == nullptr) continue;
    const crawler::ExtractedDocument& doc = ExtractCounted(html->text, &scratch, &r);
    assess_and_emit(ExtractedRecord{path, rec->target_uri, rec->record_id, rec->offset, html->charset, &doc});
  }
  FinishReaderCounts(reader, &r);
  return r;
}

}  // namespace stocktake::pipeline
