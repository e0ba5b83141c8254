#!/usr/bin/env python3
"""Rewrites the "Every key" table of docs/config-reference.md from docs/config-schema.json, so the
reference lists exactly the parameters the loader accepts, with the schema's defaults, units and
sources. usage: /usr/bin/python3 scripts/config-reference.py   (from the repository root)"""
import json
import re
import sys

SCHEMA = "docs/config-schema.json"
DOC = "docs/config-reference.md"


def rows(node, path=""):
    props = node.get("properties")
    if props is None:
        yield path, node
        return
    for key, child in props.items():
        if key == "parent":
            continue
        yield from rows(child, f"{path}.{key}" if path else key)


def row(path, node):
    desc = node.get("description", "")
    m = re.match(r"(.*?)\s*Unit: ([^.]*)\.\s*(.*)$", desc, re.S)
    meaning, unit, source = (m.group(1), m.group(2), m.group(3)) if m else (desc, "", "")
    if "enum" in node:
        meaning += " Choices: " + ", ".join(f"`{c}`" for c in node["enum"]) + "."
    default = json.dumps(node.get("default"), ensure_ascii=False)
    cell = lambda s: s.replace("|", "\\|").replace("\n", " ").strip()
    return f"| `{path}` | `{default}` | {cell(unit)} | {cell(meaning)} | {cell(source)} |"


def main():
    schema = json.load(open(SCHEMA, encoding="utf-8"))
    text = open(DOC, encoding="utf-8").read()
    head = "| Key | Default | Unit | Meaning | Source |\n|---|---|---|---|---|\n"
    start = text.index(head) + len(head)
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end
    table = "\n".join(row(p, n) for p, n in rows(schema))
    open(DOC, "w", encoding="utf-8").write(text[:start] + table + text[end:])


if __name__ == "__main__":
    sys.exit(main())
