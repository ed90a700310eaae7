"""Which fines a citizen means (actions/fines.pick_fines): by number, notice number, a telling word of the kind, or
the amount, as people point at a line of a bill."""
import pytest

from actions.fines import pick_fines

OPTIONS = [
    {"number": "FN-2026-000002", "kind_label": {"ko": "속도위반 과태료", "en": "Speed camera fine"}, "amount_due": 72940},
    {"number": "FN-2026-000003", "kind_label": {"ko": "버스전용차로 위반 과태료", "en": "Bus lane violation fine"},
     "amount_due": 50000},
    {"number": "FN-2026-000001", "kind_label": {"ko": "주정차 위반 과태료", "en": "Illegal parking fine"},
     "amount_due": 40000},
]


@pytest.mark.parametrize("said,picked", [
    ("the parking one", [2]), ("bus lane", [1]), ("버스전용차로 거요", [1]), ("주정차요", [2]),
    ("the 40,000 one", [2]), ("5만원짜리", [1]), ("2", [1]), ("FN-2026-000002", [0]),
])
def test_a_fine_is_picked_by_what_tells_it_apart(said, picked):
    assert pick_fines(said, OPTIONS) == picked


@pytest.mark.parametrize("said", ["the fine", "과태료요", "the violation"])
def test_words_every_fine_shares_pick_none(said):
    assert pick_fines(said, OPTIONS) is None


def test_a_kind_word_inside_another_word_picks_nothing():
    red = [{"number": "FN-2026-000057", "kind_label": {"ko": "신호위반 과태료", "en": "Red light violation fine"},
            "amount_due": 42640}] + OPTIONS
    assert pick_fines("I pay with credit card.", red) is None  # "credit" holds "red"
    assert pick_fines("the red light one", red) == [0]


@pytest.mark.parametrize("said,picked", [
    ("맨 위에 있는 거요", [0]), ("the top one", [0]), ("맨 아래 거", [2]), ("the last one please", [2]),
    ("제일 싼 거 하나 먼저 낼게요", [2]), ("the most expensive one", [0]),
])
def test_a_fine_is_picked_by_its_place_in_the_list_or_its_amount(said, picked):
    assert pick_fines(said, OPTIONS) == picked


def test_a_kind_word_in_a_sentence_about_something_else_chooses_no_fine():
    options = [{"id": "a", "number": "FN-2026-000001", "kind_label": {"en": "Speeding fine", "ko": "속도위반 과태료"}},
               {"id": "b", "number": "FN-2026-000002",
                "kind_label": {"en": "Bus lane violation fine", "ko": "버스전용차로 위반 과태료"}}]
    assert pick_fines("sorry was just getting off the bus", options) is None
    assert pick_fines("could I pay just the bus one for now", options) == [1]
    assert pick_fines("I want to pay the speeding one first", options) == [0]


@pytest.mark.parametrize("said,picked", [
    # "둘다" once picked the second fine only (둘 read as "two"); "both, by card" chose nothing
    ("둘다 카드로", [0, 1]), ("두개다 카드로 할게요", [0, 1]), ("두 개 다", [0, 1]), ("both please", [0, 1]),
    # all turned down, one named
    ("둘 다 말고 첫 번째만", [0]), ("전부 말고 2번만", [1]),
])
def test_both_in_any_spacing_picks_both_fines_and_not_both_picks_the_one_named(said, picked):
    assert pick_fines(said, OPTIONS[:2]) == picked


@pytest.mark.parametrize("said", ["둘다 카드로", "both please"])
def test_both_of_three_fines_picks_none_so_which_two_is_asked(said):
    assert pick_fines(said, OPTIONS) is None
