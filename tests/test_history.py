"""Corrected facts that the historical review of lessons 03-05 asked to pin where the data has structure: who signed
what, the range of Order 00447, the SS's own count, Voroshilov's lists and Arendt's place in the debates.  Each
assertion states what the course has read, so a later edit that drops a source or turns a range back into a point
fails here."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd

from manyhands import checkpoints, data, widgets

ROOT = Path(__file__).resolve().parent.parent
LESSON03 = ROOT / "lessons" / "03_terror_by_quota.ipynb"


def _prose(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, 4).cells if c.cell_type == "markdown")


def _grid(dimension: str, regime: str) -> pd.DataFrame:
    grid = data.load("comparison_grid")
    return grid[(grid["dimension_id"] == dimension) & (grid["regime"] == regime)]


def test_the_telegram_of_2_july_1937_goes_out_over_stalins_name_as_memorials_translation_prints_it():
    signed = _grid("signed", "USSR")
    row = signed[signed["source_id"].str.contains("memorial_krsk_p51_94_de")]
    assert len(row) == 1 and "Sekretär des ZK – Josef Stalin" in row["evidence"].iloc[0]
    assert "werth2010" in row["source_id"].iloc[0]
    ref = data.references()["memorial_krsk_p51_94_de"]
    assert "has not read the Russian signature line" in ref["note"]  # what is not read is said


def test_the_stop_orders_of_november_1938_name_only_the_signatures_read():
    prose = _prose(LESSON03)
    assert 'by a secret directive\nsigned by Stalin" (Werth 2010)' in prose
    assert "has not read the signature blocks of the directive of 15 November" in prose
    stop = _grid("signed", "USSR")
    row = stop[stop["source_id"] == "lubyanka_15nov1938"]
    assert len(row) == 1 and "the course has not read" in row["evidence"].iloc[0]


def test_keitel_signed_night_and_fog_and_the_roles_follow():
    docs = data.load("nazi_documents").set_index("decision_id")
    assert docs.loc["n07", "signed_by"] == "Keitel" and docs.loc["n07", "initiated_by"] == "Hitler"
    assert "[Signed] KEITEL" in docs.loc["n07", "signed_by_basis"]
    roles = data.load("decision_roles")
    n07 = set(map(tuple, roles.loc[roles["decision_id"] == "n07", ["actor", "role"]].values))
    assert {("Keitel", "signed"), ("Hitler", "initiated")} <= n07
    stalin, hitler = checkpoints.CHECKPOINTS["04.6"].key()  # lesson 04's rule: checked signatures only
    assert abs(hitler - 1 / 8) < 1e-12


def test_order_00447_is_a_range_at_least_387000_up_to_445000():
    prose = _prose(LESSON03)
    assert "of whom 437,000 to 445,000 were executed" in prose and "at least 387,000, and up to 445,000" in prose
    source = "".join(c.source for c in nbformat.read(LESSON03, 4).cells if c.cell_type == "code")
    assert "QuotaModel.with_order_00447()" in source and "387" not in source  # the answer of checkpoint 4 is not shown
    from manyhands.views import lesson03

    assert lesson03.ORDER_00447_RANGE == (387_000 / 75_950, 445_000 / 75_950)
    view = widgets.QuotaModel.with_order_00447()
    assert len(view.figure.data) == 3 and abs(view.figure.data[2].y[0] - 445_000 / 75_950) < 1e-9
    assert "5.1 and 5.9" in view.summary.value
    assert "5.9" in checkpoints.CHECKPOINTS["03.4"].praise(checkpoints.CHECKPOINTS["03.4"].key())


def test_the_ss_counted_its_camps_as_the_nkvd_counted_its_own():
    figures = data.load("killing_figures").set_index("figure_id")
    camps = ["hoefle_lublin", "hoefle_belzec", "hoefle_sobibor", "hoefle_treblinka"]
    assert figures.loc[camps, "persons_low"].sum() == figures.loc["hoefle_total", "persons_low"] == 1_274_166
    assert (figures.loc[camps + ["hoefle_total", "meldung51_jews"], "counted_by"] == "the killers' own report").all()
    assert figures.loc["meldung51_jews", "persons_low"] == 363_211
    assert "two police regiments" not in figures.loc["babi_yar", "units"]


def test_the_grid_gives_the_nazi_side_its_numbers_and_knowledge():
    numbers = " ".join(_grid("numbers", "Nazi Germany")["evidence"])
    assert "not a quota" not in numbers
    assert "45,000 Jews" in numbers and "31 December 1942" in numbers
    knew = _grid("knew", "Nazi Germany")
    assert knew["source_id"].notna().all() and "363,211" in " ".join(knew["evidence"])


def test_voroshilov_is_named_and_left_uncounted_on_purpose():
    lists = data.load("stalin_lists")
    assert "Voroshilov" not in set(lists["signatory"])
    assert "Voroshilov signed lists too" in data.resource("stalin_lists")["description"]
    assert "Voroshilov" in _prose(LESSON03)


def test_arendt_is_not_filed_with_the_structuralists():
    history = data.load("historiography").set_index("source_id")
    assert history.loc["arendt1963", "emphasis"] != "institutions and many actors"
    assert "not an excuse" in history.loc["arendt1963", "summary"]


def test_the_citations_the_review_corrected():
    refs = data.references()
    assert data.year(refs["thompson2005chapter"]) == 2005
    assert refs["witte_tyas_hgs"]["page"] == "468-486" and data.year(refs["witte_tyas_hgs"]) == 2001
    assert not refs["historikerstreit1987"].get("author")
    assert json.dumps(refs["gerlach_wannsee_hitler_decision"]).count("Journal of Modern History") >= 1


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_national_operations_are_a_range_from_the_specialists_read():
    prose = _flat(_prose(LESSON03))
    # low: Ablazhei and Potapova's 347,000 convicted; high: Kotkin's 'approximately 350,000 victims'; one count of the shot
    assert "count 347,000 people convicted (Ablazhei and Potapova 2019, abstract)" in prose
    assert "approximately 350,000 victims, 247,157 of whom would be shot" in prose
    assert "from about 347,000 to about 350,000 convicted, of whom about 247,000 were shot" in prose
    assert "claimed about 350,000 victims" not in prose  # no longer one figure from one book
    assert "It has not read the specialists' own tables, Okhotin and Roginsky's" in prose  # what is not read is said
    history = data.load("historiography").set_index("source_id")
    assert "347,000 convicted" in history.loc["ablazhei_potapova2019", "summary"]
    assert data.references()["ablazhei_potapova2019"]["source-kind"] == "scholarly work (abstract read)"


def test_the_regions_numbers_and_the_ones_who_held_back_are_in_lesson_03():
    prose = _flat(_prose(LESSON03))
    assert '"41,305 kulak and criminal elements' in prose and "add up to 39,305, not 41,305" in prose
    assert "were generally based on these estimates" in prose
    assert "must present to me [...] petitions justifying the request" in prose
    assert "he tried to have them returned to the originally agreed levels" in prose
    below = " ".join(_grid("below", "USSR")["evidence"])
    assert "41,305" in below and "without informing the central NKVD administration" in below


def test_the_soviet_side_of_the_grid_has_rivalry_refusal_and_perpetrators_tried():
    refusal = _grid("refusal", "USSR")
    cited = " ".join(refusal["source_id"])
    assert "viola2017" in cited and "kotkin2017" in cited
    evidence = " ".join(refusal["evidence"])
    assert "almost one thousand NKVD officers were prosecuted by Soviet military courts" in evidence
    assert "returned to the originally agreed levels" in evidence
    rivals = _grid("rivals", "USSR")
    assert (rivals["source_id"] == "kotkin2017").sum() == 1 and "gaining credit" in " ".join(rivals["evidence"])
    # read in the publisher's words and reviews, and said so
    refs = data.references()
    assert "publisher's description" in refs["viola2017"]["source-kind"]
    assert "publisher's description" in refs["hagenloh2009"]["source-kind"]
    prose = _flat(_prose(LESSON03))
    assert "(Viola 2017, publisher's description)" in prose and "(Foreign Affairs, 16 April 2018)" in prose
    assert "(Hagenloh 2009, publisher's description)" in prose and "describing Shearer 2010" in prose
    history = set(data.load("historiography")["source_id"])
    assert {"hagenloh2009", "shearer2010", "viola2017", "ablazhei_potapova2019"} <= history


def test_a_perpetrator_on_trial_answers_the_cog_defence_in_lesson_03():
    prose = _flat(_prose(LESSON03))
    assert "'I did not beat', 'I had an instruction', and so on. Everyone obtained confessions in the same way\"" in prose
    assert "(translated by the course from the Ukrainian; Kovalchuk 2021)" in prose
    assert "a commission of Yezhov, Beria, Malenkov, Vyshinsky and Rychkov" in prose  # who drafted the stop, not who signed
    assert data.references()["kovalchuk2021"]["language"] == "uk"
