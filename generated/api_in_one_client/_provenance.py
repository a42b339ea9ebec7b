"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "cb1cb2e6c9c4c74ad09c3416247ff0113002625a6c7d869e6757cc1d1bc46f9f"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "9ccd6a6ac2306011ce5e641e7d2cfe1f78909b4a6ac93c905e8e71b93bfe1677"
