#include "sim/config/tech_loader.h"

#include <regex>

#include "sim/config/units.h"
#include "sim/error.h"
#include "sim/json/parse.h"
#include "sim/json/value.h"

namespace ngpc {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;
const char* const kOps[] = {"int8_add", "int8_mult", "int32_add", "int32_mult", "int32_xor",
                            "fp16_add", "fp16_mult", "fp32_add",  "fp32_mult"};
const char* const kPrecisions[] = {"fp16", "fp32", "int8"};  // config nfp.mlp.precision

using json_input::Value;

const json_input::JsonKind kTechFile{"technology table", json_input::kMaxSmallFileBytes,
                                     json_input::PathStyle::kDotted, ""};

bool is_node_name(const std::string& s) {
  static const std::regex kNode("^[0-9]+nm$");
  return std::regex_match(s, kNode);
}

// An object keyed by node name ("7nm").
void expect_node_map(const Value& v) {
  v.expect_object("an object keyed by node name");
  v.each_member([](const std::string& key, const Value& member) {
    if (!is_node_name(key)) member.fail("unknown key (expected a node name such as \"7nm\")");
  });
}

void source(const Value& obj) {
  obj.get("source").nonempty_string("the source of the value");
}

// {"value": "<quantity>", "source": "..."}; zero is rejected where a log or a divisor needs a
// positive value.
double quantity_leaf(const Value& parent, const char* key, UnitFamily family,
                     bool positive = false) {
  const Value leaf = parent.get(key);
  leaf.expect_keys({"value", "source"}, "{\"value\": ..., \"source\": \"...\"}");
  source(leaf);
  return leaf.get("value").quantity(family, {positive, nullptr, nullptr});
}

// {"value": <number in [lo, hi], or (lo, hi] if lo_open>, "source": "..."}
double number_leaf(const Value& parent, const char* key, double lo, double hi, bool lo_open) {
  const Value leaf = parent.get(key);
  leaf.expect_keys({"value", "source"}, "{\"value\": ..., \"source\": \"...\"}");
  source(leaf);
  return leaf.get("value").number(lo, hi, {}, lo_open);
}

uint32_t integer_leaf(const Value& parent, const char* key, uint32_t lo, uint32_t hi) {
  const Value leaf = parent.get(key);
  leaf.expect_keys({"value", "source"}, "{\"value\": ..., \"source\": \"...\"}");
  source(leaf);
  return static_cast<uint32_t>(leaf.get("value").integer(lo, hi));
}

struct Factors {
  double area = 1, energy = 1, delay = 1, leakage = 1;
};

Factors read_factors(const Value& table, const std::string& base_node, const std::string& node) {
  const Value scaling = table.get("scaling");
  expect_node_map(scaling);
  // Validate every node's factors, not only the requested one, so a broken table fails early.
  scaling.each_member([&](const std::string& key, const Value& f) {
    if (key == base_node) f.fail("the base node needs no scaling factors");
    f.expect_keys({"area", "energy", "delay", "leakage_power"});
    for (const char* k : {"area", "energy", "delay", "leakage_power"}) {
      number_leaf(f, k, 0, 1e6, /*lo_open=*/true);
    }
  });
  Factors out;
  if (node == base_node) return out;
  const Value f = scaling.find(node);
  if (!f.present()) {
    std::string have = base_node + " (base)";
    for (auto it = scaling.json().begin(); it != scaling.json().end(); ++it)
      have += ", " + it.key();
    scaling.fail_member(
        node, "no scaling factors for node \"" + node + "\" (the table supports: " + have + ")");
  }
  out.area = number_leaf(f, "area", 0, 1e6, true);
  out.energy = number_leaf(f, "energy", 0, 1e6, true);
  out.delay = number_leaf(f, "delay", 0, 1e6, true);
  out.leakage = number_leaf(f, "leakage_power", 0, 1e6, true);
  return out;
}

void read_ops(const Value& table, TechTable& t) {
  const Value ops = table.get("ops");
  ops.expect_keys({"int8_add", "int8_mult", "int32_add", "int32_mult", "int32_xor", "fp16_add",
                   "fp16_mult", "fp32_add", "fp32_mult"});
  OpCost* dst[] = {&t.int8_add, &t.int8_mult, &t.int32_add, &t.int32_mult, &t.int32_xor,
                   &t.fp16_add, &t.fp16_mult, &t.fp32_add,  &t.fp32_mult};
  for (size_t i = 0; i < std::size(kOps); ++i) {
    const Value op = ops.get(kOps[i]);
    op.expect_keys({"energy", "area"});
    dst[i]->energy_j = quantity_leaf(op, "energy", UnitFamily::kEnergy);
    dst[i]->area_mm2 = quantity_leaf(op, "area", UnitFamily::kArea);
  }

  const Value mac = table.get("mac");
  mac.expect_keys({"fp16", "fp32", "int8"});
  auto op_named = [&](const Value& entry, const char* key) {
    const Value v = entry.get(key);
    const std::string name = v.nonempty_string();
    for (size_t i = 0; i < std::size(kOps); ++i) {
      if (name == kOps[i]) return *dst[i];
    }
    v.fail("expected the name of an entry of \"ops\", got \"" + name + "\"");
  };
  for (const char* prec : kPrecisions) {
    const Value entry = mac.get(prec);
    entry.expect_keys({"mult", "add", "source"});
    source(entry);
    const OpCost mult = op_named(entry, "mult");
    const OpCost add = op_named(entry, "add");
    t.mac[prec] = OpCost{mult.energy_j + add.energy_j, mult.area_mm2 + add.area_mm2};
  }

  const Value act = table.get("activation_unit_op");
  act.expect_keys({"energy"});
  t.activation_unit_op_j = quantity_leaf(act, "energy", UnitFamily::kEnergy);
}

void read_sram(const Value& table, const std::string& node, TechTable& t) {
  const Value sram = table.get("sram");
  sram.expect_keys({"reference_access", "read_energy", "write_to_read_energy_ratio",
                    "bit_cell_area", "bit_cell_area_at_node", "array_efficiency"});
  t.sram_ref_access_bytes = quantity_leaf(sram, "reference_access", UnitFamily::kBytes, true);

  const Value pts = sram.get("read_energy");
  const size_t n =
      pts.expect_array(2, 1000, "an array of 2 to 1000 {capacity, energy, source} points");
  for (size_t i = 0; i < n; ++i) {
    const Value pt = pts.at(i);
    pt.expect_keys({"capacity", "energy", "source"});
    source(pt);
    SramPoint s;
    // Both must be positive: the interpolation is log-log.
    const Value capacity = pt.get("capacity");
    s.capacity_bytes = capacity.quantity(UnitFamily::kBytes, {true, nullptr, nullptr});
    s.read_j = pt.get("energy").quantity(UnitFamily::kEnergy, {true, nullptr, nullptr});
    if (!t.sram_read.empty() && s.capacity_bytes <= t.sram_read.back().capacity_bytes) {
      capacity.fail("expected capacities in increasing order, got " +
                    json_input::show(capacity.json()) + " after " +
                    json_input::show(pts.json()[i - 1].at("capacity")));
    }
    t.sram_read.push_back(s);
  }
  t.sram_write_to_read = number_leaf(sram, "write_to_read_energy_ratio", 0, 100, false);
  t.sram_bit_cell_area_mm2 = quantity_leaf(sram, "bit_cell_area", UnitFamily::kArea, true);
  t.sram_array_efficiency = number_leaf(sram, "array_efficiency", 0, 1, true);

  // A bit cell measured at the requested node beats the scaled base-node cell (scaling
  // equations fit logic, not SRAM, whose cells shrank less). Validate every entry.
  t.sram_bit_cell_direct = false;
  if (const Value by_node = sram.find("bit_cell_area_at_node"); by_node.present()) {
    expect_node_map(by_node);
    for (auto it = by_node.json().begin(); it != by_node.json().end(); ++it) {
      const double a = quantity_leaf(by_node, it.key().c_str(), UnitFamily::kArea, true);
      if (it.key() == node) {
        t.sram_bit_cell_area_mm2 = a;
        t.sram_bit_cell_direct = true;
      }
    }
  }
}

void read_rest(const Value& table, TechTable& t) {
  const Value l2 = table.get("l2");
  l2.expect_keys({"link_energy_per_byte"});
  t.l2_link_j_per_byte = quantity_leaf(l2, "link_energy_per_byte", UnitFamily::kEnergy);

  const Value dram = table.get("dram");
  dram.expect_keys({"energy_per_bit"});
  t.dram_j_per_byte = 8 * quantity_leaf(dram, "energy_per_bit", UnitFamily::kEnergy);

  // Power per mm2: the value is a power, the key says "per mm2".
  const Value leak = table.get("leakage");
  leak.expect_keys({"logic_power_per_mm2", "sram_power_per_mm2"});
  t.logic_leakage_w_per_mm2 = quantity_leaf(leak, "logic_power_per_mm2", UnitFamily::kPower);
  t.sram_leakage_w_per_mm2 = quantity_leaf(leak, "sram_power_per_mm2", UnitFamily::kPower);

  const Value area = table.get("area");
  area.expect_keys({"nfp_control_fraction", "dispatcher"});
  t.nfp_control_fraction = number_leaf(area, "nfp_control_fraction", 0, 10, false);
  t.dispatcher_area_mm2 = quantity_leaf(area, "dispatcher", UnitFamily::kArea);

  const Value sizing = table.get("sizing");
  sizing.expect_keys({"level_unit_dims", "level_unit_features", "fifo_features_per_query",
                      "fifo_bytes_per_feature"});
  t.level_unit_dims = integer_leaf(sizing, "level_unit_dims", 2, 3);
  t.level_unit_features = integer_leaf(sizing, "level_unit_features", 1, 1024);
  t.fifo_features_per_query = integer_leaf(sizing, "fifo_features_per_query", 1, 65536);
  t.fifo_bytes_per_feature =
      quantity_leaf(sizing, "fifo_bytes_per_feature", UnitFamily::kBytes, true);
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

TechTable tech_table_from_json(const json& doc, const std::string& node,
                               const std::string& origin) {
  const json_input::Source src(origin, json_input::PathStyle::kDotted);
  const Value table(doc, src);
  if (json_input::nesting_depth(doc) > json_input::kMaxDepth) table.fail("nested too deep");
  table.expect_keys({"format_version", "name", "description", "base_node", "ops", "mac",
                     "activation_unit_op", "sram", "l2", "dram", "leakage", "area", "sizing",
                     "scaling"});
  const Value version = table.get("format_version");
  if (version.json() != kFormatVersion) version.expected(std::to_string(kFormatVersion));
  TechTable t;
  t.name = table.get("name").nonempty_string();
  if (const Value d = table.find("description"); d.present()) d.nonempty_string();
  const Value base = table.get("base_node");
  t.base_node = base.nonempty_string();
  if (!is_node_name(t.base_node)) {
    base.fail("expected a node name such as \"45nm\", got \"" + t.base_node + "\"");
  }
  if (!is_node_name(node)) {
    throw InputError(origin + ": requested node \"" + node +
                     "\" is not a node name such as \"7nm\" (config tech.node)");
  }
  t.node = node;
  const Factors f = read_factors(table, t.base_node, node);
  read_ops(table, t);
  read_sram(table, node, t);
  read_rest(table, t);
  scale(t, f);
  return t;
}

TechTable load_tech_table(const std::string& path, const std::string& node) {
  return tech_table_from_json(json_input::read_json_file(path, kTechFile), node, path);
}

}  // namespace ngpc
