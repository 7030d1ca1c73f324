from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koinon.accounts.tests.factories import PASSWORD
from koinon.learning import actions
from koinon.learning.models import (
    Enrolment,
    EnrolmentStatus,
    HandIn,
    ModuleProgress,
)
from koinon.learning.tests.factories import members
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_a_participant_marks_a_reading_module_done(cohort, modules, member):
    actions.do_enrol(member, cohort)
    actions.do_mark_done(member, cohort, modules[0])
    assert ModuleProgress.objects.filter(module=modules[0], enrolment__user=member).exists()


def test_marking_a_module_done_in_a_cohort_you_are_not_in_is_refused(cohort, modules, member):
    with pytest.raises(ActionError) as err:
        actions.do_mark_done(member, cohort, modules[0])
    assert err.value.status == 403 and err.value.code == "not_participant"


def test_an_activity_module_is_done_by_handing_in(cohort, modules, member):
    actions.do_enrol(member, cohort)
    with pytest.raises(ActionError) as err:
        actions.do_mark_done(member, cohort, modules[1])
    assert err.value.code == "activity_required"
    hand_in = actions.do_submit_hand_in(member, cohort, modules[1], text="It went *well*.")
    assert hand_in.submitted_at and not hand_in.is_late
    assert "<em>well</em>" in hand_in.text_html
    assert ModuleProgress.objects.filter(module=modules[1]).exists()


def test_an_empty_reflection_is_refused(cohort, modules, member):
    actions.do_enrol(member, cohort)
    with pytest.raises(ActionError) as err:
        actions.do_submit_hand_in(member, cohort, modules[1], text="  ")
    assert err.value.field == "text"


def test_after_the_deadline_a_hand_in_is_marked_late_when_allowed(cohort, modules, member):
    cohort.handin_deadline = timezone.now() - timedelta(hours=1)
    cohort.save()
    actions.do_enrol(member, cohort)
    hand_in = actions.do_submit_hand_in(member, cohort, modules[1], text="Late thoughts")
    assert hand_in.is_late


def test_after_the_deadline_a_hand_in_is_refused_when_the_facilitator_chose_so(
    cohort, modules, member
):
    cohort.handin_deadline = timezone.now() - timedelta(hours=1)
    cohort.late_policy = "refuse"
    cohort.save()
    actions.do_enrol(member, cohort)
    actions.do_save_draft(member, cohort, modules[1], text="Draft kept")
    with pytest.raises(ActionError) as err:
        actions.do_submit_hand_in(member, cohort, modules[1], text="Too late")
    assert err.value.status == 400 and err.value.code == "deadline_passed"
    hand_in = HandIn.objects.get()
    assert hand_in.submitted_at is None and hand_in.text == "Draft kept"


def test_a_submitted_hand_in_cannot_change(cohort, modules, member):
    actions.do_enrol(member, cohort)
    actions.do_submit_hand_in(member, cohort, modules[1], text="Final")
    with pytest.raises(ActionError) as err:
        actions.do_save_draft(member, cohort, modules[1], text="Changed")
    assert err.value.status == 409


def test_a_draft_saved_with_htmx_survives_a_reload(client, cohort, modules, member):
    actions.do_enrol(member, cohort)
    login(client, member)
    url = reverse("learning-hand-in-draft", args=[cohort.pk, modules[1].pk])
    response = client.post(url, {"text": "Half a thought"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Draft saved" in response.content.decode()
    page = client.get(reverse("learning-cohort-module", args=[cohort.pk, modules[1].pk]))
    assert "Half a thought" in page.content.decode()
    assert 'aria-live="polite"' in page.content.decode()


def test_the_draft_endpoint_refuses_outsiders_of_the_cohort(client, cohort, modules, member):
    login(client, member)
    url = reverse("learning-hand-in-draft", args=[cohort.pk, modules[1].pk])
    response = client.post(url, {"text": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403


def test_a_quiz_handed_in_from_the_page_is_marked(client, cohort, modules, member):
    quiz = modules[2]
    actions.do_enrol(member, cohort)
    login(client, member)
    data = {f"q_{q.pk}": q.choices.get(is_correct=True).pk for q in quiz.questions.all()}
    response = client.post(reverse("learning-hand-in-submit", args=[cohort.pk, quiz.pk]), data)
    assert response.status_code == 302
    hand_in = HandIn.objects.get(module=quiz)
    assert (hand_in.score, hand_in.max_score) == (2, 2)


def test_a_quiz_answer_to_an_unknown_question_from_the_page_is_400(client, cohort, modules, member):
    actions.do_enrol(member, cohort)
    login(client, member)
    url = reverse("learning-hand-in-submit", args=[cohort.pk, modules[2].pk])
    response = client.post(url, {"q_999999": "1"})
    assert response.status_code == 400
    assert "not part of this quiz" in response.content.decode()


def test_facilitator_gives_feedback_and_the_participant_reads_it(
    client, cohort, modules, member, mentor
):
    actions.do_enrol(member, cohort)
    hand_in = actions.do_submit_hand_in(member, cohort, modules[1], text="Mine")
    login(client, mentor)
    url = reverse("learning-hand-in-feedback", args=[cohort.pk, hand_in.pk])
    assert client.post(url, {"text": "Nice **work**"}).status_code == 302
    client.logout()
    login(client, member)
    page = client.get(reverse("learning-cohort-module", args=[cohort.pk, modules[1].pk]))
    assert "<strong>work</strong>" in page.content.decode()


def test_a_participant_cannot_give_feedback(client, cohort, modules, member):
    actions.do_enrol(member, cohort)
    hand_in = actions.do_submit_hand_in(member, cohort, modules[1], text="Mine")
    login(client, member)
    url = reverse("learning-hand-in-feedback", args=[cohort.pk, hand_in.pk])
    assert client.post(url, {"text": "Self praise"}).status_code == 403


def test_another_member_cannot_see_a_hand_in(client, cohort, modules, member, community):
    actions.do_enrol(member, cohort)
    hand_in = actions.do_submit_hand_in(member, cohort, modules[1], text="Private-ish")
    (other,) = members(community, 1, "other")
    login(client, other)
    assert client.get(reverse("learning-hand-in", args=[cohort.pk, hand_in.pk])).status_code == 404


def test_the_progress_grid_is_for_facilitators_only(client, cohort, member):
    actions.do_enrol(member, cohort)
    login(client, member)
    assert client.get(reverse("learning-cohort-progress", args=[cohort.pk])).status_code == 403


def test_the_progress_grid_runs_bounded_queries_with_200_participants(
    client, cohort, modules, community, mentor
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort.capacity = None
    cohort.save()
    login(client, mentor)
    url = reverse("learning-cohort-progress", args=[cohort.pk])
    client.get(url)  # the session's first request records the session

    def enrol(people):
        Enrolment.objects.bulk_create(
            Enrolment(cohort=cohort, user=p, status=EnrolmentStatus.ACTIVE) for p in people
        )
        enrolments = list(cohort.enrolments.filter(user__in=people))
        ModuleProgress.objects.bulk_create(
            ModuleProgress(enrolment=e, module=modules[0]) for e in enrolments
        )
        HandIn.objects.bulk_create(
            HandIn(enrolment=e, module=modules[1], text="t", submitted_at=timezone.now())
            for e in enrolments[::2]
        )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    enrol(members(community, 5, "a"))
    few, _body = count()
    enrol(members(community, 195))
    many, body = count()
    # The page's own seven queries (cohort, membership, facilitators, modules, enrolments
    # with their people, progress, hand-ins) plus the session and the layout's.
    assert many == few and many <= 25
    assert "200 participants" in body and "P 194" in body


def test_completion_gives_a_record_a_pdf_and_a_public_verification(
    client, cohort, modules, member, mentor
):
    enrolment = actions.do_enrol(member, cohort)
    login(client, member)
    assert client.get(reverse("learning-completion", args=[cohort.pk])).status_code == 404
    client.logout()
    login(client, mentor)
    url = reverse("learning-enrolment-complete", args=[cohort.pk, enrolment.pk])
    assert client.post(url).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED and enrolment.certificate_code
    assert client.post(url).status_code == 409
    client.logout()
    login(client, member)
    record = client.get(reverse("learning-completion", args=[cohort.pk]))
    verify_path = reverse("learning-certificate", args=[enrolment.certificate_code])
    assert record.status_code == 200
    assert f"http://testserver{verify_path}" in record.content.decode()
    pdf = client.get(reverse("learning-certificate-pdf", args=[enrolment.certificate_code]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.4")
    assert f"http://testserver{verify_path}".encode() in pdf.content
    assert pdf.content.rstrip().endswith(b"%%EOF")
    client.logout()
    public = Client().get(verify_path)
    body = public.content.decode()
    assert public.status_code == 200
    assert "Mia" in body and "Facilitation basics" in body and "valid" in body


def test_an_unknown_certificate_is_404(client, db):
    assert client.get(reverse("learning-certificate", args=["nope"])).status_code == 404
    assert client.get(reverse("learning-certificate-pdf", args=["nope"])).status_code == 404


def test_the_hand_written_pdf_has_a_consistent_cross_reference_table():
    from koinon.learning.pdf import simple_pdf

    data = simple_pdf([(12, "Ciao (mondo) è \\ ok")], title="T")
    start = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[start:].startswith(b"xref")
    offsets = [int(line[:10]) for line in data[start:].split(b"\n")[3:9]]
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(b"%d 0 obj" % number)
    assert b"\\(mondo\\)" in data and "è".encode("latin-1") in data
