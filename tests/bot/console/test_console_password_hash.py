"""Staff passwords are hashed with argon2id at no less than OWASP's minimum (19 MiB, 2 passes, 1 lane)."""
from argon2 import Type, extract_parameters

from bot.console.auth import hash_password


def test_password_hashes_are_at_least_owasps_argon2id_minimum():
    params = extract_parameters(hash_password("correct horse battery staple"))
    assert params.type is Type.ID
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1
