// Energy/area model and technology-table loader on hand-computed cases (docs/energy-area.md).
// The 45 nm logic numbers below are the shipped table's (Horowitz ISSCC 2014 etc.) and the SRAM
// rows CACTI 7's (shared/reference/cacti7-sram.csv), both typed in by hand, as are the scaling
// factors of shared/reference/cacti7-sram.md.
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

// Shipped 7 nm logic factors.
constexpr double kArea7 = 0.0588, kEnergy7 = 0.0684, kLeak7 = 0.266;
// SRAM, 7 nm: Stillmaker & Baas from 45 nm; bit-cell rule (N7 cell / CACTI 22 nm cell) with
// Stillmaker & Baas from 20 nm for energy and delay; leakage factors are energy / delay.
constexpr double kSbArea = 0.059, kSbEnergy = 0.0555, kSbDelay = 0.259, kSbLeak = 0.2143;
constexpr double kBcArea = 0.027 / 0.070664, kBcEnergy = 0.238, kBcDelay = 0.342, kBcLeak = 0.696;

// CACTI 7 rows used by the shipped table: area mm2, read pJ, write pJ, leakage mW, access ns,
// cycle ns (row shape,node,cell,ed2 of the CSV).
struct Row {
  double area, read, write, leak, access, cycle;
};
constexpr Row kB45{3.354627006, 53.4704, 47.394, 0.262961, 3.84127, 1.34298};  // grid, lstp
constexpr Row kB22{0.8593079249, 12.7662, 11.5443, 0.253253, 2.47102, 0.628462};
constexpr Row kF45{0.209045892, 25.8695, 19.6486, 0.015009, 1.66341, 1.65095};    // weights, lstp
constexpr Row kE45{1.782748118, 101.266, 97.9772, 0.119753, 2.84054, 1.89315};    // activ., lstp
constexpr Row kD45{0.8390675472, 77.5392, 74.2507, 0.0599561, 2.19538, 1.89315};  // FIFO, lstp
constexpr Row kD22{0.2399851224, 19.1298, 17.7654, 0.0582007, 1.44393, 0.965968};
constexpr Row kG45{41.94811341, 2165.66, 2153.71, 6713.5, 7.96856, 6.61418};  // L2, hp
constexpr Row kG22{10.05834832, 659.116, 668.928, 1755.34, 5.28208, 4.08578};
constexpr double kExp = 0.4;  // energy ~ capacity^0.4 away from the shape's capacity
constexpr double kMiB = 1048576;

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

// References into `t`: call with a named table, never a temporary.
const SramSet& sb(const TechTable& t) {
  return sram_set(t, SramScaling::StillmakerBaas);
}
const SramSet& bc(const TechTable& t) {
  return sram_set(t, SramScaling::BitCell);
}

void expect_row(const SramArray& a, const Row& r, double area, double energy, double leak,
                double delay) {
  expect_rel(a.area_mm2, r.area * area);
  expect_rel(a.read_j, r.read * kPJ * energy);
  expect_rel(a.write_j, r.write * kPJ * energy);
  expect_rel(a.leakage_w, r.leak * 1e-3 * leak);
  expect_rel(a.access_s, r.access * 1e-9 * delay);
  expect_rel(a.cycle_s, r.cycle * 1e-9 * delay);
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

TEST(Cost, SramEnergyAtTheShapeIsTheCactiFigure) {
  const TechTable t = t45();             // named: sb() refers into it
  const SramArray& g = sb(t).grid_sram;  // shape b: 1 MiB, 4-byte port
  EXPECT_EQ(g.shape, "b");
  expect_rel(sram_read_energy_j(g, kMiB, 4), 53.4704 * kPJ);
  expect_rel(sram_write_energy_j(g, kMiB, 4), 47.394 * kPJ);
  // Linear in bytes; capacity^0.4 away from the shape's capacity; zero bytes cost nothing.
  expect_rel(sram_read_energy_j(g, kMiB, 8), 2 * 53.4704 * kPJ);
  expect_rel(sram_read_energy_j(g, 2 * kMiB, 4), 53.4704 * std::pow(2.0, kExp) * kPJ);
  expect_rel(sram_write_energy_j(g, kMiB / 4, 1), 47.394 / 4 * std::pow(0.25, kExp) * kPJ);
  EXPECT_EQ(sram_read_energy_j(g, kMiB, 0), 0);
  // Area and leakage per bit are the shape's.
  expect_rel(sram_area_mm2(g, 3 * kMiB), 3 * 3.354627006);
  expect_rel(sram_leakage_w(g, kMiB / 2), 0.262961e-3 / 2);
  EXPECT_THROW(sram_read_energy_j(g, 0, 4), std::invalid_argument);
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
  // 2F = 4-byte corner reads of a 1 MiB SRAM: one 32-bit CACTI access each; fills at the
  // 32-bit write energy / 4 per byte.
  expect_rel(e.grid_sram_j, (80 * 53.4704 + 64 * 47.394 / 4) * kPJ);
}

TEST(Cost, MemoryEnergyCountsOnlyNgpcTraffic) {
  Activity act;
  act.memory.ngpc_l2_bytes = 1000;
  act.memory.ngpc_dram_bytes = 100;
  act.memory.gpu_dram_bytes = 1000000;
  Config c;
  c.memory.l2.capacity_bytes = 6 * 1048576;  // shape g: 6 MiB, 64-byte accesses
  const EnergyBreakdown e = energy_of(act, c, t45(), 0, 3, 2);
  expect_rel(e.dram_j, 100 * 8 * 7.25 * kPJ);
  expect_rel(e.l2_j, 1000 * (2165.66 / 64 + 9.7) * kPJ);
}

TEST(Cost, BuffersByBytes) {
  Activity act;
  act.mlp.weight_buffer_read_bytes = 8;
  act.mlp.weight_load_bytes = 16;
  act.mlp.activation_read_bytes = 24;
  act.mlp.activation_write_bytes = 32;
  act.encoding.feature_bytes_out = 40;
  const Config c = tiny_config();  // weights 32 KiB, activations 1 MiB, FIFO 2 x 16 KiB
  const TechTable t = t45();
  ASSERT_EQ(fifo_bytes(c, t), 2.0 * 256 * 32 * 2);
  ASSERT_EQ(fifo_slot_bytes(c, t), 256.0 * 32 * 2);
  const EnergyBreakdown e = energy_of(act, c, t, 0, 3, 2);
  // Per byte: the shape's access energy / port bytes x (capacity / shape capacity)^0.4.
  const double w = std::pow(0.5, kExp), a = std::pow(2.0, kExp), f = std::pow(1.0 / 16, kExp);
  expect_rel(e.buffers_j, (8 * 25.8695 / 8 * w + 16 * 19.6486 / 8 * w + 24 * 101.266 / 16 * a +
                           32 * 97.9772 / 16 * a + 40 * (74.2507 + 77.5392) / 16 * f) *
                              kPJ);
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
  expect_rel(a.mac_array_mm2, mac);
  expect_rel(a.level_unit_logic_mm2, 2 * unit);
  // CACTI macros at 45 nm, linear in capacity: grid 8 KiB of shape b (1 MiB), weights 32 KiB of
  // f (64 KiB), activations 1 MiB of e (512 KiB), FIFO 2 slots of 16 KiB of d (256 KiB).
  expect_rel(a.grid_sram_mm2, 2 * 3.354627006 / 128);
  expect_rel(a.mlp_buffers_mm2, 0.209045892 / 2 + 1.782748118 * 2);
  expect_rel(a.fifo_mm2, 2 * 0.8390675472 / 16);
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
  // Logic at 27 mW/mm2; each SRAM at its CACTI leakage, linear in capacity (mW).
  const double sram_mw = 2 * 0.262961 / 128 + 0.015009 / 2 + 0.119753 * 2 + 2 * 0.0599561 / 16;
  const double power =
      (a.mac_array_mm2 + a.level_unit_logic_mm2 + a.control_mm2) * 0.027 + sram_mw * 1e-3;
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
  expect_rel(b.l2_link_j_per_byte, a.l2_link_j_per_byte * kEnergy7);
  expect_rel(b.dispatcher_area_mm2, a.dispatcher_area_mm2 * kArea7);
  EXPECT_EQ(b.dram_j_per_byte, a.dram_j_per_byte);  // off chip
  // Leakage of a fixed circuit scales by the leakage factor.
  expect_rel(b.logic_leakage_w_per_mm2 * kArea7, a.logic_leakage_w_per_mm2 * kLeak7);

  // Dynamic energy of the same activity is the 45 nm energy times the factor, exactly once;
  // SRAM energy by the SRAM factor of the method (Stillmaker & Baas from 45 nm here).
  Activity act;
  act.mlp.macs = 1000;
  act.encoding.lookups = 100;
  act.encoding.corner_reads = 800;
  Config c;
  c.tech.scaling = SramScaling::StillmakerBaas;
  const EnergyBreakdown e45 = energy_of(act, c, a, 0, 3, 2);
  const EnergyBreakdown e7 = energy_of(act, c, b, 0, 3, 2);
  expect_rel(e7.mac_j, e45.mac_j * kEnergy7);
  expect_rel(e7.encoding_logic_j, e45.encoding_logic_j * kEnergy7);
  expect_rel(e7.grid_sram_j, e45.grid_sram_j * kSbEnergy);
}

// ---- SRAM rows from CACTI 7 and the two scaling methods ----

TEST(TechLoader, SramRowsAtTheBaseNodeAreCactis45nmRows) {
  const TechTable t = t45();
  for (const SramSet* s : {&sb(t), &bc(t)}) {
    EXPECT_EQ(s->from_node, "45nm");
    EXPECT_EQ(s->area_scale, 1);
    expect_row(s->grid_sram, kB45, 1, 1, 1, 1);
    expect_row(s->weight_buffer, kF45, 1, 1, 1, 1);
    expect_row(s->activation_buffer, kE45, 1, 1, 1, 1);
    expect_row(s->fifo, kD45, 1, 1, 1, 1);
    expect_row(s->l2, kG45, 1, 1, 1, 1);
  }
  const SramSet& s = sb(t);
  EXPECT_EQ(s.grid_sram.capacity_bytes, kMiB);
  EXPECT_EQ(s.grid_sram.port_bytes, 4);
  EXPECT_EQ(s.weight_buffer.capacity_bytes, 65536);
  EXPECT_EQ(s.weight_buffer.port_bytes, 8);
  EXPECT_EQ(s.activation_buffer.capacity_bytes, 524288);
  EXPECT_EQ(s.fifo.capacity_bytes, 262144);
  EXPECT_EQ(s.fifo.port_bytes, 16);
  EXPECT_EQ(s.l2.capacity_bytes, 6 * kMiB);
  EXPECT_EQ(s.l2.port_bytes, 64);
  EXPECT_EQ(s.grid_sram.energy_capacity_exponent, kExp);
}

TEST(TechLoader, StillmakerBaasScalesCactis45nmRows) {
  const TechTable t = t7();
  const SramSet& s = sb(t);
  EXPECT_EQ(s.from_node, "45nm");
  EXPECT_EQ(s.area_scale, kSbArea);
  expect_row(s.grid_sram, kB45, kSbArea, kSbEnergy, kSbLeak, kSbDelay);
  expect_row(s.weight_buffer, kF45, kSbArea, kSbEnergy, kSbLeak, kSbDelay);
  expect_row(s.activation_buffer, kE45, kSbArea, kSbEnergy, kSbLeak, kSbDelay);
  expect_row(s.fifo, kD45, kSbArea, kSbEnergy, kSbLeak, kSbDelay);
  expect_row(s.l2, kG45, kSbArea, kSbEnergy, kSbLeak, kSbDelay);
  // Hand values: a 1 MiB grid SRAM is 0.1979 mm2 and a 32-bit read 2.968 pJ at 7 nm.
  EXPECT_NEAR(s.grid_sram.area_mm2, 0.19792, 1e-5);
  EXPECT_NEAR(s.grid_sram.read_j / kPJ, 2.9676, 1e-4);
}

TEST(TechLoader, BitCellRuleScalesCactis22nmRows) {
  const TechTable t = t7();
  const SramSet& s = bc(t);
  EXPECT_EQ(s.from_node, "22nm");
  expect_rel(s.area_scale, kBcArea);
  EXPECT_NEAR(s.area_scale, 0.382, 5e-4);  // the reference file's x 0.382
  expect_row(s.grid_sram, kB22, kBcArea, kBcEnergy, kBcLeak, kBcDelay);
  expect_row(s.fifo, kD22, kBcArea, kBcEnergy, kBcLeak, kBcDelay);
  expect_row(s.l2, kG22, kBcArea, kBcEnergy, kBcLeak, kBcDelay);
  // Hand values: 0.8593 mm2 x 0.3821 = 0.3283 mm2; 12.77 pJ x 0.238 = 3.038 pJ.
  EXPECT_NEAR(s.grid_sram.area_mm2, 0.32833, 1e-5);
  EXPECT_NEAR(s.grid_sram.read_j / kPJ, 3.0384, 1e-4);
}

TEST(TechLoader, BothMethodsReproduceTheReferenceFiles16MiBFigures) {
  // shared/reference/cacti7-sram.md: 16 x shape (a) (HP, ED2) at 7 nm is 3.15 mm2 by Stillmaker
  // & Baas from 45 nm and 5.30 mm2 by the bit-cell rule. Put shape a's rows in as the grid SRAM.
  json t = table_json();
  t["sram"]["arrays"]["grid_sram"]["figures"]["45nm"]["area"] = "3.3410702224 mm2";
  t["sram"]["arrays"]["grid_sram"]["figures"]["22nm"]["area"] = "0.86735849814 mm2";
  const TechTable tt = tech_table_from_json(t, "7nm", "edited");
  const double mib = tt.sram[0].grid_sram.capacity_bytes;
  EXPECT_NEAR(16 * sram_area_mm2(sb(tt).grid_sram, mib), 3.15, 0.005);
  EXPECT_NEAR(16 * sram_area_mm2(bc(tt).grid_sram, mib), 5.30, 0.005);
}

TEST(Cost, TheTwoMethodsDifferBy14To17xInSramArea) {
  Config c;  // the default machine: NGPC-8, 16 x 1 MB grid SRAMs per NFP
  const TechTable t = t7();
  c.tech.scaling = SramScaling::StillmakerBaas;
  const AreaBreakdown s = area_of(c, t);
  c.tech.scaling = SramScaling::BitCell;
  const AreaBreakdown b = area_of(c, t);
  const double grid = b.grid_sram_mm2 / s.grid_sram_mm2;
  expect_rel(grid, (0.8593079249 * kBcArea) / (3.354627006 * kSbArea));
  EXPECT_NEAR(grid, 1.659, 1e-3);
  const double sram = (b.grid_sram_mm2 + b.mlp_buffers_mm2 + b.fifo_mm2) /
                      (s.grid_sram_mm2 + s.mlp_buffers_mm2 + s.fifo_mm2);
  EXPECT_GE(sram, 1.4);
  EXPECT_LE(sram, 1.7);
  // Logic does not depend on the SRAM method.
  EXPECT_EQ(b.mac_array_mm2, s.mac_array_mm2);
  EXPECT_EQ(b.level_unit_logic_mm2, s.level_unit_logic_mm2);
  EXPECT_EQ(b.control_mm2, s.control_mm2);
  // NGPC-8's grid SRAMs: 8 x 16 x 1 MB.
  expect_rel(s.grid_sram_mm2, 128 * 1e6 / kMiB * 3.354627006 * kSbArea);
}

TEST(Cost, ReplicasScaleGridAreaLeakageAndFillsExactly) {
  Config c = tiny_config();
  const TechTable t = t7();
  Activity act;
  act.encoding.corner_reads = 800;
  act.encoding.sram_fill_bytes = 4096;
  const AreaBreakdown a1 = area_of(c, t);
  const double leak1 = leakage_power_w(c, t);
  const EnergyBreakdown e1 = energy_of(act, c, t, 0, 3, 2);
  c.nfp.encoding.grid_sram.replicas = 3;
  const AreaBreakdown a3 = area_of(c, t);
  EXPECT_EQ(a3.grid_sram_mm2, 3 * a1.grid_sram_mm2);
  EXPECT_EQ(a3.mac_array_mm2, a1.mac_array_mm2);
  EXPECT_EQ(a3.level_unit_logic_mm2, a1.level_unit_logic_mm2);
  EXPECT_EQ(a3.mlp_buffers_mm2, a1.mlp_buffers_mm2);
  EXPECT_EQ(a3.fifo_mm2, a1.fifo_mm2);
  EXPECT_EQ(a3.control_mm2, a1.control_mm2);
  const SramArray& g = bc(t).grid_sram;
  const double grid_leak = 2 * sram_leakage_w(g, 8192);  // two level units
  expect_rel(leakage_power_w(c, t) - leak1, 2 * grid_leak);
  // Reads go to one replica each; every fill byte is written into all three.
  const double reads = 800 * sram_read_energy_j(g, 8192, 4);
  const double fill = 4096 * sram_write_energy_j(g, 8192, 1);
  expect_rel(e1.grid_sram_j, reads + fill);
  expect_rel(energy_of(act, c, t, 0, 3, 2).grid_sram_j, reads + 3 * fill);
}

TEST(Cost, EveryNgpcArrayMeetsTheDefaultClockAfterScaling) {
  // The reason for LSTP cells (docs/energy-area.md section 4): at 7 nm each NGPC array's cycle
  // fits the 1 GHz clock and the grid SRAM's access its configured latency, by either method.
  const Config c;
  const double cycle = 1 / c.clock_hz;
  const TechTable t = t7();
  for (const SramSet* s : {&sb(t), &bc(t)}) {
    EXPECT_LE(s->grid_sram.access_s, c.nfp.encoding.grid_sram.access_latency_cycles * cycle);
    for (const SramArray* a : {&s->grid_sram, &s->weight_buffer, &s->activation_buffer, &s->fifo})
      EXPECT_LE(a->cycle_s, cycle) << a->shape;
  }
  // Hand value: 3.84127 ns x 0.259 = 0.995 ns.
  EXPECT_NEAR(sb(t).grid_sram.access_s * 1e9, 0.9949, 1e-4);
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
  t["sram"]["arrays"]["fifo"]["figures"]["22nm"]["read_energy"] = "20 mm2";
  const std::string msg = rejection(t);
  expect_has(msg, "tech.json: sram.arrays.fifo.figures.22nm.read_energy: ");
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
  t["sram"].erase("energy_capacity_exponent");
  expect_has(rejection(t), "tech.json: sram.energy_capacity_exponent: missing required field");
  json u = table_json();
  u["dram"]["energy_per_bit"].erase("source");
  expect_has(rejection(u), "dram.energy_per_bit.source: missing required field");
}

TEST(TechLoader, RejectsUnknownNode) {
  expect_has(rejection(table_json(), "5nm"), "scaling.5nm: no scaling factors for node \"5nm\"");
}

TEST(TechLoader, RejectsIncompleteSramScaling) {
  // A method's "from" node needs figures of every array.
  json t = table_json();
  t["sram"]["arrays"]["l2"]["figures"].erase("22nm");
  const std::string msg = rejection(t, "7nm");
  expect_has(msg, "sram.arrays.l2.figures.22nm: missing the figures at 22nm");
  expect_has(msg, "sram.scaling.bit_cell.7nm.from");
  // ... also when another node is requested: the table is checked whole.
  expect_has(rejection(t, "45nm"), "sram.arrays.l2.figures.22nm");
  // Every logic node needs both methods.
  json u = table_json();
  u["sram"]["scaling"]["stillmaker_baas"].erase("7nm");
  expect_has(rejection(u), "sram.scaling.stillmaker_baas.7nm: missing");
  // Area is a factor or the bit-cell rule, not both.
  json v = table_json();
  v["sram"]["scaling"]["bit_cell"]["7nm"]["area"] = {{"value", 0.4}, {"source", "x"}};
  expect_has(rejection(v), "sram.scaling.bit_cell.7nm: expected either \"area\"");
  json w = table_json();
  w["sram"]["scaling"]["bitcell"] = w["sram"]["scaling"]["bit_cell"];
  expect_has(rejection(w), "sram.scaling.bitcell: unknown key");
  json x = table_json();
  x["sram"]["arrays"]["grid_sram"].erase("figures");
  expect_has(rejection(x), "sram.arrays.grid_sram.figures: missing required field");
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
