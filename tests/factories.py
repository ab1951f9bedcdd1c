"""Base factories shared by all test modules. App-specific factories live in tests/<app>/factories.py."""

import factory
from allauth.account.models import EmailAddress

from erfurt_srp.accounts.models import User
from gremium.models import Committee, Institution, Membership, Person

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Gremium {n}")
    slug = factory.Sequence(lambda n: f"gremium-{n}")
    kind = Committee.Kind.ACCOMPANYING


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = Institution.Kind.ADMINISTRATION


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    committee = factory.SubFactory(CommitteeFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Membership.Role.MEMBER

    @factory.post_generation
    def link_institution(self, create, extracted, **kwargs):
        if create:
            self.institution.committees.add(self.committee)
