// DecodedStream: compression detection, member bookkeeping and recovery.
//
// The loop is a small state machine over "between members" and "inside a
// member". Between members it expects the format's magic; anything else is
// trailing garbage and is skipped to the next magic. Inside a member it feeds
// the decoder until the member ends, the caller's buffer is full, or the data
// is corrupt. After corruption it searches for the next magic; members found
// that way are "guesses" until one decodes to its end, and failures of guessed
// members are not counted again (a false magic inside compressed data must not
// inflate the error counts).
//
// Uncompressed input skips all of this and is read straight into the caller's
// buffer: no copy beyond the one read(2) makes.
#include "common/decoded_stream.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace stocktake {

namespace {
constexpr uint32_t kZstdDictionaryFrameMagic = 0x184D2A5D;
constexpr size_t kRewindWindow = 256u << 10;

uint32_t LoadLe32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
}  // namespace

DecodedStream::DecodedStream(std::unique_ptr<ByteSource> source, DecodedStreamOptions options)
    : source_(std::move(source)), options_(options), in_(options.input_chunk_bytes) {}

DecodedStream::~DecodedStream() = default;

void DecodedStream::CountError(std::string_view what) {
  errors_.Add(fmt::format("{}_{}", CompressionName(compression_), what));
}

void DecodedStream::FillInput(size_t want) {
  if (InputAvailable() >= want || source_eof_) return;
  const size_t chunk = options_.input_chunk_bytes;
  if (in_.size() - in_end_ < chunk) {
    // Compact, keeping the current member's first bytes if they are near:
    // after corrupt data the search for the next member restarts just past
    // the member start, because decoders (isa-l especially) consume input
    // well beyond the damage.
    size_t keep = in_pos_;
    if (in_member_ && !members_.empty() && members_.back().compressed_start >= in_file_offset_) {
      size_t member_index = static_cast<size_t>(members_.back().compressed_start - in_file_offset_);
      if (in_pos_ - member_index <= kRewindWindow) keep = member_index;
    }
    if (keep > 0) {
      std::memmove(in_.data(), in_.data() + keep, in_end_ - keep);
      in_file_offset_ += keep;
      in_pos_ -= keep;
      in_end_ -= keep;
    }
  }
  // Room for what is wanted and at least one more chunk: reads stay large.
  size_t target = std::max(in_pos_ + want, in_end_ + chunk);
  if (in_.size() < target) in_.resize(target);
  while (!source_eof_ && in_end_ < in_.size()) {
    auto got = source_->Read(in_.data() + in_end_, in_.size() - in_end_);
    if (!got.ok()) {
      io_status_ = got.status();
      errors_.Add("read_error");
      source_eof_ = true;
      break;
    }
    if (*got == 0) {
      source_eof_ = true;
      break;
    }
    in_end_ += *got;
    source_bytes_read_ += *got;
    if (InputAvailable() >= want) break;
  }
}

bool DecodedStream::ReadZstdDictionary(std::string* dictionary) {
  FillInput(8);
  if (InputAvailable() < 8) return false;
  const uint8_t* p = in_.data() + in_pos_;
  if (LoadLe32(p) != kZstdDictionaryFrameMagic) return false;
  size_t size = LoadLe32(p + 4);
  if (size > options_.max_zstd_dictionary_bytes) {
    CountError("dictionary_too_large");
    return false;  // the decoder skips the frame like any skippable frame
  }
  FillInput(8 + size);
  if (InputAvailable() < 8 + size) {
    CountError("truncated");
    return false;
  }
  std::string_view raw(reinterpret_cast<const char*>(in_.data() + in_pos_ + 8), size);
  in_pos_ += 8 + size;
  if (DetectCompression(raw) == Compression::kZstd && raw.size() >= 4 &&
      static_cast<uint8_t>(raw[0]) == 0x28) {
    // The dictionary itself is zstd-compressed (allowed by the warc-zstd spec).
    unsigned long long content = ZSTD_getFrameContentSize(raw.data(), raw.size());
    if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN ||
        content > options_.max_zstd_dictionary_bytes) {
      CountError("bad_dictionary");
      return true;
    }
    dictionary->resize(content);
    size_t rc = ZSTD_decompress(dictionary->data(), dictionary->size(), raw.data(), raw.size());
    if (ZSTD_isError(rc)) {
      CountError("bad_dictionary");
      dictionary->clear();
      return true;
    }
    dictionary->resize(rc);
  } else {
    dictionary->assign(raw);
  }
  return true;
}

void DecodedStream::Start() {
  started_ = true;
  FillInput(4);
  std::string_view head(reinterpret_cast<const char*>(in_.data() + in_pos_), std::min<size_t>(InputAvailable(), 4));
  compression_ = DetectCompression(head);
  if (compression_ == Compression::kNone) return;
  std::string dictionary;
  if (compression_ == Compression::kZstd) ReadZstdDictionary(&dictionary);
  decoder_ = MakeStreamDecoder(compression_, options_.gzip_engine, dictionary);
}

bool DecodedStream::SkipToNextMagic(size_t from) {
  std::string_view magic = MemberMagic(compression_);
  uint64_t from_file = in_file_offset_ + from;
  for (;;) {
    size_t pos = static_cast<size_t>(std::max<uint64_t>(from_file, InputFileOffset()) - in_file_offset_);
    if (pos < in_end_) {
      const void* hit = memmem(in_.data() + pos, in_end_ - pos, magic.data(), magic.size());
      if (hit != nullptr) {
        size_t at = static_cast<const uint8_t*>(hit) - in_.data();
        skipped_compressed_ += at - in_pos_;
        in_pos_ = at;
        return true;
      }
    }
    // Keep the last bytes: a magic may straddle the refill.
    size_t keep = std::max(pos, in_end_ >= magic.size() ? in_end_ - (magic.size() - 1) : in_pos_);
    keep = std::max(keep, in_pos_);
    if (source_eof_) keep = in_end_;
    skipped_compressed_ += keep - in_pos_;
    in_pos_ = keep;
    if (source_eof_) return false;
    from_file = InputFileOffset();
    FillInput(InputAvailable() + 1);
  }
}

DecodedStream::ReadResult DecodedStream::Read(uint8_t* out, size_t n) {
  if (!started_) Start();
  ReadResult result;
  if (ended_) {
    result.segment_end = result.stream_end = true;
    return result;
  }

  if (compression_ == Compression::kNone) {
    // Serve what detection buffered, then read straight into the caller's memory.
    size_t produced = std::min(n, InputAvailable());
    std::memcpy(out, in_.data() + in_pos_, produced);
    in_pos_ += produced;
    if (produced < n && !source_eof_) {
      // One read per call keeps latency low for streaming sources.
      auto got = source_->Read(out + produced, n - produced);
      if (!got.ok()) {
        io_status_ = got.status();
        errors_.Add("read_error");
        source_eof_ = true;
      } else if (*got == 0) {
        source_eof_ = true;
      } else {
        produced += *got;
        source_bytes_read_ += *got;
      }
    }
    decoded_total_ += produced;
    result.size = produced;
    if (produced == 0 && source_eof_ && InputAvailable() == 0) {
      ended_ = true;
      result.segment_end = result.stream_end = true;
    }
    return result;
  }

  const std::string_view magic = MemberMagic(compression_);
  size_t produced = 0;
  while (produced < n) {
    if (!in_member_) {
      FillInput(magic.size());
      if (InputAvailable() == 0) {
        ended_ = true;
        result.segment_end = result.stream_end = true;
        break;
      }
      if (InputAvailable() < magic.size() ||
          std::memcmp(in_.data() + in_pos_, magic.data(), magic.size()) != 0) {
        // Bytes after a member that do not start another one.
        if (!resyncing_) CountError("trailing_garbage");
        resyncing_ = true;
        bool found = SkipToNextMagic(in_pos_ + 1);
        result.segment_end = true;
        if (!found) {
          ended_ = true;
          result.stream_end = true;
        }
        break;
      }
      in_member_ = true;
      member_produced_ = false;
      members_.push_back(Member{decoded_total_, InputFileOffset()});
      ++member_count_;
    }

    const uint64_t member_start_file = members_.back().compressed_start;
    StreamDecoder::Step step =
        decoder_->Decode(in_.data() + in_pos_, InputAvailable(), out + produced, n - produced);
    in_pos_ += step.consumed;
    produced += step.produced;
    decoded_total_ += step.produced;
    if (step.produced > 0) member_produced_ = true;

    if (step.event == StreamDecoder::Event::kMemberEnd) {
      in_member_ = false;
      resyncing_ = false;
      continue;
    }
    if (step.event == StreamDecoder::Event::kError) {
      if (!resyncing_) CountError("corrupt");
      resyncing_ = true;
      decoder_->Reset();
      in_member_ = false;
      if (!member_produced_) members_.pop_back();
      // Rewind to just past the member start if the buffer still holds it.
      uint64_t from_file = std::max<uint64_t>(in_file_offset_, member_start_file + 1);
      in_pos_ = static_cast<size_t>(std::min<uint64_t>(from_file - in_file_offset_, in_end_));
      bool found = SkipToNextMagic(in_pos_);
      result.segment_end = true;
      if (!found) {
        ended_ = true;
        result.stream_end = true;
      }
      break;
    }
    if (step.consumed == 0 && step.produced == 0) {
      size_t before = InputAvailable();
      FillInput(before + 1);
      if (InputAvailable() == before) {
        // The file ends inside a member.
        if (!resyncing_) CountError("truncated");
        ended_ = true;
        result.segment_end = result.stream_end = true;
        break;
      }
    }
  }
  result.size = produced;
  return result;
}

uint64_t DecodedStream::ContainerOffsetOf(uint64_t decoded_offset) const {
  if (compression_ == Compression::kNone || members_.empty()) return decoded_offset;
  auto it = std::upper_bound(members_.begin(), members_.end(), decoded_offset,
                             [](uint64_t off, const Member& m) { return off < m.decoded_start; });
  if (it == members_.begin()) return members_.front().compressed_start;
  return std::prev(it)->compressed_start;
}

void DecodedStream::ForgetBefore(uint64_t decoded_offset) {
  while (members_.size() >= 2 && members_[1].decoded_start <= decoded_offset) members_.pop_front();
}

}  // namespace stocktake
