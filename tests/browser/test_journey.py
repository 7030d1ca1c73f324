"""THE journey, in the Italian UI: sign up, verify by mail, create a private community,
invite a second person, who signs up from the invitation, verifies, accepts and appears
among the members. Screenshots of every step go to test-artifacts/test_journey/."""

import pytest

from koinon.communities.models import Community, Invitation, Membership, Role, Visibility

FIRST = "anna.verdi@example.org"
SECOND = "bruno.neri@example.org"
PASSWORD = "Quercia-lenta-2026"
SLUG = "tessitori-di-progetti"


def sign_up(page, email, shot, who):
    """Fill in allauth's sign-up form (with Koinon's two extra questions) and send it."""
    assert page.locator("html").get_attribute("lang") == "it"
    form = page.locator("main form").filter(has=page.locator("[name=password2]"))
    form.locator("[name=email]").fill(email)
    form.locator("[name=password1]").fill(PASSWORD)
    form.locator("[name=password2]").fill(PASSWORD)
    form.locator("[name=is_at_least_14]").check()
    form.locator("[name=accepts_privacy]").check()
    shot(page, f"{who}-signup-filled")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/confirm-email/" in page.url, f"sign-up did not ask to verify: {page.url}"
    shot(page, f"{who}-verification-sent")


def verify(page, mailbox, email, shot, who):
    """Open the verification link from the mail folder and confirm the address."""
    link = mailbox.link(email, "/accounts/confirm-email/")
    page.goto(link)
    shot(page, f"{who}-confirm-page")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    shot(page, f"{who}-verified")
    # Logged in straight after confirming (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION).
    assert page.locator("form[action$='/accounts/logout/']").count() == 1
    assert page.get_by_role("button", name="Esci").count() == 1, "the Italian UI"


def test_sign_up_create_a_private_community_invite_and_see_the_new_member(
    browser, context, live_server, mailbox, network, shot, assert_accessible
):
    # --- The first person signs up and verifies their address. ---
    page = context.new_page()
    page.goto("/accounts/signup/")
    assert_accessible(page)
    sign_up(page, FIRST, shot, "first")
    verify(page, mailbox, FIRST, shot, "first")

    # --- They create a private community, joined by invitation only. ---
    page.goto("/communities/new/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    form = page.locator("main form")
    form.locator("[name=name]").fill("Tessitori di progetti")
    form.locator("[name=slug]").fill(SLUG)
    form.locator("[name=kind]").select_option("practice")
    form.locator("[name=domain]").fill("Gestione dei progetti culturali")
    form.locator("[name=purpose]").fill("Condividere ciò che funziona nei progetti culturali.")
    form.locator("[name=visibility][value=private]").check()
    form.locator("[name=join_policy][value=invitation]").check()
    shot(page, "community-form")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/c/{SLUG}/")
    shot(page, "community-created")
    community = Community.objects.get(slug=SLUG)
    assert community.visibility == Visibility.PRIVATE
    assert Membership.objects.get(community=community, user__email=FIRST).role == Role.OWNER

    # --- They invite a second person by e-mail. ---
    page.goto(f"/c/{SLUG}/invitations/")
    assert_accessible(page)
    form = page.locator("main form").filter(has=page.locator("[name=email]"))
    form.locator("[name=email]").fill(SECOND)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    shot(page, "invitation-sent")
    assert Invitation.objects.filter(community=community, email=SECOND).exists()
    assert SECOND in page.locator("main").inner_text()

    # --- The second person, in their own browser, follows the link in the mail. ---
    second = browser.new_context(
        base_url=live_server.url,
        locale="it-IT",
        extra_http_headers={"Accept-Language": "it"},
    )
    network.watch(second)
    try:
        guest = second.new_page()
        invitation_link = mailbox.link(SECOND, "/invitations/")
        guest.goto(invitation_link)
        shot(guest, "invitation-page")
        assert_accessible(guest)
        guest.locator("main a[href^='/accounts/signup/']").click()
        guest.wait_for_load_state()
        sign_up(guest, SECOND, shot, "second")
        verify(guest, mailbox, SECOND, shot, "second")

        guest.goto(invitation_link)
        shot(guest, "invitation-logged-in")
        guest.locator("main form button[type=submit]").click()
        guest.wait_for_url(f"**/c/{SLUG}/")
        shot(guest, "welcome")
        membership = Membership.objects.get(community=community, user__email=SECOND)
        assert membership.role == Role.MEMBER

        # --- The owner sees the new member in the members list. ---
        page.goto(f"/c/{SLUG}/members/")
        shot(page, "members")
        assert_accessible(page)
        members = page.locator("main").inner_text()
        assert membership.user.display_name in members
        assert Invitation.objects.get(community=community, email=SECOND).accepted_at
    finally:
        second.close()

    network.assert_only_our_host()


@pytest.mark.parametrize("path", ["/admin/login/", "/accounts/login/"])
def test_login_pages_run_without_csp_violations(page, live_server, path):
    page.goto(path)
    assert page.locator("form").count() >= 1
    assert page.js_errors == []


def _log_in(page, email, password, path="/accounts/login/"):
    page.goto(path)
    form = page.locator("main form, #content form").filter(has=page.locator("[type=password]"))
    form.locator("[name=login], [name=username]").first.fill(email)
    form.locator("[type=password]").fill(password)
    form.locator("[type=submit]").click()
    page.wait_for_load_state()


def _verified_user(email, password, **extra):
    from allauth.account.models import EmailAddress

    from koinon.accounts.models import User

    user = User.objects.create_user(email, password, language="it", **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_the_two_factor_qr_code_works_under_the_csp(page, live_server, shot, network):
    _verified_user("tina@example.org", PASSWORD)
    _log_in(page, "tina@example.org", PASSWORD)
    page.goto("/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:
        page.locator("main form [type=password]").fill(PASSWORD)
        page.locator("main form [type=submit]").click()
        page.wait_for_url("**/2fa/totp/activate/**")
    qr = page.locator("main img").first
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load"
    shot(page, "totp-activate")
    assert page.js_errors == []
    network.assert_only_our_host()


def test_the_django_admin_works_under_the_csp(page, live_server, shot, network):
    _verified_user("operator@example.org", PASSWORD, is_staff=True, is_superuser=True)
    _log_in(page, "operator@example.org", PASSWORD, path="/admin/login/")
    for path in [
        "/admin/",
        "/admin/core/activityentry/",
        "/admin/communities/community/",
        "/admin/communities/community/add/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("#content").count() == 1
    shot(page, "admin-add-community")
    assert page.js_errors == []
    network.assert_only_our_host()
