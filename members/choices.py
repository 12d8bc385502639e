from django.db import models


class Sector(models.TextChoices):
    GOVERNMENT = "government", "Government"
    NON_GOVERNMENT = "non_government", "Non-government"
    ACCO = "acco", "Aboriginal community-controlled"
