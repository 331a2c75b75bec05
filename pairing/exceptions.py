class StaleVersionError(Exception):
    """A write based on an outdated version of a row (SECURITY.md 11): answered with 409."""

    default_message = "该记录已被他人修改，请刷新页面后重试。"

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
