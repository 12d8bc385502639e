from django.core.management.base import BaseCommand

from members.mfa import encrypt_mfa_secrets


class Command(BaseCommand):
    help = (
        "Encrypt every stored two-factor secret with SECRET_KEY: those stored in clear, and "
        "those encrypted with a key now in SECRET_KEY_FALLBACKS (run it before dropping one)."
    )

    def handle(self, *args, **options):
        count = encrypt_mfa_secrets()
        self.stdout.write(f"Encrypted the secrets of {count} authenticator(s) with SECRET_KEY.")
