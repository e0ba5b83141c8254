// `ngpc-sim sweep`: run every point of a sweep spec (one process per point, resumable), or emit
// them as command lines for GNU Parallel / a Slurm job array; `sweep point` runs one point,
// `sweep merge` collects externally run points (docs/sweeps.md).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "sim/cli/commands.h"
#include "sim/error.h"
#include "sim/sweep/emit.h"
#include "sim/sweep/point.h"
#include "sim/sweep/results.h"
#include "sim/sweep/runner.h"
#include "sim/sweep/sweep_spec.h"
#include "sim/util/atomic_file.h"

namespace ngpc::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// Exit status of a sweep that ran to the end but has failed (or unfinished) points.
constexpr int kSomePointsFailed = 3;

const char* kSweepUsage =
    "usage: ngpc-sim sweep SPEC.json --out DIR [--jobs N] [--frames a:b] [--quiet]\n"
    "                      [--max-points N] [--trace-cache DIR] [--dry-run]\n"
    "                      [--emit-jobs FILE | --emit-slurm DIR]\n"
    "       ngpc-sim sweep merge DIR [--quiet]\n"
    "       ngpc-sim sweep point OUT INDEX [run options]   (one point; what --emit-jobs writes)\n"
    "\n"
    "Runs every point of the sweep (the cartesian product of the spec's axes, plus each \"also\"\n"
    "block's; docs/sweeps.md), each in its own process, into DIR/points/NNNN/, and writes\n"
    "DIR/results.csv and DIR/results.jsonl (one row per finished point: axis values and every\n"
    "stat, a row added as each point finishes) and DIR/sweep.csv (the spec's chosen stats).\n"
    "Finished points are kept: rerunning the same command runs only what is missing (and what\n"
    "failed). --emit-jobs / --emit-slurm write the points as command lines for GNU Parallel or a\n"
    "Slurm job array instead of running them; `sweep merge DIR` then writes the same tables.\n"
    "\n"
    "exit status: 0 every point finished, 2 bad spec or usage (nothing is run or written),\n"
    "3 some points failed (each is recorded with its error; the others ran), 1 internal error,\n"
    "128+N stopped by signal N (finished points are kept).\n";

std::string absolute(const std::string& p) {
  return fs::absolute(p).lexically_normal().string();
}

std::string self_binary() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("ngpc-sim") : p.string();
}

void make_dir(const std::string& dir, const std::string& option) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(option + " " + dir + ": cannot create directory: " + ec.message());
}

// Held while a sweep runs in DIR: a second sweep into the same directory is refused.
struct DirLock {
  int fd = -1;
  explicit DirLock(const std::string& dir) {
    const std::string path = dir + "/.sweep.lock";
    fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) throw InputError(path + ": cannot create the sweep lock");
    if (flock(fd, LOCK_EX | LOCK_NB) != 0)
      throw InputError(dir + ": another sweep is running in this directory (" + path + ")");
  }
  ~DirLock() {
    if (fd >= 0) close(fd);
  }
};

int summary_status(size_t failed, size_t pending) {
  return failed + pending > 0 ? kSomePointsFailed : 0;
}

int cmd_sweep_merge(const Args& args) {
  po::options_description options("options");
  options.add_options()("help,h", "print this help")(
      "dir", po::value<std::string>(), "sweep output directory")("quiet,q", "no summary on stderr");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  const std::vector<std::string> rest(args.begin() + 2, args.end());
  po::store(po::command_line_parser(rest).options(options).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: ngpc-sim sweep merge DIR [--quiet]\n\nWrites DIR/results.csv, "
                 "DIR/results.jsonl and DIR/sweep.csv from the point folders of a sweep\n"
                 "whose points ran elsewhere (--emit-jobs, --emit-slurm). Exit status 3 when "
                 "some points\nfailed or have not run.\n\n"
              << options;
    return 0;
  }
  if (!vm.count("dir")) throw InputError("sweep merge: give the sweep's output directory");
  const std::string out = absolute(vm["dir"].as<std::string>());
  const Manifest m = read_manifest(out);
  std::vector<PointResult> results;
  size_t ok = 0, failed = 0;
  std::string missing;
  size_t n_missing = 0;
  for (const ManifestPoint& p : m.points) {
    results.push_back(read_point_result(out, p));
    ok += results.back().status == PointStatus::ok;
    failed += results.back().status == PointStatus::failed;
    if (results.back().status == PointStatus::pending && n_missing++ < 10)
      missing += (missing.empty() ? "" : " ") + std::to_string(p.index);
  }
  write_results(out, m, results);
  std::cout << results_table(m, results);
  if (!vm.count("quiet")) {
    std::cerr << "ngpc-sim sweep merge: " << ok << " finished, " << failed << " failed, "
              << n_missing << " missing";
    if (n_missing) std::cerr << " (points " << missing << (n_missing > 10 ? " ..." : "") << ")";
    std::cerr << "; " << out << "/results.csv\n";
  }
  return summary_status(failed, n_missing);
}

int cmd_sweep_point(const Args& args) {
  const Args rest(args.begin() + 2, args.end());
  if (!rest.empty() && (rest[0] == "--help" || rest[0] == "-h")) {
    std::cout << "usage: ngpc-sim sweep point OUT INDEX [--config F] [--set P=V]...\n"
                 "         (--trace F | --app A --resolution R [--encoding E] "
                 "[--queries-per-pixel Q] [--trace-seed S])\n"
                 "         [--frames a:b] [--trace-cache DIR]\n\n"
                 "Runs one sweep point into OUT/points/NNNN/ (config.json, summary.txt, "
                 "stats.json, then\npoint.json: its status and identity). A point already "
                 "finished with the same inputs\nis not run again. The lines --emit-jobs writes "
                 "are such commands.\n";
    return 0;
  }
  const PointCommand c = parse_point_command(rest);
  const int status = run_point(c);
  if (status == 0)
    std::cerr << "ngpc-sim sweep point: point " << c.index << " done: " << point_dir(c.out, c.index)
              << "\n";
  return status;
}

}  // namespace

int cmd_sweep(const Args& args) {
  if (args.size() >= 2 && args[1] == "merge") return cmd_sweep_merge(args);
  if (args.size() >= 2 && args[1] == "point") return cmd_sweep_point(args);
  po::options_description options("options");
  options.add_options()("help,h", "print this help")("spec", po::value<std::string>(),
                                                     "sweep specification (JSON)")(
      "out", po::value<std::string>(), "output directory")(
      "jobs,j", po::value<unsigned>()->default_value(1), "points run in parallel")(
      "frames", po::value<std::string>(), "frame range of every trace")(
      "quiet,q", "no progress and no summary on stderr")(
      "max-points", po::value<size_t>()->default_value(kDefaultMaxPoints),
      "refuse sweeps of more points than this")(
      "trace-cache", po::value<std::string>(),
      "directory of generated traces (default $NGPC_TRACE_CACHE, else ~/.cache/ngpc-sim/traces)")(
      "emit-jobs", po::value<std::string>(),
      "write one `ngpc-sim sweep point` command per point to FILE (for GNU Parallel) and exit")(
      "emit-slurm", po::value<std::string>(),
      "write DIR/sweep.sbatch (a Slurm job array) and DIR/jobs.txt and exit")(
      "dry-run", "list the points and exit");
  po::positional_options_description pos;
  pos.add("spec", 1);
  po::variables_map vm;
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  po::store(po::command_line_parser(rest).options(options).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kSweepUsage << "\n" << options;
    return 0;
  }
  if (!vm.count("spec")) throw InputError("no sweep specification given (see --help)");
  if (vm.count("emit-jobs") && vm.count("emit-slurm"))
    throw InputError("give --emit-jobs or --emit-slurm, not both");

  // Everything is checked before anything is written.
  const SweepSpec spec = read_sweep_spec(vm["spec"].as<std::string>());
  check_point_count(spec, vm["max-points"].as<size_t>());
  std::string cache;
  if (vm.count("trace-cache")) cache = absolute(vm["trace-cache"].as<std::string>());
  const std::vector<SweepPoint> pts =
      expand(spec, vm.count("frames") ? vm["frames"].as<std::string>() : "", cache);
  const std::vector<std::string> ids = check_points(spec, pts);
  if (vm.count("dry-run")) {
    for (const SweepPoint& p : pts) {
      std::cout << p.index;
      for (const auto& [k, v] : p.axes)
        std::cout << "  " << k << "=" << (v.is_string() ? v.get<std::string>() : v.dump());
      std::cout << "\n";
    }
    std::cout << pts.size() << " points\n";
    return 0;
  }
  if (!vm.count("out")) throw InputError("--out DIR is required (see --help)");
  const std::string out = absolute(vm["out"].as<std::string>());
  const Manifest m = make_manifest(spec, pts, ids, out, self_binary());
  const bool quiet = vm.count("quiet") > 0;

  if (vm.count("emit-jobs") || vm.count("emit-slurm")) {
    make_dir(out + "/points", "--out");
    const DirLock lock(out);  // not while a sweep runs there
    write_manifest(out, m);
    if (vm.count("emit-jobs")) {
      const std::string f = vm["emit-jobs"].as<std::string>();
      write_file_atomic(f, jobs_text(m));
      if (!quiet)
        std::cerr << "ngpc-sim sweep: " << m.points.size() << " commands in " << f
                  << "\n  run them:   parallel -j N < " << f
                  << "   (other hosts: --sshloginfile FILE)\n  then:       ngpc-sim sweep merge "
                  << out << "\n";
    } else {
      const std::string dir = absolute(vm["emit-slurm"].as<std::string>());
      make_dir(dir + "/logs", "--emit-slurm");
      write_file_atomic(dir + "/jobs.txt", jobs_text(m));
      write_file_atomic(dir + "/sweep.sbatch", slurm_script(m, dir, out));
      if (!quiet)
        std::cerr << "ngpc-sim sweep: a job array of " << m.points.size() << " tasks in " << dir
                  << "/sweep.sbatch\n  submit:  sbatch " << dir
                  << "/sweep.sbatch\n  then:    ngpc-sim sweep merge " << out << "\n";
    }
    return 0;
  }

  make_dir(out + "/points", "--out");
  const DirLock lock(out);
  write_manifest(out, m);
  std::vector<PointCommand> commands;
  for (const ManifestPoint& p : m.points)
    commands.push_back(parse_point_command(Args(p.command.begin() + 3, p.command.end())));
  const SweepProgress::Mode mode = quiet                   ? SweepProgress::Mode::quiet
                                   : isatty(STDERR_FILENO) ? SweepProgress::Mode::bar
                                                           : SweepProgress::Mode::lines;
  const SweepOutcome o = run_sweep(out, m, commands, vm["jobs"].as<unsigned>(), mode);
  std::cout << results_table(m, o.results);
  std::cout.flush();
  if (!quiet) {
    std::cerr << "ngpc-sim sweep: " << o.ran - o.failed << " run, " << o.resumed << " resumed, "
              << o.failed << " failed";
    if (o.pending) std::cerr << ", " << o.pending << " not run";
    std::cerr << "; " << out << "/results.csv\n";
    if (o.signal)
      std::cerr << "ngpc-sim sweep: stopped by signal " << o.signal
                << "; finished points are kept: rerun the same command to finish the rest\n";
  }
  if (o.signal) return 128 + o.signal;
  return summary_status(o.failed, o.pending);
}

}  // namespace ngpc::cli
