"""The demo phone simulator, used in headless Chromium against the real connectors and Rasa."""
import json
import subprocess

from conftest import ROOT, SERVICES_PYTHON


def test_a_visitor_can_chat_and_tap_on_both_simulated_phones(rasa_server, standins, chat_id, phone):
    run = subprocess.run(
        [str(SERVICES_PYTHON), str(ROOT / "tests" / "connectors" / "simulator_browser.py"),
         standins["url"] + "/simulator/", str(chat_id), phone],
        capture_output=True, text=True, timeout=180, cwd=ROOT / "tests" / "connectors",
    )
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["telegram"][0] == "colors" and seen["telegram"][-1] == "you picked blue"
    assert seen["sms"][-1].startswith("you picked blue")
