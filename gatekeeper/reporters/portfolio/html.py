"""Portfolio review as one self-contained HTML page (no external files), autoescaped Jinja2."""

from __future__ import annotations

import jinja2

from gatekeeper.portfolio import HORIZONS, PortfolioResult
from gatekeeper.reporters._common.text import flat
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.portfolio._columns import change_words, ids

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Portfolio review as of {{ r.as_of }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.n { text-align: right; }
.pass { color: #0a6b2d; font-weight: bold; }
.fail { color: #b00020; font-weight: bold; }
.error { color: #8a4b00; font-weight: bold; }
details summary { cursor: pointer; }
</style>
</head>
<body>
<h1>Portfolio review as of {{ r.as_of }}</h1>
<p>{{ r.rows|length }} alliance(s) at {{ ("gate " ~ r.gate) if r.gate else "each alliance's next gate" }}:
<span class="pass">{{ r.count("pass") }} pass</span>, <span class="fail">{{ r.count("fail") }} fail</span>,
<span class="error">{{ r.count("error") }} could not be evaluated</span>.
Rule pack {{ r.rule_pack_name }} {{ r.rule_pack_version }}{% if r.profile_name %}, profile {{ r.profile_name }}{% endif %}.</p>
<table>
<thead><tr><th>Alliance</th><th>Name</th><th>Phase</th><th>Gate</th><th>Decision</th><th>Blocking outcomes</th>
<th>Conditions open</th><th>Conditions overdue</th>{% for d in horizons %}<th>Expiring {{ d }}d</th>{% endfor %}<th>Self-assessed critical</th></tr></thead>
<tbody>
{% for row in r.rows %}<tr>
<td>{{ row.label }}</td><td>{{ row.alliance_name or "" }}</td><td>{{ row.phase or "" }}</td><td>{{ row.gate or "" }}</td>
<td class="{{ row.decision }}">{{ row.decision }}</td>
<td>{% if row.problems %}{% for p in row.problems %}<div>{{ p }}</div>{% endfor %}{% elif row.blocking %}<details><summary>{{ row.blocking|length }}: {{ ids(row.blocking|map(attribute="outcome")|list, limit=3) }}</summary><ul>
{% for b in row.blocking %}<li><b>{{ b.outcome }}</b>{% if b.critical %} (critical){% endif %}: {{ b.status }} &ndash; {{ b.reason }}</li>
{% endfor %}</ul></details>{% endif %}</td>
<td class="n">{{ row.conditions_open }}</td><td class="n">{{ row.conditions_overdue }}</td>
{% for d in horizons %}<td class="n">{{ row.expiring_within(d) }}</td>{% endfor %}
<td>{{ ids(row.self_assessed_critical) }}</td>
</tr>
{% endfor %}</tbody>
</table>
{% if r.since is not none %}
<h2>Changes since {{ r.since.as_of }}</h2>
<ul>
{% for c in r.since.changes %}<li><b>{{ c.key }}</b>: {{ change_words(c)|join("; ") }}</li>
{% else %}<li>none</li>
{% endfor %}<li>{{ r.since.unchanged }} alliance(s) unchanged</li>
</ul>
{% endif %}
</body>
</html>
"""


def _shown(value: object) -> object:
    # Every value printed on the page: text on one line with its control characters visible.
    return flat(value) if isinstance(value, str) else value


_ENV = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True, finalize=_shown
)


def render(result: PortfolioResult, options: RenderOptions) -> str:
    template = _ENV.from_string(TEMPLATE)
    return template.render(r=result, horizons=HORIZONS, ids=ids, change_words=change_words)
