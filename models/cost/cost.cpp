#include "models/cost/cost.h"

#include <cmath>
#include <stdexcept>

namespace ngpc {
namespace {

double d(uint64_t n) {
  return static_cast<double>(n);
}

const OpCost& mac_cost(const TechTable& tech, Precision p) {
  const std::string precision = policy_name(p);
  const auto it = tech.mac.find(precision);
  // The config loader restricts the precision and the tech loader requires all of them, so a
  // miss here is a programming error, not bad input.
  if (it == tech.mac.end()) {
    throw std::invalid_argument("tech table '" + tech.name + "' has no MAC for precision '" +
                                precision + "'");
  }
  return it->second;
}

// Functional units of one level unit: one lookup per cycle, fully pipelined, one unit per
// operation. The hash and dense index paths share the multipliers (constant vs. stride
// operand), so the unit carries the union of both paths.
LookupOps level_unit_units(const TechTable& tech) {
  LookupOps ops = lookup_ops(tech.level_unit_dims, tech.level_unit_features, /*hashed=*/true);
  ops.int32_add = lookup_ops(tech.level_unit_dims, tech.level_unit_features, false).int32_add;
  return ops;
}

double lookup_ops_area_mm2(const LookupOps& ops, const TechTable& tech) {
  return ops.fp32_mult * tech.fp32_mult.area_mm2 + ops.fp32_add * tech.fp32_add.area_mm2 +
         ops.fp16_mult * tech.fp16_mult.area_mm2 + ops.fp16_add * tech.fp16_add.area_mm2 +
         ops.int32_mult * tech.int32_mult.area_mm2 + ops.int32_add * tech.int32_add.area_mm2 +
         ops.int32_xor * tech.int32_xor.area_mm2;
}

}  // namespace

double EnergyBreakdown::total_j() const {
  return mac_j + grid_sram_j + encoding_logic_j + buffers_j + l2_j + dram_j + leakage_j;
}

double AreaBreakdown::total_mm2() const {
  return mac_array_mm2 + grid_sram_mm2 + level_unit_logic_mm2 + mlp_buffers_mm2 + fifo_mm2 +
         control_mm2;
}

LookupOps lookup_ops(uint32_t dims, uint32_t features, bool hashed) {
  if (dims != 2 && dims != 3) {
    throw std::invalid_argument("lookup_ops: grid dims must be 2 or 3, got " +
                                std::to_string(dims));
  }
  if (features == 0) throw std::invalid_argument("lookup_ops: features must be >= 1");
  const uint32_t corners = 1u << dims;
  LookupOps ops;
  // pos_fract: p = s * x + 0.5 per dimension; floor/fraction split is a bit select of the
  // fixed-point result (no arithmetic).
  ops.fp32_mult += dims;
  ops.fp32_add += dims;
  // Interpolation weights: (1 - w) per dimension, then the 2^d corner products built as a
  // tree over dimensions (2^2 + ... + 2^d = 2^(d+1) - 4 multiplies).
  ops.fp32_add += dims;
  ops.fp32_mult += 2 * corners - 4;
  // Weighted sum of the 2^d corner features, per feature.
  ops.fp16_mult += corners * features;
  ops.fp16_add += (corners - 1) * features;
  // Index: the first hash prime and the first dense stride are 1 (a wire), so d - 1 multiplies;
  // combined by XOR (hash) or addition (dense). The modulo by the power-of-two table is a mask.
  ops.int32_mult += dims - 1;
  if (hashed) {
    ops.int32_xor += dims - 1;
  } else {
    ops.int32_add += dims - 1;
  }
  return ops;
}

double lookup_ops_energy_j(const LookupOps& ops, const TechTable& tech) {
  return ops.fp32_mult * tech.fp32_mult.energy_j + ops.fp32_add * tech.fp32_add.energy_j +
         ops.fp16_mult * tech.fp16_mult.energy_j + ops.fp16_add * tech.fp16_add.energy_j +
         ops.int32_mult * tech.int32_mult.energy_j + ops.int32_add * tech.int32_add.energy_j +
         ops.int32_xor * tech.int32_xor.energy_j;
}

const SramSet& sram_set(const TechTable& tech, SramScaling scaling) {
  const size_t i = static_cast<size_t>(scaling);
  if (i >= tech.sram.size()) throw std::invalid_argument("sram_set: unknown scaling method");
  return tech.sram[i];
}

double sram_read_energy_j(const SramArray& array, double capacity_bytes, double access_bytes) {
  if (!(capacity_bytes > 0)) throw std::invalid_argument("SRAM capacity must be positive");
  if (!(array.capacity_bytes > 0) || !(array.port_bytes > 0))
    throw std::invalid_argument("SRAM array '" + array.shape + "' has no capacity or port");
  if (access_bytes == 0) return 0;
  // pow(1, x) == 1 exactly: at the shape's own capacity this is the CACTI figure.
  return array.read_j / array.port_bytes * access_bytes *
         std::pow(capacity_bytes / array.capacity_bytes, array.energy_capacity_exponent);
}

double sram_write_energy_j(const SramArray& array, double capacity_bytes, double access_bytes) {
  if (array.read_j <= 0) return 0;
  return sram_read_energy_j(array, capacity_bytes, access_bytes) * (array.write_j / array.read_j);
}

double sram_area_mm2(const SramArray& array, double capacity_bytes) {
  if (!(array.capacity_bytes > 0))
    throw std::invalid_argument("SRAM array '" + array.shape + "' has no capacity");
  return array.area_mm2 * (capacity_bytes / array.capacity_bytes);
}

double sram_leakage_w(const SramArray& array, double capacity_bytes) {
  if (!(array.capacity_bytes > 0))
    throw std::invalid_argument("SRAM array '" + array.shape + "' has no capacity");
  return array.leakage_w * (capacity_bytes / array.capacity_bytes);
}

double fifo_bytes(const Config& config, const TechTable& tech) {
  return d(config.nfp.fifo_depth_batches) * fifo_slot_bytes(config, tech);
}

double fifo_slot_bytes(const Config& config, const TechTable& tech) {
  return d(config.cluster.batch_size) * tech.fifo_features_per_query * tech.fifo_bytes_per_feature;
}

EnergyBreakdown energy_of(const Activity& activity, const Config& config, const TechTable& tech,
                          double sim_time_s, uint32_t grid_dims, uint32_t features) {
  const EncodingActivity& enc = activity.encoding;
  const MlpActivity& mlp = activity.mlp;
  const MemoryActivity& mem = activity.memory;
  if (enc.hashed_lookups > enc.lookups) {
    throw std::invalid_argument("energy_of: hashed_lookups exceeds lookups");
  }
  const SramSet& sram = sram_set(tech, config.tech.scaling);
  EnergyBreakdown e;

  e.mac_j = d(mlp.macs) * mac_cost(tech, config.nfp.mlp.precision).energy_j +
            d(mlp.activation_unit_ops) * tech.activation_unit_op_j;

  // Every corner read (hit or miss) reads one 2F-byte fp16 entry from one copy of the grid
  // SRAM: a miss is read after its line has been filled. A fill is written into every replica.
  const GridSramConfig& grid = config.nfp.encoding.grid_sram;
  const double grid_cap = d(grid.capacity_bytes);
  e.grid_sram_j =
      d(enc.corner_reads) * sram_read_energy_j(sram.grid_sram, grid_cap, 2.0 * features) +
      d(enc.sram_fill_bytes) * d(grid.replicas) * sram_write_energy_j(sram.grid_sram, grid_cap, 1);

  const uint64_t dense_lookups = enc.lookups - enc.hashed_lookups;
  e.encoding_logic_j =
      d(enc.hashed_lookups) * lookup_ops_energy_j(lookup_ops(grid_dims, features, true), tech) +
      d(dense_lookups) * lookup_ops_energy_j(lookup_ops(grid_dims, features, false), tech);

  const double wb = d(config.nfp.mlp.weight_buffer_bytes);
  const double ab = d(config.nfp.mlp.activation_buffer_bytes);
  const double slot = fifo_slot_bytes(config, tech);
  e.buffers_j = d(mlp.weight_buffer_read_bytes) * sram_read_energy_j(sram.weight_buffer, wb, 1) +
                d(mlp.weight_load_bytes) * sram_write_energy_j(sram.weight_buffer, wb, 1) +
                d(mlp.activation_read_bytes) * sram_read_energy_j(sram.activation_buffer, ab, 1) +
                d(mlp.activation_write_bytes) * sram_write_energy_j(sram.activation_buffer, ab, 1);
  // Each encoded feature byte is written into a FIFO slot once and read by the MLP engine once.
  if (enc.feature_bytes_out > 0) {
    e.buffers_j += d(enc.feature_bytes_out) * (sram_write_energy_j(sram.fifo, slot, 1) +
                                               sram_read_energy_j(sram.fifo, slot, 1));
  }

  // The L2 is costed as the L2 array at its configured capacity plus the link wires.
  e.l2_j =
      d(mem.ngpc_l2_bytes) * (sram_read_energy_j(sram.l2, d(config.memory.l2.capacity_bytes), 1) +
                              tech.l2_link_j_per_byte);
  e.dram_j = d(mem.ngpc_dram_bytes) * tech.dram_j_per_byte;  // GPU traffic is not NGPC energy
  e.leakage_j = leakage_power_w(config, tech) * sim_time_s;
  return e;
}

AreaBreakdown area_of(const Config& config, const TechTable& tech) {
  const SramSet& sram = sram_set(tech, config.tech.scaling);
  const double nfps = config.cluster.scaling_factor;
  const double units = config.nfp.encoding.level_units;
  const GridSramConfig& grid = config.nfp.encoding.grid_sram;
  const MlpEngineConfig& mlp = config.nfp.mlp;
  AreaBreakdown a;
  a.mac_array_mm2 = nfps * d(mlp.rows) * d(mlp.cols) * mac_cost(tech, mlp.precision).area_mm2;
  a.level_unit_logic_mm2 = nfps * units * lookup_ops_area_mm2(level_unit_units(tech), tech);
  a.grid_sram_mm2 =
      nfps * units * d(grid.replicas) * sram_area_mm2(sram.grid_sram, d(grid.capacity_bytes));
  a.mlp_buffers_mm2 =
      nfps * (sram_area_mm2(sram.weight_buffer, d(mlp.weight_buffer_bytes)) +
              sram_area_mm2(sram.activation_buffer, d(mlp.activation_buffer_bytes)));
  a.fifo_mm2 = nfps * d(config.nfp.fifo_depth_batches) *
               sram_area_mm2(sram.fifo, fifo_slot_bytes(config, tech));
  a.control_mm2 = tech.nfp_control_fraction * (a.mac_array_mm2 + a.level_unit_logic_mm2) +
                  tech.dispatcher_area_mm2;
  return a;
}

double leakage_power_w(const Config& config, const TechTable& tech) {
  const SramSet& sram = sram_set(tech, config.tech.scaling);
  const AreaBreakdown a = area_of(config, tech);
  const double logic = a.mac_array_mm2 + a.level_unit_logic_mm2 + a.control_mm2;
  const double nfps = config.cluster.scaling_factor;
  const GridSramConfig& grid = config.nfp.encoding.grid_sram;
  const MlpEngineConfig& mlp = config.nfp.mlp;
  // Each array leaks per its CACTI figure; the level unit's grid SRAMs and their replicas.
  const double per_nfp =
      d(config.nfp.encoding.level_units) * d(grid.replicas) *
          sram_leakage_w(sram.grid_sram, d(grid.capacity_bytes)) +
      sram_leakage_w(sram.weight_buffer, d(mlp.weight_buffer_bytes)) +
      sram_leakage_w(sram.activation_buffer, d(mlp.activation_buffer_bytes)) +
      d(config.nfp.fifo_depth_batches) * sram_leakage_w(sram.fifo, fifo_slot_bytes(config, tech));
  return logic * tech.logic_leakage_w_per_mm2 + nfps * per_nfp;
}

}  // namespace ngpc
