"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "cb1cb2e6c9c4c74ad09c3416247ff0113002625a6c7d869e6757cc1d1bc46f9f"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "930355a0f23e343da54f2da0245ff428a9533cfb0d6f7874c2d35abe2d0754c2"
