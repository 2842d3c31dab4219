#include "stats/tokenizer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/hash.h"
#include "test_support/test_support.h"

namespace stocktake::stats {
namespace {

std::shared_ptr<const Encoding> Load(const std::string& name) {
  auto encoding = Encoding::Builtin(name);
  EXPECT_TRUE(encoding.ok()) << encoding.status().message();
  return *encoding;
}

// tiktoken's merge loop as written in its Rust core, O(n^2): the reference
// the fast paths are checked against.
size_t ReferenceCount(const Encoding& encoding, std::string_view piece) {
  if (encoding.Rank(piece) != Encoding::kNoRank) return 1;
  std::vector<size_t> starts;
  for (size_t i = 0; i <= piece.size(); ++i) starts.push_back(i);
  for (;;) {
    uint32_t best = Encoding::kNoRank;
    size_t at = 0;
    for (size_t k = 0; k + 2 < starts.size(); ++k) {
      uint32_t r = encoding.Rank(piece.substr(starts[k], starts[k + 2] - starts[k]));
      if (r < best) {
        best = r;
        at = k;
      }
    }
    if (best == Encoding::kNoRank) break;
    starts.erase(starts.begin() + static_cast<long>(at) + 1);
  }
  return starts.size() - 1;
}

TEST(TokenizerTest, BuiltinsLoadWithTheirPublishedDigests) {
  struct Want {
    const char* name;
    size_t vocabulary;
    const char* sha256;
  };
  for (const Want& want : {Want{"cl100k_base", 100256, "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"},
                           Want{"o200k_base", 199998, "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"},
                           Want{"r50k_base", 50256, "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"}}) {
    auto encoding = Load(want.name);
    EXPECT_EQ(encoding->vocabulary_size(), want.vocabulary) << want.name;
    EXPECT_EQ(encoding->sha256(), want.sha256) << want.name;
    // The embedded bytes are the shared rank files.
    EXPECT_EQ(Sha256Hex(stocktake::testing::ReadFile(stocktake::testing::SharedPath(std::string("tokenizers/") + want.name +
                                                                         ".tiktoken"))),
              want.sha256);
  }
  EXPECT_EQ(Load("gpt2")->name(), "r50k_base");
  EXPECT_FALSE(Encoding::Builtin("p50k_base").ok());
}

TEST(TokenizerTest, KnownIds) {
  // Ids printed by the npm tiktoken package (encode_ordinary).
  const std::string text = "I don't LIKE 12345 <|endoftext|>";
  EXPECT_EQ(Load("cl100k_base")->Encode("hello world"), (std::vector<uint32_t>{15339, 1917}));
  EXPECT_EQ(Load("o200k_base")->Encode("hello world"), (std::vector<uint32_t>{24912, 2375}));
  EXPECT_EQ(Load("r50k_base")->Encode("hello world"), (std::vector<uint32_t>{31373, 995}));
  EXPECT_EQ(Load("cl100k_base")->Encode(text),
            (std::vector<uint32_t>{40, 1541, 956, 21170, 220, 4513, 1774, 83739, 8862, 728, 428, 91, 29}));
  EXPECT_EQ(Load("o200k_base")->Encode(text),
            (std::vector<uint32_t>{40, 4128, 40213, 220, 7633, 2548, 464, 91, 419, 1440, 919, 91, 29}));
  EXPECT_EQ(Load("r50k_base")->Encode(text),
            (std::vector<uint32_t>{40, 836, 470, 34178, 17031, 2231, 1279, 91, 437, 1659, 5239, 91, 29}));
}

// The committed fixture: real pages from ../shared/corpus and hand-made edge
// cases with counts from the official tiktoken (scripts/gen-token-fixtures).
TEST(TokenizerTest, CountsEqualTiktokenOnTheFixture) {
  const std::vector<std::string> names = {"cl100k_base", "o200k_base", "r50k_base"};
  std::map<std::string, std::shared_ptr<const Encoding>> encodings;
  for (const auto& name : names) encodings[name] = Load(name);
  simdjson::dom::parser parser;
  std::vector<std::string> texts;
  for (simdjson::dom::element line : parser.load_many(stocktake::testing::SourcePath("tests/stats/tokens/texts.jsonl"))) {
    texts.emplace_back(std::string_view(line["text"]));
  }
  simdjson::dom::parser expected_parser;
  size_t row = 0, checked = 0;
  TokenScratch scratch;
  for (simdjson::dom::element line :
       expected_parser.load_many(stocktake::testing::SourcePath("tests/stats/tokens/expected.jsonl"))) {
    if (row++ == 0) {
      EXPECT_EQ(uint64_t(line["texts"]), texts.size());
      continue;
    }
    const std::string& text = texts.at(row - 2);
    std::string_view name = line["name"];
    EXPECT_EQ(uint64_t(line["bytes"]), text.size()) << name;
    for (const auto& encoding_name : names) {
      const Encoding& encoding = *encodings[encoding_name];
      uint64_t want = line[encoding_name];
      EXPECT_EQ(encoding.Count(text, &scratch), want) << encoding_name << " " << name;
      EXPECT_EQ(encoding.Encode(text).size(), want) << encoding_name << " " << name;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 3 * texts.size());
  EXPECT_GT(texts.size(), 200u);
}

TEST(TokenizerTest, LongPiecesMergeAsTiktokensLoopDoes) {
  // Pieces longer than kShortPiece go through the segment tree; each is
  // checked against the quadratic reference, on repetitive and varied bytes.
  auto encoding = Load("cl100k_base");
  TokenScratch scratch;
  std::vector<std::string> pieces = {
      std::string(49, 'a'), std::string(300, 'z'), "Pneumonoultramicroscopicsilicovolcanoconiosis" "Supercalifragilistic",
      "我们的目标是测量网络上有多少可用的文本并且每一个数字都可以追溯我们的目标是测量",
      "ÀÉÎÕÜàéîõüÀÉÎÕÜàéîõüÀÉÎÕÜàéîõüÀÉÎÕÜàéîõüÀÉÎÕÜàéîõü"};
  std::string varied;
  for (int i = 0; i < 400; ++i) varied += static_cast<char>('a' + (i * 7 + i / 13) % 26);
  pieces.push_back(varied);
  for (const std::string& piece : pieces) {
    ASSERT_GT(piece.size(), Encoding::kShortPiece);
    EXPECT_EQ(encoding->Count(piece, &scratch), ReferenceCount(*encoding, piece)) << piece.substr(0, 20);
  }
  // Short pieces too (the stack loop).
  for (const char* piece : {"Supercalifragi", "antidisestablishment", "ÀÉÎÕÜàéîõü", "qzxqzxqzxqzx"}) {
    EXPECT_EQ(encoding->Count(piece, &scratch), ReferenceCount(*encoding, piece)) << piece;
  }
}

TEST(TokenizerTest, CachedPiecesCountAsUncachedOnes) {
  // Pieces of every length around the two caches' limits (16 and 48 bytes),
  // each counted twice through one scratch (the second time from a cache),
  // against the reference; then many distinct pieces of one length, so that
  // different pieces land in the same slots and replace each other.
  auto encoding = Load("cl100k_base");
  TokenScratch scratch;
  const std::string letters = "qwertyuiopasdfghjklzxcvbnmQWERTYUIOPASDFGHJKLZXCVBNMpoiuytrewq";
  for (size_t length = 14; length <= 51; ++length) {
    const std::string piece = letters.substr(0, length);
    const size_t expected = ReferenceCount(*encoding, piece);
    EXPECT_EQ(encoding->Count(piece, &scratch), expected) << length;
    EXPECT_EQ(encoding->Count(piece, &scratch), expected) << length;
  }
  std::mt19937 rng(3);
  for (size_t length : {17u, 33u, 48u}) {
    std::vector<std::string> pieces;
    for (int k = 0; k < 6000; ++k) {
      std::string piece;
      for (size_t i = 0; i < length; ++i) piece += static_cast<char>('a' + rng() % 26);
      pieces.push_back(piece);
    }
    std::vector<uint64_t> first;
    for (const std::string& piece : pieces) first.push_back(encoding->Count(piece, &scratch));
    for (size_t k = 0; k < pieces.size(); k += 97) {
      ASSERT_EQ(first[k], ReferenceCount(*encoding, pieces[k])) << pieces[k];
      ASSERT_EQ(encoding->Count(pieces[k], &scratch), first[k]) << pieces[k];
    }
  }
}

TEST(TokenizerTest, TenMegabyteWordIsNotQuadratic) {
  // One piece of 10 MB: tiktoken's loop would take hours. The ids must
  // spell the input back.
  std::string word;
  word.reserve(10 << 20);
  for (size_t i = 0; word.size() < (10u << 20); ++i) word += static_cast<char>('a' + (i * 31 + i / 7) % 26);
  auto encoding = Load("r50k_base");
  TokenScratch scratch;
  uint64_t count = encoding->Count(word, &scratch);
  std::vector<uint32_t> ids = encoding->Encode(word);
  EXPECT_EQ(ids.size(), count);
  EXPECT_GT(count, word.size() / 10);
  EXPECT_LT(count, word.size() * 3 / 4);
  EXPECT_EQ(encoding->Decode(ids), word);
  EXPECT_TRUE(scratch.tree.empty()) << "scratch for a huge piece is released";
}

TEST(TokenizerTest, EmptyAndTinyTexts) {
  auto encoding = Load("o200k_base");
  TokenScratch scratch;
  EXPECT_EQ(encoding->Count("", &scratch), 0u);
  EXPECT_EQ(encoding->Count("a", &scratch), 1u);
  EXPECT_EQ(encoding->Count(std::string_view("\0", 1), &scratch), 1u);
  // Invalid UTF-8 still counts (bytes are symbols); tiktoken never sees it.
  EXPECT_GT(encoding->Count("\xff\xfe\x80 abc", &scratch), 0u);
}

std::string Base64(std::string_view bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// The rank table keeps a token's first eight bytes in its slot: tokens that
// share them, or differ only in trailing zero bytes, or in length, must
// still be told apart, at every length around the eight.
TEST(TokenizerTest, TokensSharingTheirFirstBytesAreToldApart) {
  std::string file;
  for (int b = 0; b < 256; ++b) file += Base64(std::string(1, static_cast<char>(b))) + " " + std::to_string(b) + "\n";
  std::vector<std::string> tokens;
  const std::string letters = "abcdefghijklmnopqrstu";
  for (size_t length = 2; length <= 20; ++length) {
    tokens.push_back(letters.substr(0, length));
    tokens.push_back(letters.substr(0, length - 1) + 'z');
    tokens.push_back(letters.substr(0, length - 1) + std::string(1, '\0'));
  }
  uint32_t rank = 256;
  for (const std::string& token : tokens) file += Base64(token) + " " + std::to_string(rank++) + "\n";
  auto encoding = Encoding::FromBytes("heads", file, SplitPattern::kR50k);
  ASSERT_TRUE(encoding.ok()) << encoding.status().message();
  for (size_t k = 0; k < tokens.size(); ++k) {
    EXPECT_EQ((*encoding)->Rank(tokens[k]), 256 + k) << k;
    EXPECT_EQ((*encoding)->Decode({static_cast<uint32_t>(256 + k)}), tokens[k]);
  }
  EXPECT_EQ((*encoding)->Rank(letters.substr(0, 9) + 'y'), Encoding::kNoRank);
  EXPECT_EQ((*encoding)->Rank(std::string("abc\0\0", 5)), Encoding::kNoRank);
  EXPECT_EQ((*encoding)->Rank(letters), Encoding::kNoRank);
  EXPECT_EQ((*encoding)->Rank("a"), 'a');
  EXPECT_EQ((*encoding)->Rank(std::string(1, '\0')), 0u);
  // Merging reaches the longest token from its bytes.
  TokenScratch scratch;
  EXPECT_EQ((*encoding)->Count(letters.substr(0, 20), &scratch), 1u);
  EXPECT_EQ((*encoding)->Count(letters.substr(0, 19) + 'z', &scratch), 1u);
}

TEST(TokenizerTest, RankFilesAreValidated) {
  std::string base;
  for (int b = 0; b < 256; ++b) {
    std::string one(1, static_cast<char>(b));
    static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned v = static_cast<unsigned char>(one[0]);
    base += std::string{kAlphabet[v >> 2], kAlphabet[(v & 3) << 4], '=', '='} + " " + std::to_string(b) + "\n";
  }
  auto tiny = Encoding::FromBytes("tiny", base + "YWI= 256\n", SplitPattern::kR50k);
  ASSERT_TRUE(tiny.ok()) << tiny.status().message();
  TokenScratch scratch;
  EXPECT_EQ((*tiny)->Count("ab", &scratch), 1u);
  EXPECT_EQ((*tiny)->Count("abc", &scratch), 2u);
  EXPECT_EQ((*tiny)->Count("ba", &scratch), 2u);

  EXPECT_FALSE(Encoding::FromBytes("x", base + "not base64! 300\n", SplitPattern::kR50k).ok());
  EXPECT_FALSE(Encoding::FromBytes("x", base + "YWI= \n", SplitPattern::kR50k).ok());
  EXPECT_FALSE(Encoding::FromBytes("x", base + "YWI= 256\nYWI= 257\n", SplitPattern::kR50k).ok());
  EXPECT_FALSE(Encoding::FromBytes("x", "YWI= 256\n", SplitPattern::kR50k).ok()) << "single bytes missing";
  EXPECT_FALSE(Encoding::FromBytes("x", "", SplitPattern::kR50k).ok());
  auto twice = Encoding::FromBytes("x", base + "YWI= 256\nYWJj 256\n", SplitPattern::kR50k);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("rank 256 is given to two tokens"), std::string::npos);
  // A repeated token longer than the slots' eight inline bytes.
  auto long_repeat =
      Encoding::FromBytes("x", base + "YWJjZGVmZ2hpams= 256\nYWJjZGVmZ2hpams= 257\n", SplitPattern::kR50k);
  ASSERT_FALSE(long_repeat.ok());
  EXPECT_NE(long_repeat.status().message().find("repeats the token of rank 256"), std::string::npos);

  stocktake::testing::TempDir dir;
  const std::string path = dir.File("tiny.tiktoken");
  stocktake::testing::WriteFile(path, base + "YWI= 256\n");
  auto from_file = Encoding::FromFile(path, SplitPattern::kCl100k);
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ((*from_file)->sha256(), Sha256Hex(base + "YWI= 256\n"));
  auto wrong = Encoding::FromFile(path, SplitPattern::kCl100k, std::string(64, '0'));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("SHA-256"), std::string::npos);
  EXPECT_FALSE(Encoding::FromFile(path + ".missing", SplitPattern::kCl100k).ok());
}

}  // namespace
}  // namespace stocktake::stats
