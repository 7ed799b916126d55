"""Who is signed in: the service's one identity layer (accounts with argon2 passwords, rate-limited sign-in).

Everything else in the service asks two things of this module: `sign_in` (a name and a password
from the sign-in form) and `current` (the identity of a request's session, reloaded from the
accounts store on every request, so a disabled account stops at once). An organisation's single
sign-on replaces this module: an OpenID Connect client that, on its callback, finds the account
whose name is the verified `preferred_username` (or e-mail) claim and stores that name in the
session exactly as `sign_in` does; the links to declared people stay in the accounts store.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

from gatekeeper.serve.accounts import Account, AccountStore

SESSION_KEY = "account"


@dataclass(frozen=True)
class Refused:
    """Why a sign-in did not succeed, as the page may say it (never which of name or password was wrong)."""

    message: str
    retry_after: int = 0  # seconds, when refused for too many attempts


class RateLimiter:
    """At most `attempts` failed sign-ins per key (an account name, a client address) in `window` seconds.

    Memory is bounded: at most `max_keys` keys are tracked, the least recently failed forgotten
    first, each with at most `attempts` timestamps. Forgetting a key only ever allows attempts
    sooner for somebody idle longest, never blocks an innocent one.
    """

    def __init__(self, *, attempts: int = 5, window: float = 900.0, max_keys: int = 10_000) -> None:
        self.attempts = attempts
        self.window = window
        self.max_keys = max_keys
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, key: str, now: float | None = None) -> int:
        """Seconds until `key` may try again (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            found = self._failures.get(key)
            if found is None:
                return 0
            while found and found[0] <= now - self.window:
                found.popleft()
            if len(found) < self.attempts:
                return 0
            return max(1, int(found[0] + self.window - now) + 1)

    def failed(self, key: str, now: float | None = None) -> None:
        """Count one failure against `key`."""
        now = time.monotonic() if now is None else now
        with self._lock:
            found = self._failures.pop(key, None) or deque(maxlen=self.attempts)
            found.append(now)
            self._failures[key] = found
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def forget(self, key: str) -> None:
        """Clear `key`'s failures (a successful sign-in)."""
        with self._lock:
            self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._failures)


class PasswordIdentity:
    """Sign-in with the office's accounts: argon2 passwords, rate-limited per account and per client address."""

    def __init__(self, store: AccountStore, *, limiter: RateLimiter | None = None) -> None:
        self.store = store
        self.limiter = limiter or RateLimiter()

    def sign_in(self, session: dict[str, Any], name: str, password: str, *, client: str) -> Account | Refused:
        """Check the password; on success store the account in the session, else say why not."""
        keys = (f"account:{name.strip().casefold()}", f"client:{client}")
        wait = max(self.limiter.retry_after(key) for key in keys)
        if wait:
            return Refused("Too many failed sign-ins. Try again later.", retry_after=wait)
        account = self.store.authenticate(name.strip(), password)
        if account is None:
            for key in keys:
                self.limiter.failed(key)
            return Refused("The account name or the password is not right, or the account is disabled.")
        self.limiter.forget(keys[0])
        session.clear()  # a new session on every sign-in: nothing from before survives it
        session[SESSION_KEY] = account.name
        return account

    def current(self, session: dict[str, Any]) -> Account | None:
        """The enabled account signed in to this session, or None."""
        name = session.get(SESSION_KEY)
        if not isinstance(name, str):
            return None
        account = self.store.get(name)
        if account is None or account.disabled:
            session.pop(SESSION_KEY, None)
            return None
        return account

    @staticmethod
    def sign_out(session: dict[str, Any]) -> None:
        session.clear()
