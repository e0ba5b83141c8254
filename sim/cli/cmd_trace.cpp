// ngpc-sim trace gen|info|import-nsys: make, inspect and import kernel traces (format v1).
#include <boost/program_options.hpp>
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>

#include "sim/cli/commands.h"
#include "sim/error.h"
#include "sim/import/nsys_import.h"
#include "sim/trace/trace_info.h"
#include "sim/trace/trace_io.h"

namespace ngpc::cli {

namespace po = boost::program_options;

namespace {

const char* kTraceUsage =
    "usage: ngpc-sim trace <verb> [options]\n"
    "\n"
    "  gen          generate a trace for nerf, nsdf, nvr or gia from the GPU cost model\n"
    "  info         summarise a trace: frames, kernels, queries and GPU time by kind, models\n"
    "  import-nsys  convert an Nsight Systems cuda_gpu_trace CSV export into a trace\n"
    "\n"
    "  ngpc-sim trace <verb> --help   options of one verb\n"
    "\n"
    "Traces are JSON, format \"ngpc-trace\" version 1: docs/trace-format.md, schema in\n"
    "docs/trace-schema.json.\n";

const char* kInfoUsage =
    "usage: ngpc-sim trace info FILE [--json] [--steps]\n"
    "\n"
    "Validates the trace FILE and prints its header, frame count, kernels, queries (elements as\n"
    "launched) and baseline GPU time by kernel kind with their share of the GPU time, and the\n"
    "models with every tiny-cuda-nn parameter.\n";

const char* kImportUsage =
    "usage: ngpc-sim trace import-nsys FILE.csv -o TRACE.json [options]\n"
    "\n"
    "Converts the CSV of `nsys stats --report cuda_gpu_trace --format csv REPORT.nsys-rep` into a\n"
    "trace whose gpu_time_ns are the measured durations (gpu_time_source \"measured:FILE.csv\").\n"
    "Kernel names containing kernel_grid are encode kernels, kernel_mlp_fused or fully_fused are\n"
    "mlp kernels, the rest gpu kernels; memcpy/memset rows are skipped. Queries come from the\n"
    "launch dimensions, frames start at each kernel whose name contains --frame-marker (default:\n"
    "the first kernel's name) or after idle gaps (--frame-gap-ns). The CSV does not say which\n"
    "encoding or MLP ran: take the models from --like APP or --models FILE. All rules:\n"
    "docs/trace-format.md, section \"Importing Nsight Systems exports\".\n";

// Splits "a,b,c" (empty items dropped).
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

int trace_info(const Args& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "print this help")(
      "json", "print the summary as JSON (times in ns) instead of tables")(
      "steps", "add the per-step table (kernels sharing a step form one batch pipeline)");
  po::options_description all;
  all.add(visible);
  all.add_options()("file", po::value<std::string>(), "trace file");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  const std::vector<std::string> rest(args.begin() + 2, args.end());
  po::store(po::command_line_parser(rest).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kInfoUsage << "\n" << visible;
    return 0;
  }
  if (!vm.count("file"))
    throw InputError("missing the trace FILE (try ngpc-sim trace info --help)");
  const trace::Trace t = trace::read_trace(vm["file"].as<std::string>());
  const trace::TraceSummary s = trace::summarize(t);
  if (vm.count("json")) {
    std::cout << trace::summary_json(t, s).dump(2) << "\n";
  } else {
    std::cout << trace::summary_text(t, s, vm.count("steps") > 0);
  }
  return 0;
}

int trace_import_nsys(const Args& args) {
  trace::NsysImportOptions o;
  std::string mlp_models;
  // Parsed as signed so "-5" is reported, not wrapped around to a huge unsigned value.
  int64_t width = 1920, height = 1080;
  po::options_description visible("options");
  visible.add_options()("help,h", "print this help")(
      "output,o", po::value<std::string>()->value_name("FILE"), "trace file to write (required)")(
      "app", po::value<std::string>(&o.app)->value_name("NAME"),
      "application name for the header (default: --like, else \"unknown\")")(
      "like", po::value<std::string>(&o.like)->value_name("APP"),
      "take the models from this app's defaults: nerf, nsdf, nvr or gia (default: --app)")(
      "models", po::value<std::string>(&o.models_file)->value_name("FILE"),
      "take the models from FILE: {\"encodings\": [...], \"mlps\": [...]} or a trace")(
      "width", po::value<int64_t>(&width)->default_value(1920)->value_name("W"),
      "frame width (pixels)")("height",
                              po::value<int64_t>(&height)->default_value(1080)->value_name("H"),
                              "frame height (pixels)")(
      "spp", po::value<double>(&o.samples_per_pixel)->default_value(1)->value_name("N"),
      "samples per pixel")("seed", po::value<uint64_t>(&o.seed)->default_value(0)->value_name("N"),
                           "seed recorded in the header")(
      "frame-marker", po::value<std::string>(&o.frame_marker)->value_name("TEXT"),
      "a frame starts at each kernel whose name contains this text (default: the first "
      "kernel's full name); kernels before the first marker are dropped")(
      "frame-gap-ns", po::value<double>(&o.frame_gap_ns)->default_value(0)->value_name("NS"),
      "instead of a marker: a frame starts after the GPU idles longer than this (ns)")(
      "encode-model", po::value<std::string>(&o.encode_model)->value_name("NAME"),
      "encoding of the encode kernels (default: the first declared)")(
      "mlp-models", po::value<std::string>(&mlp_models)->value_name("A,B,..."),
      "MLPs of the 1st, 2nd, ... MLP kernel after each encode kernel, comma-separated "
      "(default: the declared MLPs in order; the last repeats)")(
      "no-steps", "do not group kernels into steps (every kernel standalone)");
  po::options_description all;
  all.add(visible);
  all.add_options()("csv", po::value<std::string>(&o.csv_path), "CSV file");
  po::positional_options_description positional;
  positional.add("csv", 1);
  po::variables_map vm;
  const std::vector<std::string> rest(args.begin() + 2, args.end());
  po::store(po::command_line_parser(rest).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kImportUsage << "\n" << visible;
    return 0;
  }
  if (o.csv_path.empty()) {
    throw InputError("missing the CSV FILE (try ngpc-sim trace import-nsys --help)");
  }
  if (!vm.count("output")) throw InputError("missing -o/--output TRACE.json");
  if (!(o.frame_gap_ns >= 0) || !std::isfinite(o.frame_gap_ns)) {
    throw InputError("--frame-gap-ns: expected a duration >= 0 ns, got " +
                     std::to_string(o.frame_gap_ns));
  }
  if (o.frame_gap_ns > 0 && !o.frame_marker.empty()) {
    throw InputError("--frame-marker and --frame-gap-ns exclude each other: pick one rule");
  }
  if (!o.like.empty() && !o.models_file.empty()) {
    throw InputError("--like and --models exclude each other: pick one source of models");
  }
  for (auto [name, v] : {std::pair<const char*, int64_t>{"--width", width}, {"--height", height}}) {
    if (v < 1 || v > trace::kMaxResolution) {
      throw InputError(std::string(name) + ": expected 1.." +
                       std::to_string(trace::kMaxResolution) + " pixels, got " + std::to_string(v));
    }
  }
  o.width = static_cast<uint32_t>(width);
  o.height = static_cast<uint32_t>(height);
  if (!(o.samples_per_pixel > 0 && o.samples_per_pixel <= trace::kMaxSamplesPerPixel)) {
    throw InputError("--spp: expected a number > 0 and <= 65536");
  }
  o.mlp_models = split_list(mlp_models);
  o.steps = vm.count("no-steps") == 0;

  trace::NsysImportStats stats;
  const trace::Trace t = trace::import_nsys(o, &stats);
  const std::string out = vm["output"].as<std::string>();
  trace::write_trace(out, t);
  const trace::TraceSummary s = trace::summarize(t);
  std::cout << "wrote " << out << ": " << s.frames << " frames, " << s.total.kernels << " kernels ("
            << s.encode.kernels << " encode, " << s.mlp.kernels << " mlp, " << s.gpu.kernels
            << " gpu) from " << stats.rows << " CSV rows; skipped " << stats.skipped_memops
            << " memcpy/memset, " << stats.skipped_other << " other non-kernel rows, "
            << stats.before_first_frame << " kernels before the first frame\n";
  return 0;
}

}  // namespace

int cmd_trace(const Args& args) {
  const std::string verb = args.size() > 1 ? args[1] : "";
  if (verb == "--help" || verb == "-h" || verb == "help") {
    std::cout << kTraceUsage;
    return 0;
  }
  if (verb == "gen") return cmd_trace_gen(args);
  if (verb == "info") return trace_info(args);
  if (verb == "import-nsys") return trace_import_nsys(args);
  std::cerr << (verb.empty() ? std::string("ngpc-sim trace: error: missing verb\n")
                             : "ngpc-sim trace: error: unknown verb '" + verb + "'\n")
            << kTraceUsage;
  return 2;
}

}  // namespace ngpc::cli
