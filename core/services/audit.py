"""Appending to the decision log, and checking that nobody has changed it.

`audit_record` is called inside the transaction of the change it records, so a crash
leaves both or neither. Entries are chained per jurisdiction; see core/models/audit.py.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.models.audit import AuditEntry, AuditHead

SYSTEM_CHAIN = "system"


def _key() -> bytes:
    return settings.AUDIT_LOG_KEY.encode()


def chain_of(jurisdiction) -> str:
    return f"j{jurisdiction.pk}" if jurisdiction is not None else SYSTEM_CHAIN


def _canonical(entry: AuditEntry) -> bytes:
    at = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    body = {
        "chain": entry.chain,
        "seq": entry.seq,
        "at": at,
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "jurisdiction": entry.jurisdiction_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "summary": entry.summary,
        "data": entry.data,
        "prev": entry.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hmac.new(_key(), _canonical(entry), hashlib.sha256).hexdigest()


def _json_safe(data) -> dict:
    # Stored as it will read back (dates as strings, tuples as lists), so the hash of the
    # stored row is the hash of what was written.
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def _target(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    return target._meta.label_lower, str(target.pk)


def audit_record(
    *,
    actor,
    action: str,
    jurisdiction=None,
    target=None,
    summary: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Append one decision to its jurisdiction's chain, in the caller's transaction.

    `action` is a stable dotted code (``project.party_review``, ``session.announce``,
    ``role.grant``); `summary` a sentence in the site's language; `data` the facts decided
    (JSON). Must run inside a transaction: the entry lands with the change or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of its change")
    chain = chain_of(jurisdiction)
    head = AuditHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:  # the chain's first entry: make its head (once, whoever races), lock it
        AuditHead.objects.bulk_create([AuditHead(chain=chain)], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(chain=chain)
    target_type, target_id = _target(target)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        chain=chain,
        seq=head.seq + 1,
        at=timezone.now(),
        actor=user,
        actor_name=(user.get_full_name() or user.username) if user else "",
        jurisdiction=jurisdiction,
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=str(summary)[:500],
        data=_json_safe(data),
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class AuditProblem:
    chain: str
    seq: int | None
    kind: str  # edited | deleted | inserted | truncated | head
    detail: str

    def __str__(self) -> str:
        where = f"{self.chain} #{self.seq}" if self.seq is not None else self.chain
        return f"{where}: {self.kind}: {self.detail}"


def _verify_chain(chain: str, entries, head: AuditHead | None) -> list[AuditProblem]:
    problems: list[AuditProblem] = []
    expected_seq, prev_hash = 1, ""
    for entry in entries:
        if entry.seq > expected_seq:
            problems.append(
                AuditProblem(
                    chain,
                    expected_seq,
                    "deleted",
                    f"entries #{expected_seq}–#{entry.seq - 1} are missing",
                )
            )
        if entry_hash(entry) != entry.hash:
            problems.append(
                AuditProblem(chain, entry.seq, "edited", "its content does not match its hash")
            )
        elif entry.prev_hash != prev_hash and entry.seq == expected_seq:
            problems.append(
                AuditProblem(chain, entry.seq, "inserted", "it does not follow the entry before it")
            )
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    last = expected_seq - 1
    if head is None:
        if last:
            problems.append(AuditProblem(chain, None, "inserted", "the chain has no head"))
    elif head.seq > last:
        problems.append(
            AuditProblem(
                chain, last + 1, "truncated", f"entries #{last + 1}–#{head.seq} are missing"
            )
        )
    elif head.seq != last or head.hash != prev_hash:
        problems.append(AuditProblem(chain, head.seq, "head", "the chain head does not match"))
    return problems


def verify_audit_log(
    *, known_heads: dict[str, int] | None = None
) -> tuple[int, list[AuditProblem]]:
    """Check every chain. Returns (entries checked, problems found).

    `known_heads` (chain → number) are heads recorded earlier outside the database (see
    `audit_heads`): a chain now shorter than one of them has lost its last entries.
    """
    heads = {h.chain: h for h in AuditHead.objects.all()}
    chains = set(heads) | set(AuditEntry.objects.values_list("chain", flat=True).distinct())
    checked, problems = 0, []
    for chain in sorted(chains):
        entries = AuditEntry.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000)
        chain_entries = list(entries)
        checked += len(chain_entries)
        problems += _verify_chain(chain, chain_entries, heads.get(chain))
        if known_heads and known_heads.get(chain, 0) > (
            chain_entries[-1].seq if chain_entries else 0
        ):
            problems.append(
                AuditProblem(
                    chain,
                    known_heads[chain],
                    "truncated",
                    "the chain is shorter than its recorded head",
                )
            )
    for chain in sorted(set(known_heads or {}) - chains):
        problems.append(AuditProblem(chain, None, "truncated", "the whole chain is missing"))
    return checked, problems


def audit_heads() -> dict[str, dict]:
    """Every chain's last number and hash: to keep outside the database (a print, a mail,
    another system), so that a truncated chain can be told later."""
    return {h.chain: {"seq": h.seq, "hash": h.hash} for h in AuditHead.objects.order_by("chain")}
