"""`make label MODEL=org/name` and `make labels`: the efficiency label as a picture.

Each labelled model gets a label card (SVG and PNG) and a README badge (SVG) under
``DATA_DIR/labels/cards/<model id>``; `make labels` also writes ``DATA_DIR/labels/index.html``, a
searchable offline list of every card. Every number comes from the marts (``efficiency_labels``,
``fct_model_emissions``, ``efficiency_label_boundaries``, ``reporting_classification``, and
``model_reporting_ancestors`` for the footprint its base models reported): this module selects
and formats, it never rates nor sums. The layouts are Jinja2 templates in ``templates/``.

The PNG is rasterised by resvg (``resvg-py``: one wheel from PyPI, no system library) with the
DejaVu Sans files matplotlib already ships, and system fonts ignored: the same pixels on every
machine, with no font to install.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2
import resvg_py

from hubcarbon_settings import EXIT_DATA_SAYS_NO, EXIT_USAGE, Paths

# (metric as in the marts, name on the card, unit of its value)
METRICS = (
    ("co2_eq_emissions", "CO₂e", "g"),
    ("size_efficiency", "Size efficiency", "B/g"),
    ("dataset_size_efficiency", "Dataset-size efficiency", "B/g"),
    ("downloads", "Downloads", "count"),
    ("performance_score", "Performance", "score"),
)
LETTERS = "ABCDE"
# The label shown is the marts' efficiency_label; the card says which boundaries that is.
VARIANT = "consistent"
# The consistent variant rates CO₂ on the square root of (reference grams / model grams), as its
# boundaries are (docs/method.md#the-efficiency-label-a-e): said in words on the card.
VARIANT_TEXT = "consistent variant (CO₂ compared on a square-root scale)"
# EU energy-label colours; the ink keeps the written letter readable on each.
COLOURS = {
    "A": {"fill": "#00a651", "ink": "#ffffff"},
    "B": {"fill": "#8dc63f", "ink": "#1f2933"},
    "C": {"fill": "#fff200", "ink": "#1f2933"},
    "D": {"fill": "#f7941d", "ink": "#1f2933"},
    "E": {"fill": "#ed1c24", "ink": "#ffffff"},
}
SUFFIXES = (".badge.svg", ".svg", ".png")  # a card's files; the badge's suffix matched first
_MPL = Path(importlib.util.find_spec("matplotlib").submodule_search_locations[0])
FONT_FILES = [str(_MPL / "mpl-data/fonts/ttf" / f"DejaVuSans{w}.ttf") for w in ("", "-Bold")]

CARDS_SQL = """
select
    labels.*,
    emissions.co2_eq_emissions_g,
    emissions.co2_eq_emissions_raw,
    emissions.emissions_unit,
    emissions.emissions_parse_status,
    emissions.emissions_origin,
    emissions.emissions_source,
    emissions.emissions_source_raw,
    emissions.domain,
    emissions.downloads,
    classification.reporting_level,
    suspected.suspicion_caveat,
    suspected.suspicion_reason
from marts.efficiency_labels as labels
inner join marts.fct_model_emissions as emissions on labels.model_id = emissions.model_id
inner join marts.reporting_classification as classification
    on labels.model_id = classification.model_id
left join (
    -- A value two rules suspect carries both reasons (marts.suspected_emissions, their one home).
    select
        model_id,
        string_agg(suspicion_caveat, '; ' order by suspicion) as suspicion_caveat,
        string_agg(suspicion_reason, '; ' order by suspicion) as suspicion_reason
    from marts.suspected_emissions group by model_id
) as suspected on labels.model_id = suspected.model_id
"""
# What a model without a label lacks, in the marts' words: its status, the value as written and,
# when quarantined, why, or the model it inherits its value from and the evidence.
UNLABELLED_SQL = """
select
    classification.reporting_level,
    classification.emissions_status_meaning,
    classification.co2_fields_filled_count,
    coalesce(quarantined.co2_eq_emissions_raw, emissions.co2_eq_emissions_raw) as value_raw,
    quarantined.quarantine_reason_meaning,
    emissions.inherited_from_model_id,
    emissions.inheritance_evidence_meaning,
    emissions.is_measured
from marts.reporting_classification as classification
left join marts.quarantined_emissions as quarantined
    on classification.model_id = quarantined.model_id
left join marts.fct_model_emissions as emissions on classification.model_id = emissions.model_id
where classification.model_id = ?
"""
# The ancestors reporting their own training run (the upstream footprint), nearest first, with
# their own label when they have one.
UPSTREAM_SQL = """
select
    ancestors.model_id,
    ancestors.ancestor_model_id,
    ancestors.depth,
    ancestors.ancestor_own_emissions_g,
    labels.efficiency_label
from marts.model_reporting_ancestors as ancestors
left join marts.efficiency_labels as labels on ancestors.ancestor_model_id = labels.model_id
where ancestors.model_id in (select unnest(?))
order by ancestors.model_id, ancestors.depth, ancestors.ancestor_own_emissions_g desc,
    ancestors.ancestor_model_id
"""
# Lines a card gives the upstream footprint: the nearest reporting ancestors, then one line for the
# rest; each line adds LINE_HEIGHT to the card's height.
UPSTREAM_SHOWN = 2
LINE_HEIGHT = 18
CARD_HEIGHT = 718  # without an upstream footprint
# The Hub's co2_eq_emissions metadata, as its model-card documentation specifies it: emissions in
# grams, the other four fields free text. Placeholders in <> are for the author to replace.
SNIPPET = """\
---
co2_eq_emissions:
  emissions: <grams of CO2-eq as a number, e.g. 1250.5 for 1.25 kg>
  source: <CodeCarbon, AutoTrain, the ML CO2 Impact calculator, or the paper>
  training_type: <pre-training or fine-tuning>
  geographical_location: <as granular as possible, e.g. Quebec, Canada>
  hardware_used: <how much compute and what kind, e.g. 8 v100 GPUs>
---"""


class LabelError(Exception):
    """A failure the user can act on; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------
# Formatting (the only arithmetic here: unit prefixes for reading)


def _scaled(value: float, steps: tuple[tuple[float, str], ...], unit: str) -> str:
    for factor, prefix in steps:
        if abs(value) >= factor:
            return f"{value / factor:.3g} {prefix}{unit}"
    return f"{value:.3g} {unit}"


def grams(value: float) -> str:
    return _scaled(value, ((1e6, "t"), (1e3, "kg"), (1.0, "g"), (1e-3, "mg")), "").strip()


def upstream_lines(upstream: list[dict]) -> list[str]:
    """The footprint reported by a model's base models (model_reporting_ancestors), one line each
    for the nearest, then the rest in one line."""
    lines = []
    for ancestor in upstream[:UPSTREAM_SHOWN]:
        levels = "" if ancestor["depth"] == 1 else f" ({ancestor['depth']} levels up)"
        lines.append(
            f"base model {ancestor['ancestor_model_id']}{levels} reported"
            f" {grams(ancestor['ancestor_own_emissions_g'])} for its training"
        )
    rest = upstream[UPSTREAM_SHOWN:]
    if rest:
        lines.append(
            f"and {len(rest)} more base models reported"
            f" {grams(sum(a['ancestor_own_emissions_g'] for a in rest))} for theirs"
        )
    return lines


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "\u2013"  # en dash
    if unit == "g":
        return grams(value)
    if unit == "B/g":
        return _scaled(value, ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")), "B/g")
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.2f}"


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("hubcarbon.labels"),
    autoescape=True,  # model ids and card values are text from the Hub
    auto_reload=False,  # templates are package files: no stat per card
    undefined=jinja2.StrictUndefined,
)
_ENV.filters.update(grams=grams, fmt=fmt, count=lambda v: fmt(v, "count"))
_ENV.globals.update(colours=COLOURS, variant=VARIANT_TEXT, line_height=LINE_HEIGHT)


# ---------------------------------------------------------------------------------------------
# Reading the marts


@dataclass(frozen=True)
class Card:
    """One labelled model, as the marts describe it."""

    row: dict
    boundaries: dict[str, dict]  # metric -> its efficiency_label_boundaries row (VARIANT)
    origin: Origin
    upstream: list[dict]  # its model_reporting_ancestors rows, nearest first

    @property
    def model_id(self) -> str:
        return self.row["model_id"]

    @property
    def label(self) -> str:
        return self.row["efficiency_label"]

    @property
    def path(self) -> str:
        """The card's path under labels/, without suffix: cards/<org>/<name>."""
        return f"cards/{self.model_id}"

    def context(self) -> dict:
        row = self.row
        card = {
            "model_id": self.model_id,
            # XML ids, unique per model where cards share a page: the Hub forbids "--" in repo ids.
            "slug": "label-" + self.model_id.replace("/", "--"),
            "label": self.label,
            "label_paper": row["efficiency_label_paper"],
            "grams": row["co2_eq_emissions_g"],
            "raw": str(row["co2_eq_emissions_raw"]),
            "unit": row["emissions_unit"],
            "unit_status": "assumed"
            if row["emissions_parse_status"] == "unit_assumed_grams"
            else "stated",
            "origin": row["emissions_origin"],
            "source": row["emissions_source"],
            "source_raw": row["emissions_source_raw"],
            "domain": row["domain"],
            "downloads": row["downloads"] or 0,
            "reporting_level": row["reporting_level"],
            "caveat": row["suspicion_caveat"],
            "caveat_reason": row["suspicion_reason"],
            "data_origin": self.origin.text,
            "is_demo": self.origin.is_demo,
            "reference_model_id": self.boundaries["co2_eq_emissions"]["reference_model_id"],
            "upstream": upstream_lines(self.upstream),
        }
        metrics = []
        for metric, name, unit in METRICS:
            rating, boundary = row[f"{metric}_rating"], self.boundaries[metric]
            metrics.append(
                {
                    "metric": metric,
                    "name": name,
                    "unit": unit,
                    "weight": boundary["weight"],
                    "rating": rating,
                    "value": row[f"{metric}_value"],
                    "bound": _bound(rating, row[f"{metric}_rating_boundary_value"], boundary, unit),
                }
            )
        shift = LINE_HEIGHT * len(card["upstream"])
        return {"card": card, "metrics": metrics, "shift": shift, "height": CARD_HEIGHT + shift}


def _bound(rating: str | None, value: float | None, boundary: dict, unit: str) -> str:
    """The boundary the mart names for the rating (``value``): passed to earn A-D, not passed
    for E."""
    if rating is None or value is None:
        return ""
    better, worse = (">", "≤") if boundary["is_higher_better"] else ("<", "≥")
    return f"{worse if rating == 'E' else better} {fmt(value, unit)}"


def connect(paths: Paths, command: str) -> duckdb.DuckDBPyConnection:
    if not paths.warehouse.exists():
        raise LabelError(paths.missing(paths.warehouse, command, "build"))
    try:
        return duckdb.connect(str(paths.warehouse), read_only=True)
    except duckdb.IOException as exc:
        raise LabelError(
            f"cannot open {paths.warehouse} read-only ({exc}); is a process holding it read-write?"
        ) from None


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def read_cards(con: duckdb.DuckDBPyConnection, model_ids: list[str] | None = None) -> list[Card]:
    """Labelled models (all, or those of ``model_ids``), most downloaded first."""
    boundaries = {
        b["metric"]: b
        for b in _records(
            con,
            "from marts.efficiency_label_boundaries where label_variant = ? and valid_to is null",
            [VARIANT],
        )
    }
    origin = read_origin(con)
    where = "" if model_ids is None else "where labels.model_id in (select unnest(?))"
    rows = _records(
        con,
        f"{CARDS_SQL} {where} order by emissions.downloads desc nulls last, labels.model_id",
        None if model_ids is None else [model_ids],
    )
    upstream = read_upstream(con, [row["model_id"] for row in rows])
    return [Card(row, boundaries, origin, upstream.get(row["model_id"], [])) for row in rows]


def read_upstream(con: duckdb.DuckDBPyConnection, model_ids: list[str]) -> dict[str, list[dict]]:
    """{model: its reporting ancestors, nearest first} for the models that have any."""
    found: dict[str, list[dict]] = {}
    for ancestor in _records(con, UPSTREAM_SQL, [model_ids]):
        found.setdefault(ancestor["model_id"], []).append(ancestor)
    return found


@dataclass(frozen=True)
class Origin:
    """Where the build's figures come from (marts.build_info): its sentence, and whether it is
    the demo's bundled snapshot rather than the Hub."""

    text: str
    is_demo: bool


def read_origin(con: duckdb.DuckDBPyConnection) -> Origin:
    text, kind = con.execute("select data_origin, endpoint_kind from marts.build_info").fetchone()
    return Origin(text, kind == "bundled_snapshot")


def example_cards(con: duckdb.DuckDBPyConnection) -> list[Card]:
    """The most downloaded labelled model of each letter, A to E (the report's examples)."""
    ids = [
        row[0]
        for row in con.execute(
            "select model_id from ("
            " select labels.model_id, labels.efficiency_label, row_number() over ("
            "  partition by labels.efficiency_label"
            "  order by emissions.downloads desc nulls last, labels.model_id) as popularity"
            " from marts.efficiency_labels as labels inner join marts.fct_model_emissions"
            " as emissions on labels.model_id = emissions.model_id)"
            " where popularity = 1 order by efficiency_label"
        ).fetchall()
    ]
    return sorted(read_cards(con, ids), key=lambda card: card.label)


def explain_unlabelled(con: duckdb.DuckDBPyConnection, model_id: str, where: Path) -> LabelError:
    """Why ``model_id`` has no label, or that the warehouse does not know it."""
    rows = _records(con, UNLABELLED_SQL, [model_id])
    if not rows:
        near = con.execute(
            "select model_id from marts.dim_models where lower(model_id) = lower(?)", [model_id]
        ).fetchall()
        hint = f" Did you mean {near[0][0]}?" if near else " Check the id (org/name)."
        return LabelError(f"{model_id} is not a model in {where}.{hint}")
    row = rows[0]
    upstream = read_upstream(con, [model_id]).get(model_id, [])
    parent, written = row["inherited_from_model_id"], f"“{row['value_raw']}”"
    if parent:
        reason = (
            f"its value, {written}, is inherited from {parent}"
            f" ({row['inheritance_evidence_meaning']}), and a training run is rated once, at its"
            f" source: make label MODEL={parent}"
        )
    else:
        reason = f"its card holds {row['emissions_status_meaning']}"
        if row["value_raw"] is not None:
            reason += f", {written}"
        if row["quarantine_reason_meaning"]:
            reason += f" ({row['quarantine_reason_meaning']})"
        if row["is_measured"]:  # a fact the labels left out: say so rather than guess why
            reason += ", but the warehouse gives it no label of its own"
    remedy = (
        "If its training was its own, add this block with its own measured grams"
        if parent
        else "To earn a label, add this block with the measured grams"
    )
    return LabelError(
        f"{model_id} has no efficiency label: {reason}.\n"
        + _upstream_report(upstream)
        + f"Reporting level: {row['reporting_level']}; the card fills"
        f" {row['co2_fields_filled_count']} of the 5 co2_eq_emissions fields.\n"
        f"{remedy} to the YAML metadata at the top of its README.md (the Hub's co2_eq_emissions"
        " spec):\n\n" + SNIPPET,
        code=EXIT_DATA_SAYS_NO,
    )


def _upstream_report(upstream: list[dict]) -> str:
    """The reporting ancestors of a model without a label: their reports, where their cards are."""
    lines = upstream_lines(upstream)
    for i, ancestor in enumerate(upstream[:UPSTREAM_SHOWN]):
        label, named = ancestor["efficiency_label"], ancestor["ancestor_model_id"]
        lines[i] += f" (rated {label}: make label MODEL={named})" if label else " (not rated)"
    return "".join(f"Its lineage reports: {line}.\n" for line in lines)


# ---------------------------------------------------------------------------------------------
# Rendering and writing


def render_card(card: Card) -> str:
    return _ENV.get_template("card.svg.j2").render(card.context())


def render_badge(card: Card) -> str:
    return _ENV.get_template("badge.svg.j2").render(card=card.context()["card"])


def render_png(svg: str) -> bytes:
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            skip_system_fonts=True,
            font_files=FONT_FILES,
            font_family="DejaVu Sans",
            sans_serif_family="DejaVu Sans",
            zoom=2,  # sharp on high-density screens
        )
    )


def _write(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically; False (nothing written) when the file already holds it."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")  # readers never see a half-written file
    partial.write_bytes(data)
    os.replace(partial, path)
    return True


def write_card(card: Card, labels_dir: Path, *, png: bool) -> list[Path]:
    """The card's SVG and badge, and with ``png`` its PNG; without, a PNG the SVG outdates goes."""
    base = labels_dir / card.path
    badge, svg, raster = (base.with_name(base.name + suffix) for suffix in SUFFIXES)
    drawing = render_card(card)
    changed = _write(svg, drawing.encode())
    _write(badge, render_badge(card).encode())
    if png:
        _write(raster, render_png(drawing))
        return [svg, raster, badge]
    if changed:
        raster.unlink(missing_ok=True)
    return [svg, badge]


def markdown(card: Card, base_url: str) -> str:
    """The line a model author pastes into a model card: the badge, linking to the card."""
    return (
        f"[![CO₂ label: {card.label}]({base_url}{card.path}.badge.svg)]({base_url}{card.path}.svg)"
    )


def write_index(cards: list[Card], labels_dir: Path) -> Path:
    rows = [
        [
            c.model_id,
            c.label,
            c.row["domain"],
            c.row["emissions_source"],
            grams(c.row["co2_eq_emissions_g"]),
            c.row["downloads"] or 0,
            c.row["suspicion_reason"] or "",
        ]
        for c in cards
    ]
    html = _ENV.get_template("index.html.j2").render(
        rows=rows,
        letters=LETTERS,
        domains=sorted({r[2] for r in rows}),
        sources=sorted({r[3] for r in rows}),
        data_origin=cards[0].origin.text if cards else "",
    )
    target = labels_dir / "index.html"
    _write(target, html.encode())
    return target


def _remove_stale(labels_dir: Path, cards: list[Card]) -> int:
    """Delete the files of models that no longer have a label, and the folders left empty."""
    keep = {str(labels_dir / card.path) for card in cards}
    removed = 0
    cards_dir = labels_dir / "cards"
    for path in sorted(cards_dir.rglob("*"), reverse=True) if cards_dir.exists() else []:
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
            continue
        suffix = next((s for s in SUFFIXES if path.name.endswith(s)), None)
        if suffix is None or str(path)[: -len(suffix)] not in keep:
            path.unlink()
            removed += 1
    return removed


def label_one(paths: Paths, model_id: str, base_url: str) -> str:
    with connect(paths, "label") as con:
        cards = read_cards(con, [model_id])
        if not cards:
            raise explain_unlabelled(con, model_id, paths.warehouse)
    files = write_card(cards[0], paths.labels_dir, png=True)
    listed = "\n".join(f"  {f}" for f in files)
    upstream = "".join(f"Upstream: {line}.\n" for line in cards[0].context()["card"]["upstream"])
    return (
        f"label: {model_id} is rated {cards[0].label}; wrote\n{listed}\n{upstream}"
        f"Badge for its model card (markdown):\n{markdown(cards[0], base_url)}"
    )


def label_all(paths: Paths) -> str:
    started = time.monotonic()
    with connect(paths, "labels") as con:
        cards = read_cards(con)
    # No PNG here: rasterising costs ~0.1 s of CPU per card (minutes for the demo, hours for the
    # Hub), where an SVG costs ~1 ms; make label draws a model's PNG.
    for card in cards:
        write_card(card, paths.labels_dir, png=False)
    removed = _remove_stale(paths.labels_dir, cards)
    index = write_index(cards, paths.labels_dir)
    return (
        f"labels: {len(cards):,} label cards (SVG) and badges under {paths.labels_dir / 'cards'}"
        f" ({removed:,} stale files removed); index {index}; {time.monotonic() - started:.1f}s."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hubcarbon.labels", description=__doc__)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("model", nargs="?", help="a model id, org/name")
    which.add_argument("--all", action="store_true", help="every labelled model, and the index")
    args = parser.parse_args(argv)
    # Where the labels folder is published; relative links by default (files in the model repo).
    base_url = os.environ.get("LABELS_BASE_URL", "")
    try:
        paths = Paths.writable_from_env("labels" if args.all else "label")
        print(label_all(paths) if args.all else label_one(paths, args.model, base_url))
    except LabelError as exc:
        print(f"label: {exc}", file=sys.stderr)
        sys.exit(exc.code)
