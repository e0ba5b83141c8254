// The app models are defined once (sim/workloads/apps.h): the generator and the Nsight import
// hand out exactly those, and the workload inputs carry their sources.
#include "sim/workloads/apps.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "sim/error.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/import/nsys_import.h"
#include "sim/trace/trace_io.h"
#include "sim/workloads/generator.h"

namespace ngpc::trace {
namespace {

std::string test_read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::string models_text(const std::vector<EncodingModel>& e, const std::vector<MlpModel>& m) {
  return models_to_json(e, m).dump();
}

TEST(Apps, GeneratorUsesTheAppModels) {
  for (const std::string& app : app_names()) {
    for (const char* enc : {"hashgrid", "densegrid", "lowres-densegrid"}) {
      if (!app_has_encoding(app, enc)) continue;
      GenOptions o;
      o.app = app;
      o.encoding = enc;
      o.width = o.height = 64;
      const Trace t = generate_trace(o, gpu::default_gpu_profile());
      const AppModels m = app_models(app, enc);
      EXPECT_EQ(models_text(t.encodings, t.mlps), models_text(m.encodings, m.mlps))
          << app << " " << enc;
    }
  }
}

TEST(Apps, NsightImportUsesTheAppModels) {
  for (const std::string& app : app_names()) {
    NsysImportOptions o;
    o.csv_path = std::string(NGPC_SOURCE_DIR) + "/tests/data/nsys/nerf_2frames.csv";
    o.like = app;
    const Trace t = import_nsys(o);
    const AppModels m = app_models(app);
    EXPECT_EQ(models_text(t.encodings, t.mlps), models_text(m.encodings, m.mlps)) << app;
  }
}

// Found by fuzzing (scripts/fuzz.sh): a kernel name with bytes that are not UTF-8 reached the
// trace schema validation and aborted. The import must succeed and write a trace that reads back.
TEST(Apps, NsightImportOfNamesThatAreNotUtf8WritesATraceThatReadsBack) {
  std::string csv = test_read(std::string(NGPC_SOURCE_DIR) + "/tests/data/nsys/nerf_2frames.csv");
  const std::string from = "init_rays_with_payload_kernel_nerf";
  const size_t at = csv.find(from);
  ASSERT_NE(at, std::string::npos);
  csv.replace(at, from.size(), "init_rays_\xff\xfe_kernel_nerf");
  const std::string dir = ::testing::TempDir();
  const std::string in = dir + "/not-utf8.csv", out = dir + "/not-utf8.json";
  {
    std::ofstream f(in, std::ios::binary);
    f << csv;
  }
  NsysImportOptions o;
  o.csv_path = in;
  o.like = "nerf";
  const Trace t = import_nsys(o);
  write_trace(out, t);
  const Trace back = read_trace(out);
  EXPECT_EQ(back.frames.size(), t.frames.size());
  bool replaced = false;
  for (const auto& f : back.frames)
    for (const auto& k : f.kernels) replaced |= k.name.find("\xef\xbf\xbd") != std::string::npos;
  EXPECT_TRUE(replaced) << "the invalid bytes become U+FFFD";
}

TEST(Apps, SpecModels) {
  // Spec §2: MACs per query NeRF 10,240 (density 3,072 + rgb 7,168), the others 7,168.
  const AppModels nerf = app_models("nerf");
  ASSERT_EQ(nerf.mlps.size(), 2u);
  EXPECT_EQ(nerf.mlps[0].name, "density");
  EXPECT_EQ(nerf.mlps[1].name, "rgb");
  EXPECT_EQ(app_models("gia").encodings[0].log2_table_size, 24u);
  EXPECT_EQ(app_models("gia").encodings[0].dims, 2u);
  EXPECT_EQ(app_models("nerf", "lowres-densegrid").mlps[0].input_width, 16u);
  EXPECT_EQ(app_models("nvr").mlps[0].output_activation, "relu");
  EXPECT_THROW(app_models("doom"), InputError);
  EXPECT_THROW(app_models("nsdf", "densegrid"), InputError);
  EXPECT_FALSE(is_app("doom"));
}

TEST(Apps, WorkloadInputsHaveSources) {
  for (const std::string& app : app_names()) {
    const AppWorkload& w = app_workload(app);
    EXPECT_GT(w.queries_per_pixel, 0) << app;
    EXPECT_GT(std::string(w.source).size(), 10u) << app;
    EXPECT_EQ(nominal_queries_per_pixel(app), w.queries_per_pixel) << app;
  }
  EXPECT_EQ(app_workload("gia").queries_per_pixel, 1);
  EXPECT_THROW(app_workload("doom"), InputError);
}

}  // namespace
}  // namespace ngpc::trace
