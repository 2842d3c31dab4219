// JsonWriter: a small streaming JSON writer with deterministic output.
//
// Appends to a caller-owned std::string. Commas and (optionally) indentation
// are handled by the writer; keys are written in the order the caller gives,
// so output is byte-identical for identical call sequences. Strings are
// escaped per RFC 8259; bytes that are not valid UTF-8 become U+FFFD so the
// output is always valid JSON. Doubles use the shortest round-trip form.
// Not thread-safe; one writer per output.
#ifndef STOCKTAKE_COMMON_JSON_WRITER_H_
#define STOCKTAKE_COMMON_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/counts.h"

namespace stocktake {

class JsonWriter {
 public:
  // indent = 0 writes everything on one line (JSON Lines); > 0 pretty-prints.
  explicit JsonWriter(std::string* out, int indent = 0) : out_(out), indent_(indent) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& UInt(uint64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value given as JSON text, written as it is: the caller guarantees it
  // is one valid JSON value.
  JsonWriter& Raw(std::string_view json);

  // Writes a Counts as an object {key: count, ...} in key order.
  JsonWriter& CountsObject(const Counts& counts);

  // Key + value shorthands.
  JsonWriter& Field(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, uint64_t value) { return Key(key).UInt(value); }
  JsonWriter& Field(std::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, double value) { return Key(key).Double(value); }
  JsonWriter& Field(std::string_view key, bool value) { return Key(key).Bool(value); }
  JsonWriter& Field(std::string_view key, const Counts& value) { return Key(key).CountsObject(value); }

 private:
  void BeforeValue();
  JsonWriter& Close(char bracket);
  void Newline();

  std::string* out_;
  int indent_;
  // One entry per open container: true once it holds an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// Appends `value` to `out` as a JSON string literal (with quotes).
void AppendJsonString(std::string* out, std::string_view value);

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_JSON_WRITER_H_
