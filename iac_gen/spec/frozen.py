"""`frozen`: `dataclass(frozen=True)` for the spec model, built for a fast start-up.

On Python 3.11 `dataclass(frozen=True)` compiles six methods per class from generated source
(`__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__`, `__delattr__`): for the model's
21 classes that was the largest single cost of importing what `iac-gen validate` needs. Here
only `__init__` is generated (it is what building a spec runs, per object, so it stays
straight-line code with the signature of the fields); the other five are the same small
functions for every class, reading the field names the class was built with.

The classes stay dataclasses for `dataclasses.fields`, `replace` and `asdict`, and behave as
`dataclass(frozen=True)` builds them: the same constructor signature and defaults, repr,
equality, hash, and `FrozenInstanceError` on assignment (tests/cli/test_startup.py compares
them). `__dataclass_params__` is that of `dataclass(init=False, repr=False, eq=False)`: nothing
here reads it, and a frozen dataclass cannot subclass these (none does).
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from dataclasses import MISSING, FrozenInstanceError, dataclass, field
from operator import attrgetter, ge, gt, le, lt
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


class _Factory:
    """The default of an argument whose field has a default factory (shown as dataclasses
    shows its own marker, so the signatures read the same)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the tuple of an object's attributes `names` (`attrgetter` builds
    it in C, as fast as the tuple a generated method writes out)."""
    if len(names) >= 2:
        return attrgetter(*names)
    if names:
        single = attrgetter(names[0])
        return lambda obj: (single(obj),)
    return lambda obj: ()


def _init(cls: type, fields: list[dataclasses.Field[Any]]) -> Callable[..., None]:
    """`__init__` as `dataclass(frozen=True)` writes it: every field set on the new object."""
    scope: dict[str, Any] = {"_FACTORY": _FACTORY, "_set": object.__setattr__}
    params: list[str] = []
    lines: list[str] = []
    for f in fields:
        name = f.name
        value = name
        if f.default_factory is not MISSING:
            scope[f"_dflt_{name}"] = f.default_factory
            params.append(f"{name}=_FACTORY")
            value = f"_dflt_{name}() if {name} is _FACTORY else {name}"
        elif f.default is not MISSING:
            scope[f"_dflt_{name}"] = f.default
            params.append(f"{name}=_dflt_{name}")
        else:
            params.append(name)
        lines.append(f" _set(self,{name!r},{value})")
    source = f"def __init__(self,{','.join(params)}):\n" + ("\n".join(lines) or " pass")
    exec(source, scope)
    init: Callable[..., None] = scope["__init__"]
    init.__annotations__ = {f.name: f.type for f in fields} | {"return": None}
    return init


_METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")
_ORDER = ("__lt__", "__le__", "__gt__", "__ge__")


@overload
def frozen(cls: type[T], /) -> type[T]: ...


@overload
def frozen(*, order: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[T] | None = None, /, *, order: bool = False) -> Any:
    """The class as `dataclass(frozen=True)` (or `dataclass(frozen=True, order=True)`) makes
    it (see the module docstring): `@frozen` or `@frozen(order=True)`."""
    if cls is None:
        return lambda later: _build(later, order)
    return _build(cls, order)


def _build(cls: type[T], order: bool) -> type[T]:
    undocumented = not cls.__dict__.get("__doc__")
    own_methods = [name for name in (*_METHODS, *_ORDER) if name in cls.__dict__]
    cls = dataclass(init=False, repr=False, eq=False)(cls)
    fields = list(dataclasses.fields(cls))  # type: ignore[arg-type]
    if (
        own_methods
        or hasattr(cls, "__post_init__")
        or any(not f.init or f.kw_only is True for f in fields)
    ):
        raise TypeError(f"{cls.__name__}: frozen() supports plain fields and methods only")
    methods = {"__init__": _init(cls, fields), **_shared_methods(cls, fields, order)}
    for name, method in methods.items():
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)  # type.__setattr__: the class itself is not frozen
    if undocumented:  # as dataclass() names a class without a docstring: by its signature
        import inspect

        cls.__doc__ = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
    return cls


def _shared_methods(
    owner: type[Any], fields: list[dataclasses.Field[Any]], order: bool
) -> dict[str, Callable[..., Any]]:
    """`__repr__`, `__eq__`, `__hash__`, `__setattr__`, `__delattr__` (and the four
    comparisons with `order`) as `dataclass(frozen=True)` generates them for `fields`."""
    shown = tuple(f.name for f in fields if f.repr)
    shown_values = _values(shown)
    values = _values(tuple(f.name for f in fields if f.compare))
    hashed = _values(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))
    own = tuple(f.name for f in fields)

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        inner = ", ".join([f"{n}={v!r}" for n, v in zip(shown, shown_values(self), strict=True)])
        return f"{self.__class__.__qualname__}({inner})"

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is owner or name in own:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(owner, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is owner or name in own:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(owner, self).__delattr__(name)

    methods: dict[str, Callable[..., Any]] = {
        "__repr__": __repr__,
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__setattr__": __setattr__,
        "__delattr__": __delattr__,
    }
    if order:
        for name, compare in zip(_ORDER, (lt, le, gt, ge), strict=True):
            methods[name] = _comparison(values, compare)
    return methods


def _comparison(
    values: Callable[[Any], tuple[Any, ...]], compare: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    """One ordering method: the field tuples compared, for two objects of one class."""

    def method(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compare(values(self), values(other))
        return NotImplemented

    return method
