#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "sim/cli/commands.h"
#include "sim/cli/common_options.h"
#include "sim/error.h"
#include "sim/gpu_baseline/cost_model.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/trace/trace_io.h"
#include "sim/workloads/generator.h"
#include "sim/workloads/trace_cache.h"

namespace ngpc::cli {
namespace {

const char* kAbout =
    "usage: ngpc-sim trace gen --app nerf|nsdf|nvr|gia --resolution 1080p|4k|8k|WxH -o FILE\n"
    "                          [--encoding hashgrid|densegrid|lowres-densegrid]\n"
    "                          [--queries-per-pixel Q] [--frames N] [--seed S]\n"
    "                          [--gpu-profile FILE|NAME]\n"
    "\n"
    "Generates a synthetic kernel trace: instant-ngp's multi-kernel renderer for the app, "
    "alive-ray\n"
    "counts sized so each frame holds round(pixels * Q) encode queries (rounded up to a multiple\n"
    "of 256), sample positions from a procedural scene, and gpu_time_ns from the GPU cost model\n"
    "(docs/workloads.md, docs/gpu-baseline.md).\n";

double parse_positive(const std::string& option, const std::string& text) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(v > 0) || v > 1e6) {
    throw InputError(option + ": expected a number in (0, 1e6], got \"" + text + "\"");
  }
  return v;
}

// Refuses, before generating many frames, a trace the reader would refuse for its size: the
// text of frame 0 times the frame count. Frames differ as the camera orbits (NSDF at 1080p: 693
// to 1005 kernels per frame), so only a clear excess is refused here; write_trace checks the
// exact size of what it would write.
void check_trace_size(const trace::GenOptions& o, const gpu::GpuProfile& profile) {
  if (o.frames < 2) return;
  trace::GenOptions one = o;
  one.frames = 1;
  const trace::Trace t = trace::generate_trace(one, profile);
  const nlohmann::json frame = trace::trace_to_json(t)["frames"][0];
  const double frame_bytes = double(frame.dump().size()) + 7.0 * t.frames[0].kernels.size();
  const double estimate = frame_bytes * o.frames;
  const double limit = double(trace::kMaxTraceFileBytes);
  if (estimate <= 1.25 * limit) return;
  throw InputError("--frames " + std::to_string(o.frames) + ": " + o.app + " at " +
                   std::to_string(o.width) + "x" + std::to_string(o.height) + " takes about " +
                   std::to_string(static_cast<uint64_t>(frame_bytes / 1024)) +
                   " KiB per frame, so the trace would be about " +
                   std::to_string(static_cast<uint64_t>(estimate / (1 << 20))) +
                   " MiB, above the 512 MiB a trace file may hold (docs/input-limits.md); "
                   "about " +
                   std::to_string(static_cast<uint64_t>(limit / frame_bytes)) + " frames fit");
}

}  // namespace

int cmd_trace_gen(const Args& args) {
  namespace po = boost::program_options;
  po::options_description options("options");
  options.add_options()("help,h", "print this help")("app", po::value<std::string>(),
                                                     "nerf, nsdf, nvr or gia (required)")(
      "resolution", po::value<std::string>()->default_value("1080p"), "1080p, 4k, 8k or WxH")(
      "encoding", po::value<std::string>()->default_value("hashgrid"),
      "hashgrid; nerf also densegrid or lowres-densegrid")(
      "queries-per-pixel", po::value<std::string>(),
      "encode queries per pixel per frame (default: nerf 76.44, nsdf 16, nvr 12, gia 1)")(
      "frames", po::value<std::string>()->default_value("1"), "frames (camera orbits), 1..100000")(
      "seed", po::value<std::string>()->default_value("1"), "seed of the scene and its sampling")(
      "gpu-profile", po::value<std::string>(),
      "GPU cost-model profile: FILE, or built-in rtx3090 (default, configs/gpu/rtx3090.json) or "
      "rtx3090-unprofiled")("output,o", po::value<std::string>(), "trace file to write (required)");
  const Args rest(args.begin() + std::min<size_t>(2, args.size()), args.end());
  po::variables_map vm;
  po::store(po::command_line_parser(rest).options(options).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kAbout << "\n" << options;
    return 0;
  }
  if (!vm.count("app")) throw InputError("--app is required (nerf, nsdf, nvr or gia)");
  if (!vm.count("output")) throw InputError("-o FILE is required");

  trace::GenOptions o;
  o.app = vm["app"].as<std::string>();
  o.encoding = vm["encoding"].as<std::string>();
  trace::parse_resolution(vm["resolution"].as<std::string>(), &o.width, &o.height);
  if (vm.count("queries-per-pixel")) {
    o.queries_per_pixel =
        parse_positive("--queries-per-pixel", vm["queries-per-pixel"].as<std::string>());
  }
  o.frames = static_cast<uint32_t>(
      parse_whole_number("--frames", vm["frames"].as<std::string>(), 1, 100000));
  o.seed = parse_whole_number("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX);
  gpu::GpuProfile profile = gpu::default_gpu_profile();
  std::string profile_arg;
  if (vm.count("gpu-profile")) {
    profile_arg = vm["gpu-profile"].as<std::string>();
    profile = gpu::gpu_profile_from_arg(profile_arg);
  }
  // The provenance records the options that define the trace (not the output path).
  o.command_line = trace::gen_command_line(o, profile_arg.empty() ? "" : profile.name);

  check_trace_size(o, profile);
  const trace::Trace t = trace::generate_trace(o, profile);
  const std::string out = vm["output"].as<std::string>();
  trace::write_trace(out, t);

  const gpu::FrameTime ft = gpu::frame_time(t.frames.front());
  uint64_t queries = 0;
  for (const auto& k : t.frames.front().kernels) queries += k.kind == "encode" ? k.queries : 0;
  std::printf(
      "wrote %s: %s %ux%u %s, %zu frame(s), %zu kernels in frame 0, %llu encode queries "
      "(%.3f per pixel), baseline GPU %.3f ms (%s)\n",
      out.c_str(), o.app.c_str(), o.width, o.height, o.encoding.c_str(), t.frames.size(),
      t.frames.front().kernels.size(), static_cast<unsigned long long>(queries),
      double(queries) / (double(o.width) * o.height), ft.total_s() * 1e3,
      t.header.gpu_time_source.c_str());
  return 0;
}

}  // namespace ngpc::cli
