#include "sim/sweep/emit.h"

namespace ngpc {

std::string shell_word(const std::string& arg) {
  bool safe = !arg.empty();
  for (char c : arg)
    safe &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            std::string("_./=:,+-@%").find(c) != std::string::npos;
  if (safe) return arg;
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string jobs_text(const Manifest& m) {
  std::string t;
  for (const ManifestPoint& p : m.points) {
    for (size_t i = 0; i < p.command.size(); ++i) t += (i ? " " : "") + shell_word(p.command[i]);
    t += "\n";
  }
  return t;
}

std::string slurm_script(const Manifest& m, const std::string& dir, const std::string& out) {
  const std::string jobs_file = dir + "/jobs.txt", log_dir = dir + "/logs";
  const std::string n = std::to_string(m.points.size());
  const std::string merge =
      m.points.empty() ? std::string("ngpc-sim") : shell_word(m.points[0].command[0]);
  return "#!/bin/bash\n"
         "# Slurm job array: one task per point of the sweep " +
         m.spec +
         "\n"
         "# (written by `ngpc-sim sweep --emit-slurm`; docs/sweeps.md). Task k runs line k of\n"
         "# " +
         jobs_file +
         ". Submit, then merge once every task has ended:\n"
         "#   sbatch " +
         shell_word(dir + "/sweep.sbatch") +
         "\n"
         "#   " +
         merge + " sweep merge " + shell_word(out) +
         "\n"
         "# A task whose point is already finished exits at once, so resubmitting reruns only "
         "what\n"
         "# is missing. Clusters cap array indices (MaxArraySize, often 1001): run a larger sweep\n"
         "# in slices, task k running line k + NGPC_LINE_OFFSET, e.g. lines 1001-2000 with\n"
         "#   sbatch --array=1-1000 --export=ALL,NGPC_LINE_OFFSET=1000 " +
         shell_word(dir + "/sweep.sbatch") +
         "\n"
         "#SBATCH --job-name=ngpc-sweep\n"
         "#SBATCH --array=1-" +
         n +
         "\n"
         "#SBATCH --ntasks=1\n"
         "#SBATCH --cpus-per-task=1\n"
         "#SBATCH --mem=2G\n"
         "#SBATCH --output=" +
         log_dir +
         "/point-%a.log\n"
         "set -euo pipefail\n"
         "n=$((SLURM_ARRAY_TASK_ID + ${NGPC_LINE_OFFSET:-0}))\n"
         "line=$(sed -n \"${n}p\" " +
         shell_word(jobs_file) +
         ")\n"
         "if [ -z \"$line\" ]; then\n"
         "  echo \"no line $n in " +
         jobs_file +
         "\" >&2\n"
         "  exit 2\n"
         "fi\n"
         "eval \"exec $line\"\n";
}

}  // namespace ngpc
