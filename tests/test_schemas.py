"""The JSON Schemas for editors (klastroviny/content/schemas/) must say what content/ checks.

The schemas only give editors completion and early hints; content/ stays the authority.
These tests keep the two in step: field names, required fields, vocabularies, limits, and a set
of documents that both must accept or both must reject. `jsonschema` is not a dependency, so a
small validator for the keywords the schemas use stands in for it (the real meta-schema check
runs only where jsonschema happens to be installed).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from builders import PROJECT_ROOT

from klastroviny.content import entry_file, issue_file, print_details, reader, vocabulary
from klastroviny.resources import SCHEMAS_DIR

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SAMPLE_ISSUE = PROJECT_ROOT / "issues" / "2022-09-prague"


def load_schema(name: str) -> dict:
    return json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


ISSUE = load_schema("issue")
ENTRY = load_schema("entry")
SCHEMAS = {"issue": ISSUE, "entry": ENTRY}


# --- the schemas are well-formed draft 2020-12 -----------------------------------------------
# Keywords of draft 2020-12 the schemas may use, and annotations editors understand.
KEYWORDS = set(
    """
    $schema $id $ref $defs $comment title description default examples
    type enum const pattern format minLength maxLength minimum maximum
    minItems maxItems uniqueItems items properties additionalProperties required minProperties
    anyOf allOf oneOf not if then else
    enumDescriptions markdownDescription
    """.split()
)  # the last line: annotations of VS Code's YAML extension (yaml-language-server)
SUBSCHEMA_MAPS = {"properties", "$defs"}
SUBSCHEMA_LISTS = {"anyOf", "allOf", "oneOf"}
SUBSCHEMAS = {"items", "not", "if", "then", "else", "additionalProperties"}
TYPES = {"object", "array", "string", "integer", "number", "boolean", "null"}


def subschemas(schema: dict):
    """Every schema object inside `schema`, with a JSON pointer-like path, itself first."""
    stack = [("#", schema)]
    while stack:
        path, node = stack.pop()
        yield path, node
        for key, value in node.items():
            if key in SUBSCHEMA_MAPS:
                stack.extend((f"{path}/{key}/{name}", sub) for name, sub in value.items())
            elif key in SUBSCHEMA_LISTS:
                stack.extend((f"{path}/{key}/{i}", sub) for i, sub in enumerate(value))
            elif key in SUBSCHEMAS and isinstance(value, dict):
                stack.append((f"{path}/{key}", value))


def resolve(root: dict, ref: str) -> dict:
    assert ref.startswith("#/"), f"only local references are used: {ref}"
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_files_are_utf8_json_objects_of_draft_2020_12(name):
    schema = SCHEMAS[name]
    assert schema["$schema"] == DRAFT
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("name", SCHEMAS)
def test_schemas_use_only_known_keywords_and_well_formed_values(name):
    schema = SCHEMAS[name]
    for path, node in subschemas(schema):
        assert isinstance(node, dict), path
        unknown = set(node) - KEYWORDS
        assert not unknown, f"{name} {path}: unknown keywords {unknown}"
        if "$ref" in node:
            assert isinstance(resolve(schema, node["$ref"]), dict), f"{path}: {node['$ref']}"
        if "type" in node:
            assert node["type"] in TYPES, path
        if "pattern" in node:
            re.compile(node["pattern"])
        if "enum" in node:
            assert node["enum"] and len(set(map(str, node["enum"]))) == len(node["enum"]), path
            if "enumDescriptions" in node:
                assert len(node["enumDescriptions"]) == len(node["enum"]), path
        if "required" in node:
            assert len(set(node["required"])) == len(node["required"]), path
            if "properties" in node and node.get("additionalProperties") is False:
                assert set(node["required"]) <= set(node["properties"]), path
        for key in ("minLength", "maxLength", "minItems", "maxItems", "minProperties"):
            if key in node:
                assert isinstance(node[key], int) and node[key] >= 0, f"{path}: {key}"


@pytest.mark.parametrize("name", SCHEMAS)
def test_meta_schema_with_jsonschema_when_installed(name):
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(SCHEMAS[name])


# --- the schemas say what content/ checks -------------------------------------------------------
def required_of(fields: dict[str, bool]) -> list[str]:
    return [name for name, required in fields.items() if required]


@pytest.mark.parametrize(
    ("schema", "fields"),
    [
        (ISSUE, issue_file.ISSUE_FIELDS),
        (ENTRY, entry_file.ENTRY_FIELDS),
        (ENTRY["$defs"]["contact"], entry_file.CONTACT_FIELDS),
        (ENTRY["$defs"]["label"], entry_file.LABEL_FIELDS),
    ],
    ids=["issue", "entry", "contact", "label"],
)
def test_fields_and_required_fields_match_validate(schema, fields):
    assert list(schema["properties"]) == list(fields)
    assert schema["required"] == required_of(fields)
    assert schema["additionalProperties"] is False


PRINT = ISSUE["properties"]["print"]
PAPERS = PRINT["properties"]["paper"]


@pytest.mark.parametrize(
    ("schema", "fields"),
    [
        (ISSUE["properties"]["imprint"], print_details.IMPRINT_FIELDS),
        (PRINT, print_details.PRINT_FIELDS),
        (PAPERS, print_details.PAPER_FIELDS),
        (PAPERS["properties"]["cover"], print_details.PAPER_SPEC_FIELDS),
        (PAPERS["properties"]["text"], print_details.PAPER_SPEC_FIELDS),
        (PRINT["properties"]["contact"], print_details.CONTACT_FIELDS),
    ],
    ids=["imprint", "print", "paper", "cover", "text", "print-contact"],
)
def test_imprint_and_print_fields_match_validate(schema, fields):
    assert list(schema["properties"]) == list(fields)
    assert schema.get("required", []) == required_of(fields)
    assert schema["additionalProperties"] is False


def test_print_vocabularies_match_validate():
    finish = PAPERS["properties"]["text"]["properties"]["finish"]
    assert finish["enum"] == list(print_details.FINISHES)
    assert PRINT["properties"]["binding"]["enum"] == list(print_details.BINDINGS)
    assert PRINT["properties"]["proof"]["enum"] == list(print_details.PROOFS)
    quantity = PRINT["properties"]["quantity"]["anyOf"][1]
    assert list(quantity["properties"]) == list(vocabulary.EDITION_LANGUAGES)


def test_entry_fields_use_contact_and_label_definitions():
    assert ENTRY["properties"]["contacts"]["items"] == {"$ref": "#/$defs/contact"}
    assert ENTRY["properties"]["label"]["$ref"] == "#/$defs/label"


def test_ecosystem_enum_is_the_vocabulary():
    ecosystem = ENTRY["$defs"]["ecosystem"]
    assert ecosystem["enum"] == list(vocabulary.ECOSYSTEMS)
    assert len(ecosystem["enum"]) == 14
    for eco_id, description in zip(ecosystem["enum"], ecosystem["enumDescriptions"], strict=True):
        names = vocabulary.ECOSYSTEMS[eco_id]
        assert names["en"] in description and names["cs"] in description
    assert ENTRY["properties"]["ecosystems"]["items"] == {"$ref": "#/$defs/ecosystem"}


def test_czech_regions_label_levels_and_languages_are_the_vocabulary():
    assert ENTRY["$defs"]["czechRegion"]["enum"] == list(vocabulary.CZECH_REGIONS)
    region_pattern = re.compile(ENTRY["properties"]["region"]["pattern"])
    assert all(region_pattern.search(code) for code in vocabulary.CZECH_REGIONS)
    assert ENTRY["$defs"]["label"]["properties"]["level"]["enum"] == list(vocabulary.LABEL_LEVELS)
    assert ISSUE["properties"]["languages"]["items"]["enum"] == list(vocabulary.EDITION_LANGUAGES)
    for schema in SCHEMAS.values():
        for name in ("text", "markdownText", "textList"):
            mapping = schema["$defs"][name]["anyOf"][1]
            assert list(mapping["properties"]) == list(vocabulary.EDITION_LANGUAGES)


def test_limits_and_defaults_match_validate():
    for schema in SCHEMAS.values():
        defs = schema["$defs"]
        assert defs["string"]["maxLength"] == reader.MAX_LIST_ITEM_CHARS
        assert defs["longString"]["maxLength"] == reader.MAX_TEXT_CHARS
        assert defs["stringList"]["maxItems"] == reader.MAX_LIST_ITEMS
    assert ENTRY["properties"]["contacts"]["maxItems"] == entry_file.MAX_CONTACTS
    assert ISSUE["properties"]["layout"]["default"] == issue_file.DEFAULT_LAYOUT
    assert ISSUE["properties"]["order"]["enum"] == ["name", "manual"]
    assert ISSUE["properties"]["foreword"]["$ref"] == "#/$defs/markdownText"
    assert ENTRY["properties"]["description"]["$ref"] == "#/$defs/markdownText"


def test_shared_definitions_are_identical_in_both_schemas():
    for name, definition in ISSUE["$defs"].items():
        assert ENTRY["$defs"][name] == definition, name


# --- a small validator for the keywords above -------------------------------------------------
def schema_errors(instance, schema: dict, root: dict | None = None, path: str = "") -> list[str]:
    """Why `instance` does not match `schema` (empty when it does)."""
    root = root or schema
    errors: list[str] = []
    if "$ref" in schema:
        errors += schema_errors(instance, resolve(root, schema["$ref"]), root, path)
    if "type" in schema and not _is_type(instance, schema["type"]):
        return errors + [f"{path}: not of type {schema['type']}"]
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: {instance!r} not in enum")
    if "const" in schema and instance != schema["const"]:
        errors.append(f"{path}: {instance!r} is not {schema['const']!r}")
    if isinstance(instance, str):
        if len(instance) < schema.get("minLength", 0):
            errors.append(f"{path}: too short")
        if len(instance) > schema.get("maxLength", len(instance)):
            errors.append(f"{path}: too long")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append(f"{path}: does not match {schema['pattern']}")
        if schema.get("format") == "date":
            try:
                dt.date.fromisoformat(instance)
            except ValueError:
                errors.append(f"{path}: not a date")
    if _is_type(instance, "integer") or _is_type(instance, "number"):
        if "minimum" in schema and instance < schema["minimum"]:
            errors.append(f"{path}: below minimum")
        if "maximum" in schema and instance > schema["maximum"]:
            errors.append(f"{path}: above maximum")
    if isinstance(instance, list):
        if not schema.get("minItems", 0) <= len(instance) <= schema.get("maxItems", len(instance)):
            errors.append(f"{path}: {len(instance)} items")
        if schema.get("uniqueItems") and len(set(map(json.dumps, instance))) < len(instance):
            errors.append(f"{path}: items not unique")
        if "items" in schema:
            for index, item in enumerate(instance):
                errors += schema_errors(item, schema["items"], root, f"{path}[{index}]")
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        if len(instance) < schema.get("minProperties", 0):
            errors.append(f"{path}: too few fields")
        errors += [
            f"{path}.{key}: required" for key in schema.get("required", ()) if key not in instance
        ]
        for key, value in instance.items():
            if key in properties:
                errors += schema_errors(value, properties[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}.{key}: unknown field")
    for sub in schema.get("allOf", ()):
        errors += schema_errors(instance, sub, root, path)
    if "anyOf" in schema:
        branches = [schema_errors(instance, sub, root, path) for sub in schema["anyOf"]]
        if all(branches):
            errors += min(branches, key=len)
    if "if" in schema and not schema_errors(instance, schema["if"], root, path):
        errors += schema_errors(instance, schema.get("then", {}), root, path)
    return errors


def _is_type(instance, name: str) -> bool:
    if name == "integer":
        return isinstance(instance, int) and not isinstance(instance, bool)
    if name == "number":
        return isinstance(instance, int | float) and not isinstance(instance, bool)
    return isinstance(
        instance,
        {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}[name],
    )


def as_json(value):
    """YAML data as an editor's YAML 1.2 language server sees it: unquoted dates are strings."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read_yaml(path: Path):
    return as_json(yaml.safe_load(path.read_text(encoding="utf-8-sig")))


def test_the_small_validator_sees_the_basics():
    assert schema_errors({}, ENTRY)
    assert schema_errors({"name": 3}, {"properties": {"name": {"type": "string"}}})
    assert schema_errors("x" * 201, ENTRY["$defs"]["string"])
    assert schema_errors(["a", "a"], {"uniqueItems": True})
    assert schema_errors(True, {"type": "integer"})
    assert schema_errors({"order": "manual"}, {"if": ISSUE["if"], "then": ISSUE["then"]})
    assert not schema_errors({"order": "name"}, {"if": ISSUE["if"], "then": ISSUE["then"]})


# --- documents that both must accept or both must reject ------------------------------------
ISSUE_DOC = {
    "title": "KLASTROVINY",
    "date": "2022-09-26",
    "publisher": "Národní klastrová asociace",
    "languages": ["cs", "en"],
}
ENTRY_DOC = {
    "name": {"cs": "Testovací klastr, z.s.", "en": "Test Cluster"},
    "region": "CZ-51",
    "city": "Liberec",
    "ecosystems": ["textiles"],
    "website": "https://www.example.cz",
    "description": {
        "cs": "Klastr **technické** textilie.",
        "en": "A *technical* textiles cluster.",
    },
    "contacts": [
        {
            "name": "Jana Nováková",
            "phone": "+420 601 123 456",
            "email": "jana.novakova@example.com",
            "consent": True,
        }
    ],
}
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'


def write_issue(root: Path, issue: dict, entry: dict) -> Path:
    (root / "entries").mkdir(parents=True)
    (root / "logos").mkdir()
    (root / "logos" / "test.svg").write_text(SVG, encoding="utf-8")
    (root / "issue.yaml").write_text(yaml.safe_dump(issue, allow_unicode=True), encoding="utf-8")
    (root / "entries" / "test.yaml").write_text(
        yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8"
    )
    return root


def changed(doc: dict, path: str, value) -> dict:
    """A copy of doc with the dotted path set to value (a missing value deletes the field)."""
    doc = copy.deepcopy(doc)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = doc
    for part in parents:
        node = node[part]
    if value is MISSING:
        del node[last]
    else:
        node[last] = value
    return doc


MISSING = object()

GOOD_ENTRY_CHANGES = [
    ("name", "Testovací klastr"),
    ("short_name", "TEST"),
    ("short_name", {"cs": "Klastr nábytkářů", "en": "Czech Furniture Cluster"}),
    ("website", MISSING),
    ("contacts.0.consent", {"given": "2023-08-14", "how": "e-mail"}),
    ("contacts.0.consent", {"given": "2023-08-14"}),
    ("sort_as", "Testovaci"),
    ("country", "CZ"),
    ("founded", 2006),
    ("members", 0),
    ("ecosystems", ["textiles", "health", "digital"]),
    ("label", {"level": "gold", "valid_until": "2024-12-14"}),
    ("website", "http://example.cz/o-nas?x=1"),
    ("logo", "logos/test.svg"),
    ("offer", {"cs": ["Poradenství"], "en": ["Consulting"]}),
    ("keywords", ["textil", "nanovlákna"]),
    ("stand", "B12"),
    ("contacts.0.title_before", "Ing."),
    ("contacts.0.role", {"cs": "manažerka klastru", "en": "cluster manager"}),
    ("contacts.0.in_index", False),
    ("contacts.0.phone", MISSING),
    ("contacts.0.email", MISSING),
]
BAD_ENTRY_CHANGES = [
    ("name", MISSING),
    ("name", {}),
    ("contacts", MISSING),
    ("webiste", "https://www.example.cz"),
    ("name", ""),
    ("name", {"de": "Testcluster"}),
    ("name", 2022),
    ("city", None),
    ("country", False),
    ("region", "CZ-99"),
    ("region", "CZ051"),
    ("founded", 1899),
    ("members", -1),
    ("members", "52"),
    ("ecosystems", []),
    ("ecosystems", ["textiles", "health", "digital", "retail"]),
    ("ecosystems", ["textile"]),
    ("ecosystems", ["textiles", "textiles"]),
    ("label", {"level": "platinum", "valid_until": "2024-12-14"}),
    ("label", {"level": "gold"}),
    ("label", {"level": "gold", "valid_until": "14. 12. 2024"}),
    ("website", "www.example.cz"),
    ("website", "ftp://example.cz"),
    ("logo", "../logos/test.svg"),
    ("logo", "/etc/test.svg"),
    ("logo", "https://www.example.cz/logo.svg"),
    ("description", {"cs": "x" * (reader.MAX_TEXT_CHARS + 1)}),
    ("offer", ["položka"] * (reader.MAX_LIST_ITEMS + 1)),
    ("keywords", {"cs": ["x" * (reader.MAX_LIST_ITEM_CHARS + 1)]}),
    ("stand", 12),
    ("contacts", []),
    ("contacts", [ENTRY_DOC["contacts"][0]] * (entry_file.MAX_CONTACTS + 1)),
    ("contacts.0.consent", MISSING),
    ("contacts.0.consent", "ano"),
    ("contacts.0.consent", {"how": "e-mail"}),
    ("contacts.0.consent", {"given": "14. 8. 2023"}),
    ("contacts.0.consent", {"given": "2023-08-14", "kdy": "včera"}),
    ("short_name", {"de": "Möbel"}),
    ("contacts.0.in_index", "yes please"),
    ("contacts.0.phone", 420601123456),
    ("contacts.0.nmae", "Jana"),
]
GOOD_ISSUE_CHANGES = [
    {"subtitle": {"cs": "Klastry České republiky", "en": "Clusters of the Czech Republic"}},
    {"number": 12},
    {"event": "ECC 2022"},
    {"languages": ["en", "cs"]},
    {"languages": MISSING},
    {"layout": issue_file.DEFAULT_LAYOUT},
    {"foreword": {"cs": "**Vítejte.**\n\n- jedna\n- dvě\n", "en": "Welcome."}},
    {"order": "name"},
    {"order": "manual", "manual_order": ["test"]},
    {
        "imprint": {
            "periodical": True,
            "periodicity": {"cs": "ročně", "en": "yearly"},
            "place": "Praha",
            "publisher_seat": "Příkladová 12, 110 00 Praha 1",
            "ico": "25596641",
            "registration": "E 12345",
            "issn": "0378-5955",
            "printer": "Tiskárna Příklad, s. r. o.",
            "print_run": 700,
            "not_for_sale": True,
        },
        "number": 12,
    },
    {"imprint": {"ico": 25596641, "issn": "2434-561X"}},
    {
        "print": {
            "quantity": {"cs": 400, "en": 300},
            "paper": {
                "cover": {"weight": 250, "finish": "gloss"},
                "text": {"weight": 115, "finish": "matt"},
            },
            "binding": "saddle-stitch",
            "finishing": "bigování obálky",
            "proof": "digital",
            "deliver_to": "Příkladová 12, 110 00 Praha 1",
            "deadline": "2022-09-20",
            "contact": {"name": "Petra Vzorová", "phone": "+420 222 555 140"},
        }
    },
    {"print": {"paper": {"text": {"weight": 130, "finish": "uncoated"}}}},
]
BAD_ISSUE_CHANGES = [
    {"title": MISSING},
    {"date": MISSING},
    {"publisher": MISSING},
    {"titel": "KLASTROVINY"},
    {"number": 0},
    {"number": "12"},
    {"date": "26. 9. 2022"},
    {"date": "2022-02-30"},
    {"languages": ["de"]},
    {"languages": ["cs", "cs"]},
    {"order": "alphabetical"},
    {"order": "manual"},
    {"order": "manual", "manual_order": "test"},
    {"order": "manual", "manual_order": ["test", "test"]},
    {"imprint": {"isn": "0378-5955"}},
    {"imprint": {"ico": "2559664"}},
    {"imprint": {"issn": "0378-59555"}},
    {"imprint": {"registration": "12345"}},
    {"imprint": {"print_run": 0}},
    {"imprint": {"periodical": "ano"}},
    {"print": {"copies": 400}},
    {"print": {"quantity": {"cs": -1}}},
    {"print": {"quantity": {"de": 300}}},
    {"print": {"paper": {"cover": {"weight": 250, "finish": "gloss"}}}},
    {"print": {"paper": {"text": {"weight": 115, "finish": "glossy"}}}},
    {"print": {"paper": {"text": {"weight": 20, "finish": "matt"}}}},
    {"print": {"binding": "stapled"}},
    {"print": {"proof": "yes please"}},
    {"print": {"deadline": "2022-09-31"}},
    {"print": {"contact": {"phone": "+420 222 555 140"}}},
]


def _issue_with(changes: dict) -> dict:
    issue = dict(ISSUE_DOC)
    for key, value in changes.items():
        if value is MISSING:
            del issue[key]
        else:
            issue[key] = value
    return issue


def _validate_errors(tmp_path: Path, issue: dict, entry: dict) -> list[str]:
    _, report = issue_file.load_issue(write_issue(tmp_path / "issue", issue, entry))
    return [str(problem) for problem in report.errors]


@pytest.mark.parametrize(("path", "value"), GOOD_ENTRY_CHANGES, ids=lambda x: str(x)[:30])
def test_entries_both_accept(tmp_path, path, value):
    entry = changed(ENTRY_DOC, path, value)
    assert schema_errors(entry, ENTRY) == []
    assert _validate_errors(tmp_path, ISSUE_DOC, entry) == []


@pytest.mark.parametrize(("path", "value"), BAD_ENTRY_CHANGES, ids=lambda x: str(x)[:30])
def test_entries_both_reject(tmp_path, path, value):
    entry = changed(ENTRY_DOC, path, value)
    assert schema_errors(entry, ENTRY), "the schema accepts it"
    assert _validate_errors(tmp_path, ISSUE_DOC, entry), "load_issue accepts it"


@pytest.mark.parametrize("changes", GOOD_ISSUE_CHANGES, ids=lambda x: str(x)[:40])
def test_issues_both_accept(tmp_path, changes):
    issue = _issue_with(changes)
    assert schema_errors(issue, ISSUE) == []
    assert _validate_errors(tmp_path, issue, ENTRY_DOC) == []


@pytest.mark.parametrize("changes", BAD_ISSUE_CHANGES, ids=lambda x: str(x)[:40])
def test_issues_both_reject(tmp_path, changes):
    issue = _issue_with(changes)
    assert schema_errors(issue, ISSUE), "the schema accepts it"
    assert _validate_errors(tmp_path, issue, ENTRY_DOC), "load_issue accepts it"


def test_foreign_seat_uses_its_own_region_codes(tmp_path):
    entry = changed(changed(ENTRY_DOC, "country", "SK"), "region", "SK-BC")
    assert schema_errors(entry, ENTRY) == []
    assert _validate_errors(tmp_path, ISSUE_DOC, entry) == []
    czech_code_abroad = changed(entry, "region", "CZ-51")
    assert not schema_errors(czech_code_abroad, ENTRY)  # the schema cannot tell; validate can
    assert _validate_errors(tmp_path / "b", ISSUE_DOC, czech_code_abroad)


@pytest.mark.skipif(not SAMPLE_ISSUE.is_dir(), reason="no sample issue")
def test_sample_issue_matches_the_schemas():
    problems = schema_errors(read_yaml(SAMPLE_ISSUE / "issue.yaml"), ISSUE)
    for path in sorted((SAMPLE_ISSUE / "entries").glob("*.yaml")):
        problems += [f"{path.name}{error}" for error in schema_errors(read_yaml(path), ENTRY)]
    assert problems == []
