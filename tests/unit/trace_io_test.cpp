// Trace format v1: round trip, frame ranges, every class of bad input, the schema's limits, the
// atomic writer, and the Nsight Systems CSV import rules.
#include "sim/trace/trace_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/cli_util.h"
#include "sim/error.h"
#include "sim/import/nsys_import.h"
#include "sim/trace/trace_info.h"
#include "sim/util/atomic_file.h"
#include "trace_schema_text.h"

namespace ngpc::trace {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kSmall = std::string(NGPC_TEST_DATA) + "/traces/small.json";

json small_json() {
  return json::parse(test::read_text_file(kSmall));
}

// A trace with a non-default value in every field, so a dropped field shows up.
Trace rich_trace() {
  Trace t;
  t.header.app = "gia";
  t.header.encoding = "hashgrid";
  t.header.width = 320;
  t.header.height = 200;
  t.header.samples_per_pixel = 2.5;
  t.header.queries_per_pixel = 1.25;
  t.header.seed = 18446744073709551615ull;
  t.header.provenance = "unit test \"quoted\" \xc3\xa9";
  t.header.gpu_time_source = "measured:x.csv";
  EncodingModel e;
  e.name = "img";
  e.type = "tiledgrid";
  e.role = "lowres_densegrid";
  e.dims = 2;
  e.levels = 2;
  e.features = 8;
  e.log2_table_size = 24;
  e.base_resolution = 128;
  e.per_level_scale = 1.0;
  e.n_max = 3000.5;
  e.interpolation = "smoothstep";
  e.precision = "fp32";
  EncodingModel e2 = e;
  e2.name = "coarse";
  e2.per_level_scale = 0;
  e2.n_max = 1024;
  t.encodings = {e, e2};
  MlpModel m;
  m.name = "net";
  m.input_width = 16;
  m.width = 128;
  m.hidden_layers = 3;
  m.output_width = 4;
  m.hidden_activation = "leaky_relu";
  m.output_activation = "sigmoid";
  t.mlps = {m};
  t.positions.type = "procedural";
  t.positions.scene = "image";
  t.positions.params = {{"zoom", 0.5}, {"tiles", {1, 2, 3}}};
  for (uint32_t f = 0; f < 3; ++f) {
    Frame fr;
    fr.index = 10 + 2 * f;
    Kernel a{"encode", "kernel_grid", "img", 1000000000000ull, 0.125, 0, 0, {}};
    Kernel b{"mlp", "kernel_mlp_fused", "net", 7, 1e12, 1000000000, 0, {0}};
    Kernel c{"gpu", "composite", "", 0, 3.0, -1, 1000000000000000ull, {0, 1}};
    fr.kernels = {a, b, c};
    t.frames.push_back(fr);
  }
  return t;
}

void expect_same(const Trace& a, const Trace& b) {
  EXPECT_EQ(a.header.app, b.header.app);
  EXPECT_EQ(a.header.encoding, b.header.encoding);
  EXPECT_EQ(a.header.width, b.header.width);
  EXPECT_EQ(a.header.height, b.header.height);
  EXPECT_EQ(a.header.samples_per_pixel, b.header.samples_per_pixel);
  EXPECT_EQ(a.header.queries_per_pixel, b.header.queries_per_pixel);
  EXPECT_EQ(a.header.seed, b.header.seed);
  EXPECT_EQ(a.header.provenance, b.header.provenance);
  EXPECT_EQ(a.header.gpu_time_source, b.header.gpu_time_source);
  ASSERT_EQ(a.encodings.size(), b.encodings.size());
  for (size_t i = 0; i < a.encodings.size(); ++i) {
    const auto &x = a.encodings[i], &y = b.encodings[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.role, y.role);
    EXPECT_EQ(x.dims, y.dims);
    EXPECT_EQ(x.levels, y.levels);
    EXPECT_EQ(x.features, y.features);
    EXPECT_EQ(x.log2_table_size, y.log2_table_size);
    EXPECT_EQ(x.base_resolution, y.base_resolution);
    EXPECT_EQ(x.per_level_scale, y.per_level_scale);
    EXPECT_EQ(x.n_max, y.n_max);
    EXPECT_EQ(x.interpolation, y.interpolation);
    EXPECT_EQ(x.precision, y.precision);
  }
  ASSERT_EQ(a.mlps.size(), b.mlps.size());
  for (size_t i = 0; i < a.mlps.size(); ++i) {
    const auto &x = a.mlps[i], &y = b.mlps[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.input_width, y.input_width);
    EXPECT_EQ(x.width, y.width);
    EXPECT_EQ(x.hidden_layers, y.hidden_layers);
    EXPECT_EQ(x.output_width, y.output_width);
    EXPECT_EQ(x.hidden_activation, y.hidden_activation);
    EXPECT_EQ(x.output_activation, y.output_activation);
  }
  EXPECT_EQ(a.positions.type, b.positions.type);
  EXPECT_EQ(a.positions.scene, b.positions.scene);
  EXPECT_EQ(a.positions.params, b.positions.params);
  EXPECT_EQ(a.positions.file, b.positions.file);
  ASSERT_EQ(a.frames.size(), b.frames.size());
  for (size_t f = 0; f < a.frames.size(); ++f) {
    EXPECT_EQ(a.frames[f].index, b.frames[f].index);
    ASSERT_EQ(a.frames[f].kernels.size(), b.frames[f].kernels.size());
    for (size_t k = 0; k < a.frames[f].kernels.size(); ++k) {
      const Kernel &x = a.frames[f].kernels[k], &y = b.frames[f].kernels[k];
      EXPECT_EQ(x.kind, y.kind);
      EXPECT_EQ(x.name, y.name);
      EXPECT_EQ(x.model, y.model);
      EXPECT_EQ(x.queries, y.queries);
      EXPECT_EQ(x.gpu_time_ns, y.gpu_time_ns);
      EXPECT_EQ(x.step, y.step);
      EXPECT_EQ(x.dram_bytes, y.dram_bytes);
      EXPECT_EQ(x.deps, y.deps);
    }
  }
}

TEST(TraceIo, RoundTripIsExactAndByteStable) {
  test::TempDir dir;
  const Trace t = rich_trace();
  const std::string path = (dir / "t.json").string();
  write_trace(path, t);
  const Trace back = read_trace(path);
  expect_same(t, back);
  EXPECT_EQ(back.path, path);
  const std::string text = test::read_text_file(path);
  write_trace(path, back);
  EXPECT_EQ(test::read_text_file(path), text);
  EXPECT_EQ(trace_to_json(back), json::parse(text));
  // Nothing but the trace is left in the directory (the temporary file was renamed).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(TraceIo, RoundTripPositionsFileAndNone) {
  test::TempDir dir;
  Trace t = rich_trace();
  t.positions = PositionsSpec{};
  t.positions.type = "file";
  t.positions.file = "pos.bin";
  test::write_text_file(dir / "pos.bin", std::string(24, '\0'));
  write_trace((dir / "t.json").string(), t);
  Trace back = read_trace((dir / "t.json").string());
  expect_same(t, back);
  EXPECT_EQ(positions_file_path(back), (dir / "pos.bin").string());

  t.positions = PositionsSpec{};
  t.positions.type = "none";
  t.positions.scene.clear();
  write_trace((dir / "t.json").string(), t);
  back = read_trace((dir / "t.json").string());
  EXPECT_EQ(back.positions.type, "none");
}

TEST(TraceIo, ReadsTheHandWrittenTrace) {
  const Trace t = read_trace(kSmall);
  EXPECT_EQ(t.header.app, "nerf");
  EXPECT_EQ(t.header.width, 64u);
  ASSERT_EQ(t.frames.size(), 2u);
  EXPECT_EQ(t.frames[1].kernels.size(), 10u);
  ASSERT_NE(t.find_encoding("grid"), nullptr);
  EXPECT_EQ(t.find_encoding("grid")->n_max, 2048);
  EXPECT_EQ(t.find_encoding("grid")->per_level_scale, 0);
  ASSERT_NE(t.find_mlp("rgb"), nullptr);
  EXPECT_EQ(t.find_mlp("rgb")->hidden_layers, 2u);
  EXPECT_EQ(t.find_mlp("grid"), nullptr);
  EXPECT_EQ(t.find_encoding("rgb"), nullptr);
  EXPECT_EQ(t.frames[0].kernels[4].deps, std::vector<uint32_t>{3});
  EXPECT_EQ(t.frames[0].kernels[4].dram_bytes, 65536u);
  EXPECT_EQ(t.frames[0].kernels[0].step, -1);
  EXPECT_EQ(t.frames[1].kernels[5].step, 1);
}

TEST(TraceIo, SummaryOfTheHandWrittenTrace) {
  const TraceSummary s = summarize(read_trace(kSmall));
  EXPECT_EQ(s.frames, 2u);
  EXPECT_EQ(s.encode.kernels, 3u);
  EXPECT_EQ(s.encode.queries, 28672u);
  EXPECT_EQ(s.encode.gpu_time_ns, 70000);
  EXPECT_EQ(s.mlp.kernels, 6u);
  EXPECT_EQ(s.mlp.queries, 57344u);
  EXPECT_EQ(s.mlp.gpu_time_ns, 56000);
  EXPECT_EQ(s.gpu.kernels, 7u);
  EXPECT_EQ(s.gpu.queries, 14336u);
  EXPECT_EQ(s.gpu.gpu_time_ns, 54000);
  EXPECT_EQ(s.total.kernels, 16u);
  EXPECT_EQ(s.total.gpu_time_ns, 180000);
  EXPECT_NEAR(gpu_time_share_pct(s, s.gpu), 30.0, 1e-12);
  ASSERT_EQ(s.steps.size(), 3u);
  EXPECT_EQ(s.steps[0].step, -1);
  EXPECT_EQ(s.steps[0].kernels, 4u);
  EXPECT_EQ(s.steps[1].gpu_time_ns, 120000);
  EXPECT_EQ(s.steps[1].encode_queries, 24576u);
  EXPECT_EQ(s.steps[2].mlp_queries, 8192u);
}

// The complete example in docs/trace-format.md must stay a valid trace.
TEST(TraceIo, DocumentedExampleIsValid) {
  const std::string doc =
      test::read_text_file(std::string(NGPC_SOURCE_DIR) + "/docs/trace-format.md");
  const size_t section = doc.find("## Complete example");
  ASSERT_NE(section, std::string::npos);
  const size_t begin = doc.find("```json\n", section);
  ASSERT_NE(begin, std::string::npos);
  const size_t end = doc.find("```", begin + 8);
  const json example = json::parse(doc.substr(begin + 8, end - begin - 8));
  const Trace t = parse_trace(example, "docs/trace-format.md");
  EXPECT_GE(t.frames.size(), 1u);
}

// docs/trace-schema.json repeats the limits as numbers; keep both in step.
TEST(TraceIo, SchemaLimitsMatchTheCode) {
  const json schema = json::parse(trace_schema_text);
  const json reference =
      json::parse(test::read_text_file(std::string(NGPC_SOURCE_DIR) + "/docs/trace-schema.json"));
  EXPECT_EQ(schema, reference);
  const json& defs = schema["definitions"];
  EXPECT_EQ(schema["properties"]["frames"]["maxItems"], kMaxFrames);
  EXPECT_EQ(defs["frame"]["properties"]["kernels"]["maxItems"], kMaxKernelsPerFrame);
  EXPECT_EQ(defs["kernel"]["properties"]["queries"]["maximum"], kMaxQueriesPerKernel);
  EXPECT_EQ(defs["kernel"]["properties"]["gpu_time_ns"]["maximum"].get<double>(), kMaxGpuTimeNs);
  EXPECT_EQ(defs["kernel"]["properties"]["dram_bytes"]["maximum"], kMaxDramBytes);
  EXPECT_EQ(defs["header"]["properties"]["resolution"]["properties"]["width"]["maximum"],
            kMaxResolution);
  EXPECT_EQ(defs["models"]["properties"]["encodings"]["maxItems"], kMaxModels);
  EXPECT_EQ(defs["models"]["properties"]["mlps"]["maxItems"], kMaxModels);
  EXPECT_EQ(defs["header"]["properties"]["samples_per_pixel"]["maximum"].get<double>(),
            kMaxSamplesPerPixel);
  EXPECT_EQ(defs["header"]["properties"]["queries_per_pixel"]["maximum"].get<double>(),
            kMaxQueriesPerPixel);
}

// Every key of the schema has a description.
TEST(TraceIo, SchemaDescribesEveryKey) {
  const json schema = json::parse(trace_schema_text);
  std::function<void(const json&, const std::string&)> walk = [&](const json& s,
                                                                  const std::string& at) {
    if (!s.is_object()) return;
    if (s.contains("properties")) {
      for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it) {
        const json& p = it.value();
        const bool described =
            p.contains("description") ||
            (p.contains("$ref") &&
             schema["definitions"][p["$ref"].get<std::string>().substr(14)].contains(
                 "description"));
        EXPECT_TRUE(described) << at << "/" << it.key();
        walk(p, at + "/" + it.key());
      }
    }
    if (s.contains("definitions")) {
      for (auto it = s["definitions"].begin(); it != s["definitions"].end(); ++it) {
        EXPECT_TRUE(it.value().contains("description")) << "definition " << it.key();
        walk(it.value(), "#" + it.key());
      }
    }
  };
  walk(schema, "");
}

std::vector<uint32_t> indices(const std::vector<Frame>& frames) {
  std::vector<uint32_t> out;
  for (const auto& f : frames) out.push_back(f.index);
  return out;
}

TEST(FrameRange, Selections) {
  Trace t;
  for (uint32_t i = 0; i < 5; ++i) t.frames.push_back(Frame{i, {}});
  EXPECT_EQ(indices(select_frames(t, "1:3")), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(indices(select_frames(t, "3:")), (std::vector<uint32_t>{3, 4}));
  EXPECT_EQ(indices(select_frames(t, ":2")), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(indices(select_frames(t, "4")), (std::vector<uint32_t>{4}));
  EXPECT_EQ(indices(select_frames(t, ":")), (std::vector<uint32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(indices(select_frames(t, "0:5")), (std::vector<uint32_t>{0, 1, 2, 3, 4}));
  FrameRange r = parse_frame_range("2:4", 5);
  EXPECT_EQ(r.begin, 2u);
  EXPECT_EQ(r.end, 4u);
}

TEST(FrameRange, BadRangesNameTheOption) {
  Trace t;
  for (uint32_t i = 0; i < 5; ++i) t.frames.push_back(Frame{i, {}});
  for (const char* bad : {"5", "0:6", "2:2", "3:1", "a:b", "-1", "", "1:2:3", " 1", "1.5",
                          "99999999999999999999", "7:"}) {
    try {
      select_frames(t, bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("--frames"), std::string::npos) << e.what();
    }
  }
  try {
    parse_frame_range("9", 5, "--warmup-frames");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--warmup-frames"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("5 frames"), std::string::npos) << e.what();
  }
}

// Writes `text` as a trace file and expects read_trace to refuse it with a message naming the
// file and containing each of `needles`.
void expect_refused_text(const std::string& text, std::vector<std::string> needles) {
  test::TempDir dir;
  const std::string path = dir.write("bad.json", text);
  try {
    read_trace(path);
    ADD_FAILURE() << "accepted; expected an error mentioning " << needles[0];
  } catch (const InputError& e) {
    const std::string msg = e.what();
    needles.push_back(path);
    for (const auto& n : needles) EXPECT_NE(msg.find(n), std::string::npos) << n << " in: " << msg;
  }
}

void expect_refused(const std::function<void(json&)>& mutate, std::vector<std::string> needles) {
  json doc = small_json();
  mutate(doc);
  expect_refused_text(doc.dump(), std::move(needles));
}

TEST(TraceBadInput, MalformedAndTruncatedJson) {
  expect_refused_text("{\"format\": \"ngpc-trace\",\n \"version\": 1,, }",
                      {"malformed JSON", "line 2, column 15", "byte 39"});
  const std::string text = test::read_text_file(kSmall);
  expect_refused_text(text.substr(0, 300), {"malformed JSON", "truncated"});
  expect_refused_text("", {"malformed JSON", "line 1, column 1"});
  expect_refused_text("{\"x\": NaN}", {"malformed JSON"});
  expect_refused_text("[1, 2]", {"expected a JSON object"});
}

TEST(TraceBadInput, FormatAndVersion) {
  expect_refused([](json& d) { d["version"] = 2; },
                 {"/version", "unsupported trace format version 2", "expected 1"});
  expect_refused([](json& d) { d["version"] = "1"; }, {"/version"});
  expect_refused([](json& d) { d.erase("version"); }, {"/version", "missing"});
  expect_refused([](json& d) { d["format"] = "chrome-trace"; }, {"/format", "chrome-trace"});
}

TEST(TraceBadInput, MissingFields) {
  expect_refused([](json& d) { d["frames"][0]["kernels"][3].erase("queries"); },
                 {"/frames/0/kernels/3/queries", "missing"});
  expect_refused([](json& d) { d["header"].erase("gpu_time_source"); },
                 {"/header/gpu_time_source", "missing"});
  expect_refused([](json& d) { d["models"]["encodings"][0].erase("levels"); },
                 {"/models/encodings/0/levels", "missing"});
  expect_refused([](json& d) { d.erase("frames"); }, {"/frames", "missing"});
  expect_refused([](json& d) { d["frames"][1]["kernels"][1].erase("model"); },
                 {"/frames/1/kernels/1/model", "missing"});
}

TEST(TraceBadInput, NegativeOrAbsurdCounts) {
  expect_refused([](json& d) { d["frames"][0]["kernels"][1]["queries"] = -5; },
                 {"/frames/0/kernels/1/queries", "-5", "expected an integer"});
  // 1e18 written as a float and as an integer: both far beyond 1e12 elements per kernel.
  expect_refused([](json& d) { d["frames"][0]["kernels"][1]["queries"] = 1e18; },
                 {"/frames/0/kernels/1/queries", "1e+18"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][1]["queries"] = 1000000000000000000ull; },
                 {"/frames/0/kernels/1/queries", "1000000000000000000", "1000000000000"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][2]["gpu_time_ns"] = -1.5; },
                 {"/frames/0/kernels/2/gpu_time_ns", "-1.5"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][2]["gpu_time_ns"] = 1e13; },
                 {"/frames/0/kernels/2/gpu_time_ns", "10000000000000"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][2]["gpu_time_ns"] = "fast"; },
                 {"/frames/0/kernels/2/gpu_time_ns", "\"fast\""});
  expect_refused([](json& d) { d["header"]["resolution"]["width"] = 0; },
                 {"/header/resolution/width", "0"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][0]["step"] = -2; },
                 {"/frames/0/kernels/0/step", "-2"});
  expect_refused([](json& d) { d["frames"][0]["kernels"] = json::array(); },
                 {"/frames/0/kernels", "[]"});
  expect_refused([](json& d) { d["models"]["mlps"][0]["width"] = 48; },
                 {"/models/mlps/0/width", "48"});
}

TEST(TraceBadInput, NaNGpuTimeFromCode) {
  json doc = small_json();
  doc["frames"][0]["kernels"][2]["gpu_time_ns"] = std::numeric_limits<double>::quiet_NaN();
  try {
    parse_trace(doc, "memory");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("memory: /frames/0/kernels/2/gpu_time_ns"),
              std::string::npos)
        << e.what();
  }
}

TEST(TraceBadInput, TooManyFrames) {
  json doc = small_json();
  const json frame = {
      {"kernels", {{{"kind", "gpu"}, {"name", "k"}, {"queries", 1}, {"gpu_time_ns", 1}}}}};
  doc["frames"] = json::array();
  for (size_t i = 0; i <= kMaxFrames; ++i) doc["frames"].push_back(frame);
  try {
    parse_trace(doc, "many.json");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("many.json: /frames"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("100000"), std::string::npos) << e.what();
  }
}

TEST(TraceBadInput, ModelReferences) {
  expect_refused([](json& d) { d["frames"][0]["kernels"][1]["model"] = "hashgrid2"; },
                 {"/frames/0/kernels/1/model", "unknown model \"hashgrid2\"", "grid"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][1]["model"] = "density"; },
                 {"/frames/0/kernels/1/model", "\"density\" is an MLP", "encoding"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][2]["model"] = "grid"; },
                 {"/frames/0/kernels/2/model", "\"grid\" is an encoding"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][0]["model"] = "grid"; },
                 {"/frames/0/kernels/0/model", "gpu kernels have no model"});
  expect_refused([](json& d) { d["models"]["mlps"][1]["name"] = "grid"; },
                 {"/models/mlps/1/name", "duplicate model name \"grid\""});
  expect_refused([](json& d) { d["frames"][0]["kernels"][1]["dram_bytes"] = 5; },
                 {"/frames/0/kernels/1/dram_bytes", "only gpu kernels"});
}

TEST(TraceBadInput, DepsAndFrameOrder) {
  expect_refused([](json& d) { d["frames"][0]["kernels"][2]["deps"] = {5}; },
                 {"/frames/0/kernels/2/deps/0", "earlier kernel", "5"});
  expect_refused(
      [](json& d) {
        d["frames"][0]["kernels"][2]["deps"] = {1, 1};
      },
      {"/frames/0/kernels/2/deps/1", "distinct"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][0]["deps"] = {0}; },
                 {"/frames/0/kernels/0/deps/0"});
  expect_refused([](json& d) { d["frames"][1]["index"] = 0; }, {"/frames/1/index", "0"});
}

TEST(TraceBadInput, UnknownKeysAndEnums) {
  expect_refused([](json& d) { d["frames"][0]["kernels"][1]["quries"] = 5; },
                 {"/frames/0/kernels/1/quries", "unknown key"});
  expect_refused([](json& d) { d["extra"] = true; }, {"/extra", "unknown key"});
  expect_refused([](json& d) { d["frames"][0]["kernels"][1]["kind"] = "tensor"; },
                 {"/frames/0/kernels/1/kind", "\"tensor\"", "\"encode\""});
  expect_refused([](json& d) { d["models"]["encodings"][0]["type"] = "hash"; },
                 {"/models/encodings/0/type", "\"hash\""});
  expect_refused([](json& d) { d["header"]["gpu_time_source"] = "guess"; },
                 {"/header/gpu_time_source", "\"guess\""});
  expect_refused([](json& d) { d["models"]["encodings"][0]["n_max"] = 8; },
                 {"/models/encodings/0/n_max", ">= base_resolution"});
}

TEST(TraceBadInput, Positions) {
  expect_refused(
      [](json& d) {
        d["positions"] = {{"type", "file"}, {"file", "missing.bin"}};
      },
      {"/positions/file", "missing.bin", "does not exist"});
  expect_refused(
      [](json& d) {
        d["positions"] = {{"type", "procedural"}};
      },
      {"/positions/scene", "missing"});
  expect_refused(
      [](json& d) {
        d["positions"] = {{"type", "none"}, {"scene", "x"}};
      },
      {"/positions", "none"});
  // Deep nesting is refused while parsing, before a deep tree can exhaust the stack.
  std::string text = test::read_text_file(kSmall);
  const std::string params = "\"params\": {\"camera\": {\"fov_deg\": 50}}";
  const size_t at = text.find(params);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, params.size(),
               "\"params\": {\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}");
  expect_refused_text(text, {"nested deeper than 64"});
}

TEST(TraceBadInput, FilesTooLargeMissingOrNotFiles) {
  test::TempDir dir;
  // A sparse file: refused from its size alone, without reading (or writing) 513 MiB.
  const std::string big = (dir / "big.json").string();
  test::write_text_file(big, "{");
  fs::resize_file(big, kMaxTraceFileBytes + 1);
  try {
    read_trace(big);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("512 MiB"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(big), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_trace((dir / "absent.json").string()), InputError);
  EXPECT_THROW(read_trace(dir.path().string()), InputError);
}

TEST(AtomicFile, WritesReplacesAndRefusesMissingDirectories) {
  test::TempDir dir;
  const std::string path = (dir / "out.txt").string();
  write_file_atomic(path, "one");
  write_file_atomic(path, "two");
  EXPECT_EQ(test::read_text_file(path), "two");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
  try {
    write_file_atomic((dir / "no" / "such" / "out.txt").string(), "x");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_file_atomic(dir.path().string(), "x"), InputError);
}

TEST(NsysCsv, QuotingAndLineEndings) {
  std::vector<size_t> lines;
  const auto rows =
      parse_csv("a,\"b,c\",\"d\"\"e\"\r\n\r\nx,,\"multi\nline\"\nlast", "t.csv", &lines);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b,c", "d\"e"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x", "", "multi\nline"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"last"}));
  EXPECT_EQ(lines, (std::vector<size_t>{1, 3, 5}));
  try {
    parse_csv("a,b\n\"open,c\n", "t.csv", nullptr);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.csv:2: unterminated"), std::string::npos) << e.what();
  }
}

TEST(NsysCsv, KernelKinds) {
  EXPECT_EQ(nsys_kernel_kind("void tcnn::kernel_grid<__half, 3u, 2u>(unsigned int)"), "encode");
  EXPECT_EQ(nsys_kernel_kind("void tcnn::kernel_mlp_fused<64, 8, __half, 0, true>()"), "mlp");
  EXPECT_EQ(nsys_kernel_kind("fully_fused_mlp_forward"), "mlp");
  EXPECT_EQ(nsys_kernel_kind("composite_kernel_nerf"), "gpu");
}

const char* kHeader =
    "Start (ns),Duration (ns),CorrId,GrdX,GrdY,GrdZ,BlkX,BlkY,BlkZ,Reg/Trd,StcSMem (MB),"
    "DymSMem (MB),Bytes (MB),Throughput (MB/s),SrcMemKd,DstMemKd,Device,Ctx,GreenCtx,Strm,Name\n";

std::string row(uint64_t start, uint64_t duration, int gx, int gy, int bx, int by,
                const std::string& name) {
  std::ostringstream s;
  s << start << "," << duration << ",1," << gx << "," << gy << ",1," << bx << "," << by
    << ",1,32,0.000,0.000,,,,,GPU (0),1,,7,\"" << name << "\"\n";
  return s.str();
}

TEST(NsysImport, PreambleWarmupMarkerAndModels) {
  test::TempDir dir;
  const std::string csv = "Processing [r.sqlite] with [cuda_gpu_trace.py]...\n\n" +
                          std::string(kHeader) + row(0, 500, 1, 1, 32, 1, "warmup_kernel") +
                          row(1000, 100, 4, 1, 256, 1, "generate_rays") +
                          row(2000, 300, 2, 16, 512, 1, "tcnn::kernel_grid<float>") +
                          row(3000, 200, 8, 1, 32, 4, "tcnn::kernel_mlp_fused<64>") +
                          row(4000, 50, 1, 1, 64, 1, "advance") +
                          row(5000, 300, 1, 16, 512, 1, "tcnn::kernel_grid<float>") +
                          row(6000, 200, 4, 1, 32, 4, "tcnn::kernel_mlp_fused<64>") +
                          row(7000, 100, 4, 1, 256, 1, "generate_rays");
  NsysImportOptions o;
  o.csv_path = dir.write("r.csv", csv);
  o.like = "nsdf";
  o.frame_marker = "generate_rays";
  o.width = 16;
  o.height = 16;
  NsysImportStats stats;
  const Trace t = import_nsys(o, &stats);
  EXPECT_EQ(stats.rows, 8u);
  EXPECT_EQ(stats.before_first_frame, 1u);
  ASSERT_EQ(t.frames.size(), 2u);
  ASSERT_EQ(t.frames[0].kernels.size(), 6u);
  const auto& k = t.frames[0].kernels;
  EXPECT_EQ(k[1].kind, "encode");
  EXPECT_EQ(k[1].model, "grid");
  EXPECT_EQ(k[1].queries, 1024u);  // GrdX 2 x BlkX 512; GrdY is the 16 levels
  EXPECT_EQ(k[2].kind, "mlp");
  EXPECT_EQ(k[2].model, "sdf");
  EXPECT_EQ(k[2].queries, 1024u);  // 8 blocks x 128 elements
  EXPECT_EQ(k[0].queries, 1024u);  // 4 x 256 threads
  EXPECT_EQ((std::vector<int64_t>{k[0].step, k[1].step, k[2].step, k[3].step, k[4].step}),
            (std::vector<int64_t>{-1, 0, 0, 0, 1}));
  EXPECT_EQ(t.header.app, "nsdf");
  EXPECT_EQ(t.header.gpu_time_source, "measured:" + o.csv_path);
  // (1024 + 512) encode queries in frame 0 and none in frame 1, over 2 frames of 256 pixels.
  EXPECT_DOUBLE_EQ(t.header.queries_per_pixel, 1536.0 / 2 / 256);
}

TEST(NsysImport, FramesByIdleGap) {
  test::TempDir dir;
  NsysImportOptions o;
  o.csv_path = dir.write("gap.csv",
                         std::string(kHeader) + row(0, 100, 1, 1, 32, 1, "a") +
                             row(200, 100, 1, 1, 32, 1, "b") + row(400, 100, 1, 1, 32, 1, "a") +
                             row(10000, 100, 1, 1, 32, 1, "b") + row(10200, 100, 1, 1, 32, 1, "a"));
  o.frame_gap_ns = 1000;  // the 9500 ns idle time splits; the 100 ns ones do not
  const Trace t = import_nsys(o);
  ASSERT_EQ(t.frames.size(), 2u);
  EXPECT_EQ(t.frames[0].kernels.size(), 3u);
  EXPECT_EQ(t.frames[1].kernels.size(), 2u);
  EXPECT_EQ(t.header.app, "unknown");
  EXPECT_EQ(t.header.queries_per_pixel, 0);
}

TEST(NsysImport, ModelsFromFileAndErrors) {
  test::TempDir dir;
  const std::string csv = std::string(kHeader) + row(0, 300, 2, 16, 512, 1, "kernel_grid") +
                          row(1000, 200, 8, 1, 32, 4, "kernel_mlp_fused") +
                          row(2000, 200, 8, 1, 32, 4, "kernel_mlp_fused");
  NsysImportOptions o;
  o.csv_path = dir.write("r.csv", csv);
  // Encode kernels without any model: an error that says how to provide one.
  try {
    import_nsys(o);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--like"), std::string::npos) << e.what();
  }
  o.models_file = kSmall;  // a whole trace: its models are taken
  Trace t = import_nsys(o);
  EXPECT_EQ(t.frames[0].kernels[1].model, "density");
  EXPECT_EQ(t.frames[0].kernels[2].model, "rgb");
  o.mlp_models = {"rgb"};
  t = import_nsys(o);
  EXPECT_EQ(t.frames[0].kernels[1].model, "rgb");
  o.mlp_models = {"nope"};
  EXPECT_THROW(import_nsys(o), InputError);

  o.mlp_models.clear();
  o.models_file = dir.write("models.json", "{\"encodings\": [], \"mlps\": [], \"x\": 1}");
  try {
    import_nsys(o);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("models.json: /x"), std::string::npos) << e.what();
  }

  o.models_file.clear();
  o.like = "nerf";
  o.csv_path =
      dir.write("bad.csv", std::string(kHeader) + "0,abc,1,1,1,1,1,1,1,1,0,0,,,,,G,1,,7,k\n");
  try {
    import_nsys(o);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:2: column \"Duration (ns)\""), std::string::npos)
        << e.what();
  }
  o.csv_path = dir.write("short.csv", std::string(kHeader) + "0,1,1,1\n");
  EXPECT_THROW(import_nsys(o), InputError);
  o.csv_path = dir.write("none.csv", "just,some,text\n");
  EXPECT_THROW(import_nsys(o), InputError);
}

}  // namespace
}  // namespace ngpc::trace
