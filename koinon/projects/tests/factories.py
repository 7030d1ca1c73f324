from datetime import date

import factory

from koinon.communities.tests.factories import CommunityFactory
from koinon.projects.models import Experiment, Idea, Project, ProjectMember, Task


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Idea {n}")
    problem = "Stand-ups run long."
    proposal = "Time-box them to fifteen minutes."
    benefit = "Less waiting."


class ExperimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experiment

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Experiment {n}")
    hypothesis = "Shorter stand-ups keep attention."
    tried = "A fifteen-minute timer."
    measure = "Minutes per stand-up."
    starts_on = date(2027, 1, 1)
    ends_on = date(2027, 2, 1)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    purpose = "Ship the handbook."


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    role = "contributor"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
