"""Password hashing for the test run: Argon2id at its cheapest.

Asylon hashes passwords with Django's Argon2 hasher at its default cost (``settings.py``):
about 0.15 s a hash here, on purpose, and the suite creates and logs in users by the thousand.
The tests keep the algorithm and its encoded form (``argon2$argon2id$...``) and lower only
the cost; ``tests/web/test_access.py`` checks that the product's settings keep the real one.
Processes the tests start (``asylon`` commands) run with the product's settings.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: Argon2's floor for one lane
    parallelism = 1
