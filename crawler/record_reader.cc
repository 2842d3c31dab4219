// Record reader: a resynchronizing parser over a sliding buffer.
//
// Positions are absolute offsets in the decoded stream, so the buffer can be
// compacted or grown without invalidating any position we hold; views are only
// built after the last fill for a record (fills may move the bytes).
//
// For each record: find the header at the current position, learn the body
// length, fill the buffer through the body plus a small lookahead, then check
// what follows the body. A well-formed file has "\r\n\r\n" and the next
// header there. If something else is there, the declared length was wrong:
// either a header starts inside the declared body (length too long: cut the
// body there) or junk follows it (length too short, or garbage: resynchronize
// at the next header). Resynchronization looks for a line starting "WARC/" (or
// "WARC-" for writers that omit the version line; or an ARC header line) whose
// header block parses and names a Content-Length, so a stray "WARC/1.0" inside
// a page does not fool it.
//
// Why a copy-free sliding buffer rather than a record-at-a-time allocation:
// record iteration must cost little next to inflate itself (goal: <= 15%,
// docs/benchmarks.md). Bytes are decoded straight into this buffer and parsed
// in place; the only copies are compactions of a partial record at the buffer
// end.
#include "crawler/record_reader.h"

#include <algorithm>
#include <cstring>

namespace stocktake::crawler {

namespace {

constexpr size_t kReadChunk = 256u << 10;
// Bytes after a body inspected before returning the record.
constexpr size_t kLookahead = 8u << 10;

inline bool IsNewline(uint8_t c) { return c == '\r' || c == '\n'; }
inline bool IsBlank(uint8_t c) { return c == '\r' || c == '\n' || c == ' ' || c == '\t'; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "WARC/1.0", "WARC/0.17": "WARC/" then digits and dots.
bool ValidWarcVersion(std::string_view line) {
  if (line.size() < 8 || line.size() > 16 || line.substr(0, 5) != "WARC/") return false;
  std::string_view v = line.substr(5);
  bool dot = false;
  for (char c : v) {
    if (c == '.') {
      dot = true;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dot && v.front() != '.' && v.back() != '.';
}

std::string_view StripAngles(std::string_view s) {
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') return s.substr(1, s.size() - 2);
  return s;
}

// Splits an ARC header line into space-separated tokens, right to left for
// `fixed` tokens; everything left of them is the URL (which may hold spaces).
bool SplitArcLine(std::string_view line, size_t fixed, std::string_view* url,
                  std::vector<std::string_view>* tokens) {
  tokens->clear();
  while (tokens->size() < fixed) {
    size_t sp = line.rfind(' ');
    if (sp == std::string_view::npos) return false;
    std::string_view tok = line.substr(sp + 1);
    if (tok.empty()) return false;
    tokens->push_back(tok);
    line = line.substr(0, sp);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  }
  *url = line;
  return !line.empty();
}

}  // namespace

RecordReader::RecordReader(std::unique_ptr<ByteSource> source, RecordReaderOptions options)
    : stream_(std::move(source), options.stream),
      options_(options),
      buf_(new uint8_t[std::max<size_t>(options.initial_buffer_bytes, 4096)]),
      cap_(std::max<size_t>(options.initial_buffer_bytes, 4096)) {}

RecordReader::~RecordReader() = default;

Counts RecordReader::errors() const {
  Counts all = errors_;
  all.Merge(stream_.errors());
  return all;
}

// ------------------------------------------------------------ buffering ----

bool RecordReader::ReadMore() {
  if (segment_end_) return false;
  if (cap_ - end_ < kReadChunk) {
    if (pos_ > 0) {
      std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
      buf_base_ += pos_;
      end_ -= pos_;
      pos_ = 0;
      ++generation_;
      stream_.ForgetBefore(buf_base_);
    }
    if (cap_ - end_ < kReadChunk) {
      size_t new_cap = std::max(cap_ * 2, end_ + kReadChunk);
      std::unique_ptr<uint8_t[]> bigger(new uint8_t[new_cap]);
      std::memcpy(bigger.get(), buf_.get(), end_);
      buf_ = std::move(bigger);
      cap_ = new_cap;
      ++generation_;
    }
  }
  DecodedStream::ReadResult r = stream_.Read(buf_.get() + end_, std::min(cap_ - end_, kReadChunk));
  end_ += r.size;
  if (r.segment_end) segment_end_ = true;
  if (r.stream_end) stream_end_ = true;
  return r.size > 0 || !segment_end_;
}

bool RecordReader::EnsureUpTo(uint64_t abs_end) {
  while (BufEnd() < abs_end) {
    if (!ReadMore()) return false;
  }
  return true;
}

// ---------------------------------------------------------- recognition ----

bool RecordReader::AtLineStart(uint64_t at) const {
  return at == segment_start_ || (at > buf_base_ && buf_[Index(at) - 1] == '\n');
}

bool RecordReader::LooksLikeArcHeaderLine(std::string_view line) {
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() < 10) return false;
  for (char c : line) {
    if (static_cast<uint8_t>(c) < 0x20 && c != '\t') return false;
  }
  std::string_view url;
  if (!SplitArcLine(line, arc_version_ == 2 ? 9 : 4, &url, &arc_tokens_)) return false;
  // arc_tokens_ runs right to left: length first.
  if (!AllDigits(arc_tokens_[0]) || arc_tokens_[0].size() > 18) return false;
  std::string_view date = arc_version_ == 2 ? arc_tokens_[7] : arc_tokens_[2];
  if (!(AllDigits(date) || date == "null" || date == "-")) return false;
  return url.find(':') != std::string_view::npos;
}

RecordReader::Parse RecordReader::FindHeaderAt(uint64_t at, size_t* header_len) {
  const size_t limit = options_.max_header_bytes;
  for (;;) {
    std::string_view avail = View(at, std::min<uint64_t>(BufEnd(), at + limit));
    size_t end = std::string_view::npos;
    if (format_ == ArchiveFormat::kArc) {
      size_t nl = avail.find('\n');
      if (nl != std::string_view::npos) end = nl + 1;
    } else {
      end = FindHeaderEnd(avail);
    }
    if (end != std::string_view::npos) {
      *header_len = end;
      return Parse::kOk;
    }
    if (avail.size() >= limit) return Parse::kInvalid;
    if (!EnsureUpTo(BufEnd() + 1)) return Parse::kNeedMore;
  }
}

bool RecordReader::ParseWarcFields(uint64_t at, size_t header_len, bool strict, ParsedHeader* out) {
  std::string_view header = View(at, at + header_len);
  out->fields.clear();
  std::string_view version;
  std::string_view rest = header;
  if (header.substr(0, 5) == "WARC/") {
    size_t nl = header.find('\n');
    version = TrimWhitespace(header.substr(0, nl));
    if (!ValidWarcVersion(version)) return false;
    rest = header.substr(nl + 1);
  } else if (header.substr(0, 5) != "WARC-") {
    return false;
  }
  out->bad_lines = ParseHeaderFields(rest, &out->fields);
  // One pass picks out the fields every record needs (first occurrence wins,
  // as in FindHeader).
  std::string_view type, length_text, target, date, id, content_type;
  bool have_type = false, have_length = false, have_target = false, have_date = false, have_id = false,
       have_content_type = false;
  auto take = [](bool* have, std::string_view* slot, std::string_view value) {
    if (!*have) *slot = value, *have = true;
  };
  for (const HeaderField& f : out->fields) {
    switch (f.name.size()) {
      case 9:
        if (EqualsIgnoreCase(f.name, "WARC-Type")) take(&have_type, &type, f.value);
        if (EqualsIgnoreCase(f.name, "WARC-Date")) take(&have_date, &date, f.value);
        break;
      case 12:
        if (EqualsIgnoreCase(f.name, "Content-Type")) take(&have_content_type, &content_type, f.value);
        break;
      case 14:
        if (EqualsIgnoreCase(f.name, "Content-Length")) take(&have_length, &length_text, f.value);
        if (EqualsIgnoreCase(f.name, "WARC-Record-ID")) take(&have_id, &id, f.value);
        break;
      case 15:
        if (EqualsIgnoreCase(f.name, "WARC-Target-URI")) take(&have_target, &target, f.value);
        break;
      default:
        break;
    }
  }
  uint64_t length = 0;
  out->has_length = ParseDecimal(length_text, &length);
  if (strict || version.empty()) {
    // A header found by searching (or without its version line) must look
    // like one, or any "WARC" in a page would start a record.
    if (!out->has_length || out->bad_lines > 0) return false;
    if (type.empty() && id.empty()) return false;
  }
  Record& r = out->record;
  r = Record{};
  r.format = ArchiveFormat::kWarc;
  r.version = version;
  r.type = type;
  r.target_uri = StripAngles(target);
  r.date = date;
  r.record_id = id;
  r.content_type = content_type;
  r.declared_length = length;
  r.header = header;
  r.fields = &out->fields;
  return true;
}

bool RecordReader::ParseArcFields(uint64_t at, size_t header_len, ParsedHeader* out) {
  std::string_view line = View(at, at + header_len);
  while (!line.empty() && IsNewline(static_cast<uint8_t>(line.back()))) line.remove_suffix(1);
  if (!LooksLikeArcHeaderLine(line)) return false;
  std::string_view url;
  SplitArcLine(line, arc_version_ == 2 ? 9 : 4, &url, &arc_tokens_);
  out->fields.clear();
  out->has_length = true;
  out->bad_lines = 0;
  Record& r = out->record;
  r = Record{};
  r.format = ArchiveFormat::kArc;
  r.version = arc_version_ == 2 ? "ARC/2" : "ARC/1";
  r.type = url.substr(0, 11) == "filedesc://" ? "warcinfo" : "response";
  r.target_uri = url;
  r.date = arc_version_ == 2 ? arc_tokens_[7] : arc_tokens_[2];
  r.content_type = arc_version_ == 2 ? arc_tokens_[6] : arc_tokens_[1];
  ParseDecimal(arc_tokens_[0], &r.declared_length);
  r.header = View(at, at + header_len);
  r.fields = &out->fields;
  return true;
}

bool RecordReader::HeaderAt(uint64_t at, bool strict, size_t* header_len, ParsedHeader* out) {
  header_cut_ = false;
  if (format_ == ArchiveFormat::kWarc) {
    EnsureUpTo(at + 5);
    std::string_view head = View(at, std::min(BufEnd(), at + 5));
    if (head != "WARC/" && head != "WARC-") return false;
  }
  Parse p = FindHeaderAt(at, header_len);
  if (p == Parse::kInvalid) {
    if (!strict) errors_.Add("header_too_long");
    return false;
  }
  if (p == Parse::kNeedMore) {
    header_cut_ = true;
    return false;
  }
  if (format_ == ArchiveFormat::kArc) return ParseArcFields(at, *header_len, out);
  return ParseWarcFields(at, *header_len, strict, out);
}

bool RecordReader::StartsRecord(uint64_t at) {
  if (format_ == ArchiveFormat::kArc) {
    std::string_view avail = View(at, BufEnd());
    size_t nl = avail.find('\n');
    if (nl == std::string_view::npos) return segment_end_ && LooksLikeArcHeaderLine(avail);
    return LooksLikeArcHeaderLine(avail.substr(0, nl));
  }
  std::string_view head = View(at, std::min(BufEnd(), at + 5));
  return head == "WARC/" || head == "WARC-";
}

bool RecordReader::FindRecordStart(uint64_t from, uint64_t limit, bool discard, uint64_t* found) {
  for (;;) {
    uint64_t c = from;
    while (c < std::min(limit, BufEnd())) {
      std::string_view range = View(c, std::min(limit, BufEnd()));
      size_t hit;
      if (format_ == ArchiveFormat::kArc) {
        // Any line start is a candidate.
        if (AtLineStart(c)) {
          hit = 0;
        } else {
          size_t nl = range.find('\n');
          hit = nl == std::string_view::npos ? std::string_view::npos : nl + 1;
        }
      } else {
        const void* p = memmem(range.data(), range.size(), "WARC", 4);
        hit = p == nullptr ? std::string_view::npos : static_cast<size_t>(static_cast<const char*>(p) - range.data());
      }
      if (hit == std::string_view::npos || hit >= range.size()) break;
      const uint64_t cand = c + hit;
      c = cand + 1;
      if (!AtLineStart(cand)) continue;
      if (discard && cand > Abs(pos_)) {
        // Bytes before a candidate are junk whatever the candidate turns out to be.
        skipped_bytes_ += cand - Abs(pos_);
        pos_ = Index(cand);
      }
      size_t header_len = 0;
      if (HeaderAt(cand, /*strict=*/true, &header_len, &probe_)) {
        *found = cand;
        return true;
      }
    }
    if (!discard || BufEnd() >= limit) return false;
    // Not in the buffer: drop all but a short tail (a candidate may straddle
    // the refill) and read on.
    uint64_t keep_from = std::max(Abs(pos_), BufEnd() > from + 8 ? BufEnd() - 8 : from);
    skipped_bytes_ += keep_from - Abs(pos_);
    pos_ = Index(keep_from);
    from = keep_from;
    if (!ReadMore()) {
      skipped_bytes_ += BufEnd() - Abs(pos_);
      pos_ = end_;
      return false;
    }
  }
}

void RecordReader::Resync(uint64_t from, std::string_view reason) {
  errors_.Add(reason);
  uint64_t found = 0;
  FindRecordStart(from, UINT64_MAX, /*discard=*/true, &found);
}

// --------------------------------------------------------------- records ----

// Decides where the next record starts once a body ends at `body_end`, and
// returns the (possibly shortened) body end. Needs the lookahead filled.
uint64_t RecordReader::CheckSeparator(uint64_t body_end, uint64_t body_begin) {
  const uint64_t avail_end = BufEnd();
  uint64_t q = body_end;
  while (q < avail_end && IsNewline(buf_[Index(q)])) ++q;
  next_pos_ = q;
  if (q == avail_end) return body_end;  // end of segment, or newlines beyond the lookahead
  if (StartsRecord(q)) {
    if (q - body_end > 4) errors_.Add("extra_newlines");
    return body_end;
  }
  // Something other than a record follows. Did the declared length run into
  // the next record?
  uint64_t found = 0;
  if (body_end > body_begin && FindRecordStart(body_begin, body_end, /*discard=*/false, &found)) {
    errors_.Add("content_length_mismatch");
    next_pos_ = found;
    uint64_t cut = found;
    while (cut > body_begin && IsNewline(buf_[Index(cut - 1)])) --cut;
    return cut;
  }
  errors_.Add("junk_between_records");
  resync_next_ = true;
  return body_end;
}

void RecordReader::SkipClippedRest() {
  const uint64_t target = skip_target_;
  skip_target_ = 0;
  uint64_t from = Abs(pos_);
  for (;;) {
    // A lying, huge Content-Length must not swallow the records after it:
    // search the skipped body for a record start, a buffer at a time.
    const uint64_t limit = std::min(BufEnd(), target);
    uint64_t found = 0;
    if (FindRecordStart(from, limit, /*discard=*/false, &found)) {
      errors_.Add("content_length_mismatch");
      pos_ = Index(found);
      return;
    }
    if (limit >= target) break;
    // Searched up to `limit`; keep a short tail (a header may straddle it).
    // Probes may already have read beyond it, so read only if still needed.
    from = std::max(Abs(pos_), limit > 8 ? limit - 8 : limit);
    pos_ = Index(from);
    if (BufEnd() < target && !ReadMore()) {
      errors_.Add("record_truncated");
      pos_ = end_;
      return;
    }
  }
  pos_ = Index(target);
  EnsureUpTo(target + kLookahead);
  CheckSeparator(target, target);
  pos_ = Index(next_pos_);
}

const Record* RecordReader::BuildRecord(uint64_t at, size_t header_len, uint64_t parsed_generation) {
  const Record& parsed = current_.record;
  const uint64_t declared = parsed.declared_length;
  const uint64_t body_begin = at + header_len;
  const uint64_t keep = std::min<uint64_t>(declared, options_.max_record_bytes);
  if (current_.bad_lines > 0) errors_.Add("bad_header_lines");
  if (parsed.format == ArchiveFormat::kWarc && parsed.version.empty()) errors_.Add("missing_version_line");

  uint64_t body_end;
  bool truncated = false;
  bool clipped = false;
  uint64_t found = 0;
  if (!current_.has_length) {
    // No usable length: the body runs to the next record header.
    errors_.Add("bad_content_length");
    EnsureUpTo(body_begin + options_.max_record_bytes);
    uint64_t limit = std::min<uint64_t>(BufEnd(), body_begin + options_.max_record_bytes);
    body_end = limit;
    next_pos_ = limit;
    if (FindRecordStart(body_begin, limit, /*discard=*/false, &found)) {
      next_pos_ = body_end = found;
      while (body_end > body_begin && IsNewline(buf_[Index(body_end - 1)])) --body_end;
    }
  } else if (!EnsureUpTo(body_begin + keep)) {
    // The data ends inside the body. A record header inside it means the
    // length lied; otherwise the record is truncated.
    if (FindRecordStart(body_begin, BufEnd(), /*discard=*/false, &found)) {
      errors_.Add("content_length_mismatch");
      next_pos_ = body_end = found;
      while (body_end > body_begin && IsNewline(buf_[Index(body_end - 1)])) --body_end;
    } else {
      errors_.Add("record_truncated");
      truncated = true;
      next_pos_ = body_end = BufEnd();
    }
  } else if (keep < declared) {
    errors_.Add("record_clipped");
    clipped = true;
    body_end = body_begin + keep;
    skip_target_ = body_begin + declared;
    next_pos_ = body_end;
  } else {
    EnsureUpTo(body_begin + keep + kLookahead);
    body_end = CheckSeparator(body_begin + keep, body_begin);
  }

  // Fills may have moved the bytes: re-derive the header views then. (Probes
  // for record starts parse into probe_, never into current_.)
  if (generation_ != parsed_generation) {
    if (format_ == ArchiveFormat::kArc) {
      ParseArcFields(at, header_len, &current_);
    } else {
      ParseWarcFields(at, header_len, /*strict=*/false, &current_);
    }
  }
  Record& r = current_.record;
  if (!current_.has_length) r.declared_length = body_end - body_begin;
  r.offset = at;
  r.container_offset = stream_.ContainerOffsetOf(at);
  r.body = View(body_begin, body_end);
  r.truncated = truncated;
  r.clipped = clipped;
  ++records_;
  return &r;
}

void RecordReader::DetectFormat() {
  std::string_view head = View(Abs(pos_), std::min(BufEnd(), Abs(pos_) + 11));
  if (head.substr(0, 4) == "WARC") {
    format_ = ArchiveFormat::kWarc;
    return;
  }
  if (head == "filedesc://") {
    format_ = ArchiveFormat::kArc;
    return;
  }
  std::string_view avail = View(Abs(pos_), BufEnd());
  size_t nl = avail.find('\n');
  format_ = nl != std::string_view::npos && LooksLikeArcHeaderLine(avail.substr(0, nl))
                ? ArchiveFormat::kArc
                : ArchiveFormat::kWarc;
}

const Record* RecordReader::Next() {
  if (finished_) return nullptr;
  if (have_record_) {
    // Only now may the returned record's bytes be released.
    pos_ = Index(next_pos_);
    have_record_ = false;
    if (skip_target_ != 0) SkipClippedRest();
  }

  for (;;) {
    if (resync_next_) {
      resync_next_ = false;
      uint64_t found = 0;
      FindRecordStart(Abs(pos_), UINT64_MAX, /*discard=*/true, &found);
    }
    // Blank lines between records are tolerated silently here; the separator
    // check already counted unusual ones.
    for (;;) {
      while (pos_ < end_ && IsBlank(buf_[pos_])) ++pos_;
      if (pos_ < end_ || !ReadMore()) break;
    }
    if (pos_ >= end_) {
      if (stream_end_) {
        finished_ = true;
        return nullptr;
      }
      // A damaged member was skipped: a new segment starts here.
      segment_end_ = false;
      segment_start_ = BufEnd();
      continue;
    }
    EnsureUpTo(Abs(pos_) + 16);
    if (format_ == ArchiveFormat::kUnknown) DetectFormat();

    const uint64_t at = Abs(pos_);
    size_t header_len = 0;
    if (HeaderAt(at, /*strict=*/false, &header_len, &current_)) {
      const uint64_t parsed_generation = generation_;
      int arc_version = arc_version_;
      if (format_ == ArchiveFormat::kArc && current_.record.type == "warcinfo") {
        // The filedesc body says which ARC version the file uses ("1 ..." or
        // "2 ..."); it applies to the records after this one.
        EnsureUpTo(at + header_len + 2);
        if (View(at + header_len, std::min(BufEnd(), at + header_len + 2)) == "2 ") arc_version = 2;
      }
      have_record_ = true;
      const Record* record = BuildRecord(at, header_len, parsed_generation);
      arc_version_ = arc_version;
      return record;
    }
    std::string_view reason;
    if (header_cut_) {
      reason = "record_truncated";
    } else if (records_ == 0 && at == segment_start_) {
      reason = "no_record_at_start";
    } else {
      reason = format_ == ArchiveFormat::kArc ? "arc_bad_header" : "junk_between_records";
    }
    Resync(at + 1, reason);
  }
}

}  // namespace stocktake::crawler
