"""YAML reading that remembers where every value came from, for errors a user can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from wa_assist.errors import UserError

_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
try:  # libyaml is much faster when present
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

Path_ = tuple[Any, ...]


class YamlError(UserError):
    """A file that cannot be read or parsed, with the place it went wrong."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


@dataclass
class Located:
    """Plain Python data plus the 1-based line of every mapping key and list item, by path."""

    data: Any
    lines: dict[Path_, int]
    path: str

    def line_of(self, loc: Path_) -> int | None:
        """The line of ``loc``, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


def _build(node: yaml.Node, loc: Path_, lines: dict[Path_, int], constructor: yaml.constructor.SafeConstructor) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.MarkedYAMLError(
                    problem="merge keys (<<) are not supported", problem_mark=key_node.start_mark
                )
            key = constructor.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise yaml.MarkedYAMLError(
                    problem="mapping keys must be plain scalars", problem_mark=key_node.start_mark
                )
            if key in result:
                raise yaml.MarkedYAMLError(problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark)
            child = (*loc, key)
            lines[child] = key_node.start_mark.line + 1
            result[key] = _build(value_node, child, lines, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), lines, constructor) for i, item in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)


def parse_yaml(text: str, path: Path | str = "<string>") -> Located:
    """Parse YAML text; raise :class:`YamlError` with the line on any syntax problem."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            lines: dict[Path_, int] = {}
            data = None if node is None else _build(node, (), lines, yaml.constructor.SafeConstructor())
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(path, f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(path, f"invalid YAML: {exc}") from None
    return Located(data, lines, str(path))


def load_yaml(path: Path | str) -> Located:
    """Read and parse a YAML file; a missing or unreadable file is a :class:`YamlError` naming it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlError(path, "no such file") from None
    except IsADirectoryError:
        raise YamlError(path, "is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise YamlError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise YamlError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_yaml(text, path)
