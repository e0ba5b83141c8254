#!/usr/bin/python3
"""Plots of a sweep's results.csv (docs/sweeps.md, "Plots"), as PNG and SVG.

usage: /usr/bin/python3 scripts/plot_sweep.py RESULTS.csv [--out DIR]

Writes to DIR (default: a "plots" folder beside the CSV):
  speedup_vs_scaling    speed-up over the GPU vs NGPC scaling factor, one panel per app, with each
                        series' Amdahl ceiling (amdahl_speedup_bound: GPU-only frame time / the
                        remaining kernels after fusion) dashed
  fps_vs_resolution     FPS vs frame size, one panel per app, with 30/60/120 FPS lines
  overhead_vs_scaling   NGPC power and area as a share of the GPU's vs scaling factor
  energy_per_frame      NGPC energy per frame by component, stacked bars, one panel per app

Works on any sweep: series are told apart by the axes the sweep varied (other than app,
resolution and scaling factor). Uses Debian's python3-matplotlib (scripts/setup.sh); run it with
/usr/bin/python3, since another python3 may come first on PATH.
"""
import argparse
import csv
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text (searchable, editable)
import matplotlib.pyplot as plt  # noqa: E402

FIXED = ("point", "status", "error")
# Axes whose role the plots give to stats instead: app (panel), resolution (x or series label),
# scaling factor (x).
ROLE_AXES = ("app", "resolution", "cluster.scaling_factor")
# Axes that choose the workload, not the machine (the area plot ignores them).
WORKLOAD_AXES = ("trace", "encoding", "queries_per_pixel", "seed")
RES_NAMES = {(1920, 1080): "1080p", (3840, 2160): "4K", (7680, 4320): "8K"}
FPS_TARGETS = (30, 60, 120)


def fail(msg):
    print("plot_sweep.py: error: " + msg, file=sys.stderr)
    sys.exit(2)


def read_results(path):
    """Rows of finished points: {'axes': {...}, 'stats': {key: value}}, plus units and axis names."""
    try:
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            body = list(reader)
    except OSError as e:
        fail("%s: %s" % (path, e.strerror))
    if not header or tuple(header[:3]) != FIXED:
        fail("%s: not a sweep results.csv (expected a header starting point,status,error)" % path)
    axes, stats, units = [], [], {}
    for col in header[3:]:
        m = re.fullmatch(r"(.+) \[(.*)\]", col)
        if m:
            stats.append(m.group(1))
            units[m.group(1)] = m.group(2)
        else:
            axes.append(col)
    rows = []
    for line in body:
        if len(line) != len(header):
            fail("%s: a row has %d fields, the header %d" % (path, len(line), len(header)))
        if line[1] != "ok":
            continue
        values = dict(zip(header, line))
        row = {"axes": {a: values[a] for a in axes}, "stats": {}}
        for key in stats:
            text = values["%s [%s]" % (key, units[key])]
            try:
                row["stats"][key] = float(text)
            except ValueError:
                row["stats"][key] = text
        rows.append(row)
    if not rows:
        fail("%s: no finished points to plot" % path)
    for need in ("app", "nfps", "speedup", "fps", "resolution"):
        if need not in units:
            fail("%s: no '%s' column" % (path, need))
    return rows, axes, units


def pixels(row):
    w, h = (int(x) for x in row["stats"]["resolution"].split("x"))
    return w, h


def res_label(row):
    w, h = pixels(row)
    return RES_NAMES.get((w, h), "%dx%d" % (w, h))


def varying_axes(rows, axes):
    """The axes that tell series apart beyond app, resolution and scaling factor."""
    return [a for a in axes if a not in ROLE_AXES and len(set(r["axes"][a] for r in rows)) > 1]


def other_key(row, axes):
    """The row's values of the varying axes `axes`, as "axis=value" labels."""
    return tuple(
        "%s=%s" % (a, os.path.basename(row["axes"][a]) if a in ("trace", "config") else row["axes"][a])
        for a in axes
        if row["axes"][a] != ""
    )


def group(rows, key):
    out = {}
    for r in rows:
        out.setdefault(key(r), []).append(r)
    def order(x):  # numbers numerically ("NGPC-8" before "NGPC-16"), then text
        return (0, x, "") if isinstance(x, (int, float)) else (1, 0, str(x))

    return dict(sorted(out.items(), key=lambda kv: tuple(order(x) for x in kv[0])))


def apps_of(rows):
    return sorted(set(r["stats"]["app"] for r in rows))


def panels(n, width=7.0, height=4.0):
    cols = min(n, 2) if n > 1 else 1
    nrows = math.ceil(n / cols)
    fig, axs = plt.subplots(nrows, cols, figsize=(width * cols, height * nrows), squeeze=False)
    flat = [a for line in axs for a in line]
    for a in flat[n:]:
        a.set_visible(False)
    return fig, flat[:n]


def scaling_axis(ax, nfps):
    ax.set_xscale("log", base=2)
    ax.set_xticks(nfps)
    ax.set_xticklabels([str(int(n)) for n in nfps])
    ax.set_xlabel("scaling factor [NFPs]")


def save(fig, out, name, written):
    fig.tight_layout()
    for ext in ("png", "svg"):
        path = os.path.join(out, "%s.%s" % (name, ext))
        tmp = os.path.join(out, ".%s.%s.tmp" % (name, ext))  # renamed into place: never half-written
        fig.savefig(tmp, format=ext, dpi=120 if ext == "png" else None)
        os.replace(tmp, path)
        written.append(path)
    plt.close(fig)


def series_label(parts):
    return ", ".join(p for p in parts if p) or "all points"


def color(i, n):
    """Distinct colours for n series (tab10 up to 10, tab20 up to 20, then repeating)."""
    return plt.get_cmap("tab10" if n <= 10 else "tab20")(i % (10 if n <= 10 else 20))


def legend(ax):
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)


def plot_speedup(rows, axes, out, written):
    apps = apps_of(rows)
    fig, axs = panels(len(apps))
    for ax, app in zip(axs, apps):
        mine = [r for r in rows if r["stats"]["app"] == app]
        mine_axes = varying_axes(mine, axes)
        series = group(mine, lambda r: (res_label(r),) + other_key(r, mine_axes))
        for i, (key, pts) in enumerate(series.items()):
            pts.sort(key=lambda r: r["stats"]["nfps"])
            x = [r["stats"]["nfps"] for r in pts]
            c = color(i, len(series))
            ax.plot(x, [r["stats"]["speedup"] for r in pts], "o-", color=c, label=series_label(key))
            if "amdahl_speedup_bound" in pts[0]["stats"]:
                ceiling = max(r["stats"]["amdahl_speedup_bound"] for r in pts)
                ax.axhline(ceiling, color=c, linestyle="--", linewidth=1)
        scaling_axis(ax, sorted(set(r["stats"]["nfps"] for r in mine)))
        ax.set_ylabel("speed-up over GPU [x]")
        ax.set_title("%s (dashed: Amdahl ceiling)" % app.upper())
        ax.grid(True, alpha=0.3)
        legend(ax)
    fig.suptitle("Speed-up vs NGPC scaling factor")
    save(fig, out, "speedup_vs_scaling", written)


def plot_fps(rows, axes, out, written):
    apps = apps_of(rows)
    fig, axs = panels(len(apps))
    for ax, app in zip(axs, apps):
        mine = [r for r in rows if r["stats"]["app"] == app]
        mine_axes = varying_axes(mine, axes)
        series = group(mine, lambda r: (r["stats"]["nfps"],) + other_key(r, mine_axes))
        for i, (key, pts) in enumerate(series.items()):
            pts.sort(key=lambda r: pixels(r)[0] * pixels(r)[1])
            x = [pixels(r)[0] * pixels(r)[1] / 1e6 for r in pts]
            label = series_label(("NGPC-%d" % key[0],) + key[1:])
            ax.plot(x, [r["stats"]["fps"] for r in pts], "o-", color=color(i, len(series)), label=label)
        for fps, style in zip(FPS_TARGETS, (":", "--", "-.")):
            ax.axhline(fps, color="gray", linestyle=style, linewidth=1)
            ax.annotate("%d FPS" % fps, (1, fps), xycoords=("axes fraction", "data"), ha="right",
                        va="bottom", fontsize=7, color="gray")
        sizes = sorted(set((pixels(r), res_label(r)) for r in mine))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks([w * h / 1e6 for (w, h), _ in sizes])
        ax.set_xticklabels(["%s\n%.3g" % (lbl, w * h / 1e6) for (w, h), lbl in sizes], fontsize=7)
        ax.minorticks_off()
        ax.set_xlabel("frame size [megapixels]")
        ax.set_ylabel("frame rate [FPS]")
        ax.set_title(app.upper())
        ax.grid(True, alpha=0.3)
        legend(ax)
    fig.suptitle("FPS vs resolution (lines: 30, 60, 120 FPS)")
    save(fig, out, "fps_vs_resolution", written)


def plot_overheads(rows, axes, out, written, units):
    fig, (pa, aa) = plt.subplots(1, 2, figsize=(13, 4.5))
    nfps = sorted(set(r["stats"]["nfps"] for r in rows))
    if "power_overhead_pct" in units:
        series = group(rows, lambda r: (r["stats"]["app"], res_label(r)) + other_key(r, axes))
        for i, (key, pts) in enumerate(series.items()):
            pts.sort(key=lambda r: r["stats"]["nfps"])
            pa.plot([r["stats"]["nfps"] for r in pts], [r["stats"]["power_overhead_pct"] for r in pts],
                    "o-", color=color(i, len(series)), label=series_label(key))
    pa.set_ylabel("NGPC power / GPU board power [%]")
    pa.set_title("Power overhead")
    if "area_overhead_pct" in units:
        # Area depends on the machine, not the workload: one line per configuration series.
        machine_axes = [a for a in axes if a not in WORKLOAD_AXES]
        series = group(rows, lambda r: other_key(r, machine_axes))
        for i, (key, pts) in enumerate(series.items()):
            by_n = {}
            for r in pts:
                by_n[r["stats"]["nfps"]] = r["stats"]["area_overhead_pct"]
            n = sorted(by_n)
            aa.plot(n, [by_n[k] for k in n], "s-", color=color(i, len(series)),
                    label=series_label(key))
    aa.set_ylabel("NGPC area / GPU die area [%]")
    aa.set_title("Area overhead")
    for ax in (pa, aa):
        scaling_axis(ax, nfps)
        ax.grid(True, alpha=0.3)
        legend(ax)
    fig.suptitle("Power and area overhead vs NGPC scaling factor")
    save(fig, out, "overhead_vs_scaling", written)


def plot_energy(rows, axes, out, written, units):
    parts = [k for k in units if re.fullmatch(r"energy_(.+)_mj", k) and k != "energy_per_frame_mj"]
    if not parts:
        fail("no energy_<component>_mj columns")
    apps = apps_of(rows)
    fig, axs = panels(len(apps), width=7.5, height=4.5)
    for ax, app in zip(axs, apps):
        mine = [r for r in rows if r["stats"]["app"] == app]
        mine_axes = varying_axes(mine, axes)
        mine.sort(key=lambda r: (pixels(r)[0] * pixels(r)[1], other_key(r, mine_axes), r["stats"]["nfps"]))
        labels = [", ".join((res_label(r), "NGPC-%d" % r["stats"]["nfps"]) + other_key(r, mine_axes))
                  for r in mine]
        bottom = [0.0] * len(mine)
        for i, p in enumerate(parts):
            v = [r["stats"][p] for r in mine]
            ax.bar(range(len(mine)), v, bottom=bottom, color=color(i, len(parts)),
                   label=p[len("energy_"):-len("_mj")].replace("_", " "))
            bottom = [b + x for b, x in zip(bottom, v)]
        ax.set_xticks(range(len(mine)))
        ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=6)
        ax.set_ylabel("NGPC energy per frame [mJ]")
        ax.set_title(app.upper())
        ax.grid(True, axis="y", alpha=0.3)
        legend(ax)
    fig.suptitle("NGPC energy per frame by component")
    save(fig, out, "energy_per_frame", written)


def main():
    ap = argparse.ArgumentParser(description="Plots of a sweep's results.csv (PNG and SVG).")
    ap.add_argument("results", help="results.csv of a sweep")
    ap.add_argument("--out", help="output directory (default: plots/ beside the CSV)")
    args = ap.parse_args()
    rows, axes, units = read_results(args.results)
    axes = varying_axes(rows, axes)
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(args.results)), "plots")
    os.makedirs(out, exist_ok=True)
    written = []
    plot_speedup(rows, axes, out, written)
    plot_fps(rows, axes, out, written)
    plot_overheads(rows, axes, out, written, units)
    plot_energy(rows, axes, out, written, units)
    for w in written:
        print(w)


if __name__ == "__main__":
    main()
