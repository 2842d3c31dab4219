// Test-only compressors, to build fixtures from the real corpus files at test
// time (per-record gzip members, zstd frames with a dictionary, LZ4 frames,
// bzip2 streams) instead of checking binary fixtures into the repository.
#ifndef STOCKTAKE_TESTS_COMPRESS_H_
#define STOCKTAKE_TESTS_COMPRESS_H_

#include <string>
#include <string_view>

namespace stocktake::testing {

std::string GzipMember(std::string_view data, int level = 6);
std::string ZstdFrame(std::string_view data, std::string_view dictionary = {});
// The warc-zstd dictionary frame: skippable frame 0x184D2A5D holding `dict`.
std::string ZstdDictionaryFrame(std::string_view dict);
std::string Lz4Frame(std::string_view data);
std::string Bzip2Stream(std::string_view data);

}  // namespace stocktake::testing

#endif  // STOCKTAKE_TESTS_COMPRESS_H_
