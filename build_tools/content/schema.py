"""JSON Schemas for the content files, generated from the model so editors and ``check`` agree."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ..atomic import replacing
from . import model as m

SCHEMAS: dict[str, type[BaseModel]] = {
    "module": m.Module,
    "course": m.Course,
    "country": m.Country,
    "audiences": m.AudiencesFile,
    "sectors": m.SectorsFile,
    "regions": m.RegionsFile,
    "instruments": m.InstrumentsFile,
    "glossary": m.GlossaryFile,
    "branding": m.Branding,
}


def schema_text(name: str) -> str:
    schema = SCHEMAS[name].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{name}.schema.json"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path, *, check_only: bool = False) -> list[str]:
    """Write ``<name>.schema.json`` files whose bytes changed; return their names."""
    changed = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        text = schema_text(name)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed.append(path.name)
        if not check_only:
            with replacing(path) as tmp:
                tmp.write_text(text, encoding="utf-8")
    return changed
