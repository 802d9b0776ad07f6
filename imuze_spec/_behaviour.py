"""What each generated operation module does, read from its source with `ast`.

The generator writes the request in `_get_kwargs` (the method, the URL template, `params`,
`headers` and `cookies` keyed by wire name, the body as `json`, `data`, `files` or `content`
with its Content-Type) and the answer in `_parse_response` (`if response.status_code == N`
per status it parses). Reading those, not the spec, tells what the regenerated client will
really send and accept.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "imuze_client"
_BODY_KWARGS = ("json", "data", "files", "content")
_WIRE_DICTS = {"params": "query", "headers": "header", "cookies": "cookie"}


@dataclass(frozen=True)
class Behaviour:
    """One operation module's request and the statuses it parses.

    `wire` maps (where, Python name) to the wire name, where is query, header, cookie or
    path; `media` holds `kwarg:Content-Type` for each way the body can be sent.
    """

    method: str = ""
    path: str = ""
    statuses: frozenset[int] = frozenset()
    media: frozenset[str] = frozenset()
    wire: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def success(self) -> frozenset[int]:
        """The 2xx statuses parsed as success."""
        return frozenset(s for s in self.statuses if 200 <= s < 300)

    @property
    def errors(self) -> frozenset[int]:
        """The other statuses parsed (into error models)."""
        return self.statuses - self.success


def _first_name(node: ast.AST) -> str:
    """The variable a wire value is computed from (`json_page` -> `page`)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id not in ("str", "quote", "UNSET"):
            return sub.id.removeprefix("json_")
    return ""


class _Reader(ast.NodeVisitor):
    def __init__(self) -> None:
        self.method = ""
        self.path = ""
        self.statuses: set[int] = set()
        self.body: list[str] = []
        self.media: set[str] = set()
        self.wire: dict[tuple[str, str], str] = {}

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if not isinstance(key, ast.Constant) or key.value not in ("method", "url"):
                continue
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                for keyword in value.keywords:  # "/songs/{id}".format(id=quote(str(id)))
                    if keyword.arg:
                        self.wire[("path", _first_name(keyword.value))] = keyword.arg
                value = value.func.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                if key.value == "method":
                    self.method = value.value.upper()
                else:
                    self.path = value.value
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)):
                continue
            key = target.slice
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            holder, name = target.value.id, key.value
            if holder == "_kwargs" and name in _BODY_KWARGS:
                self.body.append(name)
            elif holder == "headers" and name.lower() == "content-type":
                value = node.value
                if self.body and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    self.media.add(f"{self.body[-1]}:{value.value}")  # the body just set
            elif holder in _WIRE_DICTS:
                self.wire[(_WIRE_DICTS[holder], _first_name(node.value))] = name
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        left = node.left
        if (
            isinstance(left, ast.Attribute)
            and left.attr == "status_code"
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.Eq)
            and isinstance(node.comparators[0], ast.Constant)
            and isinstance(node.comparators[0].value, int)
        ):
            self.statuses.add(node.comparators[0].value)
        self.generic_visit(node)


def read(source: str) -> Behaviour | None:
    """The behaviour of one module's source; None when it is not an operation module."""
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    if "_get_kwargs" not in functions or "_parse_response" not in functions:
        return None
    reader = _Reader()
    reader.visit(functions["_get_kwargs"])
    request = (reader.method, reader.path, dict(reader.wire))
    typed = {item.split(":", 1)[0] for item in reader.media}
    media = frozenset(reader.media | {f"{kwarg}:" for kwarg in reader.body if kwarg not in typed})
    reader.visit(functions["_parse_response"])
    return Behaviour(request[0], request[1], frozenset(reader.statuses), media, request[2])


def read_all(root: Path) -> dict[str, Behaviour]:
    """Every operation module under root/imuze_client/api, by dotted module name."""
    found: dict[str, Behaviour] = {}
    api = root / PACKAGE / "api"
    for path in sorted(api.rglob("*.py")):
        behaviour = read(path.read_text(encoding="utf-8"))
        if behaviour is not None:
            dotted = ".".join(path.relative_to(root).with_suffix("").parts)
            found[dotted] = behaviour
    return found
