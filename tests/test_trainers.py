"""register-trainer and trainer list|show|move through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import certify, nothing_written, ok, refused, register, trainer_under_agreement


def test_register_trainer_gives_the_json_fields_of_the_contract() -> None:
    trainer = register(phone="070-1234567", programme="mvp-hs")
    assert trainer["id"] == 1
    assert trainer["name"] == "Anna Lind"
    assert trainer["email"] == "anna@example.se"
    assert trainer["municipality"] == {"code": "2180", "name": "Gävle"}
    assert trainer["certified_on"] is None
    assert trainer["agreement"] is None
    assert trainer["programmes"] == ["mvp-hs"]


def test_register_accepts_a_municipality_code_and_any_case() -> None:
    assert register(email="a@x.se", municipality="2180")["municipality"]["name"] == "Gävle"
    assert register(email="b@x.se", municipality="gävle")["municipality"]["code"] == "2180"
    assert register(email="c@x.se", municipality="180")["municipality"]["name"] == "Stockholm"


def _register_args(**change: str) -> list[str]:
    values = {
        "email": "anna@example.se",
        "municipality": "Gävle",
        "basic-training": "2022-01-10",
        "series-held": "2022-06-01",
        "appointed-by": "Karin Ek, rektor",
    }
    values.update(change)
    args = ["register-trainer", "Anna Lind"]
    for key, value in values.items():
        args += [f"--{key}", value]
    return args


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"series-held": "2021-06-01"}, "after the grundutbildning"),
        ({"series-held": "2026-07-01"}, "after today"),
        ({"appointed-by": "Karin Ek"}, "NAME, ROLE"),
        ({"municipality": "Gavle"}, "did you mean Gävle"),
        ({"municipality": "9999"}, "no municipality has the code 9999"),
        ({"email": "anna.example.se"}, "not an e-mail address"),
        ({"basic-training": "2022-13-01"}, "--basic-training"),
        ({"basic-training": "10/1/2022"}, "YYYY-MM-DD"),
    ],
)
def test_register_refuses_bad_input_and_writes_nothing(fresh_db: Path, change: dict[str, str], message: str) -> None:
    with nothing_written(fresh_db):
        refused(*_register_args(**change), contains=message)


def test_register_refuses_a_second_trainer_with_the_same_email(fresh_db: Path) -> None:
    register()
    with nothing_written(fresh_db):
        refused(*_register_args(email="ANNA@example.se"), contains="already registered")


def test_trainer_list_shows_state_and_filters_by_municipality() -> None:
    trainer_under_agreement()
    register(name="Sara Nilsson", email="sara@example.se", municipality="Umeå")
    every = ok("trainer", "list", "--json")
    assert [t["state"] for t in every] == ["under-agreement", "registered"]
    assert every[0]["agreement"]["scope"]["municipality"]["code"] == "2180"
    umea = ok("trainer", "list", "--municipality", "Umeå", "--json")
    assert [t["name"] for t in umea] == ["Sara Nilsson"]
    human = ok("trainer", "list").stdout
    assert "Sara Nilsson" in human and "Anna Lind" in human


def test_trainer_show_by_id_and_email() -> None:
    trainer_id, agreement_id = trainer_under_agreement()
    shown = ok("trainer", "show", "anna@example.se", "--json")
    assert shown["id"] == trainer_id
    assert shown["certified_on"] == "2023-03-01"
    assert shown["agreement"]["id"] == agreement_id
    assert [a["id"] for a in shown["agreements"]] == [agreement_id]
    assert "Anna Lind" in ok("trainer", "show", str(trainer_id)).stdout


def test_unknown_trainer_is_refused() -> None:
    refused("trainer", "show", "42", contains="unknown trainer '42'")
    refused("trainer", "show", "nobody@example.se", contains="unknown trainer")


def test_moving_ends_the_agreement_on_the_moving_date() -> None:
    trainer_id, agreement_id = trainer_under_agreement()
    moved = ok("trainer", "move", str(trainer_id), "--municipality", "Sandviken", "--date", "2025-09-01", "--json")
    assert moved["municipality"]["name"] == "Sandviken"
    assert moved["ended_agreements"] == [agreement_id]
    assert moved["agreement"] is None
    agreement = ok("agreement", "list", "--json")[0]
    assert agreement["end"] == "2025-09-01"
    assert ok("trainer", "show", str(trainer_id), "--json")["moves"][0]["to"] == "2181"


def test_signing_again_after_a_move_is_a_new_agreement_in_the_new_place() -> None:
    trainer_id, _ = trainer_under_agreement()
    ok("trainer", "move", str(trainer_id), "--municipality", "Sandviken", "--date", "2025-09-01")
    again = ok("sign-agreement", str(trainer_id), "--start", "2025-09-01", "--json")
    assert again["scope"]["municipality"]["name"] == "Sandviken"


def test_moving_refuses_a_future_date_and_the_same_municipality(fresh_db: Path) -> None:
    trainer_id, _ = trainer_under_agreement()
    with nothing_written(fresh_db):
        refused(
            "trainer",
            "move",
            str(trainer_id),
            "--municipality",
            "Sandviken",
            "--date",
            "2026-07-01",
            contains="after today",
        )
        refused(
            "trainer",
            "move",
            str(trainer_id),
            "--municipality",
            "Gävle",
            "--date",
            "2026-01-01",
            contains="already lives",
        )


def test_certify_helper_certifies() -> None:
    trainer = register()
    certify(trainer["id"], date="2024-02-02")
    assert ok("trainer", "show", "1", "--json")["state"] == "certified"
