"""Custom Rasa 3.6 NLU components for minwon (Korean/English).

Referenced from config.yml by their module path, e.g. ``minwon_nlu.kiwi_tokenizer.KiwiTokenizer``;
the package must stay importable from the repository root.
"""

# Every Rasa process that loads our model (rasa run, rasa test, rasa shell) imports this package, whatever
# its credentials or endpoints name; so the runtime's per-turn speed fixes are applied from here too
# (minwon_rasa/speedups.py: without them each action call re-checks the JSON schema, ~50 ms).
import minwon_rasa  # noqa: E402,F401
