from datetime import timedelta

import factory
from django.utils import timezone

from koinon.communities.tests.factories import CommunityFactory
from koinon.opportunities.models import Opportunity, OpportunityKind


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    community = factory.SubFactory(CommunityFactory)
    kind = OpportunityKind.COLLABORATION
    title = factory.Sequence(lambda n: f"Opportunity {n}")
    description = "We look for someone who knows **Scrum**."
    description_html = "<p>We look for someone who knows <strong>Scrum</strong>.</p>"
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
