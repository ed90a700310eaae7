"""Extensions of the Rasa server runtime: an atomic lock store (and, later, tracker-store guards)."""
