from datetime import timedelta

import factory
from django.utils import timezone

from koinon.communities.tests.factories import CommunityFactory
from koinon.events.models import Event


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    community = factory.SubFactory(CommunityFactory)
    kind = "seminar"
    title = factory.Sequence(lambda n: f"Seminar {n}")
    description = "Bring *questions*."
    description_html = "<p>Bring <em>questions</em>.</p>"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    time_zone = "Europe/Rome"
