"""Town → districts: the precinct table matched to Open States' names, and lookups for a
one-district town, a split city with and without ward and precinct, and unknown places."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from models.errors import InvalidInput
from models.geography import county_of, natural_key
from plumbing import geography as shipped
from plumbing.openstates import DATA


def _open_states(chamber: str) -> set[str]:
    with (DATA / "districts.csv").open(newline="") as f:
        return {r["district"] for r in csv.DictReader(f) if r["chamber"] == chamber}


def test_every_district_of_the_precinct_table_matches_an_open_states_district(
    reference: Path,
) -> None:
    table = (reference / "geography-ma" / "ma_precinct_districts_2022.csv").read_text()
    house, senate = _open_states("house"), _open_states("senate")
    converted = shipped.convert(table, house=house, senate=senate)
    assert converted.unmatched == {"house": set(), "senate": set()}
    assert (len(converted.matched["house"]), len(converted.matched["senate"])) == (160, 40)
    assert len(converted.precincts) == 2383
    # What ships is exactly what the import makes from the reference.
    assert shipped.read(shipped.PRECINCTS).precincts == converted.precincts


def test_the_import_names_what_did_not_match() -> None:
    table = (
        "city_town,Ward,Pct,State_Rep,State_Senate,US_House,Gov_Council\n"
        "Abington,-,1,Seventh Plymouth,Norfolk & Plymouth,8,Fourth\n"
        "Nowhere,-,1,Ninety-Ninth Essex,Atlantis,8,Fourth\n"
    )
    converted = shipped.convert(table, house=_open_states("house"), senate=_open_states("senate"))
    assert converted.unmatched == {"house": {"Ninety-Ninth Essex"}, "senate": {"Atlantis"}}
    assert converted.precincts[0].house == "7th Plymouth"
    assert converted.precincts[0].senate == "Norfolk and Plymouth"


def test_the_shipped_table_covers_every_district_and_town() -> None:
    geo = shipped.geography()
    assert len(geo.house_districts) == 160 and len(geo.senate_districts) == 40
    assert set(geo.house_districts) == _open_states("house")
    assert set(geo.senate_districts) == _open_states("senate")
    assert geo.congressional_districts == list(range(1, 10))
    assert len(geo.towns) == 351


def test_a_town_wholly_in_one_district() -> None:
    found = shipped.geography().lookup("abington")
    assert found.town == "Abington"
    assert (found.house, found.senate, found.congress) == (
        ["7th Plymouth"],
        ["Norfolk and Plymouth"],
        [8],
    )


def test_a_split_city_without_and_with_ward_and_precinct() -> None:
    geo = shipped.geography()
    boston = geo.lookup("Boston")
    assert len(boston.house) > 10 and "13th Suffolk" in boston.house
    ward = geo.lookup("Boston", ward="16")
    assert 1 < len(ward.precincts) < len(boston.precincts)
    one = geo.lookup("Boston", ward="16", precinct="01")  # as typed from a voter card
    assert (one.house, one.senate, one.congress) == (["13th Suffolk"], ["First Suffolk"], [7])
    quincy = geo.lookup("Quincy")
    assert quincy.house == ["2nd Norfolk", "1st Norfolk", "3rd Norfolk"]  # most precincts first


@pytest.mark.parametrize(
    ("town", "ward", "precinct", "field", "words"),
    [
        ("Bostn", "", "", "town", "Did you mean Boston"),
        ("Springfeild", "", "", "town", "Did you mean Springfield"),
        ("Atlantis", "", "", "town", "no city or town called “Atlantis”"),
        ("", "", "", "town", "required"),
        ("Boston", "99", "", "ward", "Boston has no ward 99 (its wards are 1 to 22)"),
        ("Abington", "2", "", "ward", "Abington has no wards"),
        ("Abington", "", "9", "precinct", "Abington has no precinct 9"),
    ],
)
def test_an_unknown_place_is_refused_naming_the_field(
    town: str, ward: str, precinct: str, field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        shipped.geography().lookup(town, ward=ward, precinct=precinct)
    assert list(refused.value.errors) == [field]
    assert words in refused.value.errors[field]


def test_senate_and_congress_shares_of_a_house_district_main_first() -> None:
    geo = shipped.geography()
    senates = geo.senate_of_house("7th Plymouth")
    assert [s for s, _ in senates] == ["Second Plymouth and Norfolk", "Norfolk and Plymouth"]
    assert sum(share for _, share in senates) == pytest.approx(1.0)
    assert geo.congress_of_house("7th Plymouth") == [(8, 1.0)]
    inside = dict(geo.house_in_senate("Norfolk and Plymouth"))
    assert inside["7th Plymouth"] == pytest.approx(senates[1][1])


def test_counties_and_natural_order() -> None:
    assert county_of("7th Plymouth") == "Plymouth"
    assert county_of("Barnstable, Dukes and Nantucket") == "Barnstable"
    assert county_of("Cape and Islands") is None
    names = ["10th Bristol", "2nd Bristol", "1st Bristol", "1st Barnstable"]
    assert sorted(names, key=natural_key) == [
        "1st Barnstable",
        "1st Bristol",
        "2nd Bristol",
        "10th Bristol",
    ]
