from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import MembershipRole


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to add"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class RemoveMemberForm(forms.Form):
    """Nothing to fill in: the button confirms."""
