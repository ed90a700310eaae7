from rasa.shared.nlu.training_data.message import Message

from minwon_nlu.category_keywords import keyword_table
from minwon_nlu.entity_rules import MinwonEntityRules

SYNONYMS = {"가로등": "street_lighting", "streetlight": "street_lighting", "층간소음": "noise",
            "소음": "noise", "불법주차": "illegal_parking", "전부": "all"}


def rules():
    return MinwonEntityRules(model_storage=None, resource=None, table=keyword_table(SYNONYMS))


def run(text, intent="inform", entities=()):
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9},
                            "entities": list(entities)})
    rules().process([message])
    return [(e["entity"], e.get("normalised", e["value"])) for e in message.get("entities")]


def test_case_number_typed_without_hyphens_reaches_the_dialogue_normalised():
    assert run("ap2026000123 어떻게 됐어요", "check_application_status") == [
        ("case_number", "AP-2026-000123")]


def test_identifier_value_is_the_typed_text_so_tests_can_annotate_it():
    message = Message(data={"text": "번호 01012345678", "intent": {"name": "inform"}, "entities": []})
    rules().process([message])
    [entity] = message.get("entities")
    assert (entity["value"], entity["normalised"]) == ("01012345678", "+821012345678")


def test_a_different_model_guess_for_an_identifier_is_replaced_by_the_rule():
    guess = {"entity": "date", "value": "010-1234", "start": 0, "end": 8}
    assert run("010-1234-5678", entities=[guess]) == [("phone", "+821012345678")]


def test_model_entities_that_do_not_touch_identifiers_are_kept():
    address = {"entity": "address", "value": "테헤란로 12", "start": 0, "end": 7}
    assert run("테헤란로 12", entities=[address]) == [("address", "테헤란로 12")]


def test_category_word_with_a_particle_is_mapped_to_its_code():
    tagged = {"entity": "complaint_category", "value": "가로등이", "start": 0, "end": 4}
    assert run("가로등이 나갔어요", "file_complaint", [tagged]) == [
        ("complaint_category", "street_lighting")]


def test_complaint_without_a_tagged_category_gets_one_from_keywords():
    assert run("윗집 층간소음 때문에 못 살겠어요", "file_complaint") == [
        ("complaint_category", "noise")]
    assert run("report the broken streetlight please", "file_complaint") == [
        ("complaint_category", "street_lighting")]


def test_keywords_are_not_applied_to_other_intents():
    assert run("가로등 예쁘다", "out_of_scope") == []


def test_language_entities_from_the_model_are_dropped():
    stray = {"entity": "language", "value": "영어로", "start": 0, "end": 3}
    assert run("영어로 해줘", "switch_language", [stray]) == []
