"""The portfolio review: discovery, rows, unreadable packs, exit codes, --since, every output format."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from gatekeeper import portfolio as pf
from gatekeeper.cli.main import main
from gatekeeper.problems import InputError
from gatekeeper.reporters import RenderOptions
from gatekeeper.reporters.portfolio import json as portfolio_json
from gatekeeper.reporters.portfolio import xlsx as portfolio_xlsx
from gatekeeper.resources import data_dir
from tests.portfolio.conftest import AS_OF, MakePack, break_yaml, first_critical

ARGS = ["--as-of", AS_OF.isoformat()]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["portfolio", *args, *ARGS], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_discovery_finds_nested_packs_sorted_and_skips_documents_and_hidden(
    tmp_path: Path, make_pack: MakePack
) -> None:
    """A pack is a folder with manifest.yml; nested folders are searched, a pack's own subfolders and hidden folders are not."""
    make_pack(tmp_path / "b", "zeta")
    make_pack(tmp_path / "a" / "deep", "alpha")
    (tmp_path / "b" / "zeta" / "documents" / "manifest.yml").write_text("not a pack\n")
    make_pack(tmp_path / ".trash", "hidden")
    found = pf.discover([tmp_path, tmp_path / "b"])  # overlapping folders: each pack once
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/deep/alpha", "b/zeta"]


def test_missing_folder_is_input_error(tmp_path: Path) -> None:
    """A folder that does not exist is reported, not skipped."""
    with pytest.raises(InputError, match="not a folder"):
        pf.discover([tmp_path / "nope"])


def test_no_pack_found_exits_3(tmp_path: Path) -> None:
    """An empty folder is not a passing portfolio: exit 3 with the reason."""
    code, out, err = cli(str(tmp_path))
    assert (code, out) == (3, "")
    assert "no evidence pack found" in err


def test_all_pass_exits_0_with_one_row_per_alliance(passing: Path) -> None:
    """Five passing alliances: exit 0, five rows in folder order, stdout only the table, a summary on stderr."""
    code, out, err = cli(str(passing))
    assert code == 0
    rows = [line.split()[0] for line in out.splitlines() if line.startswith("alliance-")]
    assert rows == ["alliance-1", "alliance-3", "alliance-0", "alliance-2", "alliance-4"]  # north/ before south/
    assert "5 pass, 0 fail, 0 could not be evaluated" in out
    assert "portfolio: 5 alliance(s)" in err and "portfolio:" not in out


def test_one_failing_alliance_exits_1_and_names_its_blocker(passing: Path, make_pack: MakePack, rules: object) -> None:
    """A pack missing a critical claim fails its gate; the others still pass; exit 1."""
    blocker = first_critical(rules)  # type: ignore[arg-type]
    make_pack(passing / "south", "alliance-9", drop=blocker)
    result = pf.review([passing], as_of=AS_OF, jobs=1)
    row = next(r for r in result.rows if r.alliance_id == "alliance-9")
    assert (row.decision, [b.outcome for b in row.blocking]) == ("fail", [blocker])
    assert row.blocking[0].critical and row.blocking[0].status == "unevidenced"
    assert [r.decision for r in result.rows].count("pass") == 5
    assert cli(str(passing))[0] == 1


def test_unreadable_pack_is_reported_in_its_row_and_exits_3(passing: Path, make_pack: MakePack, rules: object) -> None:
    """Broken YAML in one pack: its row says why (file:line:col), every other pack is still evaluated, exit 3 beats 1."""
    break_yaml(passing / "north" / "alliance-1")
    make_pack(passing / "south", "alliance-9", drop=first_critical(rules))  # type: ignore[arg-type]
    result = pf.review([passing], as_of=AS_OF, jobs=1)
    assert [r.decision for r in result.rows] == ["error", "pass", "pass", "pass", "pass", "fail"]
    broken = result.rows[0]
    assert broken.alliance_id == "alliance-1"  # still named from its readable manifest
    assert broken.problem_count == 1 and broken.problems[0].startswith(
        f"{passing.as_posix()}/north/alliance-1/claims.yml:2:"
    )
    assert "invalid YAML" in broken.problems[0]
    assert result.exit_code == 3
    code, out, _ = cli(str(passing))
    assert code == 3
    assert "Could not be evaluated:\n  alliance-1\n    " in out


def test_summary_counts_conditions_expiry_and_self_assessment(tmp_path: Path) -> None:
    """Row counts come from the GateResult: conditions by state, evidence expiring within 30/60/90 days."""
    from gatekeeper import api
    from gatekeeper.synthetic import synthesize, write_pack

    pack = synthesize(
        api.rules(), alliance_id="busy", phase="delivering", as_of=AS_OF, seed=1, quality=1.0, near_expiry=0.5
    )
    files = dict(pack.files)
    outcome = next(o.id for o in api.rules().in_phases(("creating",)) if not o.critical)
    files["conditions.yml"] = {
        "schema_version": 1,
        "gate": "delivering",
        "decided": "2025-01-01",
        "conditions": [
            {"outcome": outcome, "owner": "Alex Morgan", "due": "2025-05-01"},
        ],
    }
    folder = write_pack(type(pack)(pack.alliance_id, files, pack.documents, pack.defects), tmp_path / "busy")
    row = pf.review([tmp_path], as_of=AS_OF, jobs=1).rows[0]
    assert [(c.outcome, c.state) for c in row.conditions] == [(outcome, "closed")]  # met now, so closed
    assert (row.conditions_open, row.conditions_overdue) == (0, 0)
    assert row.expiring and all(0 <= e.days_left <= 90 for e in row.expiring)
    assert [row.expiring_within(d) for d in (30, 60, 90)] == [
        sum(1 for e in row.expiring if e.days_left <= d) for d in (30, 60, 90)
    ]
    assert row.expiring_within(90) == len(row.expiring)
    first = row.expiring[0]
    assert (first.expires - first.dated).days in (180, 365)
    assert folder.is_dir()


def _json(passing: Path, *extra: str) -> dict:
    code, out, _ = cli(str(passing), "--format", "json", *extra)
    assert code in (0, 1, 3)
    return json.loads(out)


def test_json_validates_against_the_documented_schema(passing: Path) -> None:
    """The JSON output, including an error row, conforms to evidence_schema/portfolio.schema.json."""
    break_yaml(passing / "south" / "alliance-0")
    data = _json(passing)
    schema = json.loads((data_dir("evidence_schema") / "portfolio.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    assert data["schema_version"] == 1
    assert data["summary"] == {"alliances": 5, "pass": 4, "fail": 0, "error": 1, "exit_code": 3}
    assert [a["decision"] for a in data["alliances"]] == ["pass", "pass", "error", "pass", "pass"]


def test_since_reports_a_flipped_decision_and_new_blockers(passing: Path, tmp_path: Path, rules: object) -> None:
    """--since: a pack that passed and now fails is reported flipped, with its new blocker; unchanged ones are counted."""
    previous = tmp_path / "previous.json"
    assert cli(str(passing), "--format", f"json:{previous}")[0] == 0
    blocker = first_critical(rules)  # type: ignore[arg-type]
    claims = passing / "north" / "alliance-1" / "claims.yml"
    text = claims.read_text(encoding="utf-8")
    start = text.index(f"- outcome: {blocker}\n")
    end = text.index("- outcome:", start + 1)
    claims.write_text(text[:start] + text[end:], encoding="utf-8")
    shutil.rmtree(passing / "south" / "alliance-4")
    data = _json(passing, "--since", str(previous))
    since = data["since"]
    assert since["file"] == previous.as_posix() and since["unchanged"] == 3
    assert since["changes"] == [
        {
            "alliance": "alliance-1",
            "alliance_name": "Alliance 1 Alliance",
            "kind": "changed",
            "decision_before": "pass",
            "decision_after": "fail",
            "flipped": True,
            "blockers_new": [blocker],
            "blockers_resolved": [],
            "conditions_closed": [],
            "conditions_overdue": [],
        },
        {
            "alliance": "alliance-4",
            "alliance_name": "Alliance 4 Alliance",
            "kind": "gone",
            "decision_before": "pass",
            "decision_after": None,
            "flipped": False,
            "blockers_new": [],
            "blockers_resolved": [],
            "conditions_closed": [],
            "conditions_overdue": [],
        },
    ]
    code, out, _ = cli(str(passing), "--since", str(previous))
    assert code == 1
    assert f"  alliance-1: decision pass -> fail; new blockers: {blocker}" in out


def test_since_rejects_a_file_that_is_not_a_portfolio_result(passing: Path, tmp_path: Path) -> None:
    """A --since file that is not a portfolio result is exit 3 with the file named, before any evaluation."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1}', encoding="utf-8")
    code, out, err = cli(str(passing), "--since", str(bad))
    assert (code, out) == (3, "")
    assert err.startswith(f"{bad.as_posix()}: not a portfolio result")


def test_xlsx_has_filterable_sheets_with_the_rows(
    passing: Path, tmp_path: Path, make_pack: MakePack, rules: object
) -> None:
    """The workbook has Summary, Blocking, Conditions and Expiring sheets, each with a header, an autofilter and the rows."""
    blocker = first_critical(rules)  # type: ignore[arg-type]
    make_pack(passing / "south", "alliance-9", drop=blocker)
    make_pack(passing / "south", "alliance-8", phase="delivering", near_expiry=1.0)
    out = tmp_path / "review.xlsx"
    assert cli(str(passing), "--format", f"xlsx:{out}")[0] == 1
    result = pf.review([passing], as_of=AS_OF, jobs=1)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Blocking", "Conditions", "Expiring"]
    for ws in wb.worksheets[1:]:
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.freeze_panes == "A2"
    summary_sheet = wb["Summary"]
    header = next(i for i, r in enumerate(summary_sheet.iter_rows(values_only=True), start=1) if r[0] == "Pack")
    assert summary_sheet.auto_filter.ref.startswith(f"A{header}:") and summary_sheet.freeze_panes == f"A{header + 1}"
    summary = list(summary_sheet.iter_rows(min_row=header, values_only=True))
    assert summary[0][:7] == ("Pack", "Alliance", "Name", "Phase", "Gate", "Decision", "Blocking")
    assert [r[1] for r in summary[1:]] == [r.alliance_id for r in result.rows]
    assert [r[5] for r in summary[1:]] == [r.decision for r in result.rows]
    blocking = list(wb["Blocking"].iter_rows(values_only=True))
    assert blocking[1:] == [
        (
            "alliance-9",
            "Alliance 9 Alliance",
            "delivering",
            "fail",
            blocker,
            blocker[:7],
            "yes",
            "unevidenced",
            "no claim has been made for this outcome",
        )
    ]
    expiring = list(wb["Expiring"].iter_rows(values_only=True))
    assert len(expiring) - 1 == sum(len(r.expiring) for r in result.rows) > 0
    assert expiring[0] == ("Alliance", "Name", "Item", "Title", "Kind", "Dated", "Expires", "Days left", "Outcomes")
    assert list(wb["Conditions"].iter_rows(values_only=True))[0][:4] == ("Alliance", "Name", "Gate", "Outcome")
    assert wb.properties.created.date() == AS_OF and wb.properties.modified.date() == AS_OF


def test_outputs_are_deterministic(passing: Path) -> None:
    """The same portfolio, reviewed twice, gives byte-identical output in every format."""
    first = pf.review([passing], as_of=AS_OF, jobs=1)
    second = pf.review([passing], as_of=AS_OF, jobs=1)
    assert first == second
    for name in ("text", "json", "csv", "markdown", "html", "xlsx"):
        module = __import__(f"gatekeeper.reporters.portfolio.{name}", fromlist=["render"])
        assert module.render(first, RenderOptions()) == module.render(second, RenderOptions()), name


def test_pool_gives_the_same_rows_as_one_process(tmp_path: Path, make_pack: MakePack, rules: object) -> None:
    """With enough packs for a worker pool, rows are the same, in the same order, as evaluating in one process."""
    root = tmp_path / "many"
    for i in range(pf.POOL_THRESHOLD + 1):
        make_pack(
            root,
            f"alliance-{i:02d}",
            phase=("deciding", "creating", "delivering")[i % 3],
            seed=i,
            drop=first_critical(rules) if i % 4 == 0 else None,
        )  # type: ignore[arg-type]
    break_yaml(root / "alliance-05")
    seen: list[int] = []
    pooled = pf.review([root], as_of=AS_OF, jobs=2, progress=lambda done, total, row: seen.append(done))
    single = pf.review([root], as_of=AS_OF, jobs=1)
    assert pooled == single
    assert seen == list(range(1, pf.POOL_THRESHOLD + 2))
    assert [r.decision for r in pooled.rows].count("error") == 1


def test_csv_markdown_html_show_every_row(passing: Path) -> None:
    """CSV has a header and one line per alliance; Markdown a table row each; HTML is self-contained and escaped."""
    code, out, _ = cli(str(passing), "--format", "csv")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0][:3] == ["Pack", "Alliance", "Name"] and len(table) == 6
    assert [r[5] for r in table[1:]] == ["pass"] * 5
    md = cli(str(passing), "--format", "markdown")[1]
    assert sum(1 for line in md.splitlines() if line.startswith("| alliance-")) == 5
    html = cli(str(passing), "--format", "html")[1]
    assert html.startswith("<!DOCTYPE html>") and "<script src" not in html and "<link" not in html
    assert html.count('<td class="pass">pass</td>') == 5


def test_html_escapes_problem_text(tmp_path: Path, make_pack: MakePack) -> None:
    """A problem message with markup (here from the pack's folder name) is shown as text, not HTML."""
    pack = make_pack(tmp_path, "<b>&x")
    break_yaml(pack)
    html = cli(str(tmp_path), "--format", "html")[1]
    assert "<b>&x" not in html and "&lt;b&gt;&amp;x/claims.yml:2:" in html


def test_only_one_format_to_stdout_and_xlsx_needs_a_file_on_a_terminal(passing: Path) -> None:
    """Two formats to standard output is a usage error (exit 2)."""
    code, out, err = cli(str(passing), "--format", "text", "--format", "json")
    assert (code, out) == (2, "")
    assert "only one format can go to standard output" in err


def test_benchmark_quick_prints_its_table() -> None:
    """`bench/benchmark.py --quick` runs end to end and prints its tables and targets."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(repo / "bench" / "benchmark.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=repo,
    )
    assert done.returncode == 0, done.stderr
    for heading in (
        "start-up",
        "gatekeeper --help",
        "one pack:",
        "ratio",
        "alliances  gatekeeper   baseline",
        "targets",
    ):
        assert heading in done.stdout, heading
    assert any(line.split()[:1] == ["5"] for line in done.stdout.splitlines())


def test_json_round_trip_reads_back_as_previous(passing: Path, tmp_path: Path) -> None:
    """What --format json writes, load_previous reads: the same decisions and blockers per alliance."""
    result = pf.review([passing], as_of=AS_OF, jobs=1)
    path = tmp_path / "r.json"
    path.write_text(portfolio_json.render(result, RenderOptions()), encoding="utf-8")
    previous = pf.load_previous(path)
    assert previous.as_of == AS_OF
    assert {k: s.decision for k, s in previous.alliances.items()} == {r.key: r.decision for r in result.rows}
    assert portfolio_xlsx.SHEETS == ("Summary", "Blocking", "Conditions", "Expiring")


def test_maturity_in_every_portfolio_format(passing: Path, tmp_path: Path) -> None:
    """Each alliance's maturity is a number in JSON, CSV and the workbook (as a percentage) and a percentage in text, Markdown and HTML."""
    result = pf.review([passing], as_of=AS_OF, jobs=1)
    scores = [r.maturity.score for r in result.rows if r.maturity is not None]
    assert len(scores) == 5 and all(s is not None and 0 < s <= 1 for s in scores)
    shown = [f"{round(s * 100)} %" for s in scores if s is not None]
    data = _json(passing)
    assert [a["maturity"]["overall"]["score"] for a in data["alliances"]] == [
        round(s, 4) for s in scores if s is not None
    ]
    assert [t["theme"] for t in data["alliances"][0]["maturity"]["themes"]][:1] == ["behaviour"]
    table = list(csv.reader(io.StringIO(cli(str(passing), "--format", "csv")[1])))
    column = table[0].index("Maturity")
    assert [float(r[column]) for r in table[1:]] == [round(s, 4) for s in scores if s is not None]
    text = cli(str(passing))[1]
    assert "Maturity" in text.splitlines()[3]
    assert [line[-len(s) :] for line, s in zip(text.splitlines()[5:10], shown, strict=True)] == shown
    assert all(line.startswith("alliance-") for line in text.splitlines()[5:10])
    md = cli(str(passing), "--format", "markdown")[1]
    rows = [line.split(" | ") for line in md.splitlines() if line.startswith("| alliance-")]
    assert [r[-2] for r in rows] == shown  # the column before "Rule pack alone"
    html = cli(str(passing), "--format", "html")[1]
    assert '<th scope="col">Maturity</th>' in html and all(f">{s}</span>" in html for s in shown)
    out = tmp_path / "review.xlsx"
    cli(str(passing), "--format", f"xlsx:{out}")
    sheet = openpyxl.load_workbook(out)["Summary"]
    rows = list(sheet.iter_rows())
    header = next(i for i, r in enumerate(rows) if r[0].value == "Pack")
    col = [c.value for c in rows[header]].index("Maturity")
    cells = [r[col] for r in rows[header + 1 :]]
    assert [c.value for c in cells] == [round(s, 4) for s in scores if s is not None]
    assert {c.number_format for c in cells} == {"0%"}
