// Energy and area, Accelergy style: activity counts (models/activity.h) times energy per action,
// and area per component summed over the configured NGPC. The technology numbers come from a
// table file (configs/tech/*.json, loaded and node-scaled once by sim/config/tech_loader.h); this
// file sees them only as plain numbers in J, mm2 and W. Method, op counts and sources:
// docs/energy-area.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/activity.h"
#include "models/machine_config.h"

namespace ngpc {

// One arithmetic unit: energy per operation and area of one instance.
struct OpCost {
  double energy_j = 0;
  double area_mm2 = 0;
};

// Read energy of one reference-width access to an SRAM array of `capacity_bytes`.
struct SramPoint {
  double capacity_bytes = 0;
  double read_j = 0;
};

// Every number is already at `node` (the loader applied the node scaling exactly once).
struct TechTable {
  std::string name;       // e.g. "nangate45"
  std::string base_node;  // node the table's numbers are given at ("45nm")
  std::string node;       // node the numbers below are at ("7nm" or the base node)
  // Factors applied at load (all 1 when node == base_node); kept so reports can state them.
  double area_scale = 1;
  double energy_scale = 1;
  double delay_scale = 1;    // for synthesised critical-path delays; not used by the cost model
  double leakage_scale = 1;  // leakage power of a fixed circuit, base node -> node

  OpCost int8_add, int8_mult, int32_add, int32_mult, int32_xor;
  OpCost fp16_add, fp16_mult, fp32_add, fp32_mult;
  // One MAC (multiply + accumulate) per MLP precision ("fp16", "fp32", "int8").
  std::map<std::string, OpCost> mac;
  double activation_unit_op_j = 0;  // one non-ReLU activation evaluation

  // SRAM read energy vs capacity (ascending, >= 2 points), per access of sram_ref_access_bytes;
  // interpolated log-log by capacity and scaled linearly by access width.
  std::vector<SramPoint> sram_read;
  double sram_ref_access_bytes = 8;
  double sram_write_to_read = 1;      // write energy / read energy
  double sram_bit_cell_area_mm2 = 0;  // at `node`
  bool sram_bit_cell_direct = false;  // true: given for `node` directly; false: area-scaled
  double sram_array_efficiency = 1;   // bit-cell area / macro area

  double l2_link_j_per_byte = 0;  // NGPC <-> L2 wires, on top of the L2 array access
  double dram_j_per_byte = 0;     // off-chip: never node-scaled

  double logic_leakage_w_per_mm2 = 0;
  double sram_leakage_w_per_mm2 = 0;

  double nfp_control_fraction = 0;  // NFP control area / NFP datapath logic area
  double dispatcher_area_mm2 = 0;   // once per NGPC

  // Hardware sizing assumptions (stated in the table, not buried here).
  uint32_t level_unit_dims = 3;           // a level unit does one lookup of this many dims a cycle
  uint32_t level_unit_features = 2;       // ... with this many features per entry
  uint32_t fifo_features_per_query = 32;  // FIFO entry width in features
  double fifo_bytes_per_feature = 2;
};

struct EnergyBreakdown {
  double mac_j = 0;             // MAC array (+ activation unit)
  double grid_sram_j = 0;       // corner reads and fills of the grid SRAMs
  double encoding_logic_j = 0;  // pos_fract, grid_index, interpolation arithmetic
  double buffers_j = 0;         // weight + activation buffers + feature FIFO
  double l2_j = 0;              // NGPC traffic at the GPU's L2 (array + link)
  double dram_j = 0;            // NGPC traffic DRAM had to serve
  double leakage_j = 0;         // leakage power of the whole NGPC x simulated time
  double total_j() const;
};

struct AreaBreakdown {  // whole NGPC (all NFPs)
  double mac_array_mm2 = 0;
  double grid_sram_mm2 = 0;
  double level_unit_logic_mm2 = 0;
  double mlp_buffers_mm2 = 0;
  double fifo_mm2 = 0;
  double control_mm2 = 0;  // NFP control + cluster dispatcher
  double total_mm2() const;
};

// Arithmetic operations of one (query, level) lookup, per docs/energy-area.md.
struct LookupOps {
  uint32_t fp32_mult = 0, fp32_add = 0;
  uint32_t fp16_mult = 0, fp16_add = 0;
  uint32_t int32_mult = 0, int32_add = 0, int32_xor = 0;
};

// dims must be 2 or 3 and features >= 1 (std::invalid_argument otherwise). `hashed` selects the
// spatial hash instead of the dense index.
LookupOps lookup_ops(uint32_t dims, uint32_t features, bool hashed);
double lookup_ops_energy_j(const LookupOps& ops, const TechTable& tech);

// Energy of one access of `access_bytes` to an SRAM of `capacity_bytes` (log-log interpolation
// between table points; beyond the ends the end segment's slope is extended).
double sram_read_energy_j(const TechTable& tech, double capacity_bytes, double access_bytes);
double sram_write_energy_j(const TechTable& tech, double capacity_bytes, double access_bytes);
double sram_area_mm2(const TechTable& tech, double capacity_bytes);

// FIFO sizing rule: fifo_depth_batches x batch_size x fifo_features_per_query x bytes/feature.
double fifo_bytes(const Config& config, const TechTable& tech);

// `grid_dims` (2 or 3) and `features` (per grid entry) describe the encoding that ran.
EnergyBreakdown energy_of(const Activity& activity, const Config& config, const TechTable& tech,
                          double sim_time_s, uint32_t grid_dims, uint32_t features);
AreaBreakdown area_of(const Config& config, const TechTable& tech);
double leakage_power_w(const Config& config, const TechTable& tech);

}  // namespace ngpc
