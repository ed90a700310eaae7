"""Custom Rasa 3.6 NLU components for minwon (Korean/English).

Referenced from config.yml by their module path, e.g. ``minwon_nlu.kiwi_tokenizer.KiwiTokenizer``;
the package must stay importable from the repository root.
"""
