"""The local certificate authority of ``serve --network``: made once, reused, re-issued."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from spinecoach.web.certificates import (
    RENEW_BEFORE,
    SERVER_LIFETIME,
    ensure_certificates,
    machine_names,
    server_cert_is_current,
    spki_sha256_base64,
)
from spinecoach.web.lan import default_route_interface, usable

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NAMES = machine_names("Kims-Laptop", ["192.168.1.20"])


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _sans(certificate: x509.Certificate) -> set[str]:
    alt = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return ({str(n) for n in alt.get_values_for_type(x509.DNSName)}
            | {str(a) for a in alt.get_values_for_type(x509.IPAddress)})


def test_first_run_makes_a_private_ca_and_a_server_certificate(tmp_path: Path) -> None:
    made = ensure_certificates(tmp_path / "tls", NAMES, NOW, hostname="Kims-Laptop")
    assert made.made_ca and made.issued_server
    assert _mode(tmp_path / "tls") == 0o700
    for key in (made.ca_key, made.server_key):
        assert _mode(key) == 0o600
        loaded = serialization.load_pem_private_key(key.read_bytes(), None)
        assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    ca = _cert(made.ca_cert)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.issuer == ca.subject  # self-signed
    assert b"PRIVATE KEY" not in made.ca_pem()


def test_the_server_certificate_names_this_machine(tmp_path: Path) -> None:
    made = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    server = _cert(made.server_cert)
    assert _sans(server) == {"localhost", "kims-laptop", "kims-laptop.local", "127.0.0.1",
                             "::1", "192.168.1.20"}
    alt = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("::1") in alt.get_values_for_type(x509.IPAddress)
    usage = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH in usage
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    # Apple's platforms refuse TLS certificates valid for more than 825 days
    lifetime = server.not_valid_after_utc - server.not_valid_before_utc
    assert lifetime <= timedelta(days=825)
    assert server.not_valid_after_utc == NOW + SERVER_LIFETIME


def test_the_server_certificate_verifies_against_the_ca(tmp_path: Path) -> None:
    made = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    ca, server = _cert(made.ca_cert), _cert(made.server_cert)
    assert server.issuer == ca.subject
    public = ca.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    assert server.signature_hash_algorithm is not None
    public.verify(server.signature, server.tbs_certificate_bytes,
                  ec.ECDSA(server.signature_hash_algorithm))  # raises when it does not
    server.verify_directly_issued_by(ca)
    # and the server's key is the key of its certificate
    key = serialization.load_pem_private_key(made.server_key.read_bytes(), None)
    der = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    assert key.public_key().public_bytes(*der) == server.public_key().public_bytes(*der)


def test_a_second_run_reuses_everything(tmp_path: Path) -> None:
    first = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    before = {p: p.read_bytes() for p in (tmp_path / "tls").iterdir()}
    again = ensure_certificates(tmp_path / "tls", NAMES, NOW + timedelta(days=10))
    assert not again.made_ca and not again.issued_server
    assert {p: p.read_bytes() for p in (tmp_path / "tls").iterdir()} == before
    assert again.ca_fingerprint() == first.ca_fingerprint()


def test_new_addresses_reissue_the_server_certificate_not_the_ca(tmp_path: Path) -> None:
    first = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    ca_before = first.ca_pem()
    moved = machine_names("Kims-Laptop", ["10.0.0.7"])
    again = ensure_certificates(tmp_path / "tls", moved, NOW + timedelta(days=1))
    assert again.issued_server and not again.made_ca
    assert again.ca_pem() == ca_before
    server = _cert(again.server_cert)
    assert "10.0.0.7" in _sans(server) and "192.168.1.20" not in _sans(server)
    server.verify_directly_issued_by(_cert(again.ca_cert))


def test_a_server_certificate_near_its_end_is_reissued(tmp_path: Path) -> None:
    first = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    old = _cert(first.server_cert)
    almost = old.not_valid_after_utc - RENEW_BEFORE + timedelta(hours=1)
    still = ensure_certificates(tmp_path / "tls", NAMES, almost - timedelta(days=2))
    assert not still.issued_server
    renewed = ensure_certificates(tmp_path / "tls", NAMES, almost)
    assert renewed.issued_server and not renewed.made_ca
    assert _cert(renewed.server_cert).not_valid_after_utc > old.not_valid_after_utc


def test_a_lost_ca_is_made_anew_and_the_server_certificate_with_it(tmp_path: Path) -> None:
    first = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    old_fingerprint = first.ca_fingerprint()
    first.ca_key.unlink()
    again = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    assert again.made_ca and again.issued_server
    assert again.ca_fingerprint() != old_fingerprint
    _cert(again.server_cert).verify_directly_issued_by(_cert(again.ca_cert))


def test_damaged_files_are_replaced(tmp_path: Path) -> None:
    first = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    first.server_cert.write_text("not a certificate")
    again = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    assert again.issued_server and not again.made_ca
    assert server_cert_is_current(_cert(again.server_cert), _cert(again.ca_cert), NAMES, NOW)


def test_a_certificate_of_another_ca_is_not_current(tmp_path: Path) -> None:
    one = ensure_certificates(tmp_path / "one", NAMES, NOW)
    two = ensure_certificates(tmp_path / "two", NAMES, NOW)
    assert not server_cert_is_current(_cert(one.server_cert), _cert(two.ca_cert), NAMES, NOW)
    assert server_cert_is_current(_cert(one.server_cert), _cert(one.ca_cert), NAMES, NOW)


def test_an_unwritable_directory_is_one_clear_error(tmp_path: Path) -> None:
    from spinecoach.errors import InputError

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError, match="cannot keep the HTTPS certificates"):
        ensure_certificates(blocker / "tls", NAMES, NOW)


@pytest.mark.parametrize(("hostname", "dns"), [
    ("vm", ["localhost", "vm", "vm.local"]),
    ("kim.example.org", ["localhost", "kim.example.org", "kim.local"]),
    ("my_pc", ["localhost"]),  # an underscore cannot be in a certificate's DNS name
    ("büro", ["localhost"]),
])
def test_machine_names(hostname: str, dns: list[str]) -> None:
    names = machine_names(hostname, ["192.168.1.5", "bad", "192.168.1.5", "[fe80::1]"])
    assert list(names.dns_names) == dns
    assert list(names.ip_addresses) == ["127.0.0.1", "::1", "192.168.1.5", "fe80::1"]


def test_the_spki_pin_is_base64_sha256_of_the_public_key(tmp_path: Path) -> None:
    made = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    server = _cert(made.server_cert)
    spki = server.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert spki_sha256_base64(server) == base64.b64encode(hashlib.sha256(spki).digest()).decode()
    assert made.ca_fingerprint().count(":") == 31


def test_lan_addresses_leave_out_what_a_phone_cannot_reach() -> None:
    assert usable("192.168.1.20") and usable("10.1.2.3")
    assert not any(usable(a) for a in ("127.0.0.1", "169.254.3.4", "0.0.0.0", "::1", "x"))
    table = ("Iface\tDestination\tGateway\tFlags\n"
             "docker0\t000011AC\t00000000\t0001\n"
             "wlan0\t00000000\t0101A8C0\t0003\n")
    assert default_route_interface(table) == "wlan0"
    assert default_route_interface("Iface\tDestination\n") is None


def _verify(server: x509.Certificate, ca: x509.Certificate, name: str,
            at: datetime = NOW) -> None:
    """Verify ``server`` for ``name`` the way a browser does (name constraints included)."""
    from cryptography.x509 import verification

    subject: verification.Subject
    try:
        subject = verification.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        subject = verification.DNSName(name)
    verifier = (verification.PolicyBuilder().store(verification.Store([ca]))
                .time(at + timedelta(hours=1)).build_server_verifier(subject))
    verifier.verify(server, [])


def test_the_ca_can_sign_for_this_machine_only(tmp_path: Path) -> None:
    """A phone that trusts the CA trusts it for this machine's names and private addresses,
    not for any other site, even with the CA's key in other hands."""
    from cryptography.x509.verification import VerificationError

    from spinecoach.web.certificates import MachineNames, _issue_server

    made = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    ca, server = _cert(made.ca_cert), _cert(made.server_cert)
    for name in ("192.168.1.20", "kims-laptop.local", "localhost", "127.0.0.1"):
        _verify(server, ca, name)  # raises when it does not verify
    ca_key = serialization.load_pem_private_key(made.ca_key.read_bytes(), None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    for forged_name, forged in (
            ("bank.example", MachineNames(("bank.example",), ())),
            ("93.184.216.34", MachineNames(("localhost",), ("93.184.216.34",)))):
        _, forged_cert = _issue_server(ca_key, ca, forged, NOW)
        with pytest.raises(VerificationError):
            _verify(forged_cert, ca, forged_name)


def test_a_ca_without_constraints_or_for_other_names_is_made_anew(tmp_path: Path) -> None:
    from spinecoach.web.certificates import ca_permits

    first = ensure_certificates(tmp_path / "tls", NAMES, NOW)
    assert ca_permits(_cert(first.ca_cert), NAMES)
    first_pem = first.ca_pem()
    renamed = machine_names("Kims-Desktop", ["192.168.1.20"])
    again = ensure_certificates(tmp_path / "tls", renamed, NOW + timedelta(days=1))
    assert again.made_ca and again.ca_pem() != first_pem
    _verify(_cert(again.server_cert), _cert(again.ca_cert), "kims-desktop",
            NOW + timedelta(days=1))
    public = machine_names("Kims-Desktop", ["192.168.1.20", "203.0.113.9"])
    assert not ca_permits(_cert(again.ca_cert), public)
    third = ensure_certificates(tmp_path / "tls", public, NOW + timedelta(days=2))
    assert third.made_ca
    _verify(_cert(third.server_cert), _cert(third.ca_cert), "203.0.113.9",
            NOW + timedelta(days=2))
