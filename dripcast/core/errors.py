"""The one error tree publishers raise; the dispatcher decides what happens next.

    PublishError            something went wrong talking to a network
    ├── Retryable           try again later (429, 5xx, connection trouble); `retry_after` seconds if the network said
    ├── Rejected            the network refuses this content; retrying will not help
    ├── AuthExpired         a person must reconnect the channel; pause it, do not hammer
    └── OutcomeUnknown      the request left but no answer came; it may be live, so never blindly resend

ConfigError is raised for an invalid config file and names file, line and key.
"""

from __future__ import annotations


class PublishError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Retryable(PublishError):
    pass


class Rejected(PublishError):
    pass


class AuthExpired(PublishError):
    pass


class OutcomeUnknown(PublishError):
    pass


class ConfigError(Exception):
    pass
