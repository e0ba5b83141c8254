#include "sim/gpu_baseline/profile.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sim/config/units.h"
#include "sim/error.h"

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

[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& msg) {
  throw InputError(file + ": " + path + ": " + msg);
}

std::string show(const json& j) {
  std::string s = j.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

void only_keys(const std::string& file, const std::string& path, const json& j,
               const std::vector<std::string>& allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == it.key();
    if (!ok) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(file, path + "/" + it.key(), "unknown key; expected one of: " + list);
    }
  }
}

double finite_nonnegative(const std::string& file, const std::string& path, const json& v) {
  if (!v.is_number()) fail(file, path, "expected a number, got " + show(v));
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < 0) fail(file, path, "expected a number >= 0, got " + show(v));
  return x;
}

void read_param(const std::string& file, const std::string& path, const ParamSpec& spec,
                const json& entry, GpuProfile* p) {
  if (!entry.is_object()) {
    fail(file, path, "expected {\"value\": ..., \"source\": \"...\"}, got " + show(entry));
  }
  only_keys(file, path, entry, {"value", "source"});
  if (!entry.contains("value")) fail(file, path + "/value", "missing");
  if (!entry.contains("source") || !entry["source"].is_string() ||
      entry["source"].get<std::string>().empty()) {
    fail(file, path + "/source", "missing; every GPU profile value needs its source");
  }
  const json& v = entry["value"];
  const std::string vpath = path + "/value";
  if (spec.kind == Kind::kFlag) {
    if (!v.is_boolean()) fail(file, vpath, "expected true or false, got " + show(v));
    p->*(spec.flag_member) = v.get<bool>();
    return;
  }
  double x = 0;
  if (spec.kind == Kind::kQuantity) {
    if (!v.is_string()) {
      fail(file, vpath,
           "expected a " + unit_family_name(spec.family) + " quantity string such as \"" +
               unit_family_example(spec.family) + "\", got " + show(v));
    }
    try {
      x = parse_quantity(v.get<std::string>(), spec.family);
    } catch (const InputError& e) {
      fail(file, vpath, e.what());
    }
  } else {
    x = finite_nonnegative(file, vpath, v);
  }
  if (spec.kind == Kind::kCount) {
    if (x < 1 || x > 1e6 || std::floor(x) != x) {
      fail(file, vpath, "expected a whole number >= 1, got " + show(v));
    }
    p->*(spec.count_member) = static_cast<uint32_t>(x);
    return;
  }
  if (spec.fraction && (x <= 0 || x > 1)) {
    fail(file, vpath, "expected a fraction in (0, 1], got " + show(v));
  }
  if (!spec.fraction && spec.kind == Kind::kQuantity && x <= 0 &&
      spec.family != UnitFamily::kTime) {
    fail(file, vpath, "expected a quantity > 0, got " + show(v));
  }
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
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the GPU profile");
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().size() > (16u << 20)) throw InputError(path + ": GPU profile larger than 16 MiB");
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw InputError(path + ": bad JSON: " + e.what());
  }
  if (!doc.is_object()) fail(path, "", "expected a JSON object (a GPU profile)");
  only_keys(path, "", doc,
            {"format", "version", "name", "description", "parameters", "rest_kernels"});
  if (doc.value("format", json()) != "ngpc-gpu-profile") {
    fail(path, "/format", "expected \"ngpc-gpu-profile\"");
  }
  if (doc.value("version", json()) != 1) fail(path, "/version", "expected 1");
  GpuProfile p;
  if (!doc.contains("name") || !doc["name"].is_string() || doc["name"].get<std::string>().empty()) {
    fail(path, "/name", "missing; expected the profile name (used in gpu_time_source)");
  }
  p.name = doc["name"].get<std::string>();
  if (!doc.contains("parameters") || !doc["parameters"].is_object()) {
    fail(path, "/parameters", "missing; expected an object of {value, source} entries");
  }
  const json& params = doc["parameters"];
  std::vector<std::string> keys;
  for (const auto& s : param_specs()) keys.push_back(s.key);
  only_keys(path, "/parameters", params, keys);
  for (const auto& spec : param_specs()) {
    const std::string ppath = std::string("/parameters/") + spec.key;
    if (!params.contains(spec.key)) fail(path, ppath, "missing (every parameter is required)");
    read_param(path, ppath, spec, params[spec.key], &p);
  }
  if (!doc.contains("rest_kernels") || !doc["rest_kernels"].is_object()) {
    fail(path, "/rest_kernels", "missing; expected an object of per-kernel DRAM bytes");
  }
  for (auto it = doc["rest_kernels"].begin(); it != doc["rest_kernels"].end(); ++it) {
    const std::string kpath = "/rest_kernels/" + it.key();
    const json& k = it.value();
    if (!k.is_object()) fail(path, kpath, "expected an object, got " + show(k));
    only_keys(path, kpath, k, {"bytes_per_element", "bytes_per_sample", "source"});
    if (!k.contains("bytes_per_element")) fail(path, kpath + "/bytes_per_element", "missing");
    if (!k.contains("source") || !k["source"].is_string()) {
      fail(path, kpath + "/source", "missing; every GPU profile value needs its source");
    }
    RestKernelBytes b;
    b.bytes_per_element =
        finite_nonnegative(path, kpath + "/bytes_per_element", k["bytes_per_element"]);
    if (k.contains("bytes_per_sample")) {
      b.bytes_per_sample =
          finite_nonnegative(path, kpath + "/bytes_per_sample", k["bytes_per_sample"]);
    }
    p.rest_kernels[it.key()] = b;
  }
  if (!p.rest_kernels.count("default")) {
    fail(path, "/rest_kernels/default", "missing; needed for kernels not listed by name");
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
