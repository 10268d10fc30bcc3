"""This machine's addresses on the local network, found at start-up without sending anything.

``spinecoach serve --network`` puts them in its certificate and the phone-pairing link.  On
Linux each interface's IPv4 address is read from the kernel (``SIOCGIFADDR``) and the
interface of the default route (``/proc/net/route``) comes first: that is the one the phone on
the same Wi-Fi can reach.  Elsewhere the addresses the host name resolves to are used.
Loopback, link-local (169.254.x.x) and unspecified addresses are never listed.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from pathlib import Path

_SIOCGIFADDR = 0x8915  # Linux
_ROUTES = Path("/proc/net/route")


def usable(address: str) -> bool:
    """True for an IPv4 address another device may reach (not loopback, link-local, ...)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return (ip.version == 4 and not ip.is_loopback and not ip.is_link_local
            and not ip.is_multicast and not ip.is_unspecified)


def _interface_address(name: str) -> str | None:
    import fcntl

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = struct.pack("256s", name.encode("utf-8", "replace")[:15])
        try:
            answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
        except OSError:  # no IPv4 address on it
            return None
    return socket.inet_ntoa(answer[20:24])


def default_route_interface(routes: str | None = None) -> str | None:
    """The interface of the IPv4 default route in a ``/proc/net/route`` table, or None."""
    if routes is None:
        try:
            routes = _ROUTES.read_text(encoding="ascii", errors="replace")
        except OSError:
            return None
    for line in routes.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 1 and fields[1] == "00000000":
            return fields[0]
    return None


def _linux_addresses() -> list[str]:
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return []
    first = default_route_interface()
    names.sort(key=lambda name: name != first)  # stable: the default route's first
    found = [_interface_address(name) for name in names]
    return [a for a in found if a is not None]


def _resolved_addresses() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [str(info[4][0]) for info in infos]


def lan_ipv4_addresses() -> tuple[str, ...]:
    """This machine's usable IPv4 addresses, the most likely one for a phone first."""
    found = _linux_addresses() if sys.platform.startswith("linux") else []
    found += _resolved_addresses()
    unique: list[str] = []
    for address in found:
        if usable(address) and address not in unique:
            unique.append(address)
    return tuple(unique)
