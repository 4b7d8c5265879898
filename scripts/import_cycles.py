#!/usr/bin/env python3
"""Finds import circles between the files of a Rust crate's source tree.

An edge runs from file A to file B when A names something B defines, through a `use crate::…`,
`use super::…` or `use self::…` import, a `use` of one of A's own child modules, or such a path
written inline in the code (`crate::format::counted(…)`). A `mod` declaration is not an edge, and
neither is a re-export (`pub use`) of a module's own children: a name imported through a re-export
counts as an edge to the file that defines it. Items inside a file's inline `mod tests { … }` count
for that file.

Prints each circle (a strongly connected group of two or more files) with the names that tie it,
and exits 1 when there is one; exits 0 when there is none.

    python3 scripts/import_cycles.py [--root src]
    python3 scripts/import_cycles.py --self-test
"""

import argparse
import os
import re
import sys
import tempfile

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
DEFINITION = re.compile(
    r"\b(?:fn|struct|enum|trait|type|const|static|union|macro_rules!)\s+(" + IDENT + r")"
)


def strip_comments_and_strings(text):
    """The code with comments, string and char literals blanked, line breaks kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    out.append("\n" if text[i] == "\n" else "")
                    i += 1
        elif c == "r" and re.match(r'r(#*)"', text[i:i + 20]) and not re.match(r"\w", text[i - 1:i] or " "):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            end = n if end < 0 else end + 1 + len(hashes)
            out.append('""' + "\n" * text.count("\n", i, end))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|[^\\'])'", text[i:i + 12]):
            m = re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|[^\\'])'", text[i:i + 12])
            out.append("' '")
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


class Module:
    def __init__(self, path, file, parent):
        self.path = path  # ("crate", "fetch", "run")
        self.file = file
        self.parent = parent
        self.children = {}  # name -> Module
        self.reexports = {}  # name -> (module, path segments), from `pub use`
        self.globs = []  # (module, path segments) of `pub use x::*`
        self.defines = set()
        self.uses = []  # (path segments as written, is_pub)
        self.inline_paths = []


def split_use_tree(tree):
    """`a::{b, c::{d as e}, f::*}` -> [["a","b"], ["a","c","d"], ["a","f","*"]]."""
    # An alias does not change where a name lives: `d as e` is d.
    tree = re.sub(r"\s+as\s+" + IDENT, "", tree)
    tree = re.sub(r"\s+", "", tree)

    def parse(s, prefix):
        parts, depth, start = [], 0, 0
        for i, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:i])
                start = i + 1
        parts.append(s[start:])
        results = []
        for part in filter(None, parts):
            if "{" in part:
                head, _, rest = part.partition("{")
                results.extend(parse(rest[: rest.rfind("}")], prefix + [x for x in head.split("::") if x]))
            else:
                results.append(prefix + [x for x in part.split("::") if x])
        return results

    return parse(tree.lstrip(":"), [])


def load(root):
    """Every module of the crate rooted at `root` (lib.rs), file-backed or inline."""
    modules = {}

    def visit(file, path, parent):
        with open(file, encoding="utf-8") as f:
            code = strip_comments_and_strings(f.read())
        module = Module(path, file, parent)
        modules[path] = module
        read_items(code, module, file, path)
        return module

    def read_items(code, module, file, path):
        folder = child_folder(file)
        for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*;", code):
            name = m.group(1)
            for candidate in (os.path.join(folder, name + ".rs"), os.path.join(folder, name, "mod.rs")):
                if os.path.exists(candidate):
                    module.children[name] = visit(candidate, path + (name,), module)
                    break
        module.defines = set(DEFINITION.findall(code))
        module.code = code

    lib = os.path.join(root, "lib.rs")
    visit(lib, ("crate",), None)
    for module in modules.values():
        read_uses(module)
    return modules


def child_folder(file):
    base = os.path.basename(file)
    if base in ("mod.rs", "lib.rs", "main.rs"):
        return os.path.dirname(file)
    return file[: -len(".rs")]


def inline_module_spans(code):
    """(start, end, name) of each inline `mod name { … }` block."""
    spans = []
    for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*\{", code):
        depth, i = 0, m.end() - 1
        while i < len(code):
            if code[i] == "{":
                depth += 1
            elif code[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        spans.append((m.start(), i, m.group(1)))
    return spans


def inline_depth(spans, pos):
    return sum(1 for start, end, _ in spans if start < pos < end)


def read_uses(module):
    code = module.code
    spans = inline_module_spans(code)
    use_spans = []
    for m in re.finditer(r"\b(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", code):
        use_spans.append((m.start(), m.end()))
        depth = inline_depth(spans, m.start())
        for segments in split_use_tree(m.group(2)):
            module.uses.append((segments, bool(m.group(1)), depth))
    for m in re.finditer(r"(?<![A-Za-z0-9_:])((?:crate|super|self)(?:::" + IDENT + r")+)", code):
        if any(start <= m.start() < end for start, end in use_spans):
            continue
        depth = inline_depth(spans, m.start())
        module.inline_paths.append((m.group(1).split("::"), depth))


def resolve(modules, module, segments, depth, seen=None):
    """The file that defines what `segments` names, seen from `module` (inside `depth` inline modules)."""
    seen = seen or set()
    if not segments:
        return None
    first = segments[0]
    if first == "crate":
        current, rest = modules[("crate",)], segments[1:]
    elif first in ("super", "self"):
        current, rest = module, segments
        # Inside an inline module `super` first climbs back to the file's own module.
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                if depth > 0:
                    depth -= 1
                else:
                    current = current.parent
                    if current is None:
                        return None
            rest = rest[1:]
    elif first in module.children:
        current, rest = module, segments
    else:
        return None  # an external crate, std, or a local name
    return walk(modules, current, rest, seen)


def walk(modules, current, rest, seen):
    for i, name in enumerate(rest):
        if name in ("*", "self"):
            return current.file
        if name in current.children:
            current = current.children[name]
            continue
        key = (current.path, name)
        if key in seen:
            return current.file
        seen.add(key)
        if name in current.reexports:
            target_module, target_segments = current.reexports[name]
            found = walk(modules, target_module, target_segments, seen)
            return found or current.file
        if name not in current.defines:
            for glob_module, glob_segments in current.globs:
                target = walk_to_module(glob_module, glob_segments)
                if target is not None and name in target.defines:
                    return target.file
        return current.file
    return None  # the path names a module: the names used through it are the edges


def walk_to_module(module, segments):
    for name in segments:
        if name not in module.children:
            return None
        module = module.children[name]
    return module


def collect_reexports(modules):
    """`pub use child::Name` makes Name resolvable where the re-export stands."""
    for module in modules.values():
        for segments, is_pub, depth in module.uses:
            if not is_pub or depth:
                continue
            first = segments[0]
            base, rest = None, segments
            if first in module.children:
                base = module
            elif first == "self":
                base, rest = module, segments[1:]
            elif first == "crate":
                base, rest = modules[("crate",)], segments[1:]
            elif first == "super" and module.parent:
                base, rest = module.parent, segments[1:]
            if base is None or not rest:
                continue
            if rest[-1] == "*":
                module.globs.append((base, rest[:-1]))
            else:
                module.reexports[rest[-1]] = (base, rest)


def is_own_reexport(module, segments, is_pub):
    """A `pub use` of the module's own children: not an edge."""
    if not is_pub:
        return False
    first = segments[1] if segments[0] == "self" and len(segments) > 1 else segments[0]
    return first in module.children


def edges(modules):
    found = {}
    for module in modules.values():
        wanted = [(s, d, "use") for s, is_pub, d in module.uses if not is_own_reexport(module, s, is_pub)]
        wanted += [(s, d, "path") for s, d in module.inline_paths]
        for segments, depth, _ in wanted:
            target = resolve(modules, module, segments, depth)
            if target and target != module.file:
                found.setdefault((module.file, target), set()).add(segments[-1])
    return found


def circles(edge_map):
    graph = {}
    for (a, b) in edge_map:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    counter = [0]

    def strongconnect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return groups


def report(root):
    modules = load(root)
    collect_reexports(modules)
    edge_map = edges(modules)
    groups = circles(edge_map)
    files = len({m.file for m in modules.values()})
    if not groups:
        print(f"no import circles among {files} files under {root}")
        return 0
    print(f"{len(groups)} import circle(s) among {files} files under {root}:")
    for n, group in enumerate(groups, 1):
        rel = [os.path.relpath(f, root) for f in group]
        print(f"circle {n}: {', '.join(rel)}")
        members = set(group)
        for (a, b), names in sorted(edge_map.items()):
            if a in members and b in members:
                print(f"  {os.path.relpath(a, root)} -> {os.path.relpath(b, root)}: {', '.join(sorted(names))}")
    return 1


def self_test():
    """Two small trees, one with a circle through a re-export and one without: the checker must tell them apart."""
    cases = {
        "circle through a re-export and an inline path": ({
            "lib.rs": "pub mod a;\npub mod b;\n",
            "a/mod.rs": "mod one;\npub use one::One;\n",
            "a/one.rs": "pub struct One;\npub fn two() -> crate::b::Two { crate::b::Two }\n",
            "b.rs": "use crate::a::One;\npub struct Two;\nfn f(_: One) {}\n",
        }, 1),
        "no circle: mod lines, own re-exports and tests are not edges": ({
            "lib.rs": "pub mod a;\npub mod b;\npub use a::One;\n",
            "a/mod.rs": "mod one;\npub use one::One;\n// use crate::b::Two;\n",
            "a/one.rs": "pub struct One;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    const S: &str = \"crate::b::Two\";\n}\n",
            "b.rs": "use crate::a::One;\npub struct Two;\nfn f(_: One) {}\n",
        }, 0),
        "circle between a parent file and its child": ({
            "lib.rs": "pub mod app;\n",
            "app.rs": "mod autopilot;\nuse autopilot::Shot;\npub struct App;\n",
            "app/autopilot.rs": "use super::App;\npub struct Shot(App);\n",
        }, 1),
    }
    failed = 0
    for name, (files, expected) in cases.items():
        with tempfile.TemporaryDirectory() as root:
            for rel, text in files.items():
                path = os.path.join(root, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            modules = load(root)
            collect_reexports(modules)
            got = len(circles(edges(modules)))
        status = "ok" if got == expected else "FAILED"
        failed += got != expected
        print(f"{status}: {name} (circles: {got}, expected {expected})")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", "src"))
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    sys.exit(self_test() if args.self_test else report(os.path.normpath(args.root)))


if __name__ == "__main__":
    main()
