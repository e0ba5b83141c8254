// ngpc-sim entry point: subcommand dispatch only. SystemC's own main() calls sc_main().
#include <boost/program_options/errors.hpp>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <systemc>

#include "sim/cli/commands.h"
#include "sim/error.h"

namespace {

const char* kUsage =
    "ngpc-sim " NGPC_VERSION
    " - cycle-approximate simulator of the NGPC neural-graphics accelerator\n"
    "\n"
    "usage: ngpc-sim <subcommand> [options]\n"
    "\n"
    "subcommands:\n"
    "  run      replay a kernel trace on a configuration and report FPS, speed-up, power, area\n"
    "  sweep    run a grid of configurations and traces, resumable\n"
    "  trace    generate (gen), inspect (info) or import (import-nsys) kernel traces\n"
    "  config   show the effective configuration (show) or its JSON Schema (schema)\n"
    "  gpu      the baseline GPU cost model: one launch's time (cost), its calibration "
    "(calibrate)\n"
    "\n"
    "  ngpc-sim <subcommand> --help   options of one subcommand\n"
    "  ngpc-sim --version\n"
    "\n"
    "exit status: 0 success, 2 bad usage or bad input, 1 internal error\n";

}  // namespace

int sc_main(int argc, char* argv[]) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string sub = argv[1];
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (sub == "--version" || sub == "-V") {
    std::cout << "ngpc-sim " << NGPC_VERSION << " (SystemC " << sc_core::sc_release() << ")\n";
    return 0;
  }
  ngpc::cli::Args args(argv + 1, argv + argc);
  try {
    if (sub == "run") return ngpc::cli::cmd_run(args);
    if (sub == "sweep") return ngpc::cli::cmd_sweep(args);
    if (sub == "trace") return ngpc::cli::cmd_trace(args);
    if (sub == "config") return ngpc::cli::cmd_config(args);
    if (sub == "gpu") return ngpc::cli::cmd_gpu(args);
    std::cerr << "ngpc-sim: unknown subcommand '" << sub << "' (try ngpc-sim --help)\n";
    return 2;
  } catch (const ngpc::InputError& e) {
    std::cerr << "ngpc-sim " << sub << ": error: " << e.what() << "\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    std::cerr << "ngpc-sim " << sub << ": error: " << e.what() << " (try ngpc-sim " << sub
              << " --help)\n";
    return 2;
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "ngpc-sim " << sub << ": error: bad JSON: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ngpc-sim " << sub << ": internal error: " << e.what() << "\n";
    return 1;
  }
}

// Our own main() (it takes precedence over libsystemc's) so the SystemC banner is switched off
// before the library prints it; SystemC then calls sc_main() as usual.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
