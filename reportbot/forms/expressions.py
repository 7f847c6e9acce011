"""Safe XLSForm-like expressions for `relevant` and `constraint` rules.

Source text is tokenized and parsed once (`expression_parser`) into a tree of frozen nodes
(`expression_nodes`); evaluation walks that tree and never raises: any runtime type problem
yields empty (None). Nothing here hands user text to eval, exec or compile.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportbot.forms.expression_nodes import Call, Chain, Const, ExpressionError, Ref, children
from reportbot.forms.expression_parser import parse_tree
from reportbot.forms.xpath_lookup import current_lists
from reportbot.forms.xpath_values import truthy

__all__ = ["Expression", "ExpressionError", "compared_literals", "parse_expression", "truthy"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed expression; `Expression(source)` parses too and raises ExpressionError."""

    source: str
    calculations: Mapping[str, Expression] | None = field(default=None, compare=False, repr=False)
    _root: Any = field(init=False, compare=False, repr=False)
    _refs: frozenset[str] = field(init=False, compare=False, repr=False)
    _current: bool = field(init=False, compare=False, repr=False)
    cost: int = field(init=False, compare=False, repr=False)
    choice_fields: bool = field(default=False, compare=False, repr=False)
    # the choice lists instance('name') reads (None: those `lookup_lists` made known)
    lists: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.lists is None:
            object.__setattr__(self, "lists", current_lists())
        root, refs, current, cost = parse_tree(
            self.source, self.calculations, self.choice_fields, self.lists
        )
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_refs", refs)
        object.__setattr__(self, "_current", current)
        object.__setattr__(self, "cost", cost)

    def __reduce__(self) -> tuple[Any, ...]:
        # copies and pickles carry the source (and calculations) and parse it again
        return (_rebuild, (self.source, self.calculations, self.choice_fields, self.lists))

    def evaluate(self, answers: Mapping[str, Any], current: Any = None) -> Any:
        """Evaluate against the answers (and `.` = current); never raises, problems give None."""
        try:
            return self._root.run(answers, current)
        except Exception:  # a rule must never break a conversation
            log.debug("expression %r failed at runtime", self.source, exc_info=True)
            return None

    def references(self) -> frozenset[str]:
        """The names used as ${name}, with the inputs of the calculations it reads."""
        return self._refs

    def uses_current(self) -> bool:
        """Whether the expression reads the current answer '.'."""
        return self._current


def compared_literals(expression: Expression) -> list[tuple[str, str]]:
    """(name, text) pairs the expression compares directly: ${q} = 'x', 'x' != ${q},
    selected(${q}, 'x'). The loader checks each text is a value q can hold."""
    pairs: list[tuple[str, str]] = []
    stack = [expression._root]
    while stack:
        node = stack.pop()
        stack.extend(children(node))
        if isinstance(node, Chain):
            operands = (node.first, *node.rest)
            for index, op in enumerate(node.ops):
                if op in ("=", "!="):
                    pairs.extend(_literal_pair(operands[index], operands[index + 1]))
        elif isinstance(node, Call) and node.name == "selected" and len(node.args) == 2:
            pairs.extend(_literal_pair(*node.args))
    return pairs


def _literal_pair(left: Any, right: Any) -> list[tuple[str, str]]:
    for ref, const in ((left, right), (right, left)):
        if isinstance(ref, Ref) and isinstance(const, Const) and isinstance(const.value, str):
            return [(ref.name, const.value)]
    return []


def _rebuild(source: str, calculations: Any, choice_fields: bool, lists: Any = None) -> Expression:
    return Expression(source, calculations, choice_fields=choice_fields, lists=lists)


def parse_expression(
    source: str,
    calculations: Mapping[str, Expression] | None = None,
    *,
    choice_fields: bool = False,
    lists: Mapping[str, Any] | None = None,
) -> Expression:
    """Parse source text once; raises ExpressionError with a short message and a position.

    `calculations` (name -> Expression) are the form's `calculate` fields: ${name} then reads
    the calculation's value computed from the same answers. With `choice_fields` (a
    choice_filter) a bare name such as `county` reads that column of the choice filtered.
    `lists` are the choice lists instance('name') may read (default: `lookup_lists`)."""
    return Expression(source, calculations, choice_fields=choice_fields, lists=lists)
