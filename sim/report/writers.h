// Formats a StatSet: JSON (each stat: value, unit, description), CSV, the human summary, and the
// first frame's timeline as Chrome trace-event JSON (opens in Perfetto / chrome://tracing).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/cluster/gpu_sms.h"
#include "sim/report/stats.h"

namespace ngpc {

nlohmann::ordered_json stats_json(const StatSet& s);  // keys in declaration order
std::string stats_csv(const StatSet& s);
std::string summary_text(const StatSet& s);
// Chrome trace-event JSON text of the timeline (with a trailing newline).
std::string timeline_json(const Timeline& timeline);
// Fixed-width table: a header row, then rows; columns left-aligned for text, right for numbers.
std::string aligned_table(const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows);
std::string fmt(double v, int precision = 3);
// A CSV field, quoted when it holds a comma, quote or newline.
std::string csv_field(const std::string& x);

}  // namespace ngpc
