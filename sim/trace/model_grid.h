// The tcnn grid parameters of a trace's encoding model, as the grid math takes them.
#pragma once

#include "models/encoding/grid_math.h"
#include "sim/trace/trace.h"

namespace ngpc::trace {

GridParams grid_params(const EncodingModel& m);

}  // namespace ngpc::trace
