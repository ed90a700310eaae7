"""Extensions of the Rasa server runtime: atomic lock store, guarded tracker store, ops channel.

Importing the package (which Rasa does when endpoints.yml or credentials.yml names one of its classes)
also applies the per-turn speed fixes of `speedups` and the one behaviour change of `waiting_for_person`
(a citizen waiting for a person may take the request back).
"""
from minwon_rasa import speedups, waiting_for_person

speedups.apply()
waiting_for_person.apply()
