#include "crawler/jsonl.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support/compress.h"

namespace stocktake::crawler {
namespace {

TEST(JsonlTest, DetectsJsonlFromTheFirstBytes) {
  EXPECT_TRUE(LooksLikeJsonl("{\"text\": \"a\"}\n"));
  EXPECT_TRUE(LooksLikeJsonl("\xEF\xBB\xBF \r\n\t{"));
  EXPECT_FALSE(LooksLikeJsonl("WARC/1.0\r\n"));
  EXPECT_FALSE(LooksLikeJsonl("http://example.com/ 1.2.3.4 20080430204825 text/html 123\n"));
  EXPECT_FALSE(LooksLikeJsonl("[1, 2]"));
  EXPECT_FALSE(LooksLikeJsonl("   "));
  EXPECT_FALSE(LooksLikeJsonl(""));
}

TEST(JsonlTest, ReadsTheDatatroveAndDolmaLayout) {
  JsonlParser parser;
  JsonlDocument d;
  EXPECT_EQ(parser.Parse(R"({"text": "caf\u00e9 \"x\"\n2", "id": "doc-1", "metadata": {"url": "http://a.example/", "language": "fr",)"
                         R"( "date": "2024-01-01", "extra": [1, {"b": null}], "language_score": 0.75}, "source": "cc"})",
                         &d),
            "");
  EXPECT_EQ(d.text, "caf\xC3\xA9 \"x\"\n2");
  EXPECT_EQ(d.id, "doc-1");
  EXPECT_EQ(d.url, "http://a.example/");
  EXPECT_EQ(d.language, "fr");
  EXPECT_DOUBLE_EQ(d.language_score, 0.75);
  EXPECT_EQ(d.language_source, "");
  // The id and metadata as they are in the line.
  EXPECT_EQ(d.id_json, "\"doc-1\"");
  EXPECT_EQ(d.metadata_json, R"({"url": "http://a.example/", "language": "fr", "date": "2024-01-01", "extra": [1, {"b": null}], "language_score": 0.75})");
  // Numeric ids as written (also beyond 64 bits); no metadata at all.
  EXPECT_EQ(parser.Parse(R"({"id": 123456789012345678901234567890, "text": "t"}  )", &d), "");
  EXPECT_EQ(d.id, "123456789012345678901234567890");
  EXPECT_EQ(d.id_json, "123456789012345678901234567890");
  EXPECT_EQ(d.metadata_json, "");
  EXPECT_EQ(d.url, "");
  EXPECT_DOUBLE_EQ(d.language_score, -1);
  // CJK and right-to-left text, a trailing CR.
  EXPECT_EQ(parser.Parse("{\"text\": \"\xE6\x97\xA5\xE6\x9C\xAC \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\"}\r", &d), "");
  EXPECT_EQ(d.text, "\xE6\x97\xA5\xE6\x9C\xAC \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D");
}

TEST(JsonlTest, BadLinesHaveNamedReasons) {
  JsonlParser parser;
  JsonlDocument d;
  EXPECT_EQ(parser.Parse("", &d), "jsonl_blank_line");
  EXPECT_EQ(parser.Parse(" \t\r", &d), "jsonl_blank_line");
  const std::vector<std::string> invalid = {
      "{\"text\": \"a\"",                    // unterminated object
      "{\"text\": \"a}",                     // unterminated string
      "[\"text\"]",                          // not an object
      "\"text\"",                            // a scalar
      "{\"text\": \"a\"} {\"text\": \"b\"}",  // two values
      "{\"text\": \"a\"} x",                 // trailing garbage
      "{\"text\": \"a\", \"n\": tru}",        // bad atom in a skipped field
      "{\"text\": \"a\", \"n\": 01}",         // bad number in a skipped field
      "{\"text\": \"a\", \"m\": {\"x\": [1,]}}",  // bad array inside a skipped object
      "{\"text\": \"\xC3\x28\"}",            // invalid UTF-8
      "{\"text\": \"a\\q\"}",                // bad escape in the text
      "{text: \"a\"}",                       // unquoted key
  };
  for (const std::string& line : invalid) EXPECT_EQ(parser.Parse(line, &d), "jsonl_invalid_json") << line;
  EXPECT_EQ(parser.Parse("{\"id\": 1}", &d), "jsonl_no_text");
  EXPECT_EQ(parser.Parse("{\"text\": 5}", &d), "jsonl_no_text");
  EXPECT_EQ(parser.Parse("{\"text\": null, \"id\": \"x\"}", &d), "jsonl_no_text");
  EXPECT_EQ(parser.Parse("{}", &d), "jsonl_no_text");
}

TEST(JsonlTest, FieldNamesAreConfigurable) {
  // RedPajama-style: raw_content, top-level url; a nested text field.
  JsonlParser flat(JsonlFields{"raw_content", "doc_id", "url"});
  JsonlDocument d;
  EXPECT_EQ(flat.Parse(R"({"raw_content": "body", "doc_id": "7", "url": "http://u/", "text": "not this"})", &d), "");
  EXPECT_EQ(d.text, "body");
  EXPECT_EQ(d.id, "7");
  EXPECT_EQ(d.url, "http://u/");
  JsonlParser nested(JsonlFields{"content.body", "meta.id", "meta.link"});
  EXPECT_EQ(nested.Parse(R"({"meta": {"link": "http://v/", "id": 9}, "content": {"title": "t", "body": "deep"}})", &d),
            "");
  EXPECT_EQ(d.text, "deep");
  EXPECT_EQ(d.id, "9");
  EXPECT_EQ(d.url, "http://v/");
  EXPECT_EQ(nested.Parse(R"({"text": "flat"})", &d), "jsonl_no_text");
}

std::vector<JsonlLineReader::Line> ReadAll(const std::string& bytes, size_t max_line, std::vector<std::string>* texts) {
  JsonlLineReader reader(std::make_unique<MemorySource>(bytes), max_line);
  std::vector<JsonlLineReader::Line> lines;
  JsonlLineReader::Line line;
  while (reader.Next(&line)) {
    lines.push_back(line);
    texts->emplace_back(line.text);
  }
  return lines;
}

TEST(JsonlTest, LineReaderNumbersLinesAndSkipsLongOnes) {
  std::string input = "{\"a\":1}\n\n" + std::string(5000, 'x') + "\n{\"b\":2}\n" + std::string(3000, 'y');
  std::vector<std::string> texts;
  auto lines = ReadAll(input, 1000, &texts);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(texts[0], "{\"a\":1}");
  EXPECT_EQ(lines[0].number, 1u);
  EXPECT_EQ(texts[1], "");
  EXPECT_FALSE(lines[1].too_long);
  EXPECT_TRUE(lines[2].too_long);
  EXPECT_EQ(texts[2], "");
  EXPECT_EQ(texts[3], "{\"b\":2}");
  EXPECT_EQ(lines[3].number, 4u);
  EXPECT_TRUE(lines[4].too_long);  // the last line, no final newline, too long
  // Lines longer than the read chunk (1 MiB) but within the limit arrive whole.
  const std::string big = "{\"text\":\"" + std::string(3u << 20, 'z') + "\"}";
  texts.clear();
  lines = ReadAll(big + "\n" + big, 8u << 20, &texts);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(texts[0], big);
  EXPECT_EQ(texts[1], big);
}

TEST(JsonlTest, LineReaderDecodesCompressedInputs) {
  const std::string plain = "{\"text\":\"one\"}\n{\"text\":\"two\"}\n";
  for (const std::string& bytes : {plain, testing::GzipMember(plain), testing::ZstdFrame(plain),
                                   testing::GzipMember(plain.substr(0, 10)) + testing::GzipMember(plain.substr(10))}) {
    std::vector<std::string> texts;
    ReadAll(bytes, 1000, &texts);
    ASSERT_EQ(texts.size(), 2u);
    EXPECT_EQ(texts[0], "{\"text\":\"one\"}");
    EXPECT_EQ(texts[1], "{\"text\":\"two\"}");
  }
}

}  // namespace
}  // namespace stocktake::crawler
