"""SPF (RFC 7208) `check_host`, for DMARC when dripcast itself is the border MTA.

Behind another MTA the client is 127.0.0.1 and SPF says nothing, so the
caller only asks when `service.border_mta` is true. All DNS goes through the
injected resolver; the RFC's limits (10 DNS-querying terms, 2 void lookups,
10 MX names) bound the work a hostile record can cause.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

from ingest.dmarc import Check, aligned, printable
from ingest.resolver import RdType, Resolver

Result = Literal["pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"]
IP = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_LOOKUPS = 10
MAX_VOID = 2
MAX_MX = 10
# The RFC's limits still allow ~110 queries (10 mx terms × 10 hosts); a record
# built to make us wait that long is treated as broken, not waited for.
MAX_QUERIES = 40
_QUALIFIERS: dict[str, Result] = {
    "+": "pass",
    "": "pass",
    "-": "fail",
    "~": "softfail",
    "?": "neutral",
}
_MECHANISM = re.compile(r"([+?~-]?)(all|include|a|mx|ptr|ip4|ip6|exists)(?=$|[:/])(.*)", re.I)
_MODIFIER = re.compile(r"([a-z][a-z0-9_.-]*)=(.*)", re.I)
_CIDR = re.compile(r"(?::(?P<spec>[^/]+))?(?:/(?P<v4>\d{1,2}))?(?://(?P<v6>\d{1,3}))?")
_MACRO = re.compile(r"%(?:\{([slodiphcrtv])(\d*)(r?)([.\-+,/_=]*)\}|(.))", re.I)


class PermError(Exception):
    pass


class TempError(Exception):
    pass


@dataclass
class _Budget:
    lookups: int = 0
    voids: int = 0
    queries: int = 0

    def spend(self) -> None:
        self.lookups += 1
        if self.lookups > MAX_LOOKUPS:
            raise PermError(f"more than {MAX_LOOKUPS} DNS-querying terms")


def spf_check(
    ip: str, mail_from: str | None, helo: str | None, from_domain: str, resolver: Resolver
) -> Check:
    """DMARC's SPF half: pass for the MAIL FROM domain (HELO for bounces), aligned with From."""
    helo = (helo or "").strip().lower()
    mail_from = (mail_from or "").strip().strip("<>")
    identity = printable(mail_from.rpartition("@")[2].lower() if mail_from else helo)
    if not identity:
        return Check(status="fail", reason="SPF: no MAIL FROM or HELO domain")
    result = check_host(ip, identity, mail_from, helo, resolver)
    if result == "temperror":
        return Check(status="temperror", reason=f"SPF temperror for {identity}")
    if result != "pass":
        return Check(status="fail", reason=f"SPF {result} for {identity}")
    if not aligned(identity, from_domain):
        return Check(
            status="fail", reason=f"SPF pass for {identity}, not aligned with {from_domain}"
        )
    return Check(status="pass", reason=f"SPF pass for {identity}")


def check_host(ip: str, domain: str, sender: str, helo: str, resolver: Resolver) -> Result:
    """The SPF result for mail from `sender` (or HELO `helo`) sent from `ip`."""
    try:
        client = ipaddress.ip_address(ip)
    except ValueError:
        return "permerror"
    if isinstance(client, ipaddress.IPv6Address) and client.ipv4_mapped:
        client = client.ipv4_mapped
    local, _, _ = sender.rpartition("@")
    sender = f"{local or 'postmaster'}@{sender.rpartition('@')[2] or helo}"
    ctx = _Context(client, sender, helo, resolver, _Budget())
    try:
        return ctx.check(domain.rstrip(".").lower(), depth=0)
    except PermError:
        return "permerror"
    except TempError:
        return "temperror"


@dataclass
class _Context:
    ip: IP
    sender: str
    helo: str
    resolver: Resolver
    budget: _Budget

    def check(self, domain: str, depth: int) -> Result:
        if not _valid_domain(domain):
            return "none"
        records = [r for r in self.query(domain, "TXT") if re.match(r"(?i)v=spf1(?: |$)", r)]
        if not records:
            return "none"
        if len(records) > 1:
            raise PermError(f"{domain} has more than one SPF record")
        terms, redirect = _parse(records[0])
        for qualifier, mechanism, arg in terms:
            if self.matches(mechanism, arg, domain, depth):
                return _QUALIFIERS[qualifier]
        if redirect is not None:
            self.budget.spend()
            result = self.check(self.expand(redirect, domain), depth + 1)
            if result == "none":
                raise PermError("redirect to a domain without SPF")
            return result
        return "neutral"

    def matches(self, mechanism: str, arg: str, domain: str, depth: int) -> bool:
        if mechanism == "all":
            if arg:
                raise PermError("all takes no argument")
            return True
        if mechanism in ("ip4", "ip6"):
            return self.in_network(arg[1:] if arg.startswith(":") else "", mechanism)
        m = _CIDR.fullmatch(arg)
        if m is None:
            raise PermError(f"bad {mechanism} argument")
        target = self.expand(m["spec"], domain) if m["spec"] else domain
        if mechanism in ("include", "exists") and (not m["spec"] or m["v4"] or m["v6"]):
            raise PermError(f"{mechanism} needs a domain and no prefix length")
        self.budget.spend()
        if mechanism == "include":
            if depth >= MAX_LOOKUPS:
                raise PermError("include loop")
            result = self.check(target, depth + 1)
            if result in ("permerror", "none"):
                raise PermError(f"include:{target} has no usable SPF record")
            return result == "pass"
        if mechanism == "exists":
            return bool(self.query(target, "A", count_void=True))
        if mechanism == "a":
            return self.any_address(target, m["v4"], m["v6"])
        if mechanism == "mx":
            hosts = self.query(target, "MX", count_void=True)
            if len(hosts) > MAX_MX:
                raise PermError("more than 10 MX hosts")
            return any(self.any_address(h, m["v4"], m["v6"]) for h in hosts)
        return self.ptr(target)

    def in_network(self, spec: str, mechanism: str) -> bool:
        address, _, length = spec.partition("/")
        try:
            net = ipaddress.ip_network(
                f"{address}/{length or ('32' if mechanism == 'ip4' else '128')}", strict=False
            )
        except ValueError:
            raise PermError(f"bad {mechanism} network") from None
        if (mechanism == "ip4") != (net.version == 4):
            raise PermError(f"{mechanism} with the wrong address family")
        return net.version == self.ip.version and self.ip in net

    def any_address(self, host: str, v4: str | None, v6: str | None) -> bool:
        rdtype: RdType = "A" if self.ip.version == 4 else "AAAA"
        length = int(v4 or 32) if self.ip.version == 4 else int(v6 or 128)
        if length > (32 if self.ip.version == 4 else 128):
            raise PermError("prefix length too long")
        for address in self.query(host, rdtype, count_void=True):
            try:
                if self.ip in ipaddress.ip_network(f"{address}/{length}", strict=False):
                    return True
            except ValueError:
                continue
        return False

    def ptr(self, target: str) -> bool:
        # Deprecated (RFC 7208 5.5) but still published; validated names only.
        names = self.query(self.ip.reverse_pointer, "PTR", count_void=True)[:MAX_MX]
        rdtype: RdType = "A" if self.ip.version == 4 else "AAAA"
        for name in names:
            name = name.rstrip(".").lower()
            if name == target or name.endswith("." + target):
                addresses = self.query(name, rdtype)
                if any(_same_ip(a, self.ip) for a in addresses):
                    return True
        return False

    def query(self, name: str, rdtype: RdType, count_void: bool = False) -> list[str]:
        self.budget.queries += 1
        if self.budget.queries > MAX_QUERIES:
            raise PermError(f"more than {MAX_QUERIES} DNS queries")
        import dkim

        try:
            answer = self.resolver.lookup(name, rdtype)
        except (dkim.DnsTimeoutError, TimeoutError, OSError) as e:
            raise TempError(type(e).__name__) from None
        if not answer and count_void:
            self.budget.voids += 1
            if self.budget.voids > MAX_VOID:
                raise PermError("more than 2 void lookups")
        return answer

    def expand(self, spec: str, domain: str) -> str:
        """Macro expansion (RFC 7208 section 7) of a domain-spec."""

        def one(m: re.Match[str]) -> str:
            if m[5] is not None:
                literal = {"%": "%", "_": " ", "-": "%20"}.get(m[5])
                if literal is None:
                    raise PermError("bad macro")
                return literal
            letter = m[1].lower()
            value = self.macro(letter, domain)
            parts = re.split("[" + re.escape(m[4] or ".") + "]", value)
            if m[3]:
                parts.reverse()
            if m[2]:
                if int(m[2]) == 0:
                    raise PermError("macro keeps zero labels")
                parts = parts[-int(m[2]) :]
            return ".".join(parts)

        out = _MACRO.sub(one, spec).rstrip(".").lower()
        while len(out) > 253 and "." in out:
            out = out.split(".", 1)[1]
        return out

    def macro(self, letter: str, domain: str) -> str:
        local, _, sender_domain = self.sender.rpartition("@")
        if letter == "i":
            if self.ip.version == 4:
                return str(self.ip)
            return ".".join(self.ip.packed.hex())  # one label per nibble
        values = {
            "s": self.sender,
            "l": local,
            "o": sender_domain,
            "d": domain,
            "h": self.helo,
            "v": "in-addr" if self.ip.version == 4 else "ip6",
            "p": "unknown",
        }
        if letter not in values:
            raise PermError(f"macro %{{{letter}}} is not allowed here")
        return values[letter]


def _parse(record: str) -> tuple[list[tuple[str, str, str]], str | None]:
    """A record's mechanisms, in order, and its redirect; PermError on any bad term."""
    terms: list[tuple[str, str, str]] = []
    redirect: str | None = None
    for term in record.split()[1:]:
        mech = _MECHANISM.fullmatch(term)
        if mech:
            terms.append((mech[1], mech[2].lower(), mech[3]))
            continue
        mod = _MODIFIER.fullmatch(term)
        if mod is None:
            raise PermError("unknown SPF term")
        if mod[1].lower() == "redirect":
            if redirect is not None:
                raise PermError("two redirect modifiers")
            redirect = mod[2]
    if any(mechanism == "all" for _, mechanism, _ in terms):
        redirect = None  # RFC 7208 6.1: redirect is ignored when there is an all
    return terms, redirect


def _valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    return len(labels) > 1 and all(0 < len(label) < 64 for label in labels) and len(domain) <= 253


def _same_ip(address: str, ip: IP) -> bool:
    try:
        return ipaddress.ip_address(address) == ip
    except ValueError:
        return False
