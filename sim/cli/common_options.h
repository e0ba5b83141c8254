// Options shared by the subcommands that need a machine configuration (run, sweep, config).
#pragma once

#include <boost/program_options.hpp>

#include "sim/config/config_loader.h"

namespace ngpc::cli {

// Adds --config FILE and the repeatable --set path=value.
void add_config_options(boost::program_options::options_description& options);

// Loads the configuration those options describe (the default machine without --config).
LoadedConfig load_config_from(const boost::program_options::variables_map& vm);

}  // namespace ngpc::cli
