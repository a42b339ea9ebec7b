"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "77b0b0071326e51bb6d21f05095594472b855067cecba4d2a62f675b0b40cdb4"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "6b56c0fab6989689d9b7f9ca06240cbbf16a019ea4a9efe11e57b3c9d7796491"
