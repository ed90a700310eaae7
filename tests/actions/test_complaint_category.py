"""The category a complaint's description points at (actions/complaints.guess_category): the citizen confirms it, so a
good guess saves a question, and a description naming two kinds of problem goes by the one it names most."""
import pytest

from actions.complaints import affirmed_category, complaint_part, guess_category


@pytest.mark.parametrize("description,category", [
    ("someone has been drilling every night at 2am", "noise"),
    ("윗집 쿵쿵 소리 때문에 못 자요", "noise"),
    ("the street light outside is flickering", "street_lighting"),
    ("a car parked on the sidewalk", "illegal_parking"),
    ("도로에 불법주차된 차 때문에 지나갈 수가 없어요", "illegal_parking"),
    ("pothole on the road near the park", "roads"),
    ("쓰레기 냄새가 심해요", "waste"),
])
def test_the_description_points_at_the_category_it_names_most(description, category):
    assert guess_category(description, []) == category


def test_a_description_naming_no_kind_of_problem_has_no_guess():
    assert guess_category("I have a problem with something", []) is None


def test_the_words_win_over_the_nlu_entity_which_is_used_when_no_word_points_anywhere():
    assert guess_category("van parked on the pavement outside my building",
                          [{"entity": "complaint_category", "value": "roads"}]) == "illegal_parking"
    assert guess_category("something is wrong here", [{"entity": "complaint_category", "value": "parks"}]) == "parks"


def test_a_tie_between_the_words_goes_to_the_category_nlu_tagged():
    said = "제안 하나 드리고 싶어요. 횡단보도 앞에 그늘막 좀 설치해 주세요"
    assert guess_category(said, [{"entity": "complaint_category", "value": "proposal"}]) == "proposal"


@pytest.mark.parametrize("text,expected", [
    ("밤마다 공사하는 소리 때문에 잠을 못 자요", "noise"),
    ("want to report a car that's been blocking the fire hydrant for days", "illegal_parking"),
    ("cars park on the sidewalk every night in front of 26 Wausan-ro and i cant get thru", "illegal_parking"),
    ("집앞 빗물받이가 막혀서 비만오면 길이 물바다에요", "roads"),
    ("the playground in the park has a broken swing", "parks"),
    ("my upstairs neighbour's dog barks all night long, i want to complain", "noise"),
    ("theres a deep hole in the road outside 142 Olympic-ro and cars keep banging into it", "roads"),
])
def test_a_problem_told_without_its_category_word_still_finds_it(text, expected):
    assert guess_category(text, []) == expected


@pytest.mark.parametrize("text,none", [("사진은 못 찍었어용", True), ("사진x", True), ("사진은 패스할게요", True),
                                       ("didn't take one", True), ("pass on the photo", True), ("사진 보낼게요", False),
                                       ("사진은 따로 찍어 두지 못했습니다.", True), ("I am afraid I have no photograph.", True)])
def test_no_photo_said_in_other_words(text, none):
    from actions.complaints import no_photo
    assert no_photo(text) is none


def test_a_request_to_file_with_no_problem_in_it_is_no_description():
    from actions.complaints import describes_problem
    assert not describes_problem("민원 하나 넣으려고 하는데요")
    assert describes_problem("아파트 앞 인도에 큰 구멍이 패여서 사람들이 걸려 넘어질 뻔해요")


def test_the_word_road_alone_names_no_place():
    from actions.interpret import names_a_place
    assert not names_a_place("네 도로 쪽이요") and names_a_place("삼일대로 117 앞 인도")


@pytest.mark.asyncio
async def test_yes_with_another_category_in_words_takes_that_category(govapi, actions_on_govapi, domain):
    from actions.complaints import ValidateFileComplaintForm
    from actions_testkit import FormRunner
    from test_services import verified_slots
    sender, slots = await verified_slots(govapi, domain, language="en")
    runner = FormRunner(ValidateFileComplaintForm(), "file_complaint_form", domain, sender=sender, slots=slots,
                        language="en")
    await runner.say("I want make complaint", intent="file_complaint")
    runner.slots.update(complaint_text="the road in front of my house is blocked", complaint_category_guess="roads",
                        requested_slot="complaint_category")
    await runner.say("yes parking", intent="affirm", confidence=0.7)
    assert runner.slots["complaint_category"] == "illegal_parking"


def test_no_photograph_said_in_a_first_message_counts():
    from actions.complaints import _NO_PHOTO_SAID
    assert _NO_PHOTO_SAID.search("a street lamp has been out outside 138 Jong-ro. I am afraid I have no photograph of it.")
    assert _NO_PHOTO_SAID.search("선릉로 325 앞인데 사진은 찍어 두지 못했습니다")
    assert not _NO_PHOTO_SAID.search("사진 찍어 뒀어요 보내드릴게요")


def test_where_it_happens_never_outweighs_what_happens():
    assert guess_category("someone parks on the crosswalk every morning, kids have to walk around the car into the road",
                          []) == "illegal_parking"


@pytest.mark.parametrize("text,category", [
    ("no not really the shouting, it's the trash they leave behind, that's the problem", "waste"),
    ("아니요 소음이 아니라 쓰레기 문제예요", "waste"),
    ("no it's more of a parking thing", "illegal_parking"),
    ("no, it's not about trash", None),
])
def test_the_category_a_reply_affirms_is_the_one_it_does_not_turn_down(text, category):
    assert affirmed_category(text) == category


@pytest.mark.parametrize("message, description", [
    # the record's description is about the complaint, not the fine asked for beside it
    ("과태료도 내야 되고 민원도 하나 넣어야 되는데 민원부터 할게요. 동네 공원 벤치가 다 부서졌어요", "동네 공원 벤치가 다 부서졌어요"),
    ("The streetlight at 12 Yeoksam-ro, near the school, is out. I also need to pay a fine.",
     "The streetlight at 12 Yeoksam-ro, near the school, is out."),
    # nothing to split off, or too little left to describe anything: the whole message
    ("가로등이 안 켜져요 민원 넣을게요", "가로등이 안 켜져요 민원 넣을게요"),
    ("가로등이 꺼졌는데 과태료도 내야 해요", "가로등이 꺼졌는데 과태료도 내야 해요"),
    ("I need to pay a fine and file a complaint about the pothole on Teheran-ro 12",
     "I need to pay a fine and file a complaint about the pothole on Teheran-ro 12"),
])
def test_a_first_message_asking_for_two_services_keeps_only_the_complaint_as_its_description(message, description):
    assert complaint_part(message) == description


@pytest.mark.parametrize("message, told", [("소화전 앞 불법주차 신고요", True), ("불법주차 신고요", False),
                                           ("complain noise", False), ("loud karaoke bar music till 3am", True)])
def test_a_first_message_with_two_words_of_the_problem_is_a_description(message, told):
    from actions.complaints import tells_what_is_wrong
    assert tells_what_is_wrong(message) is told
