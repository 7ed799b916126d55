"""Portfolio review as one self-contained HTML page (no external files), autoescaped Jinja2."""

from __future__ import annotations

import jinja2

from gatekeeper.portfolio import HORIZONS, PortfolioResult
from gatekeeper.reporters._common.text import flat
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.portfolio._columns import change_words, ids, profile_lines, turned
from gatekeeper.result import Maturity

TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Portfolio review as of {{ r.as_of }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fff; }
main { padding: 2rem; max-width: 1400px; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.n { text-align: right; }
.pass { color: #0a6b2d; font-weight: bold; }
.fail { color: #b00020; font-weight: bold; }
.error { color: #7a4200; font-weight: bold; }
.changes { background: #fff8e6; border-left: 4px solid #7a4200; padding: 0.5rem 1rem 0.5rem 2rem; }
details summary { cursor: pointer; }
@media (max-width: 700px) { main { padding: 1rem; } }
@media print { @page { size: A4 landscape; } main { padding: 0; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<main>
<header>
<h1>Portfolio review as of {{ r.as_of }}</h1>
<p>{{ r.rows|length }} alliance(s) at {{ ("gate " ~ r.gate) if r.gate else "each alliance's next gate" }}:
<span class="pass">{{ r.count("pass") }} pass</span>, <span class="fail">{{ r.count("fail") }} fail</span>,
<span class="error">{{ r.count("error") }} could not be evaluated</span>.
Rule pack {{ r.rule_pack_name }} {{ r.rule_pack_version }}{% if r.profile_name %}, profile {{ r.profile_name }}{% endif %}.</p>
{% if profile %}
<ul class="changes" id="profile-changes">
{% for change in profile %}<li>{{ change }}</li>
{% endfor %}{% for t in turned %}<li>Decision changed by the profile: {{ t }}</li>
{% endfor %}</ul>
{% endif %}
</header>
{% if r.since is not none %}
<section id="since" aria-labelledby="since-title">
<h2 id="since-title">Changes since {{ r.since.as_of }}</h2>
<ul>
{% for c in r.since.changes %}<li><b>{{ c.key }}</b>: {{ change_words(c)|join("; ") }}</li>
{% else %}<li>none</li>
{% endfor %}<li>{{ r.since.unchanged }} alliance(s) unchanged</li>
</ul>
</section>
{% endif %}
<section id="alliances" aria-labelledby="alliances-title">
<h2 id="alliances-title">Alliances</h2>
<div class="scroll">
<table>
<thead><tr><th scope="col">Alliance</th><th scope="col">Name</th><th scope="col">Phase</th><th scope="col">Gate</th><th scope="col">Decision</th><th scope="col">Blocking outcomes</th>
<th scope="col">Conditions open</th><th scope="col">Conditions overdue</th>{% for d in horizons %}<th scope="col">Expiring {{ d }}d</th>{% endfor %}<th scope="col">Self-assessed critical</th><th scope="col">Maturity</th></tr></thead>
<tbody>
{% for row in r.rows %}<tr>
<td>{% if links.get(row.key) %}<a href="{{ links[row.key] }}">{{ row.label }}</a>{% else %}{{ row.label }}{% endif %}</td><td>{{ row.alliance_name or "" }}</td><td>{{ row.phase or "" }}</td><td>{{ row.gate or "" }}</td>
<td class="{{ row.decision }}">{{ row.decision }}{% if row.profile_changed_decision %} (the rule pack alone: {{ row.decision_without_profile }}){% endif %}</td>
<td>{% if row.problems %}{% for p in row.problems %}<div>{{ p }}</div>{% endfor %}{% elif row.blocking %}<details><summary>{{ row.blocking|length }}: {{ ids(row.blocking|map(attribute="outcome")|list, limit=3) }}</summary><ul>
{% for b in row.blocking %}<li><b>{{ b.outcome }}</b>{% if b.critical %} (critical){% endif %}: {{ b.status }} &ndash; {{ b.reason }}</li>
{% endfor %}</ul></details>{% endif %}</td>
<td class="n">{{ row.conditions_open }}</td><td class="n">{{ row.conditions_overdue }}</td>
{% for d in horizons %}<td class="n">{{ row.expiring_within(d) }}</td>{% endfor %}
<td>{{ ids(row.self_assessed_critical) }}</td>
<td class="n">{% if row.maturity is not none and row.maturity.score is not none %}<span title="{% for t in row.theme_maturity %}{{ t.theme }} {{ percent(t.maturity) }}{{ "; " if not loop.last }}{% endfor %}">{{ percent(row.maturity) }}</span>{% endif %}</td>
</tr>
{% endfor %}</tbody>
</table>
</div>
</section>
</main>
</body>
</html>
"""


def _percent(maturity: Maturity) -> str:
    return "n/a" if maturity.score is None else f"{round(maturity.score * 100)} %"


def _shown(value: object) -> object:
    # Every value printed on the page: text on one line with its control characters visible.
    return flat(value) if isinstance(value, str) else value


_ENV = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True, finalize=_shown
)


def render(result: PortfolioResult, options: RenderOptions) -> str:
    template = _ENV.from_string(TEMPLATE)
    return template.render(
        r=result,
        horizons=HORIZONS,
        ids=ids,
        percent=_percent,
        change_words=change_words,
        profile=profile_lines(result),
        turned=turned(result),
        links=dict(result.reports),
    )
