"""Importing Open States data, stances and co-sponsor lists (SPEC §5)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from models.enums import Chamber, Stance
from models.errors import InvalidInput
from models.legislature import Committee, CommitteeMembership, District, Legislator, StanceChange
from models.services.common import Actor
from models.services.legislators import LegislatorIndex, apply_cosponsors, set_stance
from models.services.legislature import import_legislature
from plumbing.cosponsors import parse_cosponsors
from plumbing.openstates import read_path
from plumbing.settings import get_settings
from tests import factories
from tests.integration.helpers import row_counts
from tests.integration.test_cli import hubflow

OPENSTATES = "openstates-ma"


def summary(session: Session) -> dict[str, object]:
    houses = session.scalar(select(func.count()).where(District.chamber == Chamber.HOUSE))
    senates = session.scalar(select(func.count()).where(District.chamber == Chamber.SENATE))
    active = session.scalar(select(func.count()).select_from(Legislator).where(Legislator.active))
    vacant = session.scalars(
        select(District.name)
        .where(~District.legislators.any(Legislator.active))
        .order_by(District.name)
    ).all()
    hcf = session.execute(
        select(Legislator.name, CommitteeMembership.role)
        .join(CommitteeMembership)
        .join(Committee)
        .where(Committee.name == get_settings().campaign.committee.name)
    ).all()
    session.commit()
    return {
        "house": houses,
        "senate": senates,
        "sitting": active,
        "vacant": list(vacant),
        "hcf_members": len(hcf),
        "hcf_chairs": sorted(n for n, r in hcf if r == "chair"),
    }


EXPECTED = {
    "house": 160,
    "senate": 40,
    "sitting": 198,
    "vacant": ["17th Middlesex", "1st Franklin"],
    "hcf_members": 20,
    "hcf_chairs": ["Cindy Friedman", "John Lawn"],
}


def csv_data(reference: Path) -> list[Path]:
    folder = reference / OPENSTATES
    return [
        folder / "ma_districts_full.csv",
        folder / "ma_legislators_full.csv",
        folder / "ma_committee_members.csv",
    ]


def import_files(session: Session, *paths: Path) -> dict[str, int]:
    data = read_path(paths[0])
    for path in paths[1:]:
        data.merge(read_path(path))
    return dict(import_legislature(session, data).counts)


def test_importing_the_open_states_csv_export(fresh_legislature: Engine, reference: Path) -> None:
    with sessionmaker(fresh_legislature)() as session:
        counts = import_files(session, *csv_data(reference))
        assert counts["legislators added"] == 198 and counts["districts added"] == 200
        assert summary(session) == EXPECTED
        assert import_files(session, *csv_data(reference)) == {}  # twice changes nothing
        assert summary(session) == EXPECTED


def test_importing_the_open_states_yaml_files(fresh_legislature: Engine, reference: Path) -> None:
    folder = reference / OPENSTATES
    with sessionmaker(fresh_legislature)() as session:
        import_files(
            session, folder / "ma_districts_full.csv", folder / "legislature", folder / "committees"
        )
        assert summary(session) == EXPECTED
        assert (
            import_files(
                session,
                folder / "ma_districts_full.csv",
                folder / "legislature",
                folder / "committees",
            )
            == {}
        )


def test_a_legislator_who_left_is_marked_inactive_and_keeps_their_history(
    fresh_legislature: Engine, reference: Path, tmp_path: Path
) -> None:
    districts, people, committees = csv_data(reference)
    with sessionmaker(fresh_legislature, expire_on_commit=False)() as session:
        import_files(session, districts, people, committees)
        ann = factories.staff(session)
        lawn = session.scalar(select(Legislator).where(Legislator.name == "John Lawn"))
        assert lawn is not None
        set_stance(session, lawn.id, Stance.COSPONSOR, actor=Actor.staff(ann), reason="H.1239")
        rows = list(csv.DictReader(people.open(encoding="utf-8")))
        shorter = tmp_path / "legislators.csv"
        with shorter.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(r for r in rows if r["name"] != "John Lawn")
        assert import_files(session, shorter) == {"legislators inactive": 1}
        session.expire_all()
        gone = session.get(Legislator, lawn.id)
        assert gone is not None and not gone.active and gone.stance is Stance.COSPONSOR
        assert session.scalar(select(func.count()).select_from(StanceChange)) == 1
        assert "10th Middlesex" in summary(session)["vacant"]  # type: ignore[operator]
        assert import_files(session, people) == {"legislators updated": 1}  # back again
        session.expire_all()
        assert session.get(Legislator, lawn.id).active  # type: ignore[union-attr]


def test_a_file_that_is_not_open_states_data_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("foo,bar\n1,2\n")
    with pytest.raises(InvalidInput, match="not a districts, legislators or committee CSV"):
        read_path(bad)
    bad.write_text("chamber,district,name,party,email,ocd_person_id\nmoon,1st X,A B,D,,ocd-1\n")
    with pytest.raises(InvalidInput, match=r"x\.csv:2: unknown chamber 'moon'"):
        read_path(bad)


def test_names_match_across_accents_initials_and_titles(session: Session) -> None:
    index = LegislatorIndex.load(session)
    for spelling in [
        "Carlos Gonzalez",
        "Rep. Carlos González",
        "GONZALEZ, Carlos",
        "Carlos J. González",
    ]:
        found = index.find(spelling)
        assert found is not None and found.name == "Carlos González", spelling
    assert index.find("Sen. Jo Comerford") is not None
    assert index.find("Aaron L. Saunders").name == "Aaron Saunders"  # type: ignore[union-attr]
    assert index.find("Nobody Atall") is None


COSPONSORS = """name,district
"Rep. Carlos J. González",10th Hampden
"Saunders, Aaron L.",7th Hampden
Sen. Jo Comerford,Hampshire Franklin and Worcester
Jane Notalegislator,Nowhere
"""


def test_a_cosponsor_list_with_variant_spellings_updates_the_right_stances(
    session: Session,
) -> None:
    ann = factories.staff(session)
    champion = LegislatorIndex.load(session).find("Jo Comerford")
    assert champion is not None
    set_stance(session, champion.id, Stance.CHAMPION, actor=Actor.staff(ann))
    report = apply_cosponsors(
        session, parse_cosponsors(COSPONSORS), actor=Actor.staff(ann), bill="H.1239"
    )
    assert sorted(report.updated) == ["Aaron Saunders", "Carlos González"]
    assert report.unchanged == ["Jo Comerford"]  # a champion is not lowered to co-sponsor
    assert report.unmatched == [(5, "Jane Notalegislator")]
    stances = dict(
        session.execute(
            select(Legislator.name, Legislator.stance).where(
                Legislator.name.in_(["Aaron Saunders", "Carlos González", "Jo Comerford"])
            )
        ).all()
    )
    assert stances == {
        "Aaron Saunders": Stance.COSPONSOR,
        "Carlos González": Stance.COSPONSOR,
        "Jo Comerford": Stance.CHAMPION,
    }
    history = session.scalars(select(StanceChange).order_by(StanceChange.id)).all()
    assert [(h.to_stance, h.reason, h.actor) for h in history][-1] == (
        Stance.COSPONSOR,
        "co-sponsor of H.1239",
        f"staff:{ann.email}",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "line 1: empty"),
        ("district\n10th Hampden\n", "line 1: no 'name' column"),
        ("name,district\nCarlos Gonzalez\n", "line 2: expected 2 fields, found 1"),
        (
            "name,district\nCarlos Gonzalez,10th Hampden\n,7th Hampden\n",
            "line 3: the name is empty",
        ),
        ('name\n"Carlos Gonzalez\n', "not valid CSV"),
        ("name\n", "no names after the header"),
    ],
)
def test_a_malformed_cosponsor_file_is_refused_with_line_and_reason_and_changes_nothing(
    session: Session, tmp_path: Path, text: str, reason: str
) -> None:
    hubflow("staff", "add", "--name", "Ann", "--email", "ann@masscare.org")
    before = row_counts(session)
    path = tmp_path / "cosponsors.csv"
    path.write_text(text)
    code, out = hubflow(
        "legislators", "import-cosponsors", str(path), "--staff", "ann@masscare.org"
    )
    assert code == 2 and reason in out and "file" in out
    assert row_counts(session) == before


def test_the_cli_imports_cosponsors_and_lists_them(session: Session, tmp_path: Path) -> None:
    hubflow("staff", "add", "--name", "Ann", "--email", "ann@masscare.org")
    path = tmp_path / "h1239.csv"
    path.write_text(COSPONSORS)
    code, out = hubflow(
        "legislators",
        "import-cosponsors",
        str(path),
        "--staff",
        "ann@masscare.org",
        "--bill",
        "H.1239",
        "--json",
    )
    assert code == 0, out
    result = json.loads(out)
    assert result["unmatched"] == [{"line": 5, "name": "Jane Notalegislator"}]
    listed = json.loads(hubflow("legislators", "list", "--stance", "cosponsor", "--json")[1])
    assert {r["name"] for r in listed} == {"Aaron Saunders", "Carlos González", "Jo Comerford"}
    shown = json.loads(hubflow("legislators", "show", str(listed[0]["id"]), "--json")[1])
    assert shown["stance_history"][0]["reason"] == "co-sponsor of H.1239"
    hcf = json.loads(hubflow("legislators", "list", "--committee", "--json")[1])
    assert len(hcf) == 20 and sorted(r["name"] for r in hcf if r["committee_role"] == "chair") == [
        "Cindy Friedman",
        "John Lawn",
    ]


def test_set_stance_refuses_an_unknown_stance_by_name(session: Session) -> None:
    hubflow("staff", "add", "--name", "Ann", "--email", "ann@masscare.org")
    before = row_counts(session)
    code, out = hubflow(
        "legislators", "set-stance", "1", "--stance", "lukewarm", "--staff", "ann@masscare.org"
    )
    assert code == 2 and "stance" in out and "lukewarm" in out
    assert row_counts(session) == before
