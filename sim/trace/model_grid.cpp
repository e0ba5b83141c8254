#include "sim/trace/model_grid.h"

namespace ngpc::trace {

GridParams grid_params(const EncodingModel& m) {
  GridParams p;
  p.type = m.type == "densegrid"   ? GridType::Dense
           : m.type == "tiledgrid" ? GridType::Tiled
                                   : GridType::Hash;
  p.dims = m.dims;
  p.levels = m.levels;
  p.features = m.features;
  p.log2_table_size = m.log2_table_size;
  p.base_resolution = m.base_resolution;
  p.per_level_scale = m.per_level_scale;
  p.n_max = m.n_max;
  p.feature_bytes = m.precision == "fp32" ? 4 : 2;
  return p;
}

}  // namespace ngpc::trace
