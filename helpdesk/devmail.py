"""DEBUG only: read the file email backend's messages in the browser (support staff)."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path


def _mail_dir() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


def _staff_only(request) -> None:
    if not request.user.is_support_staff:
        raise Http404


@login_required
def mail_list(request):
    _staff_only(request)
    folder = _mail_dir()
    files = sorted(folder.glob("*.log"), key=lambda f: f.stat().st_mtime, reverse=True)[:200]
    return render(request, "dev/mail_list.html", {"files": [f.name for f in files]})


@login_required
def mail_show(request, name: str):
    _staff_only(request)
    candidate = (_mail_dir() / name).resolve()
    if candidate.parent != _mail_dir().resolve() or not candidate.is_file():
        raise Http404
    content = candidate.read_text(encoding="utf-8", errors="replace")
    return render(request, "dev/mail_show.html", {"name": name, "content": content})


urlpatterns = [
    path("", mail_list, name="devmail-list"),
    path("<str:name>", mail_show, name="devmail-show"),
]
