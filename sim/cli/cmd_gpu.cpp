// ngpc-sim gpu cost|calibrate: the baseline GPU cost model as a calculator, and its calibration
// with the check of every fact (docs/gpu-baseline.md).
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "models/mlp/tcnn_padding.h"
#include "sim/cli/commands.h"
#include "sim/cli/common_options.h"
#include "sim/error.h"
#include "sim/gpu_baseline/calibration.h"
#include "sim/gpu_baseline/cost_model.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/json/parse.h"
#include "sim/scenes/scenes.h"
#include "sim/trace/trace_io.h"
#include "sim/workloads/apps.h"

namespace ngpc::cli {

namespace po = boost::program_options;
using nlohmann::json;

namespace {

const char* kGpuUsage =
    "usage: ngpc-sim gpu <verb> [options]\n"
    "\n"
    "  cost       time of one MLP or grid-encoding launch on the baseline GPU (the cost model as\n"
    "             a calculator, to hold against your own measurements)\n"
    "  calibrate  re-derive the calibrated inputs and check every published fact against the\n"
    "             model (the tables of docs/gpu-baseline.md)\n"
    "\n"
    "  ngpc-sim gpu <verb> --help   options of one verb\n";

const char* kCostUsage =
    "usage: ngpc-sim gpu cost --mlp IN:WIDTH:HIDDEN:OUT --batch N [options]\n"
    "       ngpc-sim gpu cost --encoding APP[:VARIANT]|FILE --batch N [options]\n"
    "\n"
    "Prints the time of one launch of N queries on the baseline GPU, the queries per second and\n"
    "what bounds the launch (compute, DRAM or issue), with the terms of the closed form\n"
    "(docs/gpu-baseline.md). --mlp: a tiny-cuda-nn fully fused MLP, e.g. 32:64:2:1 (widths are\n"
    "padded to 16 as tcnn does; activations do not change the GPU time in this model). "
    "--encoding:\n"
    "an app's grid (nerf, nsdf, nvr, gia; nerf:densegrid, nerf:lowres-densegrid) or the first\n"
    "encoding of a trace or models file; the reuse between queries comes from --sample-spacing,\n"
    "else the app's 1080p scene or the trace's positions, else none.\n";

const char* kCalibrateUsage =
    "usage: ngpc-sim gpu calibrate [--gpu-profile FILE] [--bench-profile FILE] [--json]\n"
    "\n"
    "Fits the MLP efficiency and the launch overhead to tiny-cuda-nn's MLP benchmark (under the\n"
    "benchmark profile, default rtx3090-unprofiled), solves NeRF's queries per pixel and the\n"
    "encoding and rest efficiencies from the paper's NeRF 1080p frame (under the paper profile,\n"
    "default rtx3090), and checks every fact with the profile as given. The steps and the roles\n"
    "of the facts: docs/gpu-baseline.md.\n";

gpu::GpuProfile profile_from(const po::variables_map& vm, const char* option,
                             const gpu::GpuProfile& builtin) {
  return vm.count(option) ? gpu::gpu_profile_from_arg(vm[option].as<std::string>()) : builtin;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::stringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

// IN:WIDTH:HIDDEN:OUT, checked by the trace format's own MLP rules.
trace::MlpModel parse_mlp(const std::string& text, const std::string& hidden_act,
                          const std::string& output_act) {
  const std::vector<std::string> f = split(text, ':');
  if (f.size() != 4) {
    throw InputError("--mlp: expected IN:WIDTH:HIDDEN:OUT such as 32:64:2:1, got \"" + text + "\"");
  }
  json m = {{"name", "mlp"},
            {"input_width", parse_whole_number("--mlp IN", f[0], 1, 4096)},
            {"width", parse_whole_number("--mlp WIDTH", f[1], 1, 4096)},
            {"hidden_layers", parse_whole_number("--mlp HIDDEN", f[2], 1, 64)},
            {"output_width", parse_whole_number("--mlp OUT", f[3], 1, 4096)},
            {"hidden_activation", hidden_act},
            {"output_activation", output_act}};
  std::vector<trace::EncodingModel> encodings;
  std::vector<trace::MlpModel> mlps;
  try {
    trace::parse_models({{"encodings", json::array()}, {"mlps", {m}}}, "--mlp " + text, "",
                        &encodings, &mlps);
  } catch (const InputError& e) {
    // "/mlps/0/width" -> the option that set it.
    std::string msg = e.what();
    for (const auto& [key, option] :
         {std::pair<std::string, std::string>{"/mlps/0/hidden_activation", "--hidden-activation"},
          {"/mlps/0/output_activation", "--output-activation"},
          {"/mlps/0/width", "WIDTH"}}) {
      const size_t at = msg.find(key);
      if (at != std::string::npos) msg.replace(at, key.size(), option);
    }
    throw InputError(msg);
  }
  return mlps.front();
}

std::string lattice_text(const gpu::SampleLattice& l) {
  std::string s;
  char buf[32];
  for (double v : l) {
    std::snprintf(buf, sizeof buf, "%.4g", v);
    s += (s.empty() ? "" : ",") + std::string(buf);
  }
  return s;
}

gpu::SampleLattice parse_lattice(const std::string& text) {
  const std::vector<std::string> f = split(text, ',');
  if (f.empty() || f.size() > 3) {
    throw InputError("--sample-spacing: expected 1 to 3 comma-separated spacings, got \"" + text +
                     "\"");
  }
  gpu::SampleLattice l;
  for (const auto& s : f) {
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (s.empty() || used != s.size() || !std::isfinite(v) || v <= 0 || v > 1e3) {
      throw InputError(
          "--sample-spacing: expected numbers in (0, 1000] (unit-cube distances), got \"" + text +
          "\"");
    }
    l.push_back(v);
  }
  return l;
}

struct EncodingChoice {
  trace::EncodingModel model;
  gpu::SampleLattice lattice{1.0};
  std::string lattice_source = "none (no reuse between queries)";
  std::string label;
};

EncodingChoice pick_encoding(const std::string& arg) {
  EncodingChoice c;
  const size_t colon = arg.find(':');
  const std::string app = arg.substr(0, colon);
  if (trace::is_app(app)) {
    const std::string variant = colon == std::string::npos ? "hashgrid" : arg.substr(colon + 1);
    c.model = trace::app_models(app, variant).encodings.front();
    trace::Trace t;
    t.positions.params = trace::default_scene_params(trace::scene_for_app(app), 1920, 1080, 1);
    c.lattice = gpu::trace_sample_lattice(t);
    c.lattice_source = app + "'s 1080p scene";
    c.label = app + " " + variant;
    return c;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(arg, ec)) {
    throw InputError("--encoding " + arg +
                     ": neither an app (nerf, nsdf, nvr, gia, nerf:densegrid, "
                     "nerf:lowres-densegrid) nor a trace or models file");
  }
  json doc = json_input::read_json_file(arg, trace::trace_json_kind("models"));
  std::vector<trace::EncodingModel> encodings;
  std::vector<trace::MlpModel> mlps;
  if (doc.is_object() && doc.contains("format")) {
    const trace::Trace t = trace::parse_trace(doc, arg);
    encodings = t.encodings;
    if (t.positions.type == "procedural") {
      c.lattice = gpu::trace_sample_lattice(t);
      c.lattice_source = "the trace's positions.params";
    }
  } else {
    trace::parse_models(doc, arg, "", &encodings, &mlps);
  }
  if (encodings.empty()) throw InputError(arg + ": declares no encoding");
  c.model = encodings.front();
  c.label = c.model.name + " from " + arg;
  return c;
}

int cmd_gpu_cost(const Args& args) {
  po::options_description options("options");
  options.add_options()("help,h", "print this help")(
      "mlp", po::value<std::string>(), "IN:WIDTH:HIDDEN:OUT of a fully fused MLP, e.g. 32:64:2:1")(
      "hidden-activation", po::value<std::string>()->default_value("relu"),
      "MLP hidden activation (tcnn names)")("output-activation",
                                            po::value<std::string>()->default_value("none"),
                                            "MLP output activation (tcnn names)")(
      "encoding", po::value<std::string>(), "APP[:VARIANT] or a trace / models FILE")(
      "sample-spacing", po::value<std::string>(),
      "S[,S2[,S3]]: spacings of the query lattice (unit-cube distances)")(
      "batch", po::value<std::string>(), "queries of the launch (required)")(
      "gpu-profile", po::value<std::string>(),
      "profile FILE or built-in name (default rtx3090; also rtx3090-unprofiled)")("json",
                                                                                  "print JSON");
  const Args rest(args.begin() + std::min<size_t>(2, args.size()), args.end());
  po::variables_map vm;
  po::store(po::command_line_parser(rest).options(options).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kCostUsage << "\n" << options;
    return 0;
  }
  if (vm.count("mlp") == vm.count("encoding")) {
    throw InputError("give exactly one of --mlp IN:WIDTH:HIDDEN:OUT or --encoding APP|FILE");
  }
  if (!vm.count("batch")) throw InputError("--batch N is required (queries of the launch)");
  const uint64_t batch =
      parse_whole_number("--batch", vm["batch"].as<std::string>(), 1, 1ull << 40);
  const gpu::GpuProfile p = profile_from(vm, "gpu-profile", gpu::default_gpu_profile());
  const bool as_json = vm.count("json") > 0;
  json out = {{"profile", p.name}, {"batch", batch}};
  if (vm.count("mlp")) {
    if (vm.count("sample-spacing")) throw InputError("--sample-spacing applies to --encoding only");
    const trace::MlpModel m =
        parse_mlp(vm["mlp"].as<std::string>(), vm["hidden-activation"].as<std::string>(),
                  vm["output-activation"].as<std::string>());
    const gpu::MlpCost c = gpu::mlp_cost(p, m, batch);
    out["kind"] = "mlp";
    out["mlp"] = vm["mlp"].as<std::string>();
    out["macs_per_query"] = gpu::mlp_macs_per_query(m);
    out["io_bytes_per_query"] = gpu::mlp_io_bytes_per_query(m);
    out["compute_ns"] = c.compute_s * 1e9;
    out["stream_ns"] = c.stream_s * 1e9;
    out["launch_overhead_ns"] = p.launch_overhead_s * 1e9;
    out["time_ns"] = c.time_s * 1e9;
    out["queries_per_s"] = double(batch) / c.time_s;
    out["bound"] = gpu::bound_name(c.bound);
    if (!as_json) {
      std::printf(
          "MLP %s (%s hidden, %s output; padded %u:%u:%u:%u), %llu queries, profile %s\n"
          "  MACs per query   %.0f\n"
          "  compute          %.6g ns  (MACs / (%u SMs x %.0f MACs/clock x %.4g GHz x %.4g))\n"
          "  DRAM stream      %.6g ns  (%.0f B per query / (%.4g GB/s x %.4g))\n"
          "  launch overhead  %.6g ns\n"
          "  time             %.6g ns = max(compute, DRAM) + launch\n"
          "  throughput       %.6g queries/s\n"
          "  bound            %s\n",
          vm["mlp"].as<std::string>().c_str(), m.hidden_activation.c_str(),
          m.output_activation.c_str(), tcnn_padded_width(m.input_width), m.width, m.hidden_layers,
          tcnn_padded_width(m.output_width), static_cast<unsigned long long>(batch), p.name.c_str(),
          gpu::mlp_macs_per_query(m), c.compute_s * 1e9, p.sm_count, p.tensor_macs_per_clock_per_sm,
          p.sm_clock_hz * 1e-9, p.mlp_tensor_efficiency, c.stream_s * 1e9,
          gpu::mlp_io_bytes_per_query(m), p.dram_bandwidth * 1e-9, p.stream_dram_efficiency,
          p.launch_overhead_s * 1e9, c.time_s * 1e9, double(batch) / c.time_s,
          gpu::bound_name(c.bound));
    }
  } else {
    EncodingChoice e = pick_encoding(vm["encoding"].as<std::string>());
    if (vm.count("sample-spacing")) {
      e.lattice = parse_lattice(vm["sample-spacing"].as<std::string>());
      e.lattice_source = "--sample-spacing";
    }
    GridLayout layout;
    try {
      layout = make_grid_layout(trace::grid_params(e.model));
    } catch (const std::invalid_argument& ex) {
      throw InputError("--encoding " + e.label + ": " + ex.what());
    }
    const gpu::EncodeCost c = gpu::encode_cost(p, layout, batch, e.lattice);
    const double q = double(batch);
    out["kind"] = "encode";
    out["encoding"] = e.label;
    out["sample_lattice"] = e.lattice;
    out["grid_dram_bytes_per_query"] = c.grid_dram_bytes / q;
    out["flush_dram_bytes"] = c.flush_dram_bytes;
    out["io_bytes_per_query"] = c.io_bytes / q;
    out["issue_slots_per_query"] = c.ops / q;
    out["l2_hit"] = c.l2_hit;
    out["memory_ns"] = c.memory_s * 1e9;
    out["issue_ns"] = c.issue_s * 1e9;
    out["launch_overhead_ns"] = p.launch_overhead_s * 1e9;
    out["time_ns"] = c.time_s * 1e9;
    out["queries_per_s"] = q / c.time_s;
    out["bound"] = gpu::bound_name(c.bound);
    if (!as_json) {
      std::string hits;
      char buf[16];
      for (double h : c.l2_hit) {
        std::snprintf(buf, sizeof buf, "%.2f", h);
        hits += (hits.empty() ? "" : " ") + std::string(buf);
      }
      std::printf(
          "encoding %s (%u levels, %u-D, %.1f MiB), %llu queries, profile %s\n"
          "  sample lattice   %s (%s)\n"
          "  L2 hits by level %s\n"
          "  grid DRAM        %.6g B per query (+ %.6g B cold-L2 fetches per launch)\n"
          "  streamed I/O     %.6g B per query\n"
          "  memory           %.6g ns  (grid / (%.4g GB/s x %.4g) + I/O / (.. x %.4g))\n"
          "  issue            %.6g ns  (%.6g slots per query / (%u SMs x %.0f x %.4g GHz x %.4g))\n"
          "  launch overhead  %.6g ns\n"
          "  time             %.6g ns = max(memory, issue) + launch\n"
          "  throughput       %.6g queries/s\n"
          "  bound            %s\n",
          e.label.c_str(), layout.params.levels, layout.params.dims,
          double(layout.bytes) / (1 << 20), static_cast<unsigned long long>(batch), p.name.c_str(),
          lattice_text(e.lattice).c_str(), e.lattice_source.c_str(), hits.c_str(),
          c.grid_dram_bytes / q, c.flush_dram_bytes, c.io_bytes / q, c.memory_s * 1e9,
          p.dram_bandwidth * 1e-9, p.encode_dram_efficiency, p.stream_dram_efficiency,
          c.issue_s * 1e9, c.ops / q, p.sm_count, p.issue_slots_per_clock_per_sm,
          p.sm_clock_hz * 1e-9, p.issue_efficiency, p.launch_overhead_s * 1e9, c.time_s * 1e9,
          q / c.time_s, gpu::bound_name(c.bound));
    }
  }
  if (as_json) std::cout << out.dump(2) << "\n";
  return 0;
}

const char* by_rest_text(const gpu::Calibration& c) {
  return c.qpp_from == gpu::QppFrom::kRestShare ? "rest" : "mlp";
}

int cmd_gpu_calibrate(const Args& args) {
  po::options_description options("options");
  options.add_options()("help,h", "print this help")(
      "gpu-profile", po::value<std::string>(),
      "profile of the paper's measurement (FILE or built-in name; default rtx3090)")(
      "bench-profile", po::value<std::string>(),
      "profile of the MLP benchmark's conditions (default rtx3090-unprofiled)")(
      "bench-other-bytes", po::value<std::string>(),
      "DRAM bytes per query charged to the benchmark iteration's other kernels (default 0: the "
      "curve is the MLP kernel's own throughput; 316: what the random coordinates, the OneBlob "
      "encoding and the output cast stream)")(
      "bench-other-launches", po::value<std::string>(),
      "launches of those kernels per iteration (default 3)")(
      "nerf-qpp-from", po::value<std::string>()->default_value("rest"),
      "the NeRF fact that fixes its queries per pixel: mlp (the MLP share) or rest (the rest "
      "share at the profile's rest efficiency)")(
      "nerf-qpp", po::value<std::string>(),
      "check the facts with NeRF at this many queries per pixel (default: its nominal value)")(
      "recalibrated",
      "check the facts with the recalibrated profile and NeRF's solved queries per pixel instead "
      "of the profile as given")("json", "print JSON");
  const Args rest(args.begin() + std::min<size_t>(2, args.size()), args.end());
  po::variables_map vm;
  po::store(po::command_line_parser(rest).options(options).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kCalibrateUsage << "\n" << options;
    return 0;
  }
  const gpu::GpuProfile paper = profile_from(vm, "gpu-profile", gpu::default_gpu_profile());
  const gpu::GpuProfile bench = profile_from(vm, "bench-profile", gpu::unprofiled_gpu_profile());
  gpu::MlpBenchmark mb = gpu::tcnn_mlp_benchmark();
  if (vm.count("bench-other-bytes")) {
    mb.other_bytes_per_query = static_cast<double>(parse_whole_number(
        "--bench-other-bytes", vm["bench-other-bytes"].as<std::string>(), 0, 100000));
  }
  if (vm.count("bench-other-launches")) {
    mb.other_launches = static_cast<uint32_t>(parse_whole_number(
        "--bench-other-launches", vm["bench-other-launches"].as<std::string>(), 0, 100));
  }
  const std::string from = vm["nerf-qpp-from"].as<std::string>();
  if (from != "mlp" && from != "rest") {
    throw InputError("--nerf-qpp-from: expected mlp or rest, got \"" + from + "\"");
  }
  const gpu::Calibration c = gpu::calibrate(
      paper, bench, {}, mb, from == "mlp" ? gpu::QppFrom::kMlpShare : gpu::QppFrom::kRestShare);
  double nerf_qpp = 0;
  if (vm.count("nerf-qpp")) {
    const std::string q = vm["nerf-qpp"].as<std::string>();
    size_t used = 0;
    try {
      nerf_qpp = std::stod(q, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != q.size() || !(nerf_qpp > 0) || nerf_qpp > 1e6) {
      throw InputError("--nerf-qpp: expected a number in (0, 1e6], got \"" + q + "\"");
    }
  }
  const bool recalibrated = vm.count("recalibrated") > 0;
  if (recalibrated && vm.count("nerf-qpp")) {
    throw InputError("--recalibrated uses the solved queries per pixel; drop --nerf-qpp");
  }
  const gpu::GpuProfile checked = recalibrated ? c.apply(paper) : paper;
  const gpu::GpuProfile checked_bench = recalibrated ? c.apply(bench) : bench;
  if (recalibrated) nerf_qpp = c.nerf_queries_per_pixel;
  const std::vector<gpu::FactCheck> facts =
      gpu::check_facts(checked, checked_bench, {}, {}, mb, nerf_qpp, c.qpp_from);
  if (vm.count("json")) {
    json j;
    j["profiles"] = {{"paper", paper.name}, {"bench", bench.name}};
    j["facts_checked_with"] = recalibrated ? "recalibrated" : "as given";
    j["nerf_qpp_from"] = by_rest_text(c);
    j["calibrated"] = {{"mlp_tensor_efficiency", c.mlp.mlp_tensor_efficiency},
                       {"kernel_launch_overhead_s", c.mlp.launch_overhead_s},
                       {"mlp_fit_max_abs_residual", c.mlp.max_abs_residual},
                       {"mlp_fit_rms_residual", c.mlp.rms_residual},
                       {"nerf_queries_per_pixel", c.nerf_queries_per_pixel},
                       {"encode_dram_efficiency", c.encode_dram_efficiency},
                       {"rest_dram_efficiency", c.rest_dram_efficiency},
                       {"encode_memory_bound", c.encode_memory_bound},
                       {"feasible", c.feasible()}};
    j["facts"] = json::array();
    for (const auto& f : facts) {
      j["facts"].push_back({{"id", f.id},
                            {"fact", f.fact},
                            {"role", f.role},
                            {"spec", f.spec},
                            {"model", f.model},
                            {"residual", f.residual},
                            {"residual_unit", f.residual_unit}});
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("calibration (paper profile %s, benchmark profile %s)\n", paper.name.c_str(),
              bench.name.c_str());
  std::printf(
      "  mlp_tensor_efficiency   %.5g  (tcnn MLP benchmark; fit max |residual| %.2f %%, "
      "rms %.2f %%)\n",
      c.mlp.mlp_tensor_efficiency, c.mlp.max_abs_residual * 100, c.mlp.rms_residual * 100);
  std::printf("  kernel_launch_overhead  %.4g us\n", c.mlp.launch_overhead_s * 1e6);
  const bool by_rest = c.qpp_from == gpu::QppFrom::kRestShare;
  std::printf("  nerf queries per pixel  %.5g  (NeRF 1080p %s share)\n", c.nerf_queries_per_pixel,
              by_rest ? "rest" : "MLP");
  std::printf("  encode_dram_efficiency  %.5g  (NeRF 1080p %s; encode kernels %s)\n",
              c.encode_dram_efficiency,
              by_rest ? "encode+MLP share minus the MLP time" : "encode share",
              c.encode_memory_bound ? "memory-bound" : "NOT all memory-bound");
  std::printf("  rest_dram_efficiency    %.5g  (%s)\n", c.rest_dram_efficiency,
              by_rest ? "the profile's estimate, kept" : "NeRF 1080p rest share");
  std::printf("  feasible                %s\n\n", c.feasible() ? "yes" : "NO (an efficiency > 1)");
  std::printf("facts with profile %s %s:\n", paper.name.c_str(),
              recalibrated ? "recalibrated" : "as given");
  std::printf("  %-30s %-11s %12s %12s %10s\n", "id", "role", "source", "model", "residual");
  for (const auto& f : facts) {
    std::printf("  %-30s %-11s %12.5g %12.5g %9.2f%s\n", f.id.c_str(), f.role.c_str(), f.spec,
                f.model, f.residual_unit == "pt" ? f.residual : f.residual * 100,
                f.residual_unit == "pt" ? "pt" : "%");
  }
  return 0;
}

}  // namespace

int cmd_gpu(const Args& args) {
  const std::string verb = args.size() > 1 ? args[1] : "";
  if (verb == "--help" || verb == "-h" || verb == "help") {
    std::cout << kGpuUsage;
    return 0;
  }
  if (verb == "cost") return cmd_gpu_cost(args);
  if (verb == "calibrate") return cmd_gpu_calibrate(args);
  std::cerr << (verb.empty() ? std::string("ngpc-sim gpu: error: missing verb\n")
                             : "ngpc-sim gpu: error: unknown verb '" + verb + "'\n")
            << kGpuUsage;
  return 2;
}

}  // namespace ngpc::cli
