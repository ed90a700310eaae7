"""govapi: the shared government services API (reference implementation).

It stands in for the ministry's shared systems: citizens, verification, applications,
fines and payments, move-in reports, complaints and the event outbox.
"""
