// Traces for any workload: bundled when they match, else generated once into the cache.
#include "sim/workloads/trace_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli_util.h"
#include "sim/error.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/trace/bundled.h"
#include "sim/trace/trace_io.h"

namespace ngpc::trace {
namespace {

using test::read_text_file;
using test::TempDir;

Workload workload(const std::string& app, const std::string& res) {
  Workload w;
  w.app = app;
  w.resolution = res;
  return w;
}

TEST(TraceCache, BundledTraceWhenItRecordsTheSameInputs) {
  TempDir cache;
  const WorkloadTrace t = locate_workload_trace(workload("nerf", "4k"), cache.path().string());
  EXPECT_TRUE(t.bundled);
  EXPECT_EQ(t.path, find_bundled_trace("nerf", "4k", "hashgrid"));
  EXPECT_EQ(t.identity.rfind("bundled:", 0), 0u) << t.identity;
  Workload nominal = workload("nerf", "3840x2160");
  nominal.queries_per_pixel = trace::nominal_queries_per_pixel("nerf");  // what the bundled trace holds
  EXPECT_EQ(locate_workload_trace(nominal, cache.path().string()).path, t.path);
  // Other generator inputs: a cache entry, not the bundled file.
  Workload seeded = workload("nerf", "4k");
  seeded.seed = 2;
  const WorkloadTrace s = locate_workload_trace(seeded, cache.path().string());
  EXPECT_FALSE(s.bundled);
  EXPECT_EQ(std::filesystem::path(s.path).parent_path(), cache.path());
  EXPECT_EQ(s.identity.rfind("generated:", 0), 0u) << s.identity;
  EXPECT_FALSE(std::filesystem::exists(s.path));  // locating generates nothing
}

TEST(TraceCache, GeneratesOnceTheSameFileAsTraceGen) {
  TempDir cache;
  const Workload w = workload("gia", "320x180");
  bool generated = false;
  const WorkloadTrace a = workload_trace(w, cache.path().string(), &generated);
  EXPECT_TRUE(generated);
  ASSERT_TRUE(std::filesystem::is_regular_file(a.path));
  const std::string first = read_text_file(a.path);
  // A hit: not generated again.
  EXPECT_EQ(workload_trace(w, cache.path().string(), &generated).path, a.path);
  EXPECT_FALSE(generated);
  // Generating the same inputs again gives the same bytes.
  std::filesystem::remove(a.path);
  workload_trace(w, cache.path().string(), &generated);
  EXPECT_TRUE(generated);
  EXPECT_EQ(read_text_file(a.path), first);
  // ... and the same file `trace gen` writes for those options.
  const std::string gen = (cache.path() / "gen.json").string();
  const test::CmdResult r =
      test::run_cli("trace gen --app gia --resolution 320x180 -o " + test::shell_quote(gen));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_text_file(gen), first);
  const Trace t = read_trace(a.path);
  EXPECT_EQ(t.header.width, 320u);
  EXPECT_EQ(t.header.height, 180u);
  EXPECT_EQ(t.header.queries_per_pixel, 1.0);
}

TEST(TraceCache, InputsNameTheEntry) {
  TempDir cache;
  const std::string dir = cache.path().string();
  Workload a = workload("nerf", "64x64");
  Workload b = a;
  b.queries_per_pixel = 9;
  Workload c = a;
  c.seed = 7;
  Workload d = a;
  d.encoding = "densegrid";
  const std::string pa = locate_workload_trace(a, dir).path;
  for (const Workload& o : {b, c, d}) EXPECT_NE(locate_workload_trace(o, dir).path, pa);
  EXPECT_EQ(locate_workload_trace(a, dir).path, pa);
  EXPECT_THROW(locate_workload_trace(workload("doom", "64x64"), dir), InputError);
  EXPECT_THROW(locate_workload_trace(workload("nerf", "64"), dir), InputError);
  Workload bad = a;
  bad.queries_per_pixel = 1000;  // more than the ray loop can launch at 64x64
  EXPECT_THROW(workload_trace(bad, dir), InputError);
  EXPECT_FALSE(std::filesystem::exists(locate_workload_trace(bad, dir).path));
}

TEST(TraceCache, DirectoryFromOptionThenEnvironment) {
  test::ScopedEnv keep_cache("NGPC_TRACE_CACHE", nullptr), keep_xdg("XDG_CACHE_HOME", nullptr);
  EXPECT_EQ(trace_cache_dir("/x/y"), "/x/y");
  {
    test::ScopedEnv env("NGPC_TRACE_CACHE", "/from/env");
    EXPECT_EQ(trace_cache_dir(""), "/from/env");
  }
  {
    test::ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    EXPECT_EQ(trace_cache_dir(""), "/xdg/ngpc-sim/traces");
  }
  const char* home = getenv("HOME");
  if (home && *home) {
    EXPECT_EQ(trace_cache_dir(""), std::string(home) + "/.cache/ngpc-sim/traces");
  }
}

}  // namespace
}  // namespace ngpc::trace
