// `ngpc-sim trace gen` end to end: writes a trace the reader accepts, usage errors exit with 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli_util.h"
#include "sim/trace/trace_io.h"
#include "sim/workloads/generator.h"

namespace ngpc {
namespace {

using test::run_cli;
using test::shell_quote;

TEST(TraceGenCli, WritesATraceTheReaderAccepts) {
  test::TempDir dir;
  const std::string out = (dir / "nerf.json").string();
  const test::CmdResult r =
      run_cli("trace gen --app nerf --resolution 64x64 --seed 3 -o " + shell_quote(out));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("wrote"), std::string::npos) << r.out;
  const trace::Trace t = trace::read_trace(out);
  EXPECT_EQ(t.header.app, "nerf");
  EXPECT_EQ(t.header.width, 64u);
  EXPECT_EQ(t.header.seed, 3u);
  EXPECT_EQ(t.header.gpu_time_source, "model:rtx3090");
  uint64_t q = 0;
  for (const auto& k : t.frames[0].kernels) q += k.kind == "encode" ? k.queries : 0;
  EXPECT_EQ(q, trace::frame_query_target(64, 64, trace::nominal_queries_per_pixel("nerf")));
}

TEST(TraceGenCli, AllOptions) {
  test::TempDir dir;
  const std::string out = (dir / "g.json").string();
  const std::string profile = std::string(NGPC_SOURCE_DIR) + "/configs/gpu/rtx3090.json";
  const test::CmdResult r = run_cli(
      "trace gen --app nerf --resolution 320x180 --encoding densegrid --queries-per-pixel 6 "
      "--frames 2 --seed 9 --gpu-profile " +
      shell_quote(profile) + " -o " + shell_quote(out));
  ASSERT_EQ(r.status, 0) << r.err;
  const trace::Trace t = trace::read_trace(out);
  EXPECT_EQ(t.frames.size(), 2u);
  EXPECT_EQ(t.header.encoding, "densegrid");
  EXPECT_DOUBLE_EQ(t.header.queries_per_pixel, 6);
  // The shipped profile file and the built-in copy give the same trace.
  const std::string out2 = (dir / "g2.json").string();
  ASSERT_EQ(run_cli("trace gen --app nerf --resolution 320x180 --encoding densegrid "
                    "--queries-per-pixel 6 --frames 2 --seed 9 -o " +
                    shell_quote(out2))
                .status,
            0);
  const trace::Trace t2 = trace::read_trace(out2);
  ASSERT_EQ(t2.frames[1].kernels.size(), t.frames[1].kernels.size());
  for (size_t i = 0; i < t.frames[1].kernels.size(); ++i) {
    EXPECT_EQ(t2.frames[1].kernels[i].gpu_time_ns, t.frames[1].kernels[i].gpu_time_ns) << i;
  }
}

TEST(TraceGenCli, Help) {
  const test::CmdResult r = run_cli("trace gen --help");
  EXPECT_EQ(r.status, 0);
  for (const char* word : {"usage", "--app", "--resolution", "--queries-per-pixel", "--seed",
                           "--gpu-profile", "--encoding", "--frames"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
  }
}

TEST(TraceGenCli, BadInputExitsWith2) {
  test::TempDir dir;
  const std::string o = " -o " + shell_quote((dir / "x.json").string());
  const test::CmdResult bad_app = run_cli("trace gen --app doom --resolution 64x64" + o);
  EXPECT_EQ(bad_app.status, 2);
  EXPECT_NE(bad_app.err.find("doom"), std::string::npos) << bad_app.err;
  for (const std::string& args : std::vector<std::string>{
           "--app nerf --resolution 64x64",  // no -o
           "--resolution 64x64" + o,         // no --app
           "--app nerf --resolution 12k" + o, "--app nerf --resolution 64x64 --seed -1" + o,
           "--app nerf --resolution 64x64 --frames 0" + o,
           "--app gia --resolution 64x64 --queries-per-pixel 2" + o,
           "--app nvr --resolution 64x64 --encoding densegrid" + o,
           "--app nerf --resolution 64x64 --queries-per-pixel abc" + o,
           "--app nerf --resolution 64x64 --gpu-profile /nonexistent/p.json" + o,
           "--app nerf --resolution 64x64 --no-such-option" + o}) {
    const test::CmdResult r = run_cli("trace gen " + args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
    EXPECT_FALSE(r.err.empty()) << args;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "x.json"));
}

}  // namespace
}  // namespace ngpc
