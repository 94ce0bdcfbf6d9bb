"""The ``templates:`` section as `config check` reads it, and the pure expansion (contactsync/templates.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactsync.config import load_settings, parse_settings
from contactsync.connectors.directory import DirectoryPerson
from contactsync.errors import ConfigError
from contactsync.settings import BookTemplate, TemplateFilter
from contactsync.templates import SkipReason, expand, name_safe

TEMPLATE = """\
store: {{url: "sqlite:///{root}/store.db"}}
books:
  - name: office
    accounts:
      - {{name: office-vdir, type: vdir, options: {{path: "{root}/office"}}}}
templates:
  - name: staff
    source: directory
    filter: {{email: "*@example.org", exclude: [boss@example.org]}}
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "ldap://127.0.0.1:1", base_dn: "ou=people,dc=example,dc=org"}}
    book:
      name: "{book}"
      priority: ["{priority}"]
      accounts:
        - name: "{account}"
          type: vdir
          options: {{path: "{path}"}}
        - name: "dav-{{user}}"
          type: carddav
          options: {{url: "https://dav.example.org/{{username}}/", username: "{{upn}}", password_file: pw}}
"""


def write(tmp_path: Path, **parts: str) -> Path:
    values = {"book": "{user}", "account": "vdir-{user}", "path": f"{tmp_path}/vdir/{{user}}", "root": tmp_path}
    values.update(parts)
    values.setdefault("priority", values["account"])
    (tmp_path / "pw").write_text("secret")
    (tmp_path / "pw").chmod(0o600)
    config = tmp_path / "config.yaml"
    config.write_text(TEMPLATE.format(**values))
    return config


def problems(config: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    return [str(p) for p in caught.value.problems]


def test_a_valid_template_is_read_into_a_typed_pattern_book(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path))
    (t,) = settings.templates
    assert isinstance(t, BookTemplate) and t.source == "directory" and t.accounts[0].type == "ldap"
    assert t.filter == TemplateFilter(email="*@example.org", exclude=("boss@example.org",))
    assert t.book.name == "{user}" and [a.name for a in t.book.accounts] == ["vdir-{user}", "dav-{user}"]
    assert t.book.accounts[1].options["url"] == "https://dav.example.org/{username}/"
    # the secret is read once for every book of the template
    assert t.book.accounts[1].secrets["password"].value == "secret"
    assert [b.name for b in settings.books] == ["office"]


@pytest.mark.parametrize(
    ("parts", "path", "message"),
    [
        ({"path": "/x/{mail}"}, "templates[0].book.accounts[0].options.path", "unknown placeholder {mail}"),
        ({"path": "/x/{user!r}"}, "templates[0].book.accounts[0].options.path", "unknown placeholder {user!r}"),
        ({"path": "/x/{user"}, "templates[0].book.accounts[0].options.path", "write a literal brace"),
        ({"book": "staff"}, "templates[0].book.name", "'staff' has no placeholder"),
        ({"account": "vdir-{email}"}, "templates[0].book.accounts[0].name", "expands to names like 'vdir-user@"),
    ],
)
def test_a_bad_placeholder_is_reported_at_its_key_and_line(
    tmp_path: Path, parts: dict[str, str], path: str, message: str
) -> None:
    config = write(tmp_path, **parts)
    lines = config.read_text().splitlines()
    (found,) = [p for p in problems(config) if f"at '{path}'" in p]
    assert message in found
    line = int(found.split(":")[1])
    key = path.rsplit(".", 1)[-1].split("[")[0]
    assert key in lines[line - 1], (found, lines[line - 1])


def test_every_problem_of_a_template_is_reported_at_once(tmp_path: Path) -> None:
    config = write(tmp_path)
    text = config.read_text()
    text = text.replace("source: directory", "source: directroy")
    text = text.replace("password_file: pw", "password_file: 'pw-{user}'")
    text = text.replace(
        '    book:\n      name: "{user}"', '    book:\n      name: "{user}"\n      schedule: "every {id}"'
    )
    config.write_text(text)
    found = problems(config)
    assert any("templates[0].source" in p and "did you mean 'directory'" in p for p in found), found
    assert any("password_file" in p and "a secret is shared by every book" in p for p in found), found
    assert any("templates[0].book.schedule" in p and "placeholders are filled only" in p for p in found), found


def test_a_book_written_with_no_books_section_is_fine_when_templates_give_them(tmp_path: Path) -> None:
    text = write(tmp_path).read_text()
    start, end = text.index("books:"), text.index("templates:")
    settings = parse_settings(text[:start] + text[end:], base_dir=tmp_path)
    assert settings.books == () and len(settings.templates) == 1
    with pytest.raises(ConfigError, match="required key 'books' is missing"):
        parse_settings("log: {}\n")


def person(uid: str, email: str | None = None, username: str | None = None) -> DirectoryPerson:
    return DirectoryPerson(
        f"id-{uid}", f"{uid}@example.org" if email is None else email, uid if username is None else username, uid
    )


def test_expansion_fills_each_person_and_says_why_someone_gets_no_book(tmp_path: Path) -> None:
    (t,) = load_settings(write(tmp_path)).templates
    people = [
        person("ana"),
        person("boss"),  # excluded by the filter
        person("ext", email="ext@other.com"),  # outside the filter's domain
        person("nomail", email=""),
        person("Ana", username="ANA"),  # {user} is 'ana' again: the name is taken, two people never share a book
        person("office", username="office"),  # the file's own book is never taken over
        person("weird", username="wé ird"),
    ]
    result = expand(t, people, taken_books={"office"}, taken_accounts={"office-vdir"})
    books = {e.person.id: e.book for e in result.books}
    assert sorted(books) == ["id-ana", "id-weird"]
    ana = books["id-ana"]
    assert ana.name == "ana" and ana.priority == ("vdir-ana",)
    assert ana.accounts[0].options["path"] == f"{tmp_path}/vdir/ana"
    assert ana.accounts[1].options["url"] == "https://dav.example.org/ana/"
    assert ana.accounts[1].options["username"] == "ana"
    assert books["id-weird"].name == "w-ird"  # non-ASCII and spaces become '-'
    reasons = {s.person.id: s.reason for s in result.skipped}
    assert reasons == {
        "id-boss": SkipReason.FILTERED,
        "id-ext": SkipReason.FILTERED,
        "id-nomail": SkipReason.FILTERED,
        "id-Ana": SkipReason.TAKEN,
        "id-office": SkipReason.TAKEN,
    }


def test_a_person_without_a_value_a_placeholder_needs_gets_no_book(tmp_path: Path) -> None:
    (t,) = load_settings(write(tmp_path)).templates
    t = BookTemplate(t.name, t.source, t.book, TemplateFilter(), t.schedule, t.accounts)
    result = expand(t, [person("nomail", email="", username="")])
    assert result.books == ()
    (skipped,) = result.skipped
    assert skipped.reason is SkipReason.MISSING and "{upn}" in skipped.detail and "nomail" not in skipped.detail


def test_a_directory_id_ending_in_a_line_break_makes_no_book(tmp_path: Path) -> None:
    # a name is checked whole: "ada\n" would make a book and an account whose names break log lines and paths
    (t,) = load_settings(write(tmp_path, book="{id}", account="vdir-{id}")).templates
    t = BookTemplate(t.name, t.source, t.book, TemplateFilter(), t.schedule, t.accounts)
    result = expand(t, [DirectoryPerson("ada\n", "ada@example.org", "ada", "ada"), person("bia")])
    assert [e.book.name for e in result.books] == ["id-bia"]
    (skipped,) = result.skipped
    assert skipped.reason is SkipReason.BAD_NAME and skipped.person.id == "ada\n"


def test_name_safe_keeps_names_valid() -> None:
    assert name_safe("Ana.Souza@Example.org") == "ana.souza-example.org"
    assert name_safe("-x") == "x"


def test_the_readme_config_of_one_book_per_user_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### One book per user across Google and Outlook") :]
    block = section[section.index("```yaml\n") + 8 : section.index("```\n", section.index("```yaml\n") + 8)]
    for name, text in (("graph-secret", "secret"), ("google-service-account.json", "{}")):
        (tmp_path / name).write_text(text)
        (tmp_path / name).chmod(0o600)
    config = tmp_path / "config.yaml"
    config.write_text(f'store: {{url: "sqlite:///{tmp_path}/store.db"}}\n' + block)
    (t,) = load_settings(config).templates
    ana = expand(t, [person("ana", email="ana@example.com")]).books[0].book
    assert [a.name for a in ana.accounts] == ["google-ana", "outlook-ana"]
    assert ana.accounts[0].options["subject"] == "ana@example.com" and ana.accounts[1].options["mailbox"] == "ana"


def test_a_template_accounts_unreadable_secret_names_its_line_in_a_run(tmp_path: Path) -> None:
    # `sync` and the daemon fail the template's CardDAV accounts alone; the problem still names the line of the key
    path = write(tmp_path)
    (tmp_path / "pw").unlink()  # the secret file the template's accounts share is gone
    with pytest.raises(ConfigError):
        load_settings(path)
    (template,) = load_settings(path, defer_unreadable_secrets=True).templates
    dav = next(a for a in template.book.accounts if a.type == "carddav")
    (problem,) = dav.unreadable_secrets
    assert (problem.line, problem.path) == (24, "templates[0].book.accounts[1].options.password_file")
