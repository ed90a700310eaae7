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
