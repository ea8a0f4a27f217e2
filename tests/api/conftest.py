from .clients import api, fresh_throttles, issue_token  # noqa: F401  (fixtures)
