"""Where forum resources are stored (their checks live in members.files)."""

from members.files import upload_path


def resource_upload_to(instance, filename: str) -> str:
    return upload_path("resources", filename)
