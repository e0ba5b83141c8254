// Energy/area model and technology-table loader on hand-computed cases (docs/energy-area.md).
// The 45 nm numbers below are the shipped table's (Horowitz ISSCC 2014 etc.), typed in by hand.
#include "models/cost/cost.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "models/activity.h"
#include "models/machine_config.h"
#include "sim/config/tech_loader.h"
#include "sim/error.h"

namespace ngpc {
namespace {

using nlohmann::json;

const std::string kTable = std::string(NGPC_SOURCE_DIR) + "/configs/tech/nangate45.json";
constexpr double kPJ = 1e-12;
constexpr double kUm2 = 1e-6;  // in mm2

// Shipped 7 nm factors and direct 7 nm bit cell.
constexpr double kArea7 = 0.0588, kEnergy7 = 0.0684, kLeak7 = 0.266;

TechTable t45() {
  return load_tech_table(kTable, "45nm");
}
TechTable t7() {
  return load_tech_table(kTable, "7nm");
}

json table_json() {
  std::ifstream in(kTable);
  return json::parse(in);
}

void expect_rel(double actual, double expected, double rel = 1e-12) {
  EXPECT_NEAR(actual, expected, std::abs(expected) * rel) << "expected " << expected;
}

// A small 1-NFP machine whose area is easy to add up by hand.
Config tiny_config() {
  Config c;
  c.cluster.scaling_factor = 1;
  c.cluster.batch_size = 256;
  c.nfp.fifo_depth_batches = 2;
  c.nfp.encoding.level_units = 2;
  c.nfp.encoding.grid_sram.capacity_bytes = 8192;
  c.nfp.mlp.rows = 4;
  c.nfp.mlp.cols = 4;
  c.nfp.mlp.precision = Precision::Fp16;
  c.nfp.mlp.weight_buffer_bytes = 32768;
  c.nfp.mlp.activation_buffer_bytes = 1048576;
  return c;
}

TEST(Activity, PlusEqualsSumsEveryCounter) {
  Activity a, b;
  a.encoding.lookups = 1;
  a.encoding.feature_bytes_out = 2;
  a.mlp.macs = 3;
  a.mlp.busy_cycles = 4;
  a.memory.gpu_dram_bytes = 5;
  b.encoding.lookups = 10;
  b.encoding.bank_conflict_cycles = 20;
  b.mlp.activation_unit_ops = 30;
  b.memory.ngpc_l2_bytes = 40;
  a += b;
  EXPECT_EQ(a.encoding.lookups, 11u);
  EXPECT_EQ(a.encoding.feature_bytes_out, 2u);
  EXPECT_EQ(a.encoding.bank_conflict_cycles, 20u);
  EXPECT_EQ(a.mlp.macs, 3u);
  EXPECT_EQ(a.mlp.busy_cycles, 4u);
  EXPECT_EQ(a.mlp.activation_unit_ops, 30u);
  EXPECT_EQ(a.memory.gpu_dram_bytes, 5u);
  EXPECT_EQ(a.memory.ngpc_l2_bytes, 40u);
}

TEST(Cost, ThousandFp16MacsAt45nm) {
  Activity act;
  act.mlp.macs = 1000;
  const EnergyBreakdown e = energy_of(act, Config{}, t45(), 0, 3, 2);
  expect_rel(e.mac_j, 1000 * (1.1 + 0.4) * kPJ);
  EXPECT_EQ(e.grid_sram_j + e.encoding_logic_j + e.buffers_j + e.l2_j + e.dram_j + e.leakage_j, 0);
}

TEST(Cost, MacEnergyFollowsPrecision) {
  const TechTable t = t45();
  expect_rel(t.mac.at("fp32").energy_j, (3.7 + 0.9) * kPJ);
  expect_rel(t.mac.at("int8").energy_j, (0.2 + 0.1) * kPJ);  // int32 accumulator
  Config c;
  c.nfp.mlp.precision = Precision::Fp32;
  Activity act;
  act.mlp.macs = 10;
  act.mlp.activation_unit_ops = 2;
  expect_rel(energy_of(act, c, t, 0, 3, 2).mac_j, (10 * 4.6 + 2 * 4.5) * kPJ);
}

TEST(Cost, SramEnergyAtTablePointsIsTheTableValue) {
  const TechTable t = t45();
  EXPECT_EQ(sram_read_energy_j(t, 8192, 8), 10 * kPJ);
  EXPECT_EQ(sram_read_energy_j(t, 32768, 8), 20 * kPJ);
  EXPECT_EQ(sram_read_energy_j(t, 1048576, 8), 100 * kPJ);
  // Linear in width, log-log in capacity (geometric mean between two points).
  expect_rel(sram_read_energy_j(t, 1048576, 4), 50 * kPJ);
  expect_rel(sram_read_energy_j(t, 16384, 8), std::sqrt(10.0 * 20.0) * kPJ);
  // Beyond the last point the end slope continues: 1 MiB -> 32 MiB like 32 KiB -> 1 MiB.
  expect_rel(sram_read_energy_j(t, 32.0 * 1048576, 8), 500 * kPJ);
  expect_rel(sram_write_energy_j(t, 8192, 8), 10 * kPJ);  // write/read ratio 1
}

TEST(Cost, EncodingOpCountsPerLookup) {
  const LookupOps h3 = lookup_ops(3, 2, true);
  EXPECT_EQ(h3.fp32_mult, 3u + 12u);  // pos_fract + weight products
  EXPECT_EQ(h3.fp32_add, 3u + 3u);    // pos_fract + (1 - w)
  EXPECT_EQ(h3.fp16_mult, 16u);
  EXPECT_EQ(h3.fp16_add, 14u);
  EXPECT_EQ(h3.int32_mult, 2u);
  EXPECT_EQ(h3.int32_xor, 2u);
  EXPECT_EQ(h3.int32_add, 0u);
  const LookupOps d2 = lookup_ops(2, 4, false);
  EXPECT_EQ(d2.fp32_mult, 2u + 4u);
  EXPECT_EQ(d2.fp32_add, 4u);
  EXPECT_EQ(d2.fp16_mult, 16u);
  EXPECT_EQ(d2.fp16_add, 12u);
  EXPECT_EQ(d2.int32_mult, 1u);
  EXPECT_EQ(d2.int32_add, 1u);
  EXPECT_EQ(d2.int32_xor, 0u);
  EXPECT_THROW(lookup_ops(4, 2, true), std::invalid_argument);
}

TEST(Cost, EncodingAndGridSramEnergy) {
  Activity act;
  act.encoding.lookups = 10;
  act.encoding.hashed_lookups = 4;
  act.encoding.corner_reads = 80;
  act.encoding.sram_fill_bytes = 64;
  Config c;
  c.nfp.encoding.grid_sram.capacity_bytes = 1048576;
  const EnergyBreakdown e = energy_of(act, c, t45(), 0, 3, 2);
  const double common = 3 * 3.7 + 3 * 0.9 + 3 * 0.9 + 12 * 3.7 + 16 * 1.1 + 14 * 0.4 + 2 * 3.1;
  expect_rel(e.encoding_logic_j, (4 * (common + 2 * 0.03) + 6 * (common + 2 * 0.1)) * kPJ);
  // 2F = 4-byte corner reads of a 1 MiB SRAM (100 pJ per 8 B); fills at 100/8 pJ per byte.
  expect_rel(e.grid_sram_j, (80 * 50 + 64 * 12.5) * kPJ);
}

TEST(Cost, MemoryEnergyCountsOnlyNgpcTraffic) {
  Activity act;
  act.memory.ngpc_l2_bytes = 1000;
  act.memory.ngpc_dram_bytes = 100;
  act.memory.gpu_dram_bytes = 1000000;
  Config c;
  c.memory.l2.capacity_bytes = 1048576;
  const EnergyBreakdown e = energy_of(act, c, t45(), 0, 3, 2);
  expect_rel(e.dram_j, 100 * 8 * 7.25 * kPJ);
  expect_rel(e.l2_j, 1000 * (100.0 / 8 + 9.7) * kPJ);
}

TEST(Cost, BuffersByBytes) {
  Activity act;
  act.mlp.weight_buffer_read_bytes = 8;
  act.mlp.weight_load_bytes = 16;
  act.mlp.activation_read_bytes = 24;
  act.mlp.activation_write_bytes = 32;
  act.encoding.feature_bytes_out = 40;
  const Config c = tiny_config();  // weights 32 KiB, activations 1 MiB, FIFO 32 KiB
  const TechTable t = t45();
  ASSERT_EQ(fifo_bytes(c, t), 2.0 * 256 * 32 * 2);
  const EnergyBreakdown e = energy_of(act, c, t, 0, 3, 2);
  expect_rel(e.buffers_j, ((8 + 16) * 20.0 / 8 + (24 + 32) * 100.0 / 8 + 2 * 40 * 20.0 / 8) * kPJ);
}

TEST(Cost, TotalIsTheSumOfComponents) {
  Activity act;
  act.encoding.lookups = 1000;
  act.encoding.hashed_lookups = 700;
  act.encoding.corner_reads = 8000;
  act.encoding.sram_fill_bytes = 4096;
  act.encoding.feature_bytes_out = 4000;
  act.mlp.macs = 7168000;
  act.mlp.weight_buffer_read_bytes = 100000;
  act.mlp.activation_read_bytes = 50000;
  act.mlp.activation_write_bytes = 50000;
  act.memory.ngpc_l2_bytes = 30000;
  act.memory.ngpc_dram_bytes = 10000;
  const EnergyBreakdown e = energy_of(act, Config{}, t7(), 1e-3, 3, 2);
  EXPECT_GT(e.mac_j, 0);
  EXPECT_GT(e.leakage_j, 0);
  EXPECT_DOUBLE_EQ(e.total_j(), e.mac_j + e.grid_sram_j + e.encoding_logic_j + e.buffers_j +
                                    e.l2_j + e.dram_j + e.leakage_j);
}

TEST(Cost, AreaOfOneNfpIsTheHandSum) {
  const Config c = tiny_config();
  const AreaBreakdown a = area_of(c, t45());
  const double mac = 16 * (1640 + 1360) * kUm2;
  // One 3-D, F = 2 lookup per cycle; the dense path's adders sit beside the hash XORs.
  const double unit =
      (15 * 7700 + 6 * 4184 + 16 * 1640 + 14 * 1360 + 2 * 3495 + 2 * 137 + 2 * 51) * kUm2;
  const double per_byte = 8 * 0.346 * kUm2 / 0.7;
  expect_rel(a.mac_array_mm2, mac);
  expect_rel(a.level_unit_logic_mm2, 2 * unit);
  expect_rel(a.grid_sram_mm2, 2 * 8192 * per_byte);
  expect_rel(a.mlp_buffers_mm2, (32768 + 1048576) * per_byte);
  expect_rel(a.fifo_mm2, 32768 * per_byte);
  expect_rel(a.control_mm2, 0.1 * (mac + 2 * unit) + 0.023);
  EXPECT_DOUBLE_EQ(a.total_mm2(), a.mac_array_mm2 + a.grid_sram_mm2 + a.level_unit_logic_mm2 +
                                      a.mlp_buffers_mm2 + a.fifo_mm2 + a.control_mm2);
  // Per-NFP parts scale with the NFP count; the dispatcher does not.
  Config c4 = c;
  c4.cluster.scaling_factor = 4;
  expect_rel(area_of(c4, t45()).total_mm2(), 4 * (a.total_mm2() - 0.023) + 0.023);
}

TEST(Cost, LeakageIsPowerTimesTime) {
  const Config c = tiny_config();
  const TechTable t = t45();
  const AreaBreakdown a = area_of(c, t);
  const double power = (a.mac_array_mm2 + a.level_unit_logic_mm2 + a.control_mm2) * 0.027 +
                       (a.grid_sram_mm2 + a.mlp_buffers_mm2 + a.fifo_mm2) * 0.010;
  expect_rel(leakage_power_w(c, t), power);
  const EnergyBreakdown e = energy_of(Activity{}, c, t, 2e-3, 3, 2);
  expect_rel(e.leakage_j, power * 2e-3);
  EXPECT_DOUBLE_EQ(e.total_j(), e.leakage_j);
}

TEST(Cost, NodeScalingIsAppliedOnce) {
  const TechTable a = t45();
  const TechTable b = t7();
  EXPECT_EQ(a.energy_scale, 1);
  EXPECT_EQ(b.energy_scale, kEnergy7);
  expect_rel(b.mac.at("fp16").energy_j, a.mac.at("fp16").energy_j * kEnergy7);
  expect_rel(b.mac.at("fp16").area_mm2, a.mac.at("fp16").area_mm2 * kArea7);
  expect_rel(b.fp32_mult.energy_j, 3.7 * kPJ * kEnergy7);
  expect_rel(sram_read_energy_j(b, 1048576, 8), 100 * kPJ * kEnergy7);
  expect_rel(b.l2_link_j_per_byte, a.l2_link_j_per_byte * kEnergy7);
  expect_rel(b.dispatcher_area_mm2, a.dispatcher_area_mm2 * kArea7);
  EXPECT_EQ(b.dram_j_per_byte, a.dram_j_per_byte);  // off chip
  // The 7 nm bit cell is given directly, not scaled from 45 nm.
  EXPECT_FALSE(a.sram_bit_cell_direct);
  EXPECT_TRUE(b.sram_bit_cell_direct);
  expect_rel(b.sram_bit_cell_area_mm2, 0.027 * kUm2);
  // Leakage of a fixed circuit scales by the leakage factor.
  expect_rel(b.logic_leakage_w_per_mm2 * kArea7, a.logic_leakage_w_per_mm2 * kLeak7);

  // Dynamic energy of the same activity is the 45 nm energy times the factor, exactly once.
  Activity act;
  act.mlp.macs = 1000;
  act.encoding.lookups = 100;
  act.encoding.corner_reads = 800;
  const EnergyBreakdown e45 = energy_of(act, Config{}, a, 0, 3, 2);
  const EnergyBreakdown e7 = energy_of(act, Config{}, b, 0, 3, 2);
  expect_rel(e7.mac_j, e45.mac_j * kEnergy7);
  expect_rel(e7.encoding_logic_j, e45.encoding_logic_j * kEnergy7);
  expect_rel(e7.grid_sram_j, e45.grid_sram_j * kEnergy7);
}

// ---- loader rejections ----

std::string rejection(const json& table, const std::string& node = "45nm") {
  try {
    tech_table_from_json(table, node, "tech.json");
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "table was accepted";
  return "";
}

void expect_has(const std::string& msg, const std::string& part) {
  EXPECT_NE(msg.find(part), std::string::npos) << "'" << part << "' not in: " << msg;
}

TEST(TechLoader, ShippedTableLoadsAtBothNodes) {
  EXPECT_EQ(t45().node, "45nm");
  EXPECT_EQ(t7().node, "7nm");
  expect_rel(t45().fp16_add.area_mm2, 1360 * kUm2);
  expect_rel(t45().fp16_mult.area_mm2, 1640 * kUm2);
}

TEST(TechLoader, RejectsUnknownKey) {
  json t = table_json();
  t["ops"]["fp16_add"]["colour"] = "red";
  const std::string msg = rejection(t);
  expect_has(msg, "tech.json: ops.fp16_add.colour: unknown key");
  expect_has(msg, "energy, area");
}

TEST(TechLoader, RejectsMissingUnit) {
  json t = table_json();
  t["ops"]["fp16_add"]["energy"]["value"] = "0.4";
  const std::string msg = rejection(t);
  expect_has(msg, "tech.json: ops.fp16_add.energy.value: missing unit");
  expect_has(msg, "pJ");
}

TEST(TechLoader, RejectsWrongUnitFamily) {
  json t = table_json();
  t["sram"]["read_energy"][1]["energy"] = "20 mm2";
  const std::string msg = rejection(t);
  expect_has(msg, "tech.json: sram.read_energy[1].energy: ");
  expect_has(msg, "area unit");
}

TEST(TechLoader, RejectsNegativeEnergy) {
  json t = table_json();
  t["ops"]["fp32_mult"]["energy"]["value"] = "-3.7 pJ";
  const std::string msg = rejection(t);
  expect_has(msg, "ops.fp32_mult.energy.value: negative quantity");
  expect_has(msg, "-3.7 pJ");
}

TEST(TechLoader, RejectsNegativeFactor) {
  json t = table_json();
  t["scaling"]["7nm"]["energy"]["value"] = -0.07;
  expect_has(rejection(t, "7nm"), "scaling.7nm.energy.value: expected a number in (0");
}

TEST(TechLoader, RejectsMissingFieldAndSource) {
  json t = table_json();
  t["sram"].erase("array_efficiency");
  expect_has(rejection(t), "tech.json: sram.array_efficiency: missing required field");
  json u = table_json();
  u["dram"]["energy_per_bit"].erase("source");
  expect_has(rejection(u), "dram.energy_per_bit.source: missing required field");
}

TEST(TechLoader, RejectsUnsortedSramPointsAndUnknownNode) {
  json t = table_json();
  std::swap(t["sram"]["read_energy"][0], t["sram"]["read_energy"][1]);
  expect_has(rejection(t), "sram.read_energy[1].capacity: expected capacities in increasing");
  expect_has(rejection(table_json(), "5nm"), "scaling.5nm: no scaling factors for node \"5nm\"");
}

TEST(TechLoader, FileErrorsNameTheFile) {
  const std::string path = ::testing::TempDir() + "ngpc_bad_tech.json";
  json t = table_json();
  t["mac"]["fp16"]["mult"] = "fp16_fma";
  std::ofstream(path) << t.dump();
  try {
    load_tech_table(path, "7nm");
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    expect_has(e.what(), path + ": mac.fp16.mult: expected the name of an entry of \"ops\"");
  }
  std::ofstream(path) << "{ not json";
  EXPECT_THROW(load_tech_table(path, "7nm"), InputError);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ngpc
