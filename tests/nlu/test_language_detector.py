from rasa.shared.nlu.training_data.message import Message

from minwon_nlu.language_detector import LanguageDetector


def detect(text, every_message=False, entities=()):
    message = Message(data={"text": text, "entities": list(entities)})
    LanguageDetector({"entity_for_every_message": every_message}).process([message])
    language_entities = [e for e in message.get("entities", []) if e["entity"] == "language"]
    return message.get("language"), message.get("language_requested"), language_entities


def test_every_message_gets_its_language_in_the_parse_data():
    assert detect("과태료 내려구요")[:2] == ("ko", False)
    assert detect("I want to pay my fine")[:2] == ("en", False)


def test_without_a_request_no_language_entity_is_added_by_default():
    assert detect("과태료 내려구요")[2] == []


def test_a_switch_request_adds_the_entity_on_the_language_word():
    text = "in English please"
    language, requested, entities = detect(text)
    assert (language, requested) == ("en", True)
    assert [(e["value"], text[e["start"]:e["end"]]) for e in entities] == [("en", "English")]


def test_digits_only_leave_the_language_unset():
    assert detect("010-1234-5678") == (None, None, [])


def test_every_message_mode_tags_the_first_word_outside_other_entities():
    case = {"entity": "case_number", "value": "AP-2026-000123", "start": 0, "end": 14}
    text = "AP-2026-000123 status please"
    _, _, entities = detect(text, every_message=True, entities=[case])
    assert [(e["value"], text[e["start"]:e["end"]]) for e in entities] == [("en", "status")]
