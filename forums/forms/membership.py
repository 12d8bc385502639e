from django import forms

from ..choices import MembershipRole


class AddMemberForm(forms.Form):
    email = forms.EmailField(label="Email address of the person to add", max_length=254)
    role = forms.ChoiceField(choices=MembershipRole.choices, initial=MembershipRole.MEMBER)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(choices=MembershipRole.choices)


class RemoveMemberForm(forms.Form):
    """Nothing to fill in: the button confirms."""
