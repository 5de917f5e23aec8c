"""Writes of the practice library: items and their attachments, comments, "we tried this"
and what the tries achieved, follows, reports and moderation, and the weekly digest."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.benchmarks.change import Values, ValuesByPeriod
from evenbetter.indicators.models import Indicator
from evenbetter.practice.measured import line_verdict, measure_item
from evenbetter.practice.models import (
    Attachment,
    Comment,
    DigestSent,
    Follow,
    ItemArea,
    ItemEvidence,
    PooledResult,
    PracticeItem,
    Report,
    Tried,
    TriedResult,
    Visible,
)
from evenbetter.practice.search import index_items
from evenbetter.practice.selectors import is_moderator
from evenbetter.schools.models import School
from evenbetter.vocabulary.areas import AREAS


class Refused(Exception):
    """A write that may not happen; the message says why."""


# --- Items ---------------------------------------------------------------------------------


@transaction.atomic
def item_create(
    *,
    author: User,
    schools: Iterable[School],
    kind: str,
    title: str,
    summary: str,
    body: str,
    phase: str,
    areas: Iterable[str],
    files: Iterable[UploadedFile] = (),
) -> PracticeItem:
    files = list(files)
    for upload in files:  # every file checked before anything is written
        check_upload(upload)
    item = PracticeItem.objects.create(
        author=author, kind=kind, title=title.strip(), summary=summary.strip(), body=body.strip(), phase=phase
    )
    item.schools.set(list(schools))
    ItemArea.objects.bulk_create([ItemArea(item=item, area=area) for area in dict.fromkeys(areas)])
    for upload in files:
        attachment_add(item=item, upload=upload, by=author)
    index_items([item])
    measures_refresh(items=[item])
    return item


@transaction.atomic
def item_update(
    *, item: PracticeItem, by: User, title: str, summary: str, body: str, phase: str, kind: str, areas: Iterable[str]
) -> PracticeItem:
    if item.author_id != by.pk or item.status == Visible.HIDDEN:
        raise Refused("Only its author edits an item, and not while a moderator has hidden it.")
    item.title, item.summary, item.body = title.strip(), summary.strip(), body.strip()
    item.phase, item.kind = phase, kind
    item.save()
    item.areas.all().delete()
    ItemArea.objects.bulk_create([ItemArea(item=item, area=area) for area in dict.fromkeys(areas)])
    index_items([item])
    measures_refresh(items=[item])  # its areas, so what measures it, may have changed
    return item


def item_withdraw(*, item: PracticeItem, by: User) -> PracticeItem:
    if item.author_id != by.pk:
        raise Refused("Only its author withdraws an item.")
    if item.status == Visible.HIDDEN:
        raise Refused("A moderator has hidden this item; it cannot be withdrawn or republished now.")
    item.status = Visible.PUBLISHED if item.status == Visible.WITHDRAWN else Visible.WITHDRAWN
    item.save(update_fields=["status", "updated_at"])
    return item


def moderate(*, target: PracticeItem | Comment, by: User, hide: bool, note: str) -> None:
    """A system lead hides (or restores) an item or comment; its open reports are resolved."""
    if not is_moderator(by):
        raise Refused("Only system leads moderate the library.")
    with transaction.atomic():
        target.status = Visible.HIDDEN if hide else Visible.PUBLISHED
        if isinstance(target, PracticeItem):
            target.moderation_note = note.strip()
            target.save(update_fields=["status", "moderation_note", "updated_at"])
            reports = Report.objects.filter(item=target)
        else:
            target.save(update_fields=["status"])
            reports = Report.objects.filter(comment=target)
        reports.filter(resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=by, decision=("Hidden: " if hide else "Kept: ") + note.strip()
        )


# --- Attachments ---------------------------------------------------------------------------

# What may be attached, by extension: the type it must be, and how its first bytes must look.
_ZIP = b"PK\x03\x04"
ALLOWED: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".gif": ("image/gif", b"GIF8"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
}
_OFFICE_MARKER = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}


def _clean_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "file"
    return cleaned[-120:]


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """The cleaned name and content type of an acceptable file; Refused, naming the file and
    the problem, otherwise. The type comes from what the file is, never from what the
    browser said it was."""
    name = _clean_name(upload.name or "")
    limit = settings.EVENBETTER_MAX_ATTACHMENT_MB * 1024 * 1024
    size = upload.size or 0
    if size > limit:
        raise Refused(f"{name}: {size / 1048576:.1f} MB is over the {settings.EVENBETTER_MAX_ATTACHMENT_MB} MB limit.")
    if size == 0:
        raise Refused(f"{name}: the file is empty.")
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        kinds = ", ".join(sorted({e.lstrip(".") for e in ALLOWED}))
        raise Refused(f"{name}: {extension or 'a file with no extension'} is not accepted; attach {kinds}.")
    content_type, magic = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    if not head.startswith(magic):
        raise Refused(f"{name}: its contents are not a {extension.lstrip('.').upper()} file.")
    if magic == _ZIP:
        upload.seek(0)
        try:
            with zipfile.ZipFile(BytesIO(upload.read())) as archive:
                names = archive.namelist()
                if extension in _OFFICE_MARKER:
                    ok = "[Content_Types].xml" in names and any(n.startswith(_OFFICE_MARKER[extension]) for n in names)
                else:
                    ok = archive.read("mimetype").decode("ascii", "replace").strip() == content_type
                if any(n.lower().endswith((".bin", ".exe", ".js")) and "vbaproject" in n.lower() for n in names):
                    raise Refused(f"{name}: documents with macros are not accepted.")
        except (zipfile.BadZipFile, KeyError):
            ok = False
        if not ok:
            raise Refused(f"{name}: its contents are not a {extension.lstrip('.').upper()} document.")
    upload.seek(0)
    return name, content_type


def attachment_add(*, item: PracticeItem, upload: UploadedFile, by: User) -> Attachment:
    name, content_type = check_upload(upload)
    attachment = Attachment(item=item, name=name, content_type=content_type, size=upload.size or 0, uploaded_by=by)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


# --- Comments, tries, follows, reports -------------------------------------------------------


def comment_create(*, item: PracticeItem, author: User, body: str, parent: Comment | None = None) -> Comment:
    if item.status != Visible.PUBLISHED:
        raise Refused("Comments are closed on an item that is not published.")
    if parent is not None and parent.item_id != item.pk:
        raise Refused("A reply answers a comment on the same item.")
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent  # replies stay one level deep: a reply to a reply joins its thread
    return Comment.objects.create(item=item, author=author, body=body.strip(), parent=parent)


def comment_edit(*, comment: Comment, by: User, body: str | None = None, withdraw: bool = False) -> Comment:
    if comment.author_id != by.pk or comment.status == Visible.HIDDEN:
        raise Refused("Only its author edits or withdraws a comment, and not while a moderator has hidden it.")
    if withdraw:
        comment.status = Visible.WITHDRAWN
    elif body is not None:
        comment.body = body.strip()
        comment.edited_at = timezone.now()
    comment.save()
    return comment


@transaction.atomic
def tried_record(
    *, item: PracticeItem, school: School, author: User, outcome: str, note: str, started_on: dt.date
) -> Tried:
    if item.status != Visible.PUBLISHED:
        raise Refused("Only a published item can be tried.")
    if started_on > timezone.localdate():
        raise Refused(f"The start, {started_on.day} {started_on:%B %Y}, is in the future: say when the school started.")
    tried, _ = Tried.objects.update_or_create(
        item=item,
        school=school,
        defaults={"author": author, "outcome": outcome, "note": note.strip(), "started_on": started_on},
    )
    # Every try of the item is measured again: each leaves the others out of its comparison.
    measures_refresh(items=[item])
    return tried


@transaction.atomic
def measures_refresh(*, items: Iterable[PracticeItem] | None = None) -> int:
    """Measure the tries of these items (every item when None) and pool them
    (``practice/measured.py``), replacing what was kept; the number of items measured."""
    chosen = PracticeItem.objects.all() if items is None else PracticeItem.objects.filter(pk__in=[i.pk for i in items])
    chosen = chosen.prefetch_related("areas", "schools", "tries").order_by("pk")
    now = timezone.now()
    known: dict[str, list[Indicator]] = {}
    # Every item: read each indicator's years whole, once; a few: a few queries a school.
    values = ValuesByPeriod() if items is None else Values()
    measured = 0
    for start in range(0, chosen.count(), 200):  # a few hundred items at a time: memory stays flat
        batch = list(chosen[start : start + 200])
        ids = [item.pk for item in batch]
        TriedResult.objects.filter(tried__item_id__in=ids).delete()
        PooledResult.objects.filter(item_id__in=ids).delete()
        ItemEvidence.objects.filter(item_id__in=ids).delete()
        tried_rows, pooled_rows, evidence_rows = [], [], []
        for item in batch:
            measure = measure_item(item, known, values)
            for tried_id, lines in measure.lines.items():
                for position, line in enumerate(lines):
                    estimate = line.estimate
                    tried_rows.append(
                        TriedResult(
                            tried_id=tried_id,
                            indicator=line.indicator,
                            position=position,
                            before_period=line.before_period,
                            after_period=line.after_period or "",
                            effect=_finite(estimate.effect) if estimate else None,
                            low=_finite(estimate.low) if estimate else None,
                            high=_finite(estimate.high) if estimate else None,
                            noise_sd=_finite(estimate.noise_sd) if estimate else None,
                            comparison_schools=estimate.comparison_schools if estimate else 0,
                            verdict=line_verdict(line),
                            words=line.words,
                        )
                    )
            for position, pooled in enumerate(measure.pooled):
                pooled_rows.append(
                    PooledResult(
                        item=item,
                        indicator=pooled.indicator,
                        position=position,
                        tried=pooled.tried,
                        schools=pooled.schools,
                        effect=pooled.effect,
                        low=pooled.low,
                        high=pooled.high,
                        standard_error=pooled.standard_error,
                        verdict=pooled.verdict,
                        words=pooled.words,
                    )
                )
            evidence_rows.append(
                ItemEvidence(
                    item=item,
                    verdict=measure.verdict,
                    rank=measure.rank,
                    strength=measure.strength,
                    words=measure.words,
                    measured_at=now,
                )
            )
            measured += 1
        TriedResult.objects.bulk_create(tried_rows)
        PooledResult.objects.bulk_create(pooled_rows)
        ItemEvidence.objects.bulk_create(evidence_rows)
    return measured


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def follow_toggle(*, user: User, item: PracticeItem | None = None, area: str = "") -> bool:
    """Follow, or stop following if already; True when now following."""
    if (item is None) == (not area):
        raise Refused("Follow an item or an area.")
    if area and area not in dict(AREAS):
        raise Refused(f'There is no area "{area}".')
    existing = Follow.objects.filter(user=user, item=item) if item else Follow.objects.filter(user=user, area=area)
    if existing.exists():
        existing.delete()
        return False
    Follow.objects.create(user=user, item=item, area=area)
    return True


def report_create(*, by: User, reason: str, item: PracticeItem | None = None, comment: Comment | None = None) -> Report:
    if (item is None) == (comment is None):
        raise Refused("Report an item or a comment.")
    return Report.objects.create(by=by, reason=reason.strip(), item=item, comment=comment)


# --- The weekly digest ---------------------------------------------------------------------


@dataclass(frozen=True)
class DigestResult:
    sent: int
    skipped_nothing_new: int


def digest_send(*, now: dt.datetime | None = None, days: int = 7) -> DigestResult:
    """E-mail each follower what is new in the areas and items they follow since their last
    digest (at most ``days`` back); nobody gets two digests within a day, so a re-run sends
    nothing twice."""
    now = now or timezone.now()
    sent = skipped = 0
    area_names = dict(AREAS)
    followers = User.objects.filter(practice_follows__isnull=False, is_active=True).exclude(email="").distinct()
    for user in followers:
        last = DigestSent.objects.filter(user=user).values_list("sent_at", flat=True).first()
        if last is not None and now - last < dt.timedelta(days=1):
            skipped += 1
            continue
        since = max(last or now - dt.timedelta(days=days), now - dt.timedelta(days=days))
        areas = list(Follow.objects.filter(user=user).exclude(area="").values_list("area", flat=True))
        items = list(Follow.objects.filter(user=user).exclude(item=None).values_list("item_id", flat=True))
        new_items = (
            PracticeItem.objects.filter(status=Visible.PUBLISHED, created_at__gt=since, created_at__lte=now)
            .filter(areas__area__in=areas)
            .exclude(author=user)
            .distinct()
            .order_by("-created_at")[:20]
        )
        new_comments = (
            Comment.objects.filter(
                item_id__in=items, status=Visible.PUBLISHED, created_at__gt=since, created_at__lte=now
            )
            .exclude(author=user)
            .select_related("item")
        )
        new_tries = Tried.objects.filter(item_id__in=items, created_at__gt=since, created_at__lte=now).select_related(
            "item", "school"
        )
        if not (new_items or new_comments or new_tries):
            skipped += 1
            continue
        lines = ["What is new in the practice library for you:\n"]
        for item in new_items:
            area_words = ", ".join(area_names.get(a, a) for a in item.area_codes)
            lines.append(
                f"- {item.get_kind_display()}: {item.title} ({area_words}) {reverse('practice_detail', args=[item.pk])}"
            )
        for comment in new_comments:
            lines.append(f"- A comment on {comment.item.title}: {comment.body[:140]}")
        for tried in new_tries:
            lines.append(f"- {tried.school.name} tried {tried.item.title}: {tried.get_outcome_display().lower()}")
        lines.append("\nYou get this because you follow these areas or items; unfollow on the library's pages.")
        send_mail(
            subject="Even Better: new practice in the areas you follow",
            message="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
        DigestSent.objects.update_or_create(user=user, defaults={"sent_at": now})
        sent += 1
    return DigestResult(sent=sent, skipped_nothing_new=skipped)
