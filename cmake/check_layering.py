#!/usr/bin/env python3
"""Fails when code outside the core reaches into the core's private files.

The core (src/ without its two programs) is used through include/ only:
  - adapters (adapters/<name>/) and the programs (src/cli/, src/sidecar/)
    may include public headers (include/spotburst/, adapters/*/include/),
    the internal headers shared on purpose (include/spotburst/internal/,
    target spotburst::internal), and their own files; never a file in src/;
  - public headers (include/spotburst/*.h, adapters/*/include/) and the
    examples include public headers only: no spotburst/internal/, no src/,
    no adapter's private src/.
Tests and benchmarks may look inside; they are not checked.

Usage: check_layering.py SOURCE_DIR
Prints one line per violation ("file:line: ...") and exits 1 if any.
"""

import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCE_SUFFIXES = (".h", ".cc")
PROGRAMS = ("cli", "sidecar")


def walk(root, top):
    """Yields the C++ files under root/top, relative to root, sorted."""
    found = []
    for directory, _, names in os.walk(os.path.join(root, top)):
        for name in names:
            if name.endswith(SOURCE_SUFFIXES):
                found.append(os.path.relpath(os.path.join(directory, name), root))
    return sorted(found)


def is_under(path, folder):
    return path == folder or path.startswith(folder + "/")


class Tree:
    def __init__(self, root):
        self.root = root
        src = os.path.join(root, "src")
        self.src_dirs = ["src"] + sorted(
            os.path.join("src", d) for d in os.listdir(src)
            if os.path.isdir(os.path.join(src, d))) if os.path.isdir(src) else []
        adapters = os.path.join(root, "adapters")
        self.adapters = sorted(
            d for d in os.listdir(adapters)
            if os.path.isdir(os.path.join(adapters, d))) if os.path.isdir(adapters) else []

    def exists(self, path):
        return os.path.isfile(os.path.join(self.root, path))

    def resolve(self, includer, name, search_dirs):
        """The repository path `name` means from `includer`: its own
        directory first, then `search_dirs`; None when none has it."""
        for directory in [os.path.dirname(includer)] + search_dirs:
            candidate = os.path.normpath(os.path.join(directory, name))
            if not candidate.startswith("..") and self.exists(candidate):
                return candidate
        return None

    def core_file(self, includer, name):
        """The file of the core's src/ that `name` would reach if a src/
        directory were on the include path (or by a relative path)."""
        relative = os.path.normpath(os.path.join(os.path.dirname(includer), name))
        candidates = [relative] + [os.path.join(d, name) for d in self.src_dirs]
        for candidate in candidates:
            candidate = os.path.normpath(candidate)
            if (is_under(candidate, "src") and self.exists(candidate)
                    and not any(is_under(candidate, os.path.join("src", p))
                                for p in PROGRAMS)):
                return candidate
        return None

    def public_dirs(self):
        return ["include"] + [os.path.join("adapters", a, "include")
                              for a in self.adapters]


def includes(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, start=1):
            match = INCLUDE.match(line)
            if match:
                yield number, match.group(1)


def check_user(tree, path, search_dirs, own_dirs):
    """An adapter or program file: its own files and public or internal
    headers; nothing else from src/."""
    problems = []
    for number, name in includes(tree.root, path):
        resolved = tree.resolve(path, name, search_dirs + tree.public_dirs())
        if resolved is not None and any(is_under(resolved, d) for d in own_dirs):
            continue
        if resolved is not None and not is_under(resolved, "src"):
            continue
        private = resolved if resolved is not None else tree.core_file(path, name)
        if private is not None:
            problems.append(
                f'{path}:{number}: includes "{name}", which is {private}, '
                f"private to src/; use include/spotburst/ (public) or "
                f"include/spotburst/internal/ (link spotburst::internal)")
    return problems


def check_public(tree, path, own_adapter_src):
    """A public header or an example: public headers only."""
    problems = []
    for number, name in includes(tree.root, path):
        if is_under(os.path.normpath(name), "spotburst/internal"):
            problems.append(
                f'{path}:{number}: includes "{name}", an internal header; '
                f"public headers and examples use include/spotburst/ only")
            continue
        search = tree.public_dirs() + ([own_adapter_src] if own_adapter_src else [])
        resolved = tree.resolve(path, name, search)
        private = None
        if resolved is not None and (is_under(resolved, "src") or
                                     re.match(r"adapters/[^/]+/src/", resolved)):
            private = resolved
        elif resolved is None:
            private = tree.core_file(path, name)
        if private is not None:
            problems.append(
                f'{path}:{number}: includes "{name}", which is {private}, a '
                f"private file; public headers and examples use public headers only")
    return problems


def check(root):
    tree = Tree(root)
    problems = []
    for adapter in tree.adapters:
        base = os.path.join("adapters", adapter)
        own = [os.path.join(base, "src"), os.path.join(base, "include")]
        for path in walk(root, os.path.join(base, "src")):
            problems += check_user(tree, path, own, own)
        for path in walk(root, os.path.join(base, "include")):
            problems += check_public(tree, path, os.path.join(base, "src"))
    for program in PROGRAMS:
        own = os.path.join("src", program)
        for path in walk(root, own):
            # Programs name their own headers from src/ ("cli/flags.h").
            problems += check_user(tree, path, ["src"], [own])
    for path in walk(root, os.path.join("include", "spotburst")):
        if not is_under(path, "include/spotburst/internal"):
            problems += check_public(tree, path, None)
    for path in walk(root, "examples"):
        problems += check_public(tree, path, None)
    return problems


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    problems = check(argv[1])
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check_layering: {len(problems)} include(s) reach past the "
              f"core's public API", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
