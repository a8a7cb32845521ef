"""The JSON report matches the schema published in docs/report.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

from symbolic.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
         "boolean": bool, "null": type(None)}


def validate(value, schema, where="$"):
    """The subset of JSON Schema the published schema uses: type, required, properties,
    additionalProperties, items, enum, const, anyOf, $ref."""
    if "$ref" in schema:
        return validate(value, SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]], where)
    if "anyOf" in schema:
        errors = [validate(value, option, where) for option in schema["anyOf"]]
        return [] if any(not e for e in errors) else errors[0]
    problems = []
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(isinstance(value, TYPES[k]) and not (k == "integer" and isinstance(value, bool))
                   for k in kinds):
            return [f"{where}: {value!r} is not {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        problems.append(f"{where}: {value!r} != {schema['const']!r}")
    if isinstance(value, dict):
        problems += [f"{where}: missing {key}" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            sub = schema.get("properties", {}).get(key) or schema.get("additionalProperties")
            if isinstance(sub, dict):
                problems += validate(item, sub, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            problems += validate(item, schema["items"], f"{where}[{n}]")
    return problems


def test_the_report_of_every_bundled_note_matches_the_schema(capsys):
    main(["check", "--format", "json", str(ROOT / "derivations"), str(ROOT / "docs" / "examples"),
          str(ROOT / "tests" / "planted")])
    report = json.loads(capsys.readouterr().out)
    assert validate(report, SCHEMA) == []
    refuted = [s["counterexample"] for f in report["files"] for c in f["claims"] for s in c["steps"]
               if s.get("counterexample")]
    assert refuted and all(cx["values"] for cx in refuted if cx["leaves"])


def test_the_validator_catches_a_missing_field():
    assert validate({"files": [], "summary": {"claims": 0, "failing": 0}}, SCHEMA) == ["$: missing schema"]
