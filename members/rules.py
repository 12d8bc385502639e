import rules


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)
