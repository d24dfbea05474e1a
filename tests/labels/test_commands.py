"""``clusterlabel verify`` (offline, exit code = verdict) and ``clusterlabel keys``."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.labels import services
from clusterlabel.labels.certificates import credentials
from tests.factories import OrganisationFactory, UserFactory
from tests.labels.issuing.test_reminders import make_label

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def label(loaded_schemes):
    until = timezone.localdate() + timedelta(days=400)
    return make_label(OrganisationFactory(), valid_until=until)


@pytest.fixture
def files(client, label, tmp_path):
    """The credential, the JWKS and both of its issuer's status lists, saved as a verifier
    would (the credential names the suspension list; the revocation list tells revoked from
    suspended)."""
    issuer = credentials.issuer_of(label).key

    def save_status_lists() -> list[str]:
        paths = []
        for purpose in ("revocation", "suspension"):
            path = tmp_path / f"{purpose}.jwt"
            url = reverse("labels:issuer_status_list", args=[issuer, purpose])
            path.write_bytes(client.get(url).content)
            paths.append(str(path))
        return paths

    credential = tmp_path / "label.jwt"
    credential.write_bytes(
        client.get(reverse("labels:credential", args=[label.certificate_number])).content
    )
    jwks = tmp_path / "jwks.json"
    jwks.write_bytes(client.get(reverse("labels:jwks")).content)
    return {
        "credential": str(credential),
        "jwks": str(jwks),
        "status_lists": save_status_lists(),
        "refresh": save_status_lists,
        "dir": tmp_path,
    }


def verify(*args: str, **options) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify", *args, stdout=out, **options)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def with_status(files) -> list[str]:
    return [item for path in files["status_lists"] for item in ("--status-list", path)]


def test_a_valid_credential_verifies(files, label):
    code, output = verify(files["credential"], "--jwks", files["jwks"], *with_status(files))
    assert code == 0
    lines = output.splitlines()
    assert len(lines) == 5
    assert lines[0] == "signature: valid"
    assert lines[1].startswith("key: known kid ")
    assert lines[3].startswith("status: valid")
    assert lines[4] == "verdict: valid (exit 0)"


def test_without_status_lists_the_status_is_not_checked(files):
    code, output = verify(files["credential"], "--jwks", files["jwks"])
    assert code == 8
    assert "status: status not checked" in output
    assert "verdict: NOT CONFIRMED" in output


def test_a_revoked_label_is_reported_once_the_new_list_is_fetched(files, label):
    authority = UserFactory(role=Role.AUTHORITY)
    services.label_change_state(
        label=label, actor=authority, new_state="revoked", reason="Falsche Angaben"
    )
    files["status_lists"] = files["refresh"]()
    code, output = verify(files["credential"], "--jwks", files["jwks"], *with_status(files))
    assert code == 5
    assert "verdict: NOT VALID - revoked (exit 5)" in output


def test_a_tampered_credential_fails_the_signature(files):
    header, payload, signature = Path(files["credential"]).read_text().strip().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["validUntil"] = "2099-12-31T23:59:59Z"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = Path(files["dir"]) / "tampered.jwt"
    tampered.write_text(f"{header}.{forged}.{signature}")
    code, output = verify(str(tampered), "--jwks", files["jwks"], *with_status(files))
    assert code == 1
    assert output.splitlines()[0].startswith("signature: invalid")


def test_now_checks_the_dates_at_another_moment(files, label):
    later = (label.valid_until + timedelta(days=2)).isoformat()
    code, output = verify(files["credential"], "--jwks", files["jwks"], "--now", later)
    assert code == 3
    assert "NOT VALID - expired" in output


def test_usage_errors_exit_64_not_a_verdict(files):
    with pytest.raises(CommandError) as missing:
        call_command("verify", files["credential"])
    assert missing.value.returncode == 64
    with pytest.raises(CommandError) as bad_time:
        call_command("verify", files["credential"], "--jwks", files["jwks"], "--now", "soon")
    assert bad_time.value.returncode == 64


def test_an_unreadable_jwks_is_an_input_error(files):
    code, output = verify(files["credential"], "--jwks", str(Path(files["dir"]) / "none.json"))
    assert code == 10
    assert "cannot read JWKS" in output


def offline_environment(tmp_path: Path) -> dict[str, str]:
    """Production settings with a database that cannot be opened: verify must not need it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    env.update(
        DJANGO_SETTINGS_MODULE="clusterlabel.settings",
        DEBUG="0",
        SECRET_KEY="offline-verifier-" + "k" * 60,
        DATABASE_URL=f"sqlite:///{tmp_path}/no/such/directory/db.sqlite3",
        CLUSTERLABEL_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(REPO / "src"),
    )
    return env


def test_verify_runs_offline_as_a_process(files, tmp_path):
    env = offline_environment(tmp_path)
    command = [sys.executable, "-m", "clusterlabel", "verify", files["credential"]]
    valid = subprocess.run(
        [*command, "--jwks", files["jwks"], *with_status(files)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.splitlines()[-1] == "verdict: valid (exit 0)"
    unchecked = subprocess.run(
        [*command, "--jwks", files["jwks"]], env=env, capture_output=True, text=True, timeout=120
    )
    assert unchecked.returncode == 8
    assert "status not checked" in unchecked.stdout
    usage = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert usage.returncode == 64
    assert "--jwks" in usage.stderr
    assert not (tmp_path / "no").exists()


# --- keys -----------------------------------------------------------------------------------


def test_keys_init_rotate_show_and_old_credentials_still_verify(label, tmp_path):
    with override_settings(CLUSTERLABEL_KEYS_DIR=tmp_path / "keys"):
        out = StringIO()
        call_command("keys", "init", stdout=out)
        assert f"Created key directory {tmp_path / 'keys'}." in out.getvalue()
        platform_kid = credentials.keyring().active.kid
        out = StringIO()
        call_command("keys", "init", stdout=out)
        assert "Kept the existing key directory" in out.getvalue()
        assert credentials.keyring().active.kid == platform_kid

        issuer = credentials.issuer_of(label)
        out = StringIO()
        call_command("keys", "init", "--issuer", issuer.key, stdout=out)
        first_kid = credentials.issuer_keyring(issuer).active.kid
        assert first_kid.startswith(issuer.id + "keys/")
        assert f"Signing key: {first_kid}" in out.getvalue()

        old_token = credentials.signed_label_credential(label)
        out = StringIO()
        call_command("keys", "rotate", "--issuer", issuer.key, stdout=out)
        new_kid = credentials.issuer_keyring(issuer).active.kid
        assert new_kid != first_kid
        assert out.getvalue().splitlines() == [
            f"New signing key: {new_kid}",
            f"Still published (verifies only): {first_kid}",
        ]
        thumbprint = first_kid.rsplit("/", 1)[1]
        retired = (
            credentials.issuer_keys_dir(issuer.key) / f"retired-{thumbprint}.pem"
        ).read_text()
        assert "PUBLIC KEY" in retired
        assert "PRIVATE" not in retired
        # Each issuer rotates on its own: the platform's key did not change.
        assert credentials.keyring().active.kid == platform_kid

        out = StringIO()
        call_command("keys", "show", "--issuer", issuer.key, stdout=out)
        jwks = json.loads(out.getvalue())
        assert [key["kid"] for key in jwks["keys"]] == [new_kid, first_kid]
        assert all(set(key) == {"kty", "n", "e", "kid", "alg", "use"} for key in jwks["keys"])

        report = credentials.verify_token(old_token)
        assert report.is_valid, report
        assert report.kid == first_kid
        # And offline, with the JWKS as published after the rotation.
        (tmp_path / "old.jwt").write_text(old_token)
        (tmp_path / "jwks.json").write_text(out.getvalue())
        code, output = verify(str(tmp_path / "old.jwt"), "--jwks", str(tmp_path / "jwks.json"))
        assert code == 8  # no status list given, but signature and key are fine
        assert f"key: known kid {first_kid}" in output


def test_keys_refuse_an_issuer_key_that_is_not_a_name(tmp_path):
    with (
        override_settings(CLUSTERLABEL_KEYS_DIR=tmp_path / "keys"),
        pytest.raises(CommandError, match="not an issuer key"),
    ):
        call_command("keys", "init", "--issuer", "../../etc")


def test_keys_without_a_key_directory_say_what_to_do(tmp_path):
    with override_settings(CLUSTERLABEL_KEYS_DIR=tmp_path / "none"):
        with pytest.raises(CommandError, match="keys init"):
            call_command("keys", "show")
        with pytest.raises(CommandError, match="keys init"):
            call_command("keys", "rotate")
