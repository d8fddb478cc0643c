"""Names of the API's enum values, for type checkers. Responses carry these as plain strings, and a
value a newer server sends that is not listed here is kept as it came."""

from typing import Literal

__all__ = ["AuthTypeName", "AuthFieldTypeName", "InputFieldTypeName"]

AuthTypeName = Literal["NONE", "API_KEY", "OAUTH", "OAUTH_DCR", "SERVICE_ACCOUNT"]
"""How an integration authenticates its users."""
InputFieldTypeName = Literal[
    "TEXT", "MULTI_LINE_TEXT", "NUMBER", "BOOLEAN", "SELECT", "PASSWORD", "VECTOR", "OBJECT", "FILE", "ID"
]
"""The type of an input field (triggers take the first seven)."""
AuthFieldTypeName = Literal["TEXT", "MULTI_LINE_TEXT", "PASSWORD", "NUMBER", "EMBEDDING_MODEL"]
"""The type of an auth field."""
