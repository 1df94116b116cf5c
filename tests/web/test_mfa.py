"""Strong authentication: TOTP and WebAuthn second factors, mandatory for administrators and
supervisors; single-use recovery codes; throttling; re-authentication before exports and
deletions; sessions an administrator revokes; everything audited without a secret.

WebAuthn is exercised end to end with a software authenticator written here (an ECDSA P-256
key, "none" attestation), against the same endpoints the browser uses."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
from typing import Any

import cbor2
import pyotp
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client as Browser

from asylon.web.accounts import mfa
from asylon.web.accounts.models import (
    RecoveryCode,
    SecondFactorThrottle,
    Team,
    TotpDevice,
    User,
    UserSession,
    WebAuthnCredential,
)
from asylon.web.audit.models import AuditEntry
from asylon.web.cases.models import Case, Client
from asylon.web.documents.models import Note

pytestmark = pytest.mark.django_db
# Django's own force_login, even if a conftest wraps it to mark sessions as verified
FORCE_LOGIN = Browser.force_login
PASSWORD = "violet ferry crosses the bay"
LOGIN = "/en/accounts/login/"
VERIFY = "/en/accounts/verify/"
REAUTH = "/en/accounts/reauthenticate/"
SECURITY = "/en/accounts/security/"


@pytest.fixture(autouse=True)
def mfa_settings(settings: Any) -> None:
    settings.ASYLON_MFA_REQUIRED_ROLES = ("admin", "supervisor")
    settings.ASYLON_REAUTH_SECONDS = 600
    settings.ASYLON_MFA_FAILURE_LIMIT = 5
    settings.ASYLON_MFA_LOCKOUT_SECONDS = 900


class Clock:
    """mfa's clock, moved by hand: TOTP steps and the re-authentication window."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(mfa, "_clock", c)
    return c


@pytest.fixture
def team() -> Team:
    return Team.objects.create(name="Moscow office")


def make(name: str, role: str, team: Team | None = None) -> User:
    return User.objects.create_user(name, password=PASSWORD, role=role, team=team)


def log_in(user: User, **extra: Any) -> Browser:
    b = Browser(**extra)
    r = b.post(LOGIN, {"username": user.get_username(), "password": PASSWORD})
    assert r.status_code == 302, r.content[:500]
    return b


def code_at(secret: str, clock: Clock, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now + 30 * steps_ahead)


def enrol_totp(b: Browser, user: User, clock: Clock) -> tuple[str, list[str]]:
    """Set up an authenticator app on the security page: the secret (read from the
    database, as a phone would read the QR code) and the recovery codes shown."""
    page = b.get("/en/accounts/security/totp/")
    assert page.status_code == 200
    secret = mfa.pending_totp_secret(user)
    assert secret and " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page.content.decode()
    done = b.post("/en/accounts/security/totp/", {"code": code_at(secret, clock)})
    assert done.status_code == 200, done.content[:800]
    codes = re.findall(r"<code>([a-z0-9-]{19})</code>", done.content.decode())
    assert len(codes) == 10
    return secret, codes


def actions(user: User) -> list[str]:
    return list(AuditEntry.objects.filter(user=user).values_list("action", flat=True))


def assert_no_secret_in_audit(*secrets: str) -> None:
    dumped = json.dumps(list(AuditEntry.objects.values("action", "details")))
    for s in secrets:
        assert s not in dumped
        assert s.replace("-", "") not in dumped


# --- TOTP ----------------------------------------------------------------------------------


def test_enrol_totp_then_every_login_asks_for_a_code(team: Team, clock: Clock) -> None:
    user = make("cw", User.Role.CASEWORKER, team)
    b = log_in(user)
    assert b.get("/en/").status_code == 200, "a caseworker is not forced to enrol"
    secret, codes = enrol_totp(b, user, clock)
    device = TotpDevice.objects.get(user=user)
    assert device.confirmed and secret not in device.encrypted_secret
    assert secret not in b.get(SECURITY).content.decode(), "never shown after enrolment"
    assert RecoveryCode.objects.filter(user=user).count() == 10
    assert not any(RecoveryCode.objects.filter(code_hash__contains=c) for c in codes)
    b.post("/en/accounts/logout/")

    b = log_in(user)
    first = b.get("/en/")
    assert first.status_code == 302 and first["Location"].startswith(VERIFY)
    assert b.get(f"/en/cases/{1}/case-file.json").status_code == 302
    api = b.get("/api/cases")
    assert api.status_code == 401, "a session short of its second factor is anonymous to the API"
    wrong = b.post(VERIFY, {"code": "000000", "next": "/en/"})
    assert wrong.status_code == 400
    clock.advance(30)
    right = b.post(VERIFY, {"code": code_at(secret, clock), "next": "/en/"})
    assert right.status_code == 302 and right["Location"] == "/en/"
    assert b.get("/en/").status_code == 200
    assert {"mfa_enrolled", "mfa_recovery_codes_issued", "mfa_failed", "mfa_verified"} <= set(
        actions(user)
    )
    assert_no_secret_in_audit(secret, *codes)


def test_a_code_is_accepted_once(team: Team, clock: Clock) -> None:
    user = make("cw", User.Role.CASEWORKER, team)
    secret, _ = enrol_totp(log_in(user), user, clock)
    clock.advance(30)
    code = code_at(secret, clock)
    assert log_in(user).post(VERIFY, {"code": code}).status_code == 302
    assert log_in(user).post(VERIFY, {"code": code}).status_code == 400, "replayed"


def test_wrong_codes_lock_the_second_step_out(team: Team, clock: Clock) -> None:
    user = make("cw", User.Role.CASEWORKER, team)
    secret, _ = enrol_totp(log_in(user), user, clock)
    b = log_in(user)
    statuses = [b.post(VERIFY, {"code": f"{n:06d}"}).status_code for n in range(1, 6)]
    assert statuses == [400, 400, 400, 400, 429]
    clock.advance(30)
    locked = b.post(VERIFY, {"code": code_at(secret, clock)})
    assert locked.status_code == 429, "the right code is refused while locked out"
    assert "15 minutes" in locked.content.decode()
    assert log_in(user).post(VERIFY, {"code": code_at(secret, clock)}).status_code == 429
    assert actions(user).count("mfa_failed") == 5 and "mfa_locked_out" in actions(user)
    throttle = SecondFactorThrottle.objects.get(user=user)
    throttle.locked_until = throttle.locked_until.replace(year=2000)
    throttle.save()
    assert b.post(VERIFY, {"code": code_at(secret, clock)}).status_code == 302
    assert SecondFactorThrottle.objects.get(user=user).failures == 0


def test_a_recovery_code_works_once(team: Team, clock: Clock) -> None:
    user = make("cw", User.Role.CASEWORKER, team)
    _, codes = enrol_totp(log_in(user), user, clock)
    code = codes[3]
    b = log_in(user)
    used = b.post(VERIFY, {"code": code.upper().replace("-", " "), "next": "/en/"})
    assert used.status_code == 302 and b.get("/en/").status_code == 200
    assert RecoveryCode.objects.filter(user=user, used_at=None).count() == 9
    again = log_in(user).post(VERIFY, {"code": code})
    assert again.status_code == 400
    entry = AuditEntry.objects.get(action="mfa_recovery_code_used")
    assert entry.details["remaining"] == 9
    assert_no_secret_in_audit(*codes)
    # new codes replace the old ones, behind a re-authentication
    fresh = b.post("/en/accounts/security/recovery-codes/")
    assert fresh.status_code == 200, "the recovery-code login counts as a fresh authentication"
    assert len(re.findall(r"<code>([a-z0-9-]{19})</code>", fresh.content.decode())) == 10
    assert log_in(user).post(VERIFY, {"code": codes[5]}).status_code == 400


# --- who must enrol -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [User.Role.SUPERVISOR, User.Role.ADMIN])
def test_an_admin_or_supervisor_without_a_second_factor_must_enrol(
    team: Team, clock: Clock, role: str
) -> None:
    user = make("boss", role, team)
    b = log_in(user)
    for url in ("/en/", "/en/register/", "/en/accounts/users/", "/en/stats/"):
        r = b.get(url)
        assert r.status_code == 302 and r["Location"].startswith(SECURITY), url
    assert "requires a second factor" in b.get(SECURITY).content.decode()
    assert b.get(VERIFY).status_code == 302, "nothing to verify yet"
    enrol_totp(b, user, clock)
    assert b.get("/en/").status_code == 200
    b.post("/en/accounts/logout/")
    again = log_in(user)
    assert again.get("/en/")["Location"].startswith(VERIFY), "and verify at each login"


def test_force_login_does_not_pass_the_second_factor(team: Team, clock: Clock) -> None:
    boss = make("boss", User.Role.SUPERVISOR, team)
    b = Browser()
    FORCE_LOGIN(b, boss)
    assert b.get("/en/")["Location"].startswith(SECURITY)
    cw = make("cw", User.Role.CASEWORKER, team)
    enrol_totp(log_in(cw), cw, clock)
    c = Browser()
    FORCE_LOGIN(c, cw)
    assert c.get("/en/")["Location"].startswith(VERIFY)


def test_a_second_factor_provisioned_by_command(team: Team, clock: Clock) -> None:
    admin = make("admin", User.Role.ADMIN, team)
    secret = mfa.provision_totp(admin)
    assert secret not in TotpDevice.objects.get(user=admin).encrypted_secret
    b = log_in(admin)
    assert b.get("/en/")["Location"].startswith(VERIFY)
    assert b.post(VERIFY, {"code": code_at(secret, clock)}).status_code == 302
    assert b.get("/en/").status_code == 200


def test_the_required_roles_are_a_setting(team: Team, settings: Any) -> None:
    settings.ASYLON_MFA_REQUIRED_ROLES = ("admin",)
    assert log_in(make("sup", User.Role.SUPERVISOR, team)).get("/en/").status_code == 200
    assert log_in(make("adm", User.Role.ADMIN, team)).get("/en/").status_code == 302


def test_a_required_role_cannot_remove_its_last_factor(team: Team, clock: Clock) -> None:
    boss = make("boss", User.Role.SUPERVISOR, team)
    b = log_in(boss)
    enrol_totp(b, boss, clock)
    b.post("/en/accounts/security/totp/remove/")
    assert TotpDevice.objects.filter(user=boss, confirmed=True).exists()


# --- re-authentication ----------------------------------------------------------------------


@pytest.fixture
def case(team: Team) -> Case:
    client = Client.objects.create(full_name="Salekh Example", team=team, home_country="SY")
    return Case.objects.create(client=client, team=team, jurisdiction="ru")


def test_case_file_export_wants_a_recent_authentication(
    team: Team, case: Case, clock: Clock
) -> None:
    user = make("cw", User.Role.CASEWORKER, team)
    url = f"/en/cases/{case.pk}/case-file.json"
    b = Browser()
    FORCE_LOGIN(b, user)  # a session that never typed a password here
    first = b.get(url)
    assert (
        first.status_code == 302
        and first["Location"] == f"{REAUTH}?next=%2Fen%2Fcases%2F{case.pk}%2Fcase-file.json"
    )
    page = b.get(first["Location"])
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    wrong = b.post(REAUTH, {"password": "not my password", "next": url})
    assert wrong.status_code == 400 and "reauth_failed" in actions(user)
    ok = b.post(REAUTH, {"password": PASSWORD, "next": url})
    assert ok.status_code == 302 and ok["Location"] == url
    export = b.get(url)
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")
    clock.advance(9 * 60)
    assert b.get(url).status_code == 200, "within the window"
    clock.advance(2 * 60)
    assert b.get(url)["Location"].startswith(REAUTH), "and again after it"
    # a password login through the login page counts as fresh
    assert log_in(user).get(url).status_code == 200


def test_another_teams_case_is_not_found_before_any_reauthentication(
    team: Team, case: Case
) -> None:
    """Access is decided first: a stale session asking for another team's case file or note
    gets the 404 every other page gives, not a redirect that would say the case exists."""
    other = make("cw-other", User.Role.CASEWORKER, Team.objects.create(name="Other"))
    note = Note.objects.create(case=case, author=None, text="a note")
    b = Browser()
    FORCE_LOGIN(b, other)  # never typed a password here: re-authentication would be asked
    assert b.get(f"/en/cases/{case.pk}/case-file.json").status_code == 404
    url = f"/en/cases/{case.pk}/documents/notes/{note.pk}/delete/"
    assert b.post(url).status_code == 404
    assert b.post("/en/exports/999999/download/").status_code == 404
    own = make("cw-own", User.Role.CASEWORKER, team)
    mine = Browser()
    FORCE_LOGIN(mine, own)
    assert mine.get(f"/en/cases/{case.pk}/case-file.json")["Location"].startswith(REAUTH)


def test_reauthentication_keeps_next_on_this_site(team: Team) -> None:
    user = make("cw", User.Role.CASEWORKER, team)
    b = log_in(user)
    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        r = b.post(REAUTH, {"password": PASSWORD, "next": evil})
        assert r.status_code == 302 and r["Location"] == "/en/", evil


def test_note_deletion_wants_password_and_second_factor(
    team: Team, case: Case, clock: Clock
) -> None:
    boss = make("boss", User.Role.SUPERVISOR, team)
    b = log_in(boss)
    secret, _ = enrol_totp(b, boss, clock)
    note = Note.objects.create(case=case, author=boss, text="a note to remove")
    url = f"/en/cases/{case.pk}/documents/notes/{note.pk}/delete/"
    came_from = f"http://testserver/en/cases/{case.pk}/documents/"
    clock.advance(11 * 60)
    asked = b.post(url, HTTP_REFERER=came_from)
    assert asked.status_code == 302
    assert asked["Location"] == f"{REAUTH}?next=%2Fen%2Fcases%2F{case.pk}%2Fdocuments%2F"
    assert Note.objects.filter(pk=note.pk).exists()
    page = b.get(asked["Location"]).content.decode()
    assert 'name="code"' in page and 'name="password"' in page
    no_code = b.post(REAUTH, {"password": PASSWORD, "next": f"/en/cases/{case.pk}/documents/"})
    assert no_code.status_code == 400
    done = b.post(
        REAUTH,
        {
            "password": PASSWORD,
            "code": code_at(secret, clock),
            "next": f"/en/cases/{case.pk}/documents/",
        },
    )
    assert done.status_code == 302 and done["Location"] == f"/en/cases/{case.pk}/documents/"
    assert b.post(url).status_code == 302
    assert not Note.objects.filter(pk=note.pk).exists()
    assert "reauthenticated" in actions(boss) and "delete_note" in actions(boss)
    assert_no_secret_in_audit(secret)


# --- sessions -------------------------------------------------------------------------------


def test_an_admin_revokes_a_users_sessions(team: Team, clock: Clock) -> None:
    admin = make("admin", User.Role.ADMIN, team)
    a = log_in(admin, REMOTE_ADDR="10.1.1.1")
    enrol_totp(a, admin, clock)
    cw = make("cw", User.Role.CASEWORKER, team)
    phone, laptop, desk = (log_in(cw, HTTP_USER_AGENT=ua) for ua in ("Phone", "Laptop", "Desk"))
    for s in (phone, laptop, desk):
        assert s.get("/en/").status_code == 200
    keys = [s.cookies["sessionid"].value for s in (phone, laptop, desk)]
    listing = a.get(f"/en/accounts/users/{cw.pk}/sessions/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert all(ua in html for ua in ("Phone", "Laptop", "Desk"))
    assert log_in(cw).get(f"/en/accounts/users/{cw.pk}/sessions/").status_code == 403
    row = UserSession.objects.get(user=cw, user_agent="Phone")
    r = a.post(f"/en/accounts/users/{cw.pk}/sessions/{row.pk}/revoke/")
    assert r.status_code == 302
    gone = phone.get("/en/")
    assert gone.status_code == 302 and gone["Location"].startswith(LOGIN)
    assert laptop.get("/en/").status_code == 200
    a.post(f"/en/accounts/users/{cw.pk}/sessions/revoke-all/")
    for s in (laptop, desk):
        assert s.get("/en/")["Location"].startswith(LOGIN)
    assert "session_revoked" in actions(admin) and "sessions_revoked_all" in actions(admin)
    entry = AuditEntry.objects.get(action="sessions_revoked_all")
    assert (entry.object_type, entry.object_id, entry.details["sessions"]) == (
        "user",
        str(cw.pk),
        3,
    )
    dumped = json.dumps(list(AuditEntry.objects.values("details")))
    stored = set(UserSession.objects.values_list("key_hash", flat=True))
    for key in keys:
        assert key not in dumped and key not in stored, "session keys are not copied"
    # the user logs in again: a new session, not revoked
    assert log_in(cw).get("/en/").status_code == 200


def test_the_users_page_is_for_admins_only(team: Team, clock: Clock) -> None:
    assert (
        log_in(make("cw", User.Role.CASEWORKER, team)).get("/en/accounts/users/").status_code == 403
    )
    admin = make("admin", User.Role.ADMIN, team)
    a = log_in(admin)
    enrol_totp(a, admin, clock)
    page = a.get("/en/accounts/users/").content.decode()
    assert "cw" in page and "none" in page


def test_an_admin_resets_a_lost_second_factor(team: Team, clock: Clock) -> None:
    admin, boss = make("admin", User.Role.ADMIN, team), make("boss", User.Role.SUPERVISOR, team)
    a = log_in(admin)
    enrol_totp(a, admin, clock)
    enrol_totp(log_in(boss), boss, clock)
    assert a.post(f"/en/accounts/users/{boss.pk}/second-factors/reset/").status_code == 302
    assert not TotpDevice.objects.filter(user=boss).exists()
    assert not RecoveryCode.objects.filter(user=boss).exists()
    assert "mfa_reset_by_admin" in actions(admin)
    assert log_in(boss).get("/en/")["Location"].startswith(SECURITY), "enrols again"


def test_a_revocation_or_reset_whose_audit_entry_fails_is_not_made(
    team: Team, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An administrator's change to another account and its audit entry are one transaction:
    nobody loses their sessions or second factors without a record of who did it."""
    from asylon.web.accounts import sessions

    admin, boss = make("admin", User.Role.ADMIN, team), make("boss", User.Role.SUPERVISOR, team)
    a = log_in(admin)
    enrol_totp(a, admin, clock)
    enrol_totp(log_in(boss), boss, clock)
    assert log_in(boss).get("/en/").status_code in (200, 302)
    live = UserSession.objects.filter(user=boss, revoked_at=None).count()
    assert live >= 1

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(sessions, "record", refuse)
    with pytest.raises(RuntimeError):
        a.post(f"/en/accounts/users/{boss.pk}/sessions/revoke-all/")
    assert UserSession.objects.filter(user=boss, revoked_at=None).count() == live
    monkeypatch.setattr(mfa, "record", refuse)
    with pytest.raises(RuntimeError):
        a.post(f"/en/accounts/users/{boss.pk}/second-factors/reset/")
    assert TotpDevice.objects.filter(user=boss).exists()
    assert RecoveryCode.objects.filter(user=boss).exists()
    assert UserSession.objects.filter(user=boss, revoked_at=None).count() == live


# --- WebAuthn -------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftKey:
    """A minimal WebAuthn authenticator: ES256, no attestation, a signature counter."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.count = 0

    def _client_data(self, kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict[str, Any], origin: str = "http://testserver") -> str:
        numbers = self.key.public_key().public_numbers()
        cose = {
            1: 2,
            3: -7,
            -1: 1,
            -2: numbers.x.to_bytes(32, "big"),
            -3: numbers.y.to_bytes(32, "big"),
        }
        auth_data = (
            hashlib.sha256(options["rp"]["id"].encode()).digest()
            + bytes([0x41])
            + self.count.to_bytes(4, "big")
            + bytes(16)
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + cbor2.dumps(cose)
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "attestationObject": b64url(attestation),
                    "transports": ["usb"],
                },
                "clientExtensionResults": {},
            }
        )

    def get(self, options: dict[str, Any], origin: str = "http://testserver") -> str:
        assert b64url(self.credential_id) in [c["id"] for c in options["allowCredentials"]]
        self.count += 1
        auth_data = (
            hashlib.sha256(options["rpId"].encode()).digest()
            + bytes([0x01])
            + self.count.to_bytes(4, "big")
        )
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature),
                    "userHandle": None,
                },
                "clientExtensionResults": {},
            }
        )


def test_webauthn_endpoints_need_a_login() -> None:
    anonymous = Browser()
    for url in ("/en/accounts/security/keys/options/", "/en/accounts/verify/webauthn-options/"):
        r = anonymous.post(url)
        assert r.status_code == 302 and r["Location"].startswith(LOGIN), url
    assert anonymous.get(SECURITY)["Location"].startswith(LOGIN)
    assert Browser().post("/en/accounts/security/keys/", {"credential": "{}"}).status_code == 302
    assert not WebAuthnCredential.objects.exists()


def test_webauthn_registration_and_login_with_a_security_key(team: Team) -> None:
    boss = make("boss", User.Role.SUPERVISOR, team)
    b = log_in(boss)
    assert b.get("/en/accounts/security/keys/options/").status_code == 405, "POST only"
    options = b.post("/en/accounts/security/keys/options/").json()
    assert options["rp"]["id"] == "testserver" and options["challenge"]
    key = SoftKey()
    # an answer for another origin is refused
    bad = b.post(
        "/en/accounts/security/keys/",
        {"name": "phishing", "credential": key.create(options, origin="https://evil.example")},
    )
    assert bad.status_code == 302 and not WebAuthnCredential.objects.exists()
    options = b.post("/en/accounts/security/keys/options/").json()
    done = b.post(
        "/en/accounts/security/keys/", {"name": "blue key", "credential": key.create(options)}
    )
    assert done.status_code == 200 and "recovery" in done.content.decode().lower()
    assert WebAuthnCredential.objects.get(user=boss).name == "blue key"
    assert b.get("/en/").status_code == 200
    b.post("/en/accounts/logout/")

    b = log_in(boss)
    assert b.get("/en/")["Location"].startswith(VERIFY)
    assert "security key" in b.get(VERIFY).content.decode()
    options = b.post("/en/accounts/verify/webauthn-options/").json()
    ok = b.post(VERIFY, {"assertion": key.get(options), "next": "/en/"})
    assert ok.status_code == 302 and b.get("/en/").status_code == 200
    assert WebAuthnCredential.objects.get(user=boss).sign_count == 1
    # a replayed assertion (its challenge is spent) fails
    c = log_in(boss)
    replay = key.get(options)
    assert c.post(VERIFY, {"assertion": replay}).status_code == 400
    methods = list(
        AuditEntry.objects.filter(action__in=["mfa_enrolled", "mfa_verified"]).values_list(
            "details", flat=True
        )
    )
    assert {"method": "webauthn", "credential": WebAuthnCredential.objects.get().pk} in methods
    assert_no_secret_in_audit(b64url(key.credential_id))
