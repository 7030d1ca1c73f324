import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koinon.communities.models import Visibility
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.library import actions, citations
from koinon.library.files import check_upload
from koinon.library.identifiers import clean_doi, clean_isbn
from koinon.library.models import ReadingListItem, Resource, ResourceReview

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def english_and_protected_root(client, settings, tmp_path):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    settings.LIBRARY_PROTECTED_ROOT = tmp_path / "protected"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def office_zip(kind="docx") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "docx":
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        elif kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("evil.exe", "MZ")
    return buffer.getvalue()


def make_resource(author, community, **fields):
    fields.setdefault("kind", "publication")
    fields.setdefault("title", "Agile at scale")
    return actions.do_add_resource(author, community, **fields)


# --- Files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, mime",
    [
        ("report.pdf", PDF_BYTES, "application/pdf"),
        ("chart.png", PNG_BYTES, "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("data.csv", "name,città\nRoma,1\n".encode(), "text/csv; charset=utf-8"),
        ("notes.txt", b"Plain notes\n", "text/plain; charset=utf-8"),
        (
            "plan.docx",
            office_zip("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("plan.odt", office_zip("odt"), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_accepted_files_get_their_real_type(name, content, mime):
    checked = check_upload(upload(name, content))
    assert (checked.name, checked.mime, checked.size) == (name, mime, len(content))


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 50, "executable"),
        ("tool.txt", b"\x7fELF\x02\x01", "executable"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "executable"),
        ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script>", "markup"),
        ("logo.txt", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "markup"),
        ("page.html", b"<html><body>hi</body></html>", "markup"),
        ("logo.svg", b'<?xml version="1.0"?><svg/>', "markup"),
        ("photo.pdf", PNG_BYTES, "type_mismatch"),
        ("report.png", PDF_BYTES, "type_mismatch"),
        ("data.xlsx", office_zip("other"), "type_mismatch"),
        ("archive.zip", office_zip("docx"), "type_mismatch"),
        ("blob.bin", b"\x00\x01\x02\x03binary", "unsupported"),
        ("notes.exe", b"just text", "type_mismatch"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_refused_files_have_a_clear_reason(name, content, code):
    with pytest.raises(ActionError) as caught:
        check_upload(upload(name, content))
    assert (caught.value.code, caught.value.field) == (code, "file")


def test_oversize_files_are_refused(settings):
    settings.LIBRARY_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ActionError) as caught:
        check_upload(upload("big.pdf", PDF_BYTES + b"0" * 2000))
    assert caught.value.code == "too_large"
    assert "limit" in str(caught.value.message)


# --- Identifiers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("10.1000/xyz123", "10.1000/xyz123"),
        ("https://doi.org/10.1145/3368089.3409747", "10.1145/3368089.3409747"),
        ("doi:10.5281/zenodo.123", "10.5281/zenodo.123"),
        ("", ""),
    ],
)
def test_valid_dois_are_normalised(raw, clean):
    assert clean_doi(raw) == clean


@pytest.mark.parametrize("raw", ["11.1000/x", "10.1/abc", "hello", "10.1000/", "10.1000/a b"])
def test_a_doi_that_is_not_a_doi_is_refused(raw):
    with pytest.raises(ActionError) as caught:
        clean_doi(raw)
    assert caught.value.field == "doi"


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("978-88-04-66837-4", "9788804668374"),
        ("ISBN 0-306-40615-2", "0306406152"),
        ("0-8044-2957-X", "080442957X"),
    ],
)
def test_valid_isbns_are_normalised(raw, clean):
    assert clean_isbn(raw) == clean


@pytest.mark.parametrize("raw", ["978-88-04-66837-5", "0-306-40615-3", "12345", "abcdefghij"])
def test_bad_isbns_are_refused(raw):
    with pytest.raises(ActionError) as caught:
        clean_isbn(raw)
    assert caught.value.field == "isbn"


# --- Citations ---------------------------------------------------------------------


def test_bibtex_export_is_exact(community, member):
    resource = make_resource(
        member,
        community,
        title="Lean & agile: 100% of teams",
        authors="Rossi, Maria; Bianchi, Luca",
        year=2021,
        publisher="Journal of Practice",
        doi="10.1000/xyz_123",
        url="https://example.org/paper?id=1",
        language="en",
        licence="CC BY 4.0",
    )
    assert citations.bibtex(resource) == (
        "@article{rossi2021lean,\n"
        "  title = {Lean \\& agile: 100\\% of teams},\n"
        "  author = {Rossi, Maria and Bianchi, Luca},\n"
        "  year = {2021},\n"
        "  journal = {Journal of Practice},\n"
        "  doi = {10.1000/xyz\\_123},\n"
        "  url = {https://example.org/paper?id=1},\n"
        "  language = {en},\n"
        "  note = {Licence: CC BY 4.0}\n"
        "}\n"
    )


def test_bibtex_book_when_a_publication_has_an_isbn(community, member):
    resource = make_resource(
        member,
        community,
        title="Città e comunità",
        authors="Verdi, Anna",
        year=2019,
        publisher="Einaudi",
        isbn="978-88-04-66837-4",
    )
    assert citations.bibtex(resource) == (
        "@book{verdi2019citta,\n"
        "  title = {Città e comunità},\n"
        "  author = {Verdi, Anna},\n"
        "  year = {2019},\n"
        "  publisher = {Einaudi},\n"
        "  isbn = {9788804668374}\n"
        "}\n"
    )


def test_ris_export_is_exact(community, member):
    resource = make_resource(
        member,
        community,
        kind="study",
        title="State of project management 2024",
        authors="Rossi, Maria; Bianchi, Luca",
        year=2024,
        publisher="PM Institute",
        doi="10.1000/pm2024",
        url="https://example.org/study",
        language="it",
    )
    assert citations.ris(resource) == (
        "TY  - RPRT\r\n"
        "AU  - Rossi, Maria\r\n"
        "AU  - Bianchi, Luca\r\n"
        "TI  - State of project management 2024\r\n"
        "PY  - 2024\r\n"
        "PB  - PM Institute\r\n"
        "DO  - 10.1000/pm2024\r\n"
        "UR  - https://example.org/study\r\n"
        "LA  - it\r\n"
        "ER  - \r\n"
    )


# --- Actions -----------------------------------------------------------------------


def test_member_adds_a_resource_with_a_file_stored_under_a_secret_name(community, member, settings):
    resource = make_resource(
        member, community, kind="file", title="Checklist", file=upload("list.pdf", PDF_BYTES)
    )
    assert resource.file_name == "list.pdf" and resource.file_type == "application/pdf"
    stored = Path(resource.file.path)
    assert stored.is_relative_to(Path(settings.LIBRARY_PROTECTED_ROOT))
    assert "list" not in stored.name and len(stored.stem) >= 30
    assert stored.read_bytes() == PDF_BYTES
    assert ActivityEntry.objects.filter(verb="resource.added").exists()


def test_file_kind_needs_a_file_and_link_kind_a_url(community, member):
    with pytest.raises(ActionError) as caught:
        make_resource(member, community, kind="file")
    assert caught.value.field == "file"
    with pytest.raises(ActionError) as caught:
        make_resource(member, community, kind="link")
    assert caught.value.field == "url"


def test_bad_url_and_year_are_field_errors(community, member):
    with pytest.raises(ActionError) as caught:
        make_resource(member, community, url="javascript:alert(1)")
    assert caught.value.field == "url"
    with pytest.raises(ActionError) as caught:
        make_resource(member, community, year=3000)
    assert caught.value.field == "year"


def test_outsider_cannot_add_resources(community, outsider):
    with pytest.raises(Forbidden):
        make_resource(outsider, community)


def test_one_review_per_person_updated_in_place(community, member, mentor):
    resource = make_resource(member, community)
    actions.do_review_resource(mentor, resource, useful_for="Onboarding")
    actions.do_review_resource(mentor, resource, useful_for="Planning", comment="Chapter 3")
    review = ResourceReview.objects.get()
    assert (review.useful_for, review.comment) == ("Planning", "Chapter 3")


def test_reading_lists_collect_resources_once(community, member, mentor):
    resource = make_resource(member, community)
    reading_list = actions.do_create_reading_list(member, community, title="Start here")
    actions.do_add_to_reading_list(member, reading_list, resource, "Read first")
    with pytest.raises(Conflict):
        actions.do_add_to_reading_list(member, reading_list, resource)
    with pytest.raises(Forbidden):
        actions.do_add_to_reading_list(mentor, reading_list, make_resource(member, community))
    assert ReadingListItem.objects.get().note == "Read first"


# --- Pages -------------------------------------------------------------------------


def test_member_uploads_through_the_form_and_downloads_as_attachment(client, community, member):
    client.force_login(member)
    response = client.post(
        reverse("resource-create", args=["pm"]),
        {
            "kind": "file",
            "title": "Risk register",
            "file": upload("risks.csv", b"risk,owner\nlate,pm\n"),
        },
    )
    resource = Resource.objects.get()
    assert response.status_code == 302
    download = client.get(reverse("resource-file", args=["pm", resource.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="risks.csv"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(download.streaming_content) == b"risk,owner\nlate,pm\n"


def test_a_mismatched_upload_is_a_form_error(client, community, member):
    client.force_login(member)
    response = client.post(
        reverse("resource-create", args=["pm"]),
        {
            "kind": "file",
            "title": "Fake",
            "file": upload("fake.pdf", b"<html><script>x</script></html>"),
        },
    )
    assert response.status_code == 400
    assert "markup cannot be uploaded" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_bad_doi_is_a_form_error(client, community, member):
    client.force_login(member)
    response = client.post(
        reverse("resource-create", args=["pm"]),
        {"kind": "publication", "title": "X", "doi": "12.3/x"},
    )
    assert response.status_code == 400 and "This is not a DOI" in response.content.decode()


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SECRET])
def test_files_of_closed_communities_are_404_for_outsiders(
    client, community, member, outsider, visibility
):
    resource = make_resource(
        member, community, kind="file", title="Secret plan", file=upload("plan.pdf", PDF_BYTES)
    )
    community.visibility = visibility
    community.save()
    for who in (None, outsider):
        client.logout()
        if who:
            client.force_login(who)
        for name in ("resource-file", "resource-detail"):
            response = client.get(reverse(name, args=["pm", resource.pk]))
            assert response.status_code == 404
        assert (
            client.get(reverse("resource-citation", args=["pm", resource.pk, "bib"])).status_code
            == 404
        )
    client.force_login(member)
    assert client.get(reverse("resource-file", args=["pm", resource.pk])).status_code == 200


def test_files_are_not_under_media(client, community, member, settings):
    resource = make_resource(
        member, community, kind="file", title="Plan", file=upload("plan.pdf", PDF_BYTES)
    )
    assert not str(Path(resource.file.path)).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        resource.file.url  # noqa: B018


def test_citation_downloads(client, community, member):
    resource = make_resource(
        member, community, authors="Rossi, Maria", year=2020, title="Kanban flow"
    )
    response = client.get(reverse("resource-citation", args=["pm", resource.pk, "ris"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert response["Content-Disposition"] == 'attachment; filename="rossi2020kanban.ris"'
    assert response.content.decode().startswith("TY  - JOUR\r\n")
    assert (
        client.get(reverse("resource-citation", args=["pm", resource.pk, "doc"])).status_code == 404
    )


def test_reading_list_page_and_citations(client, community, member):
    first = make_resource(member, community, title="First book", authors="Alpha, A", year=2001)
    second = make_resource(member, community, title="Second paper", authors="Beta, B", year=2002)
    client.force_login(member)
    response = client.post(reverse("reading-list-create", args=["pm"]), {"title": "Onboarding"})
    assert response.status_code == 302
    reading_list = community.reading_lists.get()
    for resource in (first, second):
        response = client.post(
            reverse("resource-add-to-list", args=["pm", resource.pk]),
            {"reading_list": reading_list.pk},
        )
        assert response.status_code == 302
    text = client.get(reading_list.get_absolute_url()).content.decode()
    assert text.index("First book") < text.index("Second paper")
    bib = client.get(
        reverse("reading-list-citation", args=["pm", reading_list.pk, "bib"])
    ).content.decode()
    assert "@article{alpha2001first," in bib and "@article{beta2002second," in bib
    response = client.post(reverse("reading-list-remove", args=["pm", reading_list.pk, first.pk]))
    assert response.status_code == 302 and reading_list.items.count() == 1


def test_review_from_the_page(client, community, member, mentor):
    resource = make_resource(member, community)
    client.force_login(mentor)
    response = client.post(
        reverse("resource-review", args=["pm", resource.pk]), {"useful_for": "Teaching"}
    )
    assert response.status_code == 302
    assert "Teaching" in client.get(resource.get_absolute_url()).content.decode()
    response = client.post(reverse("resource-review", args=["pm", resource.pk]), {"useful_for": ""})
    assert response.status_code == 400


def test_resource_list_is_bounded_and_filters(
    client, community, member, django_assert_max_num_queries
):
    for n in range(35):
        make_resource(
            member, community, title=f"Paper {n}", kind="publication" if n % 2 else "tool"
        )
    client.force_login(member)
    client.get(reverse("home"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("resource-list", args=["pm"]) + "?kind=tool")
    text = response.content.decode()
    assert "Paper 0" in text and "Paper 1<" not in text


def test_edit_replaces_the_file(client, community, member, moderator):
    resource = make_resource(
        member, community, kind="file", title="Plan", file=upload("plan.pdf", PDF_BYTES)
    )
    old_path = Path(resource.file.path)
    client.force_login(moderator)
    response = client.post(
        reverse("resource-edit", args=["pm", resource.pk]),
        {"kind": "file", "title": "Plan v2", "file": upload("chart.png", PNG_BYTES)},
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.file_name == "chart.png" and not old_path.exists()


def test_others_cannot_edit_a_resource_or_change_a_reading_list(client, community, member, mentor):
    resource = make_resource(member, community)
    reading_list = actions.do_create_reading_list(member, community, title="Mine")
    actions.do_add_to_reading_list(member, reading_list, resource)
    client.force_login(mentor)
    assert client.get(reverse("resource-edit", args=["pm", resource.pk])).status_code == 403
    response = client.post(
        reverse("reading-list-remove", args=["pm", reading_list.pk, resource.pk])
    )
    assert response.status_code == 403
    assert reading_list.items.count() == 1


def test_a_resource_without_a_file_has_no_download(client, community, member):
    resource = make_resource(member, community)
    assert client.get(reverse("resource-file", args=["pm", resource.pk])).status_code == 404


def test_resource_admin_pages_open(admin_client, community, member):
    resource = make_resource(
        member, community, kind="file", title="Plan", file=upload("p.pdf", PDF_BYTES)
    )
    response = admin_client.get(reverse("admin:library_resource_change", args=[resource.pk]))
    assert response.status_code == 200
