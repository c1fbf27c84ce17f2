"""Validate JSON against the schemas of the ClinicalTrials.gov API v2 OpenAPI spec.

The spec is read from the shared reference folder at test time. ``errors(instance, "PagedStudies")``
lists what does not conform (empty when it conforms); ``validate`` raises instead. With
``strict=True`` two things the spec only describes are enforced too: objects carry no key the
spec does not declare (so a misspelt key in a fixture fails), and dates use the declared formats.
"""

import copy
import functools
import re
from pathlib import Path

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from benchmark_pipeline_tests.support.reference import reference_path

SPEC_PARTS = ("ctgov", "ctg-oas-v2.yaml")
_SPEC_URI = "urn:ctgov:oas-v2"
_PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@functools.cache
def load_spec(path: Path | None = None) -> dict:
    """The OpenAPI document as a dict (parsed once per path; default: the reference copy)."""
    path = path or reference_path(*SPEC_PARTS)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _tighten(node: object) -> None:
    """Close every object schema that lists its properties; give PartialDate its pattern."""
    if isinstance(node, list):
        for item in node:
            _tighten(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
    for value in node.values():
        _tighten(value)


@functools.cache
def _validator(schema_name: str, strict: bool) -> jsonschema.Draft7Validator:
    spec = load_spec()
    if strict:
        spec = copy.deepcopy(spec)
        _tighten(spec["components"]["schemas"])
        spec["components"]["schemas"]["PartialDate"]["pattern"] = _PARTIAL_DATE
    if schema_name not in spec["components"]["schemas"]:
        raise KeyError(f"no schema {schema_name!r} in {SPEC_PARTS[-1]}")
    registry = Registry().with_resource(
        _SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT7)
    )
    checker = jsonschema.FormatChecker(formats=()) if strict else None
    if checker is not None:
        checker.checks("date")(
            lambda value: not isinstance(value, str) or bool(_FULL_DATE.match(value))
        )
    return jsonschema.Draft7Validator(
        {"$ref": f"{_SPEC_URI}#/components/schemas/{schema_name}"},
        registry=registry,
        format_checker=checker,
    )


def errors(
    instance: object, schema_name: str = "PagedStudies", *, strict: bool = False
) -> list[str]:
    """Every way ``instance`` breaks the named schema, as ``path: message`` lines."""
    found = _validator(schema_name, strict).iter_errors(instance)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in sorted(found, key=lambda e: list(map(str, e.absolute_path)))
    ]


def validate(instance: object, schema_name: str = "PagedStudies", *, strict: bool = False) -> None:
    """Raise ``AssertionError`` listing the problems when ``instance`` breaks the schema."""
    problems = errors(instance, schema_name, strict=strict)
    if problems:
        shown = "\n  ".join(problems[:20])
        raise AssertionError(f"{len(problems)} problem(s) against {schema_name}:\n  {shown}")


def declared_parameters(path: str) -> set[str]:
    """The query parameters the spec declares for ``GET path``."""
    return {p["name"] for p in load_spec()["paths"][path]["get"].get("parameters", [])}


def piece_paths(piece: str) -> list[tuple[str, ...]]:
    """JSON paths in ``Study`` whose property name is the ``fields`` piece ``piece``.

    A piece of the data structure is named for its property in PascalCase (``ConditionBrowseModule``
    is ``derivedSection.conditionBrowseModule``, ``NCTId`` is ``...identificationModule.nctId``),
    and a piece naming a date is the ``date`` of its date struct (``LastUpdatePostDate`` is
    ``...statusModule.lastUpdatePostDateStruct.date``); an empty list means the spec has no such
    field.
    """
    schemas = load_spec()["components"]["schemas"]
    found: list[tuple[str, ...]] = []

    def walk(name: str, path: tuple[str, ...], seen: frozenset[str]) -> None:
        schema = schemas[name]
        if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
            schema = schemas[schema["items"]["$ref"].rsplit("/", 1)[1]]
        for prop, sub in (schema.get("properties") or {}).items():
            here = (*path, prop)
            if prop.lower() == piece.lower():
                found.append(here)
            elif prop.lower() == f"{piece}Struct".lower() and "$ref" in sub:
                found.append((*here, "date"))
            ref = sub.get("$ref") or sub.get("items", {}).get("$ref")
            target = ref.rsplit("/", 1)[1] if ref else None
            if target and target not in seen:
                walk(target, here, seen | {target})

    walk("Study", (), frozenset({"Study"}))
    return found
