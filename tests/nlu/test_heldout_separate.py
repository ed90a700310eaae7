"""The held-out sentences (tests/nlu/heldout) stay held out: none is in the training data, and
nothing that trains the model reads them. Only bench/nlu_eval.py reports on them."""
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "nlu" / "heldout"
# [text](entity) and [text]{"entity": ...} annotations read as their text
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    return " ".join(ANNOTATION.sub(r"\1", text).split()).casefold()


def heldout():
    from rasa.shared.nlu.training_data.loading import load_data

    return {f.name: load_data(str(f)).intent_examples for f in sorted(HELDOUT.glob("*.yml"))}


def training_lines():
    """Every list item and `user:` line of every file under data/ (NLU, stories, rules)."""
    lines = set()
    for f in (ROOT / "data").rglob("*"):
        if f.suffix not in (".yml", ".yaml", ".md", ".txt", ".json") or not f.is_file():
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            item = re.sub(r"^\s*(?:-\s+)?(?:user:\s*)?", "", line).strip().strip("\"'|")
            if item:
                lines.add(normalise(item))
    return lines


def test_the_heldout_set_is_big_and_covers_every_intent_in_both_languages():
    from rasa.shared.utils.io import read_yaml_file

    files = heldout()
    intents = {i for i in read_yaml_file(str(ROOT / "domain.yml"))["intents"]
               if not str(i).startswith("EXTERNAL_")}
    assert sum(len(m) for m in files.values()) >= 420
    for lang in ("ko", "en"):
        mine = files[f"heldout_{lang}.yml"]
        assert {m.get("intent") for m in mine} == intents
        vocab = files[f"heldout_oos_vocab_{lang}.yml"]
        assert {m.get("intent") for m in vocab} == {"out_of_scope"}
        assert len(vocab) + sum(m.get("intent") == "out_of_scope" for m in mine) >= 60


def test_no_heldout_sentence_is_in_the_training_data():
    seen = training_lines()
    leaked = [(name, m.get("text")) for name, msgs in heldout().items() for m in msgs
              if normalise(m.get("text")) in seen]
    assert leaked == []


def test_no_heldout_sentence_is_repeated():
    texts = [normalise(m.get("text")) for msgs in heldout().values() for m in msgs]
    assert len(texts) == len(set(texts))


def test_config_does_not_refer_to_the_heldout_set():
    text = (ROOT / "config.yml").read_text(encoding="utf-8").casefold()
    assert "heldout" not in text and "held-out" not in text and "tests/" not in text


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_the_makefile_trains_from_sources_outside_the_heldout_folder():
    sources = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval",
         "print-nlu-sources: ; @echo $(NLU_SOURCES)", "print-nlu-sources"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert sources, "NLU_SOURCES is empty"
    assert not [s for s in sources if (ROOT / s).resolve().is_relative_to(HELDOUT)]
    # every `rasa train ... --data X` reads a folder that does not hold the held-out set
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        words = shlex.split(line) if " train " in f" {line} " and "--data" in line else []
        for i, word in enumerate(words[:-1]):
            if word == "--data":
                data = (ROOT / words[i + 1]).resolve()
                assert not HELDOUT.is_relative_to(data), line
