"""`gatekeeper commercial simulate`: every output format, the exit codes, and byte-stable output."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main
from gatekeeper.commercial.load import load_model
from gatekeeper.commercial.simulate import simulate
from gatekeeper.reporters import RenderOptions
from gatekeeper.reporters.commercial import COMMERCIAL, FORMATS

MODELS = Path(__file__).parent / "models"
SMALL = str(MODELS / "small.yml")

EXPECTED_TEXT = """\
Target cost GBP 1,000,000.00; baseline GBP 1,020,000.00; KPI modifier assumed 100 %.
Performance is a per cent of target cost: negative is an overrun (painshare), positive a saving (gainshare).
Each party's amount is what it receives (+) or bears (-), with its share of the overrun or saving;
* marks a cap applied. The client keeps or bears the residual, including any overrun above a partner's cap.

performance  outturn       client (residual)      builder (partner)
      -15 %  1,150,000.00  -105,000.00   70.00 %  -45,000.00*  30.00 %
        5 %    950,000.00    30,000.00   60.00 %   20,000.00   40.00 %
       25 %    750,000.00   180,000.00   72.00 %   70,000.00   28.00 %

Returns (partner: fee + gainshare - painshare; client: saving against the baseline):
  Eastshire Council: positive from an overrun of 3.33 %, at every better outturn
  Gamma Build Ltd: positive at every outturn from an overrun of 100 % to a saving of 100 %

Caps:
  Gamma Build Ltd: painshare cap GBP 45,000.00, reached at an overrun of 12.5 %
  Gamma Build Ltd: gainshare cap GBP 75,000.00, reached at a saving of 27.5 %
"""


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["commercial", "simulate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_report() -> None:
    """The text report shows the hand-computed scenarios, thresholds and caps, exactly."""
    code, out, err = _run(SMALL, "--from", "-15", "--to", "25", "--step", "20")
    assert (code, err) == (0, "")
    assert out == EXPECTED_TEXT


def test_json_report() -> None:
    """The JSON report carries every party's amount, share, cap flag and return per scenario."""
    code, out, _ = _run(SMALL, "--from", "-15", "--to", "-15", "--step", "1", "--format", "json")
    assert code == 2  # a range must run upwards
    code, out, _ = _run(SMALL, "--from", "-15", "--to", "25", "--step", "40", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["range"] == {"from": -15.0, "to": 25.0, "step": 40.0}
    assert [s["performance"] for s in data["scenarios"]] == [-15.0, 25.0]
    assert data["scenarios"][0]["client_residual"] == -105000.0
    assert data["scenarios"][0]["parties"][1] == {
        "party": "builder",
        "amount": -45000.0,
        "share": 30.0,
        "uncapped": -50000.0,
        "cap_applied": True,
        "fee_paid": 5000.0,
        "return": 5000.0,
    }
    assert data["thresholds"][0] == {
        "party": "client",
        "positive": [{"from": -3.33, "to": 100.0}],
        "starts": [-3.33],
        "stops": [],
    }
    assert data["caps"] == [
        {"party": "builder", "kind": "painshare", "amount": 45000.0, "reached_at": -12.5},
        {"party": "builder", "kind": "gainshare", "amount": 75000.0, "reached_at": 27.5},
    ]


def test_csv_report() -> None:
    """The CSV has one row per scenario and party, and each scenario's amounts add up to its variance."""
    code, out, _ = _run(SMALL, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 25 * 2
    assert rows[0] == {
        "performance": "-60",
        "outturn": "1600000.00",
        "party": "client",
        "role": "client",
        "amount": "-555000.00",
        "share_percent": "92.50",
        "uncapped": "-460000.00",
        "cap_applied": "false",
        "fee_paid": "0.00",
        "return": "-535000.00",
    }
    for first, second in zip(rows[::2], rows[1::2], strict=False):
        variance = 1_000_000 - float(first["outturn"])
        assert float(first["amount"]) + float(second["amount"]) == pytest.approx(variance, abs=0.01)


def test_svg_chart() -> None:
    """The chart is well-formed SVG with a line per party, the caps marked in words, and both axes named."""
    code, out, _ = _run(SMALL, "--format", "svg")
    assert code == 0
    root = ET.fromstring(out)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    texts = ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
    assert {
        "pain cap (builder)",
        "gain cap (builder)",
        "Painshare",
        "Gainshare",
        "← Cost overrun",
        "Cost saving →",
    } <= set(texts)
    assert len(list(root.iter(f"{ns}polyline"))) == 2  # the client's residual and the builder's share
    # A ring where each cap bites (-12.5 % and 27.5 %), on the cap's level, and one in the legend.
    assert len(list(root.iter(f"{ns}circle"))) == 3


def test_html_page_escapes_names(tmp_path: Path) -> None:
    """The HTML page embeds the chart and escapes party names in the page and in the SVG."""
    text = (MODELS / "small.yml").read_text(encoding="utf-8").replace("Gamma Build Ltd", "Smith & <Sons>")
    model_file = tmp_path / "commercial.yml"
    model_file.write_text(text, encoding="utf-8")
    code, out, _ = _run(str(tmp_path), "--format", "html")
    assert code == 0
    assert out.startswith("<!DOCTYPE html>")
    assert out.count("<svg ") == 1
    assert "<Sons>" not in out
    # Page: table header, returns, two cap lines; chart: legend, line title, two cap titles, two
    # ring titles, and the description (the partners, two caps).
    assert out.count("Smith &amp; &lt;Sons&gt;") == 13


def test_pack_folder_is_read(tmp_path: Path) -> None:
    """PACK may be an evidence pack folder; its commercial.yml is simulated."""
    shutil.copy(MODELS / "small.yml", tmp_path / "commercial.yml")
    code, out, _ = _run(str(tmp_path), "--from", "-15", "--to", "25", "--step", "20")
    assert (code, out) == (0, EXPECTED_TEXT)


def test_pack_without_model(tmp_path: Path) -> None:
    """A pack with no commercial.yml is invalid input: exit 3 and a message naming the file."""
    code, out, err = _run(str(tmp_path))
    assert (code, out) == (3, "")
    assert (
        err
        == f"{tmp_path}/commercial.yml: the pack has no commercial.yml: describe the commercial model there to simulate it\n"
    )


def test_invalid_model_exit_3() -> None:
    """A malformed model exits 3 with one located line per problem."""
    path = MODELS / "invalid" / "shares_not_100.yml"
    code, out, err = _run(str(path))
    assert (code, out) == (3, "")
    assert err == f"{path}:21:13: the shares add up to 95 %, not 100 % (at $.bands[1].shares)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--step", "0"], "Error: the step must be above 0\n"),
        (["--to", "120"], "Error: a saving cannot exceed 100 % of target (the outturn would be below nothing)\n"),
        (["--kpi-modifier", "-5"], "Error: the KPI modifier cannot be negative\n"),
        (["--from", "nan"], "Error: nan is not a finite number\n"),
    ],
)
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    """An impossible range or modifier is a usage error: exit 2 and a one-line reason."""
    code, out, err = _run(SMALL, *args)
    assert (code, out, err) == (2, "", message)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_is_byte_stable(fmt: str) -> None:
    """Rendering the same model twice, from separate loads, gives the same bytes in every format."""
    first = COMMERCIAL.render(simulate(load_model(MODELS / "good.yml")), fmt, options=RenderOptions())
    second = COMMERCIAL.render(simulate(load_model(MODELS / "good.yml")), fmt, options=RenderOptions())
    assert first == second
    assert first.endswith("\n")


def test_unknown_format_is_refused() -> None:
    """render() names the formats it knows when asked for another."""
    with pytest.raises(ValueError) as caught:
        COMMERCIAL.render(simulate(load_model(MODELS / "small.yml")), "pdf", options=RenderOptions())
    assert str(caught.value) == "unknown format 'pdf'; choose from text, json, csv, svg, html"
