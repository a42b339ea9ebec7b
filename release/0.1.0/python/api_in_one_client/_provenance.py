"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "e1c7ad5e5986068f4a0e8acbe7b79145f225f758bd9247cc02d9e50b21650596"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "8d4ce1a9bd861e411a6e9f723be0ad10f8ed1ea52f2a55a1d9da8054130c73ab"
