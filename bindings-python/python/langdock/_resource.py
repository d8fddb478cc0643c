"""What the generated resource modules (``langdock/resources/``) share: the base class, the argument checks
and how keyword fields and images become a request."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, Mapping, TypeVar, Union

from ._native import AuthField, InputField

if TYPE_CHECKING:
    from ._client import _BaseClient

_Model = TypeVar("_Model")
#: A request body: the typed class, or a dict with snake_case (or camelCase) keys.
Body = Union[_Model, Mapping[str, Any]]
#: An input field: the typed class, or a dict.
InputFieldLike = Union[InputField, Mapping[str, Any]]
#: An auth field: the typed class, or a dict.
AuthFieldLike = Union[AuthField, Mapping[str, Any]]
#: An icon image: the bytes, or the path of a PNG, JPEG or WebP file.
Image = Union[bytes, str, "os.PathLike[str]"]


class Resource:
    """A resource of a client: its calls go through the client's native client (``self._client._live()``)."""

    __slots__ = ("_client",)

    def __init__(self, client: _BaseClient) -> None:
        self._client = client


def id_error(name: str, value: object) -> TypeError:
    """The error for a path id that is not a ``str``: a ``TypeError`` naming the parameter."""
    return TypeError(f"{name} must be a str, not {type(value).__name__}")


def merge_body(body: Any, fields: Dict[str, Any]) -> Any:
    """The request body: ``body`` (a model or a mapping) with the keyword fields that were given on top."""
    given = {name: value for name, value in fields.items() if value is not None}
    if body is None:
        return given
    if not given:
        return body
    merged: Dict[str, Any] = dict(body.to_dict() if hasattr(body, "to_dict") else body)
    merged.update(given)
    return merged


def read_image(image: Image) -> bytes:
    """The image's bytes: given, or read from the path."""
    if isinstance(image, bytes):
        return image
    if not isinstance(image, (str, os.PathLike)):
        raise TypeError(f"image must be bytes or a path, not {type(image).__name__}")
    with open(image, "rb") as file:
        return file.read()
