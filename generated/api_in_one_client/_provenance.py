"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "c011e46d78843878ebbf2d0b7b710c58386407ba167ac10338a6b751a2028c2a"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "8d4ce1a9bd861e411a6e9f723be0ad10f8ed1ea52f2a55a1d9da8054130c73ab"
