"""Row-level change history of the tracked records, kept by django-auditlog (who, when, which fields).

Business actions (an import confirmed, a letter issued) are also written by dondoc.audit.services.record.
"""

from auditlog.registry import auditlog

from dondoc.plans.models import Milestone, Task, TaskAgency

from .models import Evidence, Extension, ProgressUpdate

auditlog.register(Task, exclude_fields=["search_key", "version"])
auditlog.register(Milestone)
auditlog.register(TaskAgency)
auditlog.register(ProgressUpdate)
auditlog.register(Evidence)
auditlog.register(Extension)
