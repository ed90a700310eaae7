"""Rasa SDK action server of minwon: one module per service, one typed client for govapi."""
