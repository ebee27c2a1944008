"""The audit of learners' answer cells: reasons an instructor should read one (it never changes a grade)."""

from __future__ import annotations

import ast
import builtins

# names whose use in an answer cell means "an instructor should read this"
_SUSPECT_NAMES = {
    "get_ipython": "uses the IPython shell object (can hide errors or rewrite cells)",
    "builtins": "changes Python's built-ins", "__builtins__": "changes Python's built-ins",
    "ctypes": "uses ctypes", "gc": "walks the interpreter's objects",
    "subprocess": "runs programs", "socket": "opens network connections", "urllib": "opens URLs",
    "sys": "uses the interpreter's internals (sys)", "importlib": "re-imports modules",
    "inspect": "inspects the running code", "signal": "handles signals", "atexit": "registers exit hooks",
    "os": "uses the operating system (files, processes)", "pathlib": "reads or writes files",
    "shutil": "copies or deletes files", "sqlite3": "opens a database",
}
_GRADING_MODULES = {"manyhands", "feedback", "hashlib", "json", "_h", "_j", "nbgrader"}


# IPython's machinery through which a cell's code can rewrite later cells or what they show
_IPYTHON_HOOKS = {
    "input_transformers_post": "rewrites later cells (IPython input transformers)",
    "input_transformers_cleanup": "rewrites later cells (IPython input transformers)",
    "input_transformer_manager": "rewrites later cells (IPython input transformers)",
    "ast_transformers": "rewrites later cells (IPython AST transformers)",
    "displayhook": "replaces a display hook (what a cell shows as its result)",
    "display_pub": "uses IPython's display publisher (what a cell shows)",
    "display_formatter": "changes IPython's display formatters (what a cell shows)",
    "excepthook": "replaces the exception hook (can hide errors)",
    "set_custom_exc": "replaces IPython's error handling (can hide errors)",
    "showtraceback": "replaces IPython's error display (can hide errors)",
}
_BUILTIN_NAMES = {name for name in dir(builtins) if not name.startswith("_")}
_TEST_NAMES = {"pd": "pandas", "np": "numpy", "feedback": "the course's feedback helpers",
               "manyhands": "the course package"}
_IMPORTED_AS = {"pd": "pandas", "np": "numpy", "feedback": "manyhands.feedback", "manyhands": "manyhands"}
_CODE_MAGICS = {"time", "timeit", "prun", "capture"}  # magics whose argument (or cell body) is Python code
_VALUE_TYPES = {"int", "float", "complex", "bool", "str", "bytes", "dict", "list", "set", "frozenset", "tuple",
                "Counter", "OrderedDict", "defaultdict", "UserDict", "UserList", "UserString"}
# IPython syntax a cell may use without deserving a look
_PLAIN_MAGICS = {"time", "timeit", "matplotlib", "precision", "pprint", "who", "whos", "pinfo", "pinfo2",
                 "pdef", "pdoc", "psource", "ls", "pwd", "history", "lsmagic", "magic", "xmode"}


def _python_source(source: str) -> tuple[str, bool]:
    """The cell as the kernel runs it: IPython's magics (``%time``), shell escapes (``!ls``) and help
    (``x?``) turned into plain Python by IPython's own TransformerManager.  Returns (code, transformed)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        code = TransformerManager().transform_cell(source)
    except Exception:  # IPython's transformers raise on some broken input: audit the text as it is
        return source, False
    return code, code != source


def _names_stored_at_top(tree: ast.Module):
    """(name, node) for every name the cell binds in the notebook's namespace: module-level assignments,
    imports, definitions, loop and with targets, and names declared ``global`` anywhere."""
    declared = {n for node in ast.walk(tree) if isinstance(node, ast.Global) for n in node.names}
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)

    def walk(node, top):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)) and (top or child.id in declared):
                yield child.id, child
            elif isinstance(child, (ast.Import, ast.ImportFrom)) and top:
                for alias in child.names:
                    origin = alias.name if isinstance(child, ast.Import) else f"{child.module or ''}.{alias.name}"
                    yield (alias.asname or alias.name).split(".")[0], origin
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (top or child.name in declared):
                yield child.name, child
            yield from walk(child, top and not isinstance(child, scopes))

    yield from walk(tree, True)


def _base_name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def audit_source(source: str) -> list[str]:
    """Reasons why an answer cell deserves a human look (empty list if none).  Never changes a grade.

    The cell is read as IPython runs it (magics and shell escapes turned into Python first), then
    flagged for: the grading machinery (patching the feedback helpers, hashlib or json), the IPython shell
    and its hooks (input transformers, display hooks and publishers, events, custom error handlers), any
    use of ``builtins``, a built-in name or a module the tests use (``pd``, ``np``, ``feedback``) bound to
    something else, a subclass of a plain value type (int, float, str, dict, list, set ...) defined in the
    answer, ``__eq__``/``__hash__``, ``open``/``exec``/``eval``/``__import__``, shell commands, and modules
    that reach outside the notebook (files, processes, network, the interpreter's internals)."""
    code, transformed = _python_source(source)
    try:
        tree = ast.parse(code)
    except (RecursionError, MemoryError, ValueError, OverflowError):  # a cell too deep or too big to parse
        return ["could not be audited (too deeply nested or too large to parse): look at it yourself"]
    except SyntaxError:
        return []  # the cell's own error output says so
    reasons = []
    shell_named = "get_ipython" in source  # not only IPython's own translation of a magic
    imported = {(a.asname or a.name).split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in _SUSPECT_NAMES:
            if node.id != "get_ipython" or shell_named:
                reasons.append(_SUSPECT_NAMES[node.id])
        elif isinstance(node, ast.Constant) and node.value in ("builtins", "__builtins__"):
            reasons.append(_SUSPECT_NAMES["builtins"])
        elif isinstance(node, ast.Attribute):
            if node.attr in ("__builtins__", "builtins"):
                reasons.append(_SUSPECT_NAMES["builtins"])
            elif node.attr in _IPYTHON_HOOKS:
                reasons.append(_IPYTHON_HOOKS[node.attr])
            elif node.attr in ("register", "unregister") and _base_name(node.value) == "events":
                reasons.append("registers IPython event callbacks (code that runs around every later cell)")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name.split(".")[0] for a in node.names] + [getattr(node, "module", None) or ""]
            for name in names:
                if name.split(".")[0] in _SUSPECT_NAMES:
                    reasons.append(_SUSPECT_NAMES[name.split(".")[0]])
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete, ast.AnnAssign)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    base = target.value
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    if isinstance(base, ast.Name) and base.id in _GRADING_MODULES | set(_SUSPECT_NAMES) | imported:
                        reasons.append(f"replaces {ast.unparse(target)} (grading machinery)")
        elif isinstance(node, ast.FunctionDef) and node.name in {"__eq__", "__hash__", "__ne__"}:
            reasons.append(f"defines {node.name} (an answer that equals anything)")
        elif isinstance(node, ast.ClassDef):
            for base in node.bases:
                if _base_name(base) in _VALUE_TYPES:
                    reasons.append(f"defines a subclass of {_base_name(base)} (a value that can behave unlike one)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"open", "exec", "eval", "__import__"}:
                reasons.append(f"calls {node.func.id}()")
            elif node.func.id == "type" and len(node.args) == 3 and isinstance(node.args[1], ast.Tuple):
                for base in node.args[1].elts:
                    if _base_name(base) in _VALUE_TYPES:
                        reasons.append(f"defines a subclass of {_base_name(base)} (a value that can behave unlike one)")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and transformed and not shell_named:
            owner = node.func.value
            if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "get_ipython":
                if node.func.attr in ("system", "getoutput"):
                    reasons.append("runs shell commands (!)")
                elif node.func.attr in ("run_line_magic", "run_cell_magic") and node.args:
                    magic = node.args[0].value if isinstance(node.args[0], ast.Constant) else "?"
                    if magic in ("sx", "system", "bash", "sh", "script", "!"):
                        reasons.append("runs shell commands (!)")
                    elif magic not in _PLAIN_MAGICS | _CODE_MAGICS:
                        reasons.append(f"uses the IPython magic %{magic}")
                    body = node.args[-1] if len(node.args) in (2, 3) else None
                    if magic in _CODE_MAGICS and isinstance(body, ast.Constant) and isinstance(body.value, str):
                        reasons.extend(audit_source(body.value))  # %time abs = ...: the timed code too
    for name, origin in _names_stored_at_top(tree):
        if isinstance(origin, str) and _IMPORTED_AS.get(name) == origin:
            continue  # import pandas as pd, from manyhands import feedback: the same module again
        if name in _BUILTIN_NAMES:
            reasons.append(f"shadows the built-in {name}")
        elif name in _TEST_NAMES:
            reasons.append(f"rebinds {name} ({_TEST_NAMES[name]}, used by the tests)")
    return sorted(set(reasons))


