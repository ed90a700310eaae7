"""What the action server offers matches what the domain names, and every text fits an SMS in both languages."""

import yaml
from actions_testkit import ROOT
from rasa_sdk.executor import ActionExecutor

KOREAN_SMS = 70   # UCS-2: one segment
ENGLISH_SMS = 160  # GSM-7: one segment


def domain_actions():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {a if isinstance(a, str) else next(iter(a)) for a in domain["actions"]}, domain


def test_every_domain_action_is_served_and_nothing_else_of_ours():
    executor = ActionExecutor()
    executor.register_package("actions")
    served = set(executor.actions)
    ours, _ = domain_actions()
    assert ours <= served, f"named in domain.yml but not served: {sorted(ours - served)}"
    # The other parts' actions (hand-back, subscriptions) are declared in domain/ fragments.
    fragments = set()
    for path in (ROOT / "domain").glob("*.yml"):
        if path.is_symlink():
            continue
        for a in yaml.safe_load(path.read_text(encoding="utf-8")).get("actions", []):
            fragments.add(a if isinstance(a, str) else next(iter(a)))
    assert served <= ours | fragments, f"served but named nowhere: {sorted(served - ours - fragments)}"


def test_no_action_needs_the_domain_and_validators_know_their_forms_slots():
    from actions.verification import VerifiedFormValidation
    executor = ActionExecutor()
    executor.register_package("actions")
    _, domain = domain_actions()
    assert all(isinstance(a, str) for a in domain["actions"])  # no send_domain anywhere: selective domain
    validators = [cls() for cls in _subclasses(VerifiedFormValidation)]
    assert {v.name() for v in validators} == {f"validate_{form}" for form in domain["forms"]}
    for validator in validators:
        assert validator.domain_slots({}) == domain["forms"][validator.form_name()]["required_slots"]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


# The texts' own checks (both languages, placeholders, SMS budgets, voice, particles): test_texts_catalogue.py


def test_domain_responses_exist_in_both_languages_and_fit_one_sms():
    _, domain = domain_actions()
    for name, variants in domain["responses"].items():
        english = [v for v in variants if v.get("condition")]
        korean = [v for v in variants if not v.get("condition")]
        assert english and korean, name
        assert all(len(v["text"]) <= KOREAN_SMS for v in korean), name
        assert all(len(v["text"]) <= ENGLISH_SMS for v in english), name


def test_the_dialogue_fragment_is_the_root_domain_so_the_two_cannot_drift():
    # Rasa trains on domain/ (--domain domain); tests, the Dockerfile and `rasa shell` read domain.yml.
    assert (ROOT / "domain" / "dialogue.yml").resolve() == (ROOT / "domain.yml").resolve()
