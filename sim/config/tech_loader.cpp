#include "sim/config/tech_loader.h"

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <regex>
#include <utility>

#include "sim/config/units.h"
#include "sim/error.h"

namespace ngpc {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;
const char* const kOps[] = {"int8_add", "int8_mult", "int32_add", "int32_mult", "int32_xor",
                            "fp16_add", "fp16_mult", "fp32_add",  "fp32_mult"};
const char* const kPrecisions[] = {"fp16", "fp32", "int8"};  // config nfp.mlp.precision

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

// Walks the JSON with the dotted path of each value, so every rejection can name it.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw InputError(origin_ + ": " + (path.empty() ? "(top level)" : path) + ": " + what);
  }

  // An object whose keys must all be in `allowed`.
  const json& object(const json& v, const std::string& path,
                     std::initializer_list<const char*> allowed) const {
    if (!v.is_object()) fail(path, "expected an object, got " + shown(v));
    for (auto it = v.begin(); it != v.end(); ++it) {
      bool known = false;
      for (const char* k : allowed) known = known || it.key() == k;
      if (known) continue;
      std::string list;
      for (const char* k : allowed) list += std::string(list.empty() ? "" : ", ") + k;
      fail(join(path, it.key()), "unknown key (expected one of: " + list + ")");
    }
    return v;
  }

  // An object keyed by node name ("7nm").
  const json& node_map(const json& v, const std::string& path) const {
    static const std::regex kNode("^[0-9]+nm$");
    if (!v.is_object()) fail(path, "expected an object keyed by node name, got " + shown(v));
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!std::regex_match(it.key(), kNode)) {
        fail(join(path, it.key()), "unknown key (expected a node name such as \"7nm\")");
      }
    }
    return v;
  }

  const json& member(const json& obj, const std::string& path, const char* key) const {
    const auto it = obj.find(key);
    if (it == obj.end()) fail(join(path, key), "missing required field");
    return *it;
  }

  std::string text(const json& obj, const std::string& path, const char* key) const {
    const json& v = member(obj, path, key);
    if (!v.is_string() || v.get<std::string>().empty()) {
      fail(join(path, key), "expected a non-empty string, got " + shown(v));
    }
    return v.get<std::string>();
  }

  void source(const json& obj, const std::string& path) const { text(obj, path, "source"); }

  // A quantity string ("0.4 pJ") in base units; zero is rejected where a log or a divisor needs
  // a positive value.
  double quantity(const json& v, const std::string& path, UnitFamily family, bool positive) const {
    if (!v.is_string()) {
      fail(path, "expected a quantity string (" + unit_family_name(family) + ") such as \"" +
                     unit_family_example(family) + "\", got " + shown(v));
    }
    double x = 0;
    try {
      x = parse_quantity(v.get<std::string>(), family);
    } catch (const InputError& e) {
      fail(path, e.what());
    }
    if (positive && !(x > 0)) fail(path, "expected a positive quantity, got " + shown(v));
    return x;
  }

  // {"value": "<quantity>", "source": "..."}
  double quantity_leaf(const json& parent, const std::string& path, const char* key,
                       UnitFamily family, bool positive = false) const {
    const std::string p = join(path, key);
    const json& leaf = object(member(parent, path, key), p, {"value", "source"});
    source(leaf, p);
    return quantity(member(leaf, p, "value"), join(p, "value"), family, positive);
  }

  // {"value": <number in [lo, hi], or (lo, hi] if lo_open>, "source": "..."}
  double number_leaf(const json& parent, const std::string& path, const char* key, double lo,
                     double hi, bool lo_open) const {
    const std::string p = join(path, key);
    const json& leaf = object(member(parent, path, key), p, {"value", "source"});
    source(leaf, p);
    const json& v = member(leaf, p, "value");
    const bool in_range = v.is_number() &&
                          (lo_open ? v.get<double>() > lo : v.get<double>() >= lo) &&
                          v.get<double>() <= hi && std::isfinite(v.get<double>());
    if (!in_range) {
      fail(join(p, "value"), std::string("expected a number in ") + (lo_open ? "(" : "[") +
                                 json(lo).dump() + ", " + json(hi).dump() + "], got " + shown(v));
    }
    return v.get<double>();
  }

  uint32_t integer_leaf(const json& parent, const std::string& path, const char* key, uint32_t lo,
                        uint32_t hi) const {
    const std::string p = join(path, key);
    const json& leaf = object(member(parent, path, key), p, {"value", "source"});
    source(leaf, p);
    const json& v = member(leaf, p, "value");
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
      fail(join(p, "value"), "expected an integer in [" + std::to_string(lo) + ", " +
                                 std::to_string(hi) + "], got " + shown(v));
    }
    return static_cast<uint32_t>(v.get<int64_t>());
  }

 private:
  std::string origin_;
};

struct Factors {
  double area = 1, energy = 1, delay = 1, leakage = 1;
};

Factors read_factors(const Reader& r, const json& table, const std::string& base_node,
                     const std::string& node) {
  const json& scaling = r.node_map(r.member(table, "", "scaling"), "scaling");
  for (auto it = scaling.begin(); it != scaling.end(); ++it) {
    const std::string p = join("scaling", it.key());
    if (it.key() == base_node) r.fail(p, "the base node needs no scaling factors");
    r.object(it.value(), p, {"area", "energy", "delay", "leakage_power"});
    // Validate every node's factors, not only the requested one, so a broken table fails early.
    for (const char* f : {"area", "energy", "delay", "leakage_power"}) {
      r.number_leaf(it.value(), p, f, 0, 1e6, /*lo_open=*/true);
    }
  }
  Factors out;
  if (node == base_node) return out;
  if (!scaling.contains(node)) {
    std::string have = base_node + " (base)";
    for (auto it = scaling.begin(); it != scaling.end(); ++it) have += ", " + it.key();
    r.fail(join("scaling", node),
           "no scaling factors for node \"" + node + "\" (the table supports: " + have + ")");
  }
  const json& f = scaling.at(node);
  const std::string p = join("scaling", node);
  out.area = r.number_leaf(f, p, "area", 0, 1e6, true);
  out.energy = r.number_leaf(f, p, "energy", 0, 1e6, true);
  out.delay = r.number_leaf(f, p, "delay", 0, 1e6, true);
  out.leakage = r.number_leaf(f, p, "leakage_power", 0, 1e6, true);
  return out;
}

void read_ops(const Reader& r, const json& table, TechTable& t) {
  const json& ops = r.member(table, "", "ops");
  r.object(ops, "ops",
           {"int8_add", "int8_mult", "int32_add", "int32_mult", "int32_xor", "fp16_add",
            "fp16_mult", "fp32_add", "fp32_mult"});
  OpCost* dst[] = {&t.int8_add, &t.int8_mult, &t.int32_add, &t.int32_mult, &t.int32_xor,
                   &t.fp16_add, &t.fp16_mult, &t.fp32_add,  &t.fp32_mult};
  for (size_t i = 0; i < std::size(kOps); ++i) {
    const std::string p = join("ops", kOps[i]);
    const json& op = r.object(r.member(ops, "ops", kOps[i]), p, {"energy", "area"});
    dst[i]->energy_j = r.quantity_leaf(op, p, "energy", UnitFamily::kEnergy);
    dst[i]->area_mm2 = r.quantity_leaf(op, p, "area", UnitFamily::kArea);
  }

  const json& mac = r.object(r.member(table, "", "mac"), "mac", {"fp16", "fp32", "int8"});
  auto op_named = [&](const json& entry, const std::string& path, const char* key) {
    const std::string name = r.text(entry, path, key);
    for (size_t i = 0; i < std::size(kOps); ++i) {
      if (name == kOps[i]) return *dst[i];
    }
    r.fail(join(path, key), "expected the name of an entry of \"ops\", got \"" + name + "\"");
  };
  for (const char* prec : kPrecisions) {
    const std::string p = join("mac", prec);
    const json& entry = r.object(r.member(mac, "mac", prec), p, {"mult", "add", "source"});
    r.source(entry, p);
    const OpCost mult = op_named(entry, p, "mult");
    const OpCost add = op_named(entry, p, "add");
    t.mac[prec] = OpCost{mult.energy_j + add.energy_j, mult.area_mm2 + add.area_mm2};
  }

  const json& act =
      r.object(r.member(table, "", "activation_unit_op"), "activation_unit_op", {"energy"});
  t.activation_unit_op_j =
      r.quantity_leaf(act, "activation_unit_op", "energy", UnitFamily::kEnergy);
}

void read_sram(const Reader& r, const json& table, const std::string& node, TechTable& t) {
  const json& sram = r.object(r.member(table, "", "sram"), "sram",
                              {"reference_access", "read_energy", "write_to_read_energy_ratio",
                               "bit_cell_area", "bit_cell_area_at_node", "array_efficiency"});
  t.sram_ref_access_bytes =
      r.quantity_leaf(sram, "sram", "reference_access", UnitFamily::kBytes, true);

  const json& pts = r.member(sram, "sram", "read_energy");
  if (!pts.is_array() || pts.size() < 2) {
    r.fail("sram.read_energy",
           "expected an array of at least 2 {capacity, energy, source} "
           "points, got " +
               shown(pts));
  }
  for (size_t i = 0; i < pts.size(); ++i) {
    const std::string p = "sram.read_energy[" + std::to_string(i) + "]";
    const json& pt = r.object(pts[i], p, {"capacity", "energy", "source"});
    r.source(pt, p);
    SramPoint s;
    // Both must be positive: the interpolation is log-log.
    s.capacity_bytes =
        r.quantity(r.member(pt, p, "capacity"), join(p, "capacity"), UnitFamily::kBytes, true);
    s.read_j = r.quantity(r.member(pt, p, "energy"), join(p, "energy"), UnitFamily::kEnergy, true);
    if (!t.sram_read.empty() && s.capacity_bytes <= t.sram_read.back().capacity_bytes) {
      r.fail(join(p, "capacity"), "expected capacities in increasing order, got " +
                                      shown(pt.at("capacity")) + " after " +
                                      shown(pts[i - 1].at("capacity")));
    }
    t.sram_read.push_back(s);
  }
  t.sram_write_to_read =
      r.number_leaf(sram, "sram", "write_to_read_energy_ratio", 0, 100, /*lo_open=*/false);
  t.sram_bit_cell_area_mm2 =
      r.quantity_leaf(sram, "sram", "bit_cell_area", UnitFamily::kArea, true);
  t.sram_array_efficiency = r.number_leaf(sram, "sram", "array_efficiency", 0, 1, true);

  // A bit cell measured at the requested node beats the scaled base-node cell (scaling
  // equations fit logic, not SRAM, whose cells shrank less). Validate every entry.
  t.sram_bit_cell_direct = false;
  if (sram.contains("bit_cell_area_at_node")) {
    const std::string p = "sram.bit_cell_area_at_node";
    const json& by_node = r.node_map(sram.at("bit_cell_area_at_node"), p);
    for (auto it = by_node.begin(); it != by_node.end(); ++it) {
      const double a = r.quantity_leaf(by_node, p, it.key().c_str(), UnitFamily::kArea, true);
      if (it.key() == node) {
        t.sram_bit_cell_area_mm2 = a;
        t.sram_bit_cell_direct = true;
      }
    }
  }
}

void read_rest(const Reader& r, const json& table, TechTable& t) {
  const json& l2 = r.object(r.member(table, "", "l2"), "l2", {"link_energy_per_byte"});
  t.l2_link_j_per_byte = r.quantity_leaf(l2, "l2", "link_energy_per_byte", UnitFamily::kEnergy);

  const json& dram = r.object(r.member(table, "", "dram"), "dram", {"energy_per_bit"});
  t.dram_j_per_byte = 8 * r.quantity_leaf(dram, "dram", "energy_per_bit", UnitFamily::kEnergy);

  // Power per mm2: the value is a power, the key says "per mm2".
  const json& leak = r.object(r.member(table, "", "leakage"), "leakage",
                              {"logic_power_per_mm2", "sram_power_per_mm2"});
  t.logic_leakage_w_per_mm2 =
      r.quantity_leaf(leak, "leakage", "logic_power_per_mm2", UnitFamily::kPower);
  t.sram_leakage_w_per_mm2 =
      r.quantity_leaf(leak, "leakage", "sram_power_per_mm2", UnitFamily::kPower);

  const json& area =
      r.object(r.member(table, "", "area"), "area", {"nfp_control_fraction", "dispatcher"});
  t.nfp_control_fraction = r.number_leaf(area, "area", "nfp_control_fraction", 0, 10, false);
  t.dispatcher_area_mm2 = r.quantity_leaf(area, "area", "dispatcher", UnitFamily::kArea);

  const json& sizing = r.object(r.member(table, "", "sizing"), "sizing",
                                {"level_unit_dims", "level_unit_features",
                                 "fifo_features_per_query", "fifo_bytes_per_feature"});
  t.level_unit_dims = r.integer_leaf(sizing, "sizing", "level_unit_dims", 2, 3);
  t.level_unit_features = r.integer_leaf(sizing, "sizing", "level_unit_features", 1, 1024);
  t.fifo_features_per_query = r.integer_leaf(sizing, "sizing", "fifo_features_per_query", 1, 65536);
  t.fifo_bytes_per_feature =
      r.quantity_leaf(sizing, "sizing", "fifo_bytes_per_feature", UnitFamily::kBytes, true);
}

// The one place node scaling happens. DRAM is off chip and never scaled; a bit cell given for
// the node is already at the node.
void scale(TechTable& t, const Factors& f) {
  t.area_scale = f.area;
  t.energy_scale = f.energy;
  t.delay_scale = f.delay;
  t.leakage_scale = f.leakage;
  for (OpCost* op : {&t.int8_add, &t.int8_mult, &t.int32_add, &t.int32_mult, &t.int32_xor,
                     &t.fp16_add, &t.fp16_mult, &t.fp32_add, &t.fp32_mult}) {
    op->energy_j *= f.energy;
    op->area_mm2 *= f.area;
  }
  for (auto& [prec, op] : t.mac) {
    op.energy_j *= f.energy;
    op.area_mm2 *= f.area;
  }
  t.activation_unit_op_j *= f.energy;
  for (SramPoint& p : t.sram_read) p.read_j *= f.energy;
  if (!t.sram_bit_cell_direct) t.sram_bit_cell_area_mm2 *= f.area;
  t.l2_link_j_per_byte *= f.energy;
  // Leakage per circuit scales by f.leakage while the circuit's area scales by f.area.
  t.logic_leakage_w_per_mm2 *= f.leakage / f.area;
  t.sram_leakage_w_per_mm2 *= f.leakage / f.area;
  t.dispatcher_area_mm2 *= f.area;
}

}  // namespace

TechTable tech_table_from_json(const json& table, const std::string& node,
                               const std::string& origin) {
  const Reader r(origin);
  r.object(table, "",
           {"format_version", "name", "description", "base_node", "ops", "mac",
            "activation_unit_op", "sram", "l2", "dram", "leakage", "area", "sizing", "scaling"});
  const json& version = r.member(table, "", "format_version");
  if (version != kFormatVersion) {
    r.fail("format_version",
           "expected " + std::to_string(kFormatVersion) + ", got " + shown(version));
  }
  TechTable t;
  t.name = r.text(table, "", "name");
  if (table.contains("description")) r.text(table, "", "description");
  t.base_node = r.text(table, "", "base_node");
  static const std::regex kNode("^[0-9]+nm$");
  if (!std::regex_match(t.base_node, kNode)) {
    r.fail("base_node", "expected a node name such as \"45nm\", got \"" + t.base_node + "\"");
  }
  if (!std::regex_match(node, kNode)) {
    throw InputError(origin + ": requested node \"" + node +
                     "\" is not a node name such as \"7nm\" (config tech.node)");
  }
  t.node = node;
  const Factors f = read_factors(r, table, t.base_node, node);
  read_ops(r, table, t);
  read_sram(r, table, node, t);
  read_rest(r, table, t);
  scale(t, f);
  return t;
}

TechTable load_tech_table(const std::string& path, const std::string& node) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open technology table");
  json table;
  try {
    table = json::parse(in);
  } catch (const json::parse_error& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
  return tech_table_from_json(table, node, path);
}

}  // namespace ngpc
