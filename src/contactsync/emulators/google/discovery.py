"""Every request checked against the People API's own contract: the discovery document google-api-python-client
ships (``googleapiclient/discovery_cache/documents/people.v1.json``).

What a request may carry is taken from the document, not from our picture of it: the method's query parameters
and the standard ones (anything else: "Cannot bind query parameter"), each parameter's type and enum, the field
masks a parameter or body field lists as valid ("Valid values are: * addresses * …"), and the request body
against its schema, recursively (unknown names, wrong JSON types, enum values). A refusal is Google's 400
INVALID_ARGUMENT with the wording Google's JSON parser uses. The handlers keep the rules the document cannot
say (batch sizes, singletons, etags).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient

from .errors import ApiError, invalid_argument

DOCUMENT = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "people.v1.json"
_VALID = re.compile(r"Valid (?:values|fields|paths) are:((?:\s*\*\s*[A-Za-z.]+)+)")


@dataclass(frozen=True)
class Method:
    """One method of the document: its id (``people.people.batchCreateContacts``), parameters and body schema."""

    id: str
    http_method: str
    parameters: Mapping[str, Mapping[str, Any]]
    request: str | None
    scopes: tuple[str, ...]


def _mask_values(description: str) -> frozenset[str] | None:
    """The paths a field mask's description lists as valid, when it lists them."""
    match = _VALID.search(description)
    if match is None:
        return None
    return frozenset(part.strip() for part in match.group(1).split("*") if part.strip())


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Discovery:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.schemas: Mapping[str, Mapping[str, Any]] = document["schemas"]
        self.standard = frozenset(document.get("parameters", {}))
        self.methods: dict[str, Method] = {}
        self._walk(document)

    def _walk(self, node: Mapping[str, Any]) -> None:
        for resource in node.get("resources", {}).values():
            for method in resource.get("methods", {}).values():
                self.methods[method["id"]] = Method(
                    method["id"],
                    method["httpMethod"],
                    method.get("parameters", {}),
                    (method.get("request") or {}).get("$ref"),
                    tuple(method.get("scopes", ())),
                )
            self._walk(resource)

    def mask(self, method_id: str, parameter: str) -> frozenset[str] | None:
        """The valid paths of a field-mask query parameter (None: the document lists none)."""
        spec = self.methods[method_id].parameters.get(parameter, {})
        return _mask_values(str(spec.get("description", "")))

    def body_mask(self, schema: str, field: str) -> frozenset[str] | None:
        spec = self.schemas[schema]["properties"].get(field, {})
        return _mask_values(str(spec.get("description", "")))

    # ------------------------------------------------------------------------------------------ query

    def check_query(self, method_id: str, query: Mapping[str, list[str]]) -> None:
        """Raise 400 for a parameter the method does not take, or a value its type or enum refuses."""
        method = self.methods[method_id]
        for name, values in query.items():
            spec = method.parameters.get(name)
            if spec is None or spec.get("location") == "path":
                if name in self.standard:
                    continue
                raise invalid_argument(
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
                    f"Field '{name}' could not be found in request message."
                )
            if len(values) > 1 and not spec.get("repeated"):
                raise invalid_argument(f"Invalid value at '{_snake(name)}': repeated values for a singular field.")
            for value in values:
                self._check_value(name, spec, value)

    def _check_value(self, name: str, spec: Mapping[str, Any], value: str) -> None:
        kind = spec.get("type")
        where = _snake(name)
        if "enum" in spec:
            # repeated enums may arrive comma-separated (googleapiclient sends one parameter per value)
            for part in value.split(",") if spec.get("repeated") else [value]:
                if part not in spec["enum"]:
                    raise invalid_argument(f"Invalid value at '{where}' (TYPE_ENUM), \"{part}\"")
        elif kind == "integer":
            try:
                int(value)
            except ValueError:
                raise invalid_argument(f"Invalid value at '{where}' (TYPE_INT32), \"{value}\"") from None
        elif kind == "boolean" and value.lower() not in ("true", "false", "1", "0"):
            raise invalid_argument(f"Invalid value at '{where}' (TYPE_BOOL), \"{value}\"")
        elif spec.get("format") == "google-fieldmask":
            valid = _mask_values(str(spec.get("description", "")))
            self._check_mask(where, value, valid)

    @staticmethod
    def _check_mask(where: str, value: str, valid: frozenset[str] | None) -> None:
        if valid is None:
            return
        for path in (p.strip() for p in value.split(",")):
            if path and path.removeprefix("person.") not in valid:
                raise invalid_argument(
                    f'Invalid {where} mask path: "{path}". Valid paths are documented at '
                    "https://developers.google.com/people/api/rest/v1/people/get."
                )

    # ------------------------------------------------------------------------------------------ body

    def check_body(self, method_id: str, raw: bytes) -> None:
        """Raise 400 for a body its schema refuses: not JSON, an unknown name, a wrong type, an enum value."""
        schema = self.methods[method_id].request
        if schema is None or not raw.strip():
            return
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise invalid_argument("Invalid JSON payload received.") from None
        self._check(body, {"$ref": schema}, _snake(schema.removesuffix("Request")) or "body")

    def _check(self, value: Any, spec: Mapping[str, Any], where: str) -> None:
        if "$ref" in spec:
            spec = self.schemas[spec["$ref"]]
        kind = spec.get("type")
        if kind == "object":
            if not isinstance(value, dict):
                raise _payload(f"Invalid value at '{where}': expected an object.")
            properties = spec.get("properties")
            extra = spec.get("additionalProperties")
            for key, item in value.items():
                if properties is not None and key in properties:
                    field = properties[key]
                    if field.get("format") == "google-fieldmask" and isinstance(item, str):
                        self._check_mask(_snake(key), item, _mask_values(str(field.get("description", ""))))
                    self._check(item, field, f"{where}.{_snake(key)}")
                elif extra is not None:
                    self._check(item, extra, f"{where}[{key!r}]")
                else:
                    raise _payload(
                        f"Invalid JSON payload received. Unknown name \"{key}\" at '{where}': Cannot find field."
                    )
        elif kind == "array":
            if not isinstance(value, list):
                raise _payload(f"Invalid value at '{where}': expected a list.")
            for index, item in enumerate(value):
                self._check(item, spec.get("items", {}), f"{where}[{index}]")
        elif kind == "string":
            # int64 and uint64 travel as strings; Google's parser takes a number for them too
            numeric = spec.get("format") in ("int64", "uint64")
            if not isinstance(value, str) and not (numeric and isinstance(value, int) and not isinstance(value, bool)):
                raise _payload(f"Invalid value at '{where}' (TYPE_STRING), {json.dumps(value)}")
            if "enum" in spec and value not in spec["enum"]:
                raise _payload(f"Invalid value at '{where}' (TYPE_ENUM), {json.dumps(value)}")
        elif kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise _payload(f"Invalid value at '{where}' (TYPE_INT32), {json.dumps(value)}")
        elif kind == "boolean" and not isinstance(value, bool):
            raise _payload(f"Invalid value at '{where}' (TYPE_BOOL), {json.dumps(value)}")
        elif kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise _payload(f"Invalid value at '{where}' (TYPE_DOUBLE), {json.dumps(value)}")


def _payload(message: str) -> ApiError:
    return invalid_argument(message)


@cache
def people_v1() -> Discovery:
    """The document as installed (one parse per process)."""
    return Discovery(json.loads(DOCUMENT.read_text(encoding="utf-8")))
