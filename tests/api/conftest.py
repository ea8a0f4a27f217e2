from .clients import api, eager_celery, fresh_throttles, issue_token  # noqa: F401  (fixtures)
