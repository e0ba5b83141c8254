// Sweeps past one machine run on existing engines: --emit-jobs writes one self-contained command
// line per point for GNU Parallel, --emit-slurm a Slurm job-array script running the same lines
// (docs/sweeps.md). Each command writes its own point folder; `sweep merge` collects them.
#pragma once

#include <string>
#include <vector>

#include "sim/sweep/results.h"

namespace ngpc {

// One argument quoted for a POSIX shell (left bare when it holds only safe characters).
std::string shell_word(const std::string& arg);

// The job list: one line per point, its full `ngpc-sim sweep point ...` command.
std::string jobs_text(const Manifest& m);

// A Slurm batch script, DIR/sweep.sbatch, for a job array of one task per line of DIR/jobs.txt,
// logs in DIR/logs (DIR absolute); `out` is the sweep's output directory.
std::string slurm_script(const Manifest& m, const std::string& dir, const std::string& out);

}  // namespace ngpc
