"""The local certificate authority behind ``spinecoach serve --network`` (HTTPS on the LAN).

A phone's browser lets a page use the camera only over HTTPS (or on localhost), so a server
the phone reaches over the network needs a certificate.  There is no public name to get one
for, so spinecoach makes its own small certificate authority on first use and signs a server
certificate for this machine with it.  The user trusts the CA once on the phone (it is served,
public part only, at ``/ca.crt``); after that every server certificate it signs is trusted.

Files, in ``<data_dir>/tls`` (0700, like the rest of the data directory):

=============== ===========================================================================
``ca.key``      the CA's private key (0600); never leaves this machine
``ca.crt``      the CA's self-signed certificate (what the phone installs)
``server.key``  the server's private key (0600)
``server.crt``  the server certificate, signed by the CA, for the names of
                :class:`MachineNames`
=============== ===========================================================================

:func:`ensure_certificates` reuses what is there.  It makes a new server certificate (never
a new CA) when the machine's names or addresses changed (a new Wi-Fi network gives a new
address), when it expires within :data:`RENEW_BEFORE`, or when it was not signed by this CA.
A CA that is missing, unreadable or expired is made anew, and the result says so (the
phone must then trust the new one).

The CA may sign for this machine only (X.509 name constraints, :func:`ca_constraints`):
``localhost``, names ending in ``.local``, this machine's own names, and private, link-local
and loopback addresses.  A phone that trusts it therefore trusts nothing else, even if the
CA's key were ever taken from the data directory.  A CA without constraints (made by an
older version) or one whose constraints do not cover the machine's names (it was renamed,
or is on a public address) is made anew.

Keys are ECDSA P-256: small, fast, and accepted by iOS and Android.  The server certificate
is valid for :data:`SERVER_LIFETIME` (Apple's platforms refuse TLS certificates valid for
more than 825 days).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from spinecoach.errors import InputError
from spinecoach.files import PRIVATE_DIR_MODE, write_private

TLS_DIR = "tls"
CA_LIFETIME = timedelta(days=3650)
SERVER_LIFETIME = timedelta(days=397)
RENEW_BEFORE = timedelta(days=30)
_BACKDATE = timedelta(minutes=5)  # a phone whose clock is a little behind still accepts it
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
LOCAL_DNS = ("localhost",)
LOCAL_IPS = ("127.0.0.1", "::1")
PERMITTED_DNS = ("localhost", "local")  # and the machine's own names (see ca_constraints)
PERMITTED_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
    "100.64.0.0/10", "::1/128", "fc00::/7", "fe80::/10"))


@dataclass(frozen=True)
class MachineNames:
    """The names and addresses the server certificate is for (its subject alternative names)."""

    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]

    def all(self) -> frozenset[str]:
        """Every name and address, lower case (what the Host allow-list accepts)."""
        return frozenset(n.lower() for n in (*self.dns_names, *self.ip_addresses))

    def general_names(self) -> list[x509.GeneralName]:
        """The names as X.509 general names."""
        dns: list[x509.GeneralName] = [x509.DNSName(n) for n in self.dns_names]
        ips: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(a))
                                       for a in self.ip_addresses]
        return dns + ips


def _dns_name(name: str) -> str | None:
    """``name`` as a DNS name a certificate can carry, or None (e.g. ``my_pc``, non-ASCII)."""
    name = name.strip().rstrip(".").lower()
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return None
    return name


def machine_names(hostname: str, addresses: Iterable[str]) -> MachineNames:
    """The certificate's names: localhost, 127.0.0.1, ::1, ``hostname``, ``<hostname>.local``
    (the name phones find by mDNS) and ``addresses`` (this machine's LAN addresses).

    A hostname a certificate cannot carry is left out; addresses are normalised, loopback
    ones and duplicates dropped.
    """
    dns = list(LOCAL_DNS)
    host = _dns_name(hostname)
    if host is not None:
        first = host.split(".")[0]
        for name in (host, f"{first}.local"):
            if name not in dns:
                dns.append(name)
    ips = list(LOCAL_IPS)
    for value in addresses:
        try:
            address = str(ipaddress.ip_address(value.strip().strip("[]")))
        except ValueError:
            continue
        if address not in ips:
            ips.append(address)
    return MachineNames(dns_names=tuple(dns), ip_addresses=tuple(ips))


@dataclass(frozen=True)
class Certificates:
    """The CA and server certificate in use, and what :func:`ensure_certificates` did."""

    directory: Path
    names: MachineNames
    made_ca: bool
    issued_server: bool

    @property
    def ca_cert(self) -> Path:
        """The CA certificate (public; what the phone installs)."""
        return self.directory / "ca.crt"

    @property
    def ca_key(self) -> Path:
        """The CA's private key."""
        return self.directory / "ca.key"

    @property
    def server_cert(self) -> Path:
        """The server certificate (uvicorn's ``ssl_certfile``)."""
        return self.directory / "server.crt"

    @property
    def server_key(self) -> Path:
        """The server's private key (uvicorn's ``ssl_keyfile``)."""
        return self.directory / "server.key"

    def ca_pem(self) -> bytes:
        """The CA certificate, PEM."""
        return self.ca_cert.read_bytes()

    def ca_fingerprint(self) -> str:
        """The CA certificate's SHA-256 fingerprint, ``AB:CD:...`` (as phones show it)."""
        return fingerprint(x509.load_pem_x509_certificate(self.ca_pem()))


def fingerprint(certificate: x509.Certificate) -> str:
    """The SHA-256 fingerprint of a certificate's DER bytes, upper-case hex pairs."""
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def spki_sha256_base64(certificate: x509.Certificate) -> str:
    """Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo (a key pin)."""
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _ski(key: ec.EllipticCurvePrivateKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def ca_constraints(names: MachineNames) -> x509.NameConstraints:
    """What the CA may sign for: ``localhost``, ``*.local``, private, link-local and loopback
    addresses, and any of ``names`` outside those (the machine's own hostname; an address
    outside the private ranges, as that one address)."""
    dns = list(PERMITTED_DNS)
    dns += [n for n in names.dns_names if not _dns_within(n, dns)]
    nets = list(PERMITTED_NETWORKS)
    nets += [ipaddress.ip_network(a) for a in names.ip_addresses if not _ip_within(a, nets)]
    permitted: list[x509.GeneralName] = [x509.DNSName(n) for n in dns]
    permitted += [x509.IPAddress(n) for n in nets]
    return x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None)


def _dns_within(name: str, subtrees: Iterable[str]) -> bool:
    name = name.lower()
    return any(name == t or name.endswith(f".{t}") for t in subtrees)


def _ip_within(address: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network],
               ) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip.version == n.version and ip in n for n in networks)


def ca_permits(ca: x509.Certificate, names: MachineNames) -> bool:
    """True when ``ca`` has name constraints and they cover every one of ``names``."""
    try:
        constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return False
    subtrees = constraints.permitted_subtrees or []
    dns = [str(n.value).lower() for n in subtrees if isinstance(n, x509.DNSName)]
    nets = [n.value for n in subtrees if isinstance(n, x509.IPAddress)
            and isinstance(n.value, ipaddress.IPv4Network | ipaddress.IPv6Network)]
    return (all(_dns_within(n, dns) for n in names.dns_names)
            and all(_ip_within(a, nets) for a in names.ip_addresses))


def _make_ca(hostname: str, now: datetime, names: MachineNames,
             ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _new_key()
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "spinecoach"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"spinecoach local CA ({hostname[:32]})"),
    ])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE).not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ca_constraints(names), critical=True)
        .add_extension(_ski(key), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _issue_server(ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate,
                  names: MachineNames, now: datetime,
                  ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _new_key()
    subject = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "spinecoach"),
        x509.NameAttribute(NameOID.COMMON_NAME, names.dns_names[-1][:64]),
    ])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(ca.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(min(now + SERVER_LIFETIME, ca.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names.general_names()), critical=False)
        .add_extension(_ski(key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, certificate


def _load_ca(directory: Path, now: datetime,
             ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None:
    """The stored CA when it is whole, matches its key and is valid beyond the renewal window."""
    try:
        key = serialization.load_pem_private_key((directory / "ca.key").read_bytes(), None)
        certificate = x509.load_pem_x509_certificate((directory / "ca.crt").read_bytes())
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    if not _same_key(key, certificate):
        return None
    if certificate.not_valid_after_utc - RENEW_BEFORE <= now:
        return None
    return key, certificate


def server_cert_is_current(certificate: x509.Certificate, ca: x509.Certificate,
                           names: MachineNames, now: datetime) -> bool:
    """True when ``certificate`` was signed by ``ca``, names exactly ``names`` and does not
    expire within :data:`RENEW_BEFORE`."""
    try:
        certificate.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    if certificate.not_valid_after_utc - RENEW_BEFORE <= now:
        return False
    try:
        alt = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    present = {str(n).lower() for n in alt.get_values_for_type(x509.DNSName)}
    present |= {str(a) for a in alt.get_values_for_type(x509.IPAddress)}
    return present == names.all()


def _load_server(directory: Path) -> x509.Certificate | None:
    try:
        key = serialization.load_pem_private_key((directory / "server.key").read_bytes(), None)
        certificate = x509.load_pem_x509_certificate((directory / "server.crt").read_bytes())
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    if not _same_key(key, certificate):
        return None
    return certificate


def _same_key(key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> bool:
    der, spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return (key.public_key().public_bytes(der, spki)
            == certificate.public_key().public_bytes(der, spki))


def _private_directory(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        directory.chmod(PRIVATE_DIR_MODE)
    except OSError as exc:
        raise InputError(f"cannot keep the HTTPS certificates in {directory} "
                         f"({exc.strerror or exc}); check the data directory") from exc


def ensure_certificates(directory: Path, names: MachineNames, now: datetime,
                        hostname: str = "this computer") -> Certificates:
    """Make (first run) or reuse the CA and a server certificate for ``names``.

    Raises
    ------
    InputError
        When ``directory`` cannot be created or written.
    """
    _private_directory(directory)
    made_ca = False
    loaded = _load_ca(directory, now)
    if loaded is not None and not ca_permits(loaded[1], names):
        loaded = None  # unconstrained (older), or it cannot sign for this machine's names
    try:
        if loaded is None:
            loaded = _make_ca(hostname, now, names)
            write_private(directory / "ca.key", _key_pem(loaded[0]))
            write_private(directory / "ca.crt", _cert_pem(loaded[1]))
            made_ca = True
        ca_key, ca = loaded
        current = _load_server(directory)
        issued = current is None or not server_cert_is_current(current, ca, names, now)
        if issued:
            key, certificate = _issue_server(ca_key, ca, names, now)
            write_private(directory / "server.key", _key_pem(key))
            write_private(directory / "server.crt", _cert_pem(certificate))
    except OSError as exc:
        raise InputError(f"cannot write the HTTPS certificates in {directory} "
                         f"({exc.strerror or exc}); check the data directory") from exc
    return Certificates(directory=directory, names=names, made_ca=made_ca,
                        issued_server=issued)
