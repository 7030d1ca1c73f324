"""`koinon token create|list|revoke`: personal access tokens from the command line."""

from django.core.management.base import BaseCommand, CommandError

from koinon.accounts import actions
from koinon.accounts.models import TokenScope, User
from koinon.lib.errors import ActionError


class Command(BaseCommand):
    help = "Create, list or revoke a person's API tokens. A new token is printed once."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token and print it once.")
        create.add_argument("email")
        create.add_argument("--name", required=True)
        create.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        listing = sub.add_parser("list", help="List a person's active tokens.")
        listing.add_argument("email")
        revoke = sub.add_parser("revoke", help="Revoke a token by name.")
        revoke.add_argument("email")
        revoke.add_argument("name")

    def handle(self, *args, action, email, **options):
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account with the e-mail address {email}.")
        try:
            getattr(self, f"_{action}")(user, **options)
        except ActionError as exc:
            raise CommandError(str(exc.message)) from exc

    def _create(self, user, *, name, scope, **_):
        _token, raw = actions.do_create_token(user, name=name, scope=scope)
        self.stdout.write(raw)
        self.stderr.write("Store this token now: it will not be shown again.")

    def _list(self, user, **_):
        for token in user.api_tokens.filter(revoked_at__isnull=True):
            used = token.last_used_at.isoformat() if token.last_used_at else "never"
            self.stdout.write(
                f"{token.name}\t{token.scope}\t{token.hint}…\t"
                f"created {token.created_at.isoformat()}\tlast used {used}"
            )

    def _revoke(self, user, *, name, **_):
        token = user.api_tokens.filter(name=name, revoked_at__isnull=True).first()
        if token is None:
            raise CommandError(f"No active token called {name!r} for {user.email}.")
        actions.do_revoke_token(user, token)
        self.stdout.write(f"Revoked {name}.")
