"""A static scan of the environment variables the deployed code reads (no import: the Rasa side is Python 3.10).

A name counts when it is a string literal (or a module constant holding one) that is
  - an argument of a call on something called env/environ (os.environ.get, env.get, os.getenv, env.setdefault),
  - an argument of a call whose first argument is such an env (the settings parsers' _int(env, "KEY", ...)),
  - the key of a subscript of such an env (os.environ["KEY"]),
and `${KEY}` in the Rasa files Kubernetes mounts (deploy/endpoints.prod.yml, deploy/credentials.prod.yml)."""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# What runs in the deployment, by the part (Kubernetes workload) that runs it.
PARTS = {
    "govapi": ["govapi", "minwon_logs", "bot/metrics.py"],
    "console": ["bot/console", "bot/desk", "minwon_logs", "bot/metrics.py"],
    "notifier": ["bot/notifier", "minwon_logs", "bot/metrics.py"],
    "actions": ["actions", "minwon_logs"],
    "rasa": ["minwon_core", "minwon_rasa", "minwon_nlu", "minwon_logs", "deploy/endpoints.prod.yml",
             "deploy/credentials.prod.yml"],
    # minwon_core/internal_settings.py is Rasa's (the edge never imports it)
    "edge": ["edge", "minwon_core/channel_text.py", "minwon_core/segments.py", "minwon_core/sms_keywords.py",
             "minwon_logs"],
}
NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::?-[^}]*)?\}")


def _is_env(node: ast.AST) -> bool:
    text = ast.unparse(node).lower()
    return "environ" in text or text.split(".")[-1].lstrip("_") in ("env", "getenv") or text.endswith("env")


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _literal(node: ast.AST, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = node.value
    elif isinstance(node, ast.Name) and node.id in constants:
        value = constants[node.id]
    else:
        return None
    return value if NAME.match(value) else None


def _reads_env(node: ast.AST) -> list[ast.AST]:
    """The key with which node reads the environment (a call's argument or a subscript's key), else []."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and (_is_env(func.value) or func.attr == "getenv") or \
                isinstance(func, ast.Name) and func.id == "getenv":
            return list(node.args[:1])
        if len(node.args) > 1 and _is_env(node.args[0]) and not isinstance(node.args[0], ast.Constant):
            return [node.args[1]]  # a parser helper: _int(env, "KEY", default)
    if isinstance(node, ast.Subscript) and _is_env(node.value):
        return [node.slice]
    return []


def _reader_helpers(tree: ast.Module) -> dict[str, set[int]]:
    """Module functions that read the environment with one of their parameters as the key, e.g.
    `def _str(key, default): return os.environ.get(key) or default` -> {"_str": {0}}."""
    helpers: dict[str, set[int]] = defaultdict(set)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            params = [a.arg for a in node.args.args]
            for inner in ast.walk(node):
                for arg in _reads_env(inner):
                    if isinstance(arg, ast.Name) and arg.id in params:
                        helpers[node.name].add(params.index(arg.id))
    return helpers


def names_in_python(tree: ast.Module, helpers: dict[str, set[int]]) -> set[str]:
    """helpers: the reader helpers of every scanned module (they are imported across modules, e.g. _pick)."""
    constants = _constants(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        keys = _reads_env(node)
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            keys = keys + [node.args[i] for i in helpers.get(name, ()) if i < len(node.args)]
        found.update(filter(None, (_literal(key, constants) for key in keys)))
    return found


def _files(entry: str) -> list[Path]:
    path = ROOT / entry
    return [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)


def read_variables() -> dict[str, dict[str, set[str]]]:
    """{part: {variable: {files that read it}}}"""
    trees = {path: ast.parse(path.read_text(), filename=str(path))
             for entries in PARTS.values() for entry in entries for path in _files(entry) if path.suffix == ".py"}
    helpers: dict[str, set[int]] = defaultdict(set)
    for tree in trees.values():
        for name, positions in _reader_helpers(tree).items():
            helpers[name] |= positions
    result: dict[str, dict[str, set[str]]] = {}
    for part, entries in PARTS.items():
        reads: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            for path in _files(entry):
                if path.suffix == ".py":
                    names = names_in_python(trees[path], helpers)
                else:
                    lines = (line.split(" #")[0] for line in path.read_text().splitlines())
                    names = set(PLACEHOLDER.findall("\n".join(x for x in lines if not x.lstrip().startswith("#"))))
                for name in names:
                    reads[name].add(str(path.relative_to(ROOT)))
        result[part] = dict(reads)
    return result


if __name__ == "__main__":
    for part, reads in read_variables().items():
        print(part, sorted(reads))
