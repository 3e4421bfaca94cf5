"""Every check of the issue folder format, with the exact file:line:col and field it reports.

Line numbers refer to the default files of builders.py: entry fields on lines 1-11 (the contact
mapping starts at 8:5, its phone value at 9:12, e-mail 10:12, consent 11:14); a field added with
entry_yaml(x=…) lands on line 12. issue.yaml fields on lines 1-6, added ones on line 7.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from builders import ENTRY_FIELDS, PNG, SVG, contact_yaml, entry_yaml, issue_yaml, rendered

from klastroviny.content.issue_file import load_issue
from klastroviny.text.collation import ordered_entries

E = "entries/clutex.yaml"


def test_the_default_issue_is_valid(check):
    issue, problems = check()
    assert problems == []
    assert issue is not None
    assert [entry.id for entry in issue.entries] == ["clutex"]
    assert issue.date == dt.date(2022, 9, 26)
    assert issue.languages == ("cs", "en")
    assert issue.layout == "a5-booklet"
    entry = issue.entries[0]
    assert entry.country == "CZ"
    assert entry.contacts[0].in_index is True


# --- required and unknown fields ------------------------------------------------------------
def test_missing_required_fields_are_reported_at_the_mapping_that_lacks_them(check):
    issue, problems = check(entries={"clutex": entry_yaml(city=None, region=None)})
    assert issue is None
    assert problems == [
        f"{E}:1:1: error: city: missing required field",
        f"{E}:1:1: error: region: missing required field",
    ]


def test_missing_required_field_of_a_contact_points_at_the_contact(check):
    _, problems = check(entries={"clutex": entry_yaml(contacts=contact_yaml(consent=None))})
    assert problems == [f"{E}:8:5: error: contacts[0].consent: missing required field"]


def test_missing_required_field_of_a_label(check):
    _, problems = check(entries={"clutex": entry_yaml(label="{level: gold}")})
    assert problems == [f"{E}:12:8: error: label.valid_until: missing required field"]


def test_missing_required_field_of_the_issue(check):
    issue, problems = check(issue=issue_yaml(date=None))
    assert issue is None
    assert problems == ["issue.yaml:1:1: error: date: missing required field"]


def test_an_entry_without_a_name_is_an_error_not_a_crash(check):
    issue, problems = check(entries={"clutex": entry_yaml(name=None)})
    assert issue is None
    assert problems == [f"{E}:1:1: error: name: missing required field"]


def test_unknown_field_suggests_the_near_miss(check):
    _, problems = check(entries={"clutex": entry_yaml(webiste="https://www.clutex.cz")})
    assert problems == [f"{E}:12:1: error: webiste: unknown field; did you mean 'website'?"]


def test_unknown_field_in_issue_yaml(check):
    _, problems = check(issue=issue_yaml(publsher="NCA"))
    assert problems == ["issue.yaml:7:1: error: publsher: unknown field; did you mean 'publisher'?"]


def test_duplicate_key(check):
    _, problems = check(entries={"clutex": entry_yaml(stand="A1\nstand: B2")})
    assert problems == [f"{E}:13:1: error: stand: duplicate field (first given on line 12)"]


# --- types: PyYAML's surprises are errors, never silent conversions --------------------------
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"city": "no"},
            f"{E}:3:7: error: city: expected text, got a true/false value; "
            'YAML reads no as a true/false value: put it in quotes: "no"',
        ),
        (
            {"founded": "010"},
            f"{E}:12:10: error: founded: '010' is not a plain decimal number "
            "(YAML reads leading zeros as octal); write it like 2006",
        ),
        (
            {"stand": "2022-09-26"},
            f"{E}:12:8: error: stand: expected text, got a date; "
            'YAML reads 2022-09-26 as a date: put it in quotes: "2022-09-26"',
        ),
        (
            {"contacts": contact_yaml(phone="+420601123456")},
            f"{E}:9:12: error: contacts[0].phone: expected text, got a number; "
            'YAML reads +420601123456 as a number: put it in quotes: "+420601123456"',
        ),
        (
            {"members": "many"},
            f"{E}:12:10: error: members: expected a whole number, got a text",
        ),
        (
            {"contacts": contact_yaml(consent="'maybe'")},
            f"{E}:11:14: error: contacts[0].consent: expected true or false, got a text",
        ),
        (
            {"contacts": contact_yaml(consent="ano")},
            f"{E}:11:14: error: contacts[0].consent: 'ano' means yes; write true or false",
        ),
        (
            {"ecosystems": "textiles"},
            f"{E}:4:13: error: ecosystems: expected a list, got a text",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error(check, fields, expected):
    issue, problems = check(entries={"clutex": entry_yaml(**fields)})
    assert issue is None
    assert problems == [expected]


def test_quoted_values_are_text(check):
    issue, problems = check(
        entries={"clutex": entry_yaml(city='"no"', stand='"2022-09-26"', founded="2006")}
    )
    assert problems == []
    assert issue.entries[0].city == "no"
    assert issue.entries[0].stand == "2022-09-26"
    assert issue.entries[0].founded == 2006


def test_issue_date_must_be_a_real_date(check):
    _, problems = check(issue=issue_yaml(date="2022-13-01"))
    assert problems == [
        "issue.yaml:2:7: error: date: '2022-13-01' is not a date; write it as YYYY-MM-DD"
    ]


# --- ids and names ---------------------------------------------------------------------------
def test_the_entry_id_is_the_file_stem_of_a_z_0_9_and_hyphen(check):
    _, problems = check(entries={"Clutex": entry_yaml(), "nano_progress": entry_yaml()})
    assert problems == [
        "entries/Clutex.yaml: error: the file name 'Clutex' is the entry id: "
        "use only a-z, 0-9 and '-'",
        "entries/nano_progress.yaml: error: the file name 'nano_progress' is the entry id: "
        "use only a-z, 0-9 and '-'",
    ]


def test_yml_files_are_refused_and_other_files_are_ignored_with_a_warning(check):
    _, problems = check(files={"entries/nano.yml": entry_yaml(), "entries/notes.txt": "x"})
    assert problems == [
        "entries/nano.yml: error: entry files are regular files ending in .yaml",
        "entries/notes.txt: warning: not an entry file (entries end in .yaml); it is ignored",
    ]


def test_two_entries_with_the_same_name(check):
    same_cs = '{cs: "CLUTEX – klastr technické textilie, z. s.", en: Another Cluster}'
    issue, problems = check(entries={"clutex": entry_yaml(), "copy": entry_yaml(name=same_cs)})
    assert issue is None
    assert problems == [
        "entries/copy.yaml:1:7: error: name: 'CLUTEX – klastr technické textilie, z. s.' "
        "is also the name of clutex.yaml; names must be unique"
    ]


def test_names_differing_only_in_case_and_spaces_are_the_same_name(check):
    _, problems = check(
        entries={
            "a": entry_yaml(name="Klastr  Mechatronika"),
            "b": entry_yaml(name="KLASTR mechatronika"),
        }
    )
    assert problems == [
        "entries/b.yaml:1:7: error: name: 'KLASTR mechatronika' is also the name of a.yaml; "
        "names must be unique"
    ]


# --- region, ecosystems ----------------------------------------------------------------------
def test_region_must_be_a_region_of_the_country(check):
    _, problems = check(entries={"clutex": entry_yaml(region="SK-BL")})
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{E}:2:9: error: region: 'SK-BL' is not an ISO 3166-2 region of CZ"
    )


def test_a_czech_district_is_not_a_region(check):
    _, problems = check(entries={"clutex": entry_yaml(region="CZ-511")})
    assert len(problems) == 1
    assert problems[0].startswith(f"{E}:2:9: error: region: 'CZ-511' is not an ISO 3166-2 region")


def test_a_slovak_cluster_with_a_slovak_region_and_phone(check):
    entry = entry_yaml(country="SK", region="SK-BL", contacts=contact_yaml(phone='"02 212 345 67"'))
    issue, problems = check(entries={"clutex": entry})
    assert problems == []
    assert (issue.entries[0].country, issue.entries[0].region) == ("SK", "SK-BL")
    assert issue.entries[0].contacts[0].phone == "+421221234567"  # default region = country


def test_unknown_country(check):
    _, problems = check(entries={"clutex": entry_yaml(country="XX")})
    assert problems == [
        f"{E}:12:10: error: country: 'XX' is not an ISO 3166-1 alpha-2 country code "
        "(e.g. CZ, SK, PL)"
    ]


def test_unknown_ecosystem_suggests_the_nearest_id(check):
    _, problems = check(entries={"clutex": entry_yaml(ecosystems="[textiles, helth]")})
    assert problems == [
        f"{E}:4:24: error: ecosystems[1]: 'helth' is not one of the 14 ecosystems; "
        "did you mean 'health'?"
    ]


@pytest.mark.parametrize("listed", ["[]", "[digital, retail, health, tourism]"])
def test_one_to_three_ecosystems(check, listed):
    _, problems = check(entries={"clutex": entry_yaml(ecosystems=listed)})
    count = 0 if listed == "[]" else 4
    assert problems == [f"{E}:4:13: error: ecosystems: {count} ecosystems; give 1 to 3"]


def test_an_ecosystem_listed_twice(check):
    _, problems = check(entries={"clutex": entry_yaml(ecosystems="[digital, digital]")})
    assert problems == [f"{E}:4:23: error: ecosystems[1]: 'digital' is listed twice"]


# --- contacts: phone, e-mail, consent --------------------------------------------------------
def test_a_ten_digit_czech_number_is_invalid(check):
    _, problems = check(
        entries={"clutex": entry_yaml(contacts=contact_yaml(phone='"+420 6011234567"'))}
    )
    assert problems == [
        f"{E}:9:12: error: contacts[0].phone: '+420 6011234567' is not a valid phone number; "
        "write it with the country code, e.g. +420 601 123 456"
    ]


@pytest.mark.parametrize("written", ['"+420 601 123 456"', '"601 123 456"', '"00420601123456"'])
def test_a_valid_phone_is_stored_as_e164(check, written):
    issue, problems = check(entries={"clutex": entry_yaml(contacts=contact_yaml(phone=written))})
    assert problems == []
    assert issue.entries[0].contacts[0].phone == "+420601123456"


def test_email_syntax(check):
    _, problems = check(
        entries={"clutex": entry_yaml(contacts=contact_yaml(email="jana@@example.com"))}
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{E}:10:12: error: contacts[0].email: 'jana@@example.com' is not an e-mail address: "
    )


def test_email_at_a_reserved_domain_is_accepted_without_a_network_lookup(check):
    issue, problems = check(entries={"clutex": entry_yaml(contacts=contact_yaml(email="j@x.test"))})
    assert problems == []
    assert issue.entries[0].contacts[0].email == "j@x.test"


def test_contact_without_consent_is_a_note_and_left_out_of_print(build):
    root = build(entries={"clutex": entry_yaml(contacts=contact_yaml(consent="false"))})
    issue, report = load_issue(root)
    assert rendered(report, root) == []  # a decision, not a problem: --strict passes
    (note,) = report.notes
    assert (note.location.line, note.field, note.message) == (
        11, "contacts[0].consent", "Jana Nováková"
    )  # fmt: skip
    assert issue is not None
    assert issue.entries[0].printed_contacts == ()
    assert issue.entries[0].index_contacts == ()


# --- website, founded, label -----------------------------------------------------------------
@pytest.mark.parametrize(
    "url", ["ftp://www.clutex.cz", "www.clutex.cz", "https://", "'https://[::1'"]
)
def test_website_must_be_http_or_https(check, url):
    _, problems = check(entries={"clutex": entry_yaml(website=url)})
    shown = url.strip("'")
    assert problems == [
        f"{E}:5:10: error: website: '{shown}' is not a web address; "
        "write it as https://www.example.cz"
    ]


def test_founded_after_the_issue_year_is_refused(check):
    _, problems = check(entries={"clutex": entry_yaml(founded="2023")})
    assert problems == [
        f"{E}:12:10: error: founded: 2023 is out of range; it must be between 1900 and 2022"
    ]


def test_founded_in_the_issue_year_is_fine(check):
    issue, problems = check(entries={"clutex": entry_yaml(founded="2022")})
    assert problems == []
    assert issue.entries[0].founded == 2022


def test_label_level(check):
    _, problems = check(
        entries={"clutex": entry_yaml(label="{level: platinum, valid_until: 2024-12-14}")}
    )
    assert problems == [
        f"{E}:12:16: error: label.level: 'platinum' is not an ESCA label level "
        "(bronze, silver, gold); choose one of: bronze, silver, gold"
    ]


def test_expired_label_is_a_warning(check):
    issue, problems = check(
        entries={"clutex": entry_yaml(label="{level: gold, valid_until: 2022-09-25}")}
    )
    assert problems == [
        f"{E}:12:35: warning: label.valid_until: the gold label expired on 2022-09-25, "
        "before the issue date; it is not printed"
    ]
    label = issue.entries[0].label
    assert not label.valid_on(issue.date)


def test_label_valid_on_the_issue_date(check):
    issue, problems = check(
        entries={"clutex": entry_yaml(label="{level: gold, valid_until: 2022-09-26}")}
    )
    assert problems == []
    assert issue.entries[0].label.valid_on(issue.date)


# --- logo ------------------------------------------------------------------------------------
LOGO_FILES = {"logos/text.svg": "this is a plain text file, not an SVG\n", "logos/ok.svg": SVG}


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("logos/missing.svg", "'logos/missing.svg' does not exist in the issue folder"),
        (
            "../outside.svg",
            "'../outside.svg' leaves the issue folder ('..'); put the logo into logos/",
        ),
        (
            "/etc/passwd",
            "'/etc/passwd' is an absolute path; give a path inside the issue folder, "
            "e.g. logos/x.svg",
        ),
        (
            "https://www.clutex.cz/logo.svg",
            "'https://www.clutex.cz/logo.svg' is a URL; put the logo file into logos/ and give its "
            "path, e.g. logos/x.svg",
        ),
        ("logos/text.svg", "'logos/text.svg' is not an SVG, PNG or JPEG file (by its content)"),
        (
            "logos/link.svg",
            "'logos/link.svg' points outside the issue folder (a symlink?); "
            "copy the file into logos/",
        ),
        (
            '"logos/\\0.svg"',
            "'logos/\x00.svg' contains a NUL character; give a path like logos/x.svg",
        ),
    ],
)
def test_logo_problems(tmp_path, build, logo, message):
    (tmp_path / "outside.svg").write_bytes(SVG)
    root = build(entries={"clutex": entry_yaml(logo=logo)}, files=LOGO_FILES)
    os.symlink(tmp_path / "outside.svg", root / "logos" / "link.svg")
    issue, report = load_issue(root)
    assert issue is None
    assert rendered(report, root) == [f"{E}:12:7: error: logo: {message}"]


@pytest.mark.parametrize(("name", "content"), [("logos/x.svg", SVG), ("logos/x.png", PNG)])
def test_svg_and_png_logos_are_accepted(check, name, content):
    issue, problems = check(entries={"clutex": entry_yaml(logo=name)}, files={name: content})
    assert problems == []
    assert issue.entries[0].logo == (issue.root / name)


def test_a_symlink_inside_the_issue_folder_is_fine(build):
    root = build(entries={"clutex": entry_yaml(logo="logos/link.svg")}, files={"logos/ok.svg": SVG})
    os.symlink("ok.svg", root / "logos" / "link.svg")
    issue, report = load_issue(root)
    assert report.problems == []
    assert issue.entries[0].logo == issue.root / "logos" / "ok.svg"


# --- order -----------------------------------------------------------------------------------
TWO = {"clutex": entry_yaml(), "nano": entry_yaml(name="NANOPROGRESS, z. s.")}


def test_manual_order_lists_every_entry(check):
    _, problems = check(issue=issue_yaml(order="manual", manual_order="[clutex]"), entries=TWO)
    assert problems == [
        "issue.yaml:7:15: error: manual_order: does not list nano; list every entry exactly once"
    ]


def test_manual_order_duplicate_and_unknown_ids(check):
    order = issue_yaml(order="manual", manual_order="[clutex, nano, clutex, nanoo]")
    _, problems = check(issue=order, entries=TWO)
    assert problems == [
        "issue.yaml:7:30: error: manual_order[2]: 'clutex' is listed twice",
        "issue.yaml:7:38: error: manual_order[3]: no entry 'nanoo' in entries/; "
        "did you mean 'nano'?",
    ]


def test_order_manual_needs_manual_order(check):
    _, problems = check(issue=issue_yaml(order="manual"), entries=TWO)
    assert problems == [
        "issue.yaml:1:1: error: manual_order: missing; 'order: manual' needs the list of entry "
        "ids in printed order"
    ]


def test_manual_order_is_the_printed_order(check):
    issue, problems = check(
        issue=issue_yaml(order="manual", manual_order="[nano, clutex]"), entries=TWO
    )
    assert problems == []
    assert [e.id for e in ordered_entries(issue, "cs")] == ["nano", "clutex"]
    assert [e.id for e in ordered_entries(issue, "en")] == ["nano", "clutex"]


def test_manual_order_without_order_manual_is_ignored_with_a_warning(check):
    issue, problems = check(issue=issue_yaml(manual_order="[nano, clutex]"), entries=TWO)
    assert problems == [
        "issue.yaml:7:15: warning: manual_order: ignored, because order is not 'manual'"
    ]
    assert [e.id for e in ordered_entries(issue, "cs")] == ["clutex", "nano"]


def test_unknown_order_and_layout(check):
    _, problems = check(issue=issue_yaml(order="alphabetical", layout="a4-magazine"))
    assert len(problems) == 2
    # the list of layouts grows as layouts are added
    assert problems[0].startswith(
        "issue.yaml:5:9: error: layout: 'a4-magazine' is not a layout under layouts/; "
    )
    assert "a5-booklet" in problems[0]
    assert problems[1] == (
        "issue.yaml:6:8: error: order: 'alphabetical' is not name or manual; "
        "choose one of: name, manual"
    )


# --- files: encoding, emptiness, YAML syntax -------------------------------------------------
def test_a_windows_1250_file_is_reported_as_not_utf8(check):
    text = entry_yaml(name="CLUTEX", description="Klastr.", city="Plzeň")
    issue, problems = check(entries={"clutex": text.encode("cp1250")})
    assert issue is None
    assert problems == [
        f"{E}:3:11: error: the file is not UTF-8 (byte 0xF2; a Windows-1250 file from a Czech "
        "editor is likely); save it as UTF-8"
    ]


def test_the_column_of_a_bad_byte_counts_characters(check):
    good = entry_yaml(city="Žďár nad Sázavou, Plze@").encode("utf-8")
    _, problems = check(entries={"clutex": good.replace(b"@", "ň".encode("cp1250"))})
    assert len(problems) == 1
    assert problems[0].startswith(f"{E}:3:29: error: the file is not UTF-8 (byte 0xF2")


def test_a_utf8_bom_is_accepted(check):
    bom = b"\xef\xbb\xbf"
    issue, problems = check(
        issue=bom + issue_yaml().encode(), entries={"clutex": bom + entry_yaml().encode()}
    )
    assert problems == []
    assert issue.title.get("cs") == "KLASTROVINY"
    assert issue.entries[0].name.get("cs").startswith("CLUTEX")


def test_positions_after_a_bom_are_those_an_editor_shows(check):
    bom = b"\xef\xbb\xbf"
    _, problems = check(entries={"clutex": bom + entry_yaml(city="no").encode()})
    assert problems[0].startswith(f"{E}:3:7: error: city: expected text")


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing here yet\n"])
def test_an_empty_entry_file_is_an_error(check, text):
    issue, problems = check(entries={"clutex": text})
    assert issue is None
    assert problems == [f"{E}: error: the file is empty; fill it in or delete it"]


def test_an_empty_issue_yaml_is_an_error(check):
    _, problems = check(issue="")
    assert problems == ["issue.yaml: error: the file is empty; fill it in or delete it"]


# YAML syntax errors are reported where the editor made them, not where libyaml gave up.
SYNTAX = f"{E}:{{}}: error: YAML syntax error: {{}}"
TAB = "a tab character; YAML indents with spaces only: replace it with spaces"


def syntax_problem(check, text: str) -> str:
    issue, problems = check(entries={"clutex": text})
    assert issue is None
    (problem,) = problems
    return problem


def test_a_colon_inside_a_value_says_to_quote_it(check):
    problem = syntax_problem(check, entry_yaml(city="Liberec: centrum"))
    message = "': ' inside a value starts a field: write \"Liberec: centrum\""
    assert problem == SYNTAX.format("3:14", message)


def test_an_unclosed_quote_is_reported_where_it_opens_not_at_the_next_quote(check):
    # libyaml reads on to the quote of the phone number on line 9 and gives up there
    problem = syntax_problem(check, entry_yaml(city='"Liberec'))
    assert problem == SYNTAX.format(
        "3:7",
        'the " that opens here is not closed on its line (the next " is on line 9): close it '
        r'here; a " inside the text is written \"',
    )


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_quote_never_closed_is_reported_where_it_opens(check, quote):
    problem = syntax_problem(check, entry_yaml(stand=f"{quote}A1"))
    assert problem == SYNTAX.format(
        "12:8", f"the {quote} that opens here is never closed: end the text with {quote}"
    )


def test_a_quote_inside_a_quoted_text_is_reported_at_that_quote(check):
    problem = syntax_problem(check, entry_yaml(city='"Liberec "centrum""'))
    assert problem == SYNTAX.format(
        "3:16",
        'this " ends the text that opens at column 7, yet the text goes on: a " inside the '
        r"text is written \", or leave the quotes out",
    )


def test_text_after_a_quote_that_closes_a_text_over_two_lines_is_reported_at_that_quote(check):
    description = '\n  cs: "Klastr technických\n    textilií" a další.\n  en: A cluster.'
    problem = syntax_problem(check, entry_yaml(description=description))
    assert problem == SYNTAX.format(
        "8:13",
        'this " ends the text that opens at line 7, column 7, yet the text goes on: a " '
        r"inside the text is written \", or leave the quotes out",
    )


def test_a_quoted_text_over_two_lines_is_no_error(check):
    description = '\n  cs: "Klastr technických\n    textilií."\n  en: A cluster.'
    issue, problems = check(entries={"clutex": entry_yaml(description=description)})
    assert problems == []
    assert issue.entries[0].description.get("cs") == "Klastr technických textilií."


def test_a_line_indented_more_than_the_field_above_is_reported_at_that_line(check):
    text = entry_yaml(region=None, city="Liberec\n  region: CZ-51")
    assert syntax_problem(check, text) == SYNTAX.format(
        "3:3",
        "this line is indented more (2 spaces) than line 2 above it (0), so YAML reads it as "
        "more of that line's value: indent it like line 2 if it is a field of its own",
    )


def test_a_contact_field_indented_less_is_reported_at_its_line(check):
    text = entry_yaml().replace("    email:", "   email:")
    assert syntax_problem(check, text) == SYNTAX.format(
        "10:4",
        "this line is indented by 3 spaces, the fields above it by 4, 2 or 0: indent it like "
        "the fields it belongs with",
    )


@pytest.mark.parametrize(("indent", "column"), [("\t", 1), ("  \t  ", 3)])
def test_a_tab_is_reported_where_it_is_with_replace_it_with_spaces(check, indent, column):
    text = entry_yaml().replace("    email:", f"{indent}email:")
    assert syntax_problem(check, text) == SYNTAX.format(f"10:{column}", TAB)


def test_an_unclosed_bracket_is_reported_where_it_opens(check):
    problem = syntax_problem(check, entry_yaml(ecosystems="[textiles, health"))
    assert problem == SYNTAX.format(
        "4:13", "the [ that opens here is never closed: end the list with ]"
    )


def test_an_unclosed_brace_is_reported_where_it_opens(check):
    problem = syntax_problem(check, entry_yaml(description="{cs: Klastr., en: A cluster."))
    assert problem == SYNTAX.format(
        "6:14", "the { that opens here is never closed: end the mapping with }"
    )


def test_a_missing_comma_in_a_list_is_reported_where_the_next_item_starts(check):
    problem = syntax_problem(check, entry_yaml(ecosystems="[textiles {health}]"))
    assert problem.startswith(SYNTAX.format("4:23", "expected ',' or ']' here"))


@pytest.mark.parametrize(
    ("written", "fixed", "at"),
    [
        ({"city": "Liberec"}, "city: Liberec", "3:1"),
        ({"website": "https://www.clutex.cz"}, "website: https://www.clutex.cz", "5:1"),
        ({"city": ""}, "city: …", "3:1"),
    ],
)
def test_a_key_without_a_colon_gets_the_line_as_it_should_be(check, written, fixed, at):
    ((key, value),) = written.items()
    text = entry_yaml().replace(f"{key}: {ENTRY_FIELDS[key]}", f"{key} {value}".rstrip())
    problem = syntax_problem(check, text)
    assert problem == SYNTAX.format(at, f"no ':' after the field name; write {fixed}")


def test_a_backslash_in_a_double_quoted_text(check):
    problem = syntax_problem(check, entry_yaml(stand=r'"C:\data"'))
    assert problem == SYNTAX.format(
        "12:11",
        r"""'\d' is not an escape in a "…" text: write \\ for a backslash, or put the """
        "text in '…'",
    )


def test_a_duplicate_contact_field_is_reported_at_the_second(check):
    contacts = contact_yaml(email="a@example.com\nemail: b@example.com")
    _, problems = check(entries={"clutex": entry_yaml(contacts=contacts)})
    assert problems == [
        f"{E}:11:5: error: contacts[0].email: duplicate field (first given on line 10)"
    ]


def test_a_list_item_without_a_space_after_its_dash(check):
    text = entry_yaml().replace("  - name:", "  -name:")
    assert syntax_problem(check, text) == SYNTAX.format(
        "8:3", "a space is missing after the '-'; write - name: Jana Nováková"
    )


def test_an_error_no_rule_explains_keeps_libyamls_words_and_position(check):
    problem = syntax_problem(check, entry_yaml(stand="A1\n---\nstand: B2"))
    assert problem.startswith(f"{E}:13:1: error: YAML syntax error: but found another document")


def test_a_control_character_is_a_syntax_error_with_a_position(check):
    _, problems = check(entries={"clutex": entry_yaml(city="Lib\x01erec")})
    assert problems == [
        f"{E}:3:10: error: YAML syntax error: special characters are not allowed (character U+0001)"
    ]


def test_yaml_aliases_are_refused(check):
    _, problems = check(entries={"clutex": entry_yaml(city="&seat Liberec", stand="*seat")})
    assert problems == [
        f"{E}:12:8: error: YAML syntax error: YAML aliases (*seat) are not allowed; "
        "write the value out"
    ]


def test_a_billion_laughs_is_refused_quickly(check):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    _, problems = check(entries={"clutex": "\n".join(lines) + "\n"})
    assert problems == [
        f"{E}:2:10: error: YAML syntax error: YAML aliases (*a0) are not allowed; "
        "write the value out"
    ]


def test_deep_nesting_is_an_error_not_a_crash(check):
    _, problems = check(entries={"clutex": "[" * 5000})
    assert len(problems) == 1
    assert problems[0].startswith(f"{E}:1:")
    assert "YAML syntax error" in problems[0] and "nest" in problems[0]


def test_a_list_instead_of_a_mapping(check):
    _, problems = check(entries={"clutex": "- name: CLUTEX\n"})
    assert problems == [
        f"{E}:1:1: error: expected a mapping of fields (key: value lines), got a list"
    ]


# --- texts in the edition languages and Markdown ---------------------------------------------
def test_a_text_missing_in_an_edition_language_is_a_warning_naming_the_field(check):
    entry = entry_yaml(description="{cs: Klastr technických textilií.}")
    issue, problems = check(entries={"clutex": entry})
    assert problems == [
        f"{E}:6:14: warning: description: no 'en' text; the en edition prints the cs text"
    ]
    description = issue.entries[0].description
    assert description.get("en", issue.fallback("en")) == "Klastr technických textilií."


def test_a_missing_contact_role_language_names_the_nested_field(check):
    entry = entry_yaml(contacts=contact_yaml(role="{en: cluster manager}"))
    _, problems = check(entries={"clutex": entry})
    assert problems == [
        f"{E}:12:11: warning: contacts[0].role: no 'cs' text; the cs edition prints the en text"
    ]


UNTRANSLATED = (
    "no 'en' text; the en edition prints the cs text; write it per language, {cs: …, en: …}"
)


@pytest.mark.parametrize(
    ("fields", "at", "field"),
    [
        ({"description": "Klastr technických textilií."}, "6:14", "description"),
        ({"description": "|\n  Klastr technických\n  textilií."}, "6:14", "description"),
        ({"offer": "[Zkušebna textilií]"}, "12:8", "offer"),
        ({"contacts": contact_yaml(role="manažerka klastru")}, "12:11", "contacts[0].role"),
    ],
)
def test_a_plain_prose_text_in_two_editions_is_a_missing_translation(check, fields, at, field):
    issue, problems = check(entries={"clutex": entry_yaml(**fields)})
    assert problems == [f"{E}:{at}: warning: {field}: {UNTRANSLATED}"]
    assert issue is not None  # printed in every edition, as written


def test_a_plain_prose_text_is_fine_in_a_one_edition_issue(check):
    entry = entry_yaml(name="CLUTEX", description="Klastr.", offer="[Zkušebna]")
    _, problems = check(issue=issue_yaml(languages="[cs]"), entries={"clutex": entry})
    assert problems == []


def test_a_plain_name_in_two_editions_is_no_missing_translation(check):
    _, problems = check(entries={"clutex": entry_yaml(name="CLUTEX", short_name="CLUTEX")})
    assert problems == []


def test_a_text_in_a_language_that_is_not_an_edition(check):
    issue, problems = check(issue=issue_yaml(languages="[cs]"))
    assert issue is not None
    assert problems == [
        f"{E}:1:57: warning: name.en: 'en' is not an edition of this issue (languages: cs); "
        "it is not printed",
        f"{E}:6:49: warning: description.en: 'en' is not an edition of this issue "
        "(languages: cs); it is not printed",
    ]


@pytest.mark.parametrize("name", ["{}", "{en: Only English}"])
def test_a_required_text_with_no_edition_language_is_an_error(check, name):
    issue, problems = check(
        issue=issue_yaml(languages="[cs]"),
        entries={"clutex": entry_yaml(name=name, description="Klastr.")},
    )
    assert issue is None
    assert f"{E}:1:7: error: name: no text in a language of this issue (cs)" in problems


def test_a_markdown_link_to_a_local_file_is_refused(check):
    entry = entry_yaml(description="{cs: 'Viz [heslo](file:///etc/passwd).', en: See our site.}")
    _, problems = check(entries={"clutex": entry})
    assert problems == [
        f"{E}:6:19: error: description.cs: link target 'file:///etc/passwd' is not allowed; "
        "use an http(s) or mailto link"
    ]


def test_a_markdown_link_in_the_foreword_is_checked_too(check):
    _, problems = check(issue=issue_yaml(foreword="'[x](javascript:alert(1))'"))
    assert problems == [
        "issue.yaml:7:11: error: foreword: link target 'javascript:alert(1)' is not allowed; "
        "use an http(s) or mailto link"
    ]


def test_web_and_mail_links_are_fine(check):
    text = "{cs: '[web](https://www.clutex.cz)', en: '[mail](mailto:info@clutex.example)'}"
    _, problems = check(entries={"clutex": entry_yaml(description=text)})
    assert problems == []


# --- the whole run ---------------------------------------------------------------------------
def test_all_problems_of_all_files_in_one_run(check):
    issue, problems = check(
        issue=issue_yaml(date="tomorrow"),
        entries={
            "a": entry_yaml(name="A", city=None),
            "b": entry_yaml(name="B", region="CZ-99"),
            "c": "name: [unclosed\n",
        },
    )
    assert issue is None
    assert [line.split(": error")[0] for line in problems] == [
        "entries/a.yaml:1:1",
        "entries/b.yaml:2:9",
        "entries/c.yaml:1:7",
        "issue.yaml:2:7",
    ]


def test_errors_come_before_warnings(check):
    _, problems = check(
        entries={
            "a": entry_yaml(name="A", description='{cs: "Jen česky."}'),  # a warning
            "b": entry_yaml(name="B", city="yes"),
        }
    )
    assert [line.split(": ")[1] for line in problems] == ["error", "warning"]
    assert problems[0].startswith("entries/b.yaml:3:7: error: city:")
    assert problems[1].startswith("entries/a.yaml:6:14: warning: description:")


def test_no_entries(check):
    issue, problems = check(entries={})
    assert issue is None
    assert problems == ["entries: error: the issue has no entries"]


def test_a_folder_without_issue_yaml(tmp_path):
    issue, report = load_issue(tmp_path)
    assert issue is None
    assert [str(p.message) for p in report.problems] == ["the issue folder has no issue.yaml"]


def test_a_folder_that_does_not_exist(tmp_path):
    issue, report = load_issue(tmp_path / "nope")
    assert issue is None
    assert [p.message for p in report.problems] == ["no such issue folder"]


def test_problem_prints_as_path_line_col_severity_field_message(build):
    root = build(entries={"clutex": entry_yaml(city="no")})
    _, report = load_issue(root)
    (problem,) = report.problems
    assert (problem.location.line, problem.location.column, problem.field) == (3, 7, "city")
    assert str(problem).endswith(
        f"{E}:3:7: error: city: expected text, got a true/false value; "
        'YAML reads no as a true/false value: put it in quotes: "no"'
    )


def test_entries_are_checked_even_when_issue_yaml_is_broken(check):
    _, problems = check(issue="- not a mapping\n", entries={"clutex": entry_yaml(city="no")})
    assert [line.split(": error")[0] for line in problems] == [
        f"{E}:3:7",
        "issue.yaml:1:1",
    ]


def test_a_broken_entry_is_not_also_unknown_to_manual_order(check):
    entries = {"clutex": entry_yaml(), "nano": entry_yaml(name="NANOPROGRESS", city="no")}
    _, problems = check(
        issue=issue_yaml(order="manual", manual_order="[clutex, nano]"), entries=entries
    )
    assert len(problems) == 1
    assert problems[0].startswith("entries/nano.yaml:3:7: error: city:")


# --- what people type: names where codes belong --------------------------------------------
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"region": "Jihomoravský kraj"},
            f"{E}:2:9: error: region: 'Jihomoravský kraj' is not an ISO 3166-2 code; "
            "write CZ-64 (Jihomoravský kraj)",
        ),
        (
            {"region": "Liberec Region"},
            f"{E}:2:9: error: region: 'Liberec Region' is not an ISO 3166-2 code; "
            "write CZ-51 (Liberecký kraj)",
        ),
        (
            {"ecosystems": "[textiles, stavebnictví]"},
            f"{E}:4:24: error: ecosystems[1]: 'stavebnictví' is the Czech name of construction; "
            "write construction",
        ),
        (
            {"ecosystems": "[aerospace & defence]"},
            f"{E}:4:14: error: ecosystems[0]: 'aerospace & defence' is the English name of "
            "aerospace-defence; write aerospace-defence",
        ),
        (
            {"contacts": contact_yaml(in_index="ne")},
            f"{E}:12:15: error: contacts[0].in_index: 'ne' means no; write true or false",
        ),
    ],
)
def test_a_name_or_word_where_a_code_belongs_gets_the_code_to_write(check, fields, expected):
    _, problems = check(entries={"clutex": entry_yaml(**fields)})
    assert problems == [expected]


def test_consent_may_say_when_and_how_it_was_given(check):
    contact = contact_yaml(consent="{given: 2023-08-14, how: e-mail}")
    issue, problems = check(entries={"clutex": entry_yaml(contacts=contact)})
    assert problems == []
    person = issue.entries[0].contacts[0]
    assert (person.consent, person.consent_given, person.consent_how) == (
        True,
        dt.date(2023, 8, 14),
        "e-mail",
    )


def test_consent_without_a_date_is_an_error(check):
    contact = contact_yaml(consent="{how: e-mail}")
    _, problems = check(entries={"clutex": entry_yaml(contacts=contact)})
    assert problems == [f"{E}:11:14: error: contacts[0].consent.given: missing required field"]


def test_a_cluster_without_a_website_prints_without_one(check):
    issue, problems = check(entries={"clutex": entry_yaml(website=None)})
    assert problems == []
    assert issue.entries[0].website is None


def test_short_name_is_a_text_per_edition(check):
    short = "{cs: Klastr technických textilií, en: Technical Textiles Cluster}"
    issue, problems = check(entries={"clutex": entry_yaml(short_name=short)})
    assert problems == []
    entry = issue.entries[0]
    assert entry.display_short_name("en") == "Technical Textiles Cluster"
    assert entry.display_short_name("cs") == "Klastr technických textilií"


# --- what an editor meets ------------------------------------------------------------------------
def test_a_duplicate_short_name_is_an_error_at_its_line(check):
    _, problems = check(
        entries={
            "alfa": entry_yaml(name='"Alfa klastr"', short_name="CLUTEX"),
            "clutex": entry_yaml(short_name="clutex"),
        }
    )
    assert problems == [
        f"{E}:12:13: error: short_name: 'clutex' is also the short name of alfa.yaml; "
        "short names must be unique"
    ]


def test_titles_typed_into_a_contacts_name_get_the_fix(check):
    _, problems = check(
        entries={"clutex": entry_yaml(contacts=contact_yaml(name='"Ing. Petr Dvořák, Ph.D."'))}
    )
    assert problems == [
        f"{E}:8:11: warning: contacts[0].name: 'Ing. Petr Dvořák, Ph.D.' has titles in it; "
        "write title_before: Ing., name: Petr Dvořák, title_after: Ph.D."
    ]


def test_a_phone_field_with_two_numbers_says_one_per_contact(check):
    _, problems = check(
        entries={
            "clutex": entry_yaml(contacts=contact_yaml(phone='"+420 601 123 456, 602 111 222"'))
        }
    )
    assert problems == [
        f"{E}:9:12: error: contacts[0].phone: '+420 601 123 456, 602 111 222' holds 2 numbers; "
        "one number per contact (give another contact for the other)"
    ]


def test_an_email_with_accents_before_the_at_is_a_warning(check):
    _, problems = check(entries={"clutex": entry_yaml(contacts=contact_yaml(email="jiří@x.test"))})
    assert problems == [
        f"{E}:10:12: warning: contacts[0].email: 'jiří@x.test': many mail servers refuse "
        "accents before the @; ask for an address without them"
    ]


# --- imprint: and print: (docs/format.md#imprint, #print) ----------------------------------
IMPRINT = """
  periodical: true
  periodicity: {cs: ročně, en: yearly}
  place: {cs: Praha, en: Prague}
  publisher_seat: "Příkladová 12, 110 00 Praha 1"
  ico: "25596641"
  registration: MK ČR E 12345
  issn: 0378-5955
  printer: Tiskárna Příklad, s. r. o.
  print_run: 700
  not_for_sale: true"""


def test_a_full_imprint_is_read_with_its_codes_normalised(check):
    issue, problems = check(issue=issue_yaml(number="12", imprint=IMPRINT))
    assert problems == []
    imprint = issue.imprint
    assert (imprint.ico, imprint.registration, imprint.issn) == ("25596641", "E 12345", "0378-5955")
    assert imprint.place.get("en") == "Prague" and imprint.print_run == 700
    assert imprint.periodical and imprint.not_for_sale
    assert issue.print_run("cs") == 700


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("ico", '"2559664"', "'2559664' is not an IČO: it has 8 digits"),
        ("ico", '"25596642"', "'25596642' is not a valid IČO (its check digit, the last, does"),
        ("ico", "25596642", "'25596642' is not a valid IČO"),  # a bare number, as YAML reads it
        ("issn", "0378-5956", "'0378-5956' is not a valid ISSN (its check digit, the last, does"),
        ("issn", "378-5955", "'378-5955' is not an ISSN; write it as 1234-5679"),
        ("registration", "12345", "'12345' is not a registration number of the Ministry of"),
        ("print_run", "-5", "-5 is out of range; it must be at least 1"),
    ],
)
def test_imprint_errors_say_where_and_what_to_write(check, field, value, expected):
    issue, problems = check(issue=issue_yaml(imprint=f"\n  {field}: {value}"))
    assert issue is None
    (problem,) = problems
    assert problem.startswith(f"issue.yaml:8:{5 + len(field)}: error: imprint.{field}: {expected}")


def test_an_unknown_imprint_field_is_an_error_at_its_name(check):
    _, problems = check(issue=issue_yaml(imprint="\n  prnter: Tiskárna Příklad"))
    assert problems == [
        "issue.yaml:8:3: error: imprint.prnter: unknown field; did you mean 'printer'?"
    ]


def test_an_issn_with_the_check_digit_x_is_valid(check):
    issue, problems = check(issue=issue_yaml(imprint="\n  issn: 2434-561x"))
    assert problems == [] and issue.imprint.issn == "2434-561X"


def test_a_periodical_without_its_legal_imprint_gets_a_warning_per_missing_field(check):
    issue, problems = check(issue=issue_yaml(imprint="\n  periodical: true\n  place: Praha"))
    assert issue is not None
    law = "(zákon 46/2000 Sb., § 8)"
    assert problems == [
        f"issue.yaml:8:3: warning: imprint.ico: missing; a periodical must print the publisher's "
        f'IČO {law}: add e.g. ico: "12345678", or set periodical: false if it is not one',
        f"issue.yaml:8:3: warning: imprint.periodicity: missing; a periodical must print its "
        f"periodicity {law}: add e.g. periodicity: {{cs: čtvrtletník, en: quarterly}}, or set "
        "periodical: false if it is not one",
        f"issue.yaml:8:3: warning: imprint.publisher_seat: missing; a periodical must print the "
        f'publisher\'s seat {law}: add e.g. publisher_seat: "Ulice 1, 110 00 Praha 1", or set '
        "periodical: false if it is not one",
        f"issue.yaml:8:3: warning: imprint.registration: missing; a periodical must print the "
        f"registration number of the Ministry of Culture {law}: add e.g. registration: E 12345, "
        "or set periodical: false if it is not one",
        "issue.yaml:8:15: warning: number: missing; a periodical must print the number of the "
        "issue: add number: …",
    ]


def test_an_imprint_that_is_not_a_periodicals_has_no_legal_warnings(check):
    issue, problems = check(issue=issue_yaml(imprint="\n  printer: Tiskárna Příklad"))
    assert problems == [] and not issue.imprint.periodical


PRINT = """
  quantity: {cs: 400, en: 300}
  paper:
    cover: {weight: 250, finish: gloss}
    text: {weight: 115, finish: matt}
  binding: saddle-stitch
  finishing: scoring of the cover
  proof: contract
  deliver_to: "Příkladová 12, 110 00 Praha 1"
  deadline: 2022-09-20
  contact: {name: Petra Vzorová, phone: "+420 222 555 140", email: petra@nca.example}"""


def test_a_full_print_section_is_read(check):
    issue, problems = check(issue=issue_yaml(print=PRINT))
    assert problems == []
    order = issue.print_order
    assert order.quantity == (("cs", 400), ("en", 300))
    assert (order.cover_paper.weight, order.cover_paper.finish) == (250, "gloss")
    assert (order.text_paper.weight, order.text_paper.finish) == (115, "matt")
    assert (order.binding, order.proof, order.deadline) == (
        "saddle-stitch",
        "contract",
        dt.date(2022, 9, 20),
    )
    assert order.contact.phone == "+420222555140"
    assert issue.print_run("en") == 300  # the imprint's print run: the edition's quantity


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\n  deadline: 2022-09-31", "issue.yaml:8:13: error: print.deadline: '2022-09-31' is "
         "not a date; write it as YYYY-MM-DD"),
        ("\n  quantity: {cs: -400, en: 300}", "issue.yaml:8:18: error: print.quantity.cs: -400 "
         "is out of range; it must be at least 1"),
        ("\n  quantity: {cs: 400, de: 300}", "issue.yaml:8:23: error: print.quantity.de: not an "
         "edition of this issue (languages: cs, en)"),
        ("\n  quantity: 400", "issue.yaml:8:13: error: print.quantity: give the copies of each "
         "edition, e.g. {cs: 300, en: 300}"),
        ("\n  papper: {}", "issue.yaml:8:3: error: print.papper: unknown field; did you mean "
         "'paper'?"),
        ("\n  paper: {text: {weight: 2000, finish: matt}}", "issue.yaml:8:26: error: "
         "print.paper.text.weight: 2000 is out of range; it must be between 40 and 450"),
        ("\n  paper: {cover: {weight: 250, finish: gloss}}", "issue.yaml:8:10: error: "
         "print.paper.text: missing required field"),
        ("\n  proof: yes", "issue.yaml:8:10: error: print.proof: expected text, got a true/false "
         'value; YAML reads yes as a true/false value: put it in quotes: "yes"'),
        ("\n  contact: {phone: '+420 222 555 140'}", "issue.yaml:8:12: error: "
         "print.contact.name: missing required field"),
    ],
)  # fmt: skip
def test_print_errors_are_reported_at_their_line(check, value, expected):
    issue, problems = check(issue=issue_yaml(print=value))
    assert issue is None
    assert problems == [expected]


def test_one_edition_may_give_its_quantity_as_a_number(check):
    issue, problems = check(issue=issue_yaml(languages="[cs]", print="\n  quantity: 500"))
    assert [p for p in problems if p.startswith("issue.yaml")] == []
    assert issue.print_order.quantity == (("cs", 500),)


def test_a_delivery_after_the_issue_date_is_a_warning(check):
    issue, problems = check(issue=issue_yaml(print="\n  deadline: 2022-09-30"))
    assert issue is not None
    assert problems == [
        "issue.yaml:8:13: warning: print.deadline: 2022-09-30 is after the issue's date "
        "(2022-09-26): the copies would arrive too late; set an earlier deadline"
    ]


# --- a raster logo's resolution in the layout's logo box ------------------------------------
def png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(data, "PNG")
    return data.getvalue()


def logo_warnings(build, logo: bytes, layout: str = "a5-booklet", name="logos/x.png"):
    from builders import rendered as shown

    from klastroviny.bulletin.checks import check_logo_resolution
    from klastroviny.render.layouts import load_layout

    root = build(entries={"clutex": entry_yaml(logo=name)}, files={name: logo})
    issue, report = load_issue(root)
    assert report.problems == []
    return shown(check_logo_resolution(issue, load_layout(layout)), root)


def test_a_small_png_logo_is_reported_with_its_printed_size_and_the_pixels_needed(build):
    assert logo_warnings(build, png(120, 60)) == [
        f"{E}:12:1: warning: logo: logos/x.png is 120 × 60 px, printed 32 × 16 mm in layout "
        "a5-booklet: 95 ppi, under 250 (preflight refuses the print master); ask the cluster "
        "for an SVG, or for the logo at 378 × 189 px or more (300 ppi)"
    ]


def test_the_logo_box_comes_from_the_layout(build):
    # 600 × 100 px: 60 mm wide (the box's width decides) in a5-booklet, 254 ppi: fine; in a4
    # the box is 90 × 24 mm: 90 × 15 mm, 169 ppi.
    assert logo_warnings(build, png(600, 100)) == []
    (warning,) = logo_warnings(build, png(600, 100), layout="a4")
    assert "is 600 × 100 px, printed 90 × 15 mm in layout a4: 169 ppi, under 250 (it prints " in (
        warning
    )
    assert "visibly soft); ask the cluster for an SVG, or for the logo at 1063 × 178 px" in warning


def test_an_svg_logo_and_a_big_png_pass(build):
    assert logo_warnings(build, SVG, name="logos/x.svg") == []
    assert logo_warnings(build, png(1200, 320)) == []


def test_build_reports_a_small_logo_before_it_typesets(tmp_path):
    from builders import make_issue

    from klastroviny.build import build_issue
    from klastroviny.errors import KlastrovinyError
    from klastroviny.options import BuildOptions

    root = make_issue(
        tmp_path,
        entries={"clutex": entry_yaml(logo="logos/x.png")},
        files={"logos/x.png": png(120, 60)},
    )
    options = BuildOptions(strict=True, out_dir=tmp_path / "out", jobs=1, no_cache=True)
    with pytest.raises(KlastrovinyError) as raised:  # strict: the warning stops it at once
        build_issue(root, options)
    assert [p.field for p in raised.value.report.warnings] == ["logo"]
    assert not (tmp_path / "out").exists()


def test_check_reports_a_small_logo_and_strict_fails(tmp_path):
    from builders import invoke, make_issue

    root = make_issue(
        tmp_path,
        entries={"clutex": entry_yaml(logo="logos/x.png")},
        files={"logos/x.png": png(120, 60)},
    )
    result = invoke("check", root, "--strict")
    assert result.exit_code == 1
    assert "clutex.yaml:12:1: warning: logo: logos/x.png is 120 × 60 px" in result.output
