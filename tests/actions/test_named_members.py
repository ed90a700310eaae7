"""Which household members a message names (actions/address.named_members): whole names and relation words only."""
import pytest

from actions.address import named_members

HOUSEHOLD = [
    {"id": "m1", "name": "김도윤", "relation": {"ko": "자녀", "en": "Child"}},
    {"id": "m2", "name": "김순자", "relation": {"ko": "배우자", "en": "Spouse"}},
]


@pytest.mark.parametrize("said,named", [
    ("김도윤도 같이 가요", ["m1"]), ("my son is coming too", ["m1"]), ("와이프랑 같이요", ["m2"]), ("도윤", ["m1"]),
    ("183 Olympic-ro, Songpa-gu", []), ("Songpa-gu", []), ("딸기 가게 옆이에요", []), ("person", []),
])
def test_members_are_named_by_whole_words(said, named):
    assert named_members(said, HOUSEHOLD) == named


@pytest.mark.parametrize("text", ["전입하는 사람은 저 한 명뿐입니다.", "이사하는 사람은 저 하나예요", "저 혼자요", "혼자"])
def test_the_citizen_alone_in_formal_words_picks_nobody(text):
    from actions.address import pick_members
    assert pick_members(text, [{"id": "p_2", "name": "Maria Smith", "relation": "spouse"}]) == []


def test_alone_said_while_an_earlier_question_is_asked_is_who_moves_kept_for_later():
    # "혼자" while the list of addresses is still open: it answers who moves, not which address
    from actions.address import who_moves
    assert who_moves("혼자") == "none" and who_moves("혼자 아니에요") is None


# as the form keeps the list it showed (address_options: id, ko, en)
DALMAJI = [{"id": f"ad_{n}", "ko": f"부산광역시 해운대구 달맞이길 {n}", "en": f"{n} Dalmaji-gil, Haeundae-gu, Busan"}
           for n in (136, 180, 198, 264, 283)]


@pytest.mark.parametrize("said, picked", [("264", 3), ("264번지요", 3), ("198 이요", 2), ("2", None), ("999", None),
                                          ("136 아니면 180", None)])
def test_a_building_number_picks_the_listed_address_with_it(said, picked):
    # "264" to a list of five addresses on one road: the one at 264, never the line numbered 1 after a retry
    from actions.address import building_number_choice
    assert building_number_choice(said, DALMAJI) == picked
