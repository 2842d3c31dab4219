# Every dependency comes from a Debian 12 package (scripts/install-deps) and is
# found here, by its CMake package where Debian ships one, else by pkg-config.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# Design-card libraries.
find_package(CURL REQUIRED)
find_package(simdjson REQUIRED)
find_package(zstd REQUIRED)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
find_package(ICU REQUIRED COMPONENTS uc i18n data)
find_package(TBB REQUIRED)
# SHA-256 of shipped data files (tokenizer rank files).
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

# Decompression. gzip goes through isa-l (fastest streaming inflate measured,
# docs/benchmarks.md) with zlib as the portable reference; libdeflate is
# measured in the benchmark next to both.
find_package(ZLIB REQUIRED)
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)
find_package(BZip2 REQUIRED)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(BROTLIDEC REQUIRED IMPORTED_TARGET libbrotlidec)

# Language id (CLD2; libcld2.so holds the full 160-language tables), the
# optional quality classifier (fastText), formatting, config, command line.
find_library(CLD2_LIBRARY NAMES cld2 REQUIRED)
find_path(CLD2_INCLUDE_DIR cld2/public/compact_lang_det.h REQUIRED)
find_library(FASTTEXT_LIBRARY NAMES fasttext REQUIRED)
find_path(FASTTEXT_INCLUDE_DIR fasttext/fasttext.h REQUIRED)
find_package(fmt REQUIRED)
find_package(tomlplusplus REQUIRED)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)

if(STOCKTAKE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(STOCKTAKE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
