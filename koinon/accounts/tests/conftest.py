import pytest


@pytest.fixture
def login(client):
    """Log `user` in through allauth, so it records the authentication like a real login."""
    from koinon.accounts.tests.factories import PASSWORD

    def _login(user, password=PASSWORD):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        response = client.post("/accounts/login/", {"login": user.email, "password": password})
        assert response.status_code == 302, response.content[:2000]
        return client

    return _login
