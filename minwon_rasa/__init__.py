"""Extensions of the Rasa server runtime: atomic lock store, guarded tracker store, ops channel.

Importing the package (which Rasa does when endpoints.yml or credentials.yml names one of its classes)
also applies the per-turn speed fixes of `speedups`.
"""
from minwon_rasa import speedups

speedups.apply()
