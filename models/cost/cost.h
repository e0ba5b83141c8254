// Energy and area, Accelergy style: activity counts (models/activity.h) times energy per action,
// and area per component summed over the configured NGPC. The technology numbers come from a
// table file (configs/tech/*.json, loaded and node-scaled once by sim/config/tech_loader.h); this
// file sees them only as plain numbers in J, mm2 and W. Method, op counts and sources:
// docs/energy-area.md.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "models/activity.h"
#include "models/machine_config.h"

namespace ngpc {

// One arithmetic unit: energy per operation and area of one instance.
struct OpCost {
  double energy_j = 0;
  double area_mm2 = 0;
};

// One SRAM array as a CACTI 7 shape (shared/reference/cacti7-sram.md) with its figures at the
// node. A configured capacity other than the shape's keeps the shape's area and leakage per bit
// and scales access energy by (capacity / shape capacity)^energy_capacity_exponent.
struct SramArray {
  std::string shape;          // CACTI shape letter of the reference file ("b")
  double capacity_bytes = 0;  // of the shape
  double port_bytes = 0;      // bytes per access
  double area_mm2 = 0;        // whole macro
  double read_j = 0;          // one port-width read
  double write_j = 0;         // one port-width write
  double leakage_w = 0;       // whole macro
  double access_s = 0;        // informational: the timing model takes access_latency_cycles
  double cycle_s = 0;         // informational: one bank's cycle time
  double energy_capacity_exponent = 0.5;
};

// The SRAM arrays as one scaling method (SramScaling) brings them to the node.
struct SramSet {
  std::string from_node;  // CACTI node the figures come from (the base node when unscaled)
  // Factors applied, from_node -> node (all 1 at the base node); kept so reports can state them.
  double area_scale = 1;
  double energy_scale = 1;
  double delay_scale = 1;
  double leakage_scale = 1;
  SramArray grid_sram;          // one level unit's grid SRAM
  SramArray weight_buffer;      // MLP weight buffer
  SramArray activation_buffer;  // MLP activation buffer
  SramArray fifo;               // one batch slot of the encoded-feature FIFO
  SramArray l2;                 // the GPU's L2 (only the array energy of NGPC traffic)
};

// Every number is already at `node` (the loader applied the node scaling exactly once).
struct TechTable {
  std::string name;       // e.g. "nangate45"
  std::string base_node;  // node the table's logic numbers are given at ("45nm")
  std::string node;       // node the numbers below are at ("7nm" or the base node)
  // Logic factors applied at load (all 1 when node == base_node); kept so reports can state
  // them. SRAM has its own factors, per scaling method (SramSet).
  double area_scale = 1;
  double energy_scale = 1;
  double delay_scale = 1;    // for synthesised critical-path delays; not used by the cost model
  double leakage_scale = 1;  // leakage power of a fixed circuit, base node -> node

  OpCost int8_add, int8_mult, int32_add, int32_mult, int32_xor;
  OpCost fp16_add, fp16_mult, fp32_add, fp32_mult;
  // One MAC (multiply + accumulate) per MLP precision ("fp16", "fp32", "int8").
  std::map<std::string, OpCost> mac;
  double activation_unit_op_j = 0;  // one non-ReLU activation evaluation

  // The SRAM arrays under each scaling method, indexed by SramScaling: both are loaded so the
  // cost model can follow the config's tech.scaling (sram_set).
  std::array<SramSet, kSramScalings> sram;

  double l2_link_j_per_byte = 0;  // NGPC <-> L2 wires, on top of the L2 array access
  double dram_j_per_byte = 0;     // off-chip: never node-scaled

  double logic_leakage_w_per_mm2 = 0;  // SRAM leakage is per array (SramArray::leakage_w)

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

// The SRAM figures of the method the config selects (config.tech.scaling).
const SramSet& sram_set(const TechTable& tech, SramScaling scaling);

// Energy of `access_bytes` read from / written to `array` built at `capacity_bytes`: linear in
// bytes (port_bytes per access), times (capacity_bytes / shape capacity)^exponent.
double sram_read_energy_j(const SramArray& array, double capacity_bytes, double access_bytes);
double sram_write_energy_j(const SramArray& array, double capacity_bytes, double access_bytes);
// Area and leakage of one array of `capacity_bytes`: the shape's, linear in capacity.
double sram_area_mm2(const SramArray& array, double capacity_bytes);
double sram_leakage_w(const SramArray& array, double capacity_bytes);

// FIFO sizing rule: fifo_depth_batches x batch_size x fifo_features_per_query x bytes/feature.
// The FIFO is fifo_depth_batches arrays of one batch each (ping-pong: the encoding engine fills
// one while the MLP engine drains another), so every access goes to one fifo_slot_bytes array.
double fifo_bytes(const Config& config, const TechTable& tech);
double fifo_slot_bytes(const Config& config, const TechTable& tech);

// `grid_dims` (2 or 3) and `features` (per grid entry) describe the encoding that ran.
EnergyBreakdown energy_of(const Activity& activity, const Config& config, const TechTable& tech,
                          double sim_time_s, uint32_t grid_dims, uint32_t features);
AreaBreakdown area_of(const Config& config, const TechTable& tech);
double leakage_power_w(const Config& config, const TechTable& tech);

}  // namespace ngpc
