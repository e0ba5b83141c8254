// Options shared by the subcommands that need a machine configuration (run, sweep, config).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>

#include "sim/config/config_loader.h"

namespace ngpc::cli {

// Adds --config FILE and the repeatable --set path=value.
void add_config_options(boost::program_options::options_description& options);

// Loads the configuration those options describe (the default machine without --config).
LoadedConfig load_config_from(const boost::program_options::variables_map& vm);

// A whole-number option value in [lo, hi]. Options are read as text and parsed here because
// Boost.Program_options wraps "-1" around to the largest unsigned value. InputError naming
// `option` otherwise.
uint64_t parse_whole_number(const std::string& option, const std::string& text, uint64_t lo,
                            uint64_t hi);

}  // namespace ngpc::cli
