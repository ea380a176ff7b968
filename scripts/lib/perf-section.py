#!/usr/bin/env python3
"""Replace (or append) one benchmark's section of docs/PERFORMANCE.md.
Usage: perf-section.py <doc> <name> <section text including its <!-- name --> ... <!-- /name --> markers>"""
import re, sys

doc, name, section = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    text = open(doc).read()
except FileNotFoundError:
    text = "# Performance\n"
start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
if start in text:
    text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda m: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(doc, "w").write(text)
