"""The one DNS seam of sender verification.

A `Resolver` is called as dkimpy's `dnsfunc` for DKIM keys, and answers
`lookup(name, rdtype)` for SPF. Tests pass a dict-backed fake; the service
passes `SystemResolver()`. A lookup that got no answer in time raises
`dkim.DnsTimeoutError` (or `TimeoutError`): the caller turns that into
`451 4.4.3`, never into a pass or a refusal.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

RdType = Literal["TXT", "A", "AAAA", "MX", "PTR"]
TIMEOUT = 5.0


class TxtLookup(Protocol):
    """dkimpy's `dnsfunc`: the TXT record at `name` (bytes, dot-terminated), or None."""

    def __call__(self, name: bytes, timeout: float = ...) -> bytes | str | None: ...


class Resolver(TxtLookup, Protocol):
    def lookup(self, name: str, rdtype: RdType) -> list[str]:
        """Every record of that type: TXT strings joined, A/AAAA addresses, MX and
        PTR host names without the trailing dot. [] when the name or type has none."""
        ...


class SystemResolver:
    """dnspython with the host's resolv.conf (or `nameservers`); queries limited to `timeout` s."""

    def __init__(
        self, timeout: float = TIMEOUT, nameservers: list[str] | None = None, port: int = 53
    ) -> None:
        self.timeout = timeout
        self._nameservers = nameservers
        self._port = port
        self._resolver: Any = None  # dnspython loads on the first query, not before

    def _dns(self) -> Any:
        if self._resolver is None:
            import dns.resolver

            resolver = dns.resolver.Resolver(configure=self._nameservers is None)
            if self._nameservers is not None:
                resolver.nameservers = self._nameservers
                resolver.port = self._port
            self._resolver = resolver
        return self._resolver

    def __call__(self, name: bytes, timeout: float = TIMEOUT) -> bytes | None:
        records = self._raw(name.decode("ascii", "replace"), "TXT", min(timeout, self.timeout))
        return records[0].encode("utf-8", "surrogateescape") if records else None

    def lookup(self, name: str, rdtype: RdType) -> list[str]:
        return self._raw(name, rdtype, self.timeout)

    def _raw(self, name: str, rdtype: RdType, timeout: float) -> list[str]:
        import dkim
        import dns.exception
        import dns.resolver

        resolver = self._dns()  # a host without resolv.conf fails here, loudly, as before
        try:
            answer = resolver.resolve(
                name, rdtype, lifetime=timeout, raise_on_no_answer=False, search=False
            )
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except (dns.exception.Timeout, dns.resolver.NoNameservers) as e:
            raise dkim.DnsTimeoutError(f"{rdtype} {name}: {type(e).__name__}") from None
        except dns.exception.DNSException:
            return []  # a malformed name: nothing can be there
        out: list[str] = []
        for rdata in answer:
            if rdtype == "TXT":
                out.append(b"".join(rdata.strings).decode("utf-8", "surrogateescape"))
            elif rdtype == "MX":
                out.append(rdata.exchange.to_text(omit_final_dot=True))
            elif rdtype == "PTR":
                out.append(rdata.target.to_text(omit_final_dot=True))
            else:
                out.append(rdata.address)
        return out
