#!/usr/bin/env python3
"""The attribution of a sweep over configs/attribution/ steps (docs/validation.md): for each app
(or trace) and scaling factor, the speed-up, FPS and bounding resource after each step, the change
each step makes, a CSV of that and a waterfall plot per scaling factor.

usage: /usr/bin/python3 scripts/attribution.py RESULTS_DIR [--out DIR] [--quiet]
  RESULTS_DIR  the --out directory of `ngpc-sim sweep configs/attribution.json` (its results.csv)
  --out DIR    where attribution.csv and attribution-NFPS.{png,svg} go (default RESULTS_DIR)

Steps are ordered by the number their config file name starts with (0-paper.json, 1-...)."""
import csv
import os
import re
import sys


def fail(msg):
    print("attribution.py: error: " + msg, file=sys.stderr)
    sys.exit(2)


def column(header, name):
    for h in header:
        if h == name or h.startswith(name + " ["):
            return h
    return None


def step_key(config):
    base = os.path.basename(config)
    m = re.match(r"(\d+)[-_ ]?(.*)\.json$", base)
    if not m:
        fail("config %r is not an attribution step (expected N-name.json)" % config)
    return int(m.group(1)), m.group(2).replace("-", " ")


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    quiet = "--quiet" in argv
    out = None
    if "--out" in argv:
        i = argv.index("--out")
        if i + 1 >= len(argv):
            fail("--out needs a directory")
        out = argv[i + 1]
        args = [a for a in args if a != out]
    if len(args) != 1:
        fail("usage: attribution.py RESULTS_DIR [--out DIR] [--quiet]")
    results = os.path.join(args[0], "results.csv")
    if not os.path.isfile(results):
        fail("%s: no such file (run the attribution sweep first)" % results)
    out = out or args[0]
    with open(results, newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = [r for r in reader if r.get("status") == "ok"]
    need = {"config": "config", "speedup": "speedup", "fps": "fps", "bound": "bound",
            "nfps": "cluster.scaling_factor"}
    cols = {k: column(header, v) for k, v in need.items()}
    missing = [need[k] for k, v in cols.items() if v is None]
    if missing:
        fail("%s: missing columns %s" % (results, ", ".join(missing)))
    workload = column(header, "app") or column(header, "trace")
    if workload is None:
        fail("%s: no app or trace column" % results)
    table = {}  # (workload, nfps) -> {step: row}
    names = {}
    for r in rows:
        num, name = step_key(r[cols["config"]])
        names[num] = name
        wl = os.path.basename(r[workload]).replace(".json", "")
        table.setdefault((wl, int(float(r[cols["nfps"]]))), {})[num] = r
    steps = sorted(names)
    if not steps:
        fail("%s: no finished points" % results)

    os.makedirs(out, exist_ok=True)
    lines = []
    with open(os.path.join(out, "attribution.csv.tmp"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["workload", "nfps", "step", "effect", "speedup [x]", "fps [1/s]",
                    "bound", "speedup change [%]"])
        for (wl, n), by_step in sorted(table.items()):
            prev = None
            for s in steps:
                r = by_step.get(s)
                if r is None:
                    continue
                sp = float(r[cols["speedup"]])
                change = "" if prev is None else "%+.1f" % (100 * (sp / prev - 1))
                w.writerow([wl, n, s, names[s], "%.4g" % sp, "%.4g" % float(r[cols["fps"]]),
                            r[cols["bound"]], change])
                lines.append("%-10s %5d  %-2d %-20s %9.2f %10.2f  %-17s %s" % (
                    wl, n, s, names[s], sp, float(r[cols["fps"]]), r[cols["bound"]], change))
                prev = sp
    os.replace(os.path.join(out, "attribution.csv.tmp"), os.path.join(out, "attribution.csv"))
    if not quiet:
        print("%-10s %5s  %-23s %9s %10s  %-17s %s" % ("workload", "NFPs", "step", "speed-up",
                                                       "FPS", "bound", "change [%]"))
        print("\n".join(lines))

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("matplotlib is missing (Debian package python3-matplotlib, scripts/setup.sh)")
    for n in sorted({k[1] for k in table}):
        wls = sorted({k[0] for k in table if k[1] == n})
        fig, axes = plt.subplots(1, len(wls), figsize=(3.2 * len(wls), 3.6), squeeze=False)
        for ax, wl in zip(axes[0], wls):
            by_step = table[(wl, n)]
            xs, bottoms, heights, colors = [], [], [], []
            prev = None
            for s in steps:
                if s not in by_step:
                    continue
                sp = float(by_step[s][cols["speedup"]])
                if prev is None:
                    bottoms.append(0)
                    heights.append(sp)
                    colors.append("tab:blue")
                else:
                    bottoms.append(min(prev, sp))
                    heights.append(abs(sp - prev))
                    colors.append("tab:red" if sp < prev else "tab:green")
                xs.append("%d %s" % (s, names[s]))
                prev = sp
            ax.bar(range(len(xs)), heights, bottom=bottoms, color=colors)
            ax.set_xticks(range(len(xs)))
            ax.set_xticklabels(xs, rotation=60, ha="right", fontsize=7)
            ax.set_title("%s, NGPC-%d" % (wl, n), fontsize=9)
            ax.set_ylabel("speed-up over the GPU [x]")
        fig.suptitle("Attribution: paper's assumptions to the default machine (NGPC-%d)" % n,
                     fontsize=10)
        fig.tight_layout()
        for ext in ("png", "svg"):
            path = os.path.join(out, "attribution-%d.%s" % (n, ext))
            fig.savefig(path + ".tmp." + ext, format=ext)
            os.replace(path + ".tmp." + ext, path)
        plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
