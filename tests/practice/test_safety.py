"""What people share cannot carry script, and attachments are what they say they are and
no bigger than allowed; a refused file leaves nothing behind."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.practice import services
from evenbetter.practice.models import Attachment, PracticeItem
from evenbetter.practice.rendering import render_markdown
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
]


class _Elements(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_never_carries_script(attack: str) -> None:
    # Written-out text such as "[click](javascript:...)" may stay as harmless words; what
    # must never appear is an element or attribute that runs or loads anything.
    html = str(render_markdown("Some text" + chr(10) * 2 + attack + chr(10) * 2 + "**bold**"))
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in {"script", "img", "iframe", "svg", "object", "embed", "style"}, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name in {"href", "src"}:
                assert (value or "").startswith(("https://", "http://", "mailto:")), html
    assert "<strong>bold</strong>" in html


def test_links_are_kept_safe_and_marked() -> None:
    html = str(render_markdown("[DfE](https://www.gov.uk/government/organisations/department-for-education)"))
    assert 'href="https://www.gov.uk/government/organisations/department-for-education"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


GOOD = [
    ("plan.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF", "application/pdf"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
    ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image/jpeg"),
    ("notes.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
]
BAD = [
    ("page.html", b"<html><script>alert(1)</script></html>", "not accepted"),
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not accepted"),
    ("fake.pdf", b"<script>alert(1)</script>", "not a PDF"),
    ("fake.png", b"GIF89a" + b"\x00" * 20, "not a PNG"),
    ("fake.docx", b"PK\x03\x04 not really a zip", "not a DOCX"),
    ("tool.exe", b"MZ\x90\x00", "not accepted"),
    ("noextension", b"%PDF-1.4", "no extension"),
    ("empty.pdf", b"", "empty"),
]


# Ids by file name: the DOCX's bytes hold the time it was zipped, and pytest-xdist needs every
# worker to collect the same test ids.
@pytest.mark.parametrize(("name", "content", "content_type"), GOOD, ids=[name for name, _, _ in GOOD])
def test_real_files_are_accepted_with_the_type_they_are(name: str, content: bytes, content_type: str) -> None:
    # The browser's claimed type is ignored: the type comes from the file itself.
    upload = SimpleUploadedFile(name, content, content_type="text/html")
    assert services.check_upload(upload)[1] == content_type


@pytest.mark.parametrize(("name", "content", "problem"), BAD, ids=[name for name, _, _ in BAD])
def test_wrong_files_are_refused_naming_the_file_and_the_problem(name: str, content: bytes, problem: str) -> None:
    with pytest.raises(services.Refused, match=problem) as refused:
        services.check_upload(SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert name.split(".")[0] in str(refused.value)


@override_settings(EVENBETTER_MAX_ATTACHMENT_MB=1)
def test_an_oversized_file_is_refused_and_the_whole_item_with_it(
    client_for: Callable[[str], Client], school_a: School, tmp_path: object, settings: object
) -> None:
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10), content_type="application/pdf")
    response = client_for("school_leader_a").post(
        reverse("practice_create"),
        {
            "school": school_a.pk, "kind": "idea", "title": "Big file", "summary": "S", "body": "B",
            "areas": ["reading"], "phase": "primary", "attachments": [big],
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert b"over the 1 MB limit" in response.content
    assert not PracticeItem.objects.exists() and not Attachment.objects.exists()


def test_an_attachment_is_served_only_to_readers_and_never_rendered(
    client_for: Callable[[str], Client], school_a: School, school_leader_a: User, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    item = services.item_create(
        author=school_leader_a, schools=[school_a], kind="idea", title="With a plan", summary="S", body="B",
        phase="any", areas=["reading"], files=[SimpleUploadedFile("plan.pdf", GOOD[0][1])],
    )  # fmt: skip
    url = reverse("practice_attachment", args=[item.attachments.get().pk])
    response = client_for("governor").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert client_for("outsider").get(url).status_code == 403
    assert client_for("anonymous").get(url).status_code == 302
