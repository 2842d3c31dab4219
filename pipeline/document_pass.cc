// The document pass. Each record is classified once; HTML responses are
// decoded (transfer and content codings), their charset is sniffed and the
// bytes converted to UTF-8 for every status (so `inspect` can report
// charsets), and text is extracted only for status 200 when extracting.
#include "pipeline/document_pass.h"

#include <fmt/format.h>

#include <filesystem>

#include "common/inflate.h"
#include "crawler/charset.h"
#include "crawler/http.h"
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

// Per-input helpers, created once and reused for every record.
struct Scratch {
  Scratch(const Config& config, const quality::QualityModel* model)
      : payload(config.max_payload_bytes),
        extractor(config.extract),
        language_min_bytes(config.language_min_bytes),
        language_sample_bytes(config.language_sample_bytes) {
    if (model != nullptr) assessor = std::make_unique<quality::QualityAssessor>(model);
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
  }
  crawler::HttpResponse http;
  crawler::PayloadDecoder payload;
  crawler::CharsetConverter charset;
  crawler::Extractor extractor;
  crawler::Utf8Text utf8;
  std::string media_type;
  uint64_t language_min_bytes;
  uint64_t language_sample_bytes;
  std::string language_sample;
  std::unique_ptr<quality::QualityAssessor> assessor;
  // The last assessed document.
  std::string_view text;
  quality::LanguageGuess language;
  std::string_view language_source;
  std::vector<std::string> encoding_names;
  std::unique_ptr<TextMeasurer> measurer;
  TextSize original;  // of the last assessed document
  std::vector<std::pair<std::string_view, TextSize>> sizes;  // counted once per text version
  std::vector<TextSize> tier_sizes;
  std::vector<TextSize> rule_sizes;
  std::unique_ptr<ShardDeduper> deduper;  // run with dedup
};

// Where a document came from, for its URL and payload keys.
struct Origin {
  std::string_view url;
  std::string_view payload_digest;
  uint64_t offset = 0;
};

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

// Measures each version of the text once. The normalized text's word
// segments come from the quality stage, which has them already.
TextSize SizeOf(std::string_view text, Scratch* s) {
  for (const auto& [seen, size] : s->sizes) {
    if (seen.data() == text.data() && seen.size() == text.size()) return size;
  }
  const bool assessed = text.data() == s->text.data() && text.size() == s->text.size();
  TextSize size = s->measurer->Measure(text, assessed ? &s->assessor->AssessedWords() : nullptr);
  s->sizes.emplace_back(text, size);
  return size;
}

// Normalizes, identifies and assesses one document and counts it. Returns
// the assessment, or nullptr if the text is empty. `html` says the text came
// from the extractor's last page (whose full text can help language ID).
const quality::Assessment* AddDocument(std::string_view text, std::string_view source, bool html, const Origin& origin,
                                       Scratch* s, InputResult* r) {
  quality::NormalizeStats normalize_stats;
  s->text = s->assessor->Normalize(text, &normalize_stats);
  if (s->text.empty()) {
    r->errors.Add("empty_text");
    return nullptr;
  }
  r->quality.AddNormalization(normalize_stats.recomposed, normalize_stats.removed_controls);
  // Language: the text itself, or the page's full text when the main content
  // is too short to identify reliably.
  std::string_view evidence = s->text;
  s->language_source = "text";
  if (html && s->text.size() < s->language_min_bytes) {
    std::string_view full = s->extractor.FullTextOfLastPage();
    if (full.data() != text.data() && full.size() > text.size()) {
      evidence = full;
      s->language_source = "full_text";
    }
  }
  s->language = quality::IdentifyLanguage(evidence, s->language_sample_bytes, &s->language_sample);
  r->quality.language_sources.Add(s->language_source);
  const quality::Assessment& a = s->assessor->Assess(s->text, s->language);

  s->sizes.clear();
  const TextSize original = SizeOf(s->text, s);
  s->original = original;
  s->tier_sizes.clear();
  for (std::string_view t : a.tier_text) s->tier_sizes.push_back(SizeOf(t, s));
  s->rule_sizes.clear();
  for (std::string_view t : a.rule_text) s->rule_sizes.push_back(SizeOf(t, s));
  r->quality.Add(s->assessor->model(), a, s->language, original, s->tier_sizes, s->rule_sizes);

  r->funnel.documents++;
  r->documents++;
  r->documents_by_source.Add(source);
  r->text_bytes += original.bytes;
  r->words += original.words;
  r->words_uax29 += original.words_uax29;
  for (size_t e = 0; e < kMaxEncodings; ++e) r->tokens[e] += original.tokens[e];
  const dedup::ExactKey text_key = dedup::TextKey(s->text);
  r->text_keys.push_back(text_key);
  if (s->deduper != nullptr) {
    s->deduper->Add(s->text, text_key, origin.url, origin.payload_digest, origin.offset, a.tier, s->language.code,
                    s->tier_sizes, s->assessor->segmenter());
  }
  return &a;
}

// Follows a response record down to UTF-8 HTML, counting every step. Returns
// the page if it is an HTML 200 response, else nullptr. The view is valid
// until the next call.
const crawler::Utf8Text* HtmlOfResponse(const crawler::Record& rec, Scratch* s, InputResult* r) {
  r->funnel.response_records++;
  if (crawler::ParseHttpResponse(rec.body, &s->http) != crawler::HttpParse::kOk) {
    // DNS lookups and other non-HTTP captures are response records too; only
    // a record that claims to hold HTTP and does not is damage.
    bool claims_http = crawler::StartsWithIgnoreCase(rec.content_type, "application/http") ||
                       crawler::StartsWithIgnoreCase(rec.target_uri, "http");
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

void FinishReaderCounts(const crawler::RecordReader& reader, InputResult* r) {
  const DecodedStream& stream = reader.stream();
  if (!stream.io_status().ok()) r->failure = stream.io_status().message();
  r->format = reader.format() == crawler::ArchiveFormat::kArc ? "arc"
              : reader.format() == crawler::ArchiveFormat::kWarc && reader.records() > 0 ? "warc"
                                                                                       : "unknown";
  r->compression = std::string(CompressionName(stream.compression()));
  r->members = stream.members();
  r->bytes_read = stream.compressed_bytes_read();
  r->bytes_decoded = stream.decoded_bytes();
  r->skipped_bytes = reader.skipped_bytes();
  r->errors.Merge(reader.errors());
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

InputResult ScanInput(const std::string& path, const Config& config, const quality::QualityModel* quality,
                      const DedupTarget& dedup) {
  const bool extract = quality != nullptr;
  InputResult r;
  r.path = path;
  Scratch scratch(config, quality);
  if (extract && dedup.plan != nullptr) scratch.deduper = std::make_unique<ShardDeduper>(*dedup.plan, dedup.ordinal);
  // An unreadable input still gets its (empty) runs and rows.
  auto finish_dedup = [&] {
    if (scratch.deduper != nullptr) r.dedup = scratch.deduper->Finish();
  };
  std::unique_ptr<FileSource> source = OpenInput(path, &r);
  if (source == nullptr) {
    finish_dedup();
    return r;
  }
  crawler::RecordReader reader(std::move(source), ReaderOptions(config));

  while (const crawler::Record* rec = reader.Next()) {
    r.funnel.records++;
    r.records.Add(rec->type.empty() ? std::string_view("(none)") : rec->type);
    if (rec->type == "response") {
      const crawler::Utf8Text* html = HtmlOfResponse(*rec, &scratch, &r);
      if (html != nullptr && extract) {
        const Origin origin{rec->target_uri, rec->Header("WARC-Payload-Digest"), rec->offset};
        AddDocument(ExtractCounted(html->text, &scratch, &r).text, "html", /*html=*/true, origin, &scratch, &r);
      }
    } else if (rec->type == "conversion") {
      // WET: the text was extracted by the crawl; it is UTF-8 by contract.
      r.funnel.text_records++;
      if (extract) {
        uint64_t replaced = 0;
        std::string_view text = scratch.charset.Convert(rec->body, "UTF-8", &replaced);
        if (replaced > 0) {
          r.errors.Add("charset_invalid_bytes");
          r.replaced_chars += replaced;
        }
        AddDocument(text, "wet", /*html=*/false, Origin{rec->target_uri, rec->Header("WARC-Payload-Digest"), rec->offset},
                    &scratch, &r);
      }
    }
  }

  FinishReaderCounts(reader, &r);
  finish_dedup();
  return r;
}

InputResult ExtractDocuments(const std::string& path, const Config& config, const quality::QualityModel& quality,
                             const std::function<void(const ExtractedRecord&)>& emit) {
  InputResult r;
  r.path = path;
  std::unique_ptr<FileSource> source = OpenInput(path, &r);
  if (source == nullptr) return r;
  Scratch scratch(config, &quality);
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
    const crawler::Utf8Text* html = HtmlOfResponse(*rec, &scratch, &r);
    if (html == nullptr) continue;
    const crawler::ExtractedDocument& doc = ExtractCounted(html->text, &scratch, &r);
    assess_and_emit(ExtractedRecord{path, rec->target_uri, rec->record_id, rec->offset, html->charset, &doc});
  }
  FinishReaderCounts(reader, &r);
  return r;
}

}  // namespace stocktake::pipeline
