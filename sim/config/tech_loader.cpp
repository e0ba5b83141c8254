#include "sim/config/tech_loader.h"

#include <array>
#include <map>
#include <regex>

#include "sim/config/units.h"
#include "sim/error.h"
#include "sim/json/parse.h"
#include "sim/json/value.h"

namespace ngpc {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 2;
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

// The SRAM arrays of the table (CACTI shapes with figures per node), by role.
const char* const kSramRoles[] = {"grid_sram", "weight_buffer", "activation_buffer", "fifo", "l2"};
constexpr size_t kRoles = std::size(kSramRoles);

SramArray* role_of(SramSet& set, size_t i) {
  SramArray* roles[] = {&set.grid_sram, &set.weight_buffer, &set.activation_buffer, &set.fifo,
                        &set.l2};
  return roles[i];
}

// One array's figures at one node: {area, read_energy, write_energy, leakage, access_time,
// cycle_time, source}.
SramArray read_figures(const Value& f, const SramArray& shape) {
  f.expect_keys(
      {"area", "read_energy", "write_energy", "leakage", "access_time", "cycle_time", "source"});
  source(f);
  SramArray a = shape;
  constexpr json_input::QuantityBounds kPositive{true, nullptr, nullptr};
  a.area_mm2 = f.get("area").quantity(UnitFamily::kArea, kPositive);
  a.read_j = f.get("read_energy").quantity(UnitFamily::kEnergy, kPositive);
  a.write_j = f.get("write_energy").quantity(UnitFamily::kEnergy, kPositive);
  a.leakage_w = f.get("leakage").quantity(UnitFamily::kPower);
  a.access_s = f.get("access_time").quantity(UnitFamily::kTime, kPositive);
  a.cycle_s = f.get("cycle_time").quantity(UnitFamily::kTime, kPositive);
  return a;
}

struct SramRole {
  std::map<std::string, SramArray> at;  // figures by node
};

std::array<SramRole, kRoles> read_arrays(const Value& sram, double exponent) {
  const Value arrays = sram.get("arrays");
  arrays.expect_keys({"grid_sram", "weight_buffer", "activation_buffer", "fifo", "l2"});
  std::array<SramRole, kRoles> out;
  for (size_t i = 0; i < kRoles; ++i) {
    const Value r = arrays.get(kSramRoles[i]);
    r.expect_keys({"shape", "capacity", "banks", "port", "cell", "objective", "source", "figures"});
    source(r);
    SramArray shape;
    shape.shape = r.get("shape").nonempty_string("the CACTI shape of the reference file");
    shape.capacity_bytes = r.get("capacity").quantity(UnitFamily::kBytes, {true, nullptr, nullptr});
    r.get("banks").integer(1, 1u << 20);
    shape.port_bytes = r.get("port").quantity(UnitFamily::kBytes, {true, nullptr, nullptr});
    r.get("cell").nonempty_string("the CACTI cell type");
    r.get("objective").nonempty_string("the CACTI optimisation objective");
    shape.energy_capacity_exponent = exponent;
    const Value figures = r.get("figures");
    expect_node_map(figures);
    figures.each_member(
        [&](const std::string& node, const Value& f) { out[i].at[node] = read_figures(f, shape); });
  }
  return out;
}

// Factors of one method to one node, from the CACTI node `from`.
struct SramFactors {
  std::string from;
  double area = 1, energy = 1, delay = 1, leakage = 1;
};

SramFactors read_sram_factors(const Value& f) {
  f.expect_keys(
      {"from", "area", "bit_cell_area", "from_bit_cell_area", "energy", "delay", "leakage_power"});
  SramFactors out;
  const Value from = f.get("from");
  out.from = from.nonempty_string();
  if (!is_node_name(out.from))
    from.fail("expected a node name such as \"22nm\", got \"" + out.from + "\"");
  // Area: a factor (scaling equations), or the bit-cell rule (the node's measured cell over the
  // cell of the CACTI node, CACTI's array efficiency kept).
  const bool factor = f.find("area").present();
  const bool cells = f.find("bit_cell_area").present() || f.find("from_bit_cell_area").present();
  if (factor == cells) {
    f.fail(
        "expected either \"area\" (a factor) or \"bit_cell_area\" and \"from_bit_cell_area\" "
        "(the bit-cell rule)");
  }
  if (factor) {
    out.area = number_leaf(f, "area", 0, 1e6, true);
  } else {
    out.area = quantity_leaf(f, "bit_cell_area", UnitFamily::kArea, true) /
               quantity_leaf(f, "from_bit_cell_area", UnitFamily::kArea, true);
  }
  out.energy = number_leaf(f, "energy", 0, 1e6, true);
  out.delay = number_leaf(f, "delay", 0, 1e6, true);
  out.leakage = number_leaf(f, "leakage_power", 0, 1e6, true);
  return out;
}

SramArray scaled(SramArray a, const SramFactors& f) {
  a.area_mm2 *= f.area;
  a.read_j *= f.energy;
  a.write_j *= f.energy;
  a.leakage_w *= f.leakage;
  a.access_s *= f.delay;
  a.cycle_s *= f.delay;
  return a;
}

// Both scaling methods, each to `node`; every method covers exactly the nodes of the logic
// "scaling" map, and every array has figures at the base node and at each method's "from" node.
void read_sram(const Value& table, const std::string& base_node, const std::string& node,
               TechTable& t) {
  const Value sram = table.get("sram");
  sram.expect_keys({"energy_capacity_exponent", "arrays", "scaling"});
  const double exponent = number_leaf(sram, "energy_capacity_exponent", 0, 2, false);
  const std::array<SramRole, kRoles> roles = read_arrays(sram, exponent);
  const Value arrays = sram.get("arrays");
  auto figures_at = [&](size_t i, const std::string& at, const std::string& needed_by) {
    const auto it = roles[i].at.find(at);
    if (it == roles[i].at.end()) {
      const Value role = arrays.get(kSramRoles[i]);
      role.get("figures").fail_member(
          at, "missing the figures at " + at + " (needed by " + needed_by + ")");
    }
    return it->second;
  };
  for (size_t i = 0; i < kRoles; ++i) figures_at(i, base_node, "the base node");

  const Value logic = table.get("scaling");
  const Value methods = sram.get("scaling");
  methods.expect_keys({"stillmaker_baas", "bit_cell"});
  for (size_t m = 0; m < kSramScalings; ++m) {
    const char* method = policy_name(static_cast<SramScaling>(m));
    const Value by_node = methods.get(method);
    expect_node_map(by_node);
    // Every entry is validated and matched to the logic nodes, not only the requested one.
    by_node.each_member([&](const std::string& key, const Value& f) {
      if (key == base_node) f.fail("the base node needs no scaling factors");
      if (!logic.find(key).present()) {
        f.fail(
            "no logic factors for this node under \"scaling\" (SRAM and logic scale to the "
            "same nodes)");
      }
      const SramFactors factors = read_sram_factors(f);
      for (size_t i = 0; i < kRoles; ++i) {
        figures_at(i, factors.from, "sram.scaling." + std::string(method) + "." + key + ".from");
      }
    });
    for (auto it = logic.json().begin(); it != logic.json().end(); ++it) {
      if (!by_node.find(it.key()).present()) {
        by_node.fail_member(it.key(), "missing: \"scaling\" has factors for " + it.key() +
                                          ", so every SRAM scaling method needs them too");
      }
    }

    SramSet& set = t.sram[m];
    SramFactors factors;
    factors.from = base_node;
    if (node != base_node) factors = read_sram_factors(by_node.get(node));
    set.from_node = factors.from;
    set.area_scale = factors.area;
    set.energy_scale = factors.energy;
    set.delay_scale = factors.delay;
    set.leakage_scale = factors.leakage;
    for (size_t i = 0; i < kRoles; ++i) {
      *role_of(set, i) = scaled(figures_at(i, factors.from, "the requested node"), factors);
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

  // Power per mm2: the value is a power, the key says "per mm2". SRAM leakage is per array.
  const Value leak = table.get("leakage");
  leak.expect_keys({"logic_power_per_mm2"});
  t.logic_leakage_w_per_mm2 = quantity_leaf(leak, "logic_power_per_mm2", UnitFamily::kPower);

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

// The one place logic node scaling happens (SRAM: read_sram). DRAM is off chip and never scaled.
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
  t.l2_link_j_per_byte *= f.energy;
  // Leakage per circuit scales by f.leakage while the circuit's area scales by f.area.
  t.logic_leakage_w_per_mm2 *= f.leakage / f.area;
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
  read_sram(table, t.base_node, node, t);
  read_rest(table, t);
  scale(t, f);
  return t;
}

TechTable load_tech_table(const std::string& path, const std::string& node) {
  return tech_table_from_json(json_input::read_json_file(path, kTechFile), node, path);
}

}  // namespace ngpc
