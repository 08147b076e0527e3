"""What attachments may be (DESIGN.md, "Attachments"): types, sizes, counts,
how deep they are inspected, and the storage quotas."""

from helpdesk.env import env_int, env_list

HELPDESK_ATTACHMENT_TYPES = env_list(
    "HELPDESK_ATTACHMENT_TYPES",
    [
        "jpg",
        "jpeg",
        "png",
        "gif",
        "bmp",
        "pdf",
        "doc",
        "docx",
        "txt",
        "csv",
        "xls",
        "xlsx",
        "zip",
        "rar",
        "tar",
    ],
)
HELPDESK_ATTACHMENT_MAX_BYTES = env_int("HELPDESK_ATTACHMENT_MAX_MB", 20) * 1024 * 1024
HELPDESK_ATTACHMENT_IMAGE_MAX_BYTES = env_int("HELPDESK_ATTACHMENT_IMAGE_MAX_MB", 10) * 1024 * 1024
HELPDESK_ATTACHMENT_MAX_FILES = env_int("HELPDESK_ATTACHMENT_MAX_FILES", 10)
# Deeper inspection (tickets/attachments/inspect_*.py): images up to this many pixels
# (decoding 40 megapixels takes about 160 MB); archives are listed, never extracted.
HELPDESK_ATTACHMENT_MAX_PIXELS = env_int("HELPDESK_ATTACHMENT_MAX_MEGAPIXELS", 40) * 1_000_000
HELPDESK_ATTACHMENT_ARCHIVE_MAX_ENTRIES = env_int("HELPDESK_ATTACHMENT_ARCHIVE_MAX_ENTRIES", 10_000)
HELPDESK_ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES = (
    env_int("HELPDESK_ATTACHMENT_ARCHIVE_MAX_UNPACKED_MB", 500) * 1024 * 1024
)
HELPDESK_ATTACHMENT_ARCHIVE_MAX_RATIO = env_int("HELPDESK_ATTACHMENT_ARCHIVE_MAX_RATIO", 100)
# Stored attachment bytes per uploader and per organisation; 0 means no limit.
HELPDESK_ATTACHMENT_QUOTA_USER_BYTES = (
    env_int("HELPDESK_ATTACHMENT_QUOTA_USER_MB", 1024) * 1024 * 1024
)
HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES = (
    env_int("HELPDESK_ATTACHMENT_QUOTA_ORG_MB", 10 * 1024) * 1024 * 1024
)
