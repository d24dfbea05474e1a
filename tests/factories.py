"""factory_boy factories shared by the Django tests."""

from __future__ import annotations

import factory

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    role = Role.CLUSTER_MANAGER
    preferred_language = "de"
    country = "DE"
    is_staff = factory.LazyAttribute(lambda u: u.role in {Role.SECRETARIAT, Role.ADMINISTRATOR})
    is_superuser = factory.LazyAttribute(lambda u: u.role == Role.ADMINISTRATOR)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
