// The synthetic trace generator: query totals follow the queries-per-pixel input, kernels follow
// instant-ngp's multi-kernel renderer and reference declared models, output is deterministic, and
// the bundled traces are found by name.
#include "sim/workloads/generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "sim/error.h"
#include "sim/gpu_baseline/cost_model.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/trace/bundled.h"
#include "sim/trace/trace_io.h"

namespace ngpc::trace {
namespace {

GenOptions opts(const std::string& app, const std::string& res, double qpp = 0,
                const std::string& encoding = "hashgrid", uint64_t seed = 1) {
  GenOptions o;
  o.app = app;
  o.encoding = encoding;
  o.queries_per_pixel = qpp;
  o.seed = seed;
  parse_resolution(res, &o.width, &o.height);
  return o;
}

Trace gen(const GenOptions& o) {
  return generate_trace(o, gpu::default_gpu_profile());
}

uint64_t encode_queries(const Frame& f) {
  uint64_t q = 0;
  for (const auto& k : f.kernels) q += k.kind == "encode" ? k.queries : 0;
  return q;
}

TEST(Generator, Resolutions) {
  uint32_t w = 0, h = 0;
  parse_resolution("1080p", &w, &h);
  EXPECT_EQ(w * 1000 + h, 1920u * 1000 + 1080);
  parse_resolution("4K", &w, &h);
  EXPECT_EQ(w * 1000 + h, 3840u * 1000 + 2160);
  parse_resolution("8k", &w, &h);
  EXPECT_EQ(w * 1000 + h, 7680u * 1000 + 4320);
  parse_resolution("640x480", &w, &h);
  EXPECT_EQ(w * 1000 + h, 640u * 1000 + 480);
  for (const char* bad : {"", "4", "0x10", "10x0", "x", "12x", "abc", "70000x10", "-3x4"}) {
    EXPECT_THROW(parse_resolution(bad, &w, &h), InputError) << bad;
  }
}

// The documented rule: a frame holds round(pixels * qpp) encode queries rounded up to a multiple
// of 256 (every launch is whole tcnn batches).
TEST(Generator, EncodeQueriesFollowQueriesPerPixel) {
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    for (const char* res : {"1080p", "4k", "8k", "640x360", "333x197"}) {
      const GenOptions o = opts(app, res);
      const Trace t = gen(o);
      const double pixels = double(o.width) * o.height;
      const uint64_t wanted =
          static_cast<uint64_t>(std::llround(pixels * nominal_queries_per_pixel(app)));
      const uint64_t got = encode_queries(t.frames[0]);
      EXPECT_GE(got, wanted) << app << " " << res;
      EXPECT_LT(got - wanted, kBatchGranularity) << app << " " << res;
      EXPECT_EQ(got % kBatchGranularity, 0u) << app << " " << res;
      EXPECT_EQ(got, frame_query_target(o.width, o.height, nominal_queries_per_pixel(app)));
      EXPECT_DOUBLE_EQ(t.header.queries_per_pixel, nominal_queries_per_pixel(app));
    }
  }
}

TEST(Generator, OtherQueriesPerPixel) {
  for (double qpp : {3.1, 8.0, 25.7}) {
    const Trace t = gen(opts("nerf", "1080p", qpp));
    EXPECT_EQ(encode_queries(t.frames[0]), frame_query_target(1920, 1080, qpp)) << qpp;
  }
  for (double qpp : {8.0, 30.0}) {
    const Trace t = gen(opts("nsdf", "1080p", qpp));
    EXPECT_EQ(encode_queries(t.frames[0]), frame_query_target(1920, 1080, qpp)) << qpp;
  }
  const Trace v = gen(opts("nvr", "1080p", 4));
  EXPECT_EQ(encode_queries(v.frames[0]), frame_query_target(1920, 1080, 4));
}

TEST(Generator, GiaIsExactlyOneQueryPerPixel) {
  for (const char* res : {"1080p", "4k", "8k", "64x64"}) {
    const GenOptions o = opts("gia", res);
    const Trace t = gen(o);
    uint64_t encodes = 0;
    for (const auto& k : t.frames[0].kernels) {
      if (k.kind == "encode") {
        ++encodes;
        EXPECT_EQ(k.queries, uint64_t{o.width} * o.height) << res;
      }
    }
    EXPECT_EQ(encodes, 1u);
  }
  EXPECT_THROW(gen(opts("gia", "1080p", 2)), InputError);
}

TEST(Generator, KernelsReferenceDeclaredModels) {
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    const Trace t = gen(opts(app, "1080p"));
    for (const auto& k : t.frames[0].kernels) {
      if (k.kind == "encode") {
        EXPECT_NE(t.find_encoding(k.model), nullptr) << app << " " << k.model;
        EXPECT_EQ(k.name, "kernel_grid");
      } else if (k.kind == "mlp") {
        EXPECT_NE(t.find_mlp(k.model), nullptr) << app << " " << k.model;
        EXPECT_EQ(k.name, "kernel_mlp_fused");
      } else {
        EXPECT_EQ(k.kind, "gpu");
        EXPECT_TRUE(k.model.empty());
        EXPECT_GT(k.dram_bytes, 0u) << k.name;
      }
      EXPECT_GT(k.gpu_time_ns, 0) << app << " " << k.name;
    }
    EXPECT_EQ(t.header.gpu_time_source, "model:rtx3090");
  }
}

TEST(Generator, ModelsOfTheHeader) {
  const Trace n = gen(opts("nerf", "64x64"));
  ASSERT_EQ(n.encodings.size(), 1u);
  const EncodingModel& e = n.encodings[0];
  EXPECT_EQ(e.levels * 1000 + e.features, 16u * 1000 + 2);
  EXPECT_EQ(e.log2_table_size, 19u);
  EXPECT_EQ(e.base_resolution, 16u);
  EXPECT_EQ(e.n_max, 2048);
  ASSERT_EQ(n.mlps.size(), 2u);
  EXPECT_EQ(gpu::mlp_macs_per_query(n.mlps[0]) + gpu::mlp_macs_per_query(n.mlps[1]), 10240);
  EXPECT_EQ(n.mlps[0].hidden_layers, 1u);
  EXPECT_EQ(n.mlps[0].output_width, 16u);
  EXPECT_EQ(n.mlps[1].hidden_layers, 2u);
  EXPECT_EQ(n.mlps[1].output_width, 3u);
  for (const char* app : {"nsdf", "nvr", "gia"}) {
    const Trace t = gen(opts(app, "64x64"));
    EXPECT_EQ(gpu::mlp_macs_per_query(t.mlps.at(0)), 7168) << app;
  }
  const Trace g = gen(opts("gia", "64x64"));
  EXPECT_EQ(g.encodings[0].dims, 2u);
  EXPECT_EQ(g.encodings[0].log2_table_size, 24u);
  EXPECT_EQ(g.encodings[0].n_max, 28359);
  EXPECT_EQ(gen(opts("nvr", "64x64")).mlps[0].output_activation, "relu");
}

// The density MLP's input is the encoding's output: levels x features.
TEST(Generator, NerfEncodingVariants) {
  const std::map<std::string, std::pair<std::string, std::string>> want = {
      {"hashgrid", {"hashgrid", "hashgrid"}},
      {"densegrid", {"densegrid", "densegrid"}},
      {"lowres-densegrid", {"tiledgrid", "lowres_densegrid"}}};
  for (const auto& [enc, type_role] : want) {
    const Trace t = gen(opts("nerf", "640x360", 0, enc));
    const EncodingModel& e = t.encodings.at(0);
    EXPECT_EQ(e.type, type_role.first);
    EXPECT_EQ(e.role, type_role.second);
    EXPECT_EQ(t.mlps.at(0).input_width, e.levels * e.features) << enc;
    EXPECT_EQ(t.header.encoding, enc);
  }
  EXPECT_THROW(gen(opts("nsdf", "64x64", 0, "densegrid")), InputError);
  EXPECT_THROW(gen(opts("nerf", "64x64", 0, "octree")), InputError);
}

// NeRF iterations: compact, generate, encode, density MLP, SH, rgb MLP, extract, composite share a
// step; ray init, the last compaction and shading are standalone.
TEST(Generator, NerfKernelSequence) {
  const Trace t = gen(opts("nerf", "1080p"));
  const auto& k = t.frames[0].kernels;
  ASSERT_GT(k.size(), 10u);
  EXPECT_EQ(k.front().name, "init_rays_with_payload_kernel_nerf");
  EXPECT_EQ(k.front().step, -1);
  EXPECT_EQ(k.back().name, "shade_kernel_nerf");
  EXPECT_EQ(k.back().step, -1);
  const std::vector<std::string> iteration = {
      "compact_kernel_nerf", "generate_next_nerf_network_inputs",
      "kernel_grid",         "kernel_mlp_fused",
      "kernel_sh",           "kernel_mlp_fused",
      "extract_density",     "composite_kernel_nerf"};
  ASSERT_EQ((k.size() - 3) % iteration.size(), 0u);
  uint64_t prev_rays = 0;
  for (size_t i = 1; i + 2 < k.size(); i += iteration.size()) {
    const int64_t step = k[i].step;
    EXPECT_EQ(step, int64_t((i - 1) / iteration.size()));
    for (size_t j = 0; j < iteration.size(); ++j) {
      EXPECT_EQ(k[i + j].name, iteration[j]);
      EXPECT_EQ(k[i + j].step, step);
    }
    const uint64_t rays = k[i + 1].queries, samples = k[i + 2].queries;
    // 1 to 8 steps per ray (tcnn pads to 256; the fit moves launches by a fraction of a percent).
    EXPECT_GE(double(samples), 0.99 * rays) << i;
    EXPECT_LE(double(samples), 8.01 * rays + kBatchGranularity) << i;
    if (prev_rays) {
      EXPECT_LE(rays, prev_rays) << "alive rays only decay";
    }
    prev_rays = rays;
  }
  // Every kernel waits for the one before it (one stream).
  for (size_t i = 1; i < k.size(); ++i)
    EXPECT_EQ(k[i].deps, std::vector<uint32_t>{uint32_t(i - 1)});
}

TEST(Generator, NsdfHasNormalsAndShadowRays) {
  const Trace t = gen(opts("nsdf", "640x360"));
  const auto& k = t.frames[0].kernels;
  std::map<std::string, int> count;
  uint64_t hits = 0;
  for (const auto& x : k) {
    ++count[x.name];
    if (x.name == "fd_normals_offset") hits = x.queries;
  }
  EXPECT_EQ(count["fd_normals_offset"], 2);
  EXPECT_EQ(count["prepare_shadow_rays"], 1);
  EXPECT_EQ(count["shade_kernel_sdf"], 1);
  ASSERT_GT(hits, 0u);
  // Six network passes over the hits between the first offset kernel and the shadow rays.
  int normal_encodes = 0;
  bool in = false;
  for (const auto& x : k) {
    if (x.name == "fd_normals_offset") in = true;
    if (x.name == "prepare_shadow_rays") break;
    if (in && x.kind == "encode") {
      ++normal_encodes;
      EXPECT_EQ(x.queries, (hits + 255) / 256 * 256);
    }
  }
  EXPECT_EQ(normal_encodes, 6);
}

TEST(Generator, NvrAtMost64Iterations) {
  const Trace t = gen(opts("nvr", "1080p"));
  int encodes = 0;
  for (const auto& k : t.frames[0].kernels) encodes += k.kind == "encode";
  EXPECT_LE(encodes, 64);
  EXPECT_GT(encodes, 1);
  EXPECT_THROW(gen(opts("nvr", "1080p", 200)), InputError);  // 64 steps cannot carry it
}

TEST(Generator, StepsGroupContiguousKernelsWithOneEncode) {
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    const Trace t = gen(opts(app, "640x360"));
    std::map<int64_t, int> encodes;
    std::set<int64_t> closed;
    int64_t current = -1;
    for (const auto& k : t.frames[0].kernels) {
      if (k.step != current) {
        if (current >= 0) closed.insert(current);
        EXPECT_EQ(closed.count(k.step), 0u) << app << ": step " << k.step << " not contiguous";
        current = k.step;
      }
      if (k.step < 0) {
        EXPECT_EQ(k.kind, "gpu") << app;
      }
      if (k.kind == "encode") ++encodes[k.step];
    }
    for (const auto& [step, n] : encodes) EXPECT_EQ(n, 1) << app << " step " << step;
  }
}

TEST(Generator, DeterministicForASeed) {
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    const std::string a = trace_to_json(gen(opts(app, "640x360", 0, "hashgrid", 5))).dump();
    const std::string b = trace_to_json(gen(opts(app, "640x360", 0, "hashgrid", 5))).dump();
    EXPECT_EQ(a, b) << app;
    const Trace c = gen(opts(app, "640x360", 0, "hashgrid", 6));
    EXPECT_EQ(c.positions.params["seed"], 6) << app;
    EXPECT_EQ(c.header.seed, 6u);
    EXPECT_NE(trace_to_json(c).dump(), a) << app;
  }
}

TEST(Generator, MultipleFramesOrbitTheCamera) {
  GenOptions o = opts("nerf", "640x360");
  o.frames = 3;
  const Trace t = gen(o);
  ASSERT_EQ(t.frames.size(), 3u);
  for (uint32_t f = 0; f < 3; ++f) {
    EXPECT_EQ(t.frames[f].index, f);
    EXPECT_EQ(encode_queries(t.frames[f]),
              frame_query_target(640, 360, nominal_queries_per_pixel("nerf")));
  }
  EXPECT_EQ(t.positions.params["generator"]["frames"].size(), 3u);
}

TEST(Generator, WrittenTraceReadsBackIdentically) {
  const Trace t = gen(opts("nsdf", "320x180"));
  const auto dir = std::filesystem::temp_directory_path() / "ngpc-generator-test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "nsdf.json").string();
  write_trace(path, t);
  const Trace back = read_trace(path);
  EXPECT_EQ(trace_to_json(back).dump(), trace_to_json(t).dump());
  std::filesystem::remove_all(dir);
}

TEST(Generator, BadOptions) {
  EXPECT_THROW(gen(opts("doom", "64x64")), InputError);
  GenOptions o = opts("nerf", "64x64");
  o.frames = 0;
  EXPECT_THROW(gen(o), InputError);
  EXPECT_THROW(gen(opts("nerf", "1080p", 0.01)), InputError);  // below one sample per ray
  EXPECT_THROW(nominal_queries_per_pixel("doom"), InputError);
}

TEST(Bundled, FindsTracesByAppResolutionAndEncoding) {
  const std::string p = find_bundled_trace("nerf", "4k", "hashgrid");
  EXPECT_TRUE(std::filesystem::exists(p)) << p;
  EXPECT_EQ(find_bundled_trace("nerf", "3840x2160", ""), p);
  EXPECT_TRUE(std::filesystem::exists(find_bundled_trace("nerf", "4k", "lowres-densegrid")));
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    for (const char* res : {"1080p", "4k", "8k"}) {
      EXPECT_NO_THROW(find_bundled_trace(app, res, "hashgrid")) << app << " " << res;
    }
  }
  try {
    find_bundled_trace("nerf", "16k", "hashgrid");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("nerf-hashgrid-16k.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("nerf-hashgrid-4k.json"), std::string::npos) << msg;  // lists what exists
  }
}

TEST(Bundled, TraceDirFromEnvironment) {
  const auto dir = std::filesystem::temp_directory_path() / "ngpc-bundled-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "gia-hashgrid-64x64.json") << "{}";
  setenv("NGPC_TRACE_DIR", dir.c_str(), 1);
  EXPECT_EQ(find_bundled_trace("gia", "64x64", "hashgrid"),
            (dir / "gia-hashgrid-64x64.json").string());
  EXPECT_THROW(find_bundled_trace("nerf", "4k", "hashgrid"), InputError);
  unsetenv("NGPC_TRACE_DIR");
  std::filesystem::remove_all(dir);
}

// The bundled traces are what the generator makes today: regenerate them with
// scripts/gen-traces.sh whenever the generator, the scenes or the GPU model change.
TEST(BundledSlow, TracesAreSmallValidAndUpToDate) {
  const auto names = list_bundled_traces();
  EXPECT_GE(names.size(), 18u);
  for (const auto& name : names) {
    const std::string path = bundled_trace_dir() + "/" + name;
    // NeRF at 4K and 8K marches one step per compaction (more than 2^21 rays alive): hundreds of
    // loop iterations at its calibrated queries per pixel, the largest bundled traces.
    EXPECT_LT(std::filesystem::file_size(path), 1024u * 1024) << name;
    const Trace t = read_trace(path);
    GenOptions o;
    o.app = t.header.app;
    o.encoding = t.header.encoding;
    o.width = t.header.width;
    o.height = t.header.height;
    o.queries_per_pixel = t.header.queries_per_pixel;
    o.seed = t.header.seed;
    o.frames = static_cast<uint32_t>(t.frames.size());
    Trace fresh = gen(o);
    fresh.header.provenance = t.header.provenance;
    const std::string want = trace_to_json(fresh).dump(), have = trace_to_json(t).dump();
    if (want != have) {
      size_t at = 0;
      while (at < want.size() && at < have.size() && want[at] == have[at]) ++at;
      const size_t from = at < 60 ? 0 : at - 60;
      ADD_FAILURE() << name << " is stale: run scripts/gen-traces.sh\n  file: ..."
                    << have.substr(from, 120) << "\n  now:  ..." << want.substr(from, 120);
    }
  }
}

}  // namespace
}  // namespace ngpc::trace
