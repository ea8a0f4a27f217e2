from tests.api.clients import fresh_throttles, issue_token  # noqa: F401  (the API matrix's fixtures)
