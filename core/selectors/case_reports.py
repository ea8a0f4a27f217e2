"""The case page's progress reports, with their opinions and files, in two queries.

The reports' opinions and the review opinions of the oversight section are rows of the
same table, and the files of the page, of its reports and of their opinions' answers rows
of another: each is read once for the whole page and handed out to the reports, the
opinions and the page (every file of a case is attached to the case itself).
"""

from core.models import Attachment, Opinion


def case_reports(project, panels) -> dict:
    """`reports` (each with its `opinion_list` and `attachment_list`, each opinion with its
    `attachment_list`), `attachments` (the case's own files) and `review_opinions` (those
    addressed to an office, for the oversight section). `panels`: which of the case's
    lists have rows (core.selectors.case_panels)."""
    reports = []
    if panels["reports"]:
        reports = list(project.reports.select_related("submitted_by", "signed_off_by"))
    opinions = []
    if panels["opinions"]:
        opinions = list(
            Opinion.objects.filter(project=project).select_related(
                "meeting", "inspection", "addressee", "answered_by", "checked_by"
            )
        )
    attachments = []
    if panels["attachments"]:
        attachments = list(Attachment.objects.filter(project=project).select_related("uploaded_by"))
    for opinion in opinions:
        opinion.attachment_list = [a for a in attachments if a.opinion_id == opinion.pk]
    for report in reports:
        report.opinion_list = [o for o in opinions if o.report_id == report.pk]
        report.attachment_list = [a for a in attachments if a.report_id == report.pk]
    return {
        "reports": reports,
        "attachments": [a for a in attachments if a.report_id is None],
        "review_opinions": [o for o in opinions if o.addressee_id is not None],
    }
