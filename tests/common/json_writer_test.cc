#include "common/json_writer.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

TEST(JsonWriterTest, CompactNesting) {
  std::string out;
  JsonWriter w(&out);
  Counts c;
  c.Add("b", 2);
  c.Add("a", 1);
  w.BeginObject().Field("n", uint64_t{3}).Field("neg", int64_t{-4}).Field("ok", true);
  w.Key("list").BeginArray().String("x").Null().Double(0.5).EndArray();
  w.Field("counts", c).Key("empty").BeginObject().EndObject();
  w.EndObject();
  EXPECT_EQ(out, R"({"n":3,"neg":-4,"ok":true,"list":["x",null,0.5],"counts":{"a":1,"b":2},"empty":{}})");
}

TEST(JsonWriterTest, PrettyPrinting) {
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject().Field("a", 1).Key("b").BeginArray().Int(1).Int(2).EndArray().EndObject();
  EXPECT_EQ(out, "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}");
}

TEST(JsonWriterTest, EscapesAndRepairsStrings) {
  std::string out;
  AppendJsonString(&out, "q\"b\\n\n\t\x01 é");
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\n\\t\\u0001 é\"");
  out.clear();
  // Invalid UTF-8 (a lone continuation byte, a truncated sequence, an
  // overlong form) becomes U+FFFD so the output stays valid JSON.
  AppendJsonString(&out, std::string("a\x80" "b\xE2\x82" "c\xC0\xAF", 8));
  EXPECT_EQ(out, "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonWriterTest, NonFiniteDoublesAreNull) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray().Double(1.0 / 0.0).Double(0.1).EndArray();
  EXPECT_EQ(out, "[null,0.1]");
}

}  // namespace
}  // namespace stocktake
