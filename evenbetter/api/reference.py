"""The API's docs page in plain HTML, read from the same OpenAPI description as ``/api/v1/schema/``
(``views._schema``): every operation with its path, what it is for and who may read it (the
operation's own description), its parameters, its answers, the fields of what it returns and an
example call with the answer's shape. It is the site's own markup, so it is axe-clean like every
other page (Swagger UI, which drew its page itself and which axe found wanting, is gone: tokens
are made on the API tokens page, and any OpenAPI tool opens the raw description to try a call).

Only the description is read here: nothing of the code behind it, so the page cannot say
anything the description does not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_METHODS = ("get", "post", "put", "patch", "delete")
_ENUM_LINE = re.compile(r"^\*\s+`([^`]*)`\s+-\s+(.*)$")
_CODE = re.compile(r"`([^`]+)`")
_TYPES = {"integer": "whole number", "number": "number", "string": "text", "boolean": "true or false"}
_FORMATS = {"date": "date (YYYY-MM-DD)", "date-time": "date and time (ISO 8601)", "uri": "web address"}


def plain(text: str) -> SafeString:
    """A description's text for the page: escaped, its `code` spans as <code>."""
    return mark_safe(_CODE.sub(r"<code>\1</code>", escape(text)))  # noqa: S308  (escaped just before)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # in words: "whole number", "list of text", "one of: …"
    description: SafeString
    required: bool = False


@dataclass(frozen=True)
class Answer:
    status: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: SafeString
    parameters: list[Field]
    body: list[Field]
    body_kind: str  # "a file upload (multipart/form-data)", "JSON", or ""
    answers: list[Answer]
    result: str  # what a 2xx answer holds, in words
    result_fields: list[Field]
    example_call: str
    example_answer: str


@dataclass
class Section:
    tag: str
    title: str
    operations: list[Operation] = field(default_factory=list)


@dataclass(frozen=True)
class Reference:
    title: str
    description: SafeString
    version: str
    sign_in: list[tuple[str, SafeString]]
    sections: list[Section]

    @property
    def operations(self) -> int:
        return sum(len(section.operations) for section in self.sections)


class _Reader:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.components: dict[str, Any] = schema.get("components", {}).get("schemas", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """A schema with its ``$ref`` (and a lone ``allOf``, as drf-spectacular writes an enum) followed."""
        seen = 0
        while seen < 10:
            seen += 1
            if "$ref" in node:
                node = {**self.components.get(node["$ref"].rsplit("/", 1)[-1], {}), **{
                    k: v for k, v in node.items() if k != "$ref"
                }}  # fmt: skip
            elif "allOf" in node and len(node["allOf"]) == 1:
                node = {**self.resolve(node["allOf"][0]), **{k: v for k, v in node.items() if k != "allOf"}}
            else:
                return node
        return node

    def kind(self, node: dict[str, Any]) -> str:
        node = self.resolve(node)
        if "enum" in node:
            values = [str(v) for v in node["enum"] if v not in ("", None)]
            return "one of: " + ", ".join(values)
        if node.get("type") == "array":
            return "list of " + self.kind(node.get("items", {}))
        if node.get("type") == "object" or "properties" in node:
            return "object"
        words = _FORMATS.get(node.get("format", ""), _TYPES.get(node.get("type", ""), node.get("type", "value")))
        return f"{words}, may be empty" if node.get("nullable") else words

    def fields(self, node: dict[str, Any], *, writing: bool) -> list[Field]:
        node = self.resolve(node)
        required = set(node.get("required", []))
        fields = []
        for name, prop in node.get("properties", {}).items():
            prop_resolved = self.resolve(prop)
            if writing and prop_resolved.get("readOnly"):
                continue
            if not writing and prop_resolved.get("writeOnly"):
                continue
            words = prop_resolved.get("description") or prop_resolved.get("title") or ""
            fields.append(Field(name, self.kind(prop), plain(words), name in required))
        return fields

    def example(self, node: dict[str, Any], depth: int = 0) -> Any:
        """The shape of a value, made from its description (no real data)."""
        node = self.resolve(node)
        if depth > 4:
            return "…"
        if "example" in node:
            return node["example"]
        if "enum" in node:
            return next((v for v in node["enum"] if v not in ("", None)), "")
        kind = node.get("type")
        if kind == "array":
            return [self.example(node.get("items", {}), depth + 1)]
        if kind == "object" or "properties" in node:
            return {name: self.example(prop, depth + 1) for name, prop in node.get("properties", {}).items()}
        if kind == "integer":
            return 0
        if kind == "number":
            return 0.0
        if kind == "boolean":
            return False
        return {"date": "2019-07-31", "date-time": "2019-07-31T09:00:00Z", "uri": "https://…"}.get(
            node.get("format", ""), "…"
        )


def _parameter(reader: _Reader, parameter: dict[str, Any]) -> Field:
    schema = parameter.get("schema", {})
    description = parameter.get("description", "")
    lines = [line.strip() for line in description.splitlines() if line.strip()]
    named = [m.groups() for line in lines if (m := _ENUM_LINE.match(line))]
    if named:
        # drf-spectacular's list of choices ("* `reading` - Early reading and phonics") after any
        # words of the parameter's own: the choices in words, or only the values where the words
        # would repeat them.
        prose = escape(" ".join(line for line in lines if not _ENUM_LINE.match(line)))
        if all(value.lower() == words.lower() for value, words in named):
            kind, choices = "one of: " + ", ".join(value for value, _ in named), ""
        else:
            kind = "one of the values described"
            choices = "; ".join(f"<code>{escape(value)}</code>: {escape(words)}" for value, words in named)
        text = f"{prose}. {choices}" if prose and choices else prose or choices
        return Field(parameter["name"], kind, mark_safe(text), bool(parameter.get("required")))  # noqa: S308
    where = "in the path" if parameter.get("in") == "path" else ""
    kind = reader.kind(schema) + (f" ({where})" if where else "")
    return Field(parameter["name"], kind, plain(description), bool(parameter.get("required")))


def _example_call(method: str, path: str, parameters: list[dict[str, Any]], body: dict[str, Any] | None) -> str:
    url = re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1) == "id" else f"<{m.group(1)}>", path)
    required_query = [p for p in parameters if p.get("in") == "query" and p.get("required")]
    if required_query:
        url += "?" + "&".join(f"{p['name']}=…" for p in required_query)
    lines = [f"curl -X {method.upper()} 'https://<this site>{url}' \\", "  -H 'Authorization: Bearer eb_…'"]
    if body is not None:
        if "multipart/form-data" in body and "application/json" not in body:
            lines[-1] += " \\"
            lines.append("  -F 'file=@values.csv'")
        else:
            lines[-1] += " \\"
            lines.append("  -H 'Content-Type: application/json' -d '{…}'")
    return "\n".join(lines)


def _operation(reader: _Reader, method: str, path: str, spec: dict[str, Any]) -> Operation:
    parameters = spec.get("parameters", [])
    body_content = spec.get("requestBody", {}).get("content")
    body: list[Field] = []
    body_kind = ""
    if body_content:
        kind_name, media = next(
            ((k, v) for k, v in body_content.items() if k == "application/json"), next(iter(body_content.items()))
        )
        body_kind = "JSON" if kind_name == "application/json" else "a form, with a file upload (multipart/form-data)"
        body = reader.fields(media.get("schema", {}), writing=True)
    answers = [
        Answer(code, answer.get("description") or ("" if not code.startswith("2") else
                                                   "What comes back, as above" if answer.get("content") else "Done"))
        for code, answer in sorted(spec.get("responses", {}).items())
    ]  # fmt: skip
    ok: dict[str, Any] = next((a for code, a in sorted(spec.get("responses", {}).items()) if code.startswith("2")), {})
    content: dict[str, Any] = ok.get("content") or {}
    first: dict[str, Any] = next(iter(content.values()), {})
    ok_schema = first.get("schema")
    result, example_answer = "Nothing (204: done).", ""
    result_fields: list[Field] = []
    if ok_schema is not None:
        resolved = reader.resolve(ok_schema)
        props = resolved.get("properties", {})
        if "results" in props and "count" in props:  # a page of a list
            item = reader.resolve(props["results"].get("items", {}))
            result = "A page of results (count, next, previous, results); each result holds:"
            result_fields = reader.fields(item, writing=False)
        else:
            result = "An object holding:" if props else f"A {reader.kind(ok_schema)}."
            result_fields = reader.fields(resolved, writing=False)
        example_answer = json.dumps(reader.example(ok_schema), indent=2, ensure_ascii=False)
    return Operation(
        method=method.upper(),
        path=path,
        anchor=spec.get("operationId", f"{method}-{path}").replace("_", "-"),
        summary=spec.get("summary", ""),
        description=plain(spec.get("description", "")),
        parameters=[_parameter(reader, p) for p in parameters],
        body=body,
        body_kind=body_kind,
        answers=[a for a in answers if a.description],
        result=result,
        result_fields=result_fields,
        example_call=_example_call(method, path, parameters, body_content),
        example_answer=example_answer,
    )


def reference_from(schema: dict[str, Any]) -> Reference:
    """The docs page's content from an OpenAPI 3 description, by tag in the order met."""
    reader = _Reader(schema)
    sections: dict[str, Section] = {}
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            if method not in item:
                continue
            spec = item[method]
            tag = (spec.get("tags") or ["other"])[0]
            section = sections.setdefault(tag, Section(tag, tag.replace("-", " ").capitalize()))
            section.operations.append(_operation(reader, method, path, spec))
    info = schema.get("info", {})
    schemes = schema.get("components", {}).get("securitySchemes", {})
    sign_in = []
    for name, scheme in schemes.items():
        if scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
            sign_in.append(("A personal token", plain(scheme.get("description", "") or "Authorization: Bearer …")))
        elif scheme.get("in") == "cookie":
            sign_in.append(("Your web session", plain("Signed in on the web, in the same browser.")))
        else:
            sign_in.append((name, plain(scheme.get("description", ""))))
    return Reference(
        title=info.get("title", "API"),
        description=plain(info.get("description", "")),
        version=info.get("version", ""),
        sign_in=sign_in,
        sections=list(sections.values()),
    )
