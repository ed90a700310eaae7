"""The address of the client behind a request: the peer, or, when the peer is a trusted proxy (EDGE_TRUSTED_PROXIES:
the load balancer), the nearest address in X-Forwarded-For that is not one. A client cannot choose its address
by sending the header itself: only a trusted peer's header is read, and only from the right, where each trusted
proxy appended what it saw."""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Iterable, Optional, Sequence, Tuple, Union

from aiohttp import web

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


@lru_cache(maxsize=8)
def _parsed(networks: Tuple[str, ...]) -> Tuple[Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in networks)


def _address(text: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]],
             networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request: web.Request, trusted_proxies: Sequence[str]) -> str:
    networks = _parsed(tuple(trusted_proxies))
    peer = request.remote or ""
    if not _trusted(_address(peer), networks):
        return peer
    forwarded = ",".join(request.headers.getall("X-Forwarded-For", []))
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            return peer  # a hop we cannot read: nothing left of it can be believed
        if not _trusted(address, networks):
            return str(address)
    return peer
