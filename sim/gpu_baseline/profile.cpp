#include "sim/gpu_baseline/profile.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "sim/config/units.h"
#include "sim/error.h"
#include "sim/json/parse.h"
#include "sim/json/value.h"

namespace ngpc::gpu {
namespace {

using nlohmann::json;

// How a parameter is written in the file: a quantity string of a unit family, a plain number, a
// whole number or a JSON boolean.
enum class Kind { kQuantity, kNumber, kCount, kFlag };

struct ParamSpec {
  const char* key;
  Kind kind;
  UnitFamily family;  // for kQuantity
  double GpuProfile::*member;
  uint32_t GpuProfile::*count_member;
  bool GpuProfile::*flag_member;
  bool fraction;  // must lie in (0, 1]
};

const std::vector<ParamSpec>& param_specs() {
  using G = GpuProfile;
  using U = UnitFamily;
  auto quantity = [](const char* key, U family, double G::*m) {
    return ParamSpec{key, Kind::kQuantity, family, m, nullptr, nullptr, false};
  };
  auto number = [](const char* key, double G::*m, bool fraction = false) {
    return ParamSpec{key, Kind::kNumber, U::kBytes, m, nullptr, nullptr, fraction};
  };
  static const std::vector<ParamSpec> specs = {
      quantity("dram_bandwidth", U::kBandwidth, &G::dram_bandwidth),
      quantity("l2_capacity", U::kBytes, &G::l2_capacity),
      {"sm_count", Kind::kCount, U::kBytes, nullptr, &G::sm_count, nullptr, false},
      number("tensor_macs_per_clock_per_sm", &G::tensor_macs_per_clock_per_sm),
      number("issue_slots_per_clock_per_sm", &G::issue_slots_per_clock_per_sm),
      quantity("dram_sector", U::kBytes, &G::dram_sector_bytes),
      quantity("sm_clock", U::kFrequency, &G::sm_clock_hz),
      {"l2_flush_per_kernel", Kind::kFlag, U::kBytes, nullptr, nullptr, &G::l2_flush_per_kernel,
       false},
      quantity("kernel_launch_overhead", U::kTime, &G::launch_overhead_s),
      number("l2_grid_share", &G::l2_grid_share, true),
      number("encode_ops_per_level", &G::ops_per_level),
      number("encode_ops_per_corner", &G::ops_per_corner),
      number("encode_ops_per_corner_feature", &G::ops_per_corner_feature),
      number("encode_ops_per_dense_index", &G::ops_per_dense_index),
      number("encode_ops_per_hash", &G::ops_per_hash),
      number("encode_ops_per_modulo", &G::ops_per_modulo),
      number("issue_efficiency", &G::issue_efficiency, true),
      number("stream_dram_efficiency", &G::stream_dram_efficiency, true),
      number("encode_dram_efficiency", &G::encode_dram_efficiency, true),
      number("mlp_tensor_efficiency", &G::mlp_tensor_efficiency, true),
      number("rest_dram_efficiency", &G::rest_dram_efficiency, true),
  };
  return specs;
}

// Rest-kernel DRAM bytes [est]; the reasoning per kernel is in configs/gpu/rtx3090.json.
const std::map<std::string, RestKernelBytes>& default_rest_kernels() {
  static const std::map<std::string, RestKernelBytes> k = {
      {"default", {64, 0}},
      {"init_rays_with_payload_kernel_nerf", {64, 0}},
      {"compact_kernel_nerf", {120, 0}},
      {"generate_next_nerf_network_inputs", {80, 32}},
      {"kernel_sh", {64, 0}},
      {"extract_density", {64, 0}},
      {"composite_kernel_nerf", {120, 64}},
      {"shade_kernel_nerf", {40, 0}},
      {"init_rays_with_payload_kernel_sdf", {64, 0}},
      {"compact_kernel_sdf", {80, 0}},
      {"advance_pos_kernel_sdf", {76, 0}},
      {"fd_normals_offset", {48, 0}},
      {"fd_normals_combine", {36, 0}},
      {"prepare_shadow_rays", {96, 0}},
      {"compact_kernel_shadow_sdf", {104, 0}},
      {"write_shadow_ray_result", {48, 0}},
      {"shade_kernel_sdf", {72, 0}},
      {"init_rays_volume", {64, 0}},
      {"volume_render_kernel_step", {140, 0}},
      {"init_image_coords", {16, 0}},
      {"shade_kernel_image", {40, 0}},
  };
  return k;
}

using json_input::Value;

const json_input::JsonKind kProfileFile{"GPU profile", json_input::kMaxSmallFileBytes,
                                        json_input::PathStyle::kPointer, ""};

// Every value of a profile comes with its source: {"value": ..., "source": "..."}.
Value sourced_value(const Value& entry) {
  entry.expect_keys({"value", "source"}, "{\"value\": ..., \"source\": \"...\"}");
  const Value source = entry.find("source");
  if (!source.present()) {
    entry.fail_member("source", "missing; every GPU profile value needs its source");
  }
  source.nonempty_string("the source of the value");
  return entry.get("value");
}

double nonnegative(const Value& v) {
  return v.number(0, std::numeric_limits<double>::max());
}

void read_param(const ParamSpec& spec, const Value& entry, GpuProfile* p) {
  const Value v = sourced_value(entry);
  if (spec.kind == Kind::kFlag) {
    p->*(spec.flag_member) = v.flag();
    return;
  }
  if (spec.kind == Kind::kCount) {
    p->*(spec.count_member) = static_cast<uint32_t>(v.integer(1, 1000000, "a whole number"));
    return;
  }
  double x = 0;
  if (spec.kind == Kind::kQuantity) {
    // A time may be zero (no launch overhead); the other quantities divide or scale.
    x = v.quantity(spec.family, {spec.family != UnitFamily::kTime, nullptr, nullptr});
  } else {
    x = nonnegative(v);
  }
  if (spec.fraction && (x <= 0 || x > 1)) v.expected("a fraction in (0, 1]");
  p->*(spec.member) = x;
}

}  // namespace

const GpuProfile& default_gpu_profile() {
  static const GpuProfile p = [] {
    GpuProfile g;
    g.rest_kernels = default_rest_kernels();
    return g;
  }();
  return p;
}

const GpuProfile& unprofiled_gpu_profile() {
  // The same GPU outside Nsight Compute: boost clock, warm L2
  // (configs/gpu/rtx3090-unprofiled.json).
  static const GpuProfile p = [] {
    GpuProfile g = default_gpu_profile();
    g.name = "rtx3090-unprofiled";
    g.sm_clock_hz = 1.695e9;
    g.l2_flush_per_kernel = false;
    return g;
  }();
  return p;
}

std::vector<std::string> builtin_gpu_profile_names() {
  return {default_gpu_profile().name, unprofiled_gpu_profile().name};
}

GpuProfile load_gpu_profile(const std::string& path) {
  const json doc = json_input::read_json_file(path, kProfileFile);
  const json_input::Source src(path);
  const Value root(doc, src);
  root.expect_keys({"format", "version", "name", "description", "parameters", "rest_kernels"},
                   "a GPU profile");
  const Value format = root.get("format", "\"ngpc-gpu-profile\"");
  if (format.json() != "ngpc-gpu-profile") format.expected("\"ngpc-gpu-profile\"");
  const Value version = root.get("version", "1");
  if (version.json() != 1) version.expected("1 (this ngpc-sim reads version 1)");
  GpuProfile p;
  p.name = root.get("name", "the profile name (used in gpu_time_source)")
               .nonempty_string("the profile name (used in gpu_time_source)");
  const Value params = root.get("parameters", "an object of {value, source} entries");
  std::vector<std::string_view> keys;
  for (const auto& spec : param_specs()) keys.push_back(spec.key);
  params.expect_keys(keys, "an object of {value, source} entries");
  for (const auto& spec : param_specs()) {
    const Value entry = params.find(spec.key);
    if (!entry.present()) params.fail_member(spec.key, "missing (every parameter is required)");
    read_param(spec, entry, &p);
  }
  const Value rest = root.get("rest_kernels", "an object of per-kernel DRAM bytes");
  rest.each_member([&](const std::string& name, const Value& k) {
    k.expect_keys({"bytes_per_element", "bytes_per_sample", "source"}, "per-kernel DRAM bytes");
    const Value source = k.find("source");
    if (!source.present())
      k.fail_member("source", "missing; every GPU profile value needs its source");
    source.string("the source of the value");
    RestKernelBytes b;
    b.bytes_per_element = nonnegative(k.get("bytes_per_element"));
    if (const Value s = k.find("bytes_per_sample"); s.present())
      b.bytes_per_sample = nonnegative(s);
    p.rest_kernels[name] = b;
  });
  if (!p.rest_kernels.count("default")) {
    rest.fail_member("default", "missing; needed for kernels not listed by name");
  }
  return p;
}

GpuProfile gpu_profile_from_arg(const std::string& name_or_path) {
  for (const GpuProfile* p : {&default_gpu_profile(), &unprofiled_gpu_profile()}) {
    if (name_or_path == p->name) return *p;
  }
  return load_gpu_profile(name_or_path);
}

const RestKernelBytes& rest_kernel_bytes(const GpuProfile& profile, const std::string& name) {
  auto it = profile.rest_kernels.find(name);
  if (it != profile.rest_kernels.end()) return it->second;
  it = profile.rest_kernels.find("default");
  // Both the built-in profile and load_gpu_profile guarantee a "default" entry.
  if (it == profile.rest_kernels.end()) throw std::logic_error("GPU profile without \"default\"");
  return it->second;
}

}  // namespace ngpc::gpu
