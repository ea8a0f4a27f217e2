from .clients import api, eager_celery, fresh_throttles, issue_token  # noqa: F401  (fixtures)
from .oversight_setup import supervision_year  # noqa: F401  (fixture)
