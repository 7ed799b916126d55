"""The pain/gain chart a sponsor reads: the alliance and target cost named, the client's line, caps in words, every cap placed."""

from __future__ import annotations

import dataclasses
import shutil
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main
from gatekeeper.commercial.chart import plotted_range, svg
from gatekeeper.commercial.load import load_model
from gatekeeper.commercial.model import Cap
from gatekeeper.commercial.simulate import Simulation, simulate

MODELS = Path(__file__).parent / "models"
EXAMPLES = Path(__file__).parents[2] / "examples"
NS = "{http://www.w3.org/2000/svg}"
NAMES = sorted(p.name for p in MODELS.glob("*.yml"))


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def _titles(root: ET.Element, tag: str) -> list[str]:
    return [el.findtext(f"{NS}title") or "" for el in root.iter(f"{NS}{tag}")]


def _chart(simulation: Simulation, alliance: str | None = "Eastshire Alliance") -> ET.Element:
    return ET.fromstring(svg(simulation, alliance=alliance))


def test_title_and_desc_name_the_alliance_and_target_cost() -> None:
    """The accessible title, the visible heading and the description name the alliance and the target cost."""
    root = _chart(simulate(load_model(MODELS / "small.yml")))
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.findtext(f"{NS}title") == "Eastshire Alliance: pain/gain sharing, target cost GBP 1,000,000.00"
    texts = _texts(root)
    assert texts[:2] == [
        "Eastshire Alliance",
        "Pain/gain sharing, target cost GBP 1,000,000.00, KPI modifier 100 %",
    ]
    desc = root.findtext(f"{NS}desc") or ""
    assert "the client Eastshire Council and the partners Gamma Build Ltd" in desc
    assert "pain cap of Gamma Build Ltd GBP 45,000.00, bites at 12.5 % overrun" in desc


def test_an_unnamed_alliance_is_said_to_be_unnamed() -> None:
    """Without a name the title says so rather than leaving a gap."""
    root = _chart(simulate(load_model(MODELS / "small.yml")), None)
    assert root.findtext(f"{NS}title") == "Alliance not named: pain/gain sharing, target cost GBP 1,000,000.00"


def test_the_client_has_its_own_series_and_legend_row() -> None:
    """The client's residual is drawn as a styled line of its own, named in the legend."""
    simulation = simulate(load_model(MODELS / "small.yml"))
    root = _chart(simulation)
    lines = {el.findtext(f"{NS}title"): el for el in root.iter(f"{NS}polyline")}
    assert set(lines) == {"Eastshire Council (client)", "Gamma Build Ltd"}
    client = lines["Eastshire Council (client)"]
    assert client.get("stroke-dasharray") and client.get("stroke-dasharray") != lines["Gamma Build Ltd"].get(
        "stroke-dasharray"
    )
    assert "Eastshire Council (client, client)" in _texts(root)
    assert len(client.get("points", "").split()) == len(lines["Gamma Build Ltd"].get("points", "").split())


def test_a_client_that_dwarfs_the_partners_is_noted() -> None:
    """When the client's amounts are four or more times any partner's, a note gives the ratio on the one scale."""
    texts = _texts(_chart(simulate(load_model(EXAMPLES / "fenland-water"))))
    assert "One scale for all: the client's amounts reach GBP 67,900,000.00, 5.3 times any partner's." in texts
    # Where every party bears a like share the client's line does not dwarf the partners': no note.
    flat = _texts(_chart(simulate(load_model(MODELS / "flat_unbounded.yml"))))
    assert not any(t.startswith("One scale for all") for t in flat)


def test_caps_are_labelled_in_words() -> None:
    """Each cap's label says "pain cap" or "gain cap", never a bare "Cap"."""
    texts = _texts(_chart(simulate(load_model(MODELS / "small.yml"))))
    assert {"pain cap (builder)", "gain cap (builder)"} <= set(texts)
    assert "Cap (builder)" not in texts


@pytest.mark.parametrize("name", NAMES)
def test_every_cap_is_plotted_where_it_bites_or_named_in_a_note(name: str) -> None:
    """Each cap's reach point is inside the plotted range with a ring there, or a note names where it bites."""
    simulation = simulate(load_model(MODELS / name))
    root = _chart(simulation)
    low, high = plotted_range(simulation)
    rings = _titles(root, "circle")
    texts = _texts(root)
    names = {p.id: p.name for p in simulation.model.parties}
    for cap in simulation.caps:
        words = "pain cap" if cap.kind == "painshare" else "gain cap"
        if cap.reached_at is not None and low <= cap.reached_at <= high:
            assert any(t.startswith(f"{words}, {names[cap.party]}: bites at") for t in rings), (name, cap)
        else:
            assert any(t.startswith(f"{words.capitalize()} of {names[cap.party]} ") for t in texts), (name, cap)


def test_the_range_is_widened_to_where_the_pain_caps_bite() -> None:
    """Fenland simulates to a 25 % overrun, short of its pain caps: the chart widens to them and shades the extra."""
    simulation = simulate(load_model(EXAMPLES / "fenland-water"))
    assert simulation.start == -25
    low, high = plotted_range(simulation)
    reach = [c.reached_at for c in simulation.caps if c.kind == "painshare" and c.reached_at is not None]
    assert reach and low == min(reach) < -25 and high == 40
    root = _chart(simulation)
    assert "Beyond the simulated range" in _titles(root, "rect")
    assert any(t.startswith("Simulated from 25 % overrun to 40 % saving; the shaded stretch") for t in _texts(root))


def test_a_cap_beyond_a_full_overrun_is_named_in_a_note() -> None:
    """A pain cap that bites beyond a 100 % overrun is not stretched to; a note names where it bites."""
    model = load_model(MODELS / "small.yml")
    builder = model.partners[0]
    far = dataclasses.replace(builder, painshare_cap=Cap(amount=Fraction(900_000)))
    model = dataclasses.replace(model, parties=(model.parties[0], far))
    simulation = simulate(model)
    assert plotted_range(simulation) == (Fraction(-60), Fraction(60))
    texts = _texts(_chart(simulation))
    assert "Pain cap of Gamma Build Ltd bites at 440 % overrun, beyond the plotted range." in texts


def test_same_input_same_bytes() -> None:
    """Two renders of the same model, from separate loads, are the same bytes."""
    first = svg(simulate(load_model(MODELS / "good.yml")), alliance="A & B")
    second = svg(simulate(load_model(MODELS / "good.yml")), alliance="A & B")
    assert first == second and "A &amp; B" in first


def test_the_command_names_the_alliance_from_the_manifest(tmp_path: Path) -> None:
    """`commercial simulate PACK --format svg` titles the chart with the manifest's alliance name."""
    code = CliRunner().invoke(main, ["commercial", "simulate", str(EXAMPLES / "fenland-water"), "--format", "svg"])
    assert code.exit_code == 0
    title = ET.fromstring(code.output).findtext(f"{NS}title")
    assert title == "Fenland Water Alliance: pain/gain sharing, target cost GBP 212,000,000.00"
    shutil.copy(MODELS / "small.yml", tmp_path / "commercial.yml")
    (tmp_path / "manifest.yml").write_text("alliance: [unclosed\n", encoding="utf-8")
    bare = CliRunner().invoke(main, ["commercial", "simulate", str(tmp_path), "--format", "svg"])
    assert bare.exit_code == 0
    assert ET.fromstring(bare.output).findtext(f"{NS}title", "").startswith("Alliance not named: ")
