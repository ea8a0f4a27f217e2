"""Files behind permissions: case attachments and finished exports are read only through
views that check the reader's scope first; nothing under MEDIA_ROOT has a public URL.

Behind nginx (`FILES_ACCEL_PREFIX` set) the view answers with an X-Accel-Redirect to an
`internal` location and nginx sends the bytes; on the embedded default the view sends
them itself (FileResponse).
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from core.selectors import projects as project_selectors


def serve_file(field_file, *, filename: str, content_type: str | None = None) -> HttpResponse:
    """Answer with a stored file as a download, once the caller has checked the reader."""
    if not field_file or not field_file.storage.exists(field_file.name):
        raise Http404
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    prefix = settings.FILES_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field_file.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        response = FileResponse(
            field_file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type=content_type,
        )
    # Not kept by shared caches, and never interpreted as something else by the browser.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment_download(request, pk):
    attachment = project_selectors.attachment_for_user(request.user, pk)
    return serve_file(attachment.file, filename=attachment.name)
