// The safe JSON input layer (sim/json): file-size and nesting limits, duplicate keys, positioned
// syntax errors, and the typed accessors with their JSON paths. Expected positions and paths are
// worked out by hand from the literal inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "cli/cli_util.h"
#include "sim/error.h"
#include "sim/json/input_file.h"
#include "sim/json/parse.h"
#include "sim/json/suggest.h"
#include "sim/json/value.h"

namespace ngpc::json_input {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const JsonKind kPointerDoc{"test document", 1 << 20, PathStyle::kPointer, ""};
const JsonKind kDottedDoc{"test document", 1 << 20, PathStyle::kDotted, ""};

// Runs `f`, expects an InputError containing every one of `parts`; returns the message.
std::string error_of(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << p << " in: " << msg;
    return msg;
  }
  ADD_FAILURE() << "no InputError; expected one mentioning " << parts.front();
  return "";
}

std::string nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

// ---- files

TEST(JsonInputFile, MissingDirectoryAndTooLarge) {
  test::TempDir dir;
  error_of([&] { read_input_file((dir / "absent.json").string(), "config", 100); },
           {"absent.json: cannot read config: the file does not exist"});
  error_of([&] { read_input_file(dir.path().string(), "config", 100); },
           {"not a regular file (a directory)"});
  // Exactly at the limit is accepted; one byte more is refused from the size alone.
  const std::string ok = dir.write("ok.txt", std::string(100, 'x'));
  EXPECT_EQ(read_input_file(ok, "CSV", 100).size(), 100u);
  const std::string big = dir.write("big.txt", std::string(101, 'x'));
  error_of([&] { read_input_file(big, "CSV", 100, "export less"); },
           {big + ": CSV file is 101 bytes; the limit is 100 bytes (100 B", "; export less"});
  // A sparse 16 MiB + 1 file: refused without reading it.
  const std::string sparse = (dir / "sparse.json").string();
  test::write_text_file(sparse, "{");
  fs::resize_file(sparse, kMaxSmallFileBytes + 1);
  const JsonKind config{"config", kMaxSmallFileBytes, PathStyle::kDotted, ""};
  error_of([&] { read_json_file(sparse, config); },
           {"sparse.json: config file is 16777217 bytes; the limit is 16777216 bytes (16 MiB"});
}

TEST(JsonInputFile, ByteSizesInMessages) {
  EXPECT_EQ(byte_size_text(512ull << 20), "512 MiB");
  EXPECT_EQ(byte_size_text(16ull << 20), "16 MiB");
  EXPECT_EQ(byte_size_text(4ull << 30), "4 GiB");
  EXPECT_EQ(byte_size_text(1000), "1000 B");
  EXPECT_EQ(byte_size_text(1536), "1536 B");  // 1.5 KiB: not a whole number of KiB
}

// ---- parsing

TEST(JsonParse, NestingLimitIsCheckedBeforeParsing) {
  EXPECT_NO_THROW(parse_json(nested(kMaxDepth), "x", kPointerDoc));
  // The 65th '[' sits at byte 64: line 1, column 65.
  error_of([&] { parse_json(nested(kMaxDepth + 1), "deep.json", kPointerDoc); },
           {"deep.json: malformed test document: JSON nested deeper than 64 levels at line 1, "
            "column 65"});
  // What crashed nlohmann's recursive parser and destructor: 100 000 levels.
  error_of([&] { parse_json(nested(100000), "deep.json", kPointerDoc); }, {"nested deeper"});
  // Objects count too, across lines: {"a":{"a":...}} with each level on its own line.
  std::string objects;
  for (int i = 0; i < 70; ++i) objects += "{\"a\":\n";
  error_of([&] { parse_json(objects, "o.json", kPointerDoc); }, {"at line 65, column 1"});
  // Brackets inside strings (escaped quotes included) are text, not nesting.
  const std::string text = "{\"k\": \"" + nested(200) + " \\\" [[[\"}";
  EXPECT_EQ(parse_json(text, "s.json", kPointerDoc)["k"].get<std::string>().size(),
            406u);  // 400 brackets and ' " [[['
}

TEST(JsonParse, DuplicateKeysWithPathAndPosition) {
  error_of([&] { parse_json("{\"a\": 1, \"a\": 2}", "d.json", kPointerDoc); },
           {"d.json: /a: duplicate key \"a\" at line 1, column 10"});
  // Dotted paths for configs; the position is the second key's opening quote.
  error_of(
      [&] {
        parse_json("{\"cluster\": {\"batch_size\": 256,\n \"batch_size\": 512}}", "c.json",
                   kDottedDoc);
      },
      {"c.json: cluster.batch_size: duplicate key", "line 2, column 2"});
  // Inside arrays the path carries the element index.
  error_of([&] { parse_json("{\"f\": [{}, {\"k\": 1, \"k\": 1}]}", "t.json", kPointerDoc); },
           {"t.json: /f/1/k: duplicate key"});
  error_of([&] { parse_json("{\"f\": [{}, {\"k\": 1, \"k\": 1}]}", "t.json", kDottedDoc); },
           {"t.json: f[1].k: duplicate key"});
  // An escaped spelling of the same key is the same key.
  error_of([&] { parse_json("{\"ab\": 1, \"\\u0061b\": 2}", "e.json", kPointerDoc); },
           {"/ab: duplicate key"});
  // The same key in sibling and nested objects is fine.
  EXPECT_NO_THROW(parse_json("{\"a\": {\"a\": 1}, \"b\": {\"a\": [{\"a\": 1}, {\"a\": 2}]}}",
                             "ok.json", kPointerDoc));
  // A large object (hashed keys beyond 32): the duplicate at the end is still found.
  std::string many = "{";
  for (int i = 0; i < 100; ++i) many += "\"k" + std::to_string(i) + "\": 0, ";
  EXPECT_NO_THROW(parse_json(many + "\"last\": 0}", "m.json", kPointerDoc));
  error_of([&] { parse_json(many + "\"k7\": 1}", "m.json", kPointerDoc); }, {"/k7: duplicate key"});
}

TEST(JsonParse, SyntaxErrorsGiveLineColumnAndByte) {
  // Second line, 15th character: the second comma of ",,".
  error_of([&] { parse_json("{\"format\": \"x\",\n \"version\": 1,, }", "s.json", kPointerDoc); },
           {"s.json: malformed JSON at line 2, column 15 (byte 30)"});
  error_of([&] { parse_json("{\"a\": [1, 2", "t.json", kPointerDoc); },
           {"malformed JSON", "(is the file truncated?)"});
  error_of([&] { parse_json("", "e.json", kPointerDoc); }, {"malformed JSON at line 1, column 1"});
  error_of([&] { parse_json("{\"x\": NaN}", "n.json", kPointerDoc); }, {"malformed JSON"});
  // Invalid UTF-8 is a syntax error, not a crash.
  error_of([&] { parse_json("{\"x\": \"\xff\"}", "u.json", kPointerDoc); }, {"malformed JSON"});
}

TEST(JsonParse, NestingDepthOfBuiltValues) {
  EXPECT_EQ(nesting_depth(json(5)), 0);
  EXPECT_EQ(nesting_depth(json::array()), 1);
  EXPECT_EQ(nesting_depth(json::parse("{\"a\": [[1], {\"b\": {}}]}")), 4);
  json deep = json::array();
  for (int i = 0; i < 200; ++i) deep = json::array({deep});
  // Stops counting once past the limit.
  EXPECT_EQ(nesting_depth(deep, 64), 65);
}

TEST(JsonParse, LineColumn) {
  const std::string text = "ab\ncd\n\nx";
  EXPECT_EQ(line_column(text, 0), std::make_pair(size_t{1}, size_t{1}));
  EXPECT_EQ(line_column(text, 4), std::make_pair(size_t{2}, size_t{2}));
  EXPECT_EQ(line_column(text, 7), std::make_pair(size_t{4}, size_t{1}));
}

// ---- typed accessors

TEST(JsonValue, PathsInBothStylesAreBuiltOnlyWhenNeeded) {
  const json doc = json::parse(R"({"frames": [{"kernels": [{}, {"a/b~c": 1}]}]})");
  const Source src("t.json");
  const Value root(doc, src);
  const Value frames = root.get("frames");
  const Value f0 = frames.at(0);
  const Value ks = f0.get("kernels");
  const Value k1 = ks.at(1);
  EXPECT_EQ(k1.path(), "/frames/0/kernels/1");
  EXPECT_EQ(k1.get("a/b~c").path(), "/frames/0/kernels/1/a~1b~0c");  // RFC 6901 escapes
  error_of([&] { k1.get("queries"); },
           {"t.json: /frames/0/kernels/1/queries: missing required field"});
  error_of([&] { root.fail("bad"); }, {"t.json: /: bad"});

  const Source dotted("c.json", PathStyle::kDotted);
  const Value droot(doc, dotted);
  const Value dframes = droot.get("frames");
  const Value d0 = dframes.at(0);
  EXPECT_EQ(d0.get("kernels").path(), "frames[0].kernels");
  error_of([&] { droot.expected("an array"); }, {"c.json: (top level): expected an array, got {"});

  // A part of a document checked on its own keeps its place in the whole.
  const json models = json::parse(R"({"mlps": 3})");
  const Value part(models, src, "/models");
  error_of([&] { part.get("mlps").expect_array(0, 64, "a list of MLPs"); },
           {"t.json: /models/mlps: expected a list of MLPs, got 3"});
}

TEST(JsonValue, UnknownKeysSuggestTheClosest) {
  const json doc = json::parse(R"({"colums": 64})");
  const Source src("c.json", PathStyle::kDotted);
  const Value root(doc, src);
  error_of(
      [&] {
        root.expect_keys({"rows", "cols", "dataflow"});
      },
      {"c.json: colums: unknown key (did you mean 'cols'?); expected one of: rows, cols, "
       "dataflow"});
  // Nothing close: no suggestion.
  const std::string msg = error_of([&] { root.expect_keys({"x", "y"}); }, {"unknown key"});
  EXPECT_EQ(msg.find("did you mean"), std::string::npos) << msg;
  EXPECT_EQ(closest_name("scaling_factr", {"scaling_factor", "batch_size"}), "scaling_factor");
  EXPECT_EQ(closest_name("abc", {"xyz"}), "");
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(JsonValue, Integers) {
  const json doc =
      json::parse(R"({"n": 5, "neg": -5, "f": 1e18, "s": "16", "big": 18446744073709551615})");
  const Source src("i.json");
  const Value r(doc, src);
  EXPECT_EQ(r.get("n").integer(0, 10), 5u);
  EXPECT_EQ(r.get("big").integer(0, std::numeric_limits<uint64_t>::max()),
            std::numeric_limits<uint64_t>::max());
  error_of([&] { r.get("n").integer(6, 10, "frames"); },
           {"i.json: /n: expected an integer in [6, 10] (frames), got 5"});
  error_of([&] { r.get("neg").integer(0, 10); }, {"/neg", "got -5"});
  error_of([&] { r.get("f").integer(0, std::numeric_limits<uint64_t>::max()); },
           {"/f: expected an integer >= 0, got 1e+18"});
  error_of([&] { r.get("s").integer(0, 100); }, {"/s", "got \"16\""});
}

TEST(JsonValue, NumbersStringsFlagsChoices) {
  const json doc = json::parse(
      R"({"x": 0.5, "zero": 0, "name": "", "flag": "yes", "kind": "mpl", "other": "tensor"})");
  const Source src("v.json");
  const Value r(doc, src);
  EXPECT_DOUBLE_EQ(r.get("x").number(0, 1), 0.5);
  error_of([&] { r.get("zero").number(0, 1, "a share", true); },
           {"/zero: expected a number in (0, 1] (a share), got 0"});
  error_of([&] { r.get("x").number(1, std::numeric_limits<double>::max()); },
           {"expected a number >= 1, got 0.5"});
  EXPECT_EQ(r.get("name").string(), "");
  error_of([&] { r.get("name").nonempty_string("the kernel name"); },
           {"/name: expected the kernel name (a non-empty string), got \"\""});
  error_of([&] { r.get("flag").flag(); }, {"/flag: expected true or false, got \"yes\""});
  EXPECT_EQ(r.get("kind").choice({"encode", "mpl"}), "mpl");
  error_of(
      [&] {
        r.get("kind").choice({"encode", "mlp", "gpu"});
      },
      {"/kind: expected one of \"encode\", \"mlp\", \"gpu\", got \"mpl\" (did you mean "
       "\"mlp\"?)"});
  error_of(
      [&] {
        r.get("other").choice_index({"encode", "mlp"});
      },
      {"expected one of \"encode\", \"mlp\", got \"tensor\""});
  // NaN cannot be written in JSON but reaches the checks from documents built in code.
  const json nan = std::numeric_limits<double>::quiet_NaN();
  const Value v(nan, src);
  error_of([&] { v.number(0, 1e12); }, {"expected a number in [0, 1000000000000]"});
}

TEST(JsonValue, QuantitiesWithBounds) {
  const json doc =
      json::parse(R"({"c": "2 GiB", "z": "0 Hz", "n": 5, "u": "5 GHz", "ok": "1 MiB"})");
  const Source src("q.json", PathStyle::kDotted);
  const Value r(doc, src);
  EXPECT_EQ(r.get("ok").quantity(UnitFamily::kBytes, {true, nullptr, "1 GiB"}), 1048576.0);
  error_of(
      [&] {
        r.get("c").quantity(UnitFamily::kBytes, {true, nullptr, "1 GiB"});
      },
      {"q.json: c: expected a bytes quantity <= 1 GiB, got \"2 GiB\""});
  error_of(
      [&] {
        r.get("z").quantity(UnitFamily::kFrequency, {true, "1 MHz", "100 GHz"});
      },
      {"z: expected a quantity > 0, got \"0 Hz\""});
  error_of([&] { r.get("n").quantity(UnitFamily::kFrequency); },
           {"n: expected a string with a frequency unit", "got 5"});
  error_of([&] { r.get("u").quantity(UnitFamily::kBytes); }, {"u: ", "frequency unit"});
}

TEST(JsonValue, PerPathOrigins) {
  // A merged document names, for each value, the file it came from.
  const json doc = json::parse(R"({"a": {"b": 1}, "c": 2})");
  const Source src(
      [](const std::string& path) {
        return path.rfind("a", 0) == 0 ? "parent.json" : "child.json";
      },
      PathStyle::kDotted);
  const Value r(doc, src);
  const Value a = r.get("a");
  error_of([&] { a.get("b").integer(5, 6); }, {"parent.json: a.b: expected an integer in [5, 6]"});
  error_of([&] { r.get("c").integer(5, 6); }, {"child.json: c: "});
}

TEST(JsonValue, ShowCutsLongValues) {
  EXPECT_EQ(show(json("fast")), "\"fast\"");
  EXPECT_EQ(show(json::parse("[1,2]")), "[1,2]");
  json big = json::array();
  for (int i = 0; i < 1000000; ++i) big.push_back(i);
  const std::string s = show(big);
  EXPECT_EQ(s.size(), 60u);
  EXPECT_EQ(s.substr(0, 6), "[0,1,2");
  EXPECT_EQ(s.substr(57), "...");
}

}  // namespace
}  // namespace ngpc::json_input
