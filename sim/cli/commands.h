// One function per subcommand; each returns the process exit status (0 ok, 2 bad input, 1 internal)
// and may throw ngpc::InputError for bad input. argv[0] is the subcommand name.
#pragma once

#include <string>
#include <vector>

namespace ngpc::cli {

using Args = std::vector<std::string>;

int cmd_run(const Args& args);
int cmd_sweep(const Args& args);
int cmd_trace(const Args& args);
// `trace gen`, called by cmd_trace with the same args (args[0] == "trace", args[1] == "gen").
int cmd_trace_gen(const Args& args);
int cmd_config(const Args& args);
int cmd_gpu(const Args& args);

}  // namespace ngpc::cli
