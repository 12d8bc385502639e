import rules


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


@rules.predicate
def is_self(user, other) -> bool:
    return other is not None and user.pk == other.pk


rules.add_perm("members.change_profile", rules.is_authenticated & is_self)
rules.add_perm("members.manage_directory", is_administrator)
